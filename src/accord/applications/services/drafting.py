"""Start and edit an application. Every change bumps the version, which voids earlier sign-offs."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.applications.enums import EDITABLE_STATES, ApplicationState, MemberRole
from accord.applications.errors import ApplicationError, ConcurrentEditError
from accord.applications.models import Application, TeamMember
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot
from accord.programmes.models import Call

EDITABLE_FIELDS = (
    "title_en",
    "summary_en",
    "title_ko",
    "summary_ko",
    "case_for_support",
    "keywords",
    "duration_months",
)


def call_is_open(call: Call, now: Any = None) -> bool:
    now = now or timezone.now()
    return call.published and call.opens_at <= now <= call.closes_at


def lock_for_edit(application: Application, *, expected_version: int | None) -> Application:
    """Lock the row; refuse if it is not editable or changed since ``expected_version``."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in EDITABLE_STATES:
        raise ApplicationError(
            _("This application is %(state)s and can no longer be changed.")
            % {"state": locked.get_state_display().lower()},
            code="not_editable",
        )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else saved this application while you were editing it (version %(theirs)s, yours %(yours)s). Your text is kept below: compare it with theirs and save again."
            )
            % {"theirs": locked.version, "yours": expected_version},
            code="concurrent_edit",
        )
    return locked


def bump_version(application: Application) -> None:
    application.version += 1
    application.save(update_fields=["version", "updated_at"])
    if application.state != ApplicationState.DRAFT:  # drafts are evaluated live, not stored
        from accord.applications.services.eligibility_store import application_changed

        application_changed(application, state_changed=False)


def start_application(*, call: Call, user: Any, title_en: str, now: Any = None) -> Application:
    """Create a draft; the user becomes the lead on their own side."""
    person = getattr(user, "person", None)
    if person is None or person.organisation_id is None:
        raise ApplicationError(
            _("Complete your profile (organisation and country) before you apply."),
            code="no_profile",
        )
    if not call_is_open(call, now):
        raise ApplicationError(_("This call is not open for applications."), code="call_closed")
    if person.country not in {side.country for side in call.sides.all()}:
        raise ApplicationError(
            _("This call funds researchers in %(countries)s only.")
            % {"countries": ", ".join(s.get_country_display() for s in call.sides.all())},
            code="wrong_country",
        )
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        number = Application.objects.filter(call=call).count() + 1
        for attempt in range(5):
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        call=call,
                        reference=f"{call.slug.upper()}-{number + attempt:04d}",
                        title_en=title_en,
                        created_by=user,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - five concurrent starts in one call
            raise ApplicationError(_("Please try again."), code="busy")
        TeamMember.objects.create(
            application=application,
            person=person,
            role=MemberRole.LEAD,
            country=person.country,
            organisation_id=person.organisation_id,
        )
        log_action(
            actor=user, action=AuditAction.CREATE, instance=application, after=snapshot(application)
        )
        return application


def update_application(
    *,
    application: Application,
    expected_version: int,
    values: dict[str, Any],
    areas: list[Any] | None,
    actor: Any,
) -> Application:
    """Save the editable fields (optimistic locking), bump the version and audit what changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = lock_for_edit(application, expected_version=expected_version)
        require(
            actor,
            "applications.change_application",
            locked,
            _("Only the application's team changes it."),
        )
        before = snapshot(locked, values.keys())
        before_areas = sorted(locked.areas.values_list("slug", flat=True))
        for name, value in values.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["call", "created_by"])
        after = snapshot(locked, values.keys())
        after_areas = sorted(a.slug for a in areas) if areas is not None else before_areas
        changed = [k for k in after if before[k] != after[k]]
        if not changed and after_areas == before_areas:
            return locked
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        if areas is not None:
            locked.areas.set(areas)
        diff_before = {k: before[k] for k in changed} | (
            {"areas": before_areas} if after_areas != before_areas else {}
        )
        diff_after = {k: after[k] for k in changed} | (
            {"areas": after_areas} if after_areas != before_areas else {}
        )
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before=diff_before,
            after=diff_after,
        )
        return locked
