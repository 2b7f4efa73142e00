"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task

from accord.review.models import AssignmentRun


@task()
def run_assignment(*, run_id: int) -> str:
    from accord.review.services.assignment import compute_assignment

    run = compute_assignment(run=AssignmentRun.objects.select_related("call").get(pk=run_id))
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
