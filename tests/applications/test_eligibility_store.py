"""Stored automatic eligibility: written when an application is submitted (and for the other
applications of its people), recomputed in the background when a rule changes, and counted by
the dashboard from SQL with overrides applied — always equal to evaluating every application."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accord.applications.enums import ApplicationState
from accord.applications.models import (
    Application,
    EligibilityEvaluation,
    EligibilityRun,
    RuleOutcome,
)
from accord.applications.selectors.eligibility import evaluate_application
from accord.applications.selectors.officer import CHECKED_STATES
from accord.applications.services.checks import override_eligibility
from accord.applications.services.eligibility_store import eligibility_summary
from accord.applications.services.lifecycle import transition_application
from accord.common.models import RunState
from accord.programmes.services.calls import delete_rule, set_rule
from tests.applications.conftest import CLOSES, make_researcher, officer_of, ready_application
from tests.factories.applications import make_joint_application

pytestmark = pytest.mark.django_db


def live_counts(call) -> dict[str, tuple[int, int]]:
    """What the dashboard used to do on every request: evaluate every checked application."""
    passed, failed = Counter(), Counter()
    for application in Application.objects.filter(call=call, state__in=CHECKED_STATES):
        for line in evaluate_application(application):
            (passed if line.passed else failed)[line.key] += 1
    return {key: (passed[key], failed[key]) for key in {*passed, *failed}}


def stored_counts(call) -> dict[str, tuple[int, int]]:
    summary = eligibility_summary(call, list(call.rules.all()))
    return {row["rule"].key: (row["passed"], row["failed"]) for row in summary["rows"]}


def submit(application, actor):
    return transition_application(
        application=application, to=ApplicationState.SUBMITTED, actor=actor, now=CLOSES
    )


def test_submission_stores_the_automatic_result(call, uk_lead, kr_lead):
    application = submit(ready_application(call, uk_lead, kr_lead), uk_lead)
    evaluation = EligibilityEvaluation.objects.get(application=application)
    lines = evaluate_application(application)
    assert evaluation.passed is all(line.passed for line in lines)
    assert {o.rule_key: o.passed for o in evaluation.outcomes.all()} == {
        line.key: line.passed for line in lines
    }
    assert stored_counts(call) == live_counts(call)


def test_a_second_application_of_the_same_person_recounts_the_first(call, funding):
    lead = make_researcher(country="GB", org="imperial")
    first = make_joint_application(call=call, state=ApplicationState.SUBMITTED, gb_lead=lead.person)
    assert stored_counts(call)["one-per-person"] == (1, 0)
    make_joint_application(call=call, state=ApplicationState.SUBMITTED, gb_lead=lead.person)
    assert stored_counts(call)["one-per-person"] == (0, 2)
    assert stored_counts(call) == live_counts(call)
    assert first.eligibility_evaluation.passed is False


def test_overrides_are_applied_when_counting(call, funding):
    officer = officer_of("royal-society")
    application = make_joint_application(call=call, state=ApplicationState.SUBMITTED)
    failing = [line.key for line in evaluate_application(application) if not line.passed]
    assert "budgets" in failing  # no budget lines
    override_eligibility(
        application=application, rule_key="budgets", passed=True, reason="agreed", actor=officer
    )
    assert stored_counts(call)["budgets"] == (1, 0)
    assert stored_counts(call) == live_counts(call)


# Rules of one side change by that side's funder's officer alone (issue 9); rules of both sides
# need both funders, so these tests change a UK-side rule as the Royal Society's officer.
UK_RULE = {
    "key": "max-request-uk-again",
    "kind": "max_request",
    "params": {"country": "GB", "amount": "1000", "currency": "GBP"},
}


def test_a_rule_change_recomputes_the_call_in_the_background(
    call, funding, django_capture_on_commit_callbacks
):
    officer = officer_of("royal-society")
    for _ in range(3):
        make_joint_application(call=call, state=ApplicationState.SUBMITTED, budget={"GB": 100})
    make_joint_application(call=call)  # a draft is never stored
    with django_capture_on_commit_callbacks(execute=True):
        set_rule(call=call, actor=officer, **UK_RULE)  # a UK-side rule: the UK funder's alone
    run = EligibilityRun.objects.get(call=call)
    assert (run.state, run.done, run.total) == (RunState.DONE, 3, 3)
    assert stored_counts(call)["max-request-uk-again"] == (3, 0)
    assert stored_counts(call) == live_counts(call)
    with django_capture_on_commit_callbacks(execute=True):
        delete_rule(rule=call.rules.get(key="hosts-uk"), actor=officer)
    assert EligibilityRun.objects.filter(call=call).count() == 2
    assert "hosts-uk" not in stored_counts(call)
    assert EligibilityEvaluation.objects.filter(application__call=call).count() == 3


def test_with_the_worker_queue_the_page_shows_the_recompute_in_progress(
    client, call, funding, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    officer = officer_of("royal-society")
    make_joint_application(call=call, state=ApplicationState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        set_rule(call=call, actor=officer, **UK_RULE)  # a UK-side rule: the UK funder's alone
    run = EligibilityRun.objects.get(call=call)
    assert run.state == RunState.QUEUED
    assert DBTaskResult.objects.filter(
        task_path="accord.applications.tasks.recompute_eligibility",
        args_kwargs__kwargs__run_id=run.pk,
    ).exists()
    client.force_login(officer)
    html = client.get(reverse("manage:call", args=[call.slug])).content.decode()
    assert "The results are being recomputed after a change to the rules" in html


def test_the_officer_may_recompute_and_others_get_404(
    client, call, funding, django_capture_on_commit_callbacks
):
    make_joint_application(call=call, state=ApplicationState.SUBMITTED)
    EligibilityEvaluation.objects.all().delete()
    url = reverse("manage:call", args=[call.slug])
    client.force_login(make_researcher(country="GB", org="imperial"))
    assert client.post(url).status_code == 404
    client.force_login(officer_of("nrf"))
    page = client.get(url).content.decode()
    assert "1 application has no stored result yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert EligibilityEvaluation.objects.filter(application__call=call).count() == 1
    assert not EligibilityRun.objects.exclude(state=RunState.DONE).exists()


@pytest.mark.parametrize("n", [1, 3])
def test_the_summary_query_count_is_flat(call, funding, n):
    for _ in range(n):
        make_joint_application(call=call, state=ApplicationState.SUBMITTED, budget={"GB": 1})
    rules = list(call.rules.all())
    with CaptureQueriesContext(connection) as ctx:
        summary = eligibility_summary(call, rules)
    assert summary["count"] == n
    # counts by state (with stored and problem counts), outcomes per rule, overrides, the run
    assert len(ctx.captured_queries) == 4


def test_a_recompute_whose_worker_died_is_shown_failed_with_a_retry(client, call, funding):
    import datetime as dt

    from django.utils import timezone

    make_joint_application(call=call, state=ApplicationState.SUBMITTED)
    EligibilityRun.objects.create(
        call=call,
        state=RunState.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        total=1,
    )
    client.force_login(officer_of("royal-society"))
    html = client.get(reverse("manage:call", args=[call.slug])).content.decode()
    assert "Recomputing the results after a change to the rules failed:" in html
    assert "The background worker stopped working on this run" in html
    assert "Recompute the eligibility results" in html


def test_the_dashboard_lists_what_could_not_be_checked(client, call, funding):
    fine = make_joint_application(call=call, state=ApplicationState.SUBMITTED, reference="A-1")
    broken = make_joint_application(call=call, state=ApplicationState.SUBMITTED, reference="A-2")
    # what store_evaluations records when the rules cannot be evaluated: a problem, no outcome
    EligibilityEvaluation.objects.filter(application=broken).update(
        passed=None, problem="Rule 'budgets' has no maximum."
    )
    RuleOutcome.objects.filter(application=broken).delete()
    summary = eligibility_summary(call, list(call.rules.all()))
    assert [(a.reference, problem) for a, problem in summary["problems"]] == [
        ("A-2", "Rule 'budgets' has no maximum.")
    ]
    assert (summary["count"], summary["not_evaluated"]) == (2, 0)
    client.force_login(officer_of("royal-society"))
    html = client.get(reverse("manage:call", args=[call.slug])).content.decode()
    assert "Could not be checked" in html
    assert f"{fine.reference}</a>" not in html
    assert ">A-2</a>: Rule &#x27;budgets&#x27; has no maximum.</li>" in html
