"""Reviewers' writes: the conflict declaration that opens an application, the review itself, the
reminders for reviews that are due and the applicants' response. The reads of reviews (due dates,
weighted totals, the anonymised reviews each audience sees) are ``selectors.reviews``.

Every write is atomic and written to the audit log. Who may act is checked again here (not only
in the views): a reviewer acts only on their own published assignments, and reviews only those
opened by a "no conflict" declaration with no conflict detected from data.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot
from accord.programmes.models import Call, Criterion
from accord.review.enums import ReviewState
from accord.review.models import (
    ApplicantResponse,
    Assignment,
    ConflictDeclaration,
    Review,
)
from accord.review.selectors import open_assignments, reviewer_assignments
from accord.review.selectors.pool import language_of
from accord.review.selectors.reviews import (
    anonymise,
    due_moment,
    reminder_assignments,
    response_stage,
    reviewer_email,
    submitted_reviews,
)

CONFIDENCE_CHOICES = [1, 2, 3, 4, 5]


class ReviewError(ValidationError):
    """A refused review action (the message is shown to the user)."""


def dual_text(moment: dt.datetime | None) -> str:
    """A moment as plain text in both display time zones (for e-mails): ``… (London) · … (Seoul)``."""
    if moment is None:
        return ""
    from django.utils import formats

    parts = []
    for zone, label in settings.ACCORD_DISPLAY_TIME_ZONES:
        local = moment.astimezone(zoneinfo.ZoneInfo(zone))
        parts.append(
            f"{formats.date_format(local, 'DATE_FORMAT')} "
            f"{formats.time_format(local, 'H:i')} ({label})"
        )
    return " · ".join(parts)


# ---------------------------------------------------------------- scores


def score_field(criterion: Criterion) -> str:
    """The form field (and error key) of a criterion's score."""
    return f"score_{criterion.key}"


def _check_scores(
    call: Call, criteria: list[Criterion], scores: Mapping[str, Any], *, complete: bool
) -> dict[str, int]:
    """Scores as ints, each within the call's scale; all present when ``complete``."""
    errors: dict[str, list[str]] = {}
    known = {c.key for c in criteria}
    unknown = sorted(set(scores) - known)
    if unknown:
        errors["__all__"] = [_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)}]
    clean: dict[str, int] = {}
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value in (None, ""):
            if complete:
                errors[score_field(criterion)] = [_("Score every criterion before you submit.")]
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[score_field(criterion)] = [_("Enter a whole number.")]
            continue
        if not call.score_min <= number <= call.score_max:
            errors[score_field(criterion)] = [
                _("Give a score from %(min)s to %(max)s.")
                % {"min": call.score_min, "max": call.score_max}
            ]
            continue
        clean[criterion.key] = number
    if errors:
        raise ReviewError(errors)
    return clean


# ---------------------------------------------------------------- declaration


def _own_assignment(assignment: Assignment, user: Any) -> Assignment:
    """The assignment locked for update, if it is one of ``user``'s published assignments."""
    locked = (
        reviewer_assignments(user).select_for_update(of=("self",)).filter(pk=assignment.pk).first()
    )
    if locked is None:
        raise ReviewError(_("This is not one of your assignments."), code="not_yours")
    return locked


def declare_conflict(
    *, assignment: Assignment, user: Any, has_conflict: bool, details: str = ""
) -> ConflictDeclaration:
    """The reviewer says whether they have a conflict with the application.

    "No conflict" opens the application and the review form; "conflict" closes the application
    to them for good (the officer sees the declaration and reassigns). A "no conflict" may later
    become "conflict" (a reviewer can find one while reading) until the review is submitted; a
    "conflict" is final.
    """
    details = (details or "").strip()
    if has_conflict and not details:
        raise ReviewError({"details": [_("Say what the conflict is, so the officer can decide.")]})
    with transaction.atomic():
        locked = _own_assignment(assignment, user)
        existing = ConflictDeclaration.objects.filter(assignment=locked).first()
        if existing is None:
            declaration = ConflictDeclaration.objects.create(
                assignment=locked, has_conflict=has_conflict, details=details
            )
            log_action(
                actor=user,
                action=AuditAction.CREATE,
                instance=declaration,
                after=snapshot(declaration),
            )
            return declaration
        if existing.has_conflict:
            raise ReviewError(
                _("You have declared a conflict with this application; that cannot be undone."),
                code="final",
            )
        if not has_conflict:
            raise ReviewError(
                _("You have already declared that you have no conflict."), code="same"
            )
        if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
            raise ReviewError(
                _("Your review is submitted; write to the programme officer about the conflict."),
                code="submitted",
            )
        before = snapshot(existing, ["has_conflict", "details"])
        existing.has_conflict, existing.details = True, details
        existing.save(update_fields=["has_conflict", "details", "updated_at"])
        log_action(
            actor=user,
            action=AuditAction.UPDATE,
            instance=existing,
            before=before,
            after=snapshot(existing, ["has_conflict", "details"]),
        )
        return existing


# ---------------------------------------------------------------- review


