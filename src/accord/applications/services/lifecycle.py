"""The one place an application changes state; sign-offs and deadline extensions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.applications.enums import TRANSITIONS, ApplicationState, MemberRole
from accord.applications.errors import ApplicationError, TransitionError
from accord.applications.models import Application, SignOff, Snapshot
from accord.applications.selectors.lifecycle import eligibility_outcome, missing_signatures
from accord.applications.services.budget import _line_dict
from accord.applications.services.eligibility_store import application_changed
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot


def sign_off(*, application: Application, user: Any, version: int) -> SignOff:
    """A lead signs the version they have read. A later change to the application voids it."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != ApplicationState.DRAFT:
            raise ApplicationError(_("Only a draft can be signed."), code="not_draft")
        member = locked.members.filter(
            person_id=getattr(user, "person_id", None), role=MemberRole.LEAD
        ).first()
        if member is None:
            raise ApplicationError(
                _("Only the lead of each side signs the application."), code="not_lead"
            )
        if version != locked.version:
            raise ApplicationError(
                _(
                    "The application changed after you opened it (now version %(current)s). Read it again and sign the current version."
                )
                % {"current": locked.version},
                code="stale_version",
            )
        signature, created = SignOff.objects.get_or_create(
            application=locked, member=member, version=version
        )
        if created:
            log_action(
                actor=user,
                action=AuditAction.UPDATE,
                instance=locked,
                after={"signed_by": member.person_id, "version": version},
            )
        return signature


def _snapshot_data(application: Application) -> dict[str, Any]:
    return {
        **snapshot(application),
        "areas": sorted(application.areas.values_list("slug", flat=True)),
        "members": [
            {
                "person": m.person_id,
                "name": m.person.name_en,
                "role": m.role,
                "country": m.country,
                "organisation": m.organisation_id,
            }
            for m in application.members.select_related("person")
        ],
        "budget": [_line_dict(line) for line in application.budget_lines.all()],
        "documents": [
            {"kind": d.kind, "name": d.original_name, "sha256": d.sha256, "pages": d.pages}
            for d in application.documents.all()
        ],
        "signed_by": sorted(
            s.member.person_id
            for s in application.signoffs.filter(version=application.version).select_related(
                "member"
            )
        ),
    }


def transition_application(
    *,
    application: Application,
    to: str,
    actor: Any,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Move an application to state ``to``. The only service that changes ``state``.

    Validates the move against TRANSITIONS and its conditions (submission: before the deadline to
    the second, both leads signed the current version; eligible: both funders' checks passed;
    ineligible: a funder's check failed). Who may ask for a move is the caller's rule
    (``applications.submit_application``, ``applications.withdraw_application``, ...); writes the state with update_fields;
    records an immutable snapshot on submission; writes the audit log.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        source = locked.state
        if to not in TRANSITIONS.get(source, frozenset()):
            raise TransitionError(
                _("An application that is %(from)s cannot become %(to)s.")
                % {
                    "from": ApplicationState(source).label.lower(),
                    "to": ApplicationState(to).label.lower(),
                },
                code="forbidden_transition",
            )
        fields = ["state", "updated_at"]
        if (
            to in (ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE)
            and eligibility_outcome(locked) != to
        ):
            raise TransitionError(
                _("Eligible needs both funders' checks passed.")
                if to == ApplicationState.ELIGIBLE
                else _("Ineligible needs a funder's failed check."),
                code="two_keys",
            )
        if to == ApplicationState.SUBMITTED:
            if now.replace(microsecond=0) > locked.deadline:
                raise TransitionError(
                    _("The deadline has passed; the application was not submitted."),
                    code="deadline",
                )
            missing = missing_signatures(locked)
            if missing:
                raise TransitionError(
                    _("Both leads must sign the current version first. Still to sign: %(sides)s.")
                    % {"sides": ", ".join(missing)},
                    code="unsigned",
                )
            locked.submitted_at = now
            fields.append("submitted_at")
            Snapshot.objects.create(
                application=locked, version=locked.version, data=_snapshot_data(locked)
            )
        locked.state = to
        locked.save(update_fields=fields)
        log_action(
            actor=actor,
            action=AuditAction.STATE,
            instance=locked,
            before={"state": source},
            after={"state": to},
            reason=reason,
        )
        application_changed(locked, state_changed=True)  # the stored eligibility, in step
        return locked


def grant_extension(
    *, application: Application, until: dt.datetime, reason: str, actor: Any
) -> Application:
    """An officer of one of the call's funders gives this one application a later deadline."""
    require(
        actor,
        "applications.grant_extension",
        application,
        _("Only an officer of this call's funders may extend a deadline."),
    )
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason for the extension; it is recorded."), code="reason"
        )
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        if until <= locked.call.closes_at:
            raise ApplicationError(
                _("An extension must end after the call's deadline."), code="too_early"
            )
        before = locked.deadline_extension
        locked.deadline_extension = until
        locked.save(update_fields=["deadline_extension", "updated_at"])
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before={"deadline_extension": before},
            after={"deadline_extension": until},
            reason=reason,
        )
        return locked
