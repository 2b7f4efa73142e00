"""Decisions on the Royal Society–NRF call (``ica-2025`` from its template, programme of 36 months).

Applications are set up at panel directly (factories) with a published review and the panel's
moderated score, so their merit is exactly that score whichever ranking is installed. Decisions,
awards and letters are then made through the services, as the officers make them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.applications.enums import ApplicationState, MemberRole
from accord.decisions.enums import Verdict
from accord.decisions.services.decisions import record_decision
from accord.partnerships.models import TechnologyArea
from accord.review.enums import AssignmentState, ReviewState
from accord.review.models import PanelNote, Review
from tests.applications.conftest import (  # noqa: F401 -- fixtures shared with the applications tests
    call,
    funding,
    make_call,
    nrf_officer,
    officer_of,
    rs_officer,
)
from tests.factories.applications import make_applicant, make_joint_application, make_researcher
from tests.factories.review import AssignmentFactory

START = dt.date(2025, 9, 1)


def at_panel(
    of_call: Any,
    *,
    merit: float,
    gbp: int = 200_000,
    krw: int = 500_000_000,
    areas: tuple[str, ...] = ("semiconductors",),
    **fields: Any,
) -> Any:
    """An application at panel with one submitted review and the panel's moderated score."""
    application = make_joint_application(
        call=of_call,
        state=ApplicationState.AT_PANEL,
        budget={"GB": gbp, "KR": krw},
        areas=list(TechnologyArea.objects.filter(slug__in=areas)),
        **fields,
    )
    assignment = AssignmentFactory(
        application=application, reviewer=make_researcher("KR"), state=AssignmentState.PUBLISHED
    )
    scores = {c.key: 5 for c in of_call.criteria.all()}
    Review.objects.create(assignment=assignment, state=ReviewState.SUBMITTED, scores=scores)
    PanelNote.objects.create(application=application, moderated_score=Decimal(str(merit)))
    return application


def lead_user(application: Any, country: str, **kwargs: Any) -> Any:
    """An account for the application's lead on ``country``'s side."""
    member = application.members.get(country=country, role=MemberRole.LEAD)
    return make_applicant(person=member.person, **kwargs)


def approve(application: Any, officer: Any, country: str, **kwargs: Any) -> Any:
    values = {
        "verdict": Verdict.APPROVE,
        "amount": None,
        "feedback_en": f"Approved by the {country} side.",
        "feedback_ko": f"{country} 측이 승인했습니다.",
        "starts_on": START,
        **kwargs,
    }
    return record_decision(application=application, country=country, actor=officer, **values)


def accept(award: Any, officer: Any) -> Any:
    """The lead's acceptance, recorded by an officer on their behalf: the award becomes active
    (and, when published, public)."""
    from accord.decisions.services.awards import accept_award

    return accept_award(award=award, actor=officer, on_behalf=True)


def decline(application: Any, officer: Any, country: str, **kwargs: Any) -> Any:
    values = {
        "verdict": Verdict.DECLINE,
        "amount": None,
        "feedback_en": "Not this time.",
        "feedback_ko": "이번에는 지원하지 않습니다.",
        **kwargs,
    }
    return record_decision(application=application, country=country, actor=officer, **values)


@pytest.fixture
def kiat_officer(funding):  # noqa: F811 -- the shared fixture above
    return officer_of("kiat")
