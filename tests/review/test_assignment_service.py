"""Assignment services: the encoded instance, background runs with their certificate, failures in
words, hand adjustments checked against every rule, publication and declines re-solved
incrementally.

Calls come from ``CallFactory`` (a GB side first, then a KR side); the pool from ``make_pool``
(accepted invitations). Affinities are written as ``AffinityScore`` rows, as a matching run does.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accord.accounts.enums import Role
from accord.accounts.models import RoleGrant
from accord.applications.enums import ApplicationState
from accord.common.models import AuditEntry
from accord.matching.models import AffinityScore, Conflict
from accord.review.enums import AssignmentMode, AssignmentState, InvitationState
from accord.review.models import Assignment, AssignmentRun, ConflictDeclaration
from accord.review.selectors.assignment import build_instance
from accord.review.services.assignment import (
    decline_assignment,
    publish_assignments,
    set_assignment_by_hand,
    start_assignment_run,
)
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    TeamMemberFactory,
    make_joint_application,
    make_researcher,
)
from tests.factories.review import AssignmentFactory, ReviewerInvitationFactory, make_pool

pytestmark = pytest.mark.django_db

ELIGIBLE = ApplicationState.ELIGIBLE


def eligible(call, n):
    return [
        make_joint_application(call=call, state=ELIGIBLE, reference=f"APP-{i + 1}")
        for i in range(n)
    ]


def set_affinity(call, applications, reviewers, matrix):
    for i, application in enumerate(applications):
        for j, person in enumerate(reviewers):
            AffinityScore.objects.create(
                call=call, application=application, reviewer=person, score=matrix[i][j]
            )


def pairs_of(call, states=(AssignmentState.PROPOSED, AssignmentState.PUBLISHED)):
    return set(
        Assignment.objects.filter(call=call, state__in=states).values_list(
            "application__reference", "reviewer__name_en"
        )
    )


def run(call, officer, capture, mode=AssignmentMode.TOTAL):
    """Start a run as an officer of the call's GB funder (review.manage_call)."""
    funder = call.sides.get(country="GB").funder
    if funder.pk not in officer.funder_ids():
        RoleGrant.objects.create(user=officer, role=Role.OFFICER, funder=funder)
        officer._grants_cache = None
    with capture(execute=True):
        started = start_assignment_run(call=call, mode=mode, actor=officer)
    started.refresh_from_db()
    return started


@pytest.fixture
def officer():
    return UserFactory()


# --- the encoded instance ------------------------------------------------------------------------


def test_instance_encodes_every_conflict_source_loads_k_and_countries():
    call = CallFactory(reviewers_per_application=2)
    first, second, ruled_out = eligible(call, 3)
    ruled_out.state = ApplicationState.SUBMITTED  # not yet eligible: not assigned
    ruled_out.save()
    gb1, gb2, kr1, kr2 = make_pool(call, ["GB", "GB", "KR", "KR"], max_load=4, min_load=1)
    ReviewerInvitationFactory(call=call, person=make_researcher("KR"))  # not accepted: not in pool
    Conflict.objects.create(
        call=call, application=first, reviewer=gb1, type="coauthor", severity="hard", sentence="x"
    )
    Conflict.objects.create(
        call=call,
        application=first,
        reviewer=gb2,
        type="same_org",
        severity="declare",
        sentence="x",
    )
    TeamMemberFactory(application=second, person=kr1)
    declared = AssignmentFactory(application=second, reviewer=kr2)
    ConflictDeclaration.objects.create(assignment=declared, has_conflict=True)
    clear = AssignmentFactory(application=first, reviewer=kr2)
    ConflictDeclaration.objects.create(assignment=clear, has_conflict=False)
    AssignmentFactory(application=second, reviewer=gb2, state=AssignmentState.DECLINED)
    set_affinity(call, [first], [gb1, gb2, kr1, kr2], [[0.1, 0.2, 0.3, 0.4]])

    instance, applications, reviewers = build_instance(call)

    assert applications == [first, second]
    assert reviewers == [gb1, gb2, kr1, kr2]
    assert instance.conflict.tolist() == [
        [True, False, False, False],  # hard conflict; "to declare" is not one; declared clear
        [False, True, True, True],  # declined; team member; declared a conflict
    ]
    assert instance.affinity.tolist() == [[0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 0.0, 0.0]]
    assert instance.reviewer_country.tolist() == [0, 0, 1, 1]
    assert instance.k == 2
    assert instance.min_load.tolist() == [1, 1, 1, 1]
    assert instance.max_load.tolist() == [4, 4, 4, 4]
    assert instance.country_names == ("United Kingdom", "Republic of Korea")
    assert instance.bilateral is True


