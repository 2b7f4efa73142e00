"""Reviewers stay anonymous to applicants, and panel-only comments never reach them.

The reviewer has a name, e-mail, organisation and department nobody else has, in both scripts,
so any leak would show. Every place an applicant (or the decision step) reads from is checked:
the reviews page, the applications API, the e-mails about the response, the rank-order CSV; the
panel sees "Reviewer N" too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.review.selectors.reviews import AnonymousReview
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_officer
from tests.factories.directory import OrganisationFactory
from tests.review.test_reviews import assign, make_application, make_call, make_reviewer, submit

pytestmark = pytest.mark.django_db

LEAKS = [
    "Zebedee",
    "Quixote",
    "zebedee",
    "quixote",
    "제베디",
    "퀵소트",
    "Quixotry",
]
PANEL_ONLY = "PANEL-ONLY: the KR lead was my postdoc"


@pytest.fixture
def call(db):
    now = timezone.now()
    return make_call(
        slug="anon-call",
        applicant_response=True,
        response_opens_at=now - dt.timedelta(days=1),
        response_closes_at=now + dt.timedelta(days=7),
    )


@pytest.fixture
def zebedee(db):
    organisation = OrganisationFactory(
        slug="quixote-institute",
        name_en="Quixote Institute of Zoology",
        name_ko="퀵소트 동물학 연구소",
        short_name="Quixote Inst",
        country="KR",
        kind="institute",
    )
    return make_reviewer(
        "KR",
        slug="zebedee-quixote",
        name_en="Zebedee Quixote",
        name_ko="제베디 퀵소트",
        email="zebedee@quixote.example",
        organisation=organisation,
        department="Department of Quixotry",
    )


@pytest.fixture
def application(call, zebedee):
    application = make_application(call, reference="ANON-0001", title_en="Coral reef sensing")
    submit(
        assign(application, zebedee),
        zebedee,
        {"excellence": 5, "partnership": 2, "leadership": 4},
        applicant="The partnership needs a clearer plan.",
        panel=PANEL_ONLY,
    )
    other = make_reviewer("GB", name_en="Ordinary Reviewer")
    submit(
        assign(application, other),
        other,
        {"excellence": 4, "partnership": 4, "leadership": 4},
        applicant="Solid.",
        panel="Panel note from the other reviewer.",
    )
    return application


@pytest.fixture
def applicant(application):
    return UserFactory(
        person=application.members.get(country="GB").person, email="lead@uni.example"
    )


def assert_anonymous(text: str, *, panel: bool = False) -> None:
    for leak in LEAKS:
        assert leak not in text, leak
    if not panel:
        assert PANEL_ONLY not in text
        assert "Panel note from the other reviewer." not in text


def test_the_data_would_leak_if_shown(application, zebedee):
    """Guard: the reviewer's details are really there to leak."""
    person = zebedee.person
    assert (person.name_en, person.organisation.name_en) == (
        "Zebedee Quixote",
        "Quixote Institute of Zoology",
    )
    assert application.assignments.filter(reviewer=person).exists()


def test_applicants_reviews_page_is_anonymous(client, application, applicant):
    client.force_login(applicant)
    html = client.get(reverse("review:response", args=[application.reference])).content.decode()
    assert "The partnership needs a clearer plan." in html
    assert "Reviewer 1" in html and "Reviewer 2" in html
    assert_anonymous(html)


def test_applicants_application_page_is_anonymous(client, application, applicant):
    client.force_login(applicant)
    response = client.get(reverse("applications:detail", args=[application.reference]))
    assert response.status_code == 200
    assert_anonymous(response.content.decode())


@pytest.mark.parametrize("path", ["", "/ANON-0001", "/ANON-0001/eligibility"])
def test_applications_api_is_anonymous(client, application, applicant, path):
    client.force_login(applicant)
    response = client.get(f"/api/applications{path}")
    assert response.status_code == 200
    assert_anonymous(response.content.decode())


def test_response_emails_are_anonymous(
    client, application, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("review:response", args=[application.reference]),
            {"text": "We will write a clearer plan."},
        )
    assert [m.to for m in mailoutbox] == [["lead@uni.example"]]
    message = mailoutbox[0]
    assert "Reviewer 1" in message.body
    assert_anonymous(message.subject + message.body + " ".join(message.to))


def test_ranking_csv_is_anonymous(client, call, application):
    client.force_login(make_officer(call.sides.get(country="GB").funder))
    response = client.get(reverse("review:ranking", args=[call.slug]) + "?format=csv")
    text = response.content.decode()
    assert text.splitlines()[1].startswith("ANON-0001,1,")
    assert_anonymous(text, panel=True)
    assert PANEL_ONLY not in text


def test_panel_sees_reviewer_numbers_not_names(client, call, application):
    member = make_reviewer("GB")
    call.panel.add(member.person)
    client.force_login(member)
    html = client.get(
        reverse("review:panel_application", args=[call.slug, application.reference])
    ).content.decode()
    assert PANEL_ONLY in html
    assert_anonymous(html, panel=True)


def test_anonymous_review_carries_nothing_about_the_reviewer():
    assert [f.name for f in dataclasses.fields(AnonymousReview)] == [
        "label",
        "number",
        "scores",
        "total",
        "confidence",
        "comments_applicant",
        "comments_panel",
    ]
