"""Matching pages: the partner finder (signed-in researchers), the officer's affinity runs with a
progress bar, and suggested reviewers per application with explanations and flagged conflicts.

Who may see what: the partner finder shows only public profiles to signed-in users; runs and
suggestions are for officers of the call's funders — for anyone else the call or application does
not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from accord.applications.models import Application
from accord.applications.selectors import applications_visible_to, calls_of_officer
from accord.common.services.runs import checked
from accord.matching.forms import PartnerSearchForm
from accord.matching.models import AffinityScore, Conflict, MatchRun
from accord.matching.selectors.partners import find_partners
from accord.matching.services.runs import start_match_run


class PartnerFinderView(LoginRequiredMixin, TemplateView):
    template_name = "matching/partners.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = getattr(self.request.user, "person", None)
        other = "KR" if person is None or person.country != "KR" else "GB"
        form = PartnerSearchForm(self.request.GET or None, initial={"country": other})
        matches = None
        no_profile = False
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            use_profile = not data["text"].strip()
            no_profile = use_profile and (person is None or not person.publications.exists())
            matches = find_partners(
                person=person if use_profile else None,
                text=data["text"],
                other_country=data["country"],
                areas=list(data["areas"]),
                org_kinds=data["org_kinds"],
                career_stages=data["career_stages"],
                call=data["call"],
            )
        return super().get_context_data(
            form=form, matches=matches, person=person, no_profile=no_profile, **kwargs
        )


class OfficerCallMixin(LoginRequiredMixin):
    """The call's matching pages: ``review.manage_call`` (its officers), else 404."""

    def get_call(self) -> Any:
        call = get_object_or_404(calls_of_officer(self.request.user), slug=self.kwargs["slug"])  # type: ignore[attr-defined]
        if not self.request.user.has_perm("review.manage_call", call):  # type: ignore[attr-defined]
            raise Http404
        return call


class MatchingView(OfficerCallMixin, TemplateView):
    """The call's latest run and a button to recompute."""

    template_name = "matching/matching.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.get_call()
        return super().get_context_data(
            call=call, run=checked(MatchRun.objects.filter(call=call).first()), **kwargs
        )

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.get_call()
        start_match_run(call=call, actor=request.user, background=True)
        return redirect("matching:call", slug=call.slug)


class RunProgressView(OfficerCallMixin, TemplateView):
    """The progress bar fragment; htmx polls it while the run is going."""

    template_name = "matching/_progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.get_call()
        run = checked(get_object_or_404(MatchRun, pk=kwargs["pk"], call=call))
        return super().get_context_data(call=call, run=run, **kwargs)


class SuggestedReviewersView(LoginRequiredMixin, TemplateView):
    template_name = "matching/suggestions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            application = (
                applications_visible_to(self.request.user)
                .select_related("call")
                .get(reference=kwargs["reference"])
            )
        except Application.DoesNotExist:
            raise Http404 from None
        if not self.request.user.has_perm("applications.manage_application", application):
            raise Http404
        conflicts: dict[int, list[Conflict]] = {}
        for conflict in Conflict.objects.filter(application=application).select_related(
            "reviewer", "application"
        ):
            conflicts.setdefault(conflict.reviewer_id, []).append(conflict)
        scores = (
            AffinityScore.objects.filter(application=application)
            .select_related("reviewer__organisation")
            .order_by("-score")[:25]
        )
        rows = [(s, conflicts.get(s.reviewer_id, [])) for s in scores]
        return super().get_context_data(
            application=application,
            rows=rows,
            run=MatchRun.objects.filter(call=application.call).first(),
            **kwargs,
        )