def test_instance_without_the_bilateral_rule_has_one_country():
    call = CallFactory(reviewers_per_application=1, reviewers_from_each_country=False)
    eligible(call, 1)
    make_pool(call, ["GB", "KR"])
    instance, _apps, _people = build_instance(call)
    assert instance.reviewer_country.tolist() == [0, 0]
    assert instance.bilateral is False


# --- runs ----------------------------------------------------------------------------------------

AFFINITY = [
    [0.9, 0.1, 0.8, 0.2],
    [0.7, 0.6, 0.1, 0.5],
    [0.3, 0.95, 0.4, 0.9],
]


def best_total(matrix, max_load, conflicts=frozenset()):
    """Brute force over every choice of one GB (columns 0, 1) and one KR (2, 3) reviewer."""
    options = [(g, k) for g in (0, 1) for k in (2, 3)]
    best = -1.0
    for choice in itertools.product(options, repeat=len(matrix)):
        loads = np.bincount([r for pair in choice for r in pair], minlength=4)
        if (loads > max_load).any():
            continue
        if any((p, r) in conflicts for p, pair in enumerate(choice) for r in pair):
            continue
        best = max(best, sum(matrix[p][r] for p, pair in enumerate(choice) for r in pair))
    return best


@pytest.mark.parametrize("mode", [AssignmentMode.TOTAL, AssignmentMode.FAIR])
def test_run_stores_an_assignment_that_keeps_every_rule(
    mode, officer, django_capture_on_commit_callbacks
):
    call = CallFactory(reviewers_per_application=2)
    applications = eligible(call, 3)
    reviewers = make_pool(call, ["GB", "GB", "KR", "KR"], max_load=2)
    set_affinity(call, applications, reviewers, AFFINITY)
    Conflict.objects.create(
        call=call,
        application=applications[0],
        reviewer=reviewers[0],
        type="coauthor",
        severity="hard",
        sentence="x",
    )

    done = run(call, officer, django_capture_on_commit_callbacks, mode)

    assert done.state == "done"
    assert done.message == ""
    rows = list(Assignment.objects.filter(call=call))
    assert all(a.state == AssignmentState.PROPOSED and a.run_id == done.pk for a in rows)
    per_application = {a.pk: [r for r in rows if r.application_id == a.pk] for a in applications}
    for application in applications:
        mine = per_application[application.pk]
        assert len(mine) == 2  # k
        assert sorted(r.reviewer.country for r in mine) == ["GB", "KR"]  # one of each country
    loads = {p.pk: sum(1 for r in rows if r.reviewer_id == p.pk) for p in reviewers}
    assert all(load <= 2 for load in loads.values())
    assert not any(
        r.application_id == applications[0].pk and r.reviewer_id == reviewers[0].pk for r in rows
    )
    total = sum(
        AFFINITY[applications.index(r.application)][reviewers.index(r.reviewer)] for r in rows
    )
    assert total == pytest.approx(done.objective, abs=1e-9)
    assert sum(r.affinity for r in rows) == pytest.approx(done.objective, abs=1e-9)
    assert done.gap <= 1e-9
    assert done.seconds >= 0
    assert done.moved is None
    if mode == AssignmentMode.TOTAL:
        assert done.objective == pytest.approx(best_total(AFFINITY, 2, {(0, 0)}), abs=1e-9)


