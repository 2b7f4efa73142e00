"""Programmes: money that carries out an accord, each with its funders (one per side)."""

from __future__ import annotations

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
