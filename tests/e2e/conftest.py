"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database access from
# the test thread is still synchronous, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.e2e.pagecheck import AXE, PAGES, STATS, Guard

CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI"):
        return  # CI installs both; a missing one must fail there, not skip
    reason = None
    if shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} not installed (apt-get install chromium); CI installs it"
    elif not AXE.exists():
        reason = f"{AXE} missing (npm install --prefix tests/e2e); CI installs it"
    if reason:
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if STATS["checks"]:
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(STATS.items()))
        terminalreporter.write_line(f"browser page checks — {counts}; distinct pages: {len(PAGES)}")


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


class Browse:
    """Opens checked pages: one browser context per person, each watched by a `Guard`."""

    def __init__(self, browser, base):
        self.browser, self.base, self.guards = browser, base, []

    def page(self, language="en", width=1280):
        locale = {"en": "en-GB", "ko": "ko-KR"}[language]
        context = self.browser.new_context(
            locale=locale,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": locale},
        )
        guard = Guard(context)
        self.guards.append(guard)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.guard = guard
        page.base = self.base
        return page


@pytest.fixture
def browse(browser, live_server):
    """`browse.page("ko")` → a page whose every visit is checked; problems fail the test at its end."""
    opened = Browse(browser, live_server.url)
    yield opened
    problems = [p for guard in opened.guards for p in guard.problems()]
    for guard in opened.guards:
        guard.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The `make run` demo, as a user meets it: `accord migrate` and `accord seed-demo` into a
    fresh data folder, then `accord runserver` (DEBUG on, as in `make run`) on a free port.

    Built once per test session; the role journeys share it and each works on its own part of
    the demo's story, so their order does not matter. The server is stopped by its PID.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    data = tmp_path_factory.mktemp("demo-site")
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))},
        "ACCORD_DATA_DIR": str(data),
        "ACCORD_DEBUG": "true",
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    accord = [sys.executable, "-m", "accord"]
    log = (data / "server.log").open("w")
    for step in (["migrate", "--no-input", "-v", "0"], ["seed-demo"]):
        subprocess.run([*accord, *step], env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*accord, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(
                        f"the demo server stopped; see {data / 'server.log'}"
                    ) from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def tour(browser, demo_site):
    """Like `browse`, on the shared demo site."""
    opened = Browse(browser, demo_site)
    yield opened
    problems = [p for guard in opened.guards for p in guard.problems()]
    for guard in opened.guards:
        guard.context.close()
    assert not problems, "\n".join(problems)
