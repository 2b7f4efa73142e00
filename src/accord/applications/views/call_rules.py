"""A call's eligibility rules: add one, edit one, delete one (after a confirmation page).

A side's rule is changed by that side's funder's officer at once; a rule of both sides is proposed
and applies when the other funder's officer agrees (``programmes.services.calls``). Anyone who
does not manage the call gets 404; an administrator, or an officer of the other side for a side's
rule, sees the call but may not act: 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accord.applications.forms_manage import add_service_errors
from accord.applications.forms_rules import FORMS, RuleKindForm, RuleParamsForm, rule_form
from accord.applications.selectors.eligibility import rule_description, rule_label
from accord.applications.selectors.officer import has_submitted_applications
from accord.applications.views.mixins import CallChangeMixin
from accord.programmes.models import Call, EligibilityRule, JointRuleChange
from accord.programmes.rules import rule_side
from accord.programmes.services.calls import change_rule, remove_rule


def done_message(result: EligibilityRule | JointRuleChange | None, key: str, done: str) -> str:
    """What the officer reads after a change: done, or proposed to the other funder."""
    if isinstance(result, JointRuleChange):
        return _(
            "Rule %(key)s spans both sides: your change is proposed and applies when the other funder agrees."
        ) % {"key": key}
    return done


class RuleViewMixin(CallChangeMixin):
    """The call (404 unless the user manages it; 403 for an administrator) and, for a rule's own
    pages, the rule (404 if the call has none with this key; 403 if the user may not change it)."""

    def load_call(self) -> Call:
        call = self.get_call()
        self.require_change(call)
        return call

    def load_rule(self, call: Call) -> EligibilityRule:
        rule = EligibilityRule.objects.filter(call=call, key=self.kwargs["rule"]).first()
        if rule is None:
            raise Http404
        user: Any = self.request.user
        allowed = (
            user.has_perm("programmes.change_side_rule", rule)
            if rule_side(rule)
            else user.has_perm("programmes.propose_joint_rule_change", call)
        )
        if not allowed:
            raise PermissionDenied(_("Only the other funder changes this rule."))
        return rule

    def settings_url(self, call: Call, key: str = "") -> str:
        url = reverse("manage:call_settings", kwargs={"slug": call.slug})
        return f"{url}#rule-{key}" if key else url


class AddRuleView(RuleViewMixin, View):
    """Add a rule: choose its kind (``?kind=``), then fill in the kind's own form."""

    template_name = "applications/manage/rule_form.html"

    def page(
        self, call: Call, kind: str, form: RuleParamsForm | None, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "call": call,
                "adding": True,
                "kind_form": RuleKindForm(initial={"kind": kind} if kind else None),
                "kind_label": rule_label(kind) if kind else "",
                "form": form,
            },
            status=status,
        )

    def kind(self) -> str:
        kind = self.request.GET.get("kind", "")
        return kind if kind in FORMS else ""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load_call()
        kind = self.kind()
        return self.page(call, kind, rule_form(kind, call=call, adding=True) if kind else None)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load_call()
        kind = self.kind()
        if not kind:
            return self.page(call, kind, None)
        form = rule_form(kind, call=call, data=request.POST, adding=True)
        status = 200
        if form.is_valid():
            key = form.cleaned_data["key"]
            try:
                result = change_rule(
                    call=call, key=key, kind=kind, params=form.params(), actor=request.user
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not do this."))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, done_message(result, key, _("Rule %(key)s added.") % {"key": key})
                )
                return redirect(self.settings_url(call, key))
        return self.page(call, kind, form, status)


class EditRuleView(RuleViewMixin, View):
    """Change the settings of one rule (its kind and key stay)."""

    template_name = "applications/manage/rule_form.html"

    def page(
        self, call: Call, rule: EligibilityRule, form: RuleParamsForm, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "call": call,
                "rule": rule,
                "label": rule_label(rule.kind),
                "description": rule_description(rule.kind, rule.params),
                "side": rule_side(rule),
                "form": form,
                "adding": False,
            },
            status=status,
        )

    def get(self, request: HttpRequest, slug: str, rule: str) -> HttpResponse:
        call = self.load_call()
        found = self.load_rule(call)
        return self.page(call, found, rule_form(found.kind, call=call, params=found.params))

    def post(self, request: HttpRequest, slug: str, rule: str) -> HttpResponse:
        call = self.load_call()
        found = self.load_rule(call)
        form = rule_form(found.kind, call=call, data=request.POST)
        status = 200
        if form.is_valid():
            try:
                result = change_rule(
                    call=call,
                    key=found.key,
                    kind=found.kind,
                    params=form.params(),
                    actor=request.user,
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not do this."))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    done_message(result, found.key, _("Rule %(key)s saved.") % {"key": found.key}),
                )
                return redirect(self.settings_url(call, found.key))
        return self.page(call, found, form, status)


class DeleteRuleView(RuleViewMixin, View):
    """GET: what deleting the rule will do; POST: delete it (or propose to, for both sides)."""

    template_name = "applications/manage/rule_delete.html"

    def get(self, request: HttpRequest, slug: str, rule: str) -> HttpResponse:
        call = self.load_call()
        found = self.load_rule(call)
        return render(
            request,
            self.template_name,
            {
                "call": call,
                "rule": found,
                "label": rule_label(found.kind),
                "description": rule_description(found.kind, found.params),
                "side": rule_side(found),
                "has_applications": has_submitted_applications(call),
            },
        )

    def post(self, request: HttpRequest, slug: str, rule: str) -> HttpResponse:
        call = self.load_call()
        found = self.load_rule(call)
        try:
            result = remove_rule(rule=found, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.settings_url(call, found.key))
        messages.success(
            request,
            done_message(result, found.key, _("Rule %(key)s deleted.") % {"key": found.key}),
        )
        return redirect(self.settings_url(call))
