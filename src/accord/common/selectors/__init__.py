"""Reads for the audit log, by audience.

An entry is shown to a reader only if they may see the object it is about
(``common.view_audit_entry`` is this query for one entry):

- administrators: every entry (they read everything) except about drafts (the team's own);
- the secretariat: the register (directory, partnerships), programmes and calls, and award-level
  events (awards, their sides, payments, reports, outputs) — not applications, not review;
- a programme officer: the register, and everything about the calls of their own funders (the
  call's settings and rules, its submitted applications, review, decisions and awards);
- anyone else: nothing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from accord.common.models import AuditEntry

REGISTER_APPS = ("directory", "partnerships")
SECRETARIAT_MODELS = (
    "programmes.programme",
    "programmes.programmefunder",
    "programmes.call",
    "programmes.callside",
    "programmes.eligibilityrule",
    "programmes.criterion",
    "decisions.award",
    "decisions.awardside",
    "decisions.payment",
    "decisions.report",
    "decisions.output",
)
# For each model about a call: the lookup from the model to its call ("" for the call itself).
CALL_PATHS = {
    "programmes.call": "",
    "programmes.callside": "call",
    "programmes.eligibilityrule": "call",
    "programmes.criterion": "call",
    "programmes.jointrulechange": "call",
    "applications.application": "call",
    "review.reviewerinvitation": "call",
    "review.assignmentrun": "call",
    "review.assignment": "call",
    "review.conflictdeclaration": "assignment__call",
    "review.review": "assignment__call",
    "review.applicantresponse": "application__call",
    "review.panelnote": "application__call",
    "matching.matchrun": "call",
    "decisions.scenario": "call",
    "decisions.decision": "application__call",
    "decisions.award": "application__call",
    "decisions.awardside": "award__application__call",
    "decisions.payment": "side__award__application__call",
    "decisions.report": "award__application__call",
    "decisions.output": "award__application__call",
    "decisions.letter": "award__application__call",
}
# Applications are private to their team until submitted.
EXTRA = {"applications.application": Q(submitted_at__isnull=False)}


def _content_types(labels: Any) -> dict[str, ContentType]:
    models = [apps.get_model(label) for label in labels]
    found = ContentType.objects.get_for_models(*models)
    return {f"{m._meta.app_label}.{m._meta.model_name}": ct for m, ct in found.items()}


def _ids_of_calls(label: str, calls: QuerySet[Any]) -> QuerySet[Any]:
    model = apps.get_model(label)
    path = CALL_PATHS[label]
    qs = model.objects.filter(**{f"{path}__in" if path else "pk__in": calls})
    if label in EXTRA:
        qs = qs.filter(EXTRA[label])
    return qs.annotate(_audit_id=Cast("pk", CharField())).values("_audit_id")


def audience_condition(user: Any) -> Q:
    """The entries ``user`` may read, as a condition."""
    from accord.accounts.rules import is_administrator, is_officer, is_secretariat

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_administrator(user):  # everything but the drafts, which are private to their team
        from accord.applications.models import Application

        drafts = Application.objects.filter(submitted_at__isnull=True).annotate(
            _audit_id=Cast("pk", CharField())
        )
        return ~Q(
            content_type=ContentType.objects.get_for_model(Application),
            object_id__in=drafts.values("_audit_id"),
        )
    condition = Q(pk__in=[])
    if is_secretariat(user) or is_officer(user):
        condition |= Q(content_type__app_label__in=REGISTER_APPS)
    if is_secretariat(user):
        condition |= Q(content_type__in=list(_content_types(SECRETARIAT_MODELS).values()))
    funders = user.funder_ids()
    if funders:
        from accord.programmes.models import Call

        calls = Call.objects.filter(sides__funder_id__in=funders).values("pk")
        for label, ct in _content_types(CALL_PATHS).items():
            condition |= Q(content_type=ct, object_id__in=_ids_of_calls(label, calls))
    return condition


def visible_models(user: Any) -> QuerySet[ContentType]:
    """The kinds of record a reader may filter the log by (those they may see entries of)."""
    from accord.accounts.rules import is_administrator, is_secretariat

    qs = ContentType.objects.filter(
        app_label__in=[
            "accounts",
            "directory",
            "partnerships",
            "programmes",
            "applications",
            "review",
            "matching",
            "decisions",
        ]
    )
    if is_administrator(user):
        return qs.order_by("app_label", "model")
    labels: set[str] = set()
    if is_secretariat(user):
        labels |= set(SECRETARIAT_MODELS)
    if user.funder_ids():
        labels |= set(CALL_PATHS)
    names = Q(app_label__in=REGISTER_APPS)
    for label in labels:
        app_label, model = label.split(".")
        names |= Q(app_label=app_label, model=model)
    return qs.filter(names).order_by("app_label", "model")


def audit_entries(
    *,
    user: Any = None,
    action: str | None = None,
    model: str | None = None,
    query: str | None = None,
) -> QuerySet[AuditEntry]:
    """The log as ``user`` may read it (``user`` None: the whole log, for the command line)."""
    qs = AuditEntry.objects.select_related("content_type")
    if user is not None:
        qs = qs.filter(audience_condition(user))
    if action:
        qs = qs.filter(action=action)
    if model:
        app_label, _dot, name = model.rpartition(".")
        kinds = visible_models(user) if user is not None else ContentType.objects.all()
        kinds = kinds.filter(model=name, **({"app_label": app_label} if app_label else {}))
        qs = qs.filter(content_type__in=list(kinds))
    if query:
        qs = qs.filter(object_repr__icontains=query)
    return qs.order_by("-at", "-id")


def can_view_entry(user: Any, entry: AuditEntry) -> bool:
    return audit_entries(user=user).filter(pk=entry.pk).exists()
