"""The directory: organisations, people and their publications (a person's expertise profile)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.common.i18n import Bilingual
from accord.common.models import TimeStampedModel
from accord.directory.enums import (
    CareerStage,
    Country,
    Language,
    OrganisationKind,
    OrganisationSize,
)
from accord.directory.validators import validate_funder_id, validate_orcid, validate_ror


class Organisation(Bilingual, TimeStampedModel):
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ko = models.CharField(_("name (Korean)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    ror_id = models.CharField(
        _("ROR ID"),
        max_length=9,
        blank=True,
        validators=[validate_ror],
        help_text=_("e.g. 03wnrjx87"),
    )
    funder_id = models.CharField(
        _("Crossref Funder ID"),
        max_length=24,
        blank=True,
        validators=[validate_funder_id],
        help_text=_("e.g. 10.13039/501100000288"),
    )
    size = models.CharField(_("size"), max_length=12, choices=OrganisationSize.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name_en

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", kwargs={"slug": self.slug})

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""


class Person(Bilingual, TimeStampedModel):
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("e.g. 0000-0002-1825-0097"),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    career_stage = models.CharField(
        _("career stage"), max_length=16, choices=CareerStage.choices, default=CareerStage.MID
    )
    phd_year = models.PositiveSmallIntegerField(_("year of PhD"), null=True, blank=True)
    areas = models.ManyToManyField(
        "partnerships.TechnologyArea", verbose_name=_("areas"), related_name="people", blank=True
    )
    public_profile = models.BooleanField(
        _("profile visible to other researchers"),
        default=True,
        help_text=_("Shown in the partner finder and on the person page."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("directory:person", kwargs={"slug": self.slug})


class Publication(TimeStampedModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    coauthors = models.JSONField(
        _("co-authors"),
        default=list,
        blank=True,
        help_text=_("Names as printed, in either script; ORCID iDs where known."),
    )

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.title


class PublicationImport(TimeStampedModel):
    """One file of publications being imported into a person's profile, off the request: the file
    waits here for the background task, which records its progress and, at the end, the report
    (the file itself is then dropped)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="imports"
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("works in the file"), default=0)
    processed = models.PositiveIntegerField(_("works processed"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    already_there = models.PositiveIntegerField(_("already in the profile"), default=0)
    duplicates_in_file = models.PositiveIntegerField(_("duplicates within the file"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("publication import")
        verbose_name_plural = _("publication imports")
        indexes = [models.Index(fields=["requested_by", "created_at"], name="pubimport_user_time")]

    def __str__(self) -> str:
        return self.name

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0
