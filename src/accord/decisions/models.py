"""Decisions under two budgets (two keys: one per funder), awards, payments, reports and outputs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.common.models import BackgroundRun, TimeStampedModel
from accord.decisions.enums import (
    AwardState,
    LetterState,
    OutputKind,
    PaymentState,
    ReportKind,
    ScenarioKind,
    Verdict,
)
from accord.directory.enums import Country
from accord.programmes.models import CURRENCIES


class Scenario(BackgroundRun):
    """A portfolio optimisation of a call (budgets per funder, area bounds) and its result.

    A background run: the officer's POST queues it and the page polls its progress. ``kind`` is
    a solve from the call's applications, or a what-if on ``base``'s own instance with
    ``changes`` (a budget, an exchange rate, an area bound).
    """

    call = models.ForeignKey("programmes.Call", on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ScenarioKind.choices, default=ScenarioKind.SOLVE
    )
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="what_ifs"
    )
    changes = models.JSONField(_("changes"), default=list, blank=True)
    budgets = models.JSONField(
        _("budgets"), default=dict, help_text='{"GB": "4500000", "KR": "6000000000"}'
    )
    area_min = models.JSONField(_("area minimums"), default=dict, blank=True)
    area_max = models.JSONField(_("area maximums"), default=dict, blank=True)
    must_fund = models.JSONField(default=list, blank=True)
    must_not_fund = models.JSONField(default=list, blank=True)
    funded = models.JSONField(
        default=list, blank=True, help_text="references of the funded applications"
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("funding scenario")
        verbose_name_plural = _("funding scenarios")

    def __str__(self) -> str:
        return self.name


class Decision(TimeStampedModel):
    """One funder's decision on its own side of an application. An award needs both to approve."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="decisions"
    )
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    funder = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("decision"), max_length=8, choices=Verdict.choices)
    amount = models.DecimalField(
        _("amount for this side"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    feedback_en = models.TextField(_("feedback to the applicants (English)"), blank=True)
    feedback_ko = models.TextField(_("feedback to the applicants (Korean)"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "country"]
        verbose_name = _("funding decision")
        verbose_name_plural = _("funding decisions")
        constraints = [
            models.UniqueConstraint(fields=["application", "country"], name="one_decision_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.country}: {self.verdict}"


class Award(TimeStampedModel):
    """A joint award: made when both funders approved. Each side's money is an AwardSide."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="award"
    )
    reference = models.CharField(_("award reference"), max_length=40, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AwardState.choices, default=AwardState.OFFERED
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    conditions_en = models.TextField(_("conditions (English)"), blank=True)
    conditions_ko = models.TextField(_("conditions (Korean)"), blank=True)
    commitment = models.ForeignKey(
        "partnerships.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
    )
    published = models.BooleanField(_("published in the open data"), default=False)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="award_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("decisions:award", kwargs={"reference": self.reference})


class AwardSide(TimeStampedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="sides")
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    funder = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)

    class Meta:
        ordering = ["award", "country"]
        verbose_name = _("award side")
        verbose_name_plural = _("award sides")
        constraints = [
            models.UniqueConstraint(fields=["award", "country"], name="one_award_side_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.country} {self.amount} {self.currency}"


class Payment(TimeStampedModel):
    side = models.ForeignKey(AwardSide, on_delete=models.CASCADE, related_name="payments")
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.SCHEDULED
    )
    paid_on = models.DateField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["side", "due_on"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.side} {self.due_on} {self.amount}"

    @property
    def overdue(self) -> bool:
        """Past its due date and not paid."""
        return self.state != PaymentState.PAID and self.due_on < dt.date.today()


class Report(TimeStampedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_on = models.DateField(_("due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    text = models.TextField(_("report"), blank=True)

    class Meta:
        ordering = ["award", "due_on"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.award} {self.kind} {self.due_on}"

    @property
    def overdue(self) -> bool:
        """Past its due date and not submitted."""
        return self.submitted_at is None and self.due_on < dt.date.today()


class Output(TimeStampedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=16, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    link = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["award", "kind", "-year"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return self.title


class Letter(TimeStampedModel):
    """An award letter as PDF, in one language, generated in the background."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="letters")
    language = models.CharField(
        _("language"), max_length=2, choices=[("en", "English"), ("ko", "한국어")]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=LetterState.choices, default=LetterState.PENDING
    )
    file = models.FileField(_("file"), upload_to="letters/", blank=True)
    text = models.TextField(
        _("text"), blank=True, help_text=_("The text rendered into the PDF (for checking).")
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["award", "language", "-created_at"]
        verbose_name = _("award letter")
        verbose_name_plural = _("award letters")

    def __str__(self) -> str:
        return f"{self.award} {self.language} {self.state}"
