"""A call's assessment criteria: added, changed, removed and reordered in one save, by the call's
officers, until the first review is submitted (the scores given are on these criteria)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit, snapshot
from accord.programmes.models import Call, Criterion
from accord.programmes.selectors import reviews_submitted


class CriterionRow(TypedDict):
    """One criterion as the officer left it: ``id`` None for a new one."""

    id: int | None
    key: str
    name_en: str
    name_ko: str
    description_en: str
    description_ko: str
    weight: Decimal


def save_criteria(*, call: Call, rows: list[CriterionRow], actor: Any) -> list[Criterion]:
    """Make ``call``'s criteria exactly ``rows``, in this order (``order`` 0, 1, ...).

    Criteria not in ``rows`` are deleted; an existing criterion keeps its key (the reviews' scores
    are stored under it). Validates: at least one criterion, keys unique, weights not negative
    and not all 0, ids of this call. Refused (``ValidationError``, code ``reviews_submitted``)
    once a review of the call has been submitted; only the call's officers (403). Every
    creation, change and deletion goes to the audit log, in one transaction.
    """
    require(
        actor,
        "programmes.change_call",
        call,
        _("Only an officer of this call's funders changes its criteria."),
    )
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if reviews_submitted(locked):
            raise ValidationError(
                _(
                    "Reviews of this call have been submitted on these criteria, so they can no "
                    "longer change."
                ),
                code="reviews_submitted",
            )
        existing = {c.pk: c for c in Criterion.objects.filter(call=locked)}
        _check_rows(rows, existing)
        kept = {row["id"] for row in rows if row["id"] is not None}
        for pk, criterion in existing.items():
            if pk not in kept:
                log_action(
                    actor=actor,
                    action=AuditAction.DELETE,
                    instance=criterion,
                    before=snapshot(criterion),
                )
                criterion.delete()
        saved = []
        for order, row in enumerate(rows):
            instance = (
                existing[row["id"]]
                if row["id"] is not None
                else Criterion(call=locked, key=row["key"])
            )
            obj, _written = save_with_audit(
                instance,
                actor=actor,
                values={
                    "name_en": row["name_en"],
                    "name_ko": row["name_ko"],
                    "description_en": row["description_en"],
                    "description_ko": row["description_ko"],
                    "weight": row["weight"],
                    "order": order,
                },
            )
            assert isinstance(obj, Criterion)
            saved.append(obj)
        return saved


def _check_rows(rows: list[CriterionRow], existing: dict[int, Criterion]) -> None:
    if not rows:
        raise ValidationError(_("A call needs at least one criterion."), code="no_criteria")
    unknown = [row["id"] for row in rows if row["id"] is not None and row["id"] not in existing]
    if unknown:
        raise ValidationError(_("A criterion of another call was sent."), code="unknown_criterion")
    keys = [existing[row["id"]].key if row["id"] is not None else row["key"] for row in rows]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValidationError(
            _("Each criterion needs its own key; used more than once: %(keys)s.")
            % {"keys": ", ".join(duplicates)},
            code="duplicate_key",
        )
    if any(row["weight"] < 0 for row in rows):
        raise ValidationError(_("A weight cannot be negative."), code="negative_weight")
    if all(row["weight"] == 0 for row in rows):
        raise ValidationError(_("At least one criterion needs a weight above 0."), code="no_weight")
