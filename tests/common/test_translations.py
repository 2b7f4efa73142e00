"""Every user-facing string has a Korean translation, and the compiled catalogue is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "accord" / "locale" / "ko" / "LC_MESSAGES"


def _entries(po_text: str) -> dict[tuple[str, str], str]:
    import polib

    return {
        (e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.pofile(po_text)
    }


def test_every_string_is_translated_and_not_fuzzy():
    import polib

    po = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    import polib

    po = {
        (e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    mo = {
        (e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.mofile(str(LOCALE / "django.mo"))
        if e.msgid
    }
    assert mo == {k: v for k, v in po.items() if k[1]}, "run `make messages` and commit the .mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (CI installs it)")
def test_catalogue_has_every_string_in_the_source(tmp_path, settings):
    """Extract the strings again into a copy of the source and compare with the committed catalogue."""
    src = Path(__file__).resolve().parents[2] / "src" / "accord"
    copy = tmp_path / "accord"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("core", "demo", "__pycache__", "*.mo"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "accord.config.settings",
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "makemessages",
            "-l",
            "ko",
            "--no-obsolete",
            "--add-location",
            "file",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env=env,
    )
    import polib

    fresh = {
        (e.msgctxt or "", e.msgid)
        for e in polib.pofile(str(copy / "locale/ko/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    committed = {
        (e.msgctxt or "", e.msgid)
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    assert sorted(fresh - committed) == [], (
        "new strings: run `make messages`, translate them, commit"
    )
