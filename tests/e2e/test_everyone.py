"""What every visitor meets, on the `make run` demo (DEBUG on): the menu on a phone, the styled
404 page in both languages (no list of URL patterns), the site icon, sign-in landing on one's work."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, sign_in

pytestmark = pytest.mark.e2e


def test_menu_button_on_a_phone(tour):
    page = tour.page("en", width=390)
    go(page, "/")
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Calls").click()
    expect(page.locator("h1")).to_be_visible()
    go(page, "/calls/")


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("ko", "페이지를 찾을 수 없습니다")]
)
def test_missing_page_is_styled_without_url_patterns(tour, language, heading):
    page = tour.page(language)
    page.guard.allow(404, "/no-such-page/")
    go(page, "/no-such-page/")
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("body")).not_to_contain_text("URLconf")
    page.guard.allow(404, "/calls/no-such-call/")
    go(page, "/calls/no-such-call/")
    expect(page.locator("h1")).to_have_text(heading)


def test_site_icon_is_served(tour):
    page = tour.page("en")
    response = page.request.get(page.base + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
    go(page, "/")
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")


@pytest.mark.parametrize(
    ("username", "language", "heading_path"),
    [
        ("officer-rs", "en", "/manage/calls/"),
        ("officer-nrf", "ko", "/manage/calls/"),
        ("reviewer", "en", "/review/"),
        ("panel", "ko", "/panel/"),
        ("secretariat", "en", "/accord/uk-rok-2023/commitments/"),
        ("applicant-uk", "en", "/applications/"),
    ],
)
def test_sign_in_lands_on_ones_work(tour, username, language, heading_path):
    page = tour.page(language)
    sign_in(page, username)
    assert page.url == page.base + heading_path
