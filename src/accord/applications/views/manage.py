"""Officer views: call set-up, call dashboard, application list and CSV, the officer's application view.

Who may see what: programme officers of one of a call's funders, and administrators. A call is
found only through ``calls_of_officer`` (administrators: every call) and an application only
through ``applications_visible_to`` plus ``applications.manage_application``, so anyone else gets
404 — never "forbidden", which would confirm that the call or application exists. Writes go
through the services, which check again who may do what (e.g. only an officer of a side's funder
records that side's check) and write the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accord.accounts.rules import Side, is_administrator
from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.forms_manage import (
    SIDE_ZONES,
    CallSettingsForm,
    ConflictRulesForm,
    DecisionForm,
    ExtensionForm,
    FunderCheckForm,
    NewCallForm,
    NewRuleForm,
    OverrideForm,
    RuleForm,
    add_service_errors,
    pretty_params,
)
from accord.applications.models import Application, BudgetLine, FunderCheck, TeamMember
from accord.applications.selectors import (
    applications_visible_to,
    call_applications,
    calls_of_officer,
    with_details,
)
from accord.applications.selectors.budget import CENT, budget_summary, funding_rate
from accord.applications.selectors.eligibility import (
    evaluate_application,
    rule_label,
)
from accord.applications.services.checks import override_eligibility, record_funder_check
from accord.applications.services.eligibility_store import (
    eligibility_summary,
    start_eligibility_run,
)
from accord.applications.services.lifecycle import grant_extension, transition_application
from accord.core import csvsafe
from accord.core.conflicts import ConflictConfig
from accord.directory.models import Organisation
from accord.matching.selectors.conflict_config import conflict_config_for
from accord.matching.services.conflict_config import set_conflict_rules
from accord.partnerships.models import TechnologyArea
from accord.programmes.call_templates import TEMPLATES
from accord.programmes.models import (
    Call,
    EligibilityRule,
    JointRuleChange,
    Programme,
    ProgrammeFunder,
)
from accord.programmes.rules import rule_side
from accord.programmes.services.calls import (
    answer_joint_rule_change,
    create_call_from_template,
    delete_rule,
    propose_joint_rule_change,
    set_rule,
    update_call,
)

# States whose eligibility the officers are deciding or have decided: the dashboard summary.
CHECKED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.INELIGIBLE,
)
# "eligible" in the CSV: the officers' decision, read from the state.
DECIDED_ELIGIBLE = frozenset(
    {
        ApplicationState.ELIGIBLE,
        ApplicationState.IN_REVIEW,
        ApplicationState.AT_PANEL,
        ApplicationState.FUNDED,
        ApplicationState.DECLINED,
        ApplicationState.ACTIVE,
        ApplicationState.CLOSED,
    }
)
LIST_PAGE_SIZE = 50  # rows rendered per page: 100 took ~0.5 s of templating on the bench


def officer_calls(user: Any) -> QuerySet[Call]:
    """The calls this user manages: their funders' calls; every call for an administrator."""
    if is_administrator(user):
        return (
            Call.objects.select_related("programme")
            .annotate(application_count=Count("applications", distinct=True))
            .order_by("-closes_at")
        )
    return calls_of_officer(user)


def own_side(user: Any, application: Application) -> str | None:
    """The side whose check this user records (``applications.record_check``), if any."""
    return next(
        (
            str(s.country)
            for s in application.call.sides.all()
            if user.has_perm("applications.record_check", Side(application, s.country))
        ),
        None,
    )


def default_side(user: Any, application: Application) -> str:
    """The officer's own side; an administrator starts on the call's first side."""
    own = own_side(user, application)
    if own:
        return own
    sides = list(application.call.sides.all())
    return str(sides[0].country) if sides else ""


def side_label(country: str) -> str:
    """CSV column stem: ``uk`` for Great Britain (as people say it), else the country code."""
    return "uk" if country == "GB" else country.lower()


class OfficerMixin(LoginRequiredMixin):
    """Signed-in users only (anonymous → sign-in page); the call comes from ``officer_calls``."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_call(self, queryset: QuerySet[Call] | None = None) -> Call:
        qs = queryset if queryset is not None else officer_calls(self.request.user)
        call = qs.filter(slug=self.kwargs["slug"]).first()
        if call is None:
            raise Http404
        return call


class CallListView(OfficerMixin, TemplateView):
    """The officer's calls, with counts of applications."""

    template_name = "applications/manage/calls.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        calls = officer_calls(self.request.user).annotate(
            submitted_count=Count(
                "applications",
                filter=~Q(
                    applications__state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
                ),
                distinct=True,
            )
        )
        return super().get_context_data(
            calls=list(calls), can_open=bool(templates_for(self.request.user)), **kwargs
        )


