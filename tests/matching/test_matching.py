"""Affinity runs, suggested reviewers with explanations and conflicts, and who may see them."""

import threading

import pytest
from django.urls import reverse

from accord.matching.models import AffinityScore, Conflict, MatchRun, RunState
from accord.matching.services.runs import background_thread, compute_matching
from tests.factories.applications import (
    CallFactory,
    make_applicant,
    make_joint_application,
    make_officer,
    make_researcher,
)
from tests.factories.directory import PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched():
    """A submitted application on quantum dots; an expert, a non-expert and a conflicted co-author."""
    call = CallFactory()
    application = make_joint_application(
        call=call,
        state="submitted",
        gb_lead=make_researcher("GB", name_en="Alex Morgan"),
        title_en="Silicon quantum dot spin qubits at wafer scale",
        summary_en="We fabricate silicon quantum dot arrays and measure spin qubit coherence and gate fidelity.",
    )
    uk_lead = application.members.get(country="GB").person
    expert = make_researcher("KR", name_en="Quantum Expert")
    PublicationFactory(
        person=expert,
        title="Spin qubits in silicon quantum dots with high gate fidelity",
        year=2023,
        abstract="Silicon quantum dot devices host spin qubits; we report coherence times and two-qubit gates.",
    )
    novice = make_researcher("GB", name_en="Marine Biologist")
    PublicationFactory(
        person=novice,
        title="Coral reef fish migration in warming oceans",
        year=2022,
        abstract="Tracking reef fish populations across seasons shows migration linked to temperature.",
    )
    coauthor = make_researcher("KR", name_en="Close Coauthor")
    PublicationFactory(
        person=coauthor,
        title="Quantum dot charge sensing in silicon",
        year=2024,
        abstract="Charge sensing of silicon quantum dots.",
        coauthors=[uk_lead.name_en],
    )
    run = MatchRun.objects.create(call=call)
    return call, application, expert, novice, coauthor, run


def test_run_scores_every_pair_and_explains(matched):
    call, application, expert, novice, coauthor, run = matched
    run = compute_matching(run=run)
    assert run.state == RunState.DONE
    scores = {s.reviewer_id: s for s in AffinityScore.objects.filter(application=application)}
    assert scores[expert.pk].score > scores[novice.pk].score
    assert (
        scores[expert.pk].explanation[0]["title"]
        == "Spin qubits in silicon quantum dots with high gate fidelity"
    )
    assert run.percent == 100


def test_run_flags_the_coauthor_as_a_hard_conflict(matched):
    call, application, expert, novice, coauthor, run = matched
    compute_matching(run=run)
    conflicts = list(Conflict.objects.filter(application=application, reviewer=coauthor))
    assert [(c.type, c.severity) for c in conflicts] == [("coauthor", "hard")]
    assert not Conflict.objects.filter(application=application, reviewer=expert).exists()
    assert "Alex Morgan" in conflicts[0].sentence


def test_failed_run_records_the_error_and_keeps_old_scores(matched, monkeypatch):
    call, application, expert, novice, coauthor, run = matched
    compute_matching(run=run)
    before = AffinityScore.objects.count()
    second = MatchRun.objects.create(call=call)
    from accord.core.affinity import AffinityConfig

    with pytest.raises(Exception, match="top_k"):
        AffinityConfig(top_k=0)
    second = compute_matching(run=second, config=object())  # not a config: the run fails cleanly
    assert second.state == RunState.FAILED
    assert second.message
    assert AffinityScore.objects.count() == before


