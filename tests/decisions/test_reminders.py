"""`accord send-report-reminders`: leads of awards with reports due soon, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from accord.decisions.models import Report
from tests.decisions.conftest import approve, at_panel, lead_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5, reference="ICA-2025-0003")
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR")
    lead_user(application, "GB", email="uk-lead@example.org", preferred_language="en")
    lead_user(application, "KR", email="kr-lead@example.org", preferred_language="ko")
    return application.award


def test_reminders_go_to_both_leads_when_a_report_is_due(award):
    due = Report.objects.filter(award=award).order_by("due_on").first().due_on  # 1 Sep 2026
    call_command(
        "send-report-reminders", "--days", "30", "--today", str(due - dt.timedelta(days=10))
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["kr-lead@example.org", "uk-lead@example.org"]
    english = next(m for m in mail.outbox if m.to == ["uk-lead@example.org"])
    assert english.subject == "Accord: 1 report(s) due soon"
    assert "ICA-2025-0003" in english.body
    assert "Progress report, due by Sept. 1, 2026" in english.body


def test_no_reminder_outside_the_window(award):
    due = Report.objects.filter(award=award).order_by("due_on").first().due_on
    call_command(
        "send-report-reminders", "--days", "5", "--today", str(due - dt.timedelta(days=10))
    )
    assert mail.outbox == []


def test_submitted_reports_are_not_reminded(award):
    first = Report.objects.filter(award=award).order_by("due_on").first()
    Report.objects.filter(pk=first.pk).update(submitted_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    call_command("send-report-reminders", "--days", "30", "--today", "2026-08-20")
    assert mail.outbox == []


def test_an_overdue_report_is_reminded_and_flagged(award):
    first = Report.objects.filter(award=award).order_by("due_on").first()
    late = first.due_on + dt.timedelta(days=20)
    call_command("send-report-reminders", "--days", "5", "--today", str(late))
    english = next(m for m in mail.outbox if m.to == ["uk-lead@example.org"])
    assert "Progress report, due by Sept. 1, 2026 — overdue" in english.body
    Report.objects.filter(pk=first.pk).update(due_on=dt.date(2020, 1, 1))
    first.refresh_from_db()
    assert first.overdue
    payment = award.sides.first().payments.order_by("due_on").first()
    payment.due_on = dt.date(2020, 1, 1)
    assert payment.overdue
    payment.state = "paid"
    assert not payment.overdue
