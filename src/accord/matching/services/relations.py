"""Declared relations and conflicts named by applicants: the data conflict detection reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot
from accord.directory.models import Person
from accord.matching.models import NamedConflict, Relation


def declare_relation(
    *, person_a: Person, person_b: Person, kind: str, ended: dt.date | None, actor: Any
) -> Relation:
    with transaction.atomic():
        relation, created = Relation.objects.get_or_create(
            person_a=person_a, person_b=person_b, kind=kind, defaults={"ended": ended}
        )
        if created:
            log_action(
                actor=actor, action=AuditAction.CREATE, instance=relation, after=snapshot(relation)
            )
        elif relation.ended != ended:
            before = relation.ended
            relation.ended = ended
            relation.save(update_fields=["ended", "updated_at"])
            log_action(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=relation,
                before={"ended": before},
                after={"ended": ended},
            )
        return relation


def name_conflict(*, application: Any, person: Person, reason: str, actor: Any) -> NamedConflict:
    with transaction.atomic():
        named, created = NamedConflict.objects.get_or_create(
            application=application, person=person, defaults={"reason": reason}
        )
        if created:
            log_action(
                actor=actor, action=AuditAction.CREATE, instance=named, after=snapshot(named)
            )
        return named
