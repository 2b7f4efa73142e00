"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task

from accord.matching.models import MatchRun


@task()
def run_matching(*, run_id: int) -> str:
    from accord.matching.services.runs import compute_matching

    run = compute_matching(run=MatchRun.objects.select_related("call").get(pk=run_id))
    return str(run.state)
