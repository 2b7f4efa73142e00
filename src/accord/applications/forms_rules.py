"""One form per kind of eligibility rule (``accord.core.eligibility.RULE_KINDS``): the rule's
settings as fields with choices, bounds and dates instead of JSON.

``rule_form(kind, call=...)`` makes the kind's form; ``form.params()`` is the rule's stored
parameters (the service checks them again through the core, whose errors come back on the field
to fix, in the reader's language: ``programmes.rule_errors``); ``initial_for(kind, params)`` fills
the form from stored parameters.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accord.applications.enums import MemberRole
from accord.core import eligibility as core
from accord.directory.enums import CareerStage, Country, OrganisationKind
from accord.programmes.models import Call

HUNDRED = Decimal(100)


def _text(value: Decimal) -> str:
    """A decimal as the core stores it: digits, no exponent, no trailing zeros (``"225000"``)."""
    text = format(value.normalize(), "f")
    return text


def _choices(enum: Any, allowed: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in enum.choices if value in allowed]


class RuleParamsForm(forms.Form):
    """The settings of one kind of rule; subclasses declare the fields (named as the core's
    parameters) and, where the stored form differs, ``params`` and ``initial_for``."""

    kind: ClassVar[str]
    intro: ClassVar[Any] = ""

    def __init__(self, *args: Any, call: Call, adding: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_rule_%s")
        super().__init__(*args, **kwargs)
        self.call = call
        sides = list(call.sides.all())
        names = dict(Country.choices)
        if "country" in self.fields:
            self.choice("country").choices = [
                (s.country, names.get(s.country, s.country)) for s in sides
            ]
        currencies = sorted({s.currency for s in sides})
        for name in ("currency", "base"):
            if name in self.fields:
                self.choice(name).choices = [(c, c) for c in currencies]
        if adding:
            self.fields = {
                "key": forms.SlugField(
                    label=_("Key"),
                    max_length=60,
                    help_text=_(
                        "A short name for this rule in this call: lower-case letters, digits and hyphens."
                    ),
                ),
                **self.fields,
            }

    def choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if self.call.rules.filter(key=key).exists():
            raise ValidationError(_("This call already has a rule with this key."), code="unique")
        return key

    def params(self) -> dict[str, Any]:
        """The parameters to store: decimals as strings, dates as ISO text, empty optional
        settings left out (the core's default applies)."""
        out: dict[str, Any] = {}
        for name in self.fields:
            if name == "key":
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            if isinstance(value, Decimal):
                value = _text(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, list | tuple):
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def initial_for(cls, params: dict[str, Any]) -> dict[str, Any]:
        return dict(params)


class NoSettingsForm(RuleParamsForm):
    intro = _("This kind of rule has no settings.")


class LeadEachSideForm(NoSettingsForm):
    kind = "lead_each_side"


class BudgetEachSideForm(NoSettingsForm):
    kind = "budget_each_side"


class KoreanSummaryForm(NoSettingsForm):
    kind = "korean_summary"


class AreasInCallForm(NoSettingsForm):
    kind = "areas_in_call"


def country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Side"), help_text=_("The country whose team members or budget this rule checks.")
    )


def roles_field(default: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Team members checked"),
        choices=MemberRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=default,
    )


