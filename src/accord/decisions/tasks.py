"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task

from accord.decisions.models import Letter


@task()
def render_award_letter(*, letter_id: int) -> str:
    from accord.decisions.services.letters import render_letter

    letter = render_letter(
        letter=Letter.objects.select_related("award__application__call__programme").get(
            pk=letter_id
        )
    )
    return str(letter.state)
