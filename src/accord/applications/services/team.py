"""The team: invitations by e-mail link, acceptance by the invitee, removal.

An invitation e-mail is one fixed bilingual template (English, then Korean); the only text in it
that an applicant chose (their name, the application's title) is quoted on one line and labelled
as written by the person who invited. Each user may send ``INVITES_PER_USER`` invitations a day,
and one address receives at most ``INVITES_PER_ADDRESS`` a day.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from accord.accounts.rules import require
from accord.applications.enums import MemberRole
from accord.applications.errors import ApplicationError
from accord.applications.models import Application, Invitation, TeamMember
from accord.applications.services.drafting import bump_version, lock_for_edit
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot

INVITES_PER_USER = 20  # invitations one user may send in WINDOW
INVITES_PER_ADDRESS = 3  # invitations one address may receive in WINDOW
WINDOW = dt.timedelta(hours=24)
QUOTE_LIMIT = 200  # characters of applicant text quoted in an e-mail
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def quoted(text: object) -> str:
    """Applicant text as it may appear in an e-mail: one line (no control or bidi characters),
    at most QUOTE_LIMIT characters, in quotation marks."""
    line = " ".join(_CONTROL.sub(" ", str(text)).split())
    if len(line) > QUOTE_LIMIT:
        line = line[: QUOTE_LIMIT - 1] + "…"
    return f"“{line}”"


def _check_invitation_limits(*, email: str, actor: Any) -> None:
    since = timezone.now() - WINDOW
    for field, value, limit, message in (
        (
            "invited_by",
            actor,
            INVITES_PER_USER,
            _(
                "You have sent %(count)d invitations in the last 24 hours, the most Accord sends "
                "for one person. Try again after %(time)s."
            ),
        ),
        (
            "email__iexact",
            email,
            INVITES_PER_ADDRESS,
            _(
                "%(email)s has been sent %(count)d invitations in the last 24 hours, the most "
                "Accord sends to one address. Try again after %(time)s."
            ),
        ),
    ):
        if getattr(value, "pk", True) is None:
            continue
        recent = list(
            Invitation.objects.filter(**{field: value, "created_at__gte": since})
            .order_by("created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            again = timezone.localtime(recent[0] + WINDOW)
            raise ApplicationError(
                message % {"count": len(recent), "email": email, "time": time_format(again, "H:i")},
                code="rate_limited",
            )


def invite_member(
    *, application: Application, email: str, role: str, country: str, actor: Any, base_url: str = ""
) -> Invitation:
    """Invite someone by e-mail; they join when they follow the link and accept."""
    with transaction.atomic():
        locked = lock_for_edit(application, expected_version=None)
        require(
            actor,
            "applications.invite_member",
            locked,
            _("Only the application's team invites members."),
        )
        sides = {s.country for s in locked.call.sides.all()}
        if country not in sides:
            raise ApplicationError(
                _("This call has no %(country)s side.") % {"country": country}, code="bad_side"
            )
        if (
            role == MemberRole.LEAD
            and locked.members.filter(role=MemberRole.LEAD, country=country).exists()
        ):
            raise ApplicationError(_("This side already has a lead."), code="lead_exists")
        if locked.invitations.filter(
            email__iexact=email,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            cancelled_at__isnull=True,
        ).exists():
            raise ApplicationError(
                _("%(email)s has already been invited.") % {"email": email},
                code="duplicate_invitation",
            )
        _check_invitation_limits(email=email, actor=actor)
        invitation = Invitation.objects.create(
            application=locked,
            email=email,
            role=role,
            country=country,
            token=secrets.token_urlsafe(32),
            invited_by=actor,
        )
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=invitation,
            after={"email": email, "role": role, "country": country},
        )
        _send_invitation(invitation, application=locked, actor=actor, base_url=base_url)
        return invitation


def _send_invitation(
    invitation: Invitation, *, application: Application, actor: Any, base_url: str
) -> None:
    """E-mail the invitation link once the transaction commits: one fixed template in both
    languages (the invitee's is not known yet), the applicants' own words quoted and labelled."""
    locked, email = application, invitation.email
    link = base_url + reverse("applications:invitation", kwargs={"token": invitation.token})
    context = {
        "reference": locked.reference,
        "call": locked.call,
        "inviter": quoted(actor),
        "title": quoted(locked.title_en),
        "title_ko": quoted(locked.title_ko) if locked.title_ko else "",
        "link": link,
        "role": invitation.get_role_display,
    }
    body = render_to_string("applications/email/invitation.txt", context)
    subject = " / ".join(_lang_subject(language, locked.reference) for language in ("en", "ko"))
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))


def _lock_open_invitation(
    invitation: Invitation, actor: Any, refusal: str
) -> tuple[Invitation, Application]:
    """Inside a transaction: the invitation and its application locked, the invitation still
    open, and the actor on the team (``applications.invite_member``); else the error to show."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ApplicationError(_("This invitation has already been answered."), code="answered")
    application = lock_for_edit(invitation.application, expected_version=None)
    require(actor, "applications.invite_member", application, refusal)
    return invitation, application


def resend_invitation(*, invitation: Invitation, actor: Any, base_url: str = "") -> Invitation:
    """Send an open invitation again, with a new link (the old link stops working)."""
    with transaction.atomic():
        invitation, application = _lock_open_invitation(
            invitation, actor, _("Only the application's team sends its invitations.")
        )
        invitation.token = secrets.token_urlsafe(32)
        invitation.save(update_fields=["token", "updated_at"])
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=invitation,
            before={},
            after={"resent_to": invitation.email},
        )
        _send_invitation(invitation, application=application, actor=actor, base_url=base_url)
        return invitation


