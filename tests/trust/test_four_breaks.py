"""The four breaks of issue 9, each as a test that failed before the policy layer and passes now.

1. Budget: each lead saves only their side; the other side's lines survive; blank extra rows are
   ignored; an error names the line the user sees.
2. One funder's officer cannot change the other funder's side (rules, checks, overrides, state).
3. Only the team submits; an administrator (even a superuser) acts on nothing of the applicants'.
4. The audit log shows an entry only to those who may see its object; values are readable; paging.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState, CheckStatus
from accord.applications.models import BudgetLine
from accord.applications.services.checks import override_eligibility, record_funder_check
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditEntry
from accord.common.services.audit import log_action
from accord.directory.models import Organisation
from accord.programmes.models import EligibilityRule
from accord.programmes.services.calls import delete_rule, set_rule
from accord.review.models import Assignment, Review
from tests.applications.conftest import BEFORE_CLOSE, fresh, officer_of
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def lines_of(application):
    return sorted(
        (line.country, line.amount, line.currency)
        for line in BudgetLine.objects.filter(application=application)
    )


def budget_post(application, side, rows, *, blank=2):
    """The budget form as the browser sends it: ``rows`` then ``blank`` untouched extra rows."""
    data = {
        "side": side,
        "version": fresh(application).version,
        "form-TOTAL_FORMS": len(rows) + blank,
        "form-INITIAL_FORMS": 0,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        org, amount, currency = row[:3]
        data.update(
            {
                f"form-{i}-country": side,
                f"form-{i}-organisation": org.pk,
                f"form-{i}-category": "staff",
                f"form-{i}-description": f"line {i + 1}",
                f"form-{i}-amount": str(amount),
                f"form-{i}-currency": currency,
            }
        )
        if len(row) > 3 and row[3]:
            data[f"form-{i}-DELETE"] = "on"
    for i in range(len(rows), len(rows) + blank):
        data.update({f"form-{i}-category": "staff", f"form-{i}-currency": ""})
    return data


def save_side(client, user, application, side, rows, **kw):
    client.force_login(user)
    url = reverse("applications:budget", args=[application.reference]) + f"?side={side}"
    return client.post(url, budget_post(application, side, rows, **kw))


# 1 ─ budget lines of the other side


def test_each_lead_saves_their_side_and_the_other_sides_lines_survive(
    client, draft, uk_lead, kr_lead
):
    imperial = Organisation.objects.get(slug="imperial")
    kaist = Organisation.objects.get(slug="kaist")

    response = save_side(
        client, uk_lead, draft, "GB", [(imperial, 1000, "GBP"), (imperial, 2000, "GBP")]
    )
    assert response.status_code == 302
    response = save_side(
        client, kr_lead, draft, "KR", [(kaist, 5000000, "KRW"), (kaist, 7000000, "KRW")]
    )
    assert response.status_code == 302
    assert lines_of(draft) == [
        ("GB", Decimal("1000.00"), "GBP"),
        ("GB", Decimal("2000.00"), "GBP"),
        ("KR", Decimal("5000000.00"), "KRW"),
        ("KR", Decimal("7000000.00"), "KRW"),
    ]

    # the UK lead corrects one amount (two blank rows stay blank) and the KRW lines are untouched
    response = save_side(
        client, uk_lead, draft, "GB", [(imperial, 1000, "GBP"), (imperial, 2500, "GBP")]
    )
    assert response.status_code == 302
    assert lines_of(draft) == [
        ("GB", Decimal("1000.00"), "GBP"),
        ("GB", Decimal("2500.00"), "GBP"),
        ("KR", Decimal("5000000.00"), "KRW"),
        ("KR", Decimal("7000000.00"), "KRW"),
    ]


def test_a_lead_cannot_save_the_other_sides_budget(client, draft, uk_lead):
    kaist = Organisation.objects.get(slug="kaist")
    response = save_side(client, uk_lead, draft, "KR", [(kaist, 5, "KRW")])
    assert response.status_code == 403
    assert lines_of(draft) == []


def test_ticking_remove_removes_that_line_only(client, draft, uk_lead):
    imperial = Organisation.objects.get(slug="imperial")
    save_side(client, uk_lead, draft, "GB", [(imperial, 1000, "GBP"), (imperial, 2000, "GBP")])
    response = save_side(
        client, uk_lead, draft, "GB", [(imperial, 1000, "GBP"), (imperial, 2000, "GBP", True)]
    )
    assert response.status_code == 302
    assert lines_of(draft) == [("GB", Decimal("1000.00"), "GBP")]


def test_a_currency_error_on_the_third_line_names_line_3(client, draft, uk_lead):
    imperial = Organisation.objects.get(slug="imperial")
    response = save_side(
        client,
        uk_lead,
        draft,
        "GB",
        [(imperial, 1000, "GBP"), (imperial, 2000, "GBP"), (imperial, 3000, "KRW")],
    )
    assert response.status_code == 200
    assert (
        "Line 3: the United Kingdom side is paid in GBP, not KRW. Enter this cost in GBP."
        in response.content.decode()
    )
    assert lines_of(draft) == []


# 2 ─ one funder's officer changes the other funder's side


@pytest.fixture
def submitted(signed, uk_lead):
    return transition_application(
        application=signed, to=ApplicationState.SUBMITTED, actor=uk_lead, now=BEFORE_CLOSE
    )


def test_the_uk_funders_officer_cannot_change_the_korean_rules(call, rs_officer):
    rule = EligibilityRule.objects.get(call=call, key="max-request-kr")
    with pytest.raises(PermissionDenied):
        set_rule(
            call=call,
            key="max-request-kr",
            kind="max_request",
            params={"country": "KR", "amount": "1", "currency": "KRW"},
            actor=rs_officer,
        )
    with pytest.raises(PermissionDenied):
        delete_rule(rule=EligibilityRule.objects.get(call=call, key="hosts-kr"), actor=rs_officer)
    rule.refresh_from_db()
    assert rule.params["amount"] == "600000000"
    assert EligibilityRule.objects.filter(call=call, key="hosts-kr").exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Rule hosts-kr belongs to the Republic of Korea side: only that side's funder changes it.",
        ),
        ("ko", "대한민국"),
    ],
)
def test_the_refusal_names_the_side_in_the_readers_language(call, rs_officer, language, expected):
    from django.utils import translation

    with translation.override(language), pytest.raises(PermissionDenied) as refused:
        delete_rule(rule=EligibilityRule.objects.get(call=call, key="hosts-kr"), actor=rs_officer)
    assert expected in str(refused.value)
    assert " KR " not in str(refused.value)


def test_the_uk_officer_cannot_change_korean_rules_through_the_settings_page(
    client, call, rs_officer
):
    client.force_login(rs_officer)
    edit = client.post(
        reverse("manage:call_rule_edit", args=[call.slug, "max-request-kr"]),
        {"params": '{"country": "KR", "amount": "1", "currency": "KRW"}'},
    )
    delete = client.post(reverse("manage:call_rule_delete", args=[call.slug, "hosts-kr"]))
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert (
        EligibilityRule.objects.get(call=call, key="max-request-kr").params["amount"] == "600000000"
    )
    assert EligibilityRule.objects.filter(call=call, key="hosts-kr").exists()


def test_the_uk_officer_cannot_override_a_korean_rule_or_record_the_korean_check(
    submitted, rs_officer
):
    with pytest.raises(PermissionDenied):
        override_eligibility(
            application=submitted, rule_key="hosts-kr", passed=True, reason="fine", actor=rs_officer
        )
    with pytest.raises(PermissionDenied):
        record_funder_check(
            application=submitted,
            country="KR",
            status=CheckStatus.PASSED,
            notes="",
            actor=rs_officer,
        )
    assert not submitted.eligibility_overrides.exists()


def test_eligible_needs_both_keys_one_failed_side_makes_it_ineligible(
    client, submitted, rs_officer, nrf_officer
):
    record_funder_check(
        application=submitted,
        country="KR",
        status=CheckStatus.FAILED,
        notes="host not eligible",
        actor=nrf_officer,
    )
    assert fresh(submitted).state == ApplicationState.INELIGIBLE
    record_funder_check(
        application=submitted, country="GB", status=CheckStatus.PASSED, notes="", actor=rs_officer
    )
    assert fresh(submitted).state == ApplicationState.INELIGIBLE
    # the UK officer cannot move it to eligible over NRF's failed check
    client.force_login(rs_officer)
    client.post(
        reverse("manage:application_decision", args=[submitted.reference]),
        {"decision-to": "eligible", "decision-reason": "ok"},
    )
    assert fresh(submitted).state == ApplicationState.INELIGIBLE
    record_funder_check(
        application=submitted,
        country="KR",
        status=CheckStatus.PASSED,
        notes="resolved",
        actor=nrf_officer,
    )
    assert fresh(submitted).state == ApplicationState.ELIGIBLE


def test_one_passed_side_alone_does_not_make_it_eligible(submitted, rs_officer):
    record_funder_check(
        application=submitted, country="GB", status=CheckStatus.PASSED, notes="", actor=rs_officer
    )
    assert fresh(submitted).state == ApplicationState.SUBMITTED


# 3 ─ officers and administrators acting on the applicants' application


def test_an_officer_cannot_submit_the_applicants_application(client, signed, rs_officer):
    client.force_login(rs_officer)
    response = client.post(reverse("applications:submit", args=[signed.reference]))
    assert response.status_code == 404
    assert fresh(signed).state == ApplicationState.DRAFT


@pytest.mark.parametrize("superuser", [True, False])
def test_an_administrator_cannot_edit_submit_or_withdraw_a_draft(client, signed, superuser):
    admin = UserFactory(is_superuser=superuser, is_staff=True, roles=[(Role.ADMIN, None)])
    client.force_login(admin)
    version = fresh(signed).version
    for name in ("submit", "withdraw", "sign"):
        response = client.post(
            reverse(f"applications:{name}", args=[signed.reference]), {"version": version}
        )
        assert response.status_code == 404, name
    response = client.post(
        reverse("applications:edit", args=[signed.reference]),
        {"version": version, "title_en": "Taken over"},
    )
    assert response.status_code == 404
    signed = fresh(signed)
    assert (signed.state, signed.version, signed.title_en) == (
        ApplicationState.DRAFT,
        version,
        "Ferroelectric memory for edge AI",
    )


def test_a_superuser_cannot_decide_eligibility(client, submitted):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("manage:application_decision", args=[submitted.reference]),
        {"decision-to": "eligible", "decision-reason": "ok"},
    )
    assert response.status_code in (403, 404)
    assert fresh(submitted).state == ApplicationState.SUBMITTED


def test_officers_do_not_see_a_draft(client, draft, rs_officer):
    client.force_login(rs_officer)
    assert client.get(reverse("applications:detail", args=[draft.reference])).status_code == 404
    assert client.get(reverse("manage:application", args=[draft.reference])).status_code == 404


# 4 ─ the audit log


@pytest.fixture
def reviewed(submitted, funding):
    """A review of the submitted application, written through the audit log like a service would."""
    reviewer = Organisation.objects.get(slug="imperial")
    from tests.factories.directory import PersonFactory

    person = PersonFactory(name_en="Professor Hidden Reviewer", country="GB", organisation=reviewer)
    assignment = Assignment.objects.create(
        call=submitted.call, application=submitted, reviewer=person, affinity=0.5
    )
    review = Review.objects.create(
        assignment=assignment, comments_panel="PANEL-ONLY: weak methods", scores={}
    )
    log_action(
        actor=None,
        action="update",
        instance=review,
        before={},
        after={"comments_panel": "PANEL-ONLY: weak methods"},
    )
    log_action(actor=None, action="create", instance=assignment, after={"reviewer": person.name_en})
    return review


def test_the_audit_log_does_not_disclose_review_to_the_secretariat_or_other_funders(
    client, reviewed
):
    secretariat = UserFactory(roles=[(Role.SECRETARIAT, None)])
    kiat_officer = officer_of("kiat")
    for reader in (secretariat, kiat_officer):
        client.force_login(reader)
        for query in ("", "?model=review", "?model=assignment", "?model=user"):
            body = client.get(reverse("audit_log") + query).content.decode()
            assert "PANEL-ONLY" not in body, (reader, query)
            assert "Hidden Reviewer" not in body, (reader, query)


def test_an_unrelated_funders_officer_sees_nothing_of_the_call(client, submitted, rs_officer):
    record_funder_check(
        application=submitted,
        country="GB",
        status=CheckStatus.QUERY,
        notes="CONFIDENTIAL-NOTE",
        actor=rs_officer,
    )
    client.force_login(officer_of("kiat"))
    body = client.get(reverse("audit_log")).content.decode()
    assert "CONFIDENTIAL-NOTE" not in body
    assert submitted.reference not in body
    client.force_login(rs_officer)
    body = client.get(reverse("audit_log")).content.decode()
    assert "CONFIDENTIAL-NOTE" in body


def test_audit_values_are_readable_field_value_pairs(client, submitted, rs_officer):
    record_funder_check(
        application=submitted,
        country="GB",
        status=CheckStatus.QUERY,
        notes="Ask about the host",
        actor=rs_officer,
    )
    client.force_login(rs_officer)
    body = client.get(reverse("audit_log")).content.decode()
    assert "{&#x27;" not in body and "{'" not in body
    assert "Query to applicant" in body
    client.cookies["django_language"] = "ko"
    body = client.get(reverse("audit_log"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "신청자에게 문의" in body or "문의" in body


def test_older_goes_to_page_two(client, funding):
    admin = UserFactory(roles=[(Role.ADMIN, None)])
    org = Organisation.objects.get(slug="imperial")
    for i in range(60):
        log_action(
            actor=None,
            action="update",
            instance=org,
            before={"name_en": f"n{i}"},
            after={"name_en": f"n{i + 1}"},
        )
    client.force_login(admin)
    body = client.get(reverse("audit_log")).content.decode()
    assert "??page" not in body
    assert 'href="?page=2"' in body
    page2 = client.get(reverse("audit_log") + "?page=2").content.decode()
    assert "Page 2 of" in page2
    assert AuditEntry.objects.count() >= 60


_ = dt
