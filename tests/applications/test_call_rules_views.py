"""A call's rule pages: delete through a confirmation page, and who may reach them.

The call is the Royal Society–NRF ``ica-2025`` call (conftest ``call``): ``hosts-kr`` is a rule
of the Korean side (NRF's alone), ``korean-summary`` one of both sides (a change needs both
funders).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accord.accounts.enums import Role
from accord.common.models import AuditEntry
from accord.programmes.models import EligibilityRule, JointRuleChange
from tests.applications.conftest import officer_of
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_applicant

pytestmark = pytest.mark.django_db


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