class MaxRequestForm(RuleParamsForm):
    kind = "max_request"
    country = country_field()
    amount = forms.DecimalField(
        label=_("Largest amount requested"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=_("The most this side's funder may be asked for, after its funding rates."),
    )
    currency = forms.ChoiceField(label=_("Currency of the amount"))


class OrgKindsForm(RuleParamsForm):
    kind = "org_kinds"
    country = country_field()
    kinds = forms.MultipleChoiceField(
        label=_("Eligible types of organisation"),
        choices=_choices(OrganisationKind, core.ORG_KINDS),
        widget=forms.CheckboxSelectMultiple,
    )
    roles = roles_field(_("Leave all unticked to check every team member of this side."))


class CareerStageForm(RuleParamsForm):
    kind = "career_stage"
    country = country_field()
    stages = forms.MultipleChoiceField(
        label=_("Eligible career stages"),
        choices=_choices(CareerStage, core.CAREER_STAGES),
        widget=forms.CheckboxSelectMultiple,
    )
    roles = roles_field(_("Leave all unticked to check the lead applicant only."))


class YearsSincePhdForm(RuleParamsForm):
    kind = "years_since_phd"
    country = country_field()
    min = forms.IntegerField(
        label=_("At least this many years since the PhD"),
        min_value=0,
        max_value=60,
        required=False,
        help_text=_("Counted to the call's closing date. Leave empty for no lower limit."),
    )
    max = forms.IntegerField(
        label=_("At most this many years since the PhD"),
        min_value=0,
        max_value=60,
        required=False,
        help_text=_("Leave empty for no upper limit; give at least one of the two."),
    )
    roles = roles_field(_("Leave all unticked to check the lead applicant only."))


class DurationForm(RuleParamsForm):
    kind = "duration"
    min = forms.IntegerField(label=_("Shortest duration (months)"), min_value=1, max_value=120)
    max = forms.IntegerField(
        label=_("Longest duration (months)"),
        min_value=1,
        max_value=120,
        help_text=_("Give the same number twice for a fixed duration."),
    )


class MaxApplicationsForm(RuleParamsForm):
    kind = "max_applications_per_person"
    max = forms.IntegerField(
        label=_("Applications per person"),
        min_value=1,
        max_value=20,
        help_text=_("The most applications to this call one person may be on."),
    )


class CostBalanceForm(RuleParamsForm):
    """The share is typed in per cent (70) and stored as a fraction (``"0.7"``); one exchange
    rate field per currency of the call (``rate_GBP``, ``rate_KRW``)."""

    kind = "cost_balance"
    max_share = forms.DecimalField(
        label=_("Largest share of one side (%)"),
        min_value=Decimal("0.01"),
        max_value=HUNDRED,
        decimal_places=2,
        help_text=_("Of the total eligible cost of both sides, e.g. 70."),
    )
    base = forms.ChoiceField(label=_("Currency the costs are compared in"))
    rate_date = forms.DateField(
        label=_("Date of the exchange rates"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for currency in sorted({s.currency for s in self.call.sides.all()}):
            self.fields[f"rate_{currency}"] = forms.DecimalField(
                label=_("Value of 1 %(currency)s in the compared currency")
                % {"currency": currency},
                min_value=Decimal("0.000000001"),
                max_digits=24,
                decimal_places=12,
                required=False,
                help_text=_("1 for the compared currency itself."),
            )

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        rates = {
            name.removeprefix("rate_"): _text(value)
            for name, value in data.items()
            if name.startswith("rate_") and name != "rate_date" and value is not None
        }
        return {
            "max_share": _text(data["max_share"] / HUNDRED),
            "rates": rates,
            "rate_date": data["rate_date"].isoformat(),
            "base": data["base"],
        }

    @classmethod
    def initial_for(cls, params: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "base": params.get("base"),
            "rate_date": params.get("rate_date"),
        }
        try:
            initial["max_share"] = _text(Decimal(str(params.get("max_share"))) * HUNDRED)
        except ArithmeticError:
            initial["max_share"] = ""
        rates = params.get("rates")
        if isinstance(rates, dict):
            for currency, rate in rates.items():
                initial[f"rate_{currency}"] = rate
        return initial


FORMS: dict[str, type[RuleParamsForm]] = {
    form.kind: form
    for form in (
        LeadEachSideForm,
        MaxRequestForm,
        BudgetEachSideForm,
        OrgKindsForm,
        CareerStageForm,
        YearsSincePhdForm,
        DurationForm,
        CostBalanceForm,
        MaxApplicationsForm,
        KoreanSummaryForm,
        AreasInCallForm,
    )
}
assert set(FORMS) == set(core.RULE_KINDS), "every kind of rule has its form"


def rule_form(
    kind: str,
    *,
    call: Call,
    data: Any = None,
    params: dict[str, Any] | None = None,
    adding: bool = False,
) -> RuleParamsForm:
    """The form of ``kind``: bound to ``data``, or filled from stored ``params``."""
    form_class = FORMS[kind]
    initial = form_class.initial_for(params) if params else None
    return form_class(data, call=call, adding=adding, initial=initial)


class RuleKindForm(forms.Form):
    """Step one of adding a rule: its kind (the kind's own form follows)."""

    kind = forms.ChoiceField(label=_("Kind of rule"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from accord.applications.selectors.eligibility import rule_label

        kwargs.setdefault("auto_id", "id_rule_kind_%s")
        super().__init__(*args, **kwargs)
        self.choice_field().choices = [(kind, rule_label(kind)) for kind in core.RULE_KINDS]

    def choice_field(self) -> forms.ChoiceField:
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        return field
