"""Award letters: written in the background as PDF per language; the Korean letter's text comes
back out of the PDF; served to the award's team and the call's officers only."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accord.decisions.enums import LetterState
from accord.decisions.models import Award, Letter
from accord.decisions.services.letters import render_letter
from tests.decisions.conftest import approve, at_panel, lead_user
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_researcher

pytestmark = pytest.mark.django_db

KOREAN_FEEDBACK = "국제 협력의 질이 매우 높습니다. 연구 계획이 명확합니다."


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def award(call, rs_officer, nrf_officer, django_capture_on_commit_callbacks):
    application = at_panel(
        call, merit=5, title_en="Ferroelectric memory", title_ko="강유전 메모리 공동 연구"
    )
    approve(application, rs_officer, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, nrf_officer, "KR", feedback_ko=KOREAN_FEEDBACK)
    return Award.objects.get(application=application)


def pdf_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages)


def test_both_letters_are_written_when_the_award_is_made(award):
    letters = {letter.language: letter for letter in award.letters.all()}
    assert sorted(letters) == ["en", "ko"]
    assert {letter.state for letter in letters.values()} == {LetterState.READY}
    assert all(letter.file.name.endswith(".pdf") for letter in letters.values())


def test_korean_letter_text_round_trips_through_the_pdf(award):
    letter = award.letters.get(language="ko")
    extracted = normalise(pdf_text(letter))
    for sentence in (
        "공동 연구과제 선정 통지: 강유전 메모리 공동 연구",
        KOREAN_FEEDBACK,
        "선정을 축하드립니다.",
        "각 기관은 자국 측 연구를 자국 통화로 지원합니다.",
    ):
        assert normalise(sentence) in normalise(letter.text)
        assert normalise(sentence) in extracted
    # the whole text, in order; the PDF adds only the list bullets
    assert extracted.replace("•", "") == normalise(letter.text)


def test_english_letter_names_both_funders_and_amounts(award):
    text = award.letters.get(language="en").text
    assert "£200,000 GBP" in text
    assert "₩500,000,000 KRW" in text
    assert "The award runs from 1 September 2025 to 31 August 2028." in text


def test_failed_letter_is_marked_and_never_offered(client, award):
    broken = Letter.objects.create(award=award, language="xx")  # no template for this language
    render_letter(letter=broken)
    broken.refresh_from_db()
    assert broken.state == LetterState.FAILED
    assert broken.message.startswith("TemplateDoesNotExist")
    assert not broken.file
    client.force_login(lead_user(award.application, "GB"))
    url = reverse("decisions:letter", args=[award.reference, broken.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("decisions:my_decision", args=[award.reference])).content.decode()
    assert url not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("team", 200),
        ("rs_officer", 200),
        ("nrf_officer", 200),
        ("kiat_officer", 404),
        ("stranger", 404),
    ],
)
def test_letter_served_to_team_and_officers_only(client, request, award, who, status):
    users = {
        "team": lambda: lead_user(award.application, "KR"),
        "stranger": lambda: UserFactory(person=make_researcher("GB")),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    letter = award.letters.get(language="ko")
    client.force_login(user)
    response = client.get(reverse("decisions:letter", args=[award.reference, letter.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert (response["Content-Security-Policy"], response["X-Content-Type-Options"]) == (
            "sandbox",
            "nosniff",
        )


def test_applicant_page_offers_their_language_first(client, award):
    client.force_login(lead_user(award.application, "KR"))
    html = client.get(
        reverse("decisions:my_decision", args=[award.reference]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    ko, en = (award.letters.get(language=lang) for lang in ("ko", "en"))
    ko_url = reverse("decisions:letter", args=[award.reference, ko.pk])
    en_url = reverse("decisions:letter", args=[award.reference, en.pk])
    assert html.index(ko_url) < html.index(en_url)


def test_a_letter_task_delivered_twice_renders_once(award):
    from accord.decisions.tasks import render_award_letter

    letter = award.letters.get(language="en")
    assert letter.state == LetterState.READY
    name = letter.file.name
    assert render_award_letter.call(letter_id=letter.pk) == "ready"
    letter.refresh_from_db()
    assert letter.file.name == name


def test_with_the_worker_queue_the_second_key_only_queues_the_letters(
    call, rs_officer, nrf_officer, django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    application = at_panel(call, merit=5, title_en="Queued letters")
    approve(application, rs_officer, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, nrf_officer, "KR")
    award = Award.objects.get(application=application)
    assert {letter.state for letter in award.letters.all()} == {LetterState.PENDING}
    queued = DBTaskResult.objects.filter(task_path="accord.decisions.tasks.render_award_letter")
    assert sorted(row.args_kwargs["kwargs"]["letter_id"] for row in queued) == sorted(
        award.letters.values_list("pk", flat=True)
    )
