"""Benchmark a 5 MB BibTeX import while other users sign in (issue 10, finding 1).

Target: the file imported in ≤ 30 s while the sign-in p95 of other users stays ≤ 1 s, on SQLite
and on PostgreSQL.

What runs, as in production (README): gunicorn (2 workers, the site) and `accord db_worker`
(the background-task worker, ACCORD_TASKS=database) on one database: a fresh SQLite file, or a
fresh PostgreSQL database named by --postgres. One researcher uploads the file through the page
and polls its progress (as the page's htmx does, once a second); meanwhile --signers threads sign
other users in and out in a loop (GET the form, POST the password: Argon2id, the production
hasher). Development mode (ACCORD_DEBUG=true) only so the static files need no collectstatic.

Data ("hardest" shape of a reference-manager export): every title has {Braced} words, as Zotero
and JabRef write them (so every title goes through the LaTeX decoder); 1 author in 10 has an
accent in LaTeX ({\\"u}); 200-word abstracts; 5 % of entries repeat an earlier DOI (merged).

Run:  PYTHONPATH=src .venv/bin/python bench/bench_import.py [--mb 5] [--signers 4]
      [--postgres postgres://postgres@127.0.0.1:55432/accord_bench_import]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

PASSWORD = "bench-Password-2026"
WORDS = [
    "quantum",
    "sensing",
    "graphene",
    "lattice",
    "neural",
    "network",
    "battery",
    "anode",
    "catalyst",
    "protein",
    "folding",
    "robot",
    "swarm",
    "climate",
    "ocean",
    "model",
    "semiconductor",
    "lithography",
    "photonic",
    "qubit",
    "error",
    "correction",
    "hydrogen",
    "storage",
    "perovskite",
    "solar",
    "cell",
    "tokamak",
    "plasma",
    "genome",
    "editing",
    "microbiome",
    "satellite",
]
FAMILY = ["Kim", "Lee", "Park", "Choi", "Smith", "Jones", "Williams", "Brown", 'M{\\"u}ller']


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{cpu}; {os.cpu_count()} CPUs; load average {load}; "
        f"Python {platform.python_version()}; {platform.platform()}"
    )


def generate(n_bytes: int, seed: int = 10) -> tuple[bytes, int]:
    rnd = random.Random(seed)
    out: list[str] = []
    size = n = 0
    while size < n_bytes:
        n += 1
        words = [rnd.choice(WORDS) for _ in range(9)]
        words[rnd.randrange(9)] = "{" + rnd.choice(["DNA", "CRISPR", "MoS2", "UK", "Korea"]) + "}"
        title = " ".join(words).capitalize() + f" {n}"
        authors = " and ".join(
            f"{rnd.choice(FAMILY)}, {rnd.choice('ABCDEFGHJ')}. {rnd.choice('ABCDEFGHJ')}."
            for _ in range(rnd.randint(2, 8))
        )
        abstract = " ".join(rnd.choice(WORDS) for _ in range(200))
        doi = f"10.1000/j.{rnd.randrange(n) if n > 20 and rnd.random() < 0.05 else n}"
        entry = (
            f"@article{{key{n},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
            f"  journal = {{Journal of {rnd.choice(WORDS).title()}}},\n"
            f"  year = {{{rnd.randint(1995, 2026)}}},\n  doi = {{{doi}}},\n"
            f"  abstract = {{{abstract}}}\n}}\n\n"
        )
        out.append(entry)
        size += len(entry.encode())
    return "".join(out).encode(), n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A client with cookies and CSRF, not following redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def sign_in(self, username: str) -> tuple[int, float]:
        self.request("/accounts/login/")
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        started = time.perf_counter()
        status, _headers, _body = self.request(
            "/accounts/login/", body, {"Referer": self.base + "/accounts/login/"}
        )
        return status, time.perf_counter() - started

    def sign_out(self) -> None:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf()}).encode()
        self.request("/accounts/logout/", body, {"Referer": self.base + "/"})

    def upload(self, path: str, name: str, data: bytes) -> tuple[int, dict[str, str]]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f'{self.csrf()}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: application/x-bibtex\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, headers, _body = self.request(
            path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + "/directory/me/",
            },
        )
        return status, headers


def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")},
        "ACCORD_DEBUG": "true",
        "ACCORD_DATA_DIR": str(workdir / "data"),
        "ACCORD_TASKS": "database",
        "ACCORD_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "accord.config.settings",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    if args.postgres:
        import psycopg

        url = urllib.parse.urlsplit(args.postgres)
        name = url.path.lstrip("/")
        admin = args.postgres[: -len(name)] + "postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["ACCORD_DATABASE_URL"] = args.postgres
    python = sys.executable
    subprocess.run([python, "-m", "accord", "migrate", "-v", "0"], env=env, check=True)
    setup = (
        "from django.contrib.auth import get_user_model\n"
        "from accord.directory.models import Person\n"
        "User = get_user_model()\n"
        "p = Person.objects.create(slug='importer', name_en='Min-jun Kim', country='KR')\n"
        f"User.objects.create_user('importer', password={PASSWORD!r}, person=p)\n"
        f"for i in range({args.signers}):\n"
        f"    User.objects.create_user(f'signer{{i}}', password={PASSWORD!r})\n"
    )
    subprocess.run([python, "-m", "accord", "shell", "-c", setup], env=env, check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
    procs = [
        subprocess.Popen(
            [gunicorn, "accord.config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "--log-level", "warning"],
            env=env,
        ),
        subprocess.Popen(
            [python, "-m", "accord", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload",
             "-v", "0"],
            env=env,
        ),
    ]  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        data, entries = generate(int(args.mb * 1_000_000))
        latencies: list[float] = []
        failures: list[int] = []
        stop = threading.Event()

        def signer(i: int) -> None:
            while not stop.is_set():
                browser = Browser(base)
                status, seconds = browser.sign_in(f"signer{i}")
                latencies.append(seconds)
                if status != 302:
                    failures.append(status)
                else:
                    browser.sign_out()

        threads = [threading.Thread(target=signer, args=(i,)) for i in range(args.signers)]
        for t in threads:
            t.start()
        time.sleep(10)  # sign-ins before the import: the baseline
        baseline = len(latencies)
        before = list(latencies)
        importer = Browser(base)
        assert importer.sign_in("importer")[0] == 302
        importer.request("/directory/me/")
        started = time.perf_counter()
        status, headers = importer.upload("/directory/me/publications/import/", "big.bib", data)
        upload_seconds = time.perf_counter() - started
        assert status == 302, f"upload answered {status}"
        import_id = re.search(r"import=(\d+)", headers["Location"]).group(1)  # type: ignore[union-attr]
        while True:
            code, _h, _b = importer.request(f"/directory/me/publications/imports/{import_id}/")
            if code == 204:
                break
            if time.perf_counter() - started > 600:
                raise SystemExit("import did not finish in 600 s")
            time.sleep(1)
        import_seconds = time.perf_counter() - started
        during = latencies[baseline:]
        stop.set()
        for t in threads:
            t.join()
        page = importer.request(f"/directory/me/?import={import_id}")[2].decode()
        report = re.search(r"(\d+) publications added", page)
        return {
            "before_p95": statistics.quantiles(before, n=20)[18]
            if len(before) > 1
            else float("nan"),
            "before_n": len(before),
            "entries": entries,
            "bytes": len(data),
            "upload_s": upload_seconds,
            "import_s": import_seconds,
            "added": report.group(1) if report else "?",
            "signins": len(during),
            "p50": statistics.median(during) if during else float("nan"),
            "p95": statistics.quantiles(during, n=20)[18] if len(during) > 1 else float("nan"),
            "max": max(during) if during else float("nan"),
            "failures": failures,
        }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="file size in MB (default 5)")
    parser.add_argument("--signers", type=int, default=4, help="users signing in meanwhile")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL (database recreated)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="accord-bench-import-") as tmp:
        figures = run(args, Path(tmp))
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{database}: {figures['bytes'] / 1e6:.1f} MB BibTeX, {figures['entries']} entries "
        f"-> {figures['added']} publications added; upload answered in {figures['upload_s']:.2f} s; "
        f"imported in {figures['import_s']:.1f} s (target <= 30 s)"
    )
    print(
        f"sign-ins by {args.signers} other users during the import: {figures['signins']}, "
        f"p50 {figures['p50']:.3f} s, p95 {figures['p95']:.3f} s (target <= 1 s), "
        f"max {figures['max']:.3f} s, failed {len(figures['failures'])} {figures['failures'][:5]}"
    )
    print(
        f"sign-ins in the 10 s before the import: {figures['before_n']}, "
        f"p95 {figures['before_p95']:.3f} s"
    )
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
