"""Applicant pages: calls, my applications, editing, team, budget, documents, sign-off, submission.

Who may see what: a call page is public when the call is published; an application is found only
through ``applications_visible_to`` (team members, the call's officers, administrators), so anyone
else gets 404; changes need ``applications.change_application`` (team member, draft), signing needs
``applications.sign_application`` (a lead, draft).
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accord.accounts.rules import Side
from accord.applications.enums import ApplicationState, MemberRole
from accord.applications.errors import ApplicationError, ConcurrentEditError
from accord.applications.forms import (
    ApplicationForm,
    BudgetFormSet,
    DocumentForm,
    InviteForm,
    StartForm,
    VersionForm,
)
from accord.applications.models import Application, BudgetLine, Invitation
from accord.applications.rules import is_team_member
from accord.applications.selectors import (
    applications_visible_to,
    my_application_list,
    open_invitations,
    public_calls,
    with_details,
    with_team,
)
from accord.applications.selectors.budget import budget_summary
from accord.applications.selectors.eligibility import evaluate_application, is_eligible
from accord.applications.selectors.lifecycle import missing_signatures
from accord.applications.services.budget import save_budget
from accord.applications.services.documents import delete_document, upload_document
from accord.applications.services.drafting import (
    call_is_open,
    start_application,
    update_application,
)
from accord.applications.services.lifecycle import sign_off, transition_application
from accord.applications.services.team import (
    accept_invitation,
    cancel_invitation,
    decline_invitation,
    invite_member,
    resend_invitation,
)
from accord.common.downloads import private_file
from accord.directory.models import Organisation, Person
from accord.programmes.models import Call


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


class CallListView(TemplateView):
    """Public: published calls."""

    template_name = "applications/call_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(calls=public_calls(), **kwargs)


class CallView(TemplateView):
    """Public when published: dates in both time zones, each side's terms, rules and criteria."""

    template_name = "applications/call.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = get_object_or_404(
            public_calls().prefetch_related("rules", "criteria"), slug=kwargs["slug"]
        )
        from accord.applications.selectors.eligibility import rule_label, rule_summary

        return super().get_context_data(
            call=call,
            is_open=call_is_open(call),
            rules=[(rule_summary(rule), rule_label(rule.kind)) for rule in call.rules.all()],
            form=StartForm(),
            **kwargs,
        )


class StartView(LoginRequiredMixin, View):
    """Signed-in applicants with a profile start a draft; they become the lead on their side."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = get_object_or_404(public_calls(), slug=slug)
        form = StartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give your application a working title."))
            return redirect(call.get_absolute_url())
        try:
            application = start_application(
                call=call, user=request.user, title_en=form.cleaned_data["title_en"]
            )
        except ApplicationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
            return redirect(call.get_absolute_url())
        messages.success(
            request,
            _("Your draft %(reference)s is ready. Invite your partner lead from the other side.")
            % {"reference": application.reference},
        )
        return redirect(application.get_absolute_url())


class MyApplicationsView(LoginRequiredMixin, TemplateView):
    """The signed-in user's applications and the invitations waiting for them."""

    template_name = "applications/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            applications=my_application_list(self.request.user),
            invitations=open_invitations(self.request.user),
            **kwargs,
        )


