"""Overdue reviews: flagged to the reviewer (assignments list, review form) and to the call's
officers (reviews and declarations, the reviewer pool); a late review can still be submitted,
and the reviewer is told it came late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accord.review.selectors.pool import call_pool
from accord.review.selectors.reviews import is_overdue, overdue_before
from tests.factories.applications import make_officer
from tests.review.test_reviews import (
    ALL_SIX,
    assign,
    declare,
    make_application,
    make_call,
    make_reviewer,
    submit,
)

pytestmark = pytest.mark.django_db

PAST = dt.date(2025, 7, 15)


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def future():
    return timezone.localdate() + dt.timedelta(days=20)


@pytest.fixture
def reviewer(db):
    return make_reviewer("GB", name_en="Late Larkin")


@pytest.fixture
def rows(call, reviewer, future):
    """Four assignments of one reviewer (due 15 July 2025) and one of another (due later):
    one untouched (overdue), one submitted (not), one declared a conflict (not), one drafted and
    declared free (overdue); the other reviewer's is not yet due."""
    made = {}
    for key in ("untouched", "submitted", "conflict", "drafting"):
        made[key] = assign(make_application(call, reference=f"L-{key}"), reviewer, due=PAST)
    submit(made["submitted"], reviewer, ALL_SIX)
    declare(made["conflict"], reviewer, conflict=True)
    declare(made["drafting"], reviewer)
    punctual = make_reviewer("KR", name_en="Prompt Park")
    made["punctual"] = assign(make_application(call, reference="L-punctual"), punctual, due=future)
    made["punctual_user"] = punctual
    return made


def test_overdue_is_the_day_after_the_due_date_in_seoul():
    # 15 July ends at 23:59:59 in Seoul = 14:59:59 UTC: overdue from 15:00 UTC.
    before = dt.datetime(2025, 7, 15, 14, 59, tzinfo=dt.UTC)
    after = dt.datetime(2025, 7, 15, 15, 0, tzinfo=dt.UTC)
    assert overdue_before(after) == dt.date(2025, 7, 16)
    assert is_overdue(PAST, submitted=False, now=before) is False
    assert is_overdue(PAST, submitted=False, now=after) is True
    assert is_overdue(PAST, submitted=True, now=after) is False
    assert is_overdue(PAST, submitted=False, conflict=True, now=after) is False
    assert is_overdue(None, submitted=False, now=after) is False


def test_the_reviewer_sees_which_reviews_are_overdue(client, rows, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("review:assignments"))
    assert response.status_code == 200
    flags = {
        r["assignment"].application.reference: (r["overdue"], r["late"])
        for r in response.context["rows"]
    }
    assert flags == {
        "L-untouched": (True, False),
        "L-submitted": (False, True),  # submitted now, after 15 July 2025
        "L-conflict": (False, False),
        "L-drafting": (True, False),
    }
    html = response.content.decode()
    assert html.count('class="status status-at_risk overdue"') == 2
    assert html.count('class="tag late"') == 1


def test_the_review_form_says_it_is_overdue_and_a_late_submission_is_accepted(
    client, rows, reviewer
):
    client.force_login(reviewer)
    url = reverse("review:review", args=[rows["drafting"].pk])
    response = client.get(url)
    assert response.context["late"] is True
    assert 'id="late-warning"' in response.content.decode()
    assert "This review was due on July 15, 2025." in response.content.decode()

    response = client.post(
        reverse("review:review_submit", args=[rows["drafting"].pk]),
        {
            "score_excellence": "5",
            "score_partnership": "4",
            "score_leadership": "4",
            "confidence": "4",
            "comments_applicant": "Clear.",
            "comments_panel": "Fund it.",
        },
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your review is submitted, after its due date (July 15, 2025). Thank you; the "
        "programme officer sees that it came late."
    ]
    page = client.get(url)
    assert page.context["late"] is False
    assert page.context["submitted_late"] is True
    assert 'id="submitted-late"' in page.content.decode()


def test_a_punctual_submission_says_nothing_of_lateness(client, rows):
    user = rows["punctual_user"]
    client.force_login(user)
    declare(rows["punctual"], user)
    url = reverse("review:review", args=[rows["punctual"].pk])
    assert client.get(url).context["late"] is False
    response = client.post(
        reverse("review:review_submit", args=[rows["punctual"].pk]),
        {
            "score_excellence": "5",
            "score_partnership": "4",
            "score_leadership": "4",
            "confidence": "4",
        },
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your review is submitted. Thank you."
    ]
    assert client.get(url).context["submitted_late"] is False


def test_officers_see_overdue_reviews_on_the_progress_page(client, call, rows):
    officer = make_officer(call.sides.get(country="GB").funder)
    client.force_login(officer)
    response = client.get(reverse("review:progress", args=[call.slug]))
    assert response.status_code == 200
    flags = {
        r["assignment"].application.reference: (r["overdue"], r["late"])
        for r in response.context["rows"]
    }
    assert flags == {
        "L-conflict": (False, False),
        "L-drafting": (True, False),
        "L-punctual": (False, False),
        "L-submitted": (False, True),
        "L-untouched": (True, False),
    }
    assert response.context["overdue"] == 2
    assert "2 reviews are overdue." in response.content.decode()


def test_officers_see_overdue_reviews_in_the_pool(client, call, rows, reviewer):
    assert {i.person.name_en: i.overdue for i in call_pool(call)} == {
        "Late Larkin": 2,
        "Prompt Park": 0,
    }
    # before the due date had passed, nobody was overdue
    assert {i.overdue for i in call_pool(call, now=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))} == {0}
    officer = make_officer(call.sides.get(country="GB").funder)
    client.force_login(officer)
    response = client.get(reverse("review_assign:pool", args=[call.slug]))
    assert response.status_code == 200
    assert "2 reviews overdue" in response.content.decode()
