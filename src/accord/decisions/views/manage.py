"""Officer pages for a call's decisions and its awards.

A call is found only through ``officer_calls`` (the calls of the user's funders; administrators:
every call) and an award only through ``awards_managed_by``, so anyone else gets 404. Writes go
through the services, which check again who may do what: a side's decision and payments belong
to an officer of that side's own funder.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accord.accounts.rules import Side
from accord.applications.selectors.budget import budget_summary
from accord.applications.views.manage import OfficerMixin, officer_calls
from accord.core.portfolio import PortfolioInfeasible
from accord.decisions.enums import LetterState
from accord.decisions.forms import (
    DecisionForm,
    OutputForm,
    PaymentForm,
    PortfolioForm,
    PublishForm,
    WhatIfForm,
    add_service_errors,
)
from accord.decisions.models import Award, Payment, Scenario
from accord.decisions.selectors import (
    award_detail,
    awards_managed_by,
    decision_board,
    disagreements,
    scenarios_of,
)
from accord.decisions.selectors.portfolio import (
    candidate_rows,
    default_budgets,
    portfolio_candidates,
)
from accord.decisions.services.awards import add_output, mark_payment_paid, set_published
from accord.decisions.services.decisions import outcome, record_decision
from accord.decisions.services.letters import request_letters
from accord.decisions.services.portfolio import run_scenario, scenario_what_if
from accord.programmes.models import Call


def _side_for(user: Any, application: Any, perm: str) -> str | None:
    return next(
        (
            str(s.country)
            for s in application.call.sides.all()
            if user.has_perm(perm, Side(application, s.country))
        ),
        None,
    )


def decision_side(user: Any, application: Any) -> str | None:
    """The side whose decision this user records (``decisions.decide_side``), if any."""
    return _side_for(user, application, "decisions.decide_side")


def payment_side(user: Any, application: Any) -> str | None:
    """The side whose payments this user records (``decisions.record_payment``), if any."""
    return _side_for(user, application, "decisions.record_payment")


class CallDecisionsMixin(OfficerMixin):
    """The call from the officer's calls (404 otherwise), with its sides and areas."""

    current = ""

    def load_call(self) -> Call:
        call = self.get_call(
            officer_calls(self.request.user)
            .select_related("programme")
            .prefetch_related("sides__funder", "areas")
        )
        if not self.request.user.has_perm("decisions.manage_call", call):  # type: ignore[union-attr]
            raise Http404
        return call


def side_rows(application: Any, sides: list[Any]) -> list[dict[str, Any]]:
    """Per side of the call: what the application requests and that side's decision."""
    summary = budget_summary(application)
    decisions = {d.country: d for d in application.decisions.all()}
    return [
        {
            "side": side,
            "requested": summary[side.country].requested if side.country in summary else None,
            "decision": decisions.get(side.country),
        }
        for side in sides
    ]


class PortfolioView(CallDecisionsMixin, TemplateView):
    """The call's candidates with merit and costs per side; solve a scenario under two budgets."""

    template_name = "decisions/manage/portfolio.html"

    def form(self, call: Call, rows: list[dict[str, Any]], data: Any = None) -> PortfolioForm:
        return PortfolioForm(
            data,
            sides=list(call.sides.all()),
            areas=list(call.areas.all()),
            references=[r["application"].reference for r in rows],
            budgets=default_budgets(call),
        )

    def render_page(
        self, call: Call, rows: list[dict[str, Any]], form: PortfolioForm
    ) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                call=call,
                rows=rows,
                sides=list(call.sides.all()),
                form=form,
                scenarios=list(scenarios_of(call)[:20]),
                current="portfolio",
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.load_call()
        rows = candidate_rows(call, portfolio_candidates(call))
        return self.render_page(call, rows, self.form(call, rows))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.load_call()
        if not request.user.has_perm("decisions.act_on_call", call):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read; the call's officers run scenarios
        rows = candidate_rows(call, portfolio_candidates(call))
        form = self.form(call, rows, request.POST)
        if form.is_valid():
            try:
                scenario = run_scenario(call=call, actor=request.user, **form.values())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("decisions:scenario", slug=call.slug, pk=scenario.pk)
        return self.render_page(call, rows, form)


