"""Background tasks: thin — take ids, load, call one service.

A letter task delivered twice (a worker requeues the task an outage interrupted) renders once:
a letter that is no longer pending is left as it is. A scenario task keeps its run's heartbeat
while it solves and does nothing for a run already finished or failed
(``accord.common.services.runs.working_on``).
"""

from django_tasks import task

from accord.common.services.runs import fail_run, working_on
from accord.decisions.enums import LetterState
from accord.decisions.models import Letter, Scenario


@task()
def render_award_letter(*, letter_id: int) -> str:
    from accord.decisions.services.letters import render_letter

    letter = Letter.objects.select_related("award__application__call__programme").get(pk=letter_id)
    if letter.state != LetterState.PENDING:
        return str(letter.state)
    return str(render_letter(letter=letter).state)


@task()
def solve_scenario(*, run_id: int) -> str:
    from accord.decisions.services.portfolio import compute_scenario

    with working_on(Scenario, run_id) as active:
        if not active:
            return "skipped"
        try:
            run = compute_scenario(
                run=Scenario.objects.select_related("call", "base").get(pk=run_id)
            )
        except Exception as error:
            fail_run(Scenario, run_id, error)
            raise
    return str(run.state)
