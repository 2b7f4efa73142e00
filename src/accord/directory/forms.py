"""Forms for a researcher's own profile: HTTP input → clean data → one service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accord.directory.enums import Language
from accord.directory.services.publications import check_upload, clean_doi


def _coauthor_name(entry: Any) -> str:
    """Co-authors are stored as names or as {"name", "orcid"} objects."""
    if isinstance(entry, dict):
        return str(entry.get("name") or "")
    return str(entry)


class PublicationForm(forms.Form):
    """One publication typed by hand (or changed). Co-authors are written one per line."""

    title = forms.CharField(label=_("Title"), max_length=500)
    abstract = forms.CharField(
        label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1500)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    doi = forms.CharField(
        label=_("DOI"),
        max_length=200,
        required=False,
        help_text=_("e.g. 10.1038/s41586-021-03819-2"),
    )
    venue = forms.CharField(
        label=_("Venue"),
        max_length=300,
        required=False,
        help_text=_("Journal, conference or publisher."),
    )
    coauthors = forms.CharField(
        label=_("Co-authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One name per line, as printed; leave yourself out."),
    )

    def __init__(self, *args: Any, previous_coauthors: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.previous_coauthors = previous_coauthors or []

    @classmethod
    def initial_from(cls, publication: Any) -> dict[str, Any]:
        return {
            "title": publication.title,
            "abstract": publication.abstract,
            "year": publication.year,
            "language": publication.language,
            "doi": publication.doi,
            "venue": publication.venue,
            "coauthors": "\n".join(_coauthor_name(c) for c in publication.coauthors or []),
        }

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        latest = dt.date.today().year + 1
        if year is not None and year > latest:
            raise ValidationError(
                _("The year cannot be later than %(year)s.") % {"year": latest}, code="year"
            )
        return year

    def clean_doi(self) -> str:
        return clean_doi(self.cleaned_data.get("doi"))

    def clean_coauthors(self) -> list[Any]:
        """Lines → names; a line equal to the name of a stored {"name", "orcid"} entry keeps it."""
        kept = {_coauthor_name(c): c for c in self.previous_coauthors if isinstance(c, dict)}
        names: list[Any] = []
        for line in (self.cleaned_data.get("coauthors") or "").splitlines():
            name = " ".join(line.split())
            if name and name not in [_coauthor_name(n) for n in names]:
                names.append(kept.get(name, name))
        return names


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Publication list"),
        help_text=_("BibTeX (.bib), RIS (.ris), or your ORCID record as JSON or XML; up to 5 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(name=upload.name, size=upload.size)
        return upload


class VisibilityForm(forms.Form):
    public_profile = forms.BooleanField(
        label=_("Show my profile in the partner finder"), required=False
    )
