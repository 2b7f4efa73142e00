"""Applicant forms: HTTP input → clean data → one service call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.applications.enums import BudgetCategory, DocumentKind, MemberRole
from accord.applications.models import Application
from accord.directory.models import Organisation
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import CURRENCIES


class StartForm(forms.Form):
    title_en = forms.CharField(label=_("Working title (English)"), max_length=300)


class ApplicationForm(forms.ModelForm):
    """The editable fields; ``version`` is the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    areas = forms.ModelMultipleChoiceField(
        label=_("Technology areas"),
        queryset=TechnologyArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Application
        fields = [
            "title_en",
            "summary_en",
            "title_ko",
            "summary_ko",
            "case_for_support",
            "keywords",
            "duration_months",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 6}),
            "summary_ko": forms.Textarea(attrs={"rows": 6, "lang": "ko"}),
            "title_ko": forms.TextInput(attrs={"lang": "ko"}),
            "case_for_support": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = self.instance.call.areas.all()
        if not self.is_bound:
            self.initial["areas"] = list(self.instance.areas.all())
            self.initial["version"] = self.instance.version


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    country = forms.ChoiceField(label=_("Side"))

    def __init__(self, *args: Any, sides: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = sides


class BudgetLineForm(forms.Form):
    """One cost line of one side (the side is the page's, not the line's)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=_("Eligible cost"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)

    # What a person types; the selects always send a value, so they do not make a row non-blank.
    TYPED = ("organisation", "description", "amount")

    def __init__(self, *args: Any, organisations: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["currency"].initial = currency

    def has_changed(self) -> bool:
        if self.is_bound and self.empty_permitted:
            return any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.TYPED)
        return super().has_changed()


class BaseBudgetFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return dict(self.form_kwargs)


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=2, can_delete=True
)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("PDF file"))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