class ApplicationMixin(LoginRequiredMixin):
    permission_required = "applications.view_application"
    # A team member refused because the application no longer takes changes is told so (and
    # sent to the application); an action that is not about changing it (withdraw) is a 403.
    explain_when_closed = True
    # Pages that show the application read everything about it; actions that only change it
    # (and redirect) read what the permission rules need (``with_team``).
    details = True

    def get_application(self) -> Application:
        visible = applications_visible_to(self.request.user)  # type: ignore[attr-defined]
        qs = with_details(visible, officers=False) if self.details else with_team(visible)
        try:
            application = qs.get(reference=self.kwargs["reference"])  # type: ignore[attr-defined]
        except Application.DoesNotExist:
            raise Http404 from None
        user = self.request.user  # type: ignore[attr-defined]
        if not user.has_perm("applications.view_application", application):
            raise Http404  # forbidden by existence: the same answer as for an unknown reference
        if not user.has_perm(self.permission_required, application):
            self.refuse(application)
        return application

    def refuse(self, application: Application) -> NoReturn:
        """A team member after submission is told the application no longer changes; anyone
        else who sees it is forbidden (403)."""
        if (
            self.explain_when_closed
            and application.state != ApplicationState.DRAFT
            and is_team_member(self.request.user, application)  # type: ignore[attr-defined]
        ):
            raise NotEditable(application)
        raise PermissionDenied

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except NotEditable as exc:
            messages.info(
                request,
                _(
                    "This application is %(state)s: it can no longer be changed. Here it is as it stands."
                )
                % {"state": exc.application.get_state_display()},
            )
            return redirect(exc.application.get_absolute_url())


class NotEditable(Exception):
    """A team member asked to change an application that no longer takes changes."""

    def __init__(self, application: Application) -> None:
        self.application = application


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "applications/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.get_application()
        user = self.request.user
        can_preview = user.has_perm("applications.view_eligibility_preview", application)
        lines = evaluate_application(application) if can_preview else []
        me = next((m for m in application.members.all() if m.person_id == user.person_id), None)
        signed = {
            s.member_id for s in application.signoffs.all() if s.version == application.version
        }
        return super().get_context_data(
            application=application,
            eligibility=lines,
            eligible=is_eligible(lines),
            budget=list(budget_summary(application).values()),
            missing=missing_signatures(application),
            signed_member_ids=signed,
            me=me,
            can_edit=user.has_perm("applications.change_application", application),
            can_preview=can_preview,
            can_submit=user.has_perm("applications.submit_application", application),
            budget_sides=[
                s
                for s in application.call.sides.all()
                if user.has_perm("applications.change_budget_side", Side(application, s.country))
            ],
            can_sign=user.has_perm("applications.sign_application", application)
            and me is not None
            and me.pk not in signed,
            can_withdraw=user.has_perm("applications.withdraw_application", application)
            and ApplicationState.WITHDRAWN in _allowed(application),
            invite_form=InviteForm(
                sides=_sides(application), initial=_invite_initial(application, me)
            ),
            document_form=DocumentForm(),
            version_form=VersionForm(initial={"version": application.version}),
            **kwargs,
        )


def _allowed(application: Application) -> frozenset[str]:
    from accord.applications.enums import TRANSITIONS

    return TRANSITIONS.get(application.state, frozenset())


def _invite_initial(application: Application, me: Any) -> dict[str, str]:
    """The partner one usually invites: the lead of the other side (or a member once it has one)."""
    sides = [s.country for s in application.call.sides.all()]
    mine = me.country if me is not None else None
    other = next((c for c in sides if c != mine), mine or (sides[0] if sides else ""))
    has_lead = any(
        m.role == MemberRole.LEAD and m.country == other for m in application.members.all()
    )
    return {"country": other, "role": MemberRole.CO_INVESTIGATOR if has_lead else MemberRole.LEAD}


def _sides(application: Application) -> list[tuple[str, str]]:
    return [(s.country, s.get_country_display()) for s in application.call.sides.all()]


