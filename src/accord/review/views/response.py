"""The applicants' page of their reviews: anonymised ("Reviewer 1", "Reviewer 2"), and their answer.

Who may see it: the application's team members only (found through ``applications_visible_to``
and the user's own team membership; officers use their own pages), and only in a call where
applicants may answer. The reviews appear when the response window opens; the answer can be
written until it closes, and is read-only afterwards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accord.applications.models import Application
from accord.applications.selectors import applications_visible_to
from accord.review.forms import ResponseForm, add_service_errors
from accord.review.models import ApplicantResponse
from accord.review.selectors.reviews import anonymise, response_stage, submitted_reviews
from accord.review.services.reviews import ReviewError, submit_response


def team_application(user: Any, reference: str) -> Application:
    """The application if the user is on its team and its call takes responses; else 404."""
    pid = getattr(user, "person_id", None)
    if pid is None:
        raise Http404
    application = (
        applications_visible_to(user)
        .filter(reference=reference, members__person_id=pid)
        .select_related("call")
        .first()
    )
    if application is None or not application.call.applicant_response:
        raise Http404
    return application


class ResponseView(LoginRequiredMixin, View):
    template_name = "review/response.html"

    def render_page(
        self,
        request: HttpRequest,
        application: Application,
        form: ResponseForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        call = application.call
        stage = response_stage(call)
        criteria = list(call.criteria.all())
        reviews = (
            anonymise(submitted_reviews([application.pk]), criteria, for_panel=False)
            if stage in {"open", "after"}
            else []
        )
        response = ApplicantResponse.objects.filter(application=application).first()
        if form is None and stage == "open":
            form = ResponseForm(initial={"text": response.text if response else ""})
        context = {
            "application": application,
            "call": call,
            "stage": stage,
            "reviews": reviews,
            "criteria": criteria,
            "response": response,
            "form": form if stage == "open" else None,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        return self.render_page(request, team_application(request.user, reference))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = team_application(request.user, reference)
        form = ResponseForm(request.POST)
        status = 200
        if form.is_valid():
            try:
                submit_response(
                    application=application,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except ReviewError as exc:
                if getattr(exc, "code", "") and str(exc.code).startswith("window_"):
                    messages.error(request, exc.messages[0])
                    return self.render_page(request, application, status=403)
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your response is saved. The panel will read it."))
                return redirect("review:response", reference=application.reference)
        return self.render_page(request, application, form, status=status)
