"""Production mode, as an operator starts it (a real `accord` process with ACCORD_* variables):
refuses to start when misconfigured, passes `check --deploy`, sends HSTS, HTTPS redirect and a
strict Content-Security-Policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "ACCORD_SECRET_KEY": "k3Y-" + "x7Qp2Lm9" * 7,
    "ACCORD_EMAIL_URL": "smtp+tls://accord:secret@smtp.example.org:587",
    "ACCORD_ALLOWED_HOSTS": "accord.example.org",
}


def accord(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env={**clean, "ACCORD_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"ACCORD_ALLOWED_HOSTS": "accord.example.org"}, "ACCORD_SECRET_KEY is required"),
        (
            {**PRODUCTION, "ACCORD_EMAIL_URL": "consolemail://"},
            "ACCORD_EMAIL_URL is 'consolemail://'",
        ),
        ({**PRODUCTION, "ACCORD_DATABASE_URL": "nonsense"}, "ACCORD_DATABASE_URL 'nonsense'"),
    ],
)
def test_misconfigured_production_refuses_to_start(tmp_path, env, names):
    result = accord(tmp_path, env, "check")
    assert result.returncode != 0
    assert names in result.stderr
    assert "System check identified" not in result.stdout


def test_deploy_checks_are_clean_in_production(tmp_path):
    result = accord(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "System check identified no issues (0 silenced).\n",
    )


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Only the static files' manifest (written by collectstatic, slow here) is left out.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="accord.example.org")
    plain = client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code] + [secure.get(h) for h in (
        "Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options")],
    "cookies": [secure.cookies["csrftoken"]["secure"]],
}))
"""


def test_production_sends_https_only_headers_and_a_strict_csp(tmp_path):
    env = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "accord.config.settings"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, "ACCORD_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout)
    assert seen["plain"] == [301, "https://accord.example.org/accounts/login/"]
    status, hsts, csp, nosniff = seen["secure"]
    assert (status, hsts, nosniff) == (
        200,
        "max-age=31536000; includeSubDomains; preload",
        "nosniff",
    )
    assert sorted(csp.split("; ")) == [
        "base-uri 'self'",
        "default-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
        "object-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ]
    assert seen["cookies"] == [True]


def test_templates_have_no_inline_script_or_style():
    """The strict CSP allows no inline script or style: every template keeps to static files
    (award letters excepted: WeasyPrint renders them to PDF, no browser shows them)."""
    import re
    from pathlib import Path

    import accord

    root = Path(accord.__file__).parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|hx-on|javascript:")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "decisions/letters/" not in str(path) and inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
