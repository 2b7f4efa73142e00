"""Programmes: money that carries out an accord, each with its funders (one per side)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.common.i18n import Bilingual
from accord.common.models import TimeStampedModel
from accord.directory.enums import Country

CURRENCIES = [
    ("GBP", "GBP £"),
    ("KRW", "KRW ₩"),
    ("EUR", "EUR €"),
    ("USD", "USD $"),
    ("JPY", "JPY ¥"),
]


class Programme(Bilingual, TimeStampedModel):
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="programmes"
    )
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ko = models.CharField(_("name (Korean)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    fund_en = models.CharField(_("fund (English)"), max_length=200, blank=True)
    fund_ko = models.CharField(_("fund (Korean)"), max_length=200, blank=True)
    instruments = models.ManyToManyField(
        "partnerships.Instrument",
        related_name="programmes",
        blank=True,
        verbose_name=_("instruments"),
    )
    commitments = models.ManyToManyField(
        "partnerships.Commitment",
        related_name="programmes",
        blank=True,
        verbose_name=_("commitments"),
    )
    areas = models.ManyToManyField(
        "partnerships.TechnologyArea",
        related_name="programmes",
        blank=True,
        verbose_name=_("areas"),
    )
    duration_months_min = models.PositiveSmallIntegerField(
        _("shortest duration (months)"), null=True, blank=True
    )
    duration_months_max = models.PositiveSmallIntegerField(
        _("longest duration (months)"), null=True, blank=True
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})


class ProgrammeFunder(TimeStampedModel):
    """One funder of a programme: it pays its own country's side, in its own currency."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funders")
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="funded_programmes",
        verbose_name=_("funder"),
    )
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    budget = models.DecimalField(
        _("budget"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In the funder's currency. Empty when not published."),
    )
    budget_note_en = models.CharField(_("budget note (English)"), max_length=300, blank=True)
    budget_note_ko = models.CharField(_("budget note (Korean)"), max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "country"]
        verbose_name = _("programme funder")
        verbose_name_plural = _("programme funders")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="unique_programme_funder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.currency})"


class Call(Bilingual, TimeStampedModel):
    """One funding round of a programme: its dates, areas, per-side terms, rules and criteria."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name_en = models.CharField(_("round name (English)"), max_length=200)
    name_ko = models.CharField(_("round name (Korean)"), max_length=200)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("closes"), help_text=_("Applications must be submitted by this moment, to the second.")
    )
    areas = models.ManyToManyField(
        "partnerships.TechnologyArea", related_name="calls", blank=True, verbose_name=_("areas")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Visible to the public and open to applicants.")
    )
    max_pages = models.PositiveSmallIntegerField(_("page limit per PDF"), default=10)
    max_upload_mb = models.PositiveSmallIntegerField(_("size limit per PDF (MB)"), default=10)
    score_min = models.SmallIntegerField(_("lowest score"), default=1)
    score_max = models.SmallIntegerField(_("highest score"), default=6)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3
    )
    reviewers_from_each_country = models.BooleanField(
        _("at least one reviewer from each country"), default=True
    )
    template = models.CharField(_("made from template"), max_length=40, blank=True)
    applicant_response = models.BooleanField(
        _("applicants may answer the reviews"),
        default=False,
        help_text=_("Applicants read the anonymised reviews and answer within the window below."),
    )
    response_opens_at = models.DateTimeField(_("response window opens"), null=True, blank=True)
    response_closes_at = models.DateTimeField(_("response window closes"), null=True, blank=True)
    panel = models.ManyToManyField(
        "directory.Person", related_name="panels", blank=True, verbose_name=_("panel members")
    )
    conflict_rules = models.JSONField(
        _("conflict-of-interest rules"),
        default=dict,
        blank=True,
        help_text=_(
            'Overrides of the default conflict-of-interest rules for this call, e.g. {"rules": ["coauthor", "family"], '
            '"coauthor_window_years": 5, "fellowship_scheme": true, "same_org_scope": {"KR": "department"}}. '
            "Empty: the UK and Korean defaults."
        ),
    )

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("applications:call", kwargs={"slug": self.slug})


class CallSide(TimeStampedModel):
    """The terms of one funder in a call: its country, currency and funding rates by organisation size."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sides")
    funder = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="call_sides",
        verbose_name=_("funder"),
    )
    country = models.CharField(_("side"), max_length=2, choices=Country.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    funding_rates = models.JSONField(
        _("funding rates"),
        default=dict,
        blank=True,
        help_text=_(
            'Share of eligible cost the funder pays, by organisation size, e.g. {"small": "0.70", "large": "0.50"}. Missing sizes: 100 %.'
        ),
    )

    class Meta:
        ordering = ["call", "country"]
        verbose_name = _("call side")
        verbose_name_plural = _("call sides")
        constraints = [
            models.UniqueConstraint(fields=["call", "country"], name="one_side_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.country} ({self.currency})"


class EligibilityRule(TimeStampedModel):
    """A rule as data: its kind and parameters; evaluated by accord.core.eligibility."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "key"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_rule_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"


class Criterion(Bilingual, TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=60)
    name_en = models.CharField(_("criterion (English)"), max_length=200)
    name_ko = models.CharField(_("criterion (Korean)"), max_length=200)
    description_en = models.TextField(_("guidance (English)"), blank=True)
    description_ko = models.TextField(_("guidance (Korean)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "key"]
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_criterion_key")]

    def __str__(self) -> str:
        return self.name_en


class JointRuleChange(TimeStampedModel):
    """A change to a rule that spans both sides, proposed by one funder's officer and applied only
    when an officer of the other funder agrees (both recorded here and in the audit log)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the other funder")
        APPLIED = "applied", _("Agreed by both funders and applied")
        REJECTED = "rejected", _("Not agreed")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="joint_rule_changes")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    delete = models.BooleanField(_("delete the rule"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_side = models.CharField(
        _("proposed by the side"), max_length=2, choices=Country.choices
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_side = models.CharField(
        _("answered by the side"), max_length=2, blank=True, choices=Country.choices
    )

    class Meta:
        ordering = ["call", "-created_at"]
        verbose_name = _("change to a joint rule")
        verbose_name_plural = _("changes to joint rules")

    def __str__(self) -> str:
        return f"{self.call_id} {self.key} ({self.state})"