class EditView(ApplicationMixin, TemplateView):
    permission_required = "applications.change_application"
    template_name = "applications/edit.html"
    details = False  # the form reads the application's own fields, its areas and the call's

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = kwargs.pop("application", None) or self.get_application()
        form = kwargs.pop("form", None) or ApplicationForm(instance=application)
        return super().get_context_data(application=application, form=form, **kwargs)

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        # The form writes the posted values into its instance: a copy, so that ``application``
        # stays as read (the service locks and reads the row again).
        form = ApplicationForm(request.POST, instance=copy.copy(application))
        if form.is_valid():
            data = form.cleaned_data
            values = {name: data[name] for name in ApplicationForm.Meta.fields}
            try:
                update_application(
                    application=application,
                    expected_version=data["version"],
                    values=values,
                    areas=list(data["areas"]),
                    actor=request.user,
                )
            except ConcurrentEditError as exc:
                current = Application.objects.get(pk=application.pk)
                form.add_error(None, exc.messages[0])
                return self.render_to_response(
                    self.get_context_data(application=application, form=form, current=current)
                )
            except ApplicationError as exc:
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Saved. Leads who had signed must sign the new version.")
                )
                return redirect(application.get_absolute_url())
        return self.render_to_response(self.get_context_data(application=application, form=form))


