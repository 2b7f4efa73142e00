"""Every (from, to) pair of application states against TRANSITIONS: allowed moves succeed and are
audited once; every other move is refused and leaves the state as it was."""

from __future__ import annotations

from collections import deque

import pytest

from accord.applications.enums import TRANSITIONS, ApplicationState, CheckStatus
from accord.applications.errors import TransitionError
from accord.applications.models import Application, FunderCheck
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditAction, AuditEntry
from tests.applications.conftest import BEFORE_CLOSE, fresh

pytestmark = pytest.mark.django_db

STATES = list(ApplicationState)
PAIRS = [(source, target) for source in STATES for target in STATES]
ALLOWED = [p for p in PAIRS if p[1] in TRANSITIONS[p[0]]]
FORBIDDEN = [p for p in PAIRS if p[1] not in TRANSITIONS[p[0]]]


def pair_ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{source}->{target}" for source, target in pairs]


def path_to(state: str) -> list[str]:
    """The shortest sequence of allowed moves from draft to ``state``."""
    previous: dict[str, str | None] = {ApplicationState.DRAFT: None}
    queue = deque([ApplicationState.DRAFT.value])
    while queue:
        current = queue.popleft()
        for following in sorted(TRANSITIONS[current]):
            if following not in previous:
                previous[following] = current
                queue.append(following)
    steps: list[str] = []
    node: str | None = state
    while node is not None and node != ApplicationState.DRAFT:
        steps.append(node)
        node = previous[node]
    return steps[::-1]


def state_entries(application: Application) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.STATE, object_id=str(application.pk)).order_by(
            "id"
        )
    )


def keys_for(application: Application, state: str) -> None:
    """The funders' checks that eligibility's two keys need before a move to ``state``."""
    verdicts = {
        ApplicationState.ELIGIBLE: {"GB": CheckStatus.PASSED, "KR": CheckStatus.PASSED},
        ApplicationState.INELIGIBLE: {"GB": CheckStatus.FAILED, "KR": CheckStatus.PASSED},
    }.get(state, {})
    for country, status in verdicts.items():
        FunderCheck.objects.update_or_create(
            application=application, country=country, defaults={"status": status}
        )


def bring_to(application: Application, state: str, actor) -> Application:
    for step in path_to(state):
        keys_for(application, step)
        application = transition_application(
            application=application, to=step, actor=actor, now=BEFORE_CLOSE
        )
    return application


def test_every_state_is_reachable_from_draft():
    assert {state: len(path_to(state)) for state in STATES} == {
        "draft": 0,
        "submitted": 1,
        "withdrawn": 1,
        "eligible": 2,
        "ineligible": 2,
        "in_review": 3,
        "at_panel": 4,
        "funded": 5,
        "declined": 5,
        "active": 6,
        "closed": 7,
    }


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=pair_ids(ALLOWED))
def test_allowed_transition_succeeds_and_is_audited_once(
    signed, uk_lead, rs_officer, source, target
):
    application = bring_to(signed, source, rs_officer)
    entries_before = len(state_entries(application))
    keys_for(application, target)

    moved = transition_application(
        application=application, to=target, actor=rs_officer, reason="test", now=BEFORE_CLOSE
    )

    assert (moved.state, fresh(application).state) == (target, target)
    entries = state_entries(application)
    assert len(entries) == entries_before + 1
    last = entries[-1]
    assert (last.actor, last.before, last.after, last.reason) == (
        rs_officer,
        {"state": source},
        {"state": target},
        "test",
    )


@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=pair_ids(FORBIDDEN))
def test_forbidden_transition_is_refused_and_changes_nothing(signed, rs_officer, source, target):
    application = bring_to(signed, source, rs_officer)
    entries_before = state_entries(application)
    version_before = fresh(application).version

    with pytest.raises(TransitionError) as refused:
        transition_application(
            application=application, to=target, actor=rs_officer, now=BEFORE_CLOSE
        )

    assert refused.value.code == "forbidden_transition"
    assert refused.value.messages == [
        f"An application that is {ApplicationState(source).label.lower()} cannot become {ApplicationState(target).label.lower()}."
    ]
    stored = fresh(application)
    assert (stored.state, stored.version) == (source, version_before)
    assert state_entries(application) == entries_before


def test_there_are_as_many_allowed_pairs_as_transitions_list():
    assert (len(ALLOWED), len(FORBIDDEN)) == (
        sum(len(t) for t in TRANSITIONS.values()),
        11 * 11 - 15,
    )
