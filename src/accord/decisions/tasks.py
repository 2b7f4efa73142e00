"""Background tasks: thin — take ids, load, call one service.

A letter task delivered twice (a worker requeues the task an outage interrupted) renders once:
a letter that is no longer pending is left as it is.
"""

from django_tasks import task

from accord.decisions.enums import LetterState
from accord.decisions.models import Letter


@task()
def render_award_letter(*, letter_id: int) -> str:
    from accord.decisions.services.letters import render_letter

    letter = Letter.objects.select_related("award__application__call__programme").get(pk=letter_id)
    if letter.state != LetterState.PENDING:
        return str(letter.state)
    return str(render_letter(letter=letter).state)
