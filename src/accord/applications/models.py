"""Applications: a joint proposal with a lead on each side, budgets per side, documents, sign-offs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.applications.enums import (
    ApplicationState,
    BudgetCategory,
    CheckStatus,
    DocumentKind,
    MemberRole,
)
from accord.common.models import AppendOnlyError, BackgroundRun, TimeStampedModel
from accord.directory.enums import Country
from accord.programmes.models import CURRENCIES


class Application(TimeStampedModel):
    call = models.ForeignKey(
        "programmes.Call",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("call"),
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Goes up with every change; sign-offs are for one version."),
    )
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    case_for_support = models.TextField(_("case for support"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    areas = models.ManyToManyField(
        "partnerships.TechnologyArea",
        related_name="applications",
        blank=True,
        verbose_name=_("areas"),
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    deadline_extension = models.DateTimeField(
        _("extended deadline"),
        null=True,
        blank=True,
        help_text=_("Granted by an officer to this application only."),
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            # A call's page of the officers' list: an index range in reference order, LIMIT 50.
            models.Index(fields=["call", "reference"], name="application_call_reference"),
            # The dashboard's counts by state (an index-only scan of the call's entries).
            models.Index(fields=["call", "state"], name="application_call_state"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title_en}"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", kwargs={"reference": self.reference})

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        return self.deadline_extension or self.call.closes_at


class TeamMember(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["application", "country", "role"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.country})"


class Invitation(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    member = models.OneToOneField(
        TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.application.reference}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.cancelled_at is None


class BudgetLine(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("eligible cost"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)

    class Meta:
        ordering = ["application", "country", "category", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.country} {self.category} {self.amount} {self.currency}"


def document_path(instance: Document, filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256[:16]}.pdf"


class Document(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    pages = models.PositiveSmallIntegerField(_("pages"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "kind", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class SignOff(models.Model):
    """A lead's signature on one version of the application. A later change makes it stale."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="signoffs")
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="signoffs")
    version = models.PositiveIntegerField()
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.member} v{self.version}"


class Snapshot(models.Model):
    """The immutable record of a submitted version."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="one_snapshot_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AppendOnlyError("a submitted version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("a submitted version cannot be deleted")


class EligibilityOverride(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_overrides"
    )
    rule_key = models.SlugField(max_length=60)
    country = models.CharField(
        _("side"),
        max_length=2,
        blank=True,
        default="",
        help_text=_("The side whose funder recorded the override."),
    )
    passed = models.BooleanField(_("counts as passed"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "rule_key", "country"], name="one_override_per_rule_side"
            )
        ]


class FunderCheck(TimeStampedModel):
    """One funder's own check of its side of an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="funder_checks"
    )
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    status = models.CharField(
        _("check"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    notes = models.TextField(_("notes"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "country"], name="one_check_per_side")
        ]


class EligibilityEvaluation(models.Model):
    """The automatic eligibility of one application as last computed, so that pages about a whole
    call (dashboard, summaries) read stored results instead of evaluating every application.

    Written only by ``accord.applications.services.eligibility_store``: when the application
    changes state or is edited after submission, and (in the background) when a rule of its call
    changes. ``problem`` is set, and no outcome stored, when the rules could not be evaluated.
    Officers' overrides are not folded in here; the summary applies them when it counts.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="eligibility_evaluation"
    )
    computed_at = models.DateTimeField()
    passed = models.BooleanField(null=True)
    problem = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.passed}"


class RuleOutcome(models.Model):
    """One rule's automatic result for one application (see ``EligibilityEvaluation``)."""

    evaluation = models.ForeignKey(
        EligibilityEvaluation, on_delete=models.CASCADE, related_name="outcomes"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    rule_key = models.SlugField(max_length=60)
    passed = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "rule_key"], name="one_outcome_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.rule_key}: {self.passed}"


class EligibilityRun(BackgroundRun):
    """A background recompute of a call's stored eligibility after one of its rules changed."""

    call = models.ForeignKey(
        "programmes.Call", on_delete=models.CASCADE, related_name="eligibility_runs"
    )

    class Meta(BackgroundRun.Meta):
        verbose_name = _("eligibility recompute")
        verbose_name_plural = _("eligibility recomputes")

    def __str__(self) -> str:
        return f"{self.call} {self.state}"
