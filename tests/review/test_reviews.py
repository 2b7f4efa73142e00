"""Reviewers: the conflict declaration gate, the review form (draft, submit, bounds, weighted total),
and the reminders.

The call scores three criteria from 1 to 6 with weights 40/30/30 (as the Royal Society–NRF
template does). The helpers at the top are used by the other review test modules too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accord.applications.enums import ApplicationState
from accord.common.models import AuditEntry
from accord.matching.models import Conflict
from accord.review.enums import AssignmentState, InvitationState, ReviewState
from accord.review.models import ConflictDeclaration, Review
from accord.review.selectors.reviews import weighted_total
from accord.review.services.reviews import (
    ReviewError,
    declare_conflict,
    save_review,
    send_review_reminders,
)
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    CriterionFactory,
    make_joint_application,
    make_researcher,
)
from tests.factories.review import AssignmentFactory, ReviewerInvitationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 10)


# ---------------------------------------------------------------- helpers (shared)


def make_call(**fields: Any) -> Any:
    """A call scored 1..6 on excellence (40), partnership (30) and leadership (30)."""
    call = CallFactory(**fields)
    for order, (key, name_en, name_ko, weight) in enumerate(
        [
            ("excellence", "Research excellence", "연구의 우수성", "40"),
            ("partnership", "Quality of the partnership", "협력의 질", "30"),
            ("leadership", "Emerging leaders", "신진 연구 리더", "30"),
        ]
    ):
        CriterionFactory(
            call=call,
            key=key,
            name_en=name_en,
            name_ko=name_ko,
            description_en=f"Guidance on {key}.",
            weight=Decimal(weight),
            order=order,
        )
    return call


def make_reviewer(country: str = "GB", **person: Any) -> Any:
    """A user linked to a researcher on ``country``'s side."""
    someone = make_researcher(country, **person)
    return UserFactory(person=someone)


def make_application(call: Any, **fields: Any) -> Any:
    fields.setdefault("state", ApplicationState.IN_REVIEW)
    return make_joint_application(call=call, **fields)


def assign(
    application: Any,
    reviewer: Any,
    *,
    due: dt.date | None = None,
    state: str = AssignmentState.PUBLISHED,
) -> Any:
    """A published assignment of ``reviewer`` (a user) with an accepted invitation to the call."""
    call = application.call
    invitation = call.reviewer_invitations.filter(person=reviewer.person).first()
    if invitation is None:
        ReviewerInvitationFactory(
            call=call,
            person=reviewer.person,
            state=InvitationState.ACCEPTED,
            due=due or TODAY + dt.timedelta(days=30),
        )
    return AssignmentFactory(application=application, reviewer=reviewer.person, state=state)


def declare(assignment: Any, reviewer: Any, *, conflict: bool = False) -> Any:
    return declare_conflict(
        assignment=assignment,
        user=reviewer,
        has_conflict=conflict,
        details="I co-authored with the lead." if conflict else "",
    )


def submit(
    assignment: Any,
    reviewer: Any,
    scores: dict[str, int],
    *,
    applicant: str = "Clear plan.",
    panel: str = "Fund it.",
    confidence: int = 4,
) -> Review:
    """Declare no conflict (unless already declared) and submit a review."""
    if not ConflictDeclaration.objects.filter(assignment=assignment).exists():
        declare(assignment, reviewer)
    return save_review(
        assignment=assignment,
        user=reviewer,
        scores=scores,
        confidence=confidence,
        comments_applicant=applicant,
        comments_panel=panel,
        submit=True,
    )


ALL_SIX = {"excellence": 6, "partnership": 6, "leadership": 6}


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def application(call):
    return make_application(
        call,
        reference="ICA-2025-0007",
        title_en="Spin qubits at wafer scale",
        title_ko="웨이퍼 규모 스핀 큐비트",
        summary_ko="한국어 요약입니다.",
    )


