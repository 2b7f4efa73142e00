"""Public pages of a partnership: the accord itself and its commitments tracker."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accord.decisions.selectors import commitment_delivery
from accord.partnerships.enums import CommitmentStatus
from accord.partnerships.forms import CommitmentForm
from accord.partnerships.models import Commitment, Partnership
from accord.partnerships.selectors import (
    areas,
    commitments,
    partnership_with_instruments,
    partnerships,
)


class PartnershipListView(ListView):
    """Public."""

    template_name = "partnerships/list.html"
    context_object_name = "partnerships"

    def get_queryset(self) -> Any:
        return partnerships()


class PartnershipDetailView(TemplateView):
    """Public: instruments, areas, parties, signatories, dates."""

    template_name = "partnerships/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            partnership = partnership_with_instruments(kwargs["slug"])
        except Partnership.DoesNotExist:
            raise Http404 from None
        instruments = list(partnership.instruments.all())
        used_areas = {a.pk: a for i in instruments for a in i.areas.all()}
        return super().get_context_data(
            partnership=partnership,
            core_instruments=[i for i in instruments if i.core],
            related_instruments=[i for i in instruments if not i.core],
            areas=sorted(used_areas.values(), key=lambda a: (a.order, a.name_en)),
            signatories=list(partnership.signatories.all()),
            **kwargs,
        )


class CommitmentTrackerView(TemplateView):
    """Public: each commitment's status, filterable by area, instrument and status (htmx swaps the table).

    With, per commitment, what its published awards deliver: money per side's currency, the
    number of awards and of outputs (two more queries, however many commitments).
    """

    template_name = "partnerships/commitments.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["partnerships/_commitments_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            partnership = Partnership.objects.get(slug=kwargs["slug"])
        except Partnership.DoesNotExist:
            raise Http404 from None
        params = self.request.GET
        selected = {k: params.get(k) or "" for k in ("area", "instrument", "status")}
        rows = list(
            commitments(
                partnership,
                area=selected["area"] or None,
                instrument=selected["instrument"] or None,
                status=selected["status"] or None,
            )
        )
        counts = {value: 0 for value, _label in CommitmentStatus.choices}
        for row in rows:
            counts[row.status] += 1
        delivery = commitment_delivery([row.pk for row in rows])
        for row in rows:
            row.delivery = delivery[row.pk]
        return super().get_context_data(
            partnership=partnership,
            can_change=self.request.user.has_perm("partnerships.change_commitment"),
            commitments=rows,
            selected=selected,
            areas=areas(),
            instruments=partnership.instruments.order_by("-core", "number", "name_en"),
            statuses=CommitmentStatus.choices,
            status_counts=[
                (value, label, counts[value]) for value, label in CommitmentStatus.choices
            ],
            **kwargs,
        )


class CommitmentEditView(LoginRequiredMixin, View):
    """The secretariat (and administrators) update a commitment's status and evidence; audited.

    Anyone else gets 404 (``partnerships.change_commitment``)."""

    template_name = "partnerships/commitment_edit.html"

    def commitment(self, request: HttpRequest, slug: str, key: str) -> Commitment:
        commitment = (
            Commitment.objects.select_related("instrument__partnership", "owner")
            .filter(instrument__partnership__slug=slug, slug=key)
            .first()
        )
        if commitment is None or not request.user.has_perm("partnerships.change_commitment"):
            raise Http404
        return commitment

    def page(
        self, request: HttpRequest, commitment: Commitment, form: CommitmentForm
    ) -> HttpResponse:
        return render(request, self.template_name, {"commitment": commitment, "form": form})

    def get(self, request: HttpRequest, slug: str, key: str) -> HttpResponse:
        commitment = self.commitment(request, slug, key)
        form = CommitmentForm(initial={"status": commitment.status}, evidence=commitment.evidence)
        return self.page(request, commitment, form)

    def post(self, request: HttpRequest, slug: str, key: str) -> HttpResponse:
        from accord.partnerships.services.commitments import update_commitment

        commitment = self.commitment(request, slug, key)
        form = CommitmentForm(request.POST, evidence=commitment.evidence)
        if not form.is_valid():
            return self.page(request, commitment, form)
        data = form.cleaned_data
        update_commitment(
            commitment=commitment,
            status=data["status"],
            add_evidence={
                "title": data["evidence_title"],
                "url": data["evidence_url"],
                "date": data["evidence_date"],
            },
            remove_evidence=data["remove"],
            actor=request.user,
            reason=data["reason"],
        )
        messages.success(request, _("The commitment is updated."))
        tracker = reverse("partnerships:commitments", args=[slug])
        return redirect(f"{tracker}#commitment-{commitment.slug}")
