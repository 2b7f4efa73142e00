"""The applicants' decision page: both funders' decisions and feedback, their language first.

Only the application's team members see it (``team_application``); anyone else gets 404.
Decisions are shown once the outcome is final, so a pending or disputed side is never revealed
early.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accord.common.downloads import private_file
from accord.decisions.enums import LetterState
from accord.decisions.models import Award
from accord.decisions.selectors import (
    FINAL_STATES,
    accept_context,
    letters_visible_to,
    team_application,
)
from accord.decisions.services.awards import accept_award


class MyDecisionView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/applicant/decision.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = team_application(self.request.user, kwargs["reference"])
        if application is None:
            raise Http404
        language = (get_language() or "en")[:2]
        order = [language] + [lang for lang in ("en", "ko") if lang != language]
        final = application.state in FINAL_STATES
        decisions = []
        if final:
            for d in sorted(application.decisions.all(), key=lambda d: d.country):
                texts = {"en": d.feedback_en, "ko": d.feedback_ko}
                decisions.append(
                    {
                        "decision": d,
                        "feedback": [(lang, texts[lang]) for lang in order if texts[lang]],
                    }
                )
        award = (
            Award.objects.filter(application=application).prefetch_related("sides__funder").first()
        )
        letters = []
        if award is not None:
            ready = [x for x in award.letters.all() if x.state == LetterState.READY]
            latest = {}
            for letter in sorted(ready, key=lambda x: x.created_at, reverse=True):
                latest.setdefault(letter.language, letter)
            letters = [latest[lang] for lang in order if lang in latest]
        return super().get_context_data(
            application=application,
            final=final,
            decisions=decisions,
            award=award,
            letters=letters,
            can_accept=award is not None
            and self.request.user.has_perm("decisions.accept_award", award),
            **kwargs,
        )


class AcceptView(LoginRequiredMixin, TemplateView):
    """A lead accepts the offered award: a page saying what acceptance means (GET), then POST.

    The award comes through the user's own application (404 for anyone else); a team member who
    is not a lead sees it but may not accept (403).
    """

    template_name = "decisions/accept.html"

    def load(self) -> Award:
        application = team_application(self.request.user, self.kwargs["reference"])
        award = getattr(application, "award", None) if application is not None else None
        if award is None:
            raise Http404
        if not self.request.user.has_perm("decisions.accept_award", award):
            raise PermissionDenied
        return award

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        award = self.load()
        return super().get_context_data(
            **accept_context(award),
            action=reverse("decisions:accept", args=[award.reference]),
            back=reverse("decisions:my_decision", args=[award.reference]),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        award = self.load()
        try:
            accept_award(award=award, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("You accepted the award. It is now active."))
        return redirect("decisions:my_decision", reference=award.reference)


class LetterDownloadView(LoginRequiredMixin, View):
    """An award letter (PDF): the award's team and the call's officers only; 404 for anyone else."""

    def get(self, request: HttpRequest, reference: str, pk: int) -> HttpResponse:
        letter = (
            letters_visible_to(request.user)
            .filter(award__reference=reference, pk=pk, state=LetterState.READY)
            .exclude(file="")
            .first()
        )
        if letter is None:
            raise Http404
        return private_file(
            letter.file.open("rb"),
            content_type="application/pdf",
            filename=f"{letter.award.reference}-{letter.language}.pdf",
        )
