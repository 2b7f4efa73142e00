"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task

from accord.review.models import AssignmentRun


@task()
def run_assignment(*, run_id: int) -> str:
    from accord.review.services.assignment import compute_assignment

    run = compute_assignment(run=AssignmentRun.objects.select_related("call").get(pk=run_id))
    return str(run.state)
