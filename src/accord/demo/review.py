"""Demo stages after submission: the reviewer pool, an exact assignment, reviews, the panel, and
the two funders' decisions, awards and open data — all through the services, deterministic.

The closed 2025 round goes the whole way: most applications are reviewed, ranked and decided; a
few reviews are left for the demo reviewer to write, and one decision is left for the officers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings

from accord.accounts.models import User
from accord.accounts.services.users import create_user, link_person
from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.applications.services.lifecycle import transition_application
from accord.directory.models import Person
from accord.programmes.models import Call
from accord.programmes.services.calls import update_call
from accord.review.enums import AssignmentState
from accord.review.models import Assignment, ReviewerInvitation

CALL = "uk-rok-ica-2025"
NOW = dt.datetime(2025, 6, 20, 9, 0, tzinfo=dt.UTC)
LONDON = ZoneInfo("Europe/London")
RESPONSE_WINDOW = {
    "applicant_response": True,
    "response_opens_at": dt.datetime(2025, 7, 21, 9, 0, tzinfo=LONDON),
    "response_closes_at": dt.datetime(2027, 3, 31, 16, 0, tzinfo=LONDON),
}


def _digest(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _account(person: Person) -> User:
    user = User.objects.filter(person=person).first()
    if user is not None:
        return user
    first, _, last = person.name_en.partition(" ")
    return create_user(
        username=person.slug,
        email=person.email or f"{person.slug}@accord.example",
        password=None,  # type: ignore[arg-type]
        first_name=first,
        last_name=last,
        person=person,
        preferred_language="ko" if person.country == "KR" else "en",
    )


def _link_demo_accounts(pool: list[Person]) -> dict[str, Person]:
    """The demo reviewers, one per side, and the panel member: the UK 'reviewer' becomes a
    researcher of the pool; 'reviewer-kr' and 'panel' have people of their own (seed_accounts)."""
    linked: dict[str, Person] = {}
    free = [p for p in pool if not User.objects.filter(person=p).exists()]
    for username, country in (("reviewer", "GB"), ("reviewer-kr", "KR"), ("panel", "KR")):
        user = User.objects.get(username=username)
        if user.person_id is None:
            person = next((p for p in free if p.country == country), None)
            if person is None:
                continue
            free.remove(person)
            link_person(user=user, person=person)
        linked[username] = user.person  # type: ignore[assignment]
    return linked


def seed_review() -> dict[str, int]:
    from accord.matching.selectors import reviewer_pool
    from accord.review.services.assignment import (
        compute_assignment,
        create_assignment_run,
        publish_assignments,
    )
    from accord.review.services.panel import add_panel_members
    from accord.review.services.pool import answer_invitation, invite_reviewers
    from accord.review.services.reviews import declare_conflict, save_review

    call = Call.objects.filter(slug=CALL).first()
    if call is None or ReviewerInvitation.objects.filter(call=call).exists():
        return {"reviews": 0}
    officer = User.objects.get(username="officer-rs")
    pool = [p for p in reviewer_pool(call) if p.country in ("GB", "KR")]
    demo = _link_demo_accounts(pool)
    criteria = list(call.criteria.all())
    written = 0
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        invitations = invite_reviewers(
            call=call, people=pool, due=dt.date(2025, 7, 15), max_load=5, actor=officer
        )
        for invitation in invitations:
            answer_invitation(invitation=invitation, user=_account(invitation.person), accept=True)
        run = compute_assignment(run=create_assignment_run(call=call, mode="total", actor=officer))
        if run.state != "done":
            raise RuntimeError(f"demo assignment failed: {run.message}")
        publish_assignments(call=call, actor=officer)
        left = {demo[name].pk for name in ("reviewer", "reviewer-kr") if name in demo}
        for assignment in (
            Assignment.objects.filter(call=call, state=AssignmentState.PUBLISHED)
            .select_related("reviewer", "application")
            .order_by("pk")
        ):
            if assignment.reviewer_id in left:
                continue  # left for the demo reviewers: declare, then review
            user = _account(assignment.reviewer)
            declare_conflict(assignment=assignment, user=user, has_conflict=False)
            # the application's "true" quality, 2..5
            base = 2 + _digest(assignment.application.reference) % 4
            lean = _digest(assignment.reviewer.slug) % 3 - 1  # a reviewer's leniency, −1..+1
            # keyed by the application's reference and the reviewer, not by ids (stable whatever the order rows are made in)
            pair = (assignment.application.reference, assignment.reviewer.slug)
            scores = {
                c.key: max(
                    call.score_min,
                    min(call.score_max, base + lean + (_digest(*pair, c.key) % 3 - 1)),
                )
                for c in criteria
            }
            save_review(
                assignment=assignment,
                user=user,
                scores=scores,
                confidence=3 + _digest(*pair) % 3,
                comments_applicant="A clear joint plan; the exchange of researchers between the two groups is well thought out.",
                comments_panel="Solid proposal; budget balanced between the two sides.",
                submit=True,
                now=NOW,
            )
            written += 1
        panel = [p for p in (demo.get("panel"),) if p is not None] + [
            p for p in pool if p.country == "GB"
        ][:2]
        add_panel_members(call=call, people=panel, actor=officer)
        for application in Application.objects.filter(
            call=call, state=ApplicationState.IN_REVIEW
        ).order_by("pk"):
            transition_application(
                application=application, to=ApplicationState.AT_PANEL, actor=officer, now=NOW
            )
        # The teams read the anonymised reviews and may answer them: the window opened after the
        # reviews were in and stays open until the 2026–27 round closes, so the demo's applicants
        # (applicant-reviews) can write their response now.
        update_call(call=call, values=RESPONSE_WINDOW, areas=None, actor=officer)
    return {"reviews": written}


def seed_decisions() -> dict[str, int]:
    """A portfolio under both budgets; both funders approve the funded set, so awards are made and
    published; one application is left with a disagreement to reconcile."""
    from accord.decisions.models import Award
    from accord.decisions.services.awards import accept_award, set_published
    from accord.decisions.services.decisions import record_decision
    from accord.decisions.services.portfolio import run_scenario

    call = Call.objects.filter(slug=CALL).first()
    if (
        call is None
        or call.scenarios.exists()
        or not Application.objects.filter(call=call, state=ApplicationState.AT_PANEL).exists()
    ):
        return {"awards": 0}
    officers = {
        "GB": User.objects.get(username="officer-rs"),
        "KR": User.objects.get(username="officer-nrf"),
    }
    budgets = {"GB": Decimal("1500000"), "KR": Decimal("3000000000")}
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        scenario = run_scenario(
            call=call, name="2025 round — both budgets", budgets=budgets, actor=officers["GB"]
        )
        funded = list(scenario.funded)
        at_panel = {
            a.reference: a
            for a in Application.objects.filter(call=call, state=ApplicationState.AT_PANEL)
        }
        from accord.applications.selectors.budget import budget_summary

        for reference in funded[:-1]:
            application = at_panel[reference]
            summary = budget_summary(application)
            for country, officer in officers.items():
                record_decision(
                    application=application,
                    country=country,
                    verdict="approve",
                    amount=summary[country].requested,
                    feedback_en="Funded: the panel rated the joint plan highly.",
                    feedback_ko="지원 확정: 평가위원회가 공동 연구 계획을 높이 평가했습니다.",
                    actor=officer,
                    starts_on=dt.date(2025, 10, 1),
                )
        # The last funded one: the UK approves, Korea has not agreed yet — a disagreement.
        if funded:
            last = at_panel[funded[-1]]
            record_decision(
                application=last,
                country="GB",
                verdict="approve",
                amount=budget_summary(last)["GB"].requested,
                feedback_en="Recommended for funding.",
                feedback_ko="지원 추천.",
                actor=officers["GB"],
            )
            record_decision(
                application=last,
                country="KR",
                verdict="decline",
                amount=None,
                feedback_en="Not within the Korean side's priorities this round.",
                feedback_ko="이번 공모의 한국 측 우선순위에 해당하지 않습니다.",
                actor=officers["KR"],
            )
        for award in Award.objects.filter(application__call=call):
            set_published(award=award, published=True, actor=officers["GB"])
            accept_award(award=award, actor=officers["GB"], on_behalf=True)  # the leads accepted
    return {"awards": Award.objects.filter(application__call=call).count()}
