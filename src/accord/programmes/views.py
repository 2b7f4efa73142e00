from __future__ import annotations

from typing import Any

from django.http import Http404
from django.views.generic import ListView, TemplateView

from accord.programmes.models import Programme
from accord.programmes.selectors import programme_detail, programmes


class ProgrammeListView(ListView):
    """Public."""

    template_name = "programmes/list.html"
    context_object_name = "programmes"

    def get_queryset(self) -> Any:
        return programmes()


class ProgrammeDetailView(TemplateView):
    """Public: funders with their currency and budget, linked instruments and commitments."""

    template_name = "programmes/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            programme = programme_detail(kwargs["slug"])
        except Programme.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(programme=programme, **kwargs)
