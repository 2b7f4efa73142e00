"""Background tasks: thin — take ids, load, call one service.

A run is three kinds of task (see ``services/runs.py``): ``run_matching`` plans it and enqueues
one ``embed_chunk`` per chunk of texts; the last chunk enqueues ``finish_matching``. Each keeps
the run's heartbeat while it works and does nothing for a run already finished or failed
(``accord.common.services.runs.working_on``), so a task delivered twice is harmless.
"""

from django_tasks import task

from accord.common.services.runs import fail_run, working_on
from accord.matching.models import MatchRun


@task()
def run_matching(*, run_id: int) -> str:
    from accord.matching.services.runs import plan_match_run

    with working_on(MatchRun, run_id) as active:
        if not active:
            return "skipped"
        try:
            run = plan_match_run(run=MatchRun.objects.select_related("call").get(pk=run_id))
        except Exception as error:
            fail_run(MatchRun, run_id, error)
            raise
    return str(run.state)


@task()
def embed_chunk(*, run_id: int, model: str, texts: list[str]) -> int:
    from accord.matching.services.runs import embed_match_chunk

    with working_on(MatchRun, run_id, first=False) as active:
        if not active:
            return 0
        return embed_match_chunk(run_id=run_id, model=model, texts=texts)


@task()
def finish_matching(*, run_id: int) -> str:
    from accord.matching.services.runs import finish_match_run

    with working_on(MatchRun, run_id, first=False) as active:
        if not active:
            return "skipped"
        try:
            run = finish_match_run(run=MatchRun.objects.select_related("call").get(pk=run_id))
        except Exception as error:
            fail_run(MatchRun, run_id, error)
            raise
    return str(run.state)
