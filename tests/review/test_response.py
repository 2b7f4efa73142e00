"""The applicants' response: anonymised reviews for the team, an answer within the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accord.common.models import AuditEntry
from accord.review.models import ApplicantResponse
from accord.review.services.reviews import ReviewError, save_review, submit_response
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_officer
from tests.review.test_reviews import (
    assign,
    declare,
    make_application,
    make_call,
    make_reviewer,
    submit,
)

pytestmark = pytest.mark.django_db


def scores(e: int, p: int, lead: int) -> dict[str, int]:
    return {"excellence": e, "partnership": p, "leadership": lead}


@pytest.fixture
def call(db):
    now = timezone.now()
    return make_call(
        applicant_response=True,
        response_opens_at=now - dt.timedelta(days=1),
        response_closes_at=now + dt.timedelta(days=7),
    )


@pytest.fixture
def application(call):
    application = make_application(call, reference="ICA-2025-0042")
    first, second = make_reviewer("GB"), make_reviewer("KR")
    submit(
        assign(application, first),
        first,
        scores(6, 5, 4),
        applicant="Excellent science.",
        panel="PANEL ONLY: fund first.",
    )
    submit(
        assign(application, second),
        second,
        scores(3, 3, 3),
        applicant="The partnership is thin.",
        panel="PANEL ONLY: weak partner.",
    )
    drafter = make_reviewer("GB")
    a = assign(application, drafter)
    declare(a, drafter)
    save_review(assignment=a, user=drafter, scores={}, comments_applicant="DRAFT TEXT")
    return application


@pytest.fixture
def uk_lead(application):
    person = application.members.get(country="GB").person
    return UserFactory(person=person, email="uk.lead@uni.example")


@pytest.fixture
def kr_lead(application):
    person = application.members.get(country="KR").person
    return UserFactory(person=person, email="kr.lead@uni.example")


def url(application):
    return reverse("review:response", args=[application.reference])


def set_window(call, *, opens_in: int, closes_in: int) -> None:
    now = timezone.now()
    call.response_opens_at = now + dt.timedelta(days=opens_in)
    call.response_closes_at = now + dt.timedelta(days=closes_in)
    call.save()


def test_team_sees_the_submitted_reviews_anonymised(client, application, uk_lead):
    client.force_login(uk_lead)
    response = client.get(url(application))
    html = response.content.decode()
    assert response.status_code == 200
    reviews = response.context["reviews"]
    assert [r.label for r in reviews] == ["Reviewer 1", "Reviewer 2"]
    assert sorted(r.comments_applicant for r in reviews) == [
        "Excellent science.",
        "The partnership is thin.",
    ]
    assert sorted(str(r.total) for r in reviews) == ["3.00", "5.10"]
    assert [r.comments_panel for r in reviews] == ["", ""]
    assert "PANEL ONLY" not in html
    assert "DRAFT TEXT" not in html
    assert 'id="response-form"' in html


def test_reviewer_numbers_are_stable(client, application, uk_lead, kr_lead):
    client.force_login(uk_lead)
    first = [
        (r.label, r.comments_applicant) for r in client.get(url(application)).context["reviews"]
    ]
    client.force_login(kr_lead)
    second = [
        (r.label, r.comments_applicant) for r in client.get(url(application)).context["reviews"]
    ]
    assert first == second


def test_before_the_window_the_reviews_are_not_shown(client, call, application, uk_lead):
    set_window(call, opens_in=1, closes_in=5)
    client.force_login(uk_lead)
    response = client.get(url(application))
    assert response.context["reviews"] == []
    assert response.context["form"] is None
    assert "Excellent science." not in response.content.decode()


def test_response_within_the_window_is_saved_audited_and_mailed(
    client, application, uk_lead, kr_lead, django_capture_on_commit_callbacks
):
    client.force_login(uk_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(application), {"text": "We will add a partner."})
    assert response.status_code == 302
    saved = ApplicantResponse.objects.get(application=application)
    assert (saved.text, saved.author) == ("We will add a partner.", uk_lead)
    entry = AuditEntry.objects.get(object_id=str(saved.pk), object_repr__startswith="response")
    assert (entry.actor, entry.action, entry.after["text"]) == (
        uk_lead,
        "create",
        "We will add a partner.",
    )
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["kr.lead@uni.example", "uk.lead@uni.example"]
    with translation.override("ko"):
        subject_ko = gettext("Accord: your response to the reviews of %(reference)s") % {
            "reference": "ICA-2025-0042"
        }
    assert by_person["kr.lead@uni.example"].subject == subject_ko
    assert by_person["uk.lead@uni.example"].subject == (
        "Accord: your response to the reviews of ICA-2025-0042"
    )
    body = by_person["uk.lead@uni.example"].body
    assert "We will add a partner." in body
    assert "- Reviewer 1: weighted total" in body
    assert "PANEL ONLY" not in body


def test_response_can_change_until_the_window_closes(client, application, uk_lead, kr_lead):
    client.force_login(uk_lead)
    client.post(url(application), {"text": "First answer."})
    client.force_login(kr_lead)
    client.post(url(application), {"text": "Second answer."})
    saved = ApplicantResponse.objects.get(application=application)
    assert (saved.text, saved.author) == ("Second answer.", kr_lead)
    assert "Second answer.</textarea>" in client.get(url(application)).content.decode()


def test_empty_response_is_a_field_error(client, application, uk_lead):
    client.force_login(uk_lead)
    response = client.post(url(application), {"text": "   "})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["text"]
    assert not ApplicantResponse.objects.exists()


def test_after_the_window_the_page_is_read_only_and_answers_refused(
    client, call, application, uk_lead
):
    client.force_login(uk_lead)
    client.post(url(application), {"text": "On time."})
    set_window(call, opens_in=-10, closes_in=-1)
    page = client.get(url(application))
    assert page.context["form"] is None
    assert "On time." in page.content.decode()
    assert "Excellent science." in page.content.decode()
    late = client.post(url(application), {"text": "Too late."})
    assert late.status_code == 403
    assert "The response window has closed." in late.content.decode()
    assert ApplicantResponse.objects.get(application=application).text == "On time."


def test_service_refuses_outside_the_window(call, application, uk_lead):
    with pytest.raises(ReviewError) as exc:
        submit_response(
            application=application,
            user=uk_lead,
            text="Early.",
            now=call.response_opens_at - dt.timedelta(seconds=1),
        )
    assert exc.value.code == "window_before"
    with pytest.raises(ReviewError) as exc:
        submit_response(
            application=application, user=uk_lead, text="Late.", now=call.response_closes_at
        )
    assert exc.value.code == "window_after"


@pytest.mark.parametrize("who", ["officer", "reviewer", "stranger", "anonymous"])
def test_reviews_page_is_for_the_team_only(client, call, application, who):
    users = {
        "officer": lambda: make_officer(call.sides.get(country="GB").funder),
        "reviewer": lambda: application.assignments.first().reviewer.user,
        "stranger": lambda: make_reviewer("GB"),
    }
    user = users[who]() if who in users else None
    if user is not None:
        client.force_login(user)
    response = client.get(url(application))
    assert response.status_code == (302 if user is None else 404)
    if user is not None:
        assert client.post(url(application), {"text": "x"}).status_code == 404
        with pytest.raises(ReviewError):
            submit_response(application=application, user=user, text="x")
    assert not ApplicantResponse.objects.exists()


def test_reviews_page_is_404_when_the_call_takes_no_response(client, call, application, uk_lead):
    call.applicant_response = False
    call.save()
    client.force_login(uk_lead)
    assert client.get(url(application)).status_code == 404
