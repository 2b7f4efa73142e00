"""Officer pages of a call's assignment: run the solver (in the background, with progress), read
its certificate or why it failed, inspect the assignment per application and per reviewer,
adjust it by hand, publish it.

Who may see what: programme officers of one of the call's funders (``review.manage_call``). The
call is found only through ``calls_of_officer``, so for anyone else it does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accord.applications.models import Application
from accord.applications.selectors import calls_of_officer
from accord.common.forms import add_service_errors as add_service_errors
from accord.common.services.runs import checked
from accord.directory.enums import Country
from accord.directory.models import Person
from accord.programmes.models import Call
from accord.review.enums import AssignmentState, InvitationState
from accord.review.forms_assign import HandForm, RunForm
from accord.review.models import Assignment, AssignmentRun, ReviewerInvitation
from accord.review.selectors.assignment import ASSIGNED_STATES, LIVE_STATES
from accord.review.services.assignment import (
    publish_assignments,
    set_assignment_by_hand,
    start_assignment_run,
)


class OfficerCallMixin(LoginRequiredMixin):
    """Signed-in users only (anonymous → sign-in page); the call comes from ``calls_of_officer``
    and must pass ``permission``, else 404."""

    permission = "review.manage_call"
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_call(self) -> Call:
        call = (
            calls_of_officer(self.request.user)
            .prefetch_related("sides")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if call is None or not self.request.user.has_perm(self.permission, call):
            raise Http404
        return call


def assigned_applications(call: Call) -> QuerySet[Application]:
    """The applications the assignment covers, each with its live assignments in ``live``."""
    return (
        Application.objects.filter(call=call)
        .filter(Q(state__in=ASSIGNED_STATES) | Q(assignments__isnull=False))
        .distinct()
        .order_by("reference")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state__in=LIVE_STATES)
                .select_related("reviewer")
                .order_by("reviewer__country", "-affinity", "reviewer__name_en"),
                to_attr="live",
            )
        )
    )


def pool_with_loads(call: Call) -> QuerySet[ReviewerInvitation]:
    """The accepted invitations, each with ``load``: the reviewer's live assignments in the call."""
    return (
        ReviewerInvitation.objects.filter(call=call, state=InvitationState.ACCEPTED)
        .select_related("person__organisation")
        .annotate(
            load=Count(
                "person__assignments",
                filter=Q(
                    person__assignments__call=call,
                    person__assignments__state__in=LIVE_STATES,
                ),
            )
        )
        .order_by("person__country", "person__name_en")
    )


def pool_people(call: Call) -> QuerySet[Person]:
    return Person.objects.filter(
        review_invitations__call=call, review_invitations__state=InvitationState.ACCEPTED
    ).order_by("country", "name_en")


class AssignmentView(OfficerCallMixin, TemplateView):
    """The run button, the latest run, the inspection tables, the hand form and publication."""

    template_name = "review/assign/assignment.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = self.get_call()
        return self.render_to_response(self.get_context_data())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Start a run."""
        self.call = self.get_call()
        form = RunForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(run_form=form), status=400)
        start_assignment_run(call=self.call, mode=form.cleaned_data["mode"], actor=request.user)
        messages.success(
            request, _("The assignment is being solved; this page shows its progress.")
        )
        return redirect("review_assign:assignment", slug=self.call.slug)

    def hand_form(self, data: Any = None) -> HandForm:
        return HandForm(
            data,
            applications=Application.objects.filter(
                call=self.call, state__in=ASSIGNED_STATES
            ).order_by("reference"),
            reviewers=pool_people(self.call),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.call
        sides = [side.country for side in call.sides.all()]
        k = call.reviewers_per_application
        rows = []
        proposed = 0
        for application in assigned_applications(call):
            live = application.live  # type: ignore[attr-defined]
            proposed += sum(1 for a in live if a.state == AssignmentState.PROPOSED)
            present = {a.reviewer.country for a in live}
            missing = (
                [Country(c).label for c in sides if c not in present]
                if call.reviewers_from_each_country and live
                else []
            )
            rows.append(
                {
                    "application": application,
                    "assignments": live,
                    "missing": missing,
                    "short": len(live) != k,
                }
            )
        kwargs.setdefault("run_form", RunForm())
        kwargs.setdefault("hand_form", self.hand_form())
        return super().get_context_data(
            call=call,
            run=checked(AssignmentRun.objects.filter(call=call).first()),
            rows=rows,
            pool=list(pool_with_loads(call)),
            proposed=proposed,
            k=k,
            **kwargs,
        )


class RunProgressView(OfficerCallMixin, TemplateView):
    """The run fragment; htmx polls it while the run is queued or running."""

    template_name = "review/assign/_run.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.get_call()
        run = checked(get_object_or_404(AssignmentRun, pk=kwargs["pk"], call=call))
        return super().get_context_data(call=call, run=run, **kwargs)

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        run = context["run"]
        if run.state in ("done", "failed") and self.request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # show the new tables once the run is over
        return response


class HandAdjustView(AssignmentView):
    """POST only: one change by hand; refused changes re-render the page with the reasons."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = self.get_call()
        form = self.hand_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_assignment_by_hand(
                    call=self.call,
                    application=data["application"],
                    reviewer=data["reviewer"],
                    assign=data["action"] == HandForm.ADD,
                    instead_of=data["instead_of"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The assignment was changed."))
                return redirect("review_assign:assignment", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(hand_form=form), status=400)


class PublishView(AssignmentView):
    """POST only: publish the proposed assignments."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = self.get_call()
        try:
            published = publish_assignments(
                call=self.call, actor=request.user, base_url=request.build_absolute_uri("/")[:-1]
            )
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(publish_errors=exc.messages), status=400
            )
        messages.success(
            request,
            _("%(n)s assignments published; the reviewers have been told.") % {"n": len(published)},
        )
        return redirect("review_assign:assignment", slug=self.call.slug)
