"""The calibrated ranking for the call's officers, and the panel's pages.

Who may see what: the officer ranking is for officers of one of the call's funders
(``review.manage_call``); anyone else gets 404. Panel pages are for members of the call's panel
(``panel_calls``), and show only the applications ``panel_applications`` lets them see: a member
with a conflict does not see that application's row, and its panel page is 404 for them.
Reviewers appear to the panel as "Reviewer N", exactly as to the applicants.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accord.applications.models import Application
from accord.programmes.models import Call
from accord.review.enums import AssignmentState, ReviewState
from accord.review.forms import PanelNoteForm, add_service_errors
from accord.review.models import ApplicantResponse, Assignment, PanelNote
from accord.review.selectors import panel_applications, panel_calls
from accord.review.selectors.panel import call_ranking, ranking_csv
from accord.review.selectors.reviews import (
    anonymise,
    due_moment,
    is_overdue,
    submitted_late,
    submitted_reviews,
    with_due,
)
from accord.review.services.panel import record_panel_note
from accord.review.services.reviews import ReviewError
from accord.review.views.reviewer import declaration_of, review_of


def cache_roles(request: HttpRequest) -> None:
    """Load the user's role grants once: every permission check of the request reads them."""
    if request.user.is_authenticated:
        request.user.grants()


class RankingView(LoginRequiredMixin, View):
    """Raw and calibrated scores with intervals; ``?format=csv`` exports the final rank order."""

    template_name = "review/ranking.html"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = officer_call(request, slug)
        rows = call_ranking(call)
        if request.GET.get("format") == "csv":
            response = HttpResponse(
                ranking_csv(rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{call.slug}-ranking.csv"'
            return response
        return render(
            request,
            self.template_name,
            {"call": call, "rows": rows, "panel": False, "current": "ranking"},
        )


def officer_call(request: HttpRequest, slug: str) -> Call:
    """A call the user is an officer of (404 otherwise)."""
    cache_roles(request)
    call = (
        Call.objects.select_related("programme").prefetch_related("sides").filter(slug=slug).first()
    )
    if call is None or not request.user.has_perm("review.manage_call", call):
        raise Http404
    return call


class ProgressView(LoginRequiredMixin, View):
    """For the call's officers: every published assignment with the reviewer's conflict
    declaration (and its details) and the state of the review."""

    template_name = "review/progress.html"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = officer_call(request, slug)
        assignments = (
            with_due(Assignment.objects.filter(call=call, state=AssignmentState.PUBLISHED))
            .select_related("application", "reviewer", "declaration", "review")
            .order_by("application__reference", "reviewer__name_en")
        )
        rows = [
            {
                "assignment": a,
                "declaration": declaration_of(a),
                "review": review_of(a),
                "due": due_moment(a.due),
                "overdue": is_overdue(
                    a.due,
                    submitted=getattr(review_of(a), "state", "") == ReviewState.SUBMITTED,
                    conflict=getattr(declaration_of(a), "has_conflict", False),
                ),
                "late": submitted_late(review_of(a), a.due),
            }
            for a in assignments
        ]
        return render(
            request,
            self.template_name,
            {
                "call": call,
                "rows": rows,
                "conflicts": sum(
                    1 for r in rows if r["declaration"] and r["declaration"].has_conflict
                ),
                "overdue": sum(1 for r in rows if r["overdue"]),
                "current": "progress",
            },
        )


class PanelHomeView(LoginRequiredMixin, TemplateView):
    """The calls whose panel the user sits on."""

    template_name = "review/panel_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        calls = panel_calls(self.request.user).select_related("programme").order_by("-closes_at")
        return super().get_context_data(calls=list(calls), **kwargs)


def panel_call(user: Any, slug: str) -> Call:
    call = panel_calls(user).select_related("programme").filter(slug=slug).first()
    if call is None:
        raise Http404
    return call


class PanelCallView(LoginRequiredMixin, View):
    """The ranking, restricted to the applications this member may see."""

    template_name = "review/panel_call.html"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = panel_call(request.user, slug)
        rows = call_ranking(call, visible=panel_applications(request.user, call))
        return render(request, self.template_name, {"call": call, "rows": rows, "panel": True})


class PanelApplicationView(LoginRequiredMixin, View):
    """One application at the panel: its anonymised reviews (panel comments included), the
    applicants' response, and the moderated score and notes."""

    template_name = "review/panel_application.html"

    def get_application(self, request: HttpRequest, slug: str, reference: str) -> Application:
        call = panel_call(request.user, slug)
        application = (
            panel_applications(request.user, call)
            .filter(reference=reference)
            .select_related("call")
            .first()
        )
        if application is None:
            raise Http404
        return application

    def render_page(
        self, request: HttpRequest, application: Application, form: PanelNoteForm | None = None
    ) -> HttpResponse:
        call = application.call
        criteria = list(call.criteria.all())
        note = PanelNote.objects.filter(application=application).first()
        if form is None:
            form = PanelNoteForm(
                call=call,
                initial={
                    "moderated_score": note.moderated_score if note else None,
                    "notes": note.notes if note else "",
                },
            )
        context = {
            "call": call,
            "application": application,
            "criteria": criteria,
            "reviews": anonymise(submitted_reviews([application.pk]), criteria, for_panel=True),
            "response": ApplicantResponse.objects.filter(application=application).first(),
            "note": note,
            "form": form,
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, slug: str, reference: str) -> HttpResponse:
        return self.render_page(request, self.get_application(request, slug, reference))

    def post(self, request: HttpRequest, slug: str, reference: str) -> HttpResponse:
        application = self.get_application(request, slug, reference)
        form = PanelNoteForm(request.POST, call=application.call)
        if form.is_valid():
            try:
                record_panel_note(
                    application=application,
                    user=request.user,
                    moderated_score=form.cleaned_data["moderated_score"],
                    notes=form.cleaned_data["notes"],
                )
            except ReviewError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Panel score and notes saved."))
                return redirect(
                    "review:panel_application", slug=slug, reference=application.reference
                )
        return self.render_page(request, application, form)
