"""The review API: a reviewer's own assignments (titles only once open to them) and the calibrated
ranking for the call's officers (404 for everyone else, no reviewer names)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.matching.models import Conflict
from tests.factories.applications import FunderFactory, make_officer
from tests.review.test_reviews import (
    assign,
    declare,
    make_application,
    make_call,
    make_reviewer,
    submit,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2025, 7, 15)


def scores(value: int) -> dict[str, int]:
    return {"excellence": value, "partnership": value, "leadership": value}


@pytest.fixture
def call(db):
    return make_call(slug="ica-2025")


@pytest.fixture
def apps(call):
    return {
        ref: make_application(
            call, reference=ref, title_en=f"Project {ref}", title_ko=f"과제 {ref}"
        )
        for ref in ("X", "Y", "Z")
    }


@pytest.mark.parametrize("path", ["/api/reviews/assignments", "/api/calls/ica-2025/ranking"])
def test_anonymous_gets_401(client, call, path):
    response = client.get(path)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_reviewer_sees_only_their_assignments_and_titles_only_once_open(client, call, apps):
    reviewer = make_reviewer("GB")
    other = make_reviewer("KR")
    undeclared = assign(apps["X"], reviewer, due=DUE)
    free = assign(apps["Y"], reviewer)
    conflicted = assign(apps["Z"], reviewer)
    declare(free, reviewer)
    declare(conflicted, reviewer, conflict=True)
    for ref in ("X", "Y", "Z"):
        declare(assign(apps[ref], other), other)
    client.force_login(reviewer)

    data = client.get("/api/reviews/assignments").json()["items"]

    due_at = "2025-07-15T14:59:59Z"  # 23:59:59 in Seoul
    assert data == [
        {
            "id": undeclared.pk,
            "application": "X",
            "call": "ica-2025",
            "declared": None,
            "open": False,
            "title_en": None,
            "title_ko": None,
            "review": None,
            "due": "2025-07-15",
            "due_at": due_at,
        },
        {
            "id": free.pk,
            "application": "Y",
            "call": "ica-2025",
            "declared": False,
            "open": True,
            "title_en": "Project Y",
            "title_ko": "과제 Y",
            "review": None,
            "due": "2025-07-15",
            "due_at": due_at,
        },
        {
            "id": conflicted.pk,
            "application": "Z",
            "call": "ica-2025",
            "declared": True,
            "open": False,
            "title_en": None,
            "title_ko": None,
            "review": None,
            "due": "2025-07-15",
            "due_at": due_at,
        },
    ]
    body = client.get("/api/reviews/assignments").content.decode()
    assert "Project X" not in body
    assert "Project Z" not in body


def test_detected_conflict_keeps_the_title_hidden_after_declaring(client, call, apps):
    reviewer = make_reviewer("GB")
    assignment = assign(apps["X"], reviewer, due=DUE)
    declare(assignment, reviewer)
    Conflict.objects.create(
        call=call,
        application=apps["X"],
        reviewer=reviewer.person,
        type="coauthor",
        severity="hard",
        sentence="Co-authored in 2024.",
        source="test",
    )
    client.force_login(reviewer)
    [row] = client.get("/api/reviews/assignments").json()["items"]
    assert (row["declared"], row["open"], row["title_en"], row["title_ko"]) == (
        False,
        False,
        None,
        None,
    )


def test_review_state_once_submitted(client, call, apps):
    reviewer = make_reviewer("GB")
    submit(assign(apps["X"], reviewer), reviewer, scores(5))
    client.force_login(reviewer)
    [row] = client.get("/api/reviews/assignments").json()["items"]
    assert (row["review"], row["open"], row["title_en"]) == ("submitted", True, "Project X")


def test_user_without_a_person_has_no_assignments(client, call, apps):
    assign(apps["X"], make_reviewer("GB"))
    client.force_login(make_officer(call.sides.get(country="GB").funder))
    assert client.get("/api/reviews/assignments").json() == {"items": [], "count": 0}


# ---------------------------------------------------------------- ranking


@pytest.fixture
def reviewed(call, apps):
    """Lenient scores one point above Strict; Z is read by Strict only."""
    lenient = make_reviewer("GB", name_en="Zebedee Lenientreader")
    strict = make_reviewer("KR", name_en="Strict Reader", name_ko="엄격한 심사자")
    for user, ref, value in [
        (lenient, "X", 6),
        (lenient, "Y", 5),
        (strict, "X", 5),
        (strict, "Y", 4),
        (strict, "Z", 2),
    ]:
        submit(assign(apps[ref], user), user, scores(value), panel=f"Panel note on {ref}.")
    return {"lenient": lenient, "strict": strict}


@pytest.mark.parametrize("who", ["rs", "kr", "other_funder", "reviewer", "panel"])
def test_ranking_is_for_the_calls_officers_only(client, call, reviewed, who):
    def panel_member():
        user = make_reviewer("GB")
        call.panel.add(user.person)
        return user

    users = {
        "rs": lambda: make_officer(call.sides.get(country="GB").funder),
        "kr": lambda: make_officer(call.sides.get(country="KR").funder),
        "other_funder": lambda: make_officer(FunderFactory()),
        "reviewer": lambda: reviewed["lenient"],
        "panel": panel_member,
    }
    client.force_login(users[who]())
    response = client.get("/api/calls/ica-2025/ranking")
    if who in {"rs", "kr"}:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_unknown_call_ranking_is_404(client, call):
    client.force_login(make_officer(call.sides.get(country="GB").funder))
    response = client.get("/api/calls/nope/ranking")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_ranking_rows_without_reviewer_names(client, call, reviewed):
    client.force_login(make_officer(call.sides.get(country="GB").funder))
    response = client.get("/api/calls/ica-2025/ranking")
    data = response.json()["items"]
    assert [(r["reference"], r["rank"], r["raw"], r["n_reviews"]) for r in data] == [
        ("X", 1, 5.5, 2),
        ("Y", 2, 4.5, 2),
        ("Z", 3, 2.0, 1),
    ]
    assert list(data[0]) == [
        "reference",
        "rank",
        "tied",
        "raw",
        "calibrated",
        "low",
        "high",
        "moderated",
        "n_reviews",
    ]
    assert all(r["moderated"] is None for r in data)
    assert all(r["low"] <= r["calibrated"] <= r["high"] for r in data)
    # The raw body escapes Korean; the re-encoded JSON shows it as written.
    body = response.content.decode() + json.dumps(data, ensure_ascii=False)
    for name in ("Zebedee", "Lenientreader", "Strict Reader", "엄격한"):
        assert name not in body
    assert "Panel note" not in body


@pytest.mark.parametrize("n", [1, 3])
def test_assignment_list_query_count_is_flat(client, call, n):
    reviewer = make_reviewer("GB")
    for i in range(n):
        assignment = assign(make_application(call, reference=f"A{i}"), reviewer)
        if i % 2 == 0:
            declare(assignment, reviewer)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/reviews/assignments").json()["items"]
    assert len(data) == n
    assert len(ctx.captured_queries) == 4  # flat: the same for 1 and 3 assignments
