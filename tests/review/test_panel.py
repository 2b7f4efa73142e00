"""Calibration, the officers' ranking page and CSV, and the panel's pages.

Reviewer "Lenient" scores everything one point above reviewer "Strict": X gets 6 and 5, Y gets
5 and 4, Z (read by Strict only) gets 2. Calibration removes the leniency; the interval of Z,
with one review, is wider.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.common.models import AuditEntry
from accord.core.calibration import calibrate
from accord.matching.models import Conflict
from accord.review.models import PanelNote
from accord.review.selectors.panel import call_ranking
from accord.review.services.panel import record_panel_note
from accord.review.services.reviews import ReviewError
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


def scores(value: int) -> dict[str, int]:
    return {"excellence": value, "partnership": value, "leadership": value}


@pytest.fixture
def call(db):
    return make_call(slug="ica-2025")


@pytest.fixture
def apps(call):
    return {
        ref: make_application(call, reference=ref, title_en=f"Project {ref}")
        for ref in ("X", "Y", "Z")
    }


@pytest.fixture
def reviewed(call, apps):
    lenient = make_reviewer("GB", name_en="Lenient Reader")
    strict = make_reviewer("KR", name_en="Strict Reader")
    for user, ref, value, panel in [
        (lenient, "X", 6, "X is the best."),
        (lenient, "Y", 5, "Y is fine."),
        (strict, "X", 5, "X is strong."),
        (strict, "Y", 4, "Y is average."),
        (strict, "Z", 2, "Z is weak."),
    ]:
        submit(
            assign(apps[ref], user),
            user,
            scores(value),
            applicant=f"For the applicants of {ref}.",
            panel=panel,
        )
    return {"lenient": lenient, "strict": strict}


@pytest.fixture
def officer(call):
    return make_officer(call.sides.get(country="GB").funder)


@pytest.fixture
def member(call):
    user = make_reviewer("GB", name_en="Pat Panel")
    call.panel.add(user.person)
    return user


def expected_fit():
    # (application, reviewer, score): X=0, Y=1, Z=2; lenient=0, strict=1.
    return calibrate([(0, 0, 6.0), (1, 0, 5.0), (0, 1, 5.0), (1, 1, 4.0), (2, 1, 2.0)], 3, 2)


def test_ranking_calibrates_the_weighted_totals(call, reviewed):
    rows = call_ranking(call)
    fit = expected_fit()
    assert [r.application.reference for r in rows] == ["X", "Y", "Z"]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert [r.raw for r in rows] == [5.5, 4.5, 2.0]
    assert [r.n_reviews for r in rows] == [2, 2, 1]
    assert [r.calibrated for r in rows] == [round(float(v), 2) for v in fit.calibrated]
    assert [(r.low, r.high) for r in rows] == [
        (round(float(lo), 2), round(float(hi), 2)) for lo, hi in zip(fit.low, fit.high, strict=True)
    ]
    assert [r.moderated for r in rows] == [None, None, None]


def test_ranking_without_reviews_lists_the_applications_out_for_review(call, apps):
    assign(apps["Y"], make_reviewer())
    rows = call_ranking(call)
    assert [(r.application.reference, r.rank, r.raw, r.n_reviews) for r in rows] == [
        ("Y", 1, None, 0)
    ]


def test_moderated_score_decides_the_place(call, reviewed, apps, officer):
    record_panel_note(
        application=apps["Z"], user=officer, moderated_score=Decimal("6.00"), notes="Outlier."
    )
    rows = call_ranking(call)
    assert [(r.application.reference, r.rank) for r in rows] == [("Z", 1), ("X", 2), ("Y", 3)]
    assert (rows[0].moderated, rows[0].notes, rows[0].final) == (Decimal("6.00"), "Outlier.", 6.0)


# ---------------------------------------------------------------- officer page


def ranking_url(call):
    return reverse("review:ranking", args=[call.slug])


@pytest.mark.parametrize("who", ["rs", "kr", "other_funder", "panel", "reviewer"])
def test_ranking_page_is_for_the_calls_officers_only(client, call, reviewed, member, who):
    users = {
        "rs": lambda: make_officer(call.sides.get(country="GB").funder),
        "kr": lambda: make_officer(call.sides.get(country="KR").funder),
        "other_funder": lambda: make_officer(FunderFactory()),
        "panel": lambda: member,
        "reviewer": lambda: reviewed["lenient"],
    }
    client.force_login(users[who]())
    expected = 200 if who in {"rs", "kr"} else 404
    assert client.get(ranking_url(call)).status_code == expected
    assert client.get(ranking_url(call) + "?format=csv").status_code == expected


def test_ranking_page_sends_anonymous_to_sign_in(client, call):
    response = client.get(ranking_url(call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ranking_page_shows_raw_calibrated_and_intervals(client, call, reviewed, officer):
    client.force_login(officer)
    html = client.get(ranking_url(call)).content.decode()
    rows = call_ranking(call)
    assert "95 % interval" in html
    assert "How the ranking is made" in html
    assert "The calibrated score corrects for this" in html
    for row in rows:
        assert f'<td class="raw">{row.raw}</td>' in html
        assert f'<td class="calibrated">{row.calibrated}</td>' in html
        assert f'<td class="interval">{row.low} – {row.high}</td>' in html
    assert "Lenient Reader" not in html


def test_ranking_csv_is_the_final_rank_order(client, call, reviewed, officer, apps):
    record_panel_note(application=apps["Y"], user=officer, moderated_score=Decimal("4.5"))
    client.force_login(officer)
    response = client.get(ranking_url(call) + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ica-2025-ranking.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == "reference,rank,band,tied,raw,calibrated,low,high,moderated,n_reviews"
    rows = call_ranking(call)

    def cell(v):
        return "" if v is None else f"{Decimal(str(v)).quantize(Decimal('0.01')):f}"

    assert lines[1:] == [
        ",".join(
            [
                r.application.reference,
                str(r.rank),
                str(r.band),
                "yes" if r.tied else "no",
                cell(r.raw),
                cell(r.calibrated),
                cell(r.low),
                cell(r.high),
                cell(r.moderated),
                str(r.n_reviews),
            ]
        )
        for r in rows
    ]
    assert [line.split(",")[0] for line in lines[1:]] == ["X", "Y", "Z"]
    assert lines[2].split(",")[8] == "4.50"


@pytest.mark.parametrize("n", [1, 3])
def test_ranking_page_query_count_is_flat(client, call, officer, n):
    reviewers = [make_reviewer("GB"), make_reviewer("KR")]
    for i in range(n):
        application = make_application(call, reference=f"Q-{i}")
        for user in reviewers:
            submit(assign(application, user), user, scores(3 + i % 3))
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(ranking_url(call))
    assert response.status_code == 200
    assert len(response.context["rows"]) == n
    # session, user, role grants, call, sides, applications (+ panel notes), criteria, reviews
    assert len(ctx.captured_queries) == 8


# ---------------------------------------------------------------- panel


def panel_url(call):
    return reverse("review:panel_call", args=[call.slug])


def panel_application_url(call, application):
    return reverse("review:panel_application", args=[call.slug, application.reference])


def test_panel_member_sees_the_ranking_and_anonymised_reviews(client, call, reviewed, member, apps):
    client.force_login(member)
    response = client.get(panel_url(call))
    assert response.status_code == 200
    assert [(r.application.reference, r.rank) for r in response.context["rows"]] == [
        ("X", 1),
        ("Y", 2),
        ("Z", 3),
    ]
    page = client.get(panel_application_url(call, apps["X"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert [r.label for r in page.context["reviews"]] == ["Reviewer 1", "Reviewer 2"]
    assert sorted(r.comments_panel for r in page.context["reviews"]) == [
        "X is strong.",
        "X is the best.",
    ]
    assert "X is the best." in html
    assert "Lenient Reader" not in html
    assert "Strict Reader" not in html


@pytest.mark.parametrize("how", ["hard", "declare", "declared", "team"])
def test_conflicted_panel_member_gets_404_and_no_row(client, call, reviewed, member, apps, how):
    x = apps["X"]
    if how in {"hard", "declare"}:
        Conflict.objects.create(
            call=call,
            application=x,
            reviewer=member.person,
            type="same_org",
            severity=how,
            sentence="Same organisation.",
            source="test",
        )
    elif how == "declared":
        declare(assign(x, member), member, conflict=True)
    else:
        from tests.factories.applications import TeamMemberFactory

        TeamMemberFactory(application=x, person=member.person)
    client.force_login(member)
    assert client.get(panel_application_url(call, x)).status_code == 404
    assert (
        client.post(
            panel_application_url(call, x), {"moderated_score": "6", "notes": ""}
        ).status_code
        == 404
    )
    rows = client.get(panel_url(call)).context["rows"]
    # X is gone and the others are numbered without a gap that would show where X stood.
    assert [(r.application.reference, r.rank) for r in rows] == [("Y", 1), ("Z", 2)]
    assert "Project X" not in client.get(panel_url(call)).content.decode()
    with pytest.raises(ReviewError):
        record_panel_note(application=x, user=member, moderated_score=Decimal(6))


def test_panel_pages_are_404_for_others(client, call, reviewed, apps, officer):
    for user in (reviewed["lenient"], officer, make_reviewer()):
        client.force_login(user)
        assert client.get(panel_url(call)).status_code == 404
        assert client.get(panel_application_url(call, apps["X"])).status_code == 404


def test_panel_note_is_saved_and_audited(client, call, reviewed, member, apps):
    client.force_login(member)
    response = client.post(
        panel_application_url(call, apps["Y"]),
        {"moderated_score": "5.25", "notes": "Raised after discussion."},
    )
    assert response.status_code == 302
    note = PanelNote.objects.get(application=apps["Y"])
    assert (note.moderated_score, note.notes, note.updated_by) == (
        Decimal("5.25"),
        "Raised after discussion.",
        member,
    )
    entry = AuditEntry.objects.get(object_id=str(note.pk), object_repr__startswith="panel note")
    assert (entry.actor, entry.action) == (member, "create")
    assert entry.after["moderated_score"] == "5.25"
    ranking = client.get(panel_url(call)).context["rows"]
    assert {r.application.reference: r.moderated for r in ranking} == {
        "X": None,
        "Y": Decimal("5.25"),
        "Z": None,
    }


@pytest.mark.parametrize("value", ["0.99", "6.01"])
def test_panel_score_outside_the_scale_is_refused_and_notes_kept(
    client, call, reviewed, member, apps, value
):
    client.force_login(member)
    response = client.post(
        panel_application_url(call, apps["Y"]),
        {"moderated_score": value, "notes": "Keep these words."},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["moderated_score"]
    assert "Keep these words." in response.content.decode()
    assert not PanelNote.objects.exists()


def test_panel_home_lists_my_panels(client, call, member):
    client.force_login(member)
    response = client.get(reverse("review:panel"))
    assert [c.slug for c in response.context["calls"]] == ["ica-2025"]


# ---------------------------------------------------------------- officer: reviews and declarations


def progress_url(call):
    return reverse("review:progress", args=[call.slug])


def test_officer_sees_the_conflict_declarations(client, call, apps, officer):
    conflicted, fine = make_reviewer("GB", name_en="Con Flicted"), make_reviewer("KR")
    declare(assign(apps["X"], conflicted), conflicted, conflict=True)
    declare(assign(apps["X"], fine), fine)
    assign(apps["Y"], fine)
    client.force_login(officer)
    response = client.get(progress_url(call))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["conflicts"] == 1
    assert "Con Flicted" in html
    assert "I co-authored with the lead." in html
    assert [
        (r["assignment"].application.reference, bool(r["declaration"]))
        for r in response.context["rows"]
    ] == [("X", True), ("X", True), ("Y", False)]


@pytest.mark.parametrize("who", ["other_funder", "panel", "reviewer"])
def test_progress_page_is_404_for_others(client, call, reviewed, member, who):
    users = {
        "other_funder": lambda: make_officer(FunderFactory()),
        "panel": lambda: member,
        "reviewer": lambda: reviewed["lenient"],
    }
    client.force_login(users[who]())
    assert client.get(progress_url(call)).status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_progress_page_query_count_is_flat(client, call, officer, n):
    for i in range(n):
        user = make_reviewer("GB")
        a = assign(make_application(call, reference=f"P-{i}"), user)
        submit(a, user, scores(4))
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(progress_url(call))
    assert response.status_code == 200
    assert len(response.context["rows"]) == n
    # session, user, role grants, call, sides, assignments (with everything the rows show)
    assert len(ctx.captured_queries) == 6


def test_ranking_csv_never_serves_a_live_formula(client, call, reviewed, officer, apps):
    from accord.applications.models import Application

    Application.objects.filter(pk=apps["Y"].pk).update(reference="=1+1")
    client.force_login(officer)
    lines = client.get(ranking_url(call) + "?format=csv").content.decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:] if "1+1" in line] == ["'=1+1"]
