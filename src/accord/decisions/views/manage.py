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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accord.accounts.rules import Side
from accord.applications.selectors.budget import budget_summary
from accord.applications.views.mixins import OfficerMixin, officer_calls
from accord.common.services.runs import checked
from accord.decisions.enums import LetterState
from accord.decisions.forms import (
    DecisionForm,
    OutputForm,
    PaymentForm,
    PortfolioForm,
    UnpublishForm,
    WhatIfForm,
    add_service_errors,
)
from accord.decisions.models import Award, Payment, Scenario
from accord.decisions.selectors import (
    accept_context,
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
from accord.decisions.selectors.scenarios import scenario_page
from accord.decisions.services.awards import (
    accept_award,
    add_output,
    mark_payment_paid,
    set_published,
)
from accord.decisions.services.decisions import outcome, record_decision
from accord.decisions.services.letters import request_letters
from accord.decisions.services.portfolio import rerun_scenario, start_scenario, start_what_if
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
    """The call's candidates with merit and costs per side, the scenarios, and the budget form."""

    template_name = "decisions/manage/portfolio.html"
    http_method_names = ["get"]

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


class ScenarioRunView(PortfolioView):
    """POST: queue a scenario under the budgets and bounds given; its page shows it running."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.load_call()
        if not request.user.has_perm("decisions.act_on_call", call):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read; the call's officers run scenarios
        rows = candidate_rows(call, portfolio_candidates(call))
        form = self.form(call, rows, request.POST)
        if form.is_valid():
            scenario = start_scenario(call=call, actor=request.user, **form.values())
            return redirect("decisions:scenario", slug=call.slug, pk=scenario.pk)
        return self.render_page(call, rows, form)


class ScenarioMixin(CallDecisionsMixin):
    def load_scenario(self) -> tuple[Call, Scenario]:
        call = self.load_call()
        scenario = checked(
            scenarios_of(call).select_related("base").filter(pk=self.kwargs["pk"]).first()
        )
        if scenario is None:
            raise Http404
        return call, scenario

    def run_context(self, call: Call, scenario: Scenario) -> dict[str, Any]:
        can_act = self.request.user.has_perm("decisions.act_on_call", call)  # type: ignore[union-attr]
        return {
            "run": scenario,
            "progress_url": reverse(
                "decisions:scenario_progress", kwargs={"slug": call.slug, "pk": scenario.pk}
            ),
            "rerun_url": reverse(
                "decisions:scenario_rerun", kwargs={"slug": call.slug, "pk": scenario.pk}
            )
            if can_act
            else "",
            "stage_label": SCENARIO_STAGES.get(scenario.stage, ""),
        }


SCENARIO_STAGES = {
    "solving": gettext_lazy("finding the portfolio of highest merit under both budgets"),
    "explaining": gettext_lazy("explaining who is left out"),
}


class ScenarioView(ScenarioMixin, TemplateView):
    """A scenario: its run while it works; then its funded set (or why none exists), and the
    what-if form (which queues a what-if run). Nothing is solved here."""

    template_name = "decisions/manage/scenario.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call, scenario = self.load_scenario()
        form = kwargs.pop("form", None) or WhatIfForm(
            sides=list(call.sides.all()), areas=list(call.areas.all())
        )
        return super().get_context_data(
            call=call,
            scenario=scenario,
            form=form,
            current="portfolio",
            can_act=self.request.user.has_perm("decisions.act_on_call", call),  # type: ignore[union-attr]
            **scenario_page(call, scenario),
            **self.run_context(call, scenario),
            **kwargs,
        )


class ScenarioProgressView(ScenarioMixin, TemplateView):
    """The run's progress card; htmx polls it while the scenario is queued or running."""

    template_name = "accord/_run_progress.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call, scenario = self.load_scenario()
        return super().get_context_data(**self.run_context(call, scenario), **kwargs)

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not context["run"].is_active and self.request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # show the outcome once the run is over
        return response


class ScenarioRerunView(ScenarioMixin, TemplateView):
    """POST: run the scenario again with the same inputs (a new run)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call, scenario = self.load_scenario()
        if not request.user.has_perm("decisions.act_on_call", call):  # type: ignore[union-attr]
            raise PermissionDenied
        again = rerun_scenario(scenario=scenario, actor=request.user)
        return redirect("decisions:scenario", slug=call.slug, pk=again.pk)


class WhatIfView(ScenarioView):
    """POST: queue a what-if on the scenario (a budget, a rate, an area bound changed)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call, scenario = self.load_scenario()
        if not request.user.has_perm("decisions.act_on_call", call):  # type: ignore[union-attr]
            raise PermissionDenied
        form = WhatIfForm(request.POST, sides=list(call.sides.all()), areas=list(call.areas.all()))
        if form.is_valid():
            try:
                run = start_what_if(scenario=scenario, changes=form.changes(), actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("decisions:scenario", slug=call.slug, pk=run.pk)
        return self.render_to_response(self.get_context_data(form=form))


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
                and all(verdicts.get(s.country) == "approve" for s in sides if s.country != own),
                current="board",
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(*self.load())


class RecordDecisionView(DecideView):
    """POST only: record the officer's own side's decision (administrators read, never decide)."""

    http_method_names = ["post"]

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
    """The officer's award page: sides, payments, reports, outputs, letters, open data (GET)."""

    template_name = "decisions/manage/award.html"
    http_method_names = ["get"]

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
        letters = list(award.letters.all())
        return self.render_to_response(
            self.get_context_data(
                award=award,
                application=award.application,
                call=award.application.call,
                own_side=own,
                sides=list(award.sides.all()),
                decisions=list(award.application.decisions.all()),
                letters=letters,
                letters_pending=any(letter.state == LetterState.PENDING for letter in letters),
                can_accept=self.request.user.has_perm("decisions.accept_award", award),  # type: ignore[union-attr]
                ready=LetterState.READY,
                payment_form=forms.get("payment_form") or PaymentForm(),
                output_form=forms.get("output_form") or OutputForm(),
                unpublish_form=forms.get("unpublish_form") or UnpublishForm(),
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.load())


class AwardActionView(AwardView):
    """An action on an award (POST): the award from ``awards_managed_by`` (404 otherwise); only
    its call's officers act (administrators read: 403)."""

    http_method_names = ["post"]

    def load_for_action(self) -> Award:
        award = self.load()
        if not self.request.user.has_perm("decisions.act_on_award", award):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read; the call's officers act
        return award


class AwardPaymentView(AwardActionView):
    """Mark one of the award's payments paid (only an officer of that side's funder may)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
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


class AwardOutputView(AwardActionView):
    """Record an output of the award."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
        form = OutputForm(request.POST)
        if form.is_valid():
            add_output(award=award, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Output added."))
            return redirect(award.get_absolute_url())
        return self.render_page(award, output_form=form)


class AwardLettersView(AwardActionView):
    """Write the award letters again (in the background; the award page shows them as they come)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
        request_letters(award=award, actor=request.user)
        messages.success(request, _("The letters are being prepared; they appear here when ready."))
        return redirect(award.get_absolute_url())


class AwardPublishView(AwardActionView):
    """Publishing: a confirmation page (GET) saying what will be published and where; POST publishes."""

    template_name = "decisions/manage/publish.html"
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
        return TemplateView.render_to_response(
            self,
            self.get_context_data(
                award=award,
                application=award.application,
                call=award.application.call,
                sides=list(award.sides.all()),
            ),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
        if not award.published:
            set_published(award=award, published=True, actor=request.user)
            messages.success(request, _("The award is published in the open data."))
        return redirect(award.get_absolute_url())


class AwardUnpublishView(AwardActionView):
    """Take the award out of the open data, with a reason (copies already made stay out there)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_action()
        form = UnpublishForm(request.POST)
        if form.is_valid():
            set_published(
                award=award, published=False, reason=form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, _("The award is taken out of the open data."))
            return redirect(award.get_absolute_url())
        return self.render_page(award, unpublish_form=form)


class AwardAcceptView(AwardView):
    """An officer records the lead's acceptance on their behalf: confirmation page, then POST."""

    template_name = "decisions/accept.html"
    http_method_names = ["get", "post"]

    def load_for_accept(self) -> Award:
        award = self.load()
        if not self.request.user.has_perm("decisions.accept_award", award):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read; the call's officers record it
        return award

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_accept()
        return TemplateView.render_to_response(
            self,
            self.get_context_data(
                **accept_context(award),
                on_behalf=True,
                action=reverse("decisions:award_accept", args=[award.reference]),
                back=award.get_absolute_url(),
            ),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load_for_accept()
        try:
            accept_award(award=award, actor=request.user, on_behalf=True)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The lead's acceptance is recorded; the award is active."))
        return redirect(award.get_absolute_url())
