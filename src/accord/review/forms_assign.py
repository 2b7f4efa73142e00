"""Forms of the reviewer pool and assignment pages: HTTP input → clean data → one service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.applications.models import Application
from accord.common.i18n import pick
from accord.directory.enums import Country
from accord.directory.models import Person
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call
from accord.review.enums import AssignmentMode


class DirectoryFilterForm(forms.Form):
    """Narrows the people offered for invitation (GET)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Both countries"))] + [
            (side.country, Country(side.country).label) for side in call.sides.all()
        ]
        self.fields["area"].choices = [("", _("All areas"))] + [
            (a.slug, pick(a, "name")) for a in TechnologyArea.objects.order_by("name_en")
        ]


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        parts = [pick(obj, "name")]
        if obj.organisation_id:
            parts.append(pick(obj.organisation, "name"))
        parts.append(str(obj.get_country_display()))
        label = " — ".join(parts)
        top = getattr(obj, "top_affinity", None)
        if top is not None:
            label += " · " + str(_("best affinity %(score).3f") % {"score": top})
        return label


class InviteForm(forms.Form):
    people = PersonChoices(
        label=_("People to invite"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only people from the call's two countries who have not been invited yet."),
    )
    due = forms.DateField(label=_("Reviews due by"), widget=forms.DateInput(attrs={"type": "date"}))
    min_load = forms.IntegerField(label=_("Fewest applications each"), min_value=0, initial=0)
    max_load = forms.IntegerField(label=_("Most applications each"), min_value=1, initial=6)

    def __init__(
        self, *args: Any, people: QuerySet[Person], call: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        if not self.is_bound:
            # Four weeks after the later of today and the call's closing day: reviews cannot be
            # due before the applications are in.
            start = dt.date.today()
            if call is not None and call.closes_at is not None:
                start = max(start, call.closes_at.date())
            self.fields["due"].initial = start + dt.timedelta(days=28)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_load"), data.get("max_load")
        if low is not None and high is not None and low > high:
            self.add_error("min_load", _("The fewest applications cannot be more than the most."))
        return data


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Assign for"), choices=AssignmentMode.choices, initial=AssignmentMode.TOTAL
    )


class ApplicationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Application) -> str:  # type: ignore[override]
        return f"{obj.reference} — {pick(obj, 'title')}"


class ReviewerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        return f"{pick(obj, 'name')} ({obj.country})"


class HandForm(forms.Form):
    """Add, remove or swap one reviewer of one application."""

    ADD, REMOVE = "add", "remove"

    application = ApplicationChoice(label=_("Application"), queryset=Application.objects.none())
    action = forms.ChoiceField(
        label=_("Change"),
        choices=[
            (ADD, pgettext_lazy("assignment by hand", "Add this reviewer")),
            (REMOVE, pgettext_lazy("assignment by hand", "Remove this reviewer")),
        ],
    )
    reviewer = ReviewerChoice(label=_("Reviewer"), queryset=Person.objects.none())
    instead_of = ReviewerChoice(
        label=_("In place of"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_(
            "When adding: the reviewer of this application who makes way. Every application "
            "keeps its number of reviewers, so a change is usually a swap."
        ),
    )

    def __init__(
        self,
        *args: Any,
        applications: QuerySet[Application],
        reviewers: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]
        self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]
        self.fields["instead_of"].queryset = reviewers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.REMOVE and data.get("instead_of") is not None:
            self.add_error("instead_of", _("“In place of” is only for adding a reviewer."))
        return data


class AnswerForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (ACCEPT, pgettext_lazy("reviewer invitation", "Accept")),
            (DECLINE, pgettext_lazy("reviewer invitation", "Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (when you decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot review this application"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
