"""Background tasks: thin — take ids, load, call one service.

Each keeps its run's heartbeat while it works and does nothing for a run already finished or
failed (``accord.common.services.runs.working_on``), so a task delivered twice is harmless.
"""

from django_tasks import task

from accord.common.services.runs import fail_run, working_on
from accord.review.models import AssignmentRun


@task()
def run_assignment(*, run_id: int) -> str:
    from accord.review.services.assignment import compute_assignment

    with working_on(AssignmentRun, run_id) as active:
        if not active:
            return "skipped"
        try:
            run = compute_assignment(
                run=AssignmentRun.objects.select_related("call").get(pk=run_id)
            )
        except Exception as error:
            fail_run(AssignmentRun, run_id, error)
            raise
    return str(run.state)


@task()
def resolve_decline(*, run_id: int, assignment_id: int, base_url: str = "") -> str:
    from accord.review.models import Assignment
    from accord.review.services.assignment import resolve_after_decline

    run = resolve_after_decline(
        run=AssignmentRun.objects.select_related("call", "created_by").get(pk=run_id),
        assignment=Assignment.objects.get(pk=assignment_id),
        base_url=base_url,
    )
    return str(run.state)