@pytest.fixture
def reviewer(db):
    return make_reviewer("GB", name_en="Ruth Reader")


@pytest.fixture
def assignment(application, reviewer):
    return assign(application, reviewer)


def review_url(assignment: Any, action: str = "save") -> str:
    """The review page (saving a draft posts here) or, for ``submit``, the submit action."""
    name = "review:review_submit" if action == "submit" else "review:review"
    return reverse(name, args=[assignment.pk])


def assignment_url(assignment: Any) -> str:
    return reverse("review:assignment", args=[assignment.pk])


# ---------------------------------------------------------------- my assignments


def test_assignment_list_shows_published_assignments_with_due_in_both_zones(client, call, reviewer):
    published = assign(make_application(call, reference="A-1"), reviewer, due=dt.date(2025, 7, 1))
    assign(make_application(call, reference="A-2"), reviewer, state=AssignmentState.PROPOSED)
    client.force_login(reviewer)
    response = client.get(reverse("review:assignments"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [r["assignment"].pk for r in response.context["rows"]] == [published.pk]
    assert "A-2" not in html
    # Due by the end of 1 July in Seoul: still 1 July in London (15:59 BST).
    assert '<time datetime="2025-07-01T23:59:59+09:00" data-tz="Europe/London">' in html
    assert "15:59 (London)" in html
    assert "23:59 (Seoul)" in html
    assert "To declare" in html


@pytest.mark.parametrize("n", [1, 3])
def test_assignment_list_query_count_is_flat(client, call, reviewer, n):
    for i in range(n):
        a = assign(make_application(call, reference=f"A-{i}"), reviewer)
        if i % 2:
            submit(a, reviewer, ALL_SIX)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("review:assignments"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == n
    # session, user, assignments (with declaration, review, due), and the menu's audit-log
    # permission (role grants; the policy reads no permission tables)
    assert len(ctx.captured_queries) == 4


# ---------------------------------------------------------------- the declaration gate


def test_application_is_404_before_the_declaration(client, assignment, reviewer, application):
    client.force_login(reviewer)
    assert client.get(review_url(assignment)).status_code == 404
    page = client.get(assignment_url(assignment))
    html = page.content.decode()
    assert page.status_code == 200
    # Who applied comes first (title, team, organisations: what a conflict is judged on) ...
    assert "Spin qubits at wafer scale" in html
    assert "웨이퍼 규모 스핀 큐비트" in html
    for member in application.members.all():
        assert member.person.name_en in html
        assert member.organisation.name_en in html
    # ... the project itself only after the declaration.
    assert "한국어 요약입니다." not in html
    assert "Read the application and review it" not in html


def test_an_overdue_review_is_flagged_until_submitted(client, call, reviewer):
    late = assign(make_application(call, reference="A-LATE"), reviewer, due=dt.date(2025, 7, 15))
    client.force_login(reviewer)
    html = client.get(assignment_url(late)).content.decode()
    assert 'id="late-warning"' in html
    assert "This review was due on" in html
    client.post(assignment_url(late), {"answer": "none", "details": ""})
    assert 'id="late-warning"' in client.get(review_url(late)).content.decode()
    submit(late, reviewer, ALL_SIX)
    assert 'id="late-warning"' not in client.get(review_url(late)).content.decode()


def test_no_conflict_opens_the_application(client, assignment, reviewer, application):
    client.force_login(reviewer)
    response = client.post(assignment_url(assignment), {"answer": "none", "details": ""})
    assert response.status_code == 302
    assert response["Location"] == review_url(assignment)
    page = client.get(review_url(assignment))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Spin qubits at wafer scale" in html
    assert "웨이퍼 규모 스핀 큐비트" in html
    assert "한국어 요약입니다." in html
    for member in application.members.all():
        assert member.person.name_en in html
        assert member.organisation.name_en in html


def test_conflict_keeps_the_application_404_for_good(client, assignment, reviewer):
    client.force_login(reviewer)
    client.post(assignment_url(assignment), {"answer": "conflict", "details": "My student."})
    assert client.get(review_url(assignment)).status_code == 404
    again = client.post(assignment_url(assignment), {"answer": "none", "details": ""})
    assert again.status_code == 200
    assert "cannot be undone" in again.content.decode()
    assert client.get(review_url(assignment)).status_code == 404
    declaration = ConflictDeclaration.objects.get(assignment=assignment)
    assert (declaration.has_conflict, declaration.details) == (True, "My student.")


def test_conflict_needs_details_and_keeps_the_choice(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(assignment_url(assignment), {"answer": "conflict", "details": " "})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "details": ["Say what the conflict is, so the officer can decide."]
    }
    assert 'value="conflict" required id="id_answer_1" checked' in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_detected_hard_conflict_is_404_even_after_no_conflict(
    client, assignment, reviewer, application
):
    declare(assignment, reviewer)
    Conflict.objects.create(
        call=application.call,
        application=application,
        reviewer=reviewer.person,
        type="coauthor",
        severity="hard",
        sentence="Co-authored in 2024.",
        source="test",
    )
    client.force_login(reviewer)
    assert client.get(review_url(assignment)).status_code == 404
    with pytest.raises(ReviewError):
        save_review(assignment=assignment, user=reviewer, scores=ALL_SIX)


def test_other_people_get_404_on_someone_elses_assignment(client, assignment, reviewer):
    declare(assignment, reviewer)
    client.force_login(make_reviewer("KR"))
    assert client.get(assignment_url(assignment)).status_code == 404
    assert client.get(review_url(assignment)).status_code == 404
    assert (
        client.post(assignment_url(assignment), {"answer": "none", "details": ""}).status_code
        == 404
    )


def test_proposed_assignment_is_404(client, application, reviewer):
    proposed = assign(application, reviewer, state=AssignmentState.PROPOSED)
    client.force_login(reviewer)
    assert client.get(assignment_url(proposed)).status_code == 404
    with pytest.raises(ReviewError):
        declare(proposed, reviewer)


def test_declaration_is_audited(assignment, reviewer):
    declaration = declare(assignment, reviewer)
    entry = AuditEntry.objects.get(object_id=str(declaration.pk), object_repr__contains="False")
    assert (entry.actor, entry.action) == (reviewer, "create")
    assert entry.after == {
        "id": declaration.pk,
        "assignment": assignment.pk,
        "has_conflict": False,
        "details": "",
    }


def test_no_conflict_can_become_conflict_before_submission(assignment, reviewer):
    declare(assignment, reviewer)
    changed = declare(assignment, reviewer, conflict=True)
    assert (changed.has_conflict, changed.details) == (True, "I co-authored with the lead.")


def test_no_conflict_cannot_become_conflict_after_submission(assignment, reviewer):
    submit(assignment, reviewer, ALL_SIX)
    with pytest.raises(ReviewError) as exc:
        declare(assignment, reviewer, conflict=True)
    assert exc.value.code == "submitted"


# ---------------------------------------------------------------- the review form


def form_data(**values: Any) -> dict[str, Any]:
    data = {
        "score_excellence": "5",
        "score_partnership": "4",
        "score_leadership": "3",
        "confidence": "4",
        "comments_applicant": "A clear plan with strong partners.",
        "comments_panel": "Best in my batch.",
    }
    data.update(values)
    return data


def test_review_form_has_one_bounded_field_per_criterion_in_the_readers_language(
    client, assignment, reviewer
):
    declare(assignment, reviewer)
    client.force_login(reviewer)
    form = client.get(review_url(assignment)).context["form"]
    assert [(f.name, f.label, f.help_text) for f in form.score_fields()] == [
        ("score_excellence", "Research excellence", "Guidance on excellence."),
        ("score_partnership", "Quality of the partnership", "Guidance on partnership."),
        ("score_leadership", "Emerging leaders", "Guidance on leadership."),
    ]
    assert (
        form.fields["score_excellence"].min_value,
        form.fields["score_excellence"].max_value,
    ) == (1, 6)
    client.cookies["django_language"] = "ko"
    with translation.override("ko"):
        html = client.get(review_url(assignment), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "연구의 우수성" in html


def test_draft_saves_partial_scores(client, assignment, reviewer):
    declare(assignment, reviewer)
    client.force_login(reviewer)
    response = client.post(review_url(assignment), form_data(score_leadership="", confidence=""))
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.scores, review.confidence) == (
        ReviewState.DRAFT,
        {"excellence": 5, "partnership": 4},
        None,
    )
    assert review.comments_panel == "Best in my batch."


@pytest.mark.parametrize("score", ["0", "7"])
@pytest.mark.parametrize("action", ["save", "submit"])
def test_scores_outside_the_scale_are_refused_and_text_kept(
    client, assignment, reviewer, score, action
):
    declare(assignment, reviewer)
    client.force_login(reviewer)
    response = client.post(review_url(assignment, action), form_data(score_partnership=score))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["score_partnership"]
    html = response.content.decode()
    assert "A clear plan with strong partners." in html
    assert "Best in my batch." in html
    assert f'name="score_partnership" value="{score}"' in html
    assert not Review.objects.exists()


def test_service_refuses_scores_outside_the_scale(assignment, reviewer):
    declare(assignment, reviewer)
    with pytest.raises(ReviewError) as exc:
        save_review(assignment=assignment, user=reviewer, scores={"excellence": 7})
    assert exc.value.message_dict == {"score_excellence": ["Give a score from 1 to 6."]}


def test_submit_needs_every_score_and_the_confidence(client, assignment, reviewer):
    declare(assignment, reviewer)
    client.force_login(reviewer)
    response = client.post(review_url(assignment, "submit"), form_data(score_leadership=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "score_leadership": ["Score every criterion before you submit."]
    }
    assert "A clear plan with strong partners." in response.content.decode()
    response = client.post(review_url(assignment, "submit"), form_data(confidence=""))
    assert response.context["form"].errors == {
        "confidence": ["Say how confident you are before you submit."]
    }
    assert not Review.objects.exists()


def test_submitted_review_is_read_only_with_its_weighted_total(client, assignment, reviewer):
    declare(assignment, reviewer)
    client.force_login(reviewer)
    assert client.post(review_url(assignment, "submit"), form_data()).status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.state == ReviewState.SUBMITTED
    assert review.submitted_at is not None
    page = client.get(review_url(assignment))
    assert page.context["form"] is None
    # (40·5 + 30·4 + 30·3) / 100
    assert '<th id="weighted-total">4.10</th>' in page.content.decode()
    again = client.post(review_url(assignment), form_data(score_excellence="1"))
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "This review is submitted and can no longer change."
    ]
    assert Review.objects.get(pk=review.pk).scores == {
        "excellence": 5,
        "partnership": 4,
        "leadership": 3,
    }


def test_review_writes_are_audited(assignment, reviewer):
    declare(assignment, reviewer)
    review = save_review(
        assignment=assignment, user=reviewer, scores={"excellence": 2}, comments_panel="Hmm"
    )
    save_review(
        assignment=assignment,
        user=reviewer,
        scores={"excellence": 3, "partnership": 3, "leadership": 3},
        confidence=2,
        comments_panel="Hmm",
        submit=True,
    )
    entries = AuditEntry.objects.filter(object_id=str(review.pk), object_repr__startswith="review")
    assert sorted(e.action for e in entries) == ["create", "state"]
    state = entries.get(action="state")
    assert state.before["state"] == "draft"
    assert state.after["state"] == "submitted"
    assert state.after["scores"] == {"excellence": 3, "partnership": 3, "leadership": 3}


def test_weighted_total_uses_the_weights_and_needs_every_score(call):
    criteria = list(call.criteria.all())
    assert weighted_total(
        {"excellence": 6, "partnership": 3, "leadership": 2}, criteria
    ) == Decimal("3.90")
    assert weighted_total({"excellence": 6, "partnership": 3}, criteria) is None


def test_weighted_total_with_zero_weights_is_the_plain_mean(call):
    call.criteria.update(weight=0)
    criteria = list(call.criteria.all())
    assert weighted_total(
        {"excellence": 6, "partnership": 3, "leadership": 2}, criteria
    ) == Decimal("3.67")


# ---------------------------------------------------------------- reminders


@pytest.fixture
def due_soon(call):
    """Who should be reminded on TODAY with --days 3, and who not."""
    people = {}

    def add(key: str, country: str, due: dt.date, **kw: Any) -> Any:
        user = make_reviewer(country, name_en=f"Reviewer {key}", email=f"{key}@people.example")
        a = assign(make_application(call, reference=f"R-{key}"), user, due=due, **kw)
        people[key] = (user, a)
        return user, a

    add("soon", "GB", TODAY + dt.timedelta(days=3))
    add("overdue", "KR", TODAY - dt.timedelta(days=1))
    add("later", "GB", TODAY + dt.timedelta(days=4))
    user, a = add("done", "GB", TODAY)
    submit(a, user, ALL_SIX)
    user, a = add("conflicted", "GB", TODAY)
    declare(a, user, conflict=True)
    add("proposed", "GB", TODAY, state=AssignmentState.PROPOSED)
    user, a = add("drafting", "KR", TODAY + dt.timedelta(days=1))
    declare(a, user)
    save_review(assignment=a, user=user, scores={"excellence": 4})
    return people


def test_reminders_go_to_the_right_people(due_soon):
    assert send_review_reminders(days=3, today=TODAY) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "drafting@people.example",
        "overdue@people.example",
        "soon@people.example",
    ]


def test_reminders_are_in_the_reviewers_language(due_soon):
    send_review_reminders(days=3, today=TODAY)
    by_person = {m.to[0]: m for m in mail.outbox}
    with translation.override("ko"):
        overdue_ko = gettext("Accord: reviews overdue")
        due_ko = gettext("Accord: reviews due")
    with translation.override("en"):
        due_en = gettext("Accord: reviews due")
    assert by_person["overdue@people.example"].subject == overdue_ko
    assert by_person["drafting@people.example"].subject == due_ko
    assert by_person["soon@people.example"].subject == due_en
    # Dates follow the language: Korean formats 11 June 2025 as "2025년 6월 11일".
    assert "2025년 6월 11일" in by_person["drafting@people.example"].body
    assert "June 13, 2025" in by_person["soon@people.example"].body
    assert "년" not in by_person["soon@people.example"].body
    assert "R-soon" in by_person["soon@people.example"].body
    assert "R-later" not in by_person["soon@people.example"].body


def test_reminder_command_prints_the_count(due_soon, capsys, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    call_command("send-review-reminders", "--days", "0")
    assert capsys.readouterr().out == "1 reminder(s) sent.\n"
    assert [m.to[0] for m in mail.outbox] == ["overdue@people.example"]


def test_documents_reach_the_reviewer_as_a_sandboxed_attachment(
    client, assignment, reviewer, application, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from accord.applications.models import Document
    from tests.applications.conftest import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    document = Document(
        application=application,
        kind="case",
        original_name="case.pdf",
        size=1,
        pages=1,
        sha256="0" * 64,
        uploaded_by=UserFactory(),
    )
    document.file.save("case.pdf", ContentFile(pdf_bytes(1)), save=True)
    client.force_login(reviewer)
    client.post(assignment_url(assignment), {"answer": "none", "details": ""})
    response = client.get(reverse("review:document", args=[assignment.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="case.pdf"'
    assert (response["Content-Security-Policy"], response["X-Content-Type-Options"]) == (
        "sandbox",
        "nosniff",
    )
