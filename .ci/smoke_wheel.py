"""Smoke test of an installed Accord wheel, run by .ci/run with a clean venv's python.

Run from a folder outside the repository so that the installed package, not src/, is imported.
`accord check`, migrate a fresh SQLite database, load the reference data, serve a few pages and
the API from the packaged templates, and run `accord assign` on a tiny instance. Exits non-zero
(with the step that failed) on any problem.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent


def accord(*args: str) -> None:
    print("$ accord", *args, flush=True)
    subprocess.run([str(BIN / "accord"), *args], check=True)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="accord-smoke-"))
    os.chdir(work)
    os.environ["ACCORD_DATA_DIR"] = str(work / "var")
    import accord as package

    assert "site-packages" in package.__file__, f"not the installed wheel: {package.__file__}"

    accord("check")
    accord("migrate", "--no-input", "-v", "0")
    accord("load-reference")

    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.config.settings"
    import django

    django.setup()
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    for path, needle in [
        ("/", b"Accord"),
        ("/calls/", b"<html"),
        ("/api/openapi.json", b'"openapi"'),
        ("/api/partnerships/uk-rok-2023", b'"instruments"'),
    ]:
        response = client.get(path)
        print(f"GET {path}: {response.status_code}", flush=True)
        assert response.status_code == 200 and needle in response.content, path

    import numpy as np

    rng = np.random.default_rng(0)
    np.savez(
        work / "instance.npz",
        affinity=rng.random((6, 4)),
        conflict=np.zeros((6, 4), dtype=bool),
        reviewer_country=np.array([0, 0, 1, 1]),
        k=np.array(2),
        min_load=np.zeros(4, dtype=int),
        max_load=np.full(4, 3),
    )
    accord("assign", "--instance", "instance.npz", "--out", "assignment.csv")
    with open(work / "assignment.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12 and set(rows[0]) == {"proposal", "reviewer"}, rows
    print("smoke: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
