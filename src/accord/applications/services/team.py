"""The team: invitations by e-mail link, acceptance by the invitee, removal."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.applications.enums import MemberRole
from accord.applications.errors import ApplicationError
from accord.applications.models import Application, Invitation, TeamMember
from accord.applications.services.drafting import bump_version, lock_for_edit
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot


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
    """E-mail the invitation link (in English and Korean) once the transaction commits."""
    locked, email = application, invitation.email
    link = base_url + reverse("applications:invitation", kwargs={"token": invitation.token})
    context = {
        "application": locked,
        "inviter": actor,
        "link": link,
        "role": invitation.get_role_display,
    }
    bodies = []
    for language in ("en", "ko"):  # we do not know the invitee's language yet: write both
        with translation.override(language):
            bodies.append(render_to_string("applications/email/invitation.txt", context))
    with translation.override("en"):
        subject = _("Accord: you are invited to join application %(reference)s") % {
            "reference": locked.reference
        }
    with translation.override("ko"):
        subject += " / " + _("Accord: you are invited to join application %(reference)s") % {
            "reference": locked.reference
        }
    transaction.on_commit(
        lambda: send_mail(
            subject, "\n\n----\n\n".join(bodies), settings.DEFAULT_FROM_EMAIL, [email]
        )
    )


def resend_invitation(*, invitation: Invitation, actor: Any, base_url: str = "") -> Invitation:
    """Send an open invitation again, with a new link (the old link stops working)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ApplicationError(_("This invitation has already been answered."), code="answered")
        application = lock_for_edit(invitation.application, expected_version=None)
        require(
            actor,
            "applications.invite_member",
            application,
            _("Only the application's team sends its invitations."),
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
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ApplicationError(_("This invitation has already been answered."), code="answered")
        application = lock_for_edit(invitation.application, expected_version=None)
        require(
            actor,
            "applications.invite_member",
            application,
            _("Only the application's team cancels its invitations."),
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
