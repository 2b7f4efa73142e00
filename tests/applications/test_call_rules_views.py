"""A call's rule pages: delete through a confirmation page, and who may reach them.

The call is the Royal Society–NRF ``ica-2025`` call (conftest ``call``): ``hosts-kr`` is a rule
of the Korean side (NRF's alone), ``korean-summary`` one of both sides (a change needs both
funders).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accord.accounts.enums import Role
from accord.common.models import AuditEntry
from accord.programmes.models import EligibilityRule, JointRuleChange
from tests.applications.conftest import officer_of
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A Korean request leaves Korean active in the thread; the next test starts in English."""
    yield
    translation.deactivate()


def rule_url(name, call, key):
    return reverse(f"manage:{name}", args=[call.slug, key])


def test_delete_confirmation_says_which_rule_and_what_follows(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.get(rule_url("call_rule_delete", call, "hosts-kr"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete rule hosts-kr?" in html
    assert "Eligible types of organisation on one side" in html
    assert "The rule is deleted at once" in html
    assert "Applications are checked without this rule from now on." in html
    assert EligibilityRule.objects.filter(call=call, key="hosts-kr").exists()  # GET deletes nothing


def test_delete_confirmation_of_a_rule_of_both_sides_says_the_other_funder_must_agree(
    client, call, rs_officer
):
    client.force_login(rs_officer)
    html = client.get(rule_url("call_rule_delete", call, "korean-summary")).content.decode()
    assert "the rule is deleted only when they agree" in html
    assert "Propose to delete the rule" in html


def test_confirmed_delete_of_a_sides_rule_deletes_it_and_is_audited(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(rule_url("call_rule_delete", call, "hosts-kr"))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:call_settings", args=[call.slug])
    assert not EligibilityRule.objects.filter(call=call, key="hosts-kr").exists()
    entry = AuditEntry.objects.get(action="delete", object_repr="hosts-kr (org_kinds)")
    assert entry.actor == nrf_officer


def test_confirmed_delete_of_a_rule_of_both_sides_is_only_proposed(client, call, rs_officer):
    client.force_login(rs_officer)
    response = client.post(rule_url("call_rule_delete", call, "korean-summary"))
    assert response.status_code == 302
    assert EligibilityRule.objects.filter(call=call, key="korean-summary").exists()
    change = JointRuleChange.objects.get(call=call, key="korean-summary")
    assert (change.delete, change.state, change.proposed_side) == (True, "pending", "GB")


@pytest.mark.parametrize("name", ["call_rule_edit", "call_rule_delete"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("nrf_officer", 200),
        ("rs_officer", 403),  # sees the call, but the rule is the Korean side's
        ("admin", 403),  # reads the settings, changes nothing
        ("kiat", 404),  # an officer of another funder: the call does not exist for them
        ("applicant", 404),
    ],
)
def test_rule_pages_for_the_rules_funder_only(client, request, call, name, who, status):
    users = {
        "admin": lambda: UserFactory(roles=[(Role.ADMIN, None)]),
        "kiat": lambda: officer_of("kiat"),
        "applicant": lambda: make_applicant(),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(rule_url(name, call, "hosts-kr")).status_code == status
    response = client.post(rule_url(name, call, "hosts-kr"))
    assert response.status_code == (302 if status == 200 and name == "call_rule_delete" else status)
    assert EligibilityRule.objects.filter(call=call, key="hosts-kr").exists() is (
        not (status == 200 and name == "call_rule_delete")
    )


def test_rule_pages_of_a_missing_rule_are_404(client, call, nrf_officer):
    client.force_login(nrf_officer)
    assert client.get(rule_url("call_rule_delete", call, "no-such-rule")).status_code == 404


# ------------------------------------------------------------------ the structured editors


def test_edit_form_is_filled_from_the_stored_settings(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.get(rule_url("call_rule_edit", call, "hosts-kr"))
    form = response.context["form"]
    assert type(form).__name__ == "OrgKindsForm"
    assert form.initial == {"country": "KR", "kinds": ["university", "institute"]}
    assert response.context["description"] == (
        "On the Republic of Korea side, every team member must be at one of these types of "
        "organisation: University, Research institute."
    )
    html = response.content.decode()
    assert 'type="checkbox" name="kinds" value="company"' in html
    assert "Parameters (JSON)" not in html


def test_a_sides_rule_is_saved_from_the_form(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        rule_url("call_rule_edit", call, "max-request-kr"),
        {"country": "KR", "amount": "500000000.00", "currency": "KRW"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#rule-max-request-kr")
    assert EligibilityRule.objects.get(call=call, key="max-request-kr").params == {
        "country": "KR",
        "amount": "500000000",
        "currency": "KRW",
    }


def test_min_above_max_is_shown_on_the_field_and_input_kept(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=years_since_phd",
        {"key": "phd-kr", "country": "KR", "min": "12", "max": "8"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"min": ["The minimum must not be above the maximum."]}
    assert 'value="12"' in response.content.decode()
    assert not EligibilityRule.objects.filter(call=call, key="phd-kr").exists()


def test_the_core_error_is_worded_in_korean_for_a_korean_reader(client, call, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=years_since_phd",
        {"key": "phd-kr", "country": "KR"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.context["form"].errors == {"min": ["최솟값, 최댓값 또는 둘 다 입력하십시오."]}


def test_a_field_out_of_bounds_is_refused_by_the_form(client, call, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=duration",
        {"key": "short", "min": "0", "max": "500"},
    )
    assert sorted(response.context["form"].errors) == ["max", "min"]


def test_a_rule_is_added_with_the_kinds_form(client, call, nrf_officer):
    client.force_login(nrf_officer)
    page = client.get(reverse("manage:call_rule_add", args=[call.slug]) + "?kind=career_stage")
    assert list(page.context["form"].fields) == ["key", "country", "stages", "roles"]
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=career_stage",
        {"key": "stages-kr", "country": "KR", "stages": ["early", "mid"], "roles": ["lead"]},
    )
    assert response.status_code == 302
    rule = EligibilityRule.objects.get(call=call, key="stages-kr")
    assert (rule.kind, rule.params) == (
        "career_stage",
        {"country": "KR", "stages": ["early", "mid"], "roles": ["lead"]},
    )


def test_cost_balance_share_in_per_cent_and_a_rate_per_currency(client, call, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=cost_balance",
        {
            "key": "balance",
            "max_share": "70",
            "base": "GBP",
            "rate_date": "2024-04-30",
            "rate_GBP": "1",
            "rate_KRW": "0.00058",
        },
    )
    assert response.status_code == 302
    change = JointRuleChange.objects.get(call=call, key="balance")  # both sides: proposed
    assert change.params == {
        "max_share": "0.7",
        "rates": {"GBP": "1", "KRW": "0.00058"},
        "rate_date": "2024-04-30",
        "base": "GBP",
    }


def test_an_officer_cannot_add_a_rule_for_the_other_side(client, call, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("manage:call_rule_add", args=[call.slug]) + "?kind=max_request",
        {"key": "cap-kr", "country": "KR", "amount": "1", "currency": "KRW"},
    )
    assert response.status_code == 403
    assert response.context["form"].non_field_errors() == [
        "Rule cap-kr belongs to the Republic of Korea side: only that side's funder changes it."
    ]
    assert not EligibilityRule.objects.filter(call=call, key="cap-kr").exists()


def test_a_rule_of_both_sides_changes_when_the_other_funder_agrees(
    client, call, rs_officer, nrf_officer
):
    client.force_login(rs_officer)
    response = client.post(rule_url("call_rule_edit", call, "duration"), {"min": "24", "max": "36"})
    assert response.status_code == 302
    assert EligibilityRule.objects.get(call=call, key="duration").params == {"min": 36, "max": 36}
    change = JointRuleChange.objects.get(call=call, key="duration", state="pending")
    client.force_login(nrf_officer)
    settings = client.get(reverse("manage:call_settings", args=[call.slug]))
    (row,) = [c for c in settings.context["joint_changes"] if c["change"] == change]
    assert row["description"] == "The project lasts 24 to 36 months."
    response = client.post(reverse("manage:call_rule_change_agree", args=[call.slug, change.pk]))
    assert response.status_code == 302
    assert EligibilityRule.objects.get(call=call, key="duration").params == {"min": 24, "max": 36}


def test_rules_are_described_in_the_readers_language_on_the_public_page(client, call):
    html = client.get(
        reverse("applications:call", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "kinds" not in html
    assert "대한민국" in html


def test_settings_page_describes_each_rule_and_offers_edit_only_where_there_is_a_setting(
    client, call, nrf_officer
):
    client.force_login(nrf_officer)
    response = client.get(reverse("manage:call_settings", args=[call.slug]))
    rows = {row["rule"].key: row for row in response.context["rule_rows"]}
    assert rows["leads"]["description"] == "Each side names exactly one lead applicant."
    assert (rows["leads"]["has_settings"], rows["hosts-kr"]["has_settings"]) == (False, True)
    html = response.content.decode()
    assert rule_url("call_rule_edit", call, "hosts-kr") in html
    assert rule_url("call_rule_edit", call, "leads") not in html
    assert rule_url("call_rule_delete", call, "leads") in html
    assert rule_url("call_rule_edit", call, "hosts-uk") not in html  # the UK side's


def test_settings_page_query_count_does_not_grow_with_the_rules(client, call, nrf_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.programmes.services.calls import set_rule

    client.force_login(nrf_officer)
    url = reverse("manage:call_settings", args=[call.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        set_rule(
            call=call,
            key=f"cap-{n}",
            kind="max_request",
            params={"country": "KR", "amount": str(n), "currency": "KRW"},
            actor=nrf_officer,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