def templates_for(user: Any) -> list[tuple[str, str]]:
    """The call templates whose programme is funded by one of this officer's funders."""
    funded = ProgrammeFunder.objects.filter(organisation_id__in=user.funder_ids())
    programmes = Programme.objects.filter(pk__in=funded.values("programme_id"))
    slugs = set(programmes.values_list("slug", flat=True))
    return [
        (key, str(spec["label"])) for key, spec in TEMPLATES.items() if spec["programme"] in slugs
    ]


class NewCallView(OfficerMixin, TemplateView):
    """Open a call from a template of a programme the officer's funder pays for."""

    template_name = "applications/manage/call_new.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        templates = templates_for(request.user)
        if not templates:
            raise Http404
        zone = "Europe/London"
        funders = Organisation.objects.filter(pk__in=request.user.funder_ids()).values_list(
            "country", flat=True
        )  # type: ignore[attr-defined]
        if list(funders)[:1] == ["KR"]:
            zone = "Asia/Seoul"
        form = NewCallForm(templates=templates, initial={"time_zone": zone})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        templates = templates_for(request.user)
        if not templates:
            raise Http404
        form = NewCallForm(request.POST, templates=templates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                call = create_call_from_template(
                    template=data["template"],
                    slug=data["slug"],
                    name_en=data["name_en"],
                    name_ko=data["name_ko"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    published=data["published"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Call “%(name)s” opened. Check its settings and rules.")
                    % {"name": call.name},
                )
                return redirect("manage:call_settings", slug=call.slug)
        return self.render_to_response(self.get_context_data(form=form))


class CallSettingsView(OfficerMixin, TemplateView):
    """Dates, areas, review settings and limits; the rules table; sides and criteria."""

    template_name = "applications/manage/call_settings.html"

    def load(self) -> Call:
        qs = officer_calls(self.request.user).prefetch_related(
            "areas", "rules", "sides__funder", "criteria"
        )
        return self.get_call(qs)

    def zone(self, call: Call) -> str:
        funders = self.request.user.funder_ids()  # type: ignore[attr-defined]
        for side in call.sides.all():
            if side.funder_id in funders:
                return SIDE_ZONES.get(side.country, "Europe/London")
        return "Europe/London"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.load())

    def render_page(
        self,
        call: Call,
        *,
        settings_form: CallSettingsForm | None = None,
        bound_rule: RuleForm | None = None,
        new_rule: NewRuleForm | None = None,
        conflict_form: ConflictRulesForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
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
            if bound_rule is not None and bound_rule.data.get("key") == rule.key:
                form = bound_rule
            else:
                form = RuleForm(
                    initial={"key": rule.key, "params": pretty_params(rule.params)},
                    auto_id=f"id_rule_{rule.key}_%s",
                )
            side = rule_side(rule)
            user = self.request.user
            rows.append(
                {
                    "rule": rule,
                    "label": rule_label(rule.kind),
                    "form": form,
                    "side": side,
                    "can_change": user.has_perm("programmes.change_side_rule", rule)  # type: ignore[union-attr]
                    if side
                    else user.has_perm("programmes.propose_joint_rule_change", call),  # type: ignore[union-attr]
                }
            )
        context = self.get_context_data(
            call=call,
            settings_form=settings_form
            or CallSettingsForm(initial=CallSettingsForm.initial_for(call, self.zone(call))),
            rule_rows=rows,
            new_rule=new_rule or NewRuleForm(call=call, auto_id="id_new_rule_%s"),
            sides=list(call.sides.all()),
            criteria=list(call.criteria.all()),
            joint_changes=[
                {
                    "change": change,
                    "params": pretty_params(change.params),
                    "can_answer": self.request.user.has_perm(  # type: ignore[union-attr]
                        "programmes.answer_joint_rule_change", change
                    ),
                }
                for change in call.joint_rule_changes.select_related(
                    "proposed_by", "answered_by", "call"
                )[:20]
            ],
            conflict_form=conflict_form,
            conflict_problem=conflict_problem,
        )
        return self.render_to_response(context, status=status)

    PROPOSED = gettext_lazy(
        "Rule %(key)s spans both sides: your change is proposed and applies when the other funder agrees."
    )

    def change_rule(
        self, call: Call, key: str, kind: str, params: dict[str, Any], done: str
    ) -> str:
        """A side's rule is changed by that side's funder; a rule of both sides is proposed."""
        existing = next((r for r in call.rules.all() if r.key == key), None)
        candidate = EligibilityRule(call=call, key=key, kind=kind, params=params)
        if all(rule_side(r) is None for r in filter(None, [existing, candidate])):
            propose_joint_rule_change(
                call=call, key=key, kind=kind, params=params, actor=self.request.user
            )
            return str(self.PROPOSED) % {"key": key}
        set_rule(call=call, key=key, kind=kind, params=params, actor=self.request.user)
        return done

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.load()
        if not request.user.has_perm("programmes.change_call", call):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read the settings; only officers change them
        action = request.POST.get("action")
        url = reverse("manage:call_settings", kwargs={"slug": call.slug})
        if action == "settings":
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
                    return self.render_page(self.load(), settings_form=form)
                messages.success(request, _("Settings saved."))
                return redirect(url)
            return self.render_page(call, settings_form=form)
        if action == "conflicts":
            countries = [side.country for side in call.sides.all()]
            conflict_form = ConflictRulesForm(request.POST, countries=countries)
            if conflict_form.is_valid():
                try:
                    set_conflict_rules(
                        call=call, rules=conflict_form.conflict_rules(), actor=request.user
                    )
                except ValidationError as exc:
                    add_service_errors(conflict_form, exc)
                else:
                    messages.success(request, _("Conflict-of-interest settings saved."))
                    return redirect(f"{url}#conflicts")
            return self.render_page(call, conflict_form=conflict_form)
        if action == "save_rule":
            key = request.POST.get("key", "")
            rule_form = RuleForm(request.POST, auto_id=f"id_rule_{key}_%s")
            rule = next((r for r in call.rules.all() if r.key == key), None)
            if rule is None:
                raise Http404
            if rule_form.is_valid():
                try:
                    message = self.change_rule(
                        call,
                        rule.key,
                        rule.kind,
                        rule_form.cleaned_data["params"],
                        _("Rule %(key)s saved.") % {"key": rule.key},
                    )
                except ValidationError as exc:
                    add_service_errors(rule_form, exc)
                else:
                    messages.success(request, message)
                    return redirect(f"{url}#rule-{rule.key}")
            return self.render_page(call, bound_rule=rule_form)
        if action == "add_rule":
            new_form = NewRuleForm(request.POST, call=call, auto_id="id_new_rule_%s")
            if new_form.is_valid():
                data = new_form.cleaned_data
                try:
                    message = self.change_rule(
                        call,
                        data["key"],
                        data["kind"],
                        data["params"],
                        _("Rule %(key)s added.") % {"key": data["key"]},
                    )
                except ValidationError as exc:
                    add_service_errors(new_form, exc)
                else:
                    messages.success(request, message)
                    return redirect(f"{url}#rule-{data['key']}")
            return self.render_page(call, new_rule=new_form)
        if action == "delete_rule":
            rule = EligibilityRule.objects.filter(
                call=call, key=request.POST.get("key", "")
            ).first()
            if rule is None:
                raise Http404
            if rule_side(rule) is None:
                propose_joint_rule_change(call=call, key=rule.key, delete=True, actor=request.user)
                messages.success(request, self.PROPOSED % {"key": rule.key})
            else:
                delete_rule(rule=rule, actor=request.user)
                messages.success(request, _("Rule %(key)s deleted.") % {"key": rule.key})
            return redirect(url)
        if action in ("agree_change", "refuse_change"):
            change = JointRuleChange.objects.filter(
                call=call, pk=request.POST.get("change") or 0
            ).first()
            if change is None:
                raise Http404
            try:
                answer_joint_rule_change(
                    change=change, agree=action == "agree_change", actor=request.user
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Both funders agreed: rule %(key)s changed.") % {"key": change.key}
                    if action == "agree_change"
                    else _("The change to rule %(key)s was not agreed.") % {"key": change.key},
                )
            return redirect(f"{url}#joint-changes")
        return HttpResponseBadRequest()


def side_totals(call: Call, sides: list[Any]) -> list[dict[str, Any]]:
    """Per side: applications with a lead there and total requested (not withdrawn), in 2 queries."""
    active = ~Q(application__state=ApplicationState.WITHDRAWN)
    leads = dict(
        TeamMember.objects.filter(active, application__call=call, role=MemberRole.LEAD)
        .values("country")
        .annotate(n=Count("application", distinct=True))
        .values_list("country", "n")
        .order_by()
    )
    # Costs grouped by what the funding rate depends on (organisation size, kind), then rated.
    groups = (
        BudgetLine.objects.filter(active, application__call=call)
        .values("country", "organisation__size", "organisation__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    requested: dict[str, Decimal] = defaultdict(Decimal)
    by_country = {s.country: s for s in sides}
    for group in groups:
        side = by_country.get(group["country"])
        if side is None:
            continue
        org = Organisation(size=group["organisation__size"], kind=group["organisation__kind"])
        requested[side.country] += (group["total"] * funding_rate(side, org)).quantize(CENT)
    return [
        {
            "side": side,
            "applications": leads.get(side.country, 0),
            "requested": requested[side.country],
        }
        for side in sides
    ]


class CallDashboardView(OfficerMixin, TemplateView):
    """Counts by state, area and side; funder checks; the eligibility summary."""

    template_name = "applications/manage/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.get_call(
            officer_calls(self.request.user).prefetch_related("sides__funder", "rules", "areas")
        )
        sides = list(call.sides.all())
        rules = list(call.rules.all())
        state_counts = dict(
            Application.objects.filter(call=call)
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
            .order_by()
        )
        areas = (
            TechnologyArea.objects.filter(applications__call=call)
            .annotate(n=Count("applications"))
            .order_by("order", "name_en")
        )
        checks: dict[tuple[str, str], int] = {
            (row["country"], row["status"]): row["n"]
            for row in FunderCheck.objects.filter(application__call=call)
            .values("country", "status")
            .annotate(n=Count("id"))
            .order_by()
        }
        return super().get_context_data(
            call=call,
            total=sum(state_counts.values()),
            by_state=[
                (value, label, state_counts.get(value, 0))
                for value, label in ApplicationState.choices
            ],
            by_area=list(areas),
            by_side=side_totals(call, sides),
            checks=[
                {
                    "side": side,
                    "counts": [
                        (value, label, checks.get((side.country, value), 0))
                        for value, label in CheckStatus.choices
                        if value != CheckStatus.PENDING
                    ],
                }
                for side in sides
            ],
            eligibility=eligibility_summary(call, rules),
            can_recompute=self.request.user.has_perm(  # type: ignore[union-attr]
                "applications.recompute_eligibility", call
            ),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Recompute the call's stored eligibility results in the background."""
        call = self.get_call(officer_calls(request.user))
        if not request.user.has_perm("applications.recompute_eligibility", call):  # type: ignore[union-attr]
            raise PermissionDenied  # an administrator sees the dashboard, acts on nothing
        start_eligibility_run(call=call, actor=request.user)
        return redirect("manage:call", slug=call.slug)


class CallApplicationsView(OfficerMixin, TemplateView):
    """A call's applications, filtered by state, area, side and text; htmx swaps only the table;
    ``?format=csv`` downloads the same rows."""

    template_name = "applications/manage/applications.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx:  # type: ignore[attr-defined]
            return ["applications/manage/_applications_table.html"]
        return [self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = self.get_call(
            officer_calls(request.user).prefetch_related("sides__funder", "areas")
        )
        params = request.GET
        self.selected = {k: (params.get(k) or "").strip() for k in ("state", "area", "side", "q")}
        self.queryset = call_applications(
            self.call,
            state=self.selected["state"],
            area=self.selected["area"],
            side=self.selected["side"],
            query=self.selected["q"],
        )
        if params.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def rows(self, applications: Any) -> list[dict[str, Any]]:
        return list(self.iter_rows(applications))

    def iter_rows(self, applications: Any) -> Iterator[dict[str, Any]]:
        sides = list(self.call.sides.all())
        for application in applications:
            members = list(application.members.all())
            leads = {m.country: m for m in members if m.role == MemberRole.LEAD}
            budget = budget_summary(application)
            checks = {c.country: c for c in application.funder_checks.all()}
            yield {
                "application": application,
                "leads": [(side, leads.get(side.country)) for side in sides],
                "budget": [(side, budget.get(side.country)) for side in sides],
                "checks": [(side, checks.get(side.country)) for side in sides],
                "areas": list(application.areas.all()),
            }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = Paginator(self.queryset, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            call=self.call,
            sides=list(self.call.sides.all()),
            columns=4 + 3 * len(self.call.sides.all()),
            rows=self.rows(page.object_list),
            page_obj=page,
            selected=self.selected,
            states=ApplicationState.choices,
            areas=list(self.call.areas.all()),
            **kwargs,
        )

    def csv_response(self) -> StreamingHttpResponse:
        """The rows as CSV, streamed: the first bytes leave at once, whatever the call's size,
        and memory stays flat (applications are read ``CSV_CHUNK`` at a time, with their
        relations prefetched per chunk)."""
        sides = list(self.call.sides.all())
        header = ["reference", "state", "title_en", "title_ko"]
        header += [f"{side_label(s.country)}_lead" for s in sides]
        header += ["areas"]
        for s in sides:
            header += [f"requested_{s.country}", f"currency_{s.country}"]
        header += ["submitted_at", "eligible"]
        rows = self.iter_rows(self.queryset.iterator(chunk_size=CSV_CHUNK))

        def lines() -> Iterator[bytes]:
            buffer = io.StringIO()
            writer = csvsafe.writer(buffer)
            buffer.write("\ufeff")
            writer.writerow(header)
            yield buffer.getvalue().encode("utf-8")  # the first bytes, before any row is read
            buffer.seek(0)
            buffer.truncate()
            for n, row in enumerate(rows, start=1):
                writer.writerow(csv_line(row))
                if n % 100 == 0:
                    yield buffer.getvalue().encode("utf-8")
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue().encode("utf-8")

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.call.slug}-applications.csv"'
        )
        return response


#: Applications read per query (with their prefetched relations) by the streamed CSV.
CSV_CHUNK = 500


def csv_line(row: dict[str, Any]) -> list[str]:
    application = row["application"]
    line = [
        application.reference,
        application.state,
        application.title_en,
        application.title_ko,
    ]
    line += [lead.person.name_en if lead else "" for _side, lead in row["leads"]]
    line += ["; ".join(a.slug for a in row["areas"])]
    for side, budget in row["budget"]:
        amount = budget.requested if budget else Decimal(0)
        line += [f"{amount.quantize(CENT):f}", side.currency]
    submitted = application.submitted_at
    line += [
        submitted.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if submitted else "",
        "yes"
        if application.state in DECIDED_ELIGIBLE
        else "no"
        if application.state == ApplicationState.INELIGIBLE
        else "—",
    ]
    return line


class ManageApplicationView(LoginRequiredMixin, View):
    """One application as the call's officers see it: one shared status, a view per side, checks,
    overrides, extension and the eligibility decision."""

    permission_required = "applications.manage_application"
    template_name = "applications/manage/application.html"
    ACTIONS = ("check", "override", "extension", "decision")

    def get_application(self, request: HttpRequest, reference: str) -> Application:
        application = (
            with_details(applications_visible_to(request.user)).filter(reference=reference).first()
        )
        if application is None:
            raise Http404
        if not request.user.has_perm("applications.view_managed_application", application):  # type: ignore[union-attr]
            raise Http404
        return application

    def side(self, request: HttpRequest, application: Application) -> str:
        countries = [s.country for s in application.call.sides.all()]
        wanted = request.GET.get("side", "")
        return wanted if wanted in countries else default_side(request.user, application)

    def forms(
        self, application: Application, side: str, bound: str | None = None, data: Any = None
    ) -> dict[str, Any]:
        own = own_side(self.request.user, application) or side
        zone = SIDE_ZONES.get(own, "Europe/London")
        checks = {c.country: c for c in application.funder_checks.all()}
        own_check = checks.get(own)
        rule_choices = [
            (r.key, f"{r.key} — {rule_label(r.kind)}") for r in application.call.rules.all()
        ]
        made = {
            "check": lambda d: FunderCheckForm(
                d,
                prefix="check",
                initial={
                    "country": own,
                    "status": own_check.status if own_check else CheckStatus.PENDING,
                    "notes": own_check.notes if own_check else "",
                },
            ),
            "override": lambda d: OverrideForm(d, prefix="override", rules=rule_choices),
            "extension": lambda d: ExtensionForm(
                d, prefix="extension", initial={"time_zone": zone}
            ),
            "decision": lambda d: DecisionForm(d, prefix="decision", state=application.state),
        }
        return {name: factory(data if name == bound else None) for name, factory in made.items()}

    def render_page(
        self,
        request: HttpRequest,
        application: Application,
        forms: dict[str, Any],
        status: int = 200,
    ) -> HttpResponse:
        side = self.side(request, application)
        sides = list(application.call.sides.all())
        members = list(application.members.all())
        budget = budget_summary(application)
        lines_by_side: dict[str, list[BudgetLine]] = defaultdict(list)
        for line in application.budget_lines.all():
            lines_by_side[line.country].append(line)
        checks = {c.country: c for c in application.funder_checks.all()}
        try:
            eligibility = evaluate_application(application)
            eligibility_error = ""
        except ValueError as exc:
            eligibility, eligibility_error = [], str(exc)
        languages = ["ko", "en"] if side == "KR" else ["en", "ko"]
        texts = [
            {
                "language": lang,
                "title": getattr(application, f"title_{lang}"),
                "summary": getattr(application, f"summary_{lang}"),
            }
            for lang in languages
        ]
        context = {
            "application": application,
            "call": application.call,
            "side": side,
            "own_side": own_side(request.user, application),
            "sides": sides,
            "texts": texts,
            "team": [(s, [m for m in members if m.country == s.country]) for s in sides],
            "budget": [(s, budget.get(s.country), lines_by_side.get(s.country, [])) for s in sides],
            "checks": [(s, checks.get(s.country)) for s in sides],
            "documents": list(application.documents.all()),
            "eligibility": eligibility,
            "eligibility_error": eligibility_error,
            **{f"{name}_form": form for name, form in forms.items()},
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application(request, reference)
        return self.render_page(
            request, application, self.forms(application, self.side(request, application))
        )

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        application = self.get_application(request, reference)
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            return HttpResponseBadRequest()
        side = self.side(request, application)
        forms = self.forms(application, side, bound=action, data=request.POST)
        form = forms[action]
        status = 200
        if form.is_valid():
            try:
                message = getattr(self, f"do_{action}")(application, form.cleaned_data)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not do this."))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(
                    f"{reverse('manage:application', kwargs={'reference': reference})}?side={side}"
                )
        fresh = self.get_application(request, reference)
        return self.render_page(request, fresh, forms, status=status)

    def do_check(self, application: Application, data: dict[str, Any]) -> str:
        record_funder_check(
            application=application,
            country=data["country"],
            status=data["status"],
            notes=data["notes"],
            actor=self.request.user,
        )
        return _("Check recorded.")

    def do_override(self, application: Application, data: dict[str, Any]) -> str:
        override_eligibility(
            application=application,
            rule_key=data["rule_key"],
            passed=data["passed"],
            reason=data["reason"],
            actor=self.request.user,
            country=own_side(self.request.user, application),
        )
        return _("Result of rule %(key)s overridden.") % {"key": data["rule_key"]}

    def do_extension(self, application: Application, data: dict[str, Any]) -> str:
        grant_extension(
            application=application,
            until=data["until"],
            reason=data["reason"],
            actor=self.request.user,
        )
        return _("Extension granted.")

    def do_decision(self, application: Application, data: dict[str, Any]) -> str:
        self.require_officer(application)
        moved = transition_application(
            application=application, to=data["to"], actor=self.request.user, reason=data["reason"]
        )
        return _("The application is now %(state)s.") % {"state": moved.get_state_display().lower()}

    def require_officer(self, application: Application) -> None:
        """Decisions are for the call's officers (administrators only watch)."""
        if not self.request.user.has_perm(self.permission_required, application):  # type: ignore[attr-defined]
            raise PermissionDenied(_("Only an officer of this call's funders may do this."))


urlpatterns = [
    path("calls/", CallListView.as_view(), name="calls"),
    path("calls/new/", NewCallView.as_view(), name="call_new"),
    path("calls/<slug:slug>/", CallDashboardView.as_view(), name="call"),
    path("calls/<slug:slug>/settings/", CallSettingsView.as_view(), name="call_settings"),
    path(
        "calls/<slug:slug>/applications/", CallApplicationsView.as_view(), name="call_applications"
    ),
    path("applications/<str:reference>/", ManageApplicationView.as_view(), name="application"),
]

__all__ = ["urlpatterns"]
