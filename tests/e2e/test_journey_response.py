"""The applicants' side of review and decision, on the demo's story accounts.

`applicant-reviews` (the Korean lead of UK-ROK-ICA-2025-0017, Korean interface) reads the
anonymised reviews and sends the team's response, confirming first; the UK lead of the same
application reads it; the lead of another application gets 404 on it. `applicant-funded` (the UK
lead of the funded UK-ROK-ICA-2025-0022) reaches the decision and the award from *My
applications* in one click.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, land, sign_in

pytestmark = pytest.mark.e2e

ANSWERING = "UK-ROK-ICA-2025-0017"
FUNDED = "UK-ROK-ICA-2025-0022"
RESPONSE = "평가위원 2의 예산 지적에 답합니다: 장비비는 공동 실험실 하나로 줄였습니다."


@pytest.fixture
def story(transactional_db):
    """The whole demo in the test database (the live server's), and a password for the UK lead
    of the application under response (a researcher of the demo without a sign-in of their own)."""
    from accord.applications.models import Application
    from accord.demo.seed import seed_demo

    seed_demo()
    application = Application.objects.get(reference=ANSWERING)
    uk_lead = application.members.get(role="lead", country="GB").person.user
    uk_lead.set_password("accord-uk-co-lead")
    uk_lead.save(update_fields=["password"])
    return {"application": application, "uk_lead": uk_lead}


def test_the_korean_lead_answers_the_reviews_and_the_team_reads_it(browse, story):
    from accord.review.models import ApplicantResponse

    # The Korean lead signs in (in Korean) and goes from their work to the reviews in one click.
    page = browse.page("ko")
    sign_in(page, "applicant-reviews")
    assert page.url.endswith("/applications/")
    page.locator(f"#reviews-{ANSWERING}").click()
    land(page)
    assert page.url.endswith(f"/review/applications/{ANSWERING}/reviews/")
    expect(page.locator("h1")).to_have_text("내 신청서에 대한 평가")
    # Three anonymised reviews, "Reviewer N" only.
    expect(page.locator("section.review")).to_have_count(3)
    expect(page.locator("section.review h3")).to_have_text(
        ["평가위원 1", "평가위원 2", "평가위원 3"]
    )

    # Write the response; sending asks first (a dismissal sends nothing).
    page.locator("#response-form textarea").fill(RESPONSE)
    send = page.locator("#response-form button[type=submit]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    send.click()
    expect(page.locator("#response-form")).to_be_visible()
    assert not ApplicantResponse.objects.filter(application=story["application"]).exists()
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    send.click()
    land(page)
    assert dialogs == [
        "이 답변을 평가위원회에 보내시겠습니까? 팀원 모두에게 사본이 이메일로 발송되며, "
        "답변 기간이 끝날 때까지 수정할 수 있습니다."
    ]
    expect(page.locator("ul.messages")).to_contain_text("답변이 저장되었습니다.")
    expect(page.locator("#response-form textarea")).to_have_value(RESPONSE)
    saved = ApplicantResponse.objects.get(application=story["application"])
    assert (saved.text, saved.author.username) == (RESPONSE, "applicant-reviews")

    # The UK lead of the same application sees the response (in English).
    uk = browse.page("en")
    sign_in(uk, story["uk_lead"].username, "accord-uk-co-lead")
    uk.locator(f"#reviews-{ANSWERING}").click()
    land(uk)
    expect(uk.locator("h1")).to_have_text("The reviews of your application")
    expect(uk.locator("#response-form textarea")).to_have_value(RESPONSE)

    # The lead of another application may not know it exists: 404.
    other = browse.page("en")
    sign_in(other, "applicant-funded")
    path = f"/review/applications/{ANSWERING}/reviews/"
    other.guard.allow(404, path)
    response = other.goto(other.base + path)
    land(other)
    assert response.status == 404
    expect(other.locator("body")).not_to_contain_text(RESPONSE)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_funded_lead_reaches_the_decision_and_award_in_one_click(tour, language):
    page = tour.page(language)
    sign_in(page, "applicant-funded")
    assert page.url.endswith("/applications/")
    page.locator(f"#decision-{FUNDED}").click()
    land(page)
    assert page.url.endswith(f"/applications/{FUNDED}/decision/")
    expect(page.locator("#outcome")).to_be_visible()
    expect(page.locator("#decision-GB")).to_be_visible()
    expect(page.locator("#decision-KR")).to_be_visible()
    expect(page.locator("#letters")).to_be_visible()
    go(page, "/applications/")