def cancel_invitation(*, invitation: Invitation, actor: Any) -> Invitation:
    """Withdraw an open invitation: its link stops working; the address may be invited again."""
    with transaction.atomic():
        invitation, _application = _lock_open_invitation(
            invitation, actor, _("Only the application's team cancels its invitations.")
        )
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at", "updated_at"])
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=invitation,
            before={"cancelled_at": None},
            after={"cancelled_at": invitation.cancelled_at},
        )
        return invitation


def _lang_subject(language: str, reference: str) -> str:
    with override(language):
        return _("Accord: you are invited to join application %(reference)s") % {
            "reference": reference
        }


def accept_invitation(*, invitation: Invitation, user: Any) -> TeamMember:
    person = getattr(user, "person", None)
    if person is None or person.organisation_id is None:
        raise ApplicationError(
            _("Complete your profile (organisation and country) before you accept."),
            code="no_profile",
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ApplicationError(_("This invitation has already been answered."), code="answered")
        application = lock_for_edit(invitation.application, expected_version=None)
        if person.country != invitation.country:
            raise ApplicationError(
                _("This invitation is for the %(side)s side, but your profile is in %(country)s.")
                % {
                    "side": invitation.get_country_display(),
                    "country": person.get_country_display(),
                },
                code="wrong_side",
            )
        if application.members.filter(person=person).exists():
            raise ApplicationError(_("You are already on this team."), code="already_member")
        if (
            invitation.role == MemberRole.LEAD
            and application.members.filter(
                role=MemberRole.LEAD, country=invitation.country
            ).exists()
        ):
            raise ApplicationError(_("This side already has a lead."), code="lead_exists")
        member = TeamMember.objects.create(
            application=application,
            person=person,
            role=invitation.role,
            country=invitation.country,
            organisation_id=person.organisation_id,
        )
        invitation.accepted_at = timezone.now()
        invitation.member = member
        invitation.save(update_fields=["accepted_at", "member", "updated_at"])
        bump_version(application)
        log_action(actor=user, action=AuditAction.CREATE, instance=member, after=snapshot(member))
        return member


def decline_invitation(*, invitation: Invitation, user: Any) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ApplicationError(_("This invitation has already been answered."), code="answered")
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at", "updated_at"])
        log_action(
            actor=user,
            action=AuditAction.UPDATE,
            instance=invitation,
            before={"declined_at": None},
            after={"declined_at": invitation.declined_at},
        )
