"""Peer review: the reviewer pool of a call, assignments (solved exactly), conflict declarations,
reviews against the call's criteria, applicants' responses, and the panel."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.common.models import BackgroundRun, TimeStampedModel
from accord.review.enums import AssignmentMode, AssignmentState, InvitationState, ReviewState


class ReviewerInvitation(TimeStampedModel):
    """A person invited to a call's reviewer pool; accepted invitations form the pool."""

    call = models.ForeignKey(
        "programmes.Call", on_delete=models.CASCADE, related_name="reviewer_invitations"
    )
    person = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, related_name="review_invitations"
    )
    state = models.CharField(
        _("answer"), max_length=10, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    due = models.DateField(_("reviews due by"))
    min_load = models.PositiveSmallIntegerField(_("fewest applications"), default=0)
    max_load = models.PositiveSmallIntegerField(_("most applications"), default=6)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["call", "person__name_en"]
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        constraints = [
            models.UniqueConstraint(fields=["call", "person"], name="one_invitation_per_reviewer"),
            models.CheckConstraint(
                condition=models.Q(min_load__lte=models.F("max_load")), name="reviewer_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.call}"


class AssignmentRun(BackgroundRun):
    """One solve of a call's assignment, with its certificate (objective, bound, gap)."""

    call = models.ForeignKey(
        "programmes.Call", on_delete=models.CASCADE, related_name="assignment_runs"
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=AssignmentMode.choices, default=AssignmentMode.TOTAL
    )
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    moved = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Pairs changed by an incremental re-solve.")
    )
    seconds = models.FloatField(null=True, blank=True)

    class Meta(BackgroundRun.Meta):
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")

    def __str__(self) -> str:
        return f"{self.call} {self.mode} {self.state}"


class Assignment(TimeStampedModel):
    call = models.ForeignKey(
        "programmes.Call", on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, related_name="assignments"
    )
    run = models.ForeignKey(
        AssignmentRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    affinity = models.FloatField(default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.PROPOSED
    )
    by_hand = models.BooleanField(_("set by hand"), default=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["application", "-affinity"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class ConflictDeclaration(TimeStampedModel):
    """A reviewer's own declaration, made before the application opens for them."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="declaration"
    )
    has_conflict = models.BooleanField(_("I have a conflict of interest"))
    details = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.has_conflict}"


class Review(TimeStampedModel):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    scores = models.JSONField(_("scores"), default=dict, help_text="{criterion key: score}")
    confidence = models.PositiveSmallIntegerField(
        _("confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments_applicant = models.TextField(_("comments for the applicants"), blank=True)
    comments_panel = models.TextField(_("comments for the panel only"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review of {self.assignment}"


class ApplicantResponse(TimeStampedModel):
    """The applicants' answer to the anonymised reviews, within the call's response window."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="response"
    )
    text = models.TextField(_("response"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("applicant response")
        verbose_name_plural = _("applicant responses")

    def __str__(self) -> str:
        return f"response to {self.application}"


class PanelNote(TimeStampedModel):
    """The panel's moderated score and notes for one application."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="panel_note"
    )
    moderated_score = models.DecimalField(
        _("moderated score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("panel note")
        verbose_name_plural = _("panel notes")

    def __str__(self) -> str:
        return f"panel note on {self.application}"
