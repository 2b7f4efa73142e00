"""Reviewer pages: my assignments, the conflict declaration, the application and the review form.

Who may see what: an assignment is found only through ``reviewer_assignments`` (the signed-in
reviewer's published assignments), and the application behind it only through
``open_assignments`` (declared free of conflict, no conflict detected from data). Anyone else —
including the same reviewer before they declare, or after they declare a conflict — gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accord.applications.models import Application, TeamMember
from accord.common.downloads import private_file
from accord.matching.models import Conflict, ConflictSeverity
from accord.review.enums import ReviewState
from accord.review.forms import DeclarationForm, ReviewForm, add_service_errors
from accord.review.models import Assignment, ConflictDeclaration, Review
from accord.review.selectors import open_assignments, reviewer_assignments
from accord.review.selectors.reviews import (
    due_moment,
    is_overdue,
    submitted_late,
    weighted_total,
    with_due,
)
from accord.review.services.reviews import ReviewError, declare_conflict, save_review


def _hard_conflict() -> Exists:
    return Exists(
        Conflict.objects.filter(
            application_id=OuterRef("application_id"),
            reviewer_id=OuterRef("reviewer_id"),
            severity=ConflictSeverity.HARD,
        )
    )


def my_assignment(user: Any, pk: int) -> Assignment:
    """One of the user's published assignments, with its declaration, review and due date."""
    assignment = (
        with_due(reviewer_assignments(user))
        .annotate(conflict_detected=_hard_conflict())
        .select_related("declaration", "review")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def review_of(assignment: Assignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def declaration_of(assignment: Assignment) -> ConflictDeclaration | None:
    try:
        return assignment.declaration
    except ConflictDeclaration.DoesNotExist:
        return None


class AssignmentListView(LoginRequiredMixin, TemplateView):
    """The reviewer's published assignments: declaration, review state and due date."""

    template_name = "review/assignments.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assignments = (
            with_due(reviewer_assignments(self.request.user))
            .annotate(conflict_detected=_hard_conflict())
            .select_related("declaration", "review", "call")
            .order_by("due", "application__reference")
        )
        rows = []
        for a in assignments:
            declaration = declaration_of(a)
            rows.append(
                {
                    "assignment": a,
                    "declaration": declaration,
                    "review": review_of(a),
                    "due": due_moment(a.due),
                    "overdue": is_overdue(
                        a.due,
                        submitted=getattr(review_of(a), "state", "") == ReviewState.SUBMITTED,
                        conflict=bool(declaration and declaration.has_conflict)
                        or a.conflict_detected,
                    ),
                    "late": submitted_late(review_of(a), a.due),
                    "open": declaration is not None
                    and not declaration.has_conflict
                    and not a.conflict_detected,
                }
            )
        return super().get_context_data(rows=rows, **kwargs)


class AssignmentView(LoginRequiredMixin, View):
    """The conflict declaration, made before the application opens."""

    template_name = "review/assignment.html"

    def render_page(
        self, request: HttpRequest, assignment: Assignment, form: DeclarationForm | None = None
    ) -> HttpResponse:
        declaration = declaration_of(assignment)
        review = review_of(assignment)
        due = due_moment(assignment.due)
        # Who applied (title, team, organisations) comes first: one cannot judge a conflict of
        # interest without knowing it. The project itself opens only after the declaration.
        application = (
            Application.objects.filter(pk=assignment.application_id)
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=TeamMember.objects.select_related("person", "organisation").order_by(
                        "country", "role", "pk"
                    ),
                )
            )
            .get()
        )
        context = {
            "assignment": assignment,
            "application": application,
            "late": is_overdue(
                assignment.due,
                submitted=review is not None and review.state == ReviewState.SUBMITTED,
            ),
            "call": assignment.call,
            "declaration": declaration,
            "review": review,
            "due": due,
            "open": declaration is not None
            and not declaration.has_conflict
            and not assignment.conflict_detected,
            "form": form or DeclarationForm(),
            "can_change": declaration is not None
            and not declaration.has_conflict
            and (review is None or review.state != ReviewState.SUBMITTED),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, my_assignment(request.user, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = my_assignment(request.user, pk)
        form = DeclarationForm(request.POST)
        if form.is_valid():
            try:
                declaration = declare_conflict(
                    assignment=assignment,
                    user=request.user,
                    has_conflict=form.has_conflict,
                    details=form.cleaned_data["details"],
                )
            except ReviewError as exc:
                add_service_errors(form, exc)
            else:
                if declaration.has_conflict:
                    messages.success(
                        request,
                        _("Thank you. The programme officer will see your declaration."),
                    )
                    return redirect("review:assignment", pk=assignment.pk)
                messages.success(request, _("Thank you. The application is open for your review."))
                return redirect("review:review", pk=assignment.pk)
        return self.render_page(request, my_assignment(request.user, pk), form)


def open_assignment(user: Any, pk: int) -> Assignment:
    """An assignment whose application the reviewer may read (404 otherwise)."""
    assignment = with_due(open_assignments(user)).select_related("call").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def reviewer_application(assignment: Assignment) -> Application:
    """What a reviewer reads of the application: texts, team names and organisations, documents."""
    return (
        Application.objects.filter(pk=assignment.application_id)
        .select_related("call")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.select_related("person", "organisation").order_by(
                    "country", "role", "id"
                ),
            ),
            "documents",
            "areas",
        )
        .get()
    )


