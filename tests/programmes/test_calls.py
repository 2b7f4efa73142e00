"""Opening a call from a template: two sides, valid rules, weighted criteria; rules checked on save."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accord.core import eligibility as core
from accord.programmes.call_templates import TEMPLATES
from accord.programmes.models import EligibilityRule
from accord.programmes.services.calls import create_call_from_template, set_rule

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2025, 4, 30, 15, 0, tzinfo=dt.UTC)


def open_call(template: str, slug: str = "round-1"):
    return create_call_from_template(
        template=template,
        slug=slug,
        name_en="2025 round",
        name_ko="2025년 공모",
        opens_at=OPENS,
        closes_at=CLOSES,
        actor=None,
        published=True,
    )


@pytest.mark.parametrize(
    ("template", "sides", "criteria", "areas"),
    [
        (
            "uk-rok-ica",
            [("GB", "royal-society", "GBP", {}), ("KR", "nrf", "KRW", {})],
            [
                ("excellence", Decimal("40.00")),
                ("partnership", Decimal("30.00")),
                ("leadership", Decimal("30.00")),
            ],
            ["ai", "data", "engineering-biology", "quantum", "semiconductors", "space", "telecoms"],
        ),
        (
            "iuk-kiat-crd",
            [
                (
                    "GB",
                    "innovate-uk",
                    "GBP",
                    {
                        "micro": "0.70",
                        "small": "0.70",
                        "medium": "0.60",
                        "large": "0.50",
                        "non_profit": "1.00",
                    },
                ),
                (
                    "KR",
                    "kiat",
                    "KRW",
                    {
                        "large": "0.33",
                        "mid_tier": "0.50",
                        "medium": "0.67",
                        "small": "0.67",
                        "micro": "0.67",
                        "non_profit": "1.00",
                    },
                ),
            ],
            [(f"q{i}", Decimal("10.00")) for i in range(1, 11)],
            ["ai", "engineering-biology", "quantum", "semiconductors", "telecoms"],
        ),
    ],
)
def test_call_from_template_has_two_sides_valid_rules_and_weighted_criteria(
    reference, template, sides, criteria, areas
):
    call = open_call(template)

    assert [
        (s.country, s.funder.slug, s.currency, s.funding_rates)
        for s in call.sides.order_by("country")
    ] == sides
    rules = list(call.rules.all())
    assert [(r.key, r.kind) for r in rules] == [
        (r["key"], r["kind"]) for r in TEMPLATES[template]["rules"]
    ]
    for rule in rules:
        core.validate_rule(
            core.Rule(key=rule.key, kind=rule.kind, params=rule.params)
        )  # raises if invalid
    assert [(c.key, c.weight) for c in call.criteria.all()] == criteria
    assert sorted(call.areas.values_list("slug", flat=True)) == areas
    assert (call.template, call.published, call.programme.slug) == (
        template,
        True,
        TEMPLATES[template]["programme"],
    )


def test_unknown_template_is_refused(reference):
    with pytest.raises(ValidationError) as refused:
        open_call("no-such-template")
    assert refused.value.message_dict == {"template": ["Unknown template no-such-template."]}


@pytest.mark.parametrize(
    ("kind", "params", "field", "code", "message"),
    [
        (
            "duration",
            {"min": "twelve", "max": 36},
            "min",
            "not_int",
            "Enter a whole number, e.g. 36.",
        ),
        ("duration", {"min": 36}, "max", "missing", "This setting is required."),
        (
            "max_request",
            {"country": "KR", "amount": "-5", "currency": "KRW"},
            "amount",
            "negative",
            "Enter 0 or more.",
        ),
        (
            "max_request",
            {"country": "Korea", "amount": "5", "currency": "KRW"},
            "country",
            "not_country",
            "Choose one of the call's countries.",
        ),
        (
            "max_applications_per_person",
            {"max": 1, "per": "call"},
            "per",
            "unknown_param",
            "This kind of rule does not take this setting.",
        ),
        (
            "cost_balance",
            {"max_share": "0.7", "rates": {"KRW": "0"}, "rate_date": "2024-04-30", "base": "GBP"},
            "rate_KRW",
            "rate_not_positive",
            "An exchange rate must be above 0.",
        ),
    ],
    ids=[
        "min-not-a-number",
        "max-missing",
        "negative-amount",
        "bad-country",
        "unknown-parameter",
        "rate-not-positive",
    ],
)
def test_set_rule_with_bad_params_names_the_setting_and_saves_nothing(
    reference, kind, params, field, code, message
):
    call = open_call("uk-rok-ica")
    before = list(EligibilityRule.objects.filter(call=call).values_list("key", "kind", "params"))

    with pytest.raises(ValidationError) as refused:
        set_rule(call=call, key="duration", kind=kind, params=params, actor=None)

    assert refused.value.message_dict == {field: [message]}
    assert [e.code for e in refused.value.error_dict[field]] == [code]
    assert (
        list(EligibilityRule.objects.filter(call=call).values_list("key", "kind", "params"))
        == before
    )


def test_a_rule_error_is_worded_in_the_readers_language(reference):
    from django.utils import translation

    call = open_call("uk-rok-ica")
    with pytest.raises(ValidationError) as refused:
        set_rule(
            call=call, key="duration", kind="duration", params={"min": 40, "max": 36}, actor=None
        )
    with translation.override("ko"):
        assert refused.value.message_dict == {"min": ["최솟값은 최댓값보다 클 수 없습니다."]}


def test_set_rule_changes_an_existing_rule(reference):
    call = open_call("uk-rok-ica")
    rule = set_rule(
        call=call, key="duration", kind="duration", params={"min": 24, "max": 36}, actor=None
    )
    assert (rule.params, call.rules.count()) == (
        {"min": 24, "max": 36},
        len(TEMPLATES["uk-rok-ica"]["rules"]),
    )
