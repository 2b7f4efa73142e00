"""A call's settings page (dates, areas, review settings, conflicts, sides, rules, criteria) and
one view per change made on it: save the settings, save the conflict settings, agree to or refuse
the other funder's proposed change to a rule of both sides.

The page is found through ``officer_calls`` (404 for anyone else); a change is for the call's
officers only (administrators read the page: 403). The services check again and write the audit
log. A refused form is shown again on the settings page, with the officer's input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accord.applications.forms_manage import (
    SIDE_ZONES,
    CallSettingsForm,
    ConflictRulesForm,
    add_service_errors,
)
from accord.applications.selectors.eligibility import (
    rule_description,
    rule_has_settings,
    rule_label,
)
from accord.applications.views.mixins import CallChangeMixin, OfficerMixin, officer_calls
from accord.core.conflicts import ConflictConfig
from accord.matching.selectors.conflict_config import conflict_config_for
from accord.matching.services.conflict_config import set_conflict_rules
from accord.programmes.models import Call, JointRuleChange
from accord.programmes.rules import rule_side
from accord.programmes.services.calls import answer_joint_rule_change, update_call

TEMPLATE = "applications/manage/call_settings.html"


def settings_call(user: Any, slug: str) -> Call | None:
    """The call with everything the settings page shows, if this user manages it."""
    return (
        officer_calls(user)
        .prefetch_related("areas", "rules", "sides__funder", "criteria")
        .filter(slug=slug)
        .first()
    )


def officer_zone_of_call(user: Any, call: Call) -> str:
    """The time zone of the officer's own side of ``call`` (London for an administrator)."""
    funders = user.funder_ids()
    for side in call.sides.all():
        if side.funder_id in funders:
            return SIDE_ZONES.get(side.country, "Europe/London")
    return "Europe/London"


def render_settings(
    request: HttpRequest,
    call: Call,
    *,
    settings_form: CallSettingsForm | None = None,
    conflict_form: ConflictRulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page, with a refused form (bound, with its errors) where given."""
    user: Any = request.user
    countries = [side.country for side in call.sides.all()]
    conflict_problem = None
    if conflict_form is None:
        try:
            config = conflict_config_for(call)
        except ValidationError as exc:  # stored by hand (admin) and unreadable: say so
            config = ConflictConfig()
            conflict_problem = "; ".join(exc.messages)
        conflict_form = ConflictRulesForm(
            initial=ConflictRulesForm.initial_for(config, countries), countries=countries
        )
    rows = []
    for rule in call.rules.all():
        side = rule_side(rule)
        rows.append(
            {
                "rule": rule,
                "label": rule_label(rule.kind),
                "description": rule_description(rule.kind, rule.params),
                "has_settings": rule_has_settings(rule.kind),
                "side": side,
                "can_change": user.has_perm("programmes.change_side_rule", rule)
                if side
                else user.has_perm("programmes.propose_joint_rule_change", call),
            }
        )
    context = {
        "call": call,
        "settings_form": settings_form
        or CallSettingsForm(
            initial=CallSettingsForm.initial_for(call, officer_zone_of_call(user, call))
        ),
        "rule_rows": rows,
        "can_change": user.has_perm("programmes.change_call", call),
        "sides": list(call.sides.all()),
        "criteria": list(call.criteria.all()),
        "joint_changes": [
            {
                "change": change,
                "description": rule_description(change.kind, change.params),
                "can_answer": user.has_perm("programmes.answer_joint_rule_change", change),
            }
            for change in call.joint_rule_changes.select_related(
                "proposed_by", "answered_by", "call"
            )[:20]
        ],
        "conflict_form": conflict_form,
        "conflict_problem": conflict_problem,
    }
    return render(request, TEMPLATE, context, status=status)


class CallSettingsView(OfficerMixin, View):
    """Dates, areas, review settings and limits; conflicts; sides; the rules; the criteria."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = settings_call(request.user, slug)
        if call is None:
            raise Http404
        return render_settings(request, call)


class CallActionView(CallChangeMixin, View):
    """A POST that changes a call's set-up; the call's officers only."""

    http_method_names = ["post", "options"]

    def load(self) -> Call:
        call = settings_call(self.request.user, self.kwargs["slug"])
        if call is None:
            raise Http404
        self.require_change(call)
        return call

    def settings_url(self, call: Call, anchor: str = "") -> str:
        url = reverse("manage:call_settings", kwargs={"slug": call.slug})
        return f"{url}#{anchor}" if anchor else url


class SaveCallSettingsView(CallActionView):
    """Save the dates, areas, review settings and limits."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load()
        form = CallSettingsForm(request.POST)
        if form.is_valid():
            try:
                update_call(
                    call=call,
                    values=form.values(),
                    areas=list(form.cleaned_data["areas"]),
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect(self.settings_url(call))
        return render_settings(request, self.load(), settings_form=form)


class SaveConflictSettingsView(CallActionView):
    """Save the conflict-of-interest settings the matching uses in this call."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        call = self.load()
        countries = [side.country for side in call.sides.all()]
        form = ConflictRulesForm(request.POST, countries=countries)
        if form.is_valid():
            try:
                set_conflict_rules(call=call, rules=form.conflict_rules(), actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Conflict-of-interest settings saved."))
                return redirect(self.settings_url(call, "conflicts"))
        return render_settings(request, call, conflict_form=form)


class AnswerRuleChangeView(CallActionView):
    """Agree to (``agree`` True) or refuse the other funder's change to a rule of both sides."""

    agree = True

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        call = self.load()
        change = JointRuleChange.objects.filter(call=call, pk=pk).first()
        if change is None:
            raise Http404
        try:
            answer_joint_rule_change(change=change, agree=self.agree, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Both funders agreed: rule %(key)s changed.") % {"key": change.key}
                if self.agree
                else _("The change to rule %(key)s was not agreed.") % {"key": change.key},
            )
        return redirect(self.settings_url(call, "joint-changes"))


class AgreeRuleChangeView(AnswerRuleChangeView):
    agree = True


class RefuseRuleChangeView(AnswerRuleChangeView):
    agree = False
