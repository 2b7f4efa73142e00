"""Programme officer forms: HTTP input → clean data → one service call (views/ in this app, one per action).

Moments are typed as a local date and time plus the time zone they are meant in (London or
Seoul) and stored in UTC, so "closes 16:00 Seoul time" is exactly what the officer typed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.applications.enums import TRANSITIONS, ApplicationState, CheckStatus
from accord.common.forms import add_service_errors as add_service_errors
from accord.core.conflicts import ConflictConfig, Scope
from accord.directory.enums import Country
from accord.matching.selectors.conflict_config import (
    MAX_WINDOW_YEARS,
    RULE_TYPES,
    conflict_rules_of,
)
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call

ZONES = [
    ("Europe/London", pgettext_lazy("time zone", "London time (Europe/London)")),
    ("Asia/Seoul", pgettext_lazy("time zone", "Seoul time (Asia/Seoul)")),
]
SIDE_ZONES = {"GB": "Europe/London", "KR": "Asia/Seoul"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def to_local(value: dt.datetime | None, zone: str) -> str:
    """A stored (UTC) moment as the wall-clock text of ``zone``, for a datetime-local input."""
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime(LOCAL_FORMAT)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time with no time zone; the form attaches the chosen zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed.replace(tzinfo=None)


def aware(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """The wall-clock ``value`` in ``zone`` as an aware moment (stored in UTC by the database)."""
    if value is None:
        return None
    return value.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


class ZonedDatesMixin(forms.Form):
    """Opens/closes as local date-times in one chosen time zone; ``cleaned_data`` holds UTC."""

    opens_at = LocalDateTimeField(label=_("Opens"))
    closes_at = LocalDateTimeField(
        label=_("Closes"),
        help_text=_("Applications must be submitted by this moment, to the second."),
    )
    time_zone = forms.ChoiceField(label=_("The dates above are in"), choices=ZONES)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        zone = data.get("time_zone")
        if zone:
            for name in ("opens_at", "closes_at"):
                if data.get(name) is not None:
                    data[name] = aware(data[name], zone)
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data


class NewCallForm(ZonedDatesMixin):
    template = forms.ChoiceField(label=_("Template"))
    name_en = forms.CharField(label=_("Round name (English)"), max_length=200)
    name_ko = forms.CharField(
        label=_("Round name (Korean)"), max_length=200, widget=forms.TextInput(attrs={"lang": "ko"})
    )
    slug = forms.SlugField(
        label=_("Key"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; part of the call's web address."),
    )
    published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_("Visible to the public and open to applicants between the dates."),
    )

    field_order = ["template", "name_en", "name_ko", "slug", "opens_at", "closes_at", "time_zone"]

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":
            raise ValidationError(_("“new” is reserved; choose another key."), code="reserved")
        if Call.objects.filter(slug=slug).exists():
            raise ValidationError(_("A call with this key already exists."), code="unique")
        return slug


class CallSettingsForm(ZonedDatesMixin):
    name_en = forms.CharField(label=_("Round name (English)"), max_length=200)
    name_ko = forms.CharField(
        label=_("Round name (Korean)"), max_length=200, widget=forms.TextInput(attrs={"lang": "ko"})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary_ko = forms.CharField(
        label=_("Summary (Korean)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "ko"}),
    )
    published = forms.BooleanField(label=_("Published"), required=False)
    areas = forms.ModelMultipleChoiceField(
        label=_("Technology areas"),
        queryset=TechnologyArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    score_min = forms.IntegerField(label=_("Lowest score"))
    score_max = forms.IntegerField(label=_("Highest score"))
    reviewers_per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1
    )
    reviewers_from_each_country = forms.BooleanField(
        label=_("At least one reviewer from each country"), required=False
    )
    max_pages = forms.IntegerField(label=_("Page limit per PDF"), min_value=1)
    max_upload_mb = forms.IntegerField(label=_("Size limit per PDF (MB)"), min_value=1)

    VALUE_FIELDS = (
        "name_en",
        "name_ko",
        "summary_en",
        "summary_ko",
        "published",
        "opens_at",
        "closes_at",
        "score_min",
        "score_max",
        "reviewers_per_application",
        "reviewers_from_each_country",
        "max_pages",
        "max_upload_mb",
    )

    @classmethod
    def initial_for(cls, call: Call, zone: str) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(call, name) for name in cls.VALUE_FIELDS}
        initial["opens_at"] = to_local(call.opens_at, zone)
        initial["closes_at"] = to_local(call.closes_at, zone)
        initial["time_zone"] = zone
        initial["areas"] = list(call.areas.all())
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and high <= low:
            self.add_error("score_max", _("The highest score must be above the lowest."))
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.VALUE_FIELDS}


SCOPE_CHOICES = [
    (Scope.ORGANISATION.value, pgettext_lazy("conflict scope", "The whole organisation")),
    (
        Scope.DEPARTMENT.value,
        pgettext_lazy("conflict scope", "The same department (other departments: declared)"),
    ),
]


class ConflictRulesForm(forms.Form):
    """A call's conflict-of-interest settings (stored as ``Call.conflict_rules``).

    One same-organisation scope field per side of the call: ``scope_GB``, ``scope_KR``, ...
    """

    rules = forms.MultipleChoiceField(
        label=_("Conflicts checked in this call"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "An unticked kind of conflict is not looked for. The rule numbers are those of the "
            "UK (UK1–UK7: UKRI, MRC, STFC) and Korean (KR1–KR9: the National R&D Innovation "
            "Act and the joint management rules) conflict-of-interest rules that each kind "
            "carries out."
        ),
    )
    coauthor_window_years = forms.IntegerField(
        label=_("Co-authorship window (years)"),
        min_value=0,
        max_value=MAX_WINDOW_YEARS,
        help_text=_("UK4: publications with an applicant in these many years count. Default 5."),
    )
    collaborator_window_years = forms.IntegerField(
        label=_("Close-collaboration window (years)"),
        min_value=0,
        max_value=MAX_WINDOW_YEARS,
        help_text=_("UK4: a declared close collaboration ended within these many years counts."),
    )
    fellowship_scheme = forms.BooleanField(
        label=_("Fellowship-type scheme"),
        required=False,
        help_text=_(
            "UK4b: for fellowship and early-career schemes, supervision counts for 10 years."
        ),
    )
    supervision_window_years = forms.IntegerField(
        label=_("Supervision window (years)"),
        required=False,
        min_value=0,
        max_value=MAX_WINDOW_YEARS,
        help_text=_(
            "UK4, UK4b, KR5: leave blank for 10 years in a fellowship-type scheme, else 5."
        ),
    )

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_coi_%s")
        super().__init__(*args, **kwargs)
        self.countries = countries
        rules = self.fields["rules"]
        assert isinstance(rules, forms.MultipleChoiceField)
        rules.choices = [
            (kind.value, f"{label} ({ids})") for kind, (label, ids) in RULE_TYPES.items()
        ]
        names = dict(Country.choices)
        for country in countries:
            self.fields[f"scope_{country}"] = forms.ChoiceField(
                label=_("Same organisation, for reviewers from %(country)s")
                % {"country": names.get(country, country)},
                choices=SCOPE_CHOICES,
                help_text=_(
                    "UK3 blocks the whole organisation; KR4 (2024) only the same department."
                ),
            )

    @classmethod
    def initial_for(cls, config: ConflictConfig, countries: list[str]) -> dict[str, Any]:
        stored = conflict_rules_of(config)
        initial = {key: stored[key] for key in stored if key != "same_org_scope"}
        for country in countries:
            initial[f"scope_{country}"] = config.scope_for(country).value
        return initial

    def conflict_rules(self) -> dict[str, Any]:
        """The settings as ``Call.conflict_rules`` JSON (the service checks them again)."""
        data = self.cleaned_data
        return {
            "rules": list(data["rules"]),
            "coauthor_window_years": data["coauthor_window_years"],
            "collaborator_window_years": data["collaborator_window_years"],
            "fellowship_scheme": data["fellowship_scheme"],
            "supervision_window_years": data["supervision_window_years"],
            "same_org_scope": {c: data[f"scope_{c}"] for c in self.countries},
        }


class FunderCheckForm(forms.Form):
    country = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Check"), choices=CheckStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OverrideForm(forms.Form):
    rule_key = forms.ChoiceField(label=_("Rule"))
    passed = forms.TypedChoiceField(
        label=_("Result"),
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", pgettext_lazy("eligibility override", "Counts as passed")),
            ("no", pgettext_lazy("eligibility override", "Counts as failed")),
        ],
    )
    reason = forms.CharField(label=_("Reason (recorded)"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, rules: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_key"].choices = rules


class ExtensionForm(forms.Form):
    until = LocalDateTimeField(label=_("New deadline for this application"))
    time_zone = forms.ChoiceField(label=_("in"), choices=ZONES)
    reason = forms.CharField(label=_("Reason (recorded)"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("until") is not None and data.get("time_zone"):
            data["until"] = aware(data["until"], data["time_zone"])
        return data


DECISIONS = (ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE)


class DecisionForm(forms.Form):
    """Mark an application eligible or ineligible (the states TRANSITIONS allows from here)."""

    to = forms.ChoiceField(label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason (recorded)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, state: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(state, frozenset())
        self.fields["to"].choices = [(s.value, s.label) for s in DECISIONS if s in allowed] or [
            (s.value, s.label) for s in DECISIONS
        ]


class CriterionForm(forms.Form):
    """One assessment criterion of a call; ``id`` is empty for a new one, whose key the officer
    chooses (an existing criterion keeps its key: the reviews' scores are stored under it)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        required=False,
        help_text=_("Lower-case letters, digits and hyphens; it cannot change once saved."),
    )
    name_en = forms.CharField(label=_("Criterion (English)"), max_length=200)
    name_ko = forms.CharField(
        label=_("Criterion (Korean)"), max_length=200, widget=forms.TextInput(attrs={"lang": "ko"})
    )
    description_en = forms.CharField(
        label=_("Guidance (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_ko = forms.CharField(
        label=_("Guidance (Korean)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "lang": "ko"}),
    )
    weight = forms.DecimalField(
        label=_("Weight"), min_value=0, max_value=999, max_digits=5, decimal_places=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("id"):
            self.fields["key"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("id") and not data.get("key") and not data.get("DELETE"):
            self.add_error("key", _("Give the new criterion a key."))
        return data


class BaseCriteriaFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The criteria kept, in the order chosen (``ORDER``; unchanged rows keep their place)."""
        kept = [
            form
            for form in self.ordered_forms  # type: ignore[attr-defined]
            if form.has_changed() or form.cleaned_data.get("id")
        ]
        return [
            {
                "id": form.cleaned_data.get("id") or None,
                "key": form.cleaned_data.get("key") or "",
                "name_en": form.cleaned_data["name_en"],
                "name_ko": form.cleaned_data["name_ko"],
                "description_en": form.cleaned_data.get("description_en", ""),
                "description_ko": form.cleaned_data.get("description_ko", ""),
                "weight": form.cleaned_data["weight"],
            }
            for form in kept
        ]


CriteriaFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriteriaFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
)


def criteria_initial(call: Call) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "key": c.key,
            "name_en": c.name_en,
            "name_ko": c.name_ko,
            "description_en": c.description_en,
            "description_ko": c.description_ko,
            "weight": c.weight,
            "ORDER": n,
        }
        for n, c in enumerate(call.criteria.all(), start=1)
    ]
