"""The secretariat's commitment form: a status, one new piece of evidence, evidence to remove."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.partnerships.enums import CommitmentStatus


class CommitmentForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=CommitmentStatus.choices, widget=forms.RadioSelect
    )
    evidence_title = forms.CharField(
        label=_("Title of the evidence"), max_length=300, required=False
    )
    evidence_url = forms.URLField(label=_("Link (optional)"), required=False, assume_scheme="https")
    evidence_date = forms.DateField(
        label=_("Date (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    remove = forms.TypedMultipleChoiceField(
        label=_("Remove evidence"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Note for the audit log (optional)"), max_length=500, required=False
    )

    def __init__(self, *args: Any, evidence: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(i, e.get("title", "")) for i, e in enumerate(evidence)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("evidence_url") or data.get("evidence_date")) and not data.get(
            "evidence_title"
        ):
            self.add_error("evidence_title", _("Give the evidence a title."))
        return data
