"""Award letters: one PDF per language, written in the background with WeasyPrint.

The letter is an HTML template per language (``decisions/letters/award_<language>.html``; the
Korean one is set in Nanum Gothic), rendered to PDF and stored as a private file of the Letter
row, with the text that was rendered (for checking). A letter that fails to render is marked
failed with the reason and is never offered for download.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.common.tasking import enqueue_on_commit
from accord.decisions.enums import LetterState
from accord.decisions.models import Award, Letter
from accord.decisions.selectors.letters import letter_context, letter_text

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ko")


def request_letters(*, award: Award, actor: Any) -> list[Letter]:
    """A pending letter per language; each is written by a background task after commit."""
    with transaction.atomic():
        letters = [Letter.objects.create(award=award, language=lang) for lang in LANGUAGES]
        for letter in letters:
            log_action(
                actor=actor,
                action=AuditAction.CREATE,
                instance=letter,
                after={"award": award.pk, "language": letter.language},
            )
        for letter in letters:
            enqueue_on_commit("accord.decisions.tasks.render_award_letter", letter_id=letter.pk)
    return letters


def render_letter(*, letter: Letter) -> Letter:
    """Render the letter to PDF and store it (state ready), or mark it failed with the reason."""
    try:
        from weasyprint import HTML

        with translation.override(letter.language):
            html = render_to_string(
                f"decisions/letters/award_{letter.language}.html",
                letter_context(letter.award, letter.language),
            )
        pdf = HTML(string=html).write_pdf()
    except Exception as error:  # any failure: the letter must never be offered half-written
        log.exception("letter %s failed", letter.pk)
        with transaction.atomic():
            letter.state = LetterState.FAILED
            letter.message = f"{type(error).__name__}: {error}"[:2000]
            letter.save(update_fields=["state", "message", "updated_at"])
            log_action(
                actor=None,
                action=AuditAction.UPDATE,
                instance=letter,
                after={"state": letter.state, "message": letter.message},
            )
        return letter
    with transaction.atomic():
        name = f"{letter.award.reference}-{letter.language}-{letter.pk}.pdf"
        letter.file.save(name, ContentFile(pdf), save=False)
        letter.text = letter_text(html)
        letter.state = LetterState.READY
        letter.message = ""
        letter.save(update_fields=["file", "text", "state", "message", "updated_at"])
        log_action(
            actor=None,
            action=AuditAction.UPDATE,
            instance=letter,
            after={"state": letter.state, "file": letter.file.name},
        )
    return letter