def test_a_new_run_replaces_proposed_assignments(officer, django_capture_on_commit_callbacks):
    call = CallFactory(reviewers_per_application=2)
    applications = eligible(call, 3)
    reviewers = make_pool(call, ["GB", "GB", "KR", "KR"], max_load=2)
    set_affinity(call, applications, reviewers, AFFINITY)
    first = run(call, officer, django_capture_on_commit_callbacks)
    second = run(call, officer, django_capture_on_commit_callbacks)
    assert Assignment.objects.filter(call=call).count() == 6
    assert set(Assignment.objects.filter(call=call).values_list("run_id", flat=True)) == {second.pk}
    assert first.objective == second.objective


def test_infeasible_call_fails_with_the_constraint_in_words(
    officer, django_capture_on_commit_callbacks
):
    call = CallFactory(reviewers_per_application=2)
    applications = eligible(call, 2)
    gb1, gb2, korean = make_pool(call, ["GB", "GB", "KR"])
    Conflict.objects.create(
        call=call,
        application=applications[1],
        reviewer=korean,
        type="coauthor",
        severity="hard",
        sentence="x",
    )

    failed = run(call, officer, django_capture_on_commit_callbacks)

    assert failed.state == "failed"
    assert failed.message == (
        "application APP-2 has no Republic of Korea reviewer without a conflict; "
        "it needs at least 1 from each country and 2 in all"
    )
    assert failed.objective is None
    assert Assignment.objects.filter(call=call).count() == 0


def test_a_pool_from_one_country_fails_when_the_call_wants_both(
    officer, django_capture_on_commit_callbacks
):
    call = CallFactory(reviewers_per_application=2)
    eligible(call, 1)
    make_pool(call, ["GB", "GB", "GB"])
    failed = run(call, officer, django_capture_on_commit_callbacks)
    assert failed.state == "failed"
    assert failed.message == (
        "every application needs a Republic of Korea reviewer, but no Republic of Korea "
        "reviewer is in the pool"
    )


def test_a_pool_from_one_country_is_fine_when_the_call_does_not_ask_for_both(
    officer, django_capture_on_commit_callbacks
):
    call = CallFactory(reviewers_per_application=2, reviewers_from_each_country=False)
    eligible(call, 1)
    make_pool(call, ["GB", "GB", "GB"])
    assert run(call, officer, django_capture_on_commit_callbacks).state == "done"
    assert Assignment.objects.filter(call=call).count() == 2


def test_too_few_reviewers_fails_with_the_reason(officer, django_capture_on_commit_callbacks):
    call = CallFactory(reviewers_per_application=3)
    eligible(call, 1)
    make_pool(call, ["GB", "KR"])
    failed = run(call, officer, django_capture_on_commit_callbacks)
    assert failed.state == "failed"
    assert failed.message == (
        "The call asks for 3 reviewers per application, but only 2 people have accepted to review."
    )


def test_run_after_publication_keeps_published_pairs(officer, django_capture_on_commit_callbacks):
    call = CallFactory(reviewers_per_application=2)
    applications = eligible(call, 2)
    reviewers = make_pool(call, ["GB", "GB", "KR", "KR"], max_load=2)
    set_affinity(call, applications, reviewers, AFFINITY[:2])
    run(call, officer, django_capture_on_commit_callbacks)
    publish_assignments(call=call, actor=officer)
    published = pairs_of(call)
    late = make_joint_application(call=call, state=ELIGIBLE, reference="APP-9")
    set_affinity(call, [late], reviewers, [AFFINITY[2]])

    again = run(call, officer, django_capture_on_commit_callbacks)

    assert again.state == "done"
    assert again.moved == 0
    assert pairs_of(call, [AssignmentState.PUBLISHED]) == published
    assert {a for a, _r in pairs_of(call, [AssignmentState.PROPOSED])} == {"APP-9"}
    assert Assignment.objects.filter(call=call, application=late).count() == 2


