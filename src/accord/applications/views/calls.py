"""Officer pages of calls: the list of the officer's calls, opening a call from a template, a
call's dashboard, and its applications (filtered list, htmx table, streamed CSV)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accord.applications.enums import ApplicationState
from accord.applications.forms_manage import NewCallForm, add_service_errors
from accord.applications.selectors import call_applications, with_application_counts
from accord.applications.selectors.budget import CENT
from accord.applications.selectors.officer import (
    application_rows,
    call_dashboard,
    officer_zone,
    templates_for,
)
from accord.applications.services.eligibility_store import (
    eligibility_summary,
    start_eligibility_run,
)
from accord.applications.views.mixins import OfficerMixin, officer_calls, side_label
from accord.core import csvsafe
from accord.programmes.services.calls import create_call_from_template

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
#: Applications read per query (with their prefetched relations) by the streamed CSV.
CSV_CHUNK = 500


class CallListView(OfficerMixin, TemplateView):
    """The officer's calls, with counts of applications."""

    template_name = "applications/manage/calls.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        calls = with_application_counts(officer_calls(self.request.user))
        return super().get_context_data(
            calls=list(calls), can_open=bool(templates_for(self.request.user)), **kwargs
        )


class NewCallView(OfficerMixin, TemplateView):
    """Open a call from a template of a programme the officer's funder pays for."""

    template_name = "applications/manage/call_new.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        templates = templates_for(request.user)
        if not templates:
            raise Http404
        form = NewCallForm(templates=templates, initial={"time_zone": officer_zone(request.user)})
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


class CallDashboardView(OfficerMixin, TemplateView):
    """Counts by state, area and side; funder checks; the eligibility summary."""

    template_name = "applications/manage/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = self.get_call(
            officer_calls(self.request.user).prefetch_related("sides__funder", "rules", "areas")
        )
        rules = list(call.rules.all())
        dashboard = call_dashboard(call, rules)
        eligibility = eligibility_summary(call, rules, dashboard.pop("eligibility"))
        return super().get_context_data(
            call=call,
            **dashboard,
            eligibility=eligibility,
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = Paginator(self.queryset, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            call=self.call,
            sides=list(self.call.sides.all()),
            columns=4 + 3 * len(self.call.sides.all()),
            rows=list(application_rows(self.call, page.object_list)),
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
        rows = application_rows(self.call, self.queryset.iterator(chunk_size=CSV_CHUNK))

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
