"""HTTP input for decisions and awards: clean data → one service call."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.common.forms import add_service_errors as add_service_errors
from accord.common.i18n import pick
from accord.decisions.enums import OutputKind, Verdict
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import CallSide

APPLIES_TO = [
    ("costs", pgettext_lazy("exchange rate applies to", "the costs")),
    ("budget", pgettext_lazy("exchange rate applies to", "the budget")),
    ("both", pgettext_lazy("exchange rate applies to", "both")),
]
BOUNDS = [("min", _("at least")), ("max", _("at most"))]


class PortfolioForm(forms.Form):
    """Budgets per side (each in its currency), area bounds and must / must-not lists."""

    name = forms.CharField(label=_("Scenario name"), max_length=120, required=False)

    def __init__(
        self,
        *args: Any,
        sides: Sequence[CallSide],
        areas: Sequence[TechnologyArea],
        references: Sequence[str],
        budgets: dict[str, Decimal | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sides = list(sides)
        self.areas = list(areas)
        for side in self.sides:
            self.fields[f"budget_{side.country}"] = forms.DecimalField(
                label=_("Budget of %(funder)s (%(currency)s)")
                % {"funder": pick(side.funder, "name"), "currency": side.currency},
                min_value=0,
                max_digits=18,
                decimal_places=2,
                initial=budgets.get(side.country),
            )
        for area in self.areas:
            self.fields[f"min_{area.slug}"] = forms.IntegerField(
                label=_("At least (%(area)s)") % {"area": pick(area, "name")},
                min_value=0,
                required=False,
            )
            self.fields[f"max_{area.slug}"] = forms.IntegerField(
                label=_("At most (%(area)s)") % {"area": pick(area, "name")},
                min_value=0,
                required=False,
            )
        choices = [(r, r) for r in references]
        self.fields["must_fund"] = forms.MultipleChoiceField(
            label=_("Must fund"),
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["must_not_fund"] = forms.MultipleChoiceField(
            label=_("Must not fund"),
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        both = set(data.get("must_fund") or []) & set(data.get("must_not_fund") or [])
        if both:
            raise ValidationError(
                _("%(refs)s cannot be both must-fund and must-not-fund.")
                % {"refs": ", ".join(sorted(both))}
            )
        return data

    def budget_fields(self) -> list[forms.BoundField]:
        return [self[f"budget_{s.country}"] for s in self.sides]

    def area_rows(self) -> list[tuple[TechnologyArea, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"min_{a.slug}"], self[f"max_{a.slug}"]) for a in self.areas]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "budgets": {s.country: data[f"budget_{s.country}"] for s in self.sides},
            "area_min": {
                a.slug: data[f"min_{a.slug}"] for a in self.areas if data.get(f"min_{a.slug}")
            },
            "area_max": {
                a.slug: data[f"max_{a.slug}"]
                for a in self.areas
                if data.get(f"max_{a.slug}") is not None
            },
            "must_fund": list(data["must_fund"]),
            "must_not_fund": list(data["must_not_fund"]),
        }


class WhatIfForm(forms.Form):
    """One or more changes to a scenario: a budget, an exchange rate, an area bound."""

    def __init__(
        self, *args: Any, sides: Sequence[CallSide], areas: Sequence[TechnologyArea], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sides = list(sides)
        for side in self.sides:
            self.fields[f"budget_{side.country}"] = forms.DecimalField(
                label=_("New budget of %(funder)s (%(currency)s)")
                % {"funder": pick(side.funder, "name"), "currency": side.currency},
                min_value=0,
                max_digits=18,
                decimal_places=2,
                required=False,
            )
        self.fields["rate_side"] = forms.ChoiceField(
            label=_("Exchange rate: side"),
            choices=[("", "—")] + [(s.country, f"{s.country} ({s.currency})") for s in self.sides],
            required=False,
        )
        self.fields["rate"] = forms.DecimalField(
            label=_("multiply by"),
            min_value=Decimal("0.000001"),
            max_digits=12,
            decimal_places=6,
            required=False,
            help_text=_("e.g. 1.03 when the currency loses 3 % against the other."),
        )
        self.fields["rate_applies_to"] = forms.ChoiceField(
            label=_("applied to"), choices=APPLIES_TO, initial="costs"
        )
        self.fields["area"] = forms.ChoiceField(
            label=_("Area bound: area"),
            choices=[("", "—")] + [(a.slug, a.name) for a in areas],
            required=False,
        )
        self.fields["bound"] = forms.ChoiceField(label=_("bound"), choices=BOUNDS, initial="min")
        self.fields["bound_value"] = forms.IntegerField(
            label=_("number of applications"),
            min_value=0,
            required=False,
            help_text=_("Leave empty to remove the bound."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("rate_side") and not data.get("rate"):
            self.add_error("rate", _("Give the factor to apply."))
        if data.get("rate") and not data.get("rate_side"):
            self.add_error("rate_side", _("Choose the side whose currency moves."))
        return data

    def changes(self) -> list[Any]:
        from accord.core.portfolio import (
            AreaBoundChange,
            BudgetChange,
            ExchangeRateChange,
        )

        data = self.cleaned_data
        changes: list[Any] = []
        for side in self.sides:
            amount = data.get(f"budget_{side.country}")
            if amount is not None:
                changes.append(BudgetChange(side.country, float(amount)))
        if data.get("rate_side") and data.get("rate"):
            changes.append(
                ExchangeRateChange(
                    data["rate_side"], float(data["rate"]), data.get("rate_applies_to") or "costs"
                )
            )
        if data.get("area"):
            changes.append(AreaBoundChange(data["area"], data["bound"], data.get("bound_value")))
        return changes


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Decision for your side"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount for your side"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("In your side's currency. Empty: what the application requests."),
    )
    feedback_en = forms.CharField(
        label=_("Feedback to the applicants (English)"), widget=forms.Textarea, required=False
    )
    feedback_ko = forms.CharField(
        label=_("Feedback to the applicants (Korean)"), widget=forms.Textarea, required=False
    )
    starts_on = forms.DateField(
        label=_("Award starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Used if this decision completes the award. Empty: the 1st of next month."),
    )


class PaymentForm(forms.Form):
    payment = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutputKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    count = forms.IntegerField(
        label=_("Count"), min_value=1, initial=1, help_text=_("e.g. the number of people trained.")
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is taken out of the open data"), max_length=500, required=True
    )
