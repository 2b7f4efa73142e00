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


def test_a_matching_run_seen_by_both_officers_and_not_by_an_applicant(tour):
    """The UK officer recomputes expertise matching on the closed call (the run reads the
    applications in full and the reviewers' publications up to their first window, in separate
    batches); the Korean officer reads the finished run in Korean; an applicant is not told the
    page exists."""
    matching = f"{CLOSED}/matching/"
    uk = tour.page("en")
    sign_in(uk, "officer-rs")
    go(uk, matching)
    uk.get_by_role("button", name="Recompute affinities and conflicts").click()
    land(uk)
    expect(uk.locator("#run-state")).to_have_text("Finished", timeout=120_000)
    expect(uk.locator("#run")).to_contain_text("applications and")
    expect(uk.locator("#run")).to_contain_text("conflicts found.")

    kr = tour.page("ko")
    sign_in(kr, "officer-nrf")
    go(kr, matching)
    expect(kr.locator("#run-state")).to_have_text("완료")
    expect(kr.locator("#run")).to_contain_text("이해충돌")
    # The suggested reviewers of an application at the panel (the run matches the applications
    # still being decided) come from this run, with their expertise.
    go(kr, f"{CLOSED}/applications/?state=at_panel")
    link = kr.locator("table tbody tr a[href*='/manage/applications/']").first
    reference = link.inner_text()
    go(kr, f"/manage/applications/{reference}/reviewers/")
    expect(kr.locator("table tbody tr").first).to_be_visible()

    applicant = tour.page("en")
    sign_in(applicant, "applicant-uk")
    applicant.guard.allow(404, matching)
    response = applicant.goto(applicant.base + matching)
    assert response.status == 404
    land(applicant)
