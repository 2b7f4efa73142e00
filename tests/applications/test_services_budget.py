"""Budgets: each side in its own currency, funder rates by organisation size, nothing stored on refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.applications.enums import MemberRole
from accord.applications.errors import ApplicationError
from accord.applications.models import BudgetLine
from accord.applications.selectors.budget import budget_summary, funding_rate
from accord.applications.services.budget import save_budget
from accord.directory.models import Organisation
from tests.applications.conftest import (
    add_member,
    budget_line,
    fresh,
    make_call,
    make_researcher,
    set_budget,
    start_team,
)
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db


def stored_lines(application):
    return [
        (line.country, line.amount, line.currency)
        for line in BudgetLine.objects.filter(application=application).order_by("country", "id")
    ]


def test_a_korean_line_in_pounds_is_refused_naming_both_currencies_and_nothing_changes(
    draft, uk_lead, kr_lead
):
    set_budget(draft, uk_lead, gbp=100000, krw=300000000)
    before = fresh(draft)
    kaist = Organisation.objects.get(slug="kaist")

    with pytest.raises(ApplicationError) as refused:
        save_budget(
            application=before,
            expected_version=before.version,
            actor=kr_lead,
            lines=[
                budget_line("KR", kaist, 120000000, "KRW"),
                budget_line("KR", kaist, 90000, "GBP"),
            ],
        )

    assert refused.value.messages == [
        "Line 2: the Republic of Korea side is paid in KRW, not GBP. Enter this cost in KRW."
    ]
    assert stored_lines(draft) == [
        ("GB", Decimal("100000.00"), "GBP"),
        ("KR", Decimal("300000000.00"), "KRW"),
    ]
    assert fresh(draft).version == before.version


def test_a_negative_amount_is_refused(draft, uk_lead):
    imperial = Organisation.objects.get(slug="imperial")
    with pytest.raises(ApplicationError) as refused:
        save_budget(
            application=draft,
            expected_version=draft.version,
            actor=uk_lead,
            lines=[budget_line("GB", imperial, -1, "GBP")],
        )
    assert refused.value.messages == ["Line 1: a cost cannot be negative."]
    assert (stored_lines(draft), fresh(draft).version) == ([], draft.version)


def test_a_line_for_an_organisation_not_on_that_side_is_refused(draft, uk_lead):
    kaist = Organisation.objects.get(slug="kaist")
    with pytest.raises(ApplicationError) as refused:
        save_budget(
            application=draft,
            expected_version=draft.version,
            actor=uk_lead,
            lines=[budget_line("GB", kaist, 1000, "GBP")],
        )
    assert refused.value.messages == [
        f"Line 1: {kaist} is not an organisation of a team member on that side."
    ]
    assert stored_lines(draft) == []


def test_saving_the_same_budget_again_changes_nothing(draft, uk_lead):
    saved = set_budget(draft, uk_lead)
    again = set_budget(saved, uk_lead)
    assert again.version == saved.version


def test_requested_amounts_apply_innovate_uk_rates_by_organisation_size(funding):
    """Innovate UK pays a small business 70 %, a large one 50 % and a university 100 % of eligible cost."""
    call = make_call(template="iuk-kiat-crd", slug="iuk-kiat-2025")
    small = OrganisationFactory(country="GB", kind="company", size="small", name_en="Small Ltd")
    large = OrganisationFactory(country="GB", kind="company", size="large", name_en="Large plc")
    uk_lead = make_researcher(country="GB", org=small, career_stage="industry")
    kr_lead = make_researcher(country="KR", org="kaist")
    application = start_team(call, uk_lead, kr_lead)
    add_member(
        application, make_researcher(country="GB", org=large, career_stage="industry"), by=uk_lead
    )
    add_member(application, make_researcher(country="GB", org="imperial"), by=uk_lead)
    kaist = Organisation.objects.get(slug="kaist")
    imperial = Organisation.objects.get(slug="imperial")
    application = fresh(application)

    save_budget(
        application=application,
        expected_version=application.version,
        actor=uk_lead,
        lines=[
            budget_line("GB", small, 100000, "GBP"),
            budget_line("GB", large, 100000, "GBP", category="equipment"),
            budget_line("GB", imperial, 100000, "GBP"),
        ],
    )
    application = fresh(application)
    save_budget(
        application=application,
        expected_version=application.version,
        actor=kr_lead,
        lines=[budget_line("KR", kaist, 400000000, "KRW")],
    )

    sides = {s.country: s for s in call.sides.all()}
    assert [funding_rate(sides["GB"], org) for org in (small, large, imperial)] == [
        Decimal("0.70"),
        Decimal("0.50"),
        Decimal("1.00"),
    ]
    summary = budget_summary(fresh(application))
    assert (summary["GB"].currency, summary["GB"].eligible_cost, summary["GB"].requested) == (
        "GBP",
        Decimal("300000.00"),
        Decimal("220000.00"),
    )
    assert summary["GB"].by_category == {
        "staff": Decimal("200000.00"),
        "equipment": Decimal("100000.00"),
    }
    assert (summary["KR"].currency, summary["KR"].eligible_cost, summary["KR"].requested) == (
        "KRW",
        Decimal("400000000.00"),
        Decimal("400000000.00"),
    )


def test_royal_society_pays_full_eligible_cost(draft, uk_lead):
    summary = budget_summary(set_budget(draft, uk_lead, gbp="123456.78", krw=1))
    assert (summary["GB"].requested, summary["KR"].requested) == (
        Decimal("123456.78"),
        Decimal("1.00"),
    )
    assert {m.role for m in draft.members.all()} == {MemberRole.LEAD}
