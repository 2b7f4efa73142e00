"""Partnerships: the agreements two governments sign and what they commit to."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.common.i18n import Bilingual
from accord.common.models import TimeStampedModel
from accord.directory.enums import Country
from accord.partnerships.enums import CommitmentStatus, InstrumentKind


class TechnologyArea(Bilingual, TimeStampedModel):
    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("technology area")
        verbose_name_plural = _("technology areas")

    def __str__(self) -> str:
        return self.name_en


class Partnership(Bilingual, TimeStampedModel):
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    country_a = models.CharField(_("first country"), max_length=2, choices=Country.choices)
    country_b = models.CharField(_("second country"), max_length=2, choices=Country.choices)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at_en = models.CharField(_("place of signature (English)"), max_length=200, blank=True)
    signed_at_ko = models.CharField(_("place of signature (Korean)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(country_a=models.F("country_b")),
                name="partnership_two_countries",
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", kwargs={"slug": self.slug})


class Signatory(Bilingual, TimeStampedModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="signatories"
    )
    slug = models.SlugField(_("key"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    office_en = models.CharField(_("office (English)"), max_length=300)
    office_ko = models.CharField(_("office (Korean)"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["country", "slug"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="unique_signatory")
        ]

    def __str__(self) -> str:
        return self.name_en


class Instrument(Bilingual, TimeStampedModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="instruments"
    )
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("Order among the instruments signed as part of the accord."),
    )
    core = models.BooleanField(
        _("signed as part of the accord"),
        default=True,
        help_text=_("False for related agreements and initiatives."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name_en = models.CharField(_("title (English)"), max_length=300)
    name_ko = models.CharField(_("title (Korean)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"))
    summary_ko = models.TextField(_("summary (Korean)"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    parties = models.ManyToManyField(
        "directory.Organisation", verbose_name=_("parties"), related_name="instruments", blank=True
    )
    areas = models.ManyToManyField(
        TechnologyArea, verbose_name=_("areas"), related_name="instruments", blank=True
    )

    class Meta:
        ordering = ["-core", "number", "name_en"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name_en


class Commitment(Bilingual, TimeStampedModel):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="commitments")
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    text_en = models.TextField(_("commitment (English)"))
    text_ko = models.TextField(_("commitment (Korean)"))
    owner = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    due = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )
    evidence = models.JSONField(
        _("evidence"),
        default=list,
        blank=True,
        help_text=_("Links that show delivery: a list of {title, url, date}."),
    )
    areas = models.ManyToManyField(
        TechnologyArea, verbose_name=_("areas"), related_name="commitments", blank=True
    )

    class Meta:
        ordering = ["instrument__number", "slug"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.text_en[:80]

    @property
    def text(self) -> str:
        return self.local("text")

    @property
    def overdue(self) -> bool:
        """Past its due date and neither delivered nor an ongoing activity."""
        import datetime as dt

        return (
            self.due is not None
            and self.due < dt.date.today()
            and self.status not in (CommitmentStatus.DELIVERED, CommitmentStatus.ONGOING)
        )