# --- by hand -------------------------------------------------------------------------------------


@pytest.fixture
def solved(officer, django_capture_on_commit_callbacks):
    call = CallFactory(reviewers_per_application=2)
    applications = eligible(call, 3)
    names = ["Alice Archer", "Bryn Baker", "Kim Minji", "Lee Jiwoo", "Park Seoyeon"]
    reviewers = make_pool(call, ["GB", "GB", "KR", "KR", "KR"], max_load=2)
    for person, name in zip(reviewers, names, strict=True):
        person.name_en = name
        person.save()
    set_affinity(call, applications, reviewers, [[*row, 0.0] for row in AFFINITY])
    run(call, officer, django_capture_on_commit_callbacks)
    return call, applications, reviewers


def test_adding_a_pair_that_breaks_k_is_refused_and_changes_nothing(solved, officer):
    call, applications, reviewers = solved
    before = pairs_of(call)
    entries = AuditEntry.objects.count()
    spare = next(p for p in reviewers if (applications[0].reference, p.name_en) not in before)
    with pytest.raises(ValidationError) as refused:
        set_assignment_by_hand(
            call=call, application=applications[0], reviewer=spare, assign=True, actor=officer
        )
    assert refused.value.messages == [
        "Refused; the assignment would break these rules: application APP-1 has 3 reviewers, "
        "not k = 2."
    ]
    assert pairs_of(call) == before
    assert AuditEntry.objects.count() == entries


def test_a_swap_that_leaves_no_korean_reviewer_is_refused(solved, officer):
    call, applications, reviewers = solved
    before = pairs_of(call)
    # the British reviewer with a free place (loads 2 and 1), on an application they do not review
    spare = min(reviewers[:2], key=lambda p: Assignment.objects.filter(reviewer=p).count())
    application = next(a for a in applications if (a.reference, spare.name_en) not in before)
    korean = Assignment.objects.get(application=application, reviewer__country="KR").reviewer
    with pytest.raises(ValidationError) as refused:
        set_assignment_by_hand(
            call=call,
            application=application,
            reviewer=spare,
            assign=True,
            instead_of=korean,
            actor=officer,
        )
    assert refused.value.messages == [
        "Refused; the assignment would break these rules: application "
        f"{application.reference} has no Republic of Korea reviewer."
    ]
    assert pairs_of(call) == before


def test_a_swap_that_keeps_every_rule_is_made_and_audited(solved, officer):
    call, applications, reviewers = solved
    park = reviewers[4]  # the third Korean reviewer, never chosen (affinity 0)
    korean = Assignment.objects.get(
        call=call, application=applications[0], reviewer__country="KR"
    ).reviewer
    created = set_assignment_by_hand(
        call=call,
        application=applications[0],
        reviewer=park,
        assign=True,
        instead_of=korean,
        actor=officer,
    )
    assert created.by_hand is True
    assert created.state == AssignmentState.PROPOSED
    assert ("APP-1", "Park Seoyeon") in pairs_of(call)
    assert ("APP-1", korean.name_en) not in pairs_of(call)
    assert list(
        AuditEntry.objects.filter(actor=officer).order_by("id").values_list("action", flat=True)
    )[-2:] == ["delete", "create"]


def test_removing_a_pair_that_breaks_k_is_refused(solved, officer):
    call, applications, _reviewers = solved
    assignment = Assignment.objects.filter(call=call, application=applications[1]).first()
    with pytest.raises(ValidationError):
        set_assignment_by_hand(
            call=call,
            application=applications[1],
            reviewer=assignment.reviewer,
            assign=False,
            actor=officer,
        )
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# --- publication ---------------------------------------------------------------------------------


