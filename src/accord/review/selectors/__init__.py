"""Who sees what in review. Protected objects come only through these selectors, so an
application a reviewer or panel member may not see is simply not found (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accord.accounts.rules import person_id_of
from accord.applications.models import Application, TeamMember
from accord.matching.models import Conflict
from accord.programmes.models import Call
from accord.review.enums import AssignmentState
from accord.review.models import Assignment


def reviewer_assignments(user: Any) -> QuerySet[Assignment]:
    """The user's published assignments (whether or not they have declared yet)."""
    pid = person_id_of(user)
    if pid is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        reviewer_id=pid, state=AssignmentState.PUBLISHED
    ).select_related("application__call", "call")


def open_assignments(user: Any) -> QuerySet[Assignment]:
    """Assignments whose application the reviewer may read: declared free of conflict, and no
    conflict detected from data."""
    hard = Conflict.objects.filter(
        application_id=OuterRef("application_id"),
        reviewer_id=OuterRef("reviewer_id"),
        severity="hard",
    )
    return reviewer_assignments(user).filter(declaration__has_conflict=False).exclude(Exists(hard))


def panel_calls(user: Any) -> QuerySet[Call]:
    pid = person_id_of(user)
    if pid is None:
        return Call.objects.none()
    return Call.objects.filter(panel__id=pid)


def panel_applications(user: Any, call: Call) -> QuerySet[Application]:
    """The applications of a call a panel member may see: not their own, no conflict with them."""
    pid = person_id_of(user)
    if pid is None or not call.panel.filter(pk=pid).exists():
        return Application.objects.none()
    conflicted = Conflict.objects.filter(application_id=OuterRef("pk"), reviewer_id=pid).filter(
        Q(severity="hard") | Q(severity="declare")
    )
    own = TeamMember.objects.filter(application_id=OuterRef("pk"), person_id=pid)
    declared = Assignment.objects.filter(
        application_id=OuterRef("pk"), reviewer_id=pid, declaration__has_conflict=True
    )
    return (
        Application.objects.filter(call=call)
        .exclude(Exists(conflicted))
        .exclude(Exists(own))
        .exclude(Exists(declared))
    )
