"""The panel: calibrated ranking of a call's applications, and the panel's moderated scores.

The ranking is the encoder around ``accord.core.calibration``: every submitted review of the call
becomes one (application, reviewer, score) triple, where the score is the review's weighted total
on the call's own scale; ``calibrate`` corrects each reviewer's leniency or severity and gives
each application a calibrated score with a 95 % interval; ``rank_in_bands`` orders them, groups
into merit bands those the reviews cannot tell apart, and flags only exactly equal scores as
tied. Where the panel has recorded a moderated score, that score decides the application's place
(a panel decision carries no interval).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.applications.models import Application
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit
from accord.programmes.models import Call
from accord.review.models import PanelNote
from accord.review.selectors.panel import (
    may_moderate,
)
from accord.review.services.reviews import ReviewError


def record_panel_note(
    *, application: Application, user: Any, moderated_score: Decimal | None, notes: str = ""
) -> PanelNote:
    """The panel's moderated score (on the call's scale, or none) and notes for one application."""
    call = application.call
    if not may_moderate(user, application):
        raise ReviewError(_("You are not on this application's panel."), code="not_panel")
    if moderated_score is not None and not (call.score_min <= moderated_score <= call.score_max):
        raise ReviewError(
            {
                "moderated_score": [
                    _("Give a score from %(min)s to %(max)s.")
                    % {"min": call.score_min, "max": call.score_max}
                ]
            }
        )
    with transaction.atomic():
        note = PanelNote.objects.select_for_update().filter(application=application).first()
        note = note or PanelNote(application=application)
        try:
            note, _changed = save_with_audit(
                note,
                actor=user,
                values={
                    "moderated_score": moderated_score,
                    "notes": (notes or "").strip(),
                    "updated_by": user,
                },
            )
        except ValidationError as exc:
            raise ReviewError(exc.message_dict) from exc
        return note  # type: ignore[return-value]


def add_panel_members(*, call: Call, people: Iterable[Any], actor: Any) -> list[Any]:
    """Put ``people`` (directory persons) on the call's panel; audited. Returns those added."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        before = set(locked.panel.values_list("pk", flat=True))
        added = list({p.pk: p for p in people if p.pk not in before}.values())
        if added:
            locked.panel.add(*added)
            log_action(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=locked,
                before={"panel": sorted(before)},
                after={"panel": sorted(before | {p.pk for p in added})},
            )
        return added
