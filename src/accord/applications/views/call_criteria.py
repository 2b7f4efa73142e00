"""A call's assessment criteria, edited together: names in both languages, guidance, weight,
order; add and remove. The call's officers only (404 for anyone who does not manage the call,
403 for an administrator); closed once a review has been submitted."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accord.applications.forms_manage import CriteriaFormSet, criteria_initial
from accord.applications.views.mixins import CallChangeMixin
from accord.programmes.models import Call
from accord.programmes.selectors import reviews_submitted
from accord.programmes.services.criteria import save_criteria

TEMPLATE = "applications/manage/criteria.html"


class CallCriteriaView(CallChangeMixin, View):
    def load(self) -> Call:
        call = self.get_call()
        self.require_change(call)
        return call

    def page(self, call: Call, formset: object, refused: list[str] | None = None) -> HttpResponse:
        return render(
            self.request,
            TEMPLATE,
            {
                "call": call,
                "formset": formset,
                "refused": refused or [],
                "locked": reviews_submitted(call),
            },
        )

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load()
        return self.page(call, CriteriaFormSet(initial=criteria_initial(call), prefix="criteria"))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load()
        formset = CriteriaFormSet(request.POST, initial=criteria_initial(call), prefix="criteria")
        if formset.is_valid():
            try:
                save_criteria(call=call, rows=formset.rows(), actor=request.user)
            except ValidationError as exc:
                return self.page(call, formset, refused=exc.messages)
            else:
                messages.success(request, _("Assessment criteria saved."))
                url = reverse("manage:call_settings", kwargs={"slug": call.slug})
                return redirect(f"{url}#criteria")
        return self.page(call, formset)