def test_suggestions_page_for_the_calls_officer(client, matched):
    call, application, expert, novice, coauthor, run = matched
    compute_matching(run=run)
    officer = make_officer(call.sides.get(country="GB").funder)
    client.force_login(officer)
    response = client.get(reverse("matching:suggestions", args=[application.reference]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0][0].reviewer_id == expert.pk
    html = response.content.decode()
    assert "Spin qubits in silicon quantum dots" in html
    assert "Conflict: may not review" in html


@pytest.mark.parametrize("who", ["other_officer", "applicant"])
def test_suggestions_and_runs_are_404_for_others(client, matched, who):
    call, application, expert, novice, coauthor, run = matched
    if who == "other_officer":
        user = make_officer(CallFactory().sides.first().funder)
    else:
        user = make_applicant(person=application.members.get(country="GB").person)
    client.force_login(user)
    assert (
        client.get(reverse("matching:suggestions", args=[application.reference])).status_code == 404
    )
    assert client.get(reverse("matching:call", args=[call.slug])).status_code == 404
    assert client.get(reverse("matching:progress", args=[call.slug, run.pk])).status_code == 404
    assert client.post(reverse("matching:call", args=[call.slug])).status_code == 404
    assert MatchRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_officer_starts_a_run_off_the_request_and_sees_progress(client, matched):
    """With the immediate task backend (embedded mode) the POST only starts the run: it runs in a
    thread of the web process while the page polls its progress."""
    call, application, *_rest, run = matched
    officer = make_officer(call.sides.get(country="KR").funder)
    client.force_login(officer)
    response = client.post(reverse("matching:call", args=[call.slug]))
    assert response.status_code == 302
    latest = MatchRun.objects.filter(call=call).first()
    assert latest.pk != run.pk
    thread = background_thread(latest.pk)
    assert thread is not None and thread is not threading.current_thread()
    thread.join(timeout=600)
    assert not thread.is_alive()
    latest.refresh_from_db()
    assert latest.state == RunState.DONE
    assert AffinityScore.objects.filter(application=application).count() == 3
    html = client.get(reverse("matching:progress", args=[call.slug, latest.pk])).content.decode()
    assert '<strong id="run-state">Finished</strong>' in html
    assert "3 scores for 1 applications and 3 reviewers" in html
    assert "<progress" not in html and "hx-trigger" not in html


def test_a_queued_run_polls_its_progress(client, matched):
    call, application, *_rest, run = matched
    client.force_login(make_officer(call.sides.get(country="KR").funder))
    html = client.get(reverse("matching:progress", args=[call.slug, run.pk])).content.decode()
    assert run.state == RunState.QUEUED
    assert 'hx-trigger="every 1s"' in html


@pytest.mark.parametrize(
    ("stage", "done", "total", "english", "korean"),
    [
        (
            "embedding",
            2,
            5,
            "reading the texts (2 of 5 batches)",
            "텍스트 읽는 중(배치 5개 중 2개 완료)",
        ),
        (
            "embedding (multilingual model)",
            10,
            40,
            "reading the texts with the language model (10 of 40)",
            "언어 모델로 텍스트 읽는 중(40개 중 10개)",
        ),
        ("tokenising", 0, 1, "reading the words of every text", "모든 텍스트의 단어 읽는 중"),
        (
            "glossing Korean terms",
            0,
            1,
            "glossing Korean texts in English",
            "한국어 텍스트를 영어로 풀이하는 중",
        ),
        (
            "aggregating",
            0,
            1,
            "combining each reviewer's publications",
            "평가위원별 논문 결과 종합 중",
        ),
        ("something new", 0, 0, "working", "진행 중"),
    ],
)
def test_a_running_run_names_its_stage_in_the_readers_language(
    client, matched, stage, done, total, english, korean
):
    call, *_rest, run = matched
    MatchRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, stage=stage, done=done, total=total
    )
    client.force_login(make_officer(call.sides.get(country="KR").funder))
    url = reverse("matching:progress", args=[call.slug, run.pk])
    for language, words in (("en", english), ("ko", korean)):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f" — {words}" in html.replace("&#x27;", "'")
        if stage != "embedding":
            assert stage not in html  # never the stored code


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Close Coauthor co-authored “Quantum dot charge sensing in silicon” (2024) with lead Alex Morgan of {ref}, within",
        ),
        ("ko", "Close Coauthor 님은 최근"),
    ],
)
def test_conflicts_are_explained_with_names_not_ids(client, matched, language, expected):
    call, application, expert, novice, coauthor, run = matched
    compute_matching(run=run)
    client.force_login(make_officer(call.sides.get(country="GB").funder))
    html = client.get(
        reverse("matching:suggestions", args=[application.reference]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    cell = html.split(f'data-reviewer="{coauthor.pk}"')[1].split("</tr>")[0]
    assert expected.format(ref=application.reference) in cell
    assert f"({coauthor.pk})" not in cell and "on application" not in cell
