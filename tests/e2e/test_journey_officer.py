"""Both demo programme officers walk their calls, in English (Royal Society) and Korean (NRF).

Breaks of issue 11 these walks catch: the CSV link to '??format=csv' (malformed-link check);
the budget table and the dashboard's "By side" card overflowing at 1,280 px; English left on the
Korean pages (matching results, conflict reasons, areas, funder names, rule parameters); axe-core
violations on the officer pages.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, land, sign_in

pytestmark = pytest.mark.e2e

CLOSED = "/manage/calls/uk-rok-ica-2025"
OPEN = "/manage/calls/uk-rok-ica-2026"
PAGES = [
    f"{CLOSED}/",
    f"{CLOSED}/applications/",
    f"{CLOSED}/applications/?state=eligible",
    f"{CLOSED}/matching/",
    f"{CLOSED}/reviewers/",
    f"{CLOSED}/assignment/",
    f"{CLOSED}/reviews/",
    f"{CLOSED}/ranking/",
    f"{CLOSED}/decisions/",
    f"{CLOSED}/decisions/applications/",
    f"{CLOSED}/decisions/disagreements/",
    "/manage/applications/UK-ROK-ICA-2025-0001/reviewers/",
    f"{OPEN}/",
    f"{OPEN}/settings/",
    "/audit/",
]


@pytest.mark.parametrize(("username", "language"), [("officer-rs", "en"), ("officer-nrf", "ko")])
def test_officer_walks_the_calls(tour, username, language):
    page = tour.page(language)
    sign_in(page, username)
    assert page.url.endswith("/manage/calls/")
    failures = []

    def visit(step, *args):
        try:
            step(page, *args)
        except AssertionError as exc:
            failures.append(str(exc))

    for path in PAGES:
        visit(go, path)
    # One application, as the officer's own funder sees it, with the case for support.
    visit(go, f"{CLOSED}/applications/")
    page.locator("table tbody tr a[href*='/manage/applications/']").first.click()
    visit(land)
    expect(page.locator("#case-for-support")).to_be_visible()
    # A scenario of the portfolio.
    visit(go, f"{CLOSED}/decisions/")
    scenario = page.locator("a[href*='/decisions/scenarios/']").first
    expect(scenario).to_be_visible()
    scenario.click()
    visit(land)
    assert not failures, "\n".join(failures)
