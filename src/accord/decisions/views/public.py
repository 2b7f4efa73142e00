"""Public pages: published awards, the open data, and the delivery charts of an accord."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accord.common.i18n import pick
from accord.common.templatetags.accord import money
from accord.decisions.charts import Bar, bar_chart
from accord.decisions.errors import NoOpenData, OpenDataInvalid
from accord.decisions.selectors import delivery_figures, public_awards
from accord.decisions.selectors.opendata import flat_csv, published_package
from accord.partnerships.models import Partnership


class AwardsView(TemplateView):
    """Public: published awards — organisations and amounts per funder, never people's names."""

    template_name = "decisions/public/awards.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(awards=list(public_awards()), **kwargs)


class OpenDataView(View):
    """Public: the 360Giving package (JSON or flat CSV); 503 while it does not validate."""

    format = "json"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            package = published_package()
        except NoOpenData:
            raise Http404(_("No award is published yet.")) from None
        except OpenDataInvalid as invalid:
            body = render_to_string(
                "decisions/public/opendata_unavailable.html",
                {"errors": invalid.errors},
                request=request,
            )
            return HttpResponse(body, status=503)
        if self.format == "csv":
            response = HttpResponse(flat_csv(package), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="accord-360giving.csv"'
            return response
        response = HttpResponse(
            json.dumps(package, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="accord-360giving.json"'
        return response


class DeliveryView(TemplateView):
    """Public: what an accord's awards fund, drawn as SVG bar charts (no JavaScript)."""

    template_name = "decisions/public/delivery.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        partnership = Partnership.objects.filter(slug=kwargs["slug"]).first()
        if partnership is None:
            raise Http404
        figures = delivery_figures(partnership)
        return super().get_context_data(
            partnership=partnership,
            award_count=figures["award_count"],
            charts=charts(figures),
            **kwargs,
        )


def _name(thing: Any) -> str:
    if thing is None:
        return _("No area given")
    return pick(thing, "name") or str(thing)


def charts(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of the delivery page, each an SVG with a title (one per currency for money)."""
    out = []
    for key, heading in (
        ("by_area", _("Funding by technology area")),
        ("by_funder", _("Funding by side (funder)")),
        ("by_organisation", _("Funding by organisation")),
    ):
        for currency, values in figures[key].items():
            title = f"{heading} ({currency})"
            bars = [
                Bar(_name(label), float(amount), money(amount, currency))
                for label, amount in values[:12]
            ]
            out.append(
                {"key": f"{key}-{currency}", "title": title, "svg": bar_chart(bars, title=title)}
            )
    rounds = []
    for call, submitted, awarded in figures["rounds"]:
        rounds.append(
            Bar(_("%(call)s: applications") % {"call": _name(call)}, submitted, str(submitted))
        )
        rounds.append(
            Bar(_("%(call)s: awards") % {"call": _name(call)}, awarded, str(awarded), "awards")
        )
    title = _("Applications and awards per call round")
    out.append({"key": "rounds", "title": title, "svg": bar_chart(rounds, title=title)})
    return out