class ScenarioView(CallDecisionsMixin, TemplateView):
    """A scenario's funded set (or why none exists), and a what-if on it."""

    template_name = "decisions/manage/scenario.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.load_call()
        scenario = Scenario.objects.filter(call=call, pk=self.kwargs["pk"]).first()
        if scenario is None:
            raise Http404
        sides = list(call.sides.all())
        currency = {s.country: s.currency for s in sides}
        result = scenario.result
        funded = set(scenario.funded)
        applications = result.get("instance", {}).get("applications", [])
        rows = [
            {
                "id": a["id"],
                "merit": a["merit"],
                "costs": [(s.country, a["cost"].get(s.country, 0), s.currency) for s in sides],
                "areas": a.get("areas", []),
                "funded": a["id"] in funded,
            }
            for a in applications
        ]
        rows.sort(key=lambda r: (not r["funded"], -r["merit"], r["id"]))
        spend = [
            {
                "country": country,
                "currency": currency.get(country, ""),
                "budget": amount,
                "spent": result.get("spend", {}).get(country, 0),
            }
            for country, amount in scenario.budgets.items()
        ]
        what_if: dict[str, Any] = {}
        form = WhatIfForm(
            self.request.GET if "what_if" in self.request.GET else None,
            sides=sides,
            areas=list(call.areas.all()),
        )
        if form.is_bound and form.is_valid():
            changes = form.changes()
            if not changes:
                form.add_error(None, _("Change at least one thing: a budget, a rate or a bound."))
            else:
                try:
                    what_if["result"] = scenario_what_if(scenario=scenario, changes=changes)
                except PortfolioInfeasible as error:
                    what_if["infeasible"] = error.message
                except ValidationError as exc:
                    add_service_errors(form, exc)
        return super().get_context_data(
            call=call,
            scenario=scenario,
            rows=rows,
            spend=spend,
            form=form,
            what_if=what_if,
            current="portfolio",
            **kwargs,
        )


class BoardView(CallDecisionsMixin, TemplateView):
    """Every application at panel or decided, with both sides' decisions."""

    template_name = "decisions/manage/board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.load_call()
        sides = list(call.sides.all())
        countries = [s.country for s in sides]
        rows = []
        for application in decision_board(call):
            verdicts = {d.country: d.verdict for d in application.decisions.all()}
            rows.append(
                {
                    "application": application,
                    "sides": side_rows(application, sides),
                    "outcome": outcome(verdicts, countries),
                    "award": getattr(application, "award", None),
                }
            )
        return super().get_context_data(
            call=call, sides=sides, rows=rows, current="board", **kwargs
        )