class ReviewView(LoginRequiredMixin, View):
    """The application and the review form (draft or submit); read-only once submitted."""

    template_name = "review/review.html"

    def render_page(
        self,
        request: HttpRequest,
        assignment: Assignment,
        form: ReviewForm | None = None,
    ) -> HttpResponse:
        call = assignment.call
        criteria = list(call.criteria.all())
        review = Review.objects.filter(assignment=assignment).first()
        submitted = review is not None and review.state == ReviewState.SUBMITTED
        if form is None and not submitted:
            form = ReviewForm(call=call, criteria=criteria, initial=ReviewForm.initial_for(review))
        context = {
            "assignment": assignment,
            "application": reviewer_application(assignment),
            "call": call,
            "criteria": criteria,
            "review": review,
            "submitted": submitted,
            "scores": [(c, review.scores.get(c.key)) for c in criteria] if review else [],
            "total": weighted_total(review.scores, criteria) if review else None,
            "due": due_moment(assignment.due),
            "late": is_overdue(assignment.due, submitted=submitted),
            "submitted_late": submitted and submitted_late(review, assignment.due),
            "form": form,
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, open_assignment(request.user, pk))

    #: Saving a draft (this view) and submitting (``SubmitReviewView``) are two actions, two URLs.
    submit = False

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = open_assignment(request.user, pk)
        criteria = list(assignment.call.criteria.all())
        form = ReviewForm(request.POST, call=assignment.call, criteria=criteria)
        if form.is_valid():
            try:
                review = save_review(
                    assignment=assignment,
                    user=request.user,
                    scores=form.scores(),
                    confidence=form.cleaned_data["confidence"],
                    comments_applicant=form.cleaned_data["comments_applicant"],
                    comments_panel=form.cleaned_data["comments_panel"],
                    submit=self.submit,
                )
            except ReviewError as exc:
                add_service_errors(form, exc)
            else:
                if self.submit and submitted_late(review, assignment.due):
                    messages.warning(
                        request,
                        _(
                            "Your review is submitted, after its due date (%(due)s). Thank you; "
                            "the programme officer sees that it came late."
                        )
                        % {"due": date_format(assignment.due, "DATE_FORMAT")},
                    )
                else:
                    messages.success(
                        request,
                        _("Your review is submitted. Thank you.")
                        if self.submit
                        else _("Draft saved."),
                    )
                return redirect("review:review", pk=assignment.pk)
        return self.render_page(request, assignment, form)


class SubmitReviewView(ReviewView):
    """Submit the review (final): the same form, posted to its own URL after a confirmation."""

    http_method_names = ["post"]
    submit = True


class DocumentView(LoginRequiredMixin, View):
    """A document of an application open to the reviewer (private: served through this check)."""

    def get(self, request: HttpRequest, pk: int, document: int) -> FileResponse:
        assignment = open_assignment(request.user, pk)
        found = reviewer_application(assignment).documents.filter(pk=document).first()
        if found is None:
            raise Http404
        return private_file(
            found.file.open("rb"), content_type="application/pdf", filename=found.original_name
        )
