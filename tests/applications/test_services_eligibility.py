"""Eligibility of real applications under the Royal Society–NRF rules, each rule at its boundary;
officer overrides; each funder's own check of its side."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accord.applications.enums import ApplicationState, CheckStatus
from accord.applications.errors import ApplicationError
from accord.applications.models import EligibilityOverride, FunderCheck
from accord.applications.selectors.eligibility import evaluate_application, is_eligible
from accord.applications.services.checks import override_eligibility, record_funder_check
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditEntry
from tests.applications.conftest import (
    BEFORE_CLOSE,
    CLOSES,
    fill_in,
    fresh,
    make_researcher,
    officer_of,
    ready_application,
    set_budget,
    sign_both,
)

pytestmark = pytest.mark.django_db

ALL_RULES = [
    "leads",
    "budgets",
    "max-request-uk",
    "max-request-kr",
    "hosts-uk",
    "hosts-kr",
    "emerging-leaders",
    "duration",
    "one-per-person",
    "korean-summary",
    "areas",
]


def result(application, key):
    (line,) = [line for line in evaluate_application(fresh(application)) if line.key == key]
    return line


def failing(application):
    return [line.key for line in evaluate_application(fresh(application)) if not line.passed]


def has_korean_translation(msgid: str) -> bool:
    with translation.override("ko"):
        return translation.gettext(msgid) != msgid


def submit(application, actor):
    return transition_application(
        application=application, to=ApplicationState.SUBMITTED, actor=actor, now=CLOSES
    )


def test_a_complete_application_passes_every_rule(signed):
    lines = evaluate_application(fresh(signed))
    assert [(line.key, line.passed) for line in lines] == [(key, True) for key in ALL_RULES]
    assert is_eligible(lines) is True


@pytest.mark.parametrize(
    ("krw", "passed", "message"),
    [
        (
            600000000,
            True,
            "The Republic of Korea side requests 600,000,000 KRW, within the limit of 600,000,000 KRW.",
        ),
        (
            600000001,
            False,
            "The Republic of Korea side requests 600,000,001 KRW, which is 1 KRW over the limit of 600,000,000 KRW.",
        ),
    ],
    ids=["exactly-600m", "600m-plus-1"],
)
def test_korean_request_limit_at_its_boundary(draft, uk_lead, krw, passed, message):
    fill_in(draft, uk_lead)
    set_budget(draft, uk_lead, krw=krw)
    line = result(draft, "max-request-kr")
    assert (line.passed, line.message) == (passed, message)
    assert failing(draft) == ([] if passed else ["max-request-kr"])


@pytest.mark.parametrize(
    ("months", "passed", "message"),
    [
        (36, True, "The duration of 36 months is the 36 months the call asks for."),
        (35, False, "The duration of 35 months is shorter than the minimum of 36 months."),
        (37, False, "The duration of 37 months is longer than the maximum of 36 months."),
    ],
)
def test_duration_at_its_boundary(draft, uk_lead, months, passed, message):
    fill_in(draft, uk_lead, duration=months)
    set_budget(draft, uk_lead)
    line = result(draft, "duration")
    assert (line.passed, line.message) == (passed, message)


def test_a_second_application_by_the_same_person_fails_both(call, uk_lead, kr_lead):
    first = ready_application(call, uk_lead, kr_lead)
    other_uk = make_researcher(country="GB", org="cambridge")
    second = ready_application(call, other_uk, kr_lead)  # the same Korean lead
    submit(first, uk_lead)
    assert (
        result(first, "one-per-person").passed is True
    )  # the second is still a draft: not counted

    submit(second, other_uk)

    expected = "Team member Kim Minseo would be on 2 applications to this call; the limit is 1."
    for application in (first, second):
        line = result(application, "one-per-person")
        assert (line.passed, line.message) == (False, expected)
        assert failing(application) == ["one-per-person"]


def test_a_withdrawn_application_no_longer_counts(call, uk_lead, kr_lead):
    first = ready_application(call, uk_lead, kr_lead)
    other_uk = make_researcher(country="GB", org="cambridge")
    second = submit(ready_application(call, other_uk, kr_lead), other_uk)
    submit(first, uk_lead)
    transition_application(application=second, to=ApplicationState.WITHDRAWN, actor=other_uk)
    assert result(first, "one-per-person").passed is True


def test_a_missing_korean_summary_fails_and_says_so_in_the_readers_language(draft, uk_lead):
    fill_in(draft, uk_lead, summary_ko="")
    set_budget(draft, uk_lead)

    english = result(draft, "korean-summary")
    with translation.override("ko"):
        korean = result(draft, "korean-summary")

    assert (english.passed, english.message) == (False, "The Korean summary is empty; fill it in.")
    assert (korean.passed, korean.message) == (False, "한국어 요약이 비어 있습니다. 입력해 주세요.")
    assert failing(draft) == ["korean-summary"]


def test_a_senior_uk_lead_is_not_an_emerging_leader(call, kr_lead):
    senior = make_researcher(
        country="GB", org="imperial", career_stage="senior", name_en="Prof Old"
    )
    application = ready_application(call, senior, kr_lead)
    line = result(application, "emerging-leaders")
    assert (line.passed, line.message) == (
        False,
        "Team member Prof Old is at career stage Senior researcher, which is not eligible; "
        "eligible stages: Early-career researcher, Mid-career researcher.",
    )


@pytest.fixture
def submitted(signed, uk_lead):
    """Officers check and override from submission on (before, the draft is the team's)."""
    return transition_application(
        application=signed, to=ApplicationState.SUBMITTED, actor=uk_lead, now=BEFORE_CLOSE
    )


def test_an_officer_override_flips_the_line_and_records_the_reason(
    draft, uk_lead, kr_lead, rs_officer
):
    fill_in(draft, uk_lead, duration=35)
    set_budget(draft, uk_lead)
    assert failing(draft) == ["duration"]
    draft = transition_application(
        application=sign_both(draft, uk_lead, kr_lead),
        to=ApplicationState.SUBMITTED,
        actor=uk_lead,
        now=BEFORE_CLOSE,
    )

    override_eligibility(
        application=draft,
        rule_key="duration",
        passed=True,
        reason="Parental leave: 35 months agreed",
        actor=rs_officer,
    )

    line = result(draft, "duration")
    assert (line.passed, line.overridden, line.override_reason) == (
        True,
        True,
        "Parental leave: 35 months agreed",
    )
    assert is_eligible(evaluate_application(fresh(draft))) is True
    override = EligibilityOverride.objects.get(application=draft)
    assert (override.rule_key, override.passed, override.by) == ("duration", True, rs_officer)
    entry = AuditEntry.objects.filter(
        object_id=str(draft.pk), reason="Parental leave: 35 months agreed"
    ).get()
    assert (entry.actor, entry.after) == (
        rs_officer,
        {"override": "duration", "side": "GB", "passed": True},
    )


def test_an_override_without_reason_or_of_an_unknown_rule_is_refused(submitted, rs_officer):
    draft = submitted
    with pytest.raises(ApplicationError) as no_reason:
        override_eligibility(
            application=draft, rule_key="duration", passed=True, reason=" ", actor=rs_officer
        )
    with pytest.raises(ApplicationError) as unknown:
        override_eligibility(
            application=draft, rule_key="no-such-rule", passed=True, reason="x", actor=rs_officer
        )
    assert (no_reason.value.code, unknown.value.code, EligibilityOverride.objects.count()) == (
        "reason",
        "unknown_rule",
        0,
    )


def test_only_the_calls_officers_may_override(draft, uk_lead, funding):
    with pytest.raises(PermissionDenied):
        override_eligibility(
            application=draft,
            rule_key="duration",
            passed=True,
            reason="x",
            actor=officer_of("kiat"),
        )
    with pytest.raises(PermissionDenied):
        override_eligibility(
            application=draft, rule_key="duration", passed=True, reason="x", actor=uk_lead
        )
    assert EligibilityOverride.objects.count() == 0


# ------------------------------------------------------------------ each funder checks its own side


def test_uk_officer_records_the_uk_check_but_not_the_korean_one(submitted, rs_officer, nrf_officer):
    signed = submitted
    record_funder_check(
        application=signed,
        country="KR",
        status=CheckStatus.PASSED,
        notes="NRF: host verified",
        actor=nrf_officer,
    )

    check = record_funder_check(
        application=signed,
        country="GB",
        status=CheckStatus.QUERY,
        notes="Confirm the start date",
        actor=rs_officer,
    )
    assert (check.country, check.status, check.notes, check.checked_by) == (
        "GB",
        "query",
        "Confirm the start date",
        rs_officer,
    )

    with pytest.raises(PermissionDenied) as refused:
        record_funder_check(
            application=signed,
            country="KR",
            status=CheckStatus.FAILED,
            notes="overwritten",
            actor=rs_officer,
        )

    assert str(refused.value) == "Only an officer of the KR funder records that side's check."
    korean = FunderCheck.objects.get(application=signed, country="KR")
    assert (korean.status, korean.notes, korean.checked_by) == (
        "passed",
        "NRF: host verified",
        nrf_officer,
    )


def test_a_funder_check_is_audited_with_before_and_after(submitted, rs_officer):
    signed = submitted
    record_funder_check(
        application=signed, country="GB", status=CheckStatus.PASSED, notes="ok", actor=rs_officer
    )
    entry = AuditEntry.objects.filter(object_id=str(signed.pk), after__has_key="check_GB").get()
    assert (entry.actor, entry.before, entry.after) == (
        rs_officer,
        {"check_GB": {"status": "pending", "notes": ""}},
        {"check_GB": {"status": "passed", "notes": "ok"}},
    )


def test_applications_per_person_reads_in_the_singular_for_one(signed):
    with translation.override("en"):
        line = result(fresh(signed), "one-per-person")
    assert line.message in (
        "No team member is on more than 1 application to this call.",
        "No team member is on more than 2 applications to this call.",
    )
    assert "1 applications" not in line.message


def test_rule_settings_read_without_parameter_names(call):
    from accord.applications.selectors.eligibility import rule_summary

    with translation.override("ko"):
        summaries = [rule_summary(r) for r in call.rules.all()]
    text = " ".join(summaries)
    assert "kinds" not in text and "['" not in text and "university" not in text
    assert "영국 측은 최대 225,000 GBP까지 신청할 수 있습니다." in summaries
    assert (
        "대한민국 측의 모든 연구진은(는) 다음 유형의 기관 소속이어야 합니다: 대학, 연구기관."
        in summaries
    )
