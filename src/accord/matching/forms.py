from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.directory.enums import CareerStage, Country, OrganisationKind
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call


class PartnerSearchForm(forms.Form):
    text = forms.CharField(
        label=_("Describe the project or the expertise you are looking for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In English or Korean. Leave empty to search with your own publications."),
    )
    country = forms.ChoiceField(
        label=_("Partner's country"), choices=[(c, Country(c).label) for c in ("GB", "KR")]
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=TechnologyArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    org_kinds = forms.MultipleChoiceField(
        label=_("Kind of organisation"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    career_stages = forms.MultipleChoiceField(
        label=_("Career stage"),
        choices=CareerStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    call = forms.ModelChoiceField(
        label=_("Eligible for the call"),
        queryset=Call.objects.filter(published=True),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].label_from_instance = lambda c: c.local("name")  # type: ignore[attr-defined]
