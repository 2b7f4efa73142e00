"""A call's reviewer pool: officers invite people from the directory; each person accepts or
declines. Accepted invitations are the pool the assignment is solved over (their loads included).

The reads of the pool pages (``call_pool``, ``my_invitations``, ``directory_for``) and how a person
is written to (``language_of``, ``addresses_of``) are ``selectors.pool``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accord.common.i18n import pick
from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.directory.models import Person
from accord.programmes.models import Call
from accord.review.enums import InvitationState
from accord.review.models import ReviewerInvitation
from accord.review.selectors.pool import (
    addresses_of,
    language_of,
)


def send_in_language(
    *, person: Person, address: str, subject: str, template: str, context: dict[str, Any]
) -> None:
    """Render ``template`` and ``subject`` (a ``gettext_noop`` message id whose %-placeholders
    come from ``context``) in the person's language; send once the transaction commits.

    ``context["call"]`` is the Call; the template also gets ``person`` and ``call_name`` (the
    call's name in the person's language)."""
    with translation.override(language_of(person)):
        call = context["call"]
        names = {"call_name": pick(call, "name"), "person": person}
        body = render_to_string(template, {**context, **names})
        text = _(subject) % {"call": names["call_name"]}
    transaction.on_commit(lambda: send_mail(text, body, settings.DEFAULT_FROM_EMAIL, [address]))


# Translated at send time, in the recipient's language (``send_in_language``).
INVITATION_SUBJECT = gettext_noop("Accord: you are invited to review for %(call)s")


def invite_reviewers(
    *,
    call: Call,
    people: Sequence[Person],
    due: dt.date,
    max_load: int,
    min_load: int = 0,
    actor: Any,
    base_url: str = "",
) -> list[ReviewerInvitation]:
    """Invite ``people`` to review for ``call``.

    Validates (someone to invite; 0 <= min_load <= max_load; only people from the call's two
    countries, since each reviewer counts for one side of the bilateral rule; nobody already
    invited), creates one invitation per person, writes the audit log, and e-mails each person in
    their language with a link to their invitations page. Nothing is created if any check fails.
    """
    people = list(people)
    if not people:
        raise ValidationError({"people": _("Choose at least one person to invite.")})
    if min_load < 0 or max_load < 1:
        raise ValidationError(
            {"max_load": _("A reviewer must be able to take at least one application.")}
        )
    if min_load > max_load:
        raise ValidationError(
            {"min_load": _("The fewest applications cannot be more than the most.")}
        )
    with transaction.atomic():
        countries = {side.country for side in call.sides.all()}
        foreign = [p for p in people if p.country not in countries]
        if foreign:
            raise ValidationError(
                {
                    "people": _(
                        "Reviewers come from the call's two countries; %(names)s cannot be invited."
                    )
                    % {"names": ", ".join(p.name_en for p in foreign)}
                }
            )
        already = set(
            ReviewerInvitation.objects.filter(call=call, person__in=people).values_list(
                "person__name_en", flat=True
            )
        )
        if already:
            raise ValidationError(
                {
                    "people": _("Already invited to this call: %(names)s.")
                    % {"names": ", ".join(sorted(already))}
                }
            )
        invitations = []
        for person in people:
            invitation = ReviewerInvitation.objects.create(
                call=call,
                person=person,
                due=due,
                min_load=min_load,
                max_load=max_load,
                invited_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                actor=actor,
                action=AuditAction.CREATE,
                instance=invitation,
                after={
                    "call": call.pk,
                    "person": person.pk,
                    "due": due,
                    "min_load": min_load,
                    "max_load": max_load,
                },
            )
            invitations.append(invitation)
        link = base_url + reverse("review_assign:invitations")
        addresses = addresses_of(people)
        for invitation in invitations:
            address = addresses.get(invitation.person_id)
            if not address:
                continue  # no address on file: the person sees the invitation when they sign in
            send_in_language(
                person=invitation.person,
                address=address,
                subject=INVITATION_SUBJECT,
                template="review/assign/email/invitation.txt",
                context={"call": call, "invitation": invitation, "link": link},
            )
        return invitations


def answer_invitation(
    *, invitation: ReviewerInvitation, user: Any, accept: bool, reason: str = ""
) -> ReviewerInvitation:
    """The invited person accepts or declines (a decline needs a reason). Audited.

    Only the invited person may answer, and only once.
    """
    person_id = (
        getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    )
    with transaction.atomic():
        locked = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if person_id is None or locked.person_id != person_id:
            raise ValidationError(
                _("Only the person invited can answer this invitation."), code="not_invited"
            )
        if locked.state != InvitationState.INVITED:
            raise ValidationError(_("You have already answered this invitation."), code="answered")
        reason = reason.strip()
        if not accept and not reason:
            raise ValidationError(
                {"reason": _("Tell the programme officers why you decline.")}, code="reason"
            )
        before = {"state": locked.state}
        locked.state = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
        locked.decline_reason = "" if accept else reason
        locked.save(update_fields=["state", "decline_reason", "updated_at"])
        log_action(
            actor=user,
            action=AuditAction.STATE,
            instance=locked,
            before=before,
            after={"state": locked.state},
            reason=locked.decline_reason,
        )
        return locked