class DecideView(CallDecisionsMixin, TemplateView):
    """Both sides' decisions with their feedback in both languages; the officer's own side's form."""

    template_name = "decisions/manage/decide.html"

    def load(self) -> tuple[Call, Any]:
        call = self.load_call()
        application = decision_board(call).filter(reference=self.kwargs["reference"]).first()
        if application is None:
            raise Http404
        return call, application

    def render_page(
        self, call: Call, application: Any, form: DecisionForm | None = None
    ) -> HttpResponse:
        own = decision_side(self.request.user, application)
        sides = list(call.sides.all())
        verdicts = {d.country: d.verdict for d in application.decisions.all()}
        if form is None and own:
            mine = next((d for d in application.decisions.all() if d.country == own), None)
            form = DecisionForm(
                initial={
                    "verdict": mine.verdict if mine else None,
                    "amount": mine.amount if mine else None,
                    "feedback_en": mine.feedback_en if mine else "",
                    "feedback_ko": mine.feedback_ko if mine else "",
                }
            )
        return self.render_to_response(
            self.get_context_data(
                call=call,
                application=application,
                sides=side_rows(application, sides),
                outcome=outcome(verdicts, [s.country for s in sides]),
                own_side=own,
                form=form if own and application.state == "at_panel" else None,
                award=getattr(application, "award", None),
                # The last key: every other side has approved, so approving makes the award.
                last_key=bool(own)
                and all(
                    verdicts.get(s.country) == "approve" for s in sides if s.country != own
                ),
                current="board",
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(*self.load())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call, application = self.load()
        own = decision_side(request.user, application)
        if not own:
            raise Http404  # administrators read; only a side's officer decides
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_decision(
                    application=application,
                    country=own,
                    verdict=data["verdict"],
                    amount=data["amount"],
                    feedback_en=data["feedback_en"],
                    feedback_ko=data["feedback_ko"],
                    starts_on=data["starts_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your side's decision is recorded."))
                return redirect("decisions:decide", slug=call.slug, reference=application.reference)
        return self.render_page(call, application, form)


class DisagreementsView(CallDecisionsMixin, TemplateView):
    """Applications one funder approved and the other declined: to reconcile, nothing else happens."""

    template_name = "decisions/manage/disagreements.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.load_call()
        return super().get_context_data(
            call=call, applications=list(disagreements(call)), current="disagreements", **kwargs
        )


class AwardView(OfficerMixin, TemplateView):
    """The officer's award page: sides, payments (mark paid), reports, outputs, letters, publishing."""

    template_name = "decisions/manage/award.html"

    def load(self) -> Award:
        award = (
            award_detail(awards_managed_by(self.request.user))
            .filter(reference=self.kwargs["reference"])
            .first()
        )
        if award is None or not self.request.user.has_perm("decisions.manage_award", award):  # type: ignore[union-attr]
            raise Http404
        return award

    def render_page(self, award: Award, **forms: Any) -> HttpResponse:
        own = payment_side(self.request.user, award.application)
        return self.render_to_response(
            self.get_context_data(
                award=award,
                application=award.application,
                call=award.application.call,
                own_side=own,
                sides=list(award.sides.all()),
                decisions=list(award.application.decisions.all()),
                letters=list(award.letters.all()),
                ready=LetterState.READY,
                payment_form=forms.get("payment_form") or PaymentForm(),
                output_form=forms.get("output_form") or OutputForm(),
                publish_form=forms.get("publish_form")
                or PublishForm(initial={"published": award.published}),
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.load())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load()
        if not request.user.has_perm("decisions.act_on_award", award):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read; the call's officers act
        action = request.POST.get("action")
        if action == "pay":
            form = PaymentForm(request.POST)
            if form.is_valid():
                payment = (
                    Payment.objects.filter(side__award=award, pk=form.cleaned_data["payment"])
                    .select_related("side__award__application__call")
                    .first()
                )
                if payment is None:
                    raise Http404
                try:
                    mark_payment_paid(
                        payment=payment, paid_on=form.cleaned_data["paid_on"], actor=request.user
                    )
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Payment marked as paid."))
                    return redirect(award.get_absolute_url())
            return self.render_page(award, payment_form=form)
        if action == "output":
            form = OutputForm(request.POST)
            if form.is_valid():
                add_output(award=award, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Output added."))
                return redirect(award.get_absolute_url())
            return self.render_page(award, output_form=form)
        if action == "publish":
            form = PublishForm(request.POST)
            if form.is_valid():
                set_published(
                    award=award,
                    published=form.cleaned_data["published"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("Open-data setting saved."))
                return redirect(award.get_absolute_url())
            return self.render_page(award, publish_form=form)
        if action == "letters":
            request_letters(award=award, actor=request.user)
            messages.success(request, _("The letters are being written; reload in a moment."))
            return redirect(award.get_absolute_url())
        return HttpResponseBadRequest()
