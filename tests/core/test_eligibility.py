"""Tests for accord.core.eligibility: each rule kind at its boundaries, validation, messages."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord.core.eligibility as elig
from accord.core.eligibility import (
    RULE_KINDS,
    TEMPLATES,
    ApplicationFacts,
    FactsError,
    Member,
    Rule,
    RuleError,
    RuleResult,
    SideFacts,
    evaluate,
    evaluate_rule,
    is_eligible,
    validate_rule,
)

D = Decimal
CLOSING = date(2024, 5, 31)
RATES = {"GBP": "1", "KRW": "0.0005"}  # exact in decimal: 2,000 KRW = 1 GBP


def member(person_id: str, country: str = "GB", role: str = "lead", **kw: Any) -> Member:
    base: dict[str, Any] = {
        "org_kind": "university",
        "org_size": "large",
        "career_stage": "mid",
        "phd_year": 2015,
        "other_applications": 0,
    }
    base.update(kw)
    return Member(person_id=person_id, country=country, role=role, **base)


def side(country: str, currency: str, eligible: str, requested: str | None = None) -> SideFacts:
    return SideFacts(country, currency, D(eligible), D(requested if requested else eligible))


def facts(**kw: Any) -> ApplicationFacts:
    base: dict[str, Any] = {
        "countries": ("GB", "KR"),
        "members": (member("gb-lead", "GB"), member("kr-lead", "KR")),
        "sides": (side("GB", "GBP", "60000", "48000"), side("KR", "KRW", "80000000")),
        "duration_months": 24,
        "title_ko": "양자 센서",
        "summary_ko": "요약",
        "areas": ("quantum",),
        "call_areas": ("quantum", "ai"),
        "reference_date": CLOSING,
    }
    base.update(kw)
    return ApplicationFacts(**base)


def one(kind: str, f: ApplicationFacts, **params: Any) -> RuleResult:
    [result] = evaluate([Rule(f"r-{kind}", kind, params)], f)
    return result


def cost_rule(max_share: str = "0.7") -> dict[str, Any]:
    return {"max_share": max_share, "rates": RATES, "rate_date": "2024-04-30", "base": "GBP"}


def costs(gbp: str, krw: str) -> ApplicationFacts:
    return facts(sides=(side("GB", "GBP", gbp), side("KR", "KRW", krw)))


# ---------------------------------------------------------------- lead_each_side


def test_lead_each_side_passes_with_one_lead_per_country() -> None:
    r = one("lead_each_side", facts())
    assert (r.passed, r.code, r.params) == (True, "lead_each_side.ok", {})


def test_lead_each_side_missing_names_the_country() -> None:
    f = facts(members=(member("a", "GB"), member("b", "KR", role="co_investigator")))
    r = one("lead_each_side", f)
    assert (r.passed, r.code, r.params) == (False, "lead_each_side.missing", {"country": "KR"})
    assert r.message == ("The KR side has no lead applicant; name one team member from KR as lead.")


def test_lead_each_side_duplicate_gives_the_count() -> None:
    f = facts(members=(member("a", "GB"), member("c", "GB"), member("b", "KR")))
    r = one("lead_each_side", f)
    assert (r.code, r.params) == ("lead_each_side.duplicate", {"country": "GB", "count": "2"})


def test_lead_each_side_reports_countries_in_call_order() -> None:
    # GB duplicated and KR missing: GB comes first in facts.countries, so its failure is shown.
    f = facts(members=(member("a", "GB"), member("c", "GB")))
    assert one("lead_each_side", f).code == "lead_each_side.duplicate"
    f2 = replace(f, countries=("KR", "GB"))
    assert one("lead_each_side", f2).params == {"country": "KR"}


# ---------------------------------------------------------------- max_request


def test_max_request_equal_amount_passes() -> None:
    f = facts(sides=(side("KR", "KRW", "90000000", "80000000"),))
    r = one("max_request", f, country="KR", amount="80000000", currency="KRW")
    assert (r.passed, r.code) == (True, "max_request.ok")
    assert r.params == {
        "country": "KR",
        "requested": "80000000",
        "amount": "80000000",
        "currency": "KRW",
    }
    assert r.message == ("The KR side requests 80000000 KRW, within the limit of 80000000 KRW.")


def test_max_request_one_unit_over_fails_with_excess() -> None:
    f = facts(sides=(side("GB", "GBP", "60000", "150000.01"),))
    r = one("max_request", f, country="GB", amount="150000.00", currency="GBP")
    assert (r.passed, r.code) == (False, "max_request.over")
    assert r.params == {
        "country": "GB",
        "requested": "150000.01",
        "amount": "150000.00",
        "currency": "GBP",
        "excess": "0.01",
    }


@given(
    amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
    over=st.integers(min_value=1, max_value=10**6),
)
def test_max_request_boundary_property(amount: Decimal, over: int) -> None:
    unit = D("0.01")
    at = facts(sides=(SideFacts("GB", "GBP", D(1), amount),))
    assert one("max_request", at, country="GB", amount=str(amount), currency="GBP").passed
    above = facts(sides=(SideFacts("GB", "GBP", D(1), amount + over * unit),))
    r = one("max_request", above, country="GB", amount=str(amount), currency="GBP")
    assert r.passed is False
    assert D(r.params["excess"]) == over * unit


def test_max_request_currency_mismatch_fails() -> None:
    f = facts(sides=(side("KR", "GBP", "100", "100"),))
    r = one("max_request", f, country="KR", amount="80000000", currency="KRW")
    assert (r.passed, r.code) == (False, "max_request.currency")
    assert r.params == {"country": "KR", "side_currency": "GBP", "currency": "KRW"}


def test_max_request_missing_side_counts_as_zero() -> None:
    f = facts(sides=(side("GB", "GBP", "10", "10"),))
    r = one("max_request", f, country="KR", amount="0", currency="KRW")
    assert (r.passed, r.params["requested"]) == (True, "0")
    # ... while budget_each_side catches the missing side.
    assert one("budget_each_side", f).params == {"country": "KR"}


def test_max_request_int_amount_is_accepted() -> None:
    f = facts(sides=(side("GB", "GBP", "10", "101"),))
    r = one("max_request", f, country="GB", amount=100, currency="GBP")
    assert (r.code, r.params["excess"]) == ("max_request.over", "1")


# ---------------------------------------------------------------- budget_each_side


def test_budget_each_side() -> None:
    assert one("budget_each_side", facts()).code == "budget_each_side.ok"
    zero = facts(sides=(side("GB", "GBP", "0"), side("KR", "KRW", "1")))
    assert one("budget_each_side", zero).params == {"country": "GB"}
    assert one("budget_each_side", facts(sides=())).params == {"country": "GB"}


# ---------------------------------------------------------------- org_kinds


def test_org_kinds_checks_all_members_of_the_country_by_default() -> None:
    f = facts(
        members=(
            member("kr-lead", "KR"),
            member("kr-co", "KR", role="partner", org_kind="company"),
            member("gb-lead", "GB", org_kind="company"),  # other country: not checked
        )
    )
    r = one("org_kinds", f, country="KR", kinds=["university", "institute"])
    assert (r.passed, r.code) == (False, "org_kinds.not_allowed")
    assert r.params == {
        "person_id": "kr-co",
        "org_kind": "company",
        "allowed": "university, institute",
    }
    r2 = one("org_kinds", f, country="KR", kinds=["university"], roles=["lead"])
    assert (r2.passed, r2.params) == (True, {"country": "KR"})


def test_org_kinds_unstated_kind_fails_as_unknown() -> None:
    f = facts(members=(member("kr-lead", "KR", org_kind=""),))
    r = one("org_kinds", f, country="KR", kinds=["university"])
    assert (r.code, r.params) == (
        "org_kinds.unknown",
        {"person_id": "kr-lead", "allowed": "university"},
    )


@given(st.permutations(["p3", "p1", "p4", "p2"]))
def test_org_kinds_reports_the_first_person_id(order: list[str]) -> None:
    bad = {"p2", "p4"}
    ms = tuple(
        member(p, "KR", role="researcher", org_kind="company" if p in bad else "university")
        for p in order
    )
    r = one("org_kinds", facts(members=ms), country="KR", kinds=["university"])
    assert r.params["person_id"] == "p2"


# ---------------------------------------------------------------- career_stage


def test_career_stage_defaults_to_the_lead() -> None:
    f = facts(
        members=(
            member("gb-lead", "GB", career_stage="early"),
            member("gb-r", "GB", role="researcher", career_stage="doctoral"),
        )
    )
    assert one("career_stage", f, country="GB", stages=["early"]).passed
    r = one("career_stage", f, country="GB", stages=["early"], roles=["lead", "researcher"])
    assert (r.code, r.params) == (
        "career_stage.not_allowed",
        {"person_id": "gb-r", "career_stage": "doctoral", "allowed": "early"},
    )


# ---------------------------------------------------------------- years_since_phd


@pytest.mark.parametrize(
    ("phd_year", "code"),
    [
        (2024 - 1, "years_since_phd.below_min"),
        (2024 - 2, "years_since_phd.ok"),
        (2024 - 10, "years_since_phd.ok"),
        (2024 - 11, "years_since_phd.above_max"),
    ],
)
def test_years_since_phd_bounds_are_inclusive(phd_year: int, code: str) -> None:
    f = facts(members=(member("kr-lead", "KR", phd_year=phd_year),))
    r = one("years_since_phd", f, country="KR", min=2, max=10)
    assert r.code == code


def test_years_since_phd_failure_params() -> None:
    f = facts(members=(member("kr-lead", "KR", phd_year=2010),))
    r = one("years_since_phd", f, country="KR", max=10)
    assert r.params == {"person_id": "kr-lead", "phd_year": "2010", "years": "14", "max": "10"}
    assert r.message == (
        "Team member kr-lead received their PhD in 2010, 14 years before the closing date; "
        "at most 10 years are allowed."
    )


def test_years_since_phd_missing_year_fails_unknown() -> None:
    f = facts(members=(member("kr-lead", "KR", phd_year=None),))
    r = one("years_since_phd", f, country="KR", min=0)
    assert (r.passed, r.code, r.params) == (
        False,
        "years_since_phd.unknown",
        {"person_id": "kr-lead"},
    )


# ---------------------------------------------------------------- duration


@pytest.mark.parametrize(
    ("months", "code"),
    [
        (11, "duration.too_short"),
        (12, "duration.ok"),
        (36, "duration.ok"),
        (37, "duration.too_long"),
        (None, "duration.missing"),
    ],
)
def test_duration_bounds_are_inclusive(months: int | None, code: str) -> None:
    r = one("duration", facts(duration_months=months), min=12, max=36)
    assert r.code == code
    assert r.passed is (code == "duration.ok")


# ---------------------------------------------------------------- cost_balance


def test_cost_balance_share_exactly_max_passes() -> None:
    # 70,000 GBP vs 60,000,000 KRW × 0.0005 = 30,000 GBP: GB share exactly 0.7.
    r = one("cost_balance", costs("70000", "60000000"), **cost_rule())
    assert (r.passed, r.code) == (True, "cost_balance.ok")
    assert r.params == {"max": "70.0", "base": "GBP", "rate_date": "2024-04-30"}


def test_cost_balance_just_over_fails() -> None:
    r = one("cost_balance", costs("70000.01", "60000000"), **cost_rule())
    assert (r.passed, r.code) == (False, "cost_balance.over")
    # 70.000003%: one decimal would print "70.0", the limit itself, so more decimals are shown.
    assert r.params == {
        "country": "GB",
        "share": "70.000003",
        "max": "70.0",
        "base": "GBP",
        "rate_date": "2024-04-30",
    }


def test_cost_balance_over_names_the_korean_side_with_one_decimal() -> None:
    # KR: 145,000,000 KRW × 0.0005 = 72,500 GBP of 100,000 → 72.5%.
    r = one("cost_balance", costs("27500", "145000000"), **cost_rule())
    assert (r.code, r.params["country"], r.params["share"]) == ("cost_balance.over", "KR", "72.5")
    assert r.message == (
        "The KR side has 72.5% of the total eligible cost, more than the 70.0% allowed "
        "(converted to GBP at the rates of 2024-04-30)."
    )


def test_cost_balance_one_side_only_is_100_percent() -> None:
    f = facts(sides=(side("GB", "GBP", "5"),))
    r = one("cost_balance", f, **cost_rule())
    assert (r.code, r.params["share"]) == ("cost_balance.over", "100.0")
    assert one("cost_balance", f, **cost_rule("1")).passed


def test_cost_balance_no_rate_and_no_costs() -> None:
    f = facts(sides=(side("GB", "GBP", "5"), side("KR", "USD", "5")))
    r = one("cost_balance", f, **cost_rule())
    assert (r.code, r.params) == ("cost_balance.no_rate", {"country": "KR", "currency": "USD"})
    r0 = one("cost_balance", costs("0", "0"), **cost_rule())
    assert (r0.code, r0.params) == ("cost_balance.no_costs", {})
    assert one("cost_balance", facts(sides=()), **cost_rule()).code == "cost_balance.no_costs"


def test_cost_balance_base_rate_defaults_to_one() -> None:
    params = cost_rule()
    params["rates"] = {"KRW": "0.0005"}
    assert one("cost_balance", costs("70000", "60000000"), **params).passed
    assert not one("cost_balance", costs("70001", "60000000"), **params).passed


@settings(max_examples=300)
@given(
    gbp=st.integers(min_value=0, max_value=10**9),
    krw=st.integers(min_value=0, max_value=10**12),
    rate=st.decimals(min_value=D("0.00001"), max_value=D("0.01"), places=5),
    max_share=st.decimals(min_value=D("0.5"), max_value=1, places=3),
)
def test_cost_balance_agrees_with_exact_fractions(
    gbp: int, krw: int, rate: Decimal, max_share: Decimal
) -> None:
    params = cost_rule(str(max_share))
    params["rates"] = {"GBP": "1", "KRW": str(rate)}
    r = one("cost_balance", costs(str(gbp), str(krw)), **params)
    a, b = Fraction(gbp), Fraction(krw) * Fraction(rate)
    if a + b == 0:
        assert r.code == "cost_balance.no_costs"
        return
    limit = Fraction(max_share)
    expected_pass = a / (a + b) <= limit and b / (a + b) <= limit
    assert r.passed is expected_pass
    if not expected_pass:
        over = "GB" if a / (a + b) > limit else "KR"
        assert r.params["country"] == over
        assert D(r.params["share"]) > max_share * 100


# ---------------------------------------------------------------- max_applications_per_person


def test_max_applications_per_person_at_max_and_above() -> None:
    at = facts(members=(member("a", other_applications=1), member("b", "KR")))
    assert one("max_applications_per_person", at, max=2).passed
    over = facts(
        members=(member("z", other_applications=2), member("b", "KR", other_applications=2))
    )
    r = one("max_applications_per_person", over, max=2)
    assert (r.code, r.params) == (
        "max_applications_per_person.over",
        {"person_id": "b", "count": "3", "max": "2"},
    )


# ---------------------------------------------------------------- korean_summary / areas_in_call


def test_korean_summary_blank_fields_fail_in_order() -> None:
    assert one("korean_summary", facts()).passed
    r = one("korean_summary", facts(title_ko=" \t\n", summary_ko=""))
    assert (r.code, r.params) == ("korean_summary.missing", {"field": "title_ko"})
    r2 = one("korean_summary", facts(summary_ko="\u3000 "))  # ideographic space only
    assert r2.params == {"field": "summary_ko"}


def test_areas_in_call() -> None:
    assert one("areas_in_call", facts(areas=("ai", "quantum"))).passed
    assert one("areas_in_call", facts(areas=())).code == "areas_in_call.none"
    r = one("areas_in_call", facts(areas=("zoology", "quantum", "biology")))
    assert (r.code, r.params) == ("areas_in_call.outside", {"area": "biology"})


# ---------------------------------------------------------------- evaluate / is_eligible


ALL_RULES = [
    Rule("lead", "lead_each_side", {}),
    Rule("max-kr", "max_request", {"country": "KR", "amount": "80000000", "currency": "KRW"}),
    Rule("max-gb", "max_request", {"country": "GB", "amount": "50000", "currency": "GBP"}),
    Rule("budget", "budget_each_side", {}),
    Rule("orgs-gb", "org_kinds", {"country": "GB", "kinds": ["university", "institute"]}),
    Rule("stage-kr", "career_stage", {"country": "KR", "stages": ["early", "mid"]}),
    Rule("phd-gb", "years_since_phd", {"country": "GB", "max": 15}),
    Rule("duration", "duration", {"min": 12, "max": 36}),
    Rule("balance", "cost_balance", cost_rule()),
    Rule("per-person", "max_applications_per_person", {"max": 2}),
    Rule("korean", "korean_summary", {}),
    Rule("areas", "areas_in_call", {}),
]


def test_evaluate_returns_one_result_per_rule_in_order() -> None:
    results = evaluate(ALL_RULES, facts())
    assert [r.key for r in results] == [r.key for r in ALL_RULES]
    assert [r.kind for r in results] == [r.kind for r in ALL_RULES]
    assert all(r.passed for r in results)
    assert is_eligible(results)
    reversed_results = evaluate(ALL_RULES[::-1], facts())
    assert reversed_results == results[::-1]


def test_is_eligible_false_when_any_rule_fails() -> None:
    results = evaluate(ALL_RULES, facts(duration_months=48))
    assert [r.key for r in results if not r.passed] == ["duration"]
    assert is_eligible(results) is False
    assert is_eligible([]) is True


@given(st.permutations(list(range(5))))
def test_results_do_not_depend_on_member_or_side_order(order: list[int]) -> None:
    ms = (
        member("gb-lead", "GB", phd_year=2000),
        member("kr-lead", "KR", career_stage="senior"),
        member("gb-2", "GB", role="researcher", org_kind="company", other_applications=3),
        member("kr-2", "KR", role="partner", org_kind="government"),
        member("gb-3", "GB", role="partner", org_kind="funder", other_applications=5),
    )
    f = facts(members=ms, sides=(side("KR", "KRW", "900000000"), side("GB", "GBP", "60000")))
    shuffled = replace(f, members=tuple(ms[i] for i in order), sides=f.sides[::-1])
    assert evaluate(ALL_RULES, shuffled) == evaluate(ALL_RULES, f)


def test_evaluate_rejects_duplicate_keys_and_invalid_rules_before_evaluating() -> None:
    with pytest.raises(RuleError, match="'lead': the key is used by another rule") as e:
        evaluate([*ALL_RULES, Rule("lead", "korean_summary", {})], facts())
    assert e.value.rule_key == "lead"
    with pytest.raises(RuleError, match="'bad'"):
        evaluate([*ALL_RULES, Rule("bad", "duration", {"min": 1})], facts())


def test_evaluate_rule_validates_too() -> None:
    with pytest.raises(RuleError, match="parameter 'max': missing"):
        evaluate_rule(Rule("d", "duration", {"min": 1}), facts())


def test_facts_shape_is_checked() -> None:
    with pytest.raises(FactsError, match=r"facts\.countries"):
        evaluate(ALL_RULES, facts(countries=("GB", "GB")))
    twice = facts(sides=(side("GB", "GBP", "1"), side("GB", "GBP", "2")))
    with pytest.raises(FactsError, match="two entries for country 'GB'"):
        evaluate(ALL_RULES, twice)
    with pytest.raises(FactsError, match="other_applications=-1"):
        evaluate(ALL_RULES, facts(members=(member("x", other_applications=-1),)))


# ---------------------------------------------------------------- validate_rule


@pytest.mark.parametrize(
    ("kind", "params", "param", "fragment"),
    [
        ("max_request", {"country": "KR", "currency": "KRW"}, "amount", "missing"),
        (
            "max_request",
            {"country": "KR", "amount": "1", "currency": "KRW", "x": 1},
            "x",
            "unknown parameter",
        ),
        ("max_request", {"country": "KR", "amount": "-1", "currency": "KRW"}, "amount", "negative"),
        (
            "max_request",
            {"country": "KR", "amount": 1.5, "currency": "KRW"},
            "amount",
            "as a string",
        ),
        (
            "max_request",
            {"country": "KR", "amount": "lots", "currency": "KRW"},
            "amount",
            "not a decimal",
        ),
        (
            "max_request",
            {"country": "KR", "amount": "NaN", "currency": "KRW"},
            "amount",
            "not a finite",
        ),
        (
            "max_request",
            {"country": "KR", "amount": "1", "currency": "krw"},
            "currency",
            "not a currency code",
        ),
        (
            "max_request",
            {"country": "KR", "amount": "1", "currency": "KRWX"},
            "currency",
            "not a currency code",
        ),
        (
            "max_request",
            {"country": "Korea", "amount": "1", "currency": "KRW"},
            "country",
            "not a country code",
        ),
        ("org_kinds", {"country": "KR", "kinds": []}, "kinds", "non-empty list"),
        ("org_kinds", {"country": "KR", "kinds": ["univ"]}, "kinds", "unknown value(s) 'univ'"),
        ("org_kinds", {"country": "KR", "kinds": ["university"], "roles": ["pi"]}, "roles", "'pi'"),
        ("career_stage", {"country": "KR", "stages": "early"}, "stages", "non-empty list"),
        ("years_since_phd", {"country": "KR"}, "min", "neither min nor max"),
        ("years_since_phd", {"country": "KR", "min": 8, "max": 7}, "min", "greater than max"),
        ("years_since_phd", {"country": "KR", "max": True}, "max", "whole number"),
        ("duration", {"min": 12, "max": "36"}, "max", "whole number"),
        ("duration", {"min": -1, "max": 36}, "min", "negative"),
        ("duration", {"min": 37, "max": 36}, "min", "greater than max"),
        (
            "cost_balance",
            {
                **cost_rule("0"),
            },
            "max_share",
            "outside (0, 1]",
        ),
        ("cost_balance", {**cost_rule("1.01")}, "max_share", "outside (0, 1]"),
        ("cost_balance", {**cost_rule(), "rate_date": "30/04/2024"}, "rate_date", "not a date"),
        ("cost_balance", {**cost_rule(), "rates": {}}, "rates", "non-empty object"),
        ("cost_balance", {**cost_rule(), "rates": {"KRW": "0"}}, "rates.KRW", "not positive"),
        ("cost_balance", {**cost_rule(), "rates": {"krw": "1"}}, "rates", "not a currency code"),
        ("cost_balance", {**cost_rule(), "rates": {"GBP": "2"}}, "rates.GBP", "base currency"),
        ("cost_balance", {**cost_rule(), "base": "pounds"}, "base", "not a currency code"),
        ("max_applications_per_person", {"max": "2"}, "max", "whole number"),
        ("lead_each_side", {"country": "GB"}, "country", "no parameters"),
    ],
)
def test_validate_rule_names_key_and_parameter(
    kind: str, params: dict[str, Any], param: str, fragment: str
) -> None:
    with pytest.raises(RuleError) as e:
        validate_rule(Rule("call-rule-7", kind, params))
    msg = str(e.value)
    assert msg.startswith(f"rule 'call-rule-7' ({kind}), parameter '{param}': ")
    assert fragment in msg
    assert (e.value.rule_key, e.value.param) == ("call-rule-7", param)


def test_validate_rule_unknown_kind_and_bad_params_object() -> None:
    with pytest.raises(RuleError, match=r"rule 'k': unknown kind 'max_budget'; use one of: ") as e:
        validate_rule(Rule("k", "max_budget", {}))
    assert (e.value.rule_key, e.value.param) == ("k", None)
    with pytest.raises(RuleError, match="params must be an object"):
        validate_rule(Rule("k", "duration", ["min", 1]))  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="the key is empty"):
        validate_rule(Rule(" ", "korean_summary", {}))


def test_every_rule_in_the_catalogue_is_valid() -> None:
    for rule in ALL_RULES:
        validate_rule(rule)
    validate_rule(Rule("share-one", "cost_balance", cost_rule("1")))
    validate_rule(Rule("zero", "max_request", {"country": "KR", "amount": "0", "currency": "KRW"}))


# ---------------------------------------------------------------- messages and templates

# One scenario per code: together they must produce every code in TEMPLATES.
SCENARIOS: list[tuple[Rule, ApplicationFacts]] = [
    *((r, facts()) for r in ALL_RULES),
    (ALL_RULES[0], facts(members=())),
    (ALL_RULES[0], facts(members=(member("a"), member("b"), member("c", "KR")))),
    (ALL_RULES[1], facts(sides=(side("KR", "GBP", "1"),))),
    (ALL_RULES[1], facts(sides=(side("KR", "KRW", "1", "90000000"),))),
    (ALL_RULES[3], facts(sides=())),
    (ALL_RULES[4], facts(members=(member("a", org_kind=""),))),
    (ALL_RULES[4], facts(members=(member("a", org_kind="company"),))),
    (ALL_RULES[5], facts(members=(member("a", "KR", career_stage="senior"),))),
    (
        Rule("p", "years_since_phd", {"country": "GB", "min": 3}),
        facts(members=(member("a", phd_year=2023),)),
    ),
    (ALL_RULES[6], facts(members=(member("a", phd_year=2000),))),
    (ALL_RULES[6], facts(members=(member("a", phd_year=None),))),
    (ALL_RULES[7], facts(duration_months=None)),
    (ALL_RULES[7], facts(duration_months=6)),
    (ALL_RULES[7], facts(duration_months=60)),
    (ALL_RULES[8], facts(sides=(side("KR", "JPY", "1"),))),
    (ALL_RULES[8], facts(sides=())),
    (ALL_RULES[8], facts(sides=(side("GB", "GBP", "1"),))),
    (ALL_RULES[9], facts(members=(member("a", other_applications=2),))),
    (ALL_RULES[10], facts(title_ko="")),
    (ALL_RULES[11], facts(areas=())),
    (ALL_RULES[11], facts(areas=("x",))),
]

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_scenarios_cover_every_code_and_params_match_placeholders() -> None:
    seen: set[str] = set()
    for rule, f in SCENARIOS:
        r = evaluate_rule(rule, f)
        seen.add(r.code)
        assert r.template == TEMPLATES[r.code]
        assert set(_PLACEHOLDER.findall(r.template)) == set(r.params), r.code
        assert all(isinstance(v, str) for v in r.params.values())
        assert r.passed is r.code.endswith(".ok")
        assert r.message == r.template % r.params
    assert seen == set(TEMPLATES)


def test_templates_use_named_placeholders_only() -> None:
    for code, template in TEMPLATES.items():
        without_named = _PLACEHOLDER.sub("", template).replace("%%", "")
        assert "%" not in without_named, code
        assert code.split(".")[0] in RULE_KINDS
    for kind in RULE_KINDS:
        assert f"{kind}.ok" in TEMPLATES


def test_every_template_and_label_is_marked_with_gettext_noop() -> None:
    # makemessages finds strings only as literal arguments of gettext_noop(...).
    tree = ast.parse(Path(elig.__file__).read_text(encoding="utf-8"))
    marked: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "gettext_noop"
        ):
            [arg] = node.args
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            marked.append(arg.value)
    labels = [k.label for k in RULE_KINDS.values()]
    assert set(marked) == set(TEMPLATES.values()) | set(labels)
    assert len(labels) == len(set(labels)) == len(RULE_KINDS)
    assert all("%" not in label for label in labels)


def test_gettext_noop_is_local_and_identity() -> None:
    assert elig.gettext_noop.__module__ == "accord.core.eligibility"
    assert elig.gettext_noop("x %(y)s") == "x %(y)s"


def test_importing_eligibility_does_not_import_django() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import accord.core.eligibility; print('django' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
