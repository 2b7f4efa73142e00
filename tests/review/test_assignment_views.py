"""The officers' assignment page: who may see it (everyone but the call's officers gets 404), runs
with progress and certificate, failures in words, inspection tables with warnings, hand changes
with errors shown, publication; the reviewer's decline; flat query counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accord.applications.enums import ApplicationState
from accord.matching.models import AffinityScore
from accord.review.enums import AssignmentState
from accord.review.models import Assignment, AssignmentRun
from accord.review.services.assignment import compute_assignment, publish_assignments
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    make_applicant,
    make_joint_application,
    make_officer,
)
from tests.factories.review import AssignmentFactory, make_pool

pytestmark = pytest.mark.django_db


def build(n_applications=3):
    call = CallFactory(reviewers_per_application=2)
    applications = [
        make_joint_application(
            call=call,
            state=ApplicationState.ELIGIBLE,
            reference=f"APP-{i + 1}",
            title_en=f"Project {i + 1}",
        )
        for i in range(n_applications)
    ]
    reviewers = make_pool(call, ["GB", "GB", "KR", "KR"], max_load=3)
    for i, application in enumerate(applications):
        for j, person in enumerate(reviewers):
            AffinityScore.objects.create(
                call=call,
                application=application,
                reviewer=person,
                score=((i + 1) * (j + 2)) % 7 / 7,
            )
    return call, applications, reviewers


@pytest.fixture
def setup():
    return build()


@pytest.fixture
def officer(setup):
    call, _apps, _people = setup
    return make_officer(call.sides.get(country="GB").funder)


def page(call):
    return reverse("review_assign:assignment", args=[call.slug])


def solve_now(call, officer):
    return compute_assignment(run=AssignmentRun.objects.create(call=call, created_by=officer))


# --- who may see it ------------------------------------------------------------------------------


def user_for(who, call, applications, reviewers):
    if who == "own_officer":
        return make_officer(call.sides.get(country="GB").funder)
    if who == "korean_officer":
        return make_officer(call.sides.get(country="KR").funder)
    if who == "other_officer":
        return make_officer(CallFactory().sides.first().funder)
    if who == "reviewer":
        return UserFactory(person=reviewers[0])
    if who == "applicant":
        return make_applicant(person=applications[0].members.first().person)
    return None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("own_officer", 200),
        ("korean_officer", 200),
        ("other_officer", 404),
        ("reviewer", 404),
        ("applicant", 404),
        ("anonymous", 302),
    ],
)
def test_permission_matrix(client, setup, who, status):
    call, applications, reviewers = setup
    run = solve_now(call, None)
    user = user_for(who, call, applications, reviewers)
    if user is not None:
        client.force_login(user)
    progress = reverse("review_assign:progress", args=[call.slug, run.pk])
    pool = reverse("review_assign:pool", args=[call.slug])
    for url in (page(call), progress, pool):
        response = client.get(url)
        assert response.status_code == status
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    if status != 200:
        before = set(Assignment.objects.values_list("pk", "state"))
        for name in ("assignment", "hand", "publish"):
            url = reverse(f"review_assign:{name}", args=[call.slug])
            assert client.post(url, {"mode": "total"}).status_code == status
        assert AssignmentRun.objects.count() == 1
        assert set(Assignment.objects.values_list("pk", "state")) == before


# --- runs ----------------------------------------------------------------------------------------


def test_officer_runs_the_assignment_and_reads_the_certificate(
    client, setup, officer, django_capture_on_commit_callbacks
):
    call, applications, _reviewers = setup
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(call), {"mode": "total"})
    assert response.status_code == 302
    run = AssignmentRun.objects.get(call=call)
    assert run.state == "done"

    html = client.get(page(call)).content.decode()
    assert "Total expertise (objective)" in html
    assert f"{run.objective:.6f}" in html
    assert Assignment.objects.filter(call=call).count() == 6
    fragment = client.get(
        reverse("review_assign:progress", args=[call.slug, run.pk]), HTTP_HX_REQUEST="true"
    )
    assert "hx-trigger" not in fragment.content.decode()
    assert fragment["HX-Refresh"] == "true"


def test_a_queued_run_is_polled(client, setup, officer):
    call, _apps, _people = setup
    run = AssignmentRun.objects.create(call=call, state="queued")
    client.force_login(officer)
    html = client.get(reverse("review_assign:progress", args=[call.slug, run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "Waiting to start" in html


def test_a_failed_run_shows_why(client, officer, setup):
    call, applications, reviewers = setup
    for person in reviewers[2:]:  # no Korean reviewer left in the pool
        person.review_invitations.update(state="declined")
    solve_now(call, officer)
    client.force_login(officer)
    html = client.get(page(call)).content.decode()
    assert "No assignment satisfies every rule:" in html
    message = (
        "every application needs a Republic of Korea reviewer, but no Republic of Korea "
        "reviewer is in the pool"
    )
    assert AssignmentRun.objects.get(call=call).message == message
    assert message in html


def test_an_unknown_mode_is_refused(client, setup, officer):
    call, _apps, _people = setup
    client.force_login(officer)
    assert client.post(page(call), {"mode": "random"}).status_code == 400
    assert AssignmentRun.objects.count() == 0


# --- inspection ----------------------------------------------------------------------------------


def test_tables_show_reviewers_with_country_and_affinity_and_warn_of_a_missing_side(
    client, setup, officer
):
    call, applications, reviewers = setup
    gb1, gb2, kr1, _kr2 = reviewers
    AssignmentFactory(application=applications[0], reviewer=gb1, affinity=0.25)
    AssignmentFactory(application=applications[0], reviewer=gb2, affinity=0.5)
    AssignmentFactory(application=applications[1], reviewer=kr1, affinity=0.75)
    client.force_login(officer)
    response = client.get(page(call))
    rows = {r["application"].reference: r for r in response.context["rows"]}
    assert [str(c) for c in rows["APP-1"]["missing"]] == ["Republic of Korea"]
    assert rows["APP-1"]["short"] is False
    assert [str(c) for c in rows["APP-2"]["missing"]] == ["United Kingdom"]
    assert rows["APP-2"]["short"] is True
    assert rows["APP-3"]["missing"] == [] and rows["APP-3"]["short"] is True
    html = response.content.decode()
    assert "No reviewer from Republic of Korea" in html
    assert "affinity 0.750" in html
    loads = {inv.person_id: inv.load for inv in response.context["pool"]}
    assert loads == {gb1.pk: 1, gb2.pk: 1, kr1.pk: 1, reviewers[3].pk: 0}


@pytest.mark.parametrize("n", [1, 3])
def test_inspection_page_query_count_is_flat(client, n, django_assert_num_queries):
    call, _apps, _people = build(n)
    officer = make_officer(call.sides.get(country="GB").funder)
    solve_now(call, officer)
    assert Assignment.objects.filter(call=call).count() == 2 * n
    client.force_login(officer)
    with django_assert_num_queries(12):
        assert client.get(page(call)).status_code == 200


# --- by hand and publication ---------------------------------------------------------------------


def test_a_refused_hand_change_shows_the_reason_keeps_the_choice_and_changes_nothing(
    client, setup, officer
):
    call, applications, reviewers = setup
    solve_now(call, officer)
    before = set(Assignment.objects.values_list("application_id", "reviewer_id"))
    spare = next(p for p in reviewers if (applications[0].pk, p.pk) not in before)
    client.force_login(officer)
    response = client.post(
        reverse("review_assign:hand", args=[call.slug]),
        {"application": applications[0].pk, "action": "add", "reviewer": spare.pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "application APP-1 has 3 reviewers, not k = 2" in html
    assert f'<option value="{spare.pk}" selected>' in html
    assert set(Assignment.objects.values_list("application_id", "reviewer_id")) == before


def test_a_valid_swap_by_hand_is_made(client, setup, officer):
    call, applications, reviewers = setup
    solve_now(call, officer)
    current = Assignment.objects.get(application=applications[0], reviewer__country="KR")
    other = next(p for p in reviewers[2:] if p != current.reviewer)
    assert Assignment.objects.filter(reviewer=other).count() < 3  # room for one more
    client.force_login(officer)
    response = client.post(
        reverse("review_assign:hand", args=[call.slug]),
        {
            "application": applications[0].pk,
            "action": "add",
            "reviewer": other.pk,
            "instead_of": current.reviewer_id,
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get(application=applications[0], reviewer=other).by_hand is True
    assert not Assignment.objects.filter(pk=current.pk).exists()


def test_officer_publishes_from_the_page(
    client, setup, officer, django_capture_on_commit_callbacks
):
    call, applications, reviewers = setup
    for person in reviewers:
        person.email = f"{person.slug}@example.org"
        person.save()
    solve_now(call, officer)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review_assign:publish", args=[call.slug]))
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("state", flat=True)) == {AssignmentState.PUBLISHED}
    assert {a.state for a in type(applications[0]).objects.filter(call=call)} == {
        ApplicationState.IN_REVIEW
    }
    assert len(mail.outbox) == len({a.reviewer_id for a in Assignment.objects.all()})


def test_publishing_an_incomplete_assignment_shows_the_rules_it_breaks(client, setup, officer):
    call, applications, reviewers = setup
    AssignmentFactory(application=applications[0], reviewer=reviewers[0])
    client.force_login(officer)
    response = client.post(reverse("review_assign:publish", args=[call.slug]))
    assert response.status_code == 400
    assert "Not published; the assignment breaks these rules:" in response.content.decode()
    assert Assignment.objects.get().state == AssignmentState.PROPOSED


# --- the reviewer's decline ----------------------------------------------------------------------


def test_reviewer_declines_from_their_page_and_is_replaced(
    client, setup, officer, django_capture_on_commit_callbacks
):
    call, applications, reviewers = setup
    solve_now(call, officer)
    publish_assignments(call=call, actor=officer)
    assignment = Assignment.objects.filter(call=call).first()
    client.force_login(UserFactory(person=assignment.reviewer))
    listed = client.get(reverse("review_assign:invitations")).context["assignments"]
    assert [a for a, _form in listed] == list(
        Assignment.objects.filter(reviewer=assignment.reviewer).order_by("application__reference")
    )
    url = reverse("review_assign:decline", args=[assignment.pk])
    assert client.post(url, {f"a{assignment.pk}-reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(url, {f"a{assignment.pk}-reason": "On leave"}).status_code == 302
    # the request only queued the re-solve; the officers' page shows it waiting
    run = AssignmentRun.objects.filter(call=call).latest("pk")
    assert run.state == "queued"
    assert not Assignment.objects.filter(run=run).exists()
    for callback in callbacks:  # the background worker
        callback()
    run.refresh_from_db()
    assert (run.state, run.moved) == ("done", 1)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLINED
    assert (
        Assignment.objects.filter(
            application=assignment.application, state=AssignmentState.PUBLISHED
        ).count()
        == 2
    )


def test_nobody_else_can_decline_an_assignment(client, setup, officer):
    call, applications, reviewers = setup
    solve_now(call, officer)
    publish_assignments(call=call, actor=officer)
    assignment = Assignment.objects.filter(call=call).first()
    other = next(p for p in reviewers if p != assignment.reviewer)
    client.force_login(UserFactory(person=other))
    url = reverse("review_assign:decline", args=[assignment.pk])
    assert client.post(url, {f"a{assignment.pk}-reason": "x"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PUBLISHED
