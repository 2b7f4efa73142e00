"""Background tasks: thin — take ids, load, call one service.

A run is three kinds of task (see ``services/runs.py``): ``run_matching`` plans it and enqueues
one ``embed_chunk`` per chunk of texts; the last chunk enqueues ``finish_matching``.
"""

from django_tasks import task

from accord.matching.models import MatchRun


@task()
def run_matching(*, run_id: int) -> str:
    from accord.matching.services.runs import plan_match_run

    run = plan_match_run(run=MatchRun.objects.select_related("call").get(pk=run_id))
    return str(run.state)


@task()
def embed_chunk(*, run_id: int, model: str, texts: list[str]) -> int:
    from accord.matching.services.runs import embed_match_chunk

    return embed_match_chunk(run_id=run_id, model=model, texts=texts)


@task()
def finish_matching(*, run_id: int) -> str:
    from accord.matching.services.runs import finish_match_run

    run = finish_match_run(run=MatchRun.objects.select_related("call").get(pk=run_id))
    return str(run.state)