def test_publish_moves_applications_to_review_and_mails_each_reviewer_only_their_own(
    solved, officer, django_capture_on_commit_callbacks
):
    call, applications, reviewers = solved
    call.name_ko = "한영 공동 공모"
    call.save()
    for person in reviewers:
        person.email = f"{person.slug}@example.org"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        published = publish_assignments(call=call, actor=officer)

    assert len(published) == 6
    assert set(Assignment.objects.filter(call=call).values_list("state", flat=True)) == {
        AssignmentState.PUBLISHED
    }
    for application in applications:
        application.refresh_from_db()
        assert application.state == ApplicationState.IN_REVIEW
    assigned = {p for _a, p in pairs_of(call)}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{p.slug}@example.org" for p in reviewers if p.name_en in assigned
    )
    for message in mail.outbox:
        person = next(p for p in reviewers if message.to == [f"{p.slug}@example.org"])
        own = {a for a, p in pairs_of(call) if p == person.name_en}
        for reference in ("APP-1", "APP-2", "APP-3"):
            assert (reference in message.body) == (reference in own)
        for other in reviewers:
            if other != person:
                assert other.name_en not in message.body
                assert other.name_en not in message.subject
        call_name = "한영 공동 공모" if person.country == "KR" else call.name_en
        assert call_name in message.subject
    states = AuditEntry.objects.filter(
        action="state", content_type__model="application", after__state="in_review"
    )
    assert states.count() == 3


def test_publish_refuses_when_an_application_lacks_reviewers(solved, officer):
    call, applications, _reviewers = solved
    make_joint_application(call=call, state=ELIGIBLE, reference="APP-9")
    with pytest.raises(ValidationError) as refused:
        publish_assignments(call=call, actor=officer)
    assert refused.value.messages == [
        "Not published; the assignment breaks these rules: application APP-9 has 0 reviewers, "
        "not k = 2; application APP-9 has no United Kingdom reviewer; application APP-9 has "
        "no Republic of Korea reviewer."
    ]
    assert set(Assignment.objects.filter(call=call).values_list("state", flat=True)) == {
        AssignmentState.PROPOSED
    }


# --- declines ------------------------------------------------------------------------------------


def reviewer_user(person):
    return UserFactory(person=person)


def test_decline_replaces_the_reviewer_moving_one_pair(
    solved, officer, django_capture_on_commit_callbacks
):
    call, applications, reviewers = solved
    publish_assignments(call=call, actor=officer)
    before = pairs_of(call)
    assignment = Assignment.objects.get(
        call=call, application=applications[0], reviewer__country="KR"
    )
    with django_capture_on_commit_callbacks(execute=True):
        resolved = decline_assignment(
            assignment=assignment, user=reviewer_user(assignment.reviewer), reason="On leave"
        )
        assert resolved.state == "queued"  # the request only queues the re-solve
    resolved.refresh_from_db()

    after = pairs_of(call)
    assert resolved.state == "done"
    assert resolved.moved == 1
    assert before - after == {("APP-1", assignment.reviewer.name_en)}
    assert len(after - before) == 1
    (added,) = after - before
    assert added[0] == "APP-1"
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLINED
    assert assignment.decline_reason == "On leave"
    new = Assignment.objects.get(call=call, application=applications[0], reviewer__name_en=added[1])
    assert new.state == AssignmentState.PUBLISHED
    assert new.run_id == resolved.pk


