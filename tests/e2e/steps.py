"""Small steps shared by the journeys; each lands on a page and checks it (see pagecheck)."""

from __future__ import annotations

from playwright.sync_api import expect


def go(page, path: str, **check):
    """Open `path` on the live server and check the page."""
    page.goto(page.base + path)
    page.guard.check(page, **check)
    return page


def land(page, **check):
    """Check the page a click or a form just led to."""
    page.wait_for_load_state("load")
    page.guard.check(page, **check)
    return page


def sign_in(page, username: str, password: str | None = None):
    """Sign in through the form (checked), and check the page it lands on."""
    go(page, "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password or f"accord-{username}")
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)
    return land(page)


def ica_round(slug: str, name_en: str, name_ko: str, *, opened_days_ago: int, closes_in_days: int):
    """A published call made from the RS–NRF ICA template through the service, opened and
    closing relative to now (a negative ``closes_in_days`` makes a closed round)."""
    import datetime as dt

    from django.utils import timezone

    from accord.programmes.services.calls import create_call_from_template

    now = timezone.now()
    return create_call_from_template(
        template="uk-rok-ica",
        slug=slug,
        name_en=name_en,
        name_ko=name_ko,
        opens_at=now - dt.timedelta(days=opened_days_ago),
        closes_at=now + dt.timedelta(days=closes_in_days),
        actor=None,
        published=True,
    )
