"""The applicants' decision page: both funders' decisions and feedback, their language first.

Only the application's team members see it (``team_application``); anyone else gets 404.
Decisions are shown once the outcome is final, so a pending or disputed side is never revealed
early.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from accord.common.downloads import private_file
from accord.decisions.enums import LetterState
from accord.decisions.models import Award
from accord.decisions.selectors import FINAL_STATES, letters_visible_to, team_application


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
            **kwargs,
        )


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
