"""Two keys: each funder decides its own side; one approval is not an award; both make one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.common.models import AuditAction, AuditEntry
from accord.decisions.enums import PaymentState, ReportKind, Verdict
from accord.decisions.errors import DecisionError
from accord.decisions.models import Award, AwardSide, Decision, Payment, Report
from accord.decisions.selectors import disagreements
from accord.decisions.services.awards import add_months, instalments, make_award
from tests.decisions.conftest import START, approve, at_panel, decline

pytestmark = pytest.mark.django_db


def fresh(application):
    return Application.objects.get(pk=application.pk)


def test_one_approval_is_not_an_award(call, rs_officer):
    application = at_panel(call, merit=5)
    approve(application, rs_officer, "GB")
    assert Award.objects.count() == 0
    assert fresh(application).state == ApplicationState.AT_PANEL
    assert list(Decision.objects.values_list("country", "verdict")) == [("GB", Verdict.APPROVE)]


def test_both_approvals_make_an_award_with_one_side_per_funder(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5, gbp=200_000, krw=500_000_000)
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR", amount=Decimal("450000000"))

    award = Award.objects.get()
    assert fresh(application).state == ApplicationState.FUNDED
    assert (award.reference, award.starts_on, award.ends_on) == (
        application.reference,
        START,
        dt.date(2028, 8, 31),
    )
    leads = {m.country: m.organisation_id for m in application.members.filter(role="lead")}
    sides = [
        (s.country, s.funder.slug, s.recipient_id, s.amount, s.currency)
        for s in award.sides.select_related("funder")
    ]
    assert sides == [
        ("GB", "royal-society", leads["GB"], Decimal("200000.00"), "GBP"),
        ("KR", "nrf", leads["KR"], Decimal("450000000.00"), "KRW"),
    ]


def test_award_has_annual_payments_and_reports(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5, gbp=100_000, krw=500_000_000)
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR")
    award = Award.objects.get()
    payments = [
        (p.side.country, p.due_on, p.amount, p.state)
        for p in Payment.objects.filter(side__award=award).select_related("side")
    ]
    assert payments == [
        ("GB", START, Decimal("33333.33"), PaymentState.SCHEDULED),
        ("GB", dt.date(2026, 9, 1), Decimal("33333.33"), PaymentState.SCHEDULED),
        ("GB", dt.date(2027, 9, 1), Decimal("33333.34"), PaymentState.SCHEDULED),
        ("KR", START, Decimal("166666666.66"), PaymentState.SCHEDULED),
        ("KR", dt.date(2026, 9, 1), Decimal("166666666.66"), PaymentState.SCHEDULED),
        ("KR", dt.date(2027, 9, 1), Decimal("166666666.68"), PaymentState.SCHEDULED),
    ]
    reports = list(Report.objects.filter(award=award).values_list("kind", "due_on"))
    assert reports == [
        (ReportKind.PROGRESS, dt.date(2026, 9, 1)),
        (ReportKind.PROGRESS, dt.date(2027, 9, 1)),
        (ReportKind.FINAL, dt.date(2028, 11, 30)),
    ]


def test_both_declines_decline_the_application(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5)
    decline(application, rs_officer, "GB")
    decline(application, nrf_officer, "KR")
    assert fresh(application).state == ApplicationState.DECLINED
    assert Award.objects.count() == 0


def test_disagreement_is_listed_and_nothing_else_happens(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5)
    agreed = at_panel(call, merit=4)
    approve(application, rs_officer, "GB")
    decline(application, nrf_officer, "KR")
    approve(agreed, rs_officer, "GB")

    assert [a.reference for a in disagreements(call)] == [application.reference]
    assert fresh(application).state == ApplicationState.AT_PANEL
    assert Award.objects.count() == 0


def test_reconciling_a_disagreement_makes_the_award(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5)
    approve(application, rs_officer, "GB")
    decline(application, nrf_officer, "KR")
    approve(application, nrf_officer, "KR")
    assert fresh(application).state == ApplicationState.FUNDED
    assert list(disagreements(call)) == []


def test_other_funders_officer_cannot_record_a_side(call, rs_officer, nrf_officer, kiat_officer):
    application = at_panel(call, merit=5)
    with pytest.raises(PermissionDenied):
        approve(application, nrf_officer, "GB")  # NRF pays the Korean side, not the UK one
    with pytest.raises(PermissionDenied):
        approve(application, kiat_officer, "KR")  # KIAT is not a funder of this call
    with pytest.raises(PermissionDenied):
        approve(application, rs_officer, "KR")
    assert Decision.objects.count() == 0


def test_decision_is_audited(call, rs_officer):
    application = at_panel(call, merit=5)
    decision = approve(application, rs_officer, "GB")
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Decision),
        object_id=str(decision.pk),
        action=AuditAction.CREATE,
    )
    assert [(e.after["verdict"], e.after["amount"], e.actor_id) for e in entries] == [
        ("approve", "200000.00", rs_officer.pk)
    ]


def test_only_an_application_at_panel_is_decided(call, rs_officer):
    application = at_panel(call, merit=5)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.IN_REVIEW)
    with pytest.raises(DecisionError) as caught:
        approve(fresh(application), rs_officer, "GB")
    assert caught.value.code == "not_at_panel"


def test_an_award_always_has_both_sides_or_none(call, rs_officer, nrf_officer):
    """A side without a lead stops the award whole: no award, no side, the state unchanged."""
    application = at_panel(call, merit=5)
    approve(application, rs_officer, "GB")
    application.members.filter(country="KR").delete()
    with pytest.raises(DecisionError) as caught:
        approve(application, nrf_officer, "KR")
    assert caught.value.code == "no_lead"
    assert (Award.objects.count(), AwardSide.objects.count()) == (0, 0)
    assert fresh(application).state == ApplicationState.AT_PANEL
    assert Decision.objects.filter(country="KR").count() == 0  # the decision rolled back too


def test_every_award_has_exactly_one_side_per_funder(call, rs_officer, nrf_officer):
    for merit in (5, 4, 3):
        application = at_panel(call, merit=merit)
        approve(application, rs_officer, "GB")
        approve(application, nrf_officer, "KR")
    funders = {s.country: s.funder_id for s in call.sides.all()}
    for award in Award.objects.prefetch_related("sides"):
        assert sorted((s.country, s.funder_id) for s in award.sides.all()) == sorted(
            funders.items()
        )


def test_make_award_refuses_without_both_approvals(call, rs_officer):
    application = at_panel(call, merit=5)
    approve(application, rs_officer, "GB")
    with pytest.raises(DecisionError) as caught:
        make_award(application=application, actor=rs_officer)
    assert caught.value.code == "not_approved"


def test_add_months_keeps_the_day_or_the_months_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 1), 14) == dt.date(2027, 1, 1)


def test_instalments_add_up_to_the_amount():
    assert instalments(Decimal("100.00"), 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
