# ruff: noqa: F811 -- the fixtures imported from tests.applications.conftest are used by name
"""`accord send-commitment-reminders` and `accord send-payment-reminders`: who hears about what, in
which language, and the `remind` entries in the audit log (the shared `send_reminders`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from accord.accounts.enums import Role
from accord.common.models import AuditEntry
from accord.decisions.enums import PaymentState
from accord.decisions.models import Payment
from accord.decisions.services.awards import mark_payment_paid
from tests.applications.conftest import (  # noqa: F401 -- fixtures
    call,
    funding,
    nrf_officer,
    rs_officer,
)
from tests.decisions.conftest import approve, at_panel
from tests.factories.accounts import UserFactory
from tests.factories.partnerships import CommitmentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 2)


def reminded(model_name: str) -> list[tuple[str, str]]:
    """(object, address) of every `remind` audit entry about ``model_name``, sorted."""
    return sorted(
        (e.object_repr, e.after["to"])
        for e in AuditEntry.objects.filter(action="remind", content_type__model=model_name)
    )


# ---------------------------------------------------------------- commitments


@pytest.fixture
def commitments():
    """Two commitments past due and not complete; four that are not to be reminded about."""
    made = {
        "late": CommitmentFactory(
            text_en="Open a joint centre",
            text_ko="공동 센터 개소",
            due=dt.date(2026, 3, 31),
            status="planned",
        ),
        "at_risk": CommitmentFactory(
            text_en="Fund 20 fellowships",
            text_ko="펠로십 20건 지원",
            due=dt.date(2026, 9, 1),
            status="at_risk",
        ),
        "delivered": CommitmentFactory(
            text_en="Sign the MoU", due=dt.date(2025, 1, 1), status="delivered"
        ),
        "ongoing": CommitmentFactory(
            text_en="Annual dialogue", due=dt.date(2025, 1, 1), status="ongoing"
        ),
        "today": CommitmentFactory(text_en="Due today", due=TODAY, status="in_progress"),
        "undated": CommitmentFactory(text_en="No date", due=None, status="planned"),
    }
    return made


@pytest.fixture
def secretariat():
    return {
        "en": UserFactory(
            email="sec-en@example.org", preferred_language="en", roles=[(Role.SECRETARIAT, None)]
        ),
        "ko": UserFactory(
            email="sec-ko@example.org", preferred_language="ko", roles=[(Role.SECRETARIAT, None)]
        ),
        "gone": UserFactory(
            email="sec-gone@example.org", is_active=False, roles=[(Role.SECRETARIAT, None)]
        ),
        "other": UserFactory(email="admin@example.org", roles=[(Role.ADMIN, None)]),
    }


def test_commitment_reminders_go_to_the_secretariat_in_their_language(
    commitments, secretariat, capsys
):
    call_command(
        "send-commitment-reminders",
        "--today",
        TODAY.isoformat(),
        "--base-url",
        "https://accord.example/",
    )
    assert capsys.readouterr().out == "2 reminder(s) sent.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["sec-en@example.org", "sec-ko@example.org"]
    by = {m.to[0]: m for m in mail.outbox}
    english, korean = by["sec-en@example.org"], by["sec-ko@example.org"]
    assert english.subject == "Accord: 2 commitment(s) overdue"
    with translation.override("ko"):
        assert korean.subject == gettext("Accord: %(count)s commitment(s) overdue") % {"count": 2}
    assert korean.subject != english.subject
    slug = commitments["late"].instrument.partnership.slug
    assert english.body == (
        "These commitments of the Accord are past their due date and not complete:\n\n"
        "- Open a joint centre\n"
        "  due by March 31, 2026 — Planned\n"
        f"  https://accord.example/accord/{slug}/commitments/\n\n"
        "- Fund 20 fellowships\n"
        "  due by Sept. 1, 2026 — At risk\n"
        f"  https://accord.example/accord/{commitments['at_risk'].instrument.partnership.slug}/commitments/\n\n"
        "Sign in to Accord to update their status and evidence.\n"
    )
    assert "공동 센터 개소" in korean.body and "2026년 3월 31일" in korean.body
    assert "Open a joint centre" not in korean.body
    assert reminded("commitment") == sorted(
        (str(commitments[key]), address)
        for key in ("late", "at_risk")
        for address in ("sec-en@example.org", "sec-ko@example.org")
    )


def test_no_commitment_reminder_when_nothing_is_overdue(commitments, secretariat, capsys):
    call_command("send-commitment-reminders", "--today", "2026-03-31")
    assert capsys.readouterr().out == "0 reminder(s) sent.\n"
    assert mail.outbox == []
    assert reminded("commitment") == []


# ---------------------------------------------------------------- payments


@pytest.fixture
def award(call, rs_officer, nrf_officer):
    """A funded application; its instalments fall due on 1 September 2025, 2026 and 2027."""
    application = at_panel(call, merit=5, reference="ICA-2025-0007")
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR")
    return application.award


def test_payment_reminders_go_to_each_funders_officers(award, rs_officer, nrf_officer, capsys):
    rs_officer.email, rs_officer.preferred_language = "rs@example.org", "en"
    rs_officer.save()
    nrf_officer.email, nrf_officer.preferred_language = "nrf@example.org", "ko"
    nrf_officer.save()
    UserFactory(email="innovate@example.org", roles=[(Role.SECRETARIAT, None)])
    gb_first = Payment.objects.filter(side__award=award, side__country="GB").order_by("due_on")[0]
    mark_payment_paid(payment=gb_first, paid_on=dt.date(2025, 9, 3), actor=rs_officer)
    assert [p.due_on for p in Payment.objects.filter(side__award=award, side__country="KR")] == [
        dt.date(2025, 9, 1),
        dt.date(2026, 9, 1),
        dt.date(2027, 9, 1),
    ]

    call_command("send-payment-reminders", "--today", TODAY.isoformat())

    assert capsys.readouterr().out == "2 reminder(s) sent.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["nrf@example.org", "rs@example.org"]
    by = {m.to[0]: m for m in mail.outbox}
    assert by["rs@example.org"].subject == "Accord: 1 payment(s) overdue"
    assert by["rs@example.org"].body.count("- ICA-2025-0007, ") == 1
    assert "due by Sept. 1, 2026" in by["rs@example.org"].body
    assert "/manage/awards/ICA-2025-0007/" in by["rs@example.org"].body
    with translation.override("ko"):
        expected = gettext("Accord: %(count)s payment(s) overdue") % {"count": 2}
    assert by["nrf@example.org"].subject == expected
    assert by["nrf@example.org"].body.count("- ICA-2025-0007, ") == 2
    assert "2025년 9월 1일" in by["nrf@example.org"].body
    overdue = Payment.objects.filter(side__award=award, due_on__lt=TODAY).exclude(
        state=PaymentState.PAID
    )
    assert reminded("payment") == sorted(
        (str(p), "rs@example.org" if p.side.country == "GB" else "nrf@example.org") for p in overdue
    )
    assert len(reminded("payment")) == 3


def test_paid_instalments_are_not_reminded(award, rs_officer, nrf_officer):
    for payment in Payment.objects.filter(side__award=award, due_on__lt=TODAY):
        mark_payment_paid(payment=payment, paid_on=payment.due_on, actor=None)
    call_command("send-payment-reminders", "--today", TODAY.isoformat())
    assert mail.outbox == []