class BudgetView(ApplicationMixin, TemplateView):
    """One side's budget, edited by that side's lead (``applications.change_budget_side``).

    The other side's lines are shown, never sent back, never touched. The side is ``?side=``
    or the signed-in lead's own; a side the user may not change is 404.
    """

    template_name = "applications/budget.html"
    FIELDS = ("organisation", "category", "description", "amount", "currency")

    def get_side(self, application: Application) -> Any:
        sides = {s.country: s for s in application.call.sides.all()}
        wanted = self.request.GET.get("side") or self.request.POST.get("side")
        if not wanted:  # the lead's own side (or the first side, to refuse with 403)
            wanted = next(
                (
                    c
                    for c in sides
                    if self.request.user.has_perm(  # type: ignore[union-attr]
                        "applications.change_budget_side", Side(application, c)
                    )
                ),
                next(iter(sides), ""),
            )
        side = sides.get(wanted)
        if side is None:
            raise Http404
        if not self.request.user.has_perm(  # type: ignore[union-attr]
            "applications.change_budget_side", Side(application, side.country)
        ):
            self.refuse(application)  # visible; this side's budget is not theirs (or not now)
        return side

    def _formset(self, application: Application, side: Any, data: Any = None) -> Any:
        orgs = Organisation.objects.filter(
            pk__in={
                m.organisation_id for m in application.members.all() if m.country == side.country
            }
        ).order_by("name_en")
        initial = [
            {name: getattr(line, name) for name in self.FIELDS}
            | {"organisation": line.organisation_id}
            for line in application.budget_lines.all()
            if line.country == side.country
        ]
        return BudgetFormSet(
            data,
            initial=initial,
            form_kwargs={"organisations": orgs, "currency": side.currency},
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = kwargs.pop("application", None) or self.get_application()
        side = kwargs.pop("side", None) or self.get_side(application)
        user = self.request.user
        return super().get_context_data(
            application=application,
            side=side,
            formset=kwargs.pop("formset", None) or self._formset(application, side),
            version=kwargs.pop("version", application.version),
            budget=list(budget_summary(application).values()),
            sides=application.call.sides.all(),
            other_lines=[
                line for line in application.budget_lines.all() if line.country != side.country
            ],
            editable_sides=[
                s
                for s in application.call.sides.all()
                if s.country != side.country
                and user.has_perm("applications.change_budget_side", Side(application, s.country))  # type: ignore[union-attr]
            ],
            **kwargs,
        )

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        side = self.get_side(application)
        formset = self._formset(application, side, request.POST)
        version = VersionForm(request.POST)
        errors: list[str] = []
        current_lines = None
        shown_version = request.POST.get("version")
        if formset.is_valid() and version.is_valid():
            lines = [
                {k: f.cleaned_data[k] for k in self.FIELDS}
                | {"country": side.country, "line": number}
                for number, f in enumerate(formset.forms, start=1)
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                save_budget(
                    application=application,
                    expected_version=version.cleaned_data["version"],
                    lines=lines,
                    actor=request.user,
                    country=side.country,
                )
            except ConcurrentEditError as exc:
                errors = _errors(exc)
                # Both versions are on the page now: saving again means "mine, over theirs".
                shown_version = Application.objects.get(pk=application.pk).version
                current_lines = list(  # the budget as saved meanwhile, both sides
                    BudgetLine.objects.filter(application=application).select_related(
                        "organisation"
                    )
                )
            except ApplicationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Budget saved."))
                return redirect(application.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(
                application=application,
                side=side,
                formset=formset,
                budget_errors=errors,
                current_lines=current_lines,
                version=shown_version,
            )
        )


class InviteView(ApplicationMixin, View):
    permission_required = "applications.invite_member"

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        form = InviteForm(request.POST, sides=_sides(application))
        if form.is_valid():
            try:
                invite_member(
                    application=application,
                    actor=request.user,
                    base_url=request.build_absolute_uri("/")[:-1],
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
                return redirect(application.get_absolute_url())
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
        else:
            for field, errs in form.errors.items():
                for err in errs:
                    messages.error(
                        request,
                        f"{form.fields[field].label if field in form.fields else ''}: {err}",
                    )
            return redirect(application.get_absolute_url())
        return redirect(application.get_absolute_url() + "#team")


class DocumentUploadView(ApplicationMixin, View):
    permission_required = "applications.upload_document"

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limit = application.call.max_upload_mb * 1_048_576
            if upload.size > limit:  # refuse before reading a huge file into memory
                messages.error(
                    request,
                    _(
                        "%(name)s is %(size)s MB; the limit is %(limit)s MB. Make the file smaller and upload it again."
                    )
                    % {
                        "name": upload.name,
                        "size": f"{upload.size / 1_048_576:.1f}",
                        "limit": application.call.max_upload_mb,
                    },
                )
                return redirect(application.get_absolute_url())
            replaced = None
            if request.POST.get("replaces"):
                replaced = application.documents.filter(pk=request.POST["replaces"]).first()
                if replaced is None:
                    raise Http404
            try:
                upload_document(
                    application=application,
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload.read(),
                    actor=request.user,
                )
            except ApplicationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
                return redirect(application.get_absolute_url())
            if replaced is not None:
                delete_document(document=replaced, actor=request.user)
                messages.success(
                    request,
                    _("%(name)s replaces %(old)s.")
                    % {"name": upload.name, "old": replaced.original_name},
                )
            else:
                messages.success(request, _("%(name)s uploaded.") % {"name": upload.name})
        else:
            messages.error(request, _("Choose a PDF file to upload."))
            return redirect(application.get_absolute_url())
        return redirect(application.get_absolute_url() + "#documents")


class DocumentDeleteView(ApplicationMixin, View):
    """Team members, while the application can change: remove an uploaded document (audited)."""

    permission_required = "applications.upload_document"

    def post(self, request: HttpRequest, reference: str, pk: int) -> HttpResponse:
        application = self.get_application()
        document = application.documents.filter(pk=pk).first()
        if document is None:
            raise Http404
        delete_document(document=document, actor=request.user)
        messages.success(request, _("%(name)s deleted.") % {"name": document.original_name})
        return redirect(application.get_absolute_url() + "#documents")


class InvitationActionView(ApplicationMixin, View):
    """Team members, while the application can change: send an open invitation again, or cancel it."""

    permission_required = "applications.invite_member"
    action = "resend"

    def post(self, request: HttpRequest, reference: str, pk: int) -> HttpResponse:
        application = self.get_application()
        invitation = application.invitations.filter(pk=pk).first()
        if invitation is None:
            raise Http404
        try:
            if self.action == "cancel":
                cancel_invitation(invitation=invitation, actor=request.user)
                messages.success(
                    request,
                    _("The invitation to %(email)s is cancelled.") % {"email": invitation.email},
                )
            else:
                resend_invitation(
                    invitation=invitation,
                    actor=request.user,
                    base_url=request.build_absolute_uri("/")[:-1],
                )
                messages.success(
                    request,
                    _("The invitation was sent again to %(email)s, with a new link.")
                    % {"email": invitation.email},
                )
        except ApplicationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
            return redirect(application.get_absolute_url())
        return redirect(application.get_absolute_url() + "#team")


class DocumentDownloadView(ApplicationMixin, View):
    """Documents are private: served only to those who may see the application."""

    def get(self, request: HttpRequest, reference: str, pk: int) -> FileResponse:
        application = self.get_application()
        document = next((d for d in application.documents.all() if d.pk == pk), None)
        if document is None:
            raise Http404
        return private_file(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=document.original_name,
        )


class SignView(ApplicationMixin, View):
    permission_required = "applications.sign_application"
    details = False

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                sign_off(
                    application=application, user=request.user, version=form.cleaned_data["version"]
                )
            except ApplicationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("You signed version %(version)s.")
                    % {"version": form.cleaned_data["version"]},
                )
        return redirect(application.get_absolute_url() + "#submit")


class TransitionView(ApplicationMixin, View):
    """Submit (a team member, once both leads signed) or withdraw (a lead); anyone else: 404."""

    target: str = ""
    details = False

    def get_application(self) -> Application:
        submitting = self.target == ApplicationState.SUBMITTED
        self.permission_required = (
            "applications.submit_application" if submitting else "applications.withdraw_application"
        )
        self.explain_when_closed = submitting  # only leads withdraw: a member is refused (403)
        return super().get_application()

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application()
        try:
            transition_application(application=application, to=self.target, actor=request.user)
        except ApplicationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Submitted. Both funders have received your application.")
                if self.target == ApplicationState.SUBMITTED
                else _("Withdrawn."),
            )
        return HttpResponseRedirect(application.get_absolute_url())


class InvitationView(LoginRequiredMixin, TemplateView):
    """Only the invited address (the signed-in user's e-mail) can answer; others get 404."""

    template_name = "applications/invitation.html"

    def get_invitation(self) -> Invitation:
        invitation = (
            Invitation.objects.select_related("application__call", "invited_by")
            .filter(token=self.kwargs["token"])
            .first()
        )
        if (
            invitation is None
            or invitation.email.lower() != (self.request.user.email or "").lower()
        ):
            raise Http404
        return invitation

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation=self.get_invitation(), **kwargs)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self.get_invitation()
        try:
            if request.POST.get("answer") == "accept":
                accept_invitation(invitation=invitation, user=request.user)
                messages.success(
                    request,
                    _("You joined %(reference)s.")
                    % {"reference": invitation.application.reference},
                )
                return redirect(invitation.application.get_absolute_url())
            decline_invitation(invitation=invitation, user=request.user)
            messages.success(request, _("You declined the invitation."))
        except ApplicationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        return redirect(reverse("applications:mine"))


__all__ = ["Call"]


class InvitePersonView(LoginRequiredMixin, View):
    """From a person's page (partner finder): invite them to one of the user's draft
    applications, on their own side, as its lead when it has none. Anything else is 404."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        from accord.applications.selectors import drafts_to_invite_into
        from accord.directory.selectors import person_detail

        try:
            person = person_detail(slug, request.user)
        except Person.DoesNotExist:
            raise Http404 from None
        application = next(
            (
                a
                for a in drafts_to_invite_into(request.user, person)
                if a.reference == request.POST.get("application")
            ),
            None,
        )
        if application is None:
            raise Http404
        has_lead = application.members.filter(role=MemberRole.LEAD, country=person.country).exists()
        try:
            invite_member(
                application=application,
                email=person.email,
                role=MemberRole.CO_INVESTIGATOR if has_lead else MemberRole.LEAD,
                country=person.country,
                actor=request.user,
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except ApplicationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
            return redirect(application.get_absolute_url())
        messages.success(
            request,
            _("%(name)s is invited to %(reference)s.")
            % {"name": person.name_en, "reference": application.reference},
        )
        return redirect(application.get_absolute_url() + "#team")
