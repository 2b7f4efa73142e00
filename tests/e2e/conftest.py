"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database access from
# the test thread is still synchronous, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) is None and not os.environ.get("CI"):
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} not installed (apt-get install chromium); CI installs it"
        )
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def demo(transactional_db):
    """The demo's reference data, researchers and accounts (the tests build their own calls)."""
    from accord.demo.seed import seed_accounts, seed_directory
    from accord.partnerships.services.reference import load_reference

    load_reference()
    seed_directory()
    return seed_accounts()