def save_review(
    *,
    assignment: Assignment,
    user: Any,
    scores: Mapping[str, Any],
    confidence: int | None = None,
    comments_applicant: str = "",
    comments_panel: str = "",
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Review:
    """Save the reviewer's draft, or submit it (every score and the confidence required).

    Only an assignment the reviewer may read (declared free of conflict, no conflict detected)
    can be reviewed; a submitted review is read-only.
    """
    with transaction.atomic():
        locked = (
            open_assignments(user)
            .select_for_update(of=("self",))
            .select_related("call")
            .filter(pk=assignment.pk)
            .first()
        )
        if locked is None:
            raise ReviewError(
                _("Declare that you have no conflict before you review."), code="not_open"
            )
        call = locked.call
        criteria = list(call.criteria.all())
        clean_scores = _check_scores(call, criteria, scores, complete=submit)
        if confidence in ("", None):
            confidence = None
        elif int(confidence) not in CONFIDENCE_CHOICES:
            raise ReviewError({"confidence": [_("Choose a confidence from 1 to 5.")]})
        else:
            confidence = int(confidence)
        if submit and confidence is None:
            raise ReviewError({"confidence": [_("Say how confident you are before you submit.")]})
        review = Review.objects.filter(assignment=locked).first()
        if review is not None and review.state == ReviewState.SUBMITTED:
            raise ReviewError(_("This review is submitted and can no longer change."), code="done")
        fields = [
            "state",
            "scores",
            "confidence",
            "comments_applicant",
            "comments_panel",
            "submitted_at",
        ]
        creating = review is None
        before = {} if creating else snapshot(review, fields)
        review = review or Review(assignment=locked)
        review.scores = clean_scores
        review.confidence = confidence
        review.comments_applicant = comments_applicant.strip()
        review.comments_panel = comments_panel.strip()
        if submit:
            review.state = ReviewState.SUBMITTED
            review.submitted_at = now or timezone.now()
        review.save()
        after = snapshot(review, fields)
        if creating:
            log_action(actor=user, action=AuditAction.CREATE, instance=review, after=after)
        elif before != after:
            changed = [k for k in fields if before.get(k) != after.get(k)]
            log_action(
                actor=user,
                action=AuditAction.STATE if submit else AuditAction.UPDATE,
                instance=review,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        return review


# ---------------------------------------------------------------- reminders


def send_review_reminders(
    *, days: int = 3, today: dt.date | None = None, base_url: str = ""
) -> int:
    """One e-mail per reviewer listing their due reviews, in their language. Returns how many."""
    from django.urls import reverse

    from accord.common.services.reminders import Recipient, send_reminders

    today = today or timezone.localdate()

    def context(items: list[Assignment]) -> dict[str, Any]:
        return {
            "person": items[0].reviewer,
            "items": [
                {
                    "assignment": a,
                    "due": dual_text(due_moment(a.due)),
                    "overdue": a.due < today,
                    "link": base_url + reverse("review:assignment", kwargs={"pk": a.pk}),
                }
                for a in items
            ],
            "link": base_url + reverse("review:assignments"),
        }

    return send_reminders(
        items=reminder_assignments(days=days, today=today),
        recipients=lambda a: [Recipient(reviewer_email(a.reviewer), language_of(a.reviewer))],
        subject=lambda items: (
            _("Accord: reviews overdue")
            if any(a.due < today for a in items)
            else _("Accord: reviews due")
        ),
        template="review/email/reminder.txt",
        context=context,
        reason=f"review due within {days} day(s) of {today.isoformat()}",
    )


# ---------------------------------------------------------------- applicants' response


def submit_response(
    *,
    application: Any,
    user: Any,
    text: str,
    now: dt.datetime | None = None,
    base_url: str = "",
) -> ApplicantResponse:
    """A team member answers the anonymised reviews, within the call's response window.

    The answer can be changed until the window closes; every team member gets a copy by e-mail
    in their language (the copy names reviewers only as "Reviewer N").
    """
    from django.urls import reverse

    now = now or timezone.now()
    text = (text or "").strip()
    pid = getattr(user, "person_id", None)
    with transaction.atomic():
        members = list(application.members.select_related("person__user"))
        if pid is None or not any(m.person_id == pid for m in members):
            raise ReviewError(_("Only the application's team may answer the reviews."), code="team")
        stage = response_stage(application.call, now)
        if stage != "open":
            raise ReviewError(
                _("The response window is not open.")
                if stage != "after"
                else _("The response window has closed."),
                code=f"window_{stage}",
            )
        if not text:
            raise ReviewError({"text": [_("Write your response.")]})
        response = (
            ApplicantResponse.objects.select_for_update().filter(application=application).first()
        )
        if response is None:
            response = ApplicantResponse.objects.create(
                application=application, text=text, submitted_at=now, author=user
            )
            log_action(
                actor=user,
                action=AuditAction.CREATE,
                instance=response,
                after=snapshot(response, ["text", "submitted_at", "author"]),
            )
        else:
            before = snapshot(response, ["text", "submitted_at", "author"])
            response.text, response.submitted_at, response.author = text, now, user
            response.save(update_fields=["text", "submitted_at", "author", "updated_at"])
            log_action(
                actor=user,
                action=AuditAction.UPDATE,
                instance=response,
                before=before,
                after=snapshot(response, ["text", "submitted_at", "author"]),
            )
        criteria = list(application.call.criteria.all())
        reviews = list(submitted_reviews([application.pk]))
        link = base_url + reverse("review:response", kwargs={"reference": application.reference})
        messages = []
        for member in members:
            email = reviewer_email(member.person)
            if not email:
                continue
            with translation.override(language_of(member.person)):
                context = {
                    "application": application,
                    "response": response,
                    "reviews": anonymise(reviews, criteria, for_panel=False),
                    "link": link,
                }
                subject = _("Accord: your response to the reviews of %(reference)s") % {
                    "reference": application.reference
                }
                body = render_to_string("review/email/response.txt", context)
            messages.append((subject, body, email))
        transaction.on_commit(
            lambda: [
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                for subject, body, email in messages
            ]
        )
        return response
