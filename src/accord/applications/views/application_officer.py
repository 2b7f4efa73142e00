"""One application as the call's officers see it (one shared status, a view per side), and one
view per action on it: record a side's check, override a rule's result, extend the deadline,
decide eligibility.

The application is found only through ``applications_visible_to`` and
``applications.view_managed_application`` (404 for anyone else). The services check again who may
do what (e.g. only an officer of a side's funder records that side's check: 403 otherwise) and
write the audit log. A refused form is shown again on the page with the officer's input kept.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accord.applications.enums import CheckStatus
from accord.applications.forms_manage import (
    SIDE_ZONES,
    DecisionForm,
    ExtensionForm,
    FunderCheckForm,
    OverrideForm,
    add_service_errors,
)
from accord.applications.models import Application
from accord.applications.selectors import applications_visible_to, with_details
from accord.applications.selectors.eligibility import rule_label
from accord.applications.selectors.officer import application_overview
from accord.applications.services.checks import override_eligibility, record_funder_check
from accord.applications.services.lifecycle import grant_extension, transition_application
from accord.applications.views.mixins import default_side, own_side

TEMPLATE = "applications/manage/application.html"
ACTIONS = ("check", "override", "extension", "decision")


def managed_application(request: HttpRequest, reference: str) -> Application:
    """The application, if this user is one of its call's officers or an administrator; else 404."""
    application = (
        with_details(applications_visible_to(request.user)).filter(reference=reference).first()
    )
    if application is None:
        raise Http404
    if not request.user.has_perm("applications.view_managed_application", application):  # type: ignore[union-attr]
        raise Http404
    return application


def shown_side(request: HttpRequest, application: Application) -> str:
    """The side asked for (``?side=``), else the officer's own."""
    countries = [s.country for s in application.call.sides.all()]
    wanted = request.GET.get("side", "")
    return wanted if wanted in countries else default_side(request.user, application)


def action_forms(
    request: HttpRequest, application: Application, side: str, bound: dict[str, forms.Form]
) -> dict[str, forms.Form]:
    """The four action forms, unbound except the refused one (``bound``)."""
    own = own_side(request.user, application) or side
    checks = {c.country: c for c in application.funder_checks.all()}
    own_check = checks.get(own)
    made = {
        "check": lambda: FunderCheckForm(
            prefix="check",
            initial={
                "country": own,
                "status": own_check.status if own_check else CheckStatus.PENDING,
                "notes": own_check.notes if own_check else "",
            },
        ),
        "override": lambda: OverrideForm(prefix="override", rules=rule_choices(application)),
        "extension": lambda: ExtensionForm(
            prefix="extension", initial={"time_zone": SIDE_ZONES.get(own, "Europe/London")}
        ),
        "decision": lambda: DecisionForm(prefix="decision", state=application.state),
    }
    return {name: bound.get(name) or factory() for name, factory in made.items()}


def rule_choices(application: Application) -> list[tuple[str, str]]:
    return [(r.key, f"{r.key} — {rule_label(r.kind)}") for r in application.call.rules.all()]


def render_application(
    request: HttpRequest,
    application: Application,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    side = shown_side(request, application)
    context = {
        **application_overview(application, side),
        "own_side": own_side(request.user, application),
        **{
            f"{name}_form": form
            for name, form in action_forms(request, application, side, bound or {}).items()
        },
    }
    return render(request, TEMPLATE, context, status=status)


class ManageApplicationView(LoginRequiredMixin, View):
    """The officers' page of one application."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        return render_application(request, managed_application(request, reference))


class ApplicationActionView(LoginRequiredMixin, View):
    """A POST of one action's form: valid → the service; refused → the page again, input kept."""

    http_method_names = ["post", "options"]
    action: ClassVar[str]
    permission_required = "applications.manage_application"

    def make_form(self, application: Application) -> forms.Form:
        raise NotImplementedError

    def act(self, application: Application, data: dict[str, Any]) -> str:
        """Call the service; return what the officer reads."""
        raise NotImplementedError

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = managed_application(request, reference)
        side = shown_side(request, application)
        form = self.make_form(application)
        status = 200
        if form.is_valid():
            try:
                message = self.act(application, form.cleaned_data)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not do this."))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                url = reverse("manage:application", kwargs={"reference": reference})
                return redirect(f"{url}?side={side}")
        fresh = managed_application(request, reference)
        return render_application(request, fresh, {self.action: form}, status=status)


class RecordCheckView(ApplicationActionView):
    action = "check"

    def make_form(self, application: Application) -> forms.Form:
        return FunderCheckForm(self.request.POST, prefix="check")

    def act(self, application: Application, data: dict[str, Any]) -> str:
        record_funder_check(
            application=application,
            country=data["country"],
            status=data["status"],
            notes=data["notes"],
            actor=self.request.user,
        )
        return _("Check recorded.")


class OverrideView(ApplicationActionView):
    action = "override"

    def make_form(self, application: Application) -> forms.Form:
        return OverrideForm(self.request.POST, prefix="override", rules=rule_choices(application))

    def act(self, application: Application, data: dict[str, Any]) -> str:
        override_eligibility(
            application=application,
            rule_key=data["rule_key"],
            passed=data["passed"],
            reason=data["reason"],
            actor=self.request.user,
            country=own_side(self.request.user, application),
        )
        return _("Result of rule %(key)s overridden.") % {"key": data["rule_key"]}


class ExtensionView(ApplicationActionView):
    action = "extension"

    def make_form(self, application: Application) -> forms.Form:
        return ExtensionForm(self.request.POST, prefix="extension")

    def act(self, application: Application, data: dict[str, Any]) -> str:
        grant_extension(
            application=application,
            until=data["until"],
            reason=data["reason"],
            actor=self.request.user,
        )
        return _("Extension granted.")


class DecisionView(ApplicationActionView):
    action = "decision"

    def make_form(self, application: Application) -> forms.Form:
        return DecisionForm(self.request.POST, prefix="decision", state=application.state)

    def act(self, application: Application, data: dict[str, Any]) -> str:
        if not self.request.user.has_perm(self.permission_required, application):  # type: ignore[union-attr]
            # decisions are for the call's officers (administrators only watch)
            raise PermissionDenied(_("Only an officer of this call's funders may do this."))
        moved = transition_application(
            application=application, to=data["to"], actor=self.request.user, reason=data["reason"]
        )
        return _("The application is now %(state)s.") % {"state": moved.get_state_display().lower()}
