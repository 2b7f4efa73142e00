"""Review forms: HTTP input → clean data → one service call. Bounds are checked here (field errors
that keep the typed text) and again by the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.common.forms import add_service_errors as add_service_errors
from accord.common.i18n import pick
from accord.programmes.models import Call, Criterion
from accord.review.services.reviews import CONFIDENCE_CHOICES, score_field


class DeclarationForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("none", _("I have no conflict of interest with this application")),
            ("conflict", _("I have a conflict of interest with this application")),
        ],
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details of the conflict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you have a conflict: the officer reads it and reassigns."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("answer") == "conflict" and not (data.get("details") or "").strip():
            self.add_error("details", _("Say what the conflict is, so the officer can decide."))
        return data

    @property
    def has_conflict(self) -> bool:
        return self.cleaned_data["answer"] == "conflict"


class ReviewForm(forms.Form):
    """One score per criterion of the call (bounded by its scale), confidence and two comments."""

    confidence = forms.TypedChoiceField(
        label=_("Confidence"),
        choices=[("", "—"), *[(n, str(n)) for n in CONFIDENCE_CHOICES]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1: outside my expertise · 5: squarely in my expertise."),
    )
    comments_applicant = forms.CharField(
        label=_("Comments for the applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The applicants read these, without your name."),
    )
    comments_panel = forms.CharField(
        label=_("Comments for the panel only"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Never shown to the applicants."),
    )

    def __init__(self, *args: Any, call: Call, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.criteria = criteria
        scores = {}
        for criterion in criteria:
            scores[score_field(criterion)] = forms.IntegerField(
                label=pick(criterion, "name"),
                help_text=pick(criterion, "description"),
                min_value=call.score_min,
                max_value=call.score_max,
                required=False,
                widget=forms.NumberInput(attrs={"min": call.score_min, "max": call.score_max}),
            )
        # Scores first, in the criteria's order.
        self.fields = {**scores, **self.fields}

    @classmethod
    def initial_for(cls, review: Any) -> dict[str, Any]:
        if review is None:
            return {}
        return {
            **{f"score_{k}": v for k, v in review.scores.items()},
            "confidence": review.confidence,
            "comments_applicant": review.comments_applicant,
            "comments_panel": review.comments_panel,
        }

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field(c)] for c in self.criteria]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("confidence", "comments_applicant", "comments_panel")]

    def scores(self) -> dict[str, int]:
        return {
            c.key: self.cleaned_data[score_field(c)]
            for c in self.criteria
            if self.cleaned_data.get(score_field(c)) is not None
        }


class ResponseForm(forms.Form):
    text = forms.CharField(
        label=_("Your response to the reviews"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
    )


class PanelNoteForm(forms.Form):
    moderated_score = forms.DecimalField(
        label=_("Moderated score"),
        required=False,
        max_digits=5,
        decimal_places=2,
    )
    notes = forms.CharField(
        label=_("Panel notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moderated_score"] = forms.DecimalField(
            label=_("Moderated score"),
            required=False,
            max_digits=5,
            decimal_places=2,
            min_value=Decimal(call.score_min),
            max_value=Decimal(call.score_max),
            widget=forms.NumberInput(
                attrs={"min": call.score_min, "max": call.score_max, "step": "0.01"}
            ),
            help_text=_("From %(min)s to %(max)s; leave empty to keep the calibrated score.")
            % {"min": call.score_min, "max": call.score_max},
        )
