"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task

from accord.applications.models import EligibilityRun
from accord.common.services.runs import fail_run, working_on


@task()
def recompute_eligibility(*, run_id: int) -> str:
    """Recompute a call's stored eligibility (``services.eligibility_store.recompute_call``)."""
    from accord.applications.services.eligibility_store import recompute_call

    with working_on(EligibilityRun, run_id) as active:
        if not active:
            return "skipped"
        try:
            run = recompute_call(run=EligibilityRun.objects.get(pk=run_id))
        except Exception as error:
            fail_run(EligibilityRun, run_id, error)
            raise
    return str(run.state)