def test_decline_moves_two_pairs_when_it_must(officer, django_capture_on_commit_callbacks):
    call = CallFactory(reviewers_per_application=2)
    first, second = eligible(call, 2)
    g1, g2 = make_pool(call, ["GB", "GB"], max_load=1)
    (g3,) = make_pool(call, ["GB"], max_load=1)
    k1, k2 = make_pool(call, ["KR", "KR"], max_load=2)
    set_affinity(
        call,
        [first, second],
        [g1, g2, g3, k1, k2],
        [[0.9, 0.5, 0.0, 0.9, 0.1], [0.5, 0.9, 0.1, 0.1, 0.9]],
    )
    Conflict.objects.create(
        call=call, application=first, reviewer=g3, type="coauthor", severity="hard", sentence="x"
    )
    run(call, officer, django_capture_on_commit_callbacks)
    publish_assignments(call=call, actor=officer)
    assert pairs_of(call) == {
        (first.reference, g1.name_en),
        (first.reference, k1.name_en),
        (second.reference, g2.name_en),
        (second.reference, k2.name_en),
    }

    declined = Assignment.objects.get(application=first, reviewer=g1)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = decline_assignment(assignment=declined, user=reviewer_user(g1), reason="Busy")
    resolved.refresh_from_db()

    assert resolved.moved == 2
    assert pairs_of(call) == {
        (first.reference, g2.name_en),  # the only British reviewer left for APP-1 moves there
        (first.reference, k1.name_en),
        (second.reference, g1.name_en),  # and APP-2 takes the best free one (0.5 > 0.1)
        (second.reference, k2.name_en),
    }
    assert not Assignment.objects.filter(
        application=first, reviewer=g1, state__in=[AssignmentState.PUBLISHED]
    ).exists()


def test_decline_without_replacement_stands_and_the_run_fails(
    officer, django_capture_on_commit_callbacks
):
    call = CallFactory(reviewers_per_application=2)
    (application,) = eligible(call, 1)
    gb, kr = make_pool(call, ["GB", "KR"])
    run(call, officer, django_capture_on_commit_callbacks)
    publish_assignments(call=call, actor=officer)
    assignment = Assignment.objects.get(application=application, reviewer=kr)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = decline_assignment(
            assignment=assignment, user=reviewer_user(kr), reason="Conflict"
        )
    resolved.refresh_from_db()
    assert resolved.state == "failed"
    assert resolved.message == (
        "application APP-1 has no Republic of Korea reviewer without a conflict; "
        "it needs at least 1 from each country and 2 in all"
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLINED


def test_only_the_reviewer_may_decline_and_a_reason_is_needed(solved, officer):
    call, applications, reviewers = solved
    publish_assignments(call=call, actor=officer)
    assignment = Assignment.objects.filter(call=call).first()
    other = next(p for p in reviewers if p != assignment.reviewer)
    with pytest.raises(ValidationError):
        decline_assignment(assignment=assignment, user=reviewer_user(other), reason="No")
    with pytest.raises(ValidationError):
        decline_assignment(
            assignment=assignment, user=reviewer_user(assignment.reviewer), reason=" "
        )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PUBLISHED
    assert AssignmentRun.objects.filter(call=call).count() == 1


def test_invitation_state_matters_for_the_pool():
    call = CallFactory(reviewers_per_application=2)
    eligible(call, 1)
    make_pool(call, ["GB", "KR"])
    ReviewerInvitationFactory(
        call=call, state=InvitationState.DECLINED, person=make_researcher("KR")
    )
    _instance, _apps, reviewers = build_instance(call)
    assert len(reviewers) == 2


def test_the_reason_is_worded_from_the_core_kind_and_params_in_korean(
    officer, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from accord.directory.enums import Country

    call = CallFactory(reviewers_per_application=2)
    eligible(call, 1)
    make_pool(call, ["GB", "GB", "GB"])
    with translation.override("ko"):
        failed = run(call, officer, django_capture_on_commit_callbacks)
        korea = str(Country("KR").label)
    assert korea != "Republic of Korea"
    assert failed.message == (
        f"모든 신청서에 {korea} 심사위원이 필요하지만 심사위원단에 {korea} 심사위원이 없습니다"
    )


def test_a_rule_broken_by_hand_is_refused_in_korean(solved, officer):
    from django.utils import translation

    call, applications, reviewers = solved
    before = pairs_of(call)
    spare = next(p for p in reviewers if (applications[0].reference, p.name_en) not in before)
    with translation.override("ko"), pytest.raises(ValidationError) as refused:
        set_assignment_by_hand(
            call=call, application=applications[0], reviewer=spare, assign=True, actor=officer
        )
    (message,) = refused.value.messages
    assert f"신청서 {applications[0].reference}의 심사위원이 k = 2명이 아니라 3명입니다" in message
