"""The reviewer pool: the officers' page (who is invited, inviting from the directory) and the
reviewer's page (my invitations to answer, my assignments to decline if I must).

The officers' page follows ``OfficerCallMixin`` (404 for anyone but the call's officers). A
reviewer's invitation or assignment is looked up only among their own, so anyone else's is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accord.review.enums import InvitationState
from accord.review.forms_assign import AnswerForm, DeclineForm, DirectoryFilterForm, InviteForm
from accord.review.selectors import reviewer_assignments
from accord.review.selectors.pool import call_pool, directory_for, my_invitations
from accord.review.services.assignment import decline_assignment
from accord.review.services.pool import answer_invitation, invite_reviewers
from accord.review.views.manage import OfficerCallMixin, add_service_errors


class PoolView(OfficerCallMixin, TemplateView):
    """The call's pool and the invitation form (people filtered by country and area)."""

    template_name = "review/assign/pool.html"

    def setup_forms(self, data: Any = None) -> InviteForm:
        self.call = self.get_call()
        self.filters = DirectoryFilterForm(self.request.GET or None, call=self.call)
        chosen = self.filters.cleaned_data if self.filters.is_valid() else {}
        people = directory_for(
            self.call, country=chosen.get("country", ""), area=chosen.get("area", "")
        )
        return InviteForm(data, people=people, call=self.call)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.setup_forms()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.setup_forms(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invited = invite_reviewers(
                    call=self.call,
                    people=list(data["people"]),
                    due=data["due"],
                    min_load=data["min_load"],
                    max_load=data["max_load"],
                    actor=request.user,
                    base_url=request.build_absolute_uri("/")[:-1],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(n)s people invited.") % {"n": len(invited)})
                return redirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            call=self.call, pool=list(call_pool(self.call)), filters=self.filters, **kwargs
        )


class MyInvitationsView(LoginRequiredMixin, TemplateView):
    """The signed-in person's invitations and published assignments."""

    template_name = "review/assign/invitations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invitations = list(my_invitations(self.request.user))
        errors = kwargs.pop("errors", {})
        forms = kwargs.pop("forms", {})
        rows = [
            (
                invitation,
                forms.get(invitation.pk) or AnswerForm(prefix=f"i{invitation.pk}"),
            )
            for invitation in invitations
        ]
        assignments = [
            (a, errors.get(a.pk) or DeclineForm(prefix=f"a{a.pk}"))
            for a in reviewer_assignments(self.request.user).order_by(
                "call__closes_at", "application__reference"
            )
        ]
        return super().get_context_data(
            rows=rows, assignments=assignments, invited=InvitationState.INVITED, **kwargs
        )


class AnswerInvitationView(MyInvitationsView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invitation = my_invitations(request.user).filter(pk=pk).first()
        if invitation is None:
            raise Http404
        form = AnswerForm(request.POST, prefix=f"i{pk}")
        if form.is_valid():
            accept = form.cleaned_data["answer"] == AnswerForm.ACCEPT
            try:
                answer_invitation(
                    invitation=invitation,
                    user=request.user,
                    accept=accept,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you: you have accepted.")
                    if accept
                    else _("Thank you: your answer is recorded."),
                )
                return redirect("review_assign:invitations")
        return self.render_to_response(self.get_context_data(forms={pk: form}), status=400)


class DeclineAssignmentView(MyInvitationsView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = reviewer_assignments(request.user).filter(pk=pk).first()
        if assignment is None:
            raise Http404
        form = DeclineForm(request.POST, prefix=f"a{pk}")
        if form.is_valid():
            try:
                decline_assignment(
                    assignment=assignment,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    base_url=request.build_absolute_uri("/")[:-1],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "You have declined %(reference)s. A replacement is being found in the "
                        "background; the programme officers see the outcome."
                    )
                    % {"reference": assignment.application.reference},
                )
                return redirect("review_assign:invitations")
        return self.render_to_response(self.get_context_data(errors={pk: form}), status=400)
