"""Rules of both sides change only with both funders' agreement; the audit log by audience."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditEntry
from accord.common.selectors import audit_entries
from accord.programmes.models import EligibilityRule, JointRuleChange, Programme
from accord.programmes.services.calls import (
    answer_joint_rule_change,
    propose_joint_rule_change,
    set_rule,
)
from tests.applications.conftest import BEFORE_CLOSE, officer_of
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ONE = {"max": 1}
TWO = {"max": 2}


def test_a_rule_of_both_sides_changes_only_when_the_other_funder_agrees(
    call, rs_officer, nrf_officer
):
    with pytest.raises(PermissionDenied):  # not directly, not even by a funder of the call
        set_rule(
            call=call,
            key="one-per-person",
            kind="max_applications_per_person",
            params=TWO,
            actor=rs_officer,
        )
    change = propose_joint_rule_change(
        call=call,
        key="one-per-person",
        kind="max_applications_per_person",
        params=TWO,
        actor=rs_officer,
    )
    assert (change.state, change.proposed_side) == ("pending", "GB")
    assert EligibilityRule.objects.get(call=call, key="one-per-person").params == ONE
    with pytest.raises(PermissionDenied):  # the proposer's own funder cannot agree with itself
        answer_joint_rule_change(change=change, agree=True, actor=officer_of("royal-society"))
    with pytest.raises(PermissionDenied):  # nor a funder with no part in the call
        answer_joint_rule_change(change=change, agree=True, actor=officer_of("kiat"))
    answered = answer_joint_rule_change(change=change, agree=True, actor=nrf_officer)
    assert (answered.state, answered.answered_by, answered.answered_side) == (
        "applied",
        nrf_officer,
        "KR",
    )
    assert EligibilityRule.objects.get(call=call, key="one-per-person").params == TWO
    with pytest.raises(PermissionDenied):  # answered once
        answer_joint_rule_change(change=answered, agree=False, actor=nrf_officer)
    # both agreements are in the audit log
    entries = AuditEntry.objects.filter(
        object_id=str(change.pk), object_repr__contains="one-per-person"
    )
    assert {e.actor for e in entries} == {rs_officer, nrf_officer}


def test_a_refused_proposal_changes_nothing_and_a_side_rule_cannot_be_proposed(
    call, rs_officer, nrf_officer
):
    change = propose_joint_rule_change(
        call=call,
        key="cost-x",
        delete=False,
        kind="duration",
        params={"min": 1, "max": 60},
        actor=nrf_officer,
    )
    answer_joint_rule_change(change=change, agree=False, actor=rs_officer)
    assert JointRuleChange.objects.get(pk=change.pk).state == "rejected"
    assert not EligibilityRule.objects.filter(call=call, key="cost-x").exists()
    with pytest.raises(ValidationError):
        propose_joint_rule_change(call=call, key="max-request-kr", delete=True, actor=rs_officer)


def test_the_secretariat_reads_the_register_and_programmes_not_applications(
    client, signed, uk_lead, funding
):
    submitted = transition_application(
        application=signed, to=ApplicationState.SUBMITTED, actor=uk_lead, now=BEFORE_CLOSE
    )
    secretariat = UserFactory(roles=[(Role.SECRETARIAT, None)])
    kinds = {e.content_type.model for e in audit_entries(user=secretariat)}
    assert {"call", "eligibilityrule"} <= kinds
    assert "application" not in kinds
    client.force_login(secretariat)
    body = client.get(reverse("audit_log")).content.decode()
    assert submitted.reference not in body
    assert Programme.objects.exists()
