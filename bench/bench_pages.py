"""Pages, deadline rush and faults at the size of a real call (5,000 applications), as operated.

    PYTHONPATH=src .venv/bin/python bench/bench_pages.py setup   # build the database (minutes)
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py run     # measure (bounded: ~10 min)
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py run --quick
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py pages     # only the pages, repeatable
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py reset     # the rush drafts back (seconds)
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py profile [--cprofile] [--repeat N]
    PYTHONPATH=src .venv/bin/python bench/bench_pages.py rush      # only the rush (reset first)

``run`` and ``rush`` submit the rush drafts: ``reset`` them (or ``setup`` again) before the next.

Production shape: PostgreSQL (127.0.0.1:55432, database ``accord_bench_pages`` — override with
``BENCH_DATABASE_URL``), gunicorn with ``accord.config.gunicorn`` and 4 workers,
``ACCORD_TASKS=database`` and one ``accord db_worker``, ``ACCORD_DEBUG=false``.

The call: 5,000 submitted/eligible/ineligible applications plus the 300 drafts of the rush.
How they are made (said here, because it matters): one template application and the 300 rush
drafts are made through the services (start, invite and accept the partner lead, fill in, budget,
sign); the 5,000 are a bulk path that writes the same rows the services write — two leads (new
people at reference organisations), the application, its areas, one budget line per side,
both sign-offs, the submission snapshot — but not the audit entries; their stored eligibility is
written by the service (``store_evaluations``). One UK researcher leads 50 of them ("my
applications" for someone on 50 applications).

Measured:
1. where the time goes in each rush request (in-process, one user, median of 5 runs: wall ms,
   Python CPU ms, PostgreSQL backend CPU ms, SQL ms, queries, repeated queries);
2. every officer, applicant and public page: p50/p95 at 1 user and at 10 concurrent users,
   errors; the whole-call CSV: first byte and whole file;
3. the deadline rush: 300 pairs of leads, each: open the edit page, edit, UK lead signs, Korean
   lead signs, submit, both look at the result (7 requests), 30 pairs at a time: requests/s,
   p50/p95, errors, and after it, in the database: lost edits, duplicated submissions;
4. faults: a gunicorn worker killed under load; a 5 s database outage under load (503s, not
   500s); a db_worker killed inside a run (the run is reaped and the page says so), and a
   db_worker through a 5 s database outage (it reconnects and runs the next task).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench._smtp_sink import SmtpSink  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:55432/accord_bench_pages"
)
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/accord-bench-pages"))
STATE = DATA_DIR / "bench-state.json"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
N_APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "5000"))
N_PAIRS = int(os.environ.get("BENCH_PAIRS", "300"))
# What the TLS proxy in front of gunicorn adds in production (Accord redirects plain HTTP to
# HTTPS and checks the origin of every POST made over HTTPS).
PROXY_HEADERS = {
    "X-Forwarded-Proto": "https",
    "Origin": f"https://127.0.0.1:{PORT}",
    "Referer": f"https://127.0.0.1:{PORT}/",
}
CSRF = "benchcsrfsecret0123456789abcdefX"  # 32 characters: Django accepts the bare secret
STALE_SECONDS = 30
ENV = {
    "ACCORD_DATABASE_URL": DATABASE_URL,
    "ACCORD_DATA_DIR": str(DATA_DIR),
    "ACCORD_TASKS": "database",
    "ACCORD_DEBUG": "false",
    "ACCORD_SECRET_KEY": "bench-" + "x" * 50,
    "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "ACCORD_RUN_STALE_SECONDS": str(STALE_SECONDS),
    # ACCORD_EMAIL_URL: the local SMTP sink's address, set in main() (production refuses mail
    # backends that deliver nothing)
    "DJANGO_SETTINGS_MODULE": "accord.config.settings",
    "PYTHONPATH": str(ROOT / "src"),
}


def machine() -> str:
    cpu = "unknown"
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, load average {load} (shared with other "
        f"jobs when load > cores); python {platform.python_version()}; PostgreSQL "
        f"{urllib.parse.urlsplit(DATABASE_URL).netloc}"
    )


def django_setup() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


# --- setup ---------------------------------------------------------------------------------------


def admin_sql(*statements: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def setup() -> None:
    name = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    django_setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from accord.partnerships.services.reference import load_reference

    load_reference()
    print(f"migrate + collectstatic + reference: {time.perf_counter() - t0:.1f} s")
    build_call()


def session_for(user) -> str:  # type: ignore[no-untyped-def]
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.set_expiry(7 * 24 * 3600)
    store.save()
    return store.session_key


def build_call() -> None:
    from django.db import transaction
    from django.utils import timezone
    from tests.applications.conftest import (
        fill_in,
        make_researcher,
        officer_of,
        set_budget,
        sign_both,
        start_team,
    )
    from tests.factories.accounts import UserFactory

    from accord.applications.enums import ApplicationState, MemberRole
    from accord.applications.models import (
        Application,
        BudgetLine,
        SignOff,
        Snapshot,
        TeamMember,
    )
    from accord.applications.services.eligibility_store import store_evaluations
    from accord.applications.services.lifecycle import transition_application
    from accord.directory.models import Organisation, Person

    t0 = time.perf_counter()
    from accord.programmes.services.calls import create_call_from_template

    call = create_call_from_template(
        template="uk-rok-ica",
        slug="bench-5000",
        name_en="Bench round",
        name_ko="벤치 공모",
        opens_at=dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC),
        closes_at=dt.datetime(2027, 6, 30, 15, tzinfo=dt.UTC),
        actor=None,
        published=True,
    )
    uk0 = make_researcher(country="GB", org="imperial", name_en="Template Lead")
    kr0 = make_researcher(country="KR", org="kaist", name_en="Template Partner")
    template = start_team(call, uk0, kr0)
    fill_in(template, uk0)
    set_budget(template, uk0)
    sign_both(template, uk0, kr0)
    template = transition_application(
        application=template, to=ApplicationState.SUBMITTED, actor=uk0, now=timezone.now()
    )
    snapshot = Snapshot.objects.get(application=template)
    areas = list(template.areas.all())
    print(f"template application through the services: {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    gb_orgs = list(Organisation.objects.filter(country="GB", kind__in=["university", "institute"]))
    kr_orgs = list(Organisation.objects.filter(country="KR", kind__in=["university", "institute"]))
    busy = make_researcher(country="GB", org="imperial", name_en="Busy Lead")
    states = [ApplicationState.SUBMITTED] * 8 + [
        ApplicationState.ELIGIBLE,
        ApplicationState.INELIGIBLE,
    ]
    now = timezone.now()
    Through = Application.areas.through
    for start in range(0, N_APPLICATIONS, 500):
        with transaction.atomic():
            block = range(start, min(start + 500, N_APPLICATIONS))
            people = []
            for i in block:
                people.append(
                    Person(
                        slug=f"bench-gb-{i}",
                        name_en=f"UK Researcher {i}",
                        country="GB",
                        organisation=gb_orgs[i % len(gb_orgs)],
                        career_stage=["early", "mid", "senior"][i % 3],
                    )
                )
                people.append(
                    Person(
                        slug=f"bench-kr-{i}",
                        name_en=f"KR Researcher {i}",
                        name_ko=f"한국 연구자 {i}",
                        country="KR",
                        organisation=kr_orgs[i % len(kr_orgs)],
                        career_stage="mid",
                    )
                )
            Person.objects.bulk_create(people)
            apps = [
                Application(
                    call=call,
                    reference=f"BENCH-{i:05d}",
                    state=states[i % len(states)],
                    version=template.version,
                    title_en=f"Joint research project {i} on {areas[0].name_en}",
                    summary_en=template.summary_en,
                    title_ko=f"공동 연구 과제 {i}",
                    summary_ko=template.summary_ko,
                    case_for_support=template.case_for_support,
                    keywords=template.keywords,
                    duration_months=template.duration_months,
                    submitted_at=now - dt.timedelta(seconds=i),
                    created_by=busy if i % 100 == 0 else uk0,
                )
                for i in block
            ]
            Application.objects.bulk_create(apps)
            members, lines, links, snaps = [], [], [], []
            for k, (i, app) in enumerate(zip(block, apps, strict=True)):
                gb_person = busy.person if i % 100 == 0 else people[2 * k]
                kr_person = people[2 * k + 1]
                for person, country in ((gb_person, "GB"), (kr_person, "KR")):
                    members.append(
                        TeamMember(
                            application=app,
                            person=person,
                            role=MemberRole.LEAD,
                            country=country,
                            organisation=person.organisation,
                        )
                    )
                lines.append(
                    BudgetLine(
                        application=app,
                        country="GB",
                        organisation=gb_person.organisation,
                        category="staff",
                        amount=150000 + 10 * i,
                        currency="GBP",
                    )
                )
                lines.append(
                    BudgetLine(
                        application=app,
                        country="KR",
                        organisation=kr_person.organisation,
                        category="staff",
                        amount=400000000 + 1000 * i,
                        currency="KRW",
                    )
                )
                links += [Through(application_id=app.pk, technologyarea_id=a.pk) for a in areas]
                snaps.append(Snapshot(application=app, version=app.version, data=snapshot.data))
            TeamMember.objects.bulk_create(members)
            BudgetLine.objects.bulk_create(lines)
            Through.objects.bulk_create(links)
            Snapshot.objects.bulk_create(snaps)
            SignOff.objects.bulk_create(
                [
                    SignOff(application_id=m.application_id, member=m, version=template.version)
                    for m in members
                ]
            )
    print(f"{N_APPLICATIONS} applications by the bulk path: {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    ids = list(Application.objects.filter(call=call).values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        store_evaluations(ids[start : start + 500])
    print(
        f"stored eligibility of {len(ids)} applications (service): {time.perf_counter() - t0:.1f} s"
    )

    t0 = time.perf_counter()
    pairs = []
    for i in range(N_PAIRS + 1):  # the last one is profiled in-process, not rushed
        uk = make_researcher(country="GB", org=gb_orgs[i % len(gb_orgs)], name_en=f"Rush UK {i}")
        kr = make_researcher(country="KR", org=kr_orgs[i % len(kr_orgs)], name_en=f"Rush KR {i}")
        app = start_team(call, uk, kr, title=f"Rush project {i}")
        fill_in(app, uk)
        set_budget(app, uk)
        app = sign_both(app, uk, kr)
        pairs.append(
            {
                "reference": app.reference,
                "uk": session_for(uk),
                "kr": session_for(kr),
                "uk_id": uk.pk,
                "kr_id": kr.pk,
            }
        )
    print(f"{N_PAIRS + 1} rush drafts through the services: {time.perf_counter() - t0:.1f} s")

    from accord.accounts.enums import Role

    officer = officer_of("royal-society")
    admin = UserFactory(roles=[(Role.ADMIN, None)])
    state = {
        "call": call.slug,
        "officer": session_for(officer),
        "admin": session_for(admin),
        "busy": session_for(busy),
        "busy_reference": "BENCH-00000",
        "sample_reference": "BENCH-02345",
        "pairs": pairs,
        "areas": [a.pk for a in areas],
    }
    STATE.write_text(json.dumps(state, indent=1))
    print(f"state written to {STATE}")


# --- the server ------------------------------------------------------------------------------------


class Server:
    def __init__(self, workers: int = 4) -> None:
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(
            os.environ,
            **ENV,
            ACCORD_WEB_WORKERS=str(self.workers),
            ACCORD_WEB_BIND=f"127.0.0.1:{PORT}",
        )
        log = open(DATA_DIR / "gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "python:accord.config.gunicorn",
                "--access-logfile",
                "/dev/null",
            ],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        wait_up()

    def wait_quiet(self, timeout: float = 180) -> float:
        """Wait until the workers have finished warming up (each loads the text models in a
        background thread, ~7 CPU-s: see accord.config.gunicorn): until gunicorn uses under 5 %
        of a core for 3 s. Returns the CPU seconds the start-up took."""
        start = last = self.cpu_ms()
        quiet, end = 0, time.time() + timeout
        while quiet < 3 and time.time() < end:
            time.sleep(1)
            now = self.cpu_ms()
            quiet = quiet + 1 if now - last < 50 else 0
            last = now
        return (last - start) / 1000

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def cpu_ms(self) -> float:
        """CPU (user + system) used so far by gunicorn: the master, its live workers and the
        workers it has reaped."""
        assert self.proc is not None
        tick = 1000 / os.sysconf("SC_CLK_TCK")

        def stat(pid: int) -> list[str]:
            try:
                return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return ["0"] * 20

        master = stat(self.proc.pid)
        total = sum(int(master[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        for pid in self.worker_pids():
            total += sum(int(stat(pid)[i]) for i in (11, 12))
        return total * tick

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


def wait_up(timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if requests.get(BASE + "/", headers=PROXY_HEADERS, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start: see " + str(DATA_DIR / "gunicorn.log"))


def session(key: str | None) -> requests.Session:
    """A client that sends this session and the CSRF secret, and keeps no cookie it is sent."""
    s = requests.Session()
    s.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    s.headers["Cookie"] = f"csrftoken={CSRF}" + (f"; sessionid={key}" if key else "")
    s.headers["X-CSRFToken"] = CSRF
    s.headers.update(PROXY_HEADERS)
    return s


def timed(s: requests.Session, method: str, path: str, **kw) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    try:
        r = s.request(method, BASE + path, timeout=120, allow_redirects=False, **kw)
        status = r.status_code
    except requests.RequestException:
        status = 0
    return (time.perf_counter() - t) * 1000, status


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


# --- 1. where the time goes --------------------------------------------------------------------


def _pg_backend_cpu_ms(connection) -> float | None:  # type: ignore[no-untyped-def]
    """CPU time (user + system) the PostgreSQL backend of ``connection`` has used so far, from
    /proc (the server runs on this machine); None when it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def profile_rush_requests(state: dict, cprofile: bool = False, repeat: int = 1) -> None:
    """Section 1: one rush pair's 7 requests in-process (the Django test client, PostgreSQL).

    Per request: wall, Python CPU of this process, CPU of its PostgreSQL backend (from /proc,
    10 ms ticks: read it over several runs), SQL time as Django measures it, the number of
    queries and how many of them repeat an earlier one exactly (N+1s, work done twice). With
    ``cprofile``, each request's cProfile (top functions by own and by cumulative time) and its
    queries are written to DATA_DIR/profile-<n>.txt (the CPU column then includes the profiler).
    """
    import cProfile
    import io
    import pstats
    from collections import Counter

    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accord.accounts.models import User
    from accord.applications.models import Application

    pair = state["pairs"][-1]
    ref = pair["reference"]
    # Production mode sends plain HTTP to HTTPS: the client says, as the proxy would, that it is HTTPS.
    proxied = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
    uk, kr = Client(**proxied), Client(**proxied)
    uk.force_login(User.objects.get(pk=pair["uk_id"]))
    kr.force_login(User.objects.get(pk=pair["kr_id"]))
    # Warm, as a preloaded gunicorn worker is (imports, templates, both catalogues): read-only.
    reset_rush(state, [pair])
    for client, path in (
        (uk, f"/applications/{ref}/edit/"),
        (uk, f"/applications/{ref}/"),
        (kr, f"/applications/{ref}/"),
    ):
        client.get(path)
    print(
        "\n1. Where the time goes in one rush pair (in-process, Django test client, PostgreSQL, "
        f"warm; median of {repeat} run(s), the draft reset before each)"
    )
    print(
        f"{'request':<18} {'status':>6} {'wall ms':>8} {'CPU ms':>7} {'PG CPU':>7} "
        f"{'SQL ms':>7} {'queries':>7} {'repeats':>7}"
    )
    runs: list[list[tuple]] = []
    for r in range(repeat):
        if r:
            reset_rush(state, [pair])
        app = Application.objects.get(reference=ref)
        edit = {
            "version": app.version,
            "title_en": "Profiled edit",
            "summary_en": app.summary_en,
            "title_ko": app.title_ko,
            "summary_ko": app.summary_ko,
            "case_for_support": app.case_for_support,
            "keywords": app.keywords,
            "duration_months": app.duration_months,
            "areas": [a.pk for a in app.areas.all()],
        }
        steps = [
            ("GET edit", uk, "get", f"/applications/{ref}/edit/", None),
            ("POST edit", uk, "post", f"/applications/{ref}/edit/", edit),
            ("GET detail (UK)", uk, "get", f"/applications/{ref}/", None),
            ("POST sign (UK)", uk, "post", f"/applications/{ref}/sign/", "version"),
            ("POST sign (KR)", kr, "post", f"/applications/{ref}/sign/", "version"),
            ("POST submit", uk, "post", f"/applications/{ref}/submit/", {}),
            ("GET detail (KR)", kr, "get", f"/applications/{ref}/", None),
        ]
        rows = []
        for n, (label, client, method, path, data) in enumerate(steps, start=1):
            if data == "version":
                data = {"version": Application.objects.get(reference=ref).version}
            pg0 = _pg_backend_cpu_ms(connection)
            profiler = cProfile.Profile() if cprofile and r == 0 else None
            with CaptureQueriesContext(connection) as ctx:
                c0, t = time.process_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                response = (
                    getattr(client, method)(path, data) if data is not None else client.get(path)
                )
                if profiler is not None:
                    profiler.disable()
                wall = (time.perf_counter() - t) * 1000
                cpu = (time.process_time() - c0) * 1000
            pg1 = _pg_backend_cpu_ms(connection)
            pg = pg1 - pg0 if pg0 is not None and pg1 is not None else float("nan")
            sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            seen = Counter(q["sql"] for q in ctx.captured_queries)
            repeats = sum(k - 1 for k in seen.values())
            queries = len(ctx.captured_queries)
            rows.append((label, response.status_code, wall, cpu, pg, sql, queries, repeats))
            if profiler is not None:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("tottime").print_stats(30)
                stats.sort_stats("cumulative").print_stats(60)
                out.write("\nqueries:\n")
                for q in ctx.captured_queries:
                    out.write(f"{float(q['time']) * 1000:7.2f} ms  {q['sql'][:300]}\n")
                (DATA_DIR / f"profile-{n}.txt").write_text(out.getvalue())
        runs.append(rows)

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    totals = Counter()
    for i, (label, status, *_rest) in enumerate(runs[0]):
        wall, cpu, pg, sql, queries, repeats = (
            median([run[i][k] for run in runs]) for k in range(2, 8)
        )
        totals.update(wall=wall, cpu=cpu, pg=pg, sql=sql, queries=queries, repeats=repeats)
        print(
            f"{label:<18} {status:>6} {wall:>8.1f} {cpu:>7.1f} {pg:>7.0f} "
            f"{sql:>7.1f} {queries:>7} {repeats:>7}"
        )
    print(
        f"{'all 7':<18} {'':>6} {totals['wall']:>8.1f} {totals['cpu']:>7.1f} {totals['pg']:>7.0f} "
        f"{totals['sql']:>7.1f} {totals['queries']:>7} {totals['repeats']:>7}"
    )
    reset_rush(state, [pair])
    if cprofile:
        print(f"cProfile and the queries of each request: {DATA_DIR}/profile-<n>.txt")


def reset_rush(state: dict, pairs: list[dict] | None = None) -> None:
    """Put the rush drafts back as ``setup`` left them, in seconds (not the minutes of ``setup``):
    a draft that both leads signed at its current version, with its original title, no
    snapshot and no stored eligibility. Leaves the 5,000 and the audit log as they are."""
    django_setup()
    from django.db import transaction

    from accord.applications.enums import ApplicationState
    from accord.applications.models import Application, EligibilityEvaluation, SignOff, Snapshot

    titles = {p["reference"]: f"Rush project {n}" for n, p in enumerate(state["pairs"])}
    refs = [p["reference"] for p in (state["pairs"] if pairs is None else pairs)]
    with transaction.atomic():
        apps = list(Application.objects.filter(reference__in=refs).prefetch_related("members"))
        for app in apps:
            app.state = ApplicationState.DRAFT
            app.submitted_at = None
            app.title_en = titles[app.reference]
        Application.objects.bulk_update(apps, ["state", "submitted_at", "title_en"])
        ids = [a.pk for a in apps]
        Snapshot.objects.filter(application_id__in=ids).delete()
        EligibilityEvaluation.objects.filter(application_id__in=ids).delete()
        signed = set(
            SignOff.objects.filter(application_id__in=ids).values_list(
                "application_id", "member_id", "version"
            )
        )
        SignOff.objects.bulk_create(
            [
                SignOff(application_id=a.pk, member_id=m.pk, version=a.version)
                for a in apps
                for m in a.members.all()
                if m.role == "lead" and (a.pk, m.pk, a.version) not in signed
            ]
        )
    if pairs is None:
        print(f"reset {len(apps)} rush drafts (draft, signed by both leads, original title)")


# --- 2. pages ---------------------------------------------------------------------------------------


def pages(state: dict) -> list[tuple[str, str, str]]:
    slug, ref, busy_ref = state["call"], state["sample_reference"], state["busy_reference"]
    return [
        ("officer", "call dashboard", f"/manage/calls/{slug}/"),
        ("officer", "application list", f"/manage/calls/{slug}/applications/"),
        (
            "officer",
            "list, filtered",
            f"/manage/calls/{slug}/applications/?state=eligible&q=project+23",
        ),
        ("officer", "application (officer)", f"/manage/applications/{ref}/"),
        ("officer", "my calls", "/manage/calls/"),
        ("busy", "my applications (50)", "/applications/"),
        ("busy", "application (applicant)", f"/applications/{busy_ref}/"),
        ("public", "home", "/"),
        ("public", "calls", "/calls/"),
        ("public", "call", f"/calls/{slug}/"),
        ("public", "awards", "/awards/"),
        ("public", "programmes", "/programmes/"),
    ]


def measure_pages(state: dict, quick: bool) -> None:
    one, many = (5, 20) if quick else (20, 60)
    print(
        f"\n2. Pages ({N_APPLICATIONS:,}-application call; 1 user: {one} requests one after "
        f"another; 10 users: {many} requests, 10 at a time). Target p95 ≤ 150 ms / ≤ 1 s."
    )
    print(
        f"{'who':<8} {'page':<26} {'1u p50':>7} {'1u p95':>7} {'10u p50':>8} {'10u p95':>8} {'errors':>6}"
    )
    sessions = {"officer": state["officer"], "busy": state["busy"], "public": None}
    for who, label, path in pages(state):
        key = sessions[who]
        s = session(key)
        timed(s, "get", path)  # warm
        solo = [timed(s, "get", path) for _ in range(one)]

        def hit(_: int, key=key, path=path):  # type: ignore[no-untyped-def]
            return timed(session(key), "get", path)

        with ThreadPoolExecutor(10) as pool:
            crowd = list(pool.map(hit, range(many)))
        errors = sum(1 for _ms, st in solo + crowd if st != 200)
        print(
            f"{who:<8} {label:<26} {pct([m for m, _ in solo], 50):>7.0f} {pct([m for m, _ in solo], 95):>7.0f} "
            f"{pct([m for m, _ in crowd], 50):>8.0f} {pct([m for m, _ in crowd], 95):>8.0f} {errors:>6}"
        )
    csv_first_byte(state)


def csv_first_byte(state: dict) -> None:
    s = session(state["officer"])
    path = f"/manage/calls/{state['call']}/applications/?format=csv"
    results = []
    for _ in range(3):
        t = time.perf_counter()
        with s.get(BASE + path, stream=True, timeout=120) as r:
            it = r.iter_content(chunk_size=1)
            next(it)
            first = (time.perf_counter() - t) * 1000
            size = 1 + sum(len(chunk) for chunk in r.iter_content(chunk_size=65536))
            total = (time.perf_counter() - t) * 1000
            results.append((first, total, size, r.status_code))
    for first, total, size, status in results:
        print(
            f"whole-call CSV: status {status}, first byte {first:.0f} ms, whole file {total:.0f} ms, {size:,} bytes"
        )


# --- 3. the rush ---------------------------------------------------------------------------------


def rush(state: dict, server: Server | None = None, concurrency: int = 30) -> None:
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def version_of(html: str) -> int:
        marker = 'name="version" value="'
        i = html.index(marker) + len(marker)
        return int(html[i : html.index('"', i)])

    def one_pair(pair: dict) -> None:
        ref = pair["reference"]
        uk, kr = session(pair["uk"]), session(pair["kr"])
        record = []
        t = time.perf_counter()
        r = uk.get(f"{BASE}/applications/{ref}/edit/", timeout=120)
        record.append(((time.perf_counter() - t) * 1000, r.status_code))
        html = r.text
        form = {
            "version": version_of(html),
            "title_en": f"Rushed title {ref}",
            "summary_en": "We develop ferroelectric memory devices together.",
            "title_ko": "엣지 AI를 위한 강유전 메모리",
            "summary_ko": "강유전 메모리 소자를 공동 개발한다.",
            "case_for_support": "",
            "keywords": "",
            "duration_months": "36",
        }
        body = dict(form, areas=state["areas"])
        record.append(timed(uk, "post", f"/applications/{ref}/edit/", data=body))
        t = time.perf_counter()
        r = uk.get(f"{BASE}/applications/{ref}/", timeout=120)
        record.append(((time.perf_counter() - t) * 1000, r.status_code))
        version = version_of(r.text)
        record.append(timed(uk, "post", f"/applications/{ref}/sign/", data={"version": version}))
        record.append(timed(kr, "post", f"/applications/{ref}/sign/", data={"version": version}))
        record.append(timed(uk, "post", f"/applications/{ref}/submit/", data={}))
        record.append(timed(kr, "get", f"/applications/{ref}/"))
        with lock:
            for ms, st in record:
                latencies.append(ms)
                statuses.append(st)

    pairs = state["pairs"][:N_PAIRS]
    cpu0 = server.cpu_ms() if server is not None else None
    t0, client0 = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one_pair, pairs))
    elapsed, client = time.perf_counter() - t0, time.process_time() - client0
    cpu1 = server.cpu_ms() if server is not None else None
    errors = sum(1 for s in statuses if s >= 400 or s == 0)
    print(f"\n3. Deadline rush: {len(pairs)} pairs × 7 requests, {concurrency} pairs at a time")
    print(
        f"{len(statuses)} requests in {elapsed:.1f} s = {len(statuses) / elapsed:.1f} requests/s; "
        f"p50 {pct(latencies, 50):.0f} ms, p95 {pct(latencies, 95):.0f} ms, max {max(latencies):.0f} ms; "
        f"HTTP errors {errors}"
    )
    if cpu0 is not None and cpu1 is not None:
        print(
            f"gunicorn (master and workers) CPU: {(cpu1 - cpu0) / 1000:.1f} s = "
            f"{(cpu1 - cpu0) / len(statuses):.1f} ms per request (PostgreSQL's not included); "
            f"the bench's own clients, on the same cores: {client * 1000 / len(statuses):.1f} ms"
        )
    django_setup()
    from accord.applications.enums import ApplicationState
    from accord.applications.models import Application, Snapshot

    refs = [p["reference"] for p in pairs]
    apps = Application.objects.filter(reference__in=refs)
    submitted = apps.filter(state=ApplicationState.SUBMITTED).count()
    lost = apps.exclude(title_en__startswith="Rushed title").count()
    snaps = Snapshot.objects.filter(application__reference__in=refs).count()
    dupes = snaps - submitted
    print(
        f"after the rush: submitted {submitted}/{len(refs)}; edits lost {lost}; "
        f"duplicated submissions (snapshots beyond one each) {dupes}"
    )


# --- 4. faults -------------------------------------------------------------------------------------


class Load:
    """Officers and applicants requesting pages in a loop while a fault happens."""

    def __init__(self, state: dict, users: int = 6) -> None:
        self.paths = [(k, p) for k, _l, p in pages(state) if k != "busy"]
        self.keys = {"officer": state["officer"], "public": None}
        self.users = users
        self.stop = threading.Event()
        self.results: list[tuple[float, int, float]] = []
        self.threads = [threading.Thread(target=self.loop, args=(i,)) for i in range(users)]

    def loop(self, i: int) -> None:
        n = i
        while not self.stop.is_set():
            who, path = self.paths[n % len(self.paths)]
            key = self.keys[who]
            ms, status = timed(session(key), "get", path)
            self.results.append((time.time(), status, ms))
            n += 1

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def summary(self) -> str:
        counts: dict[int, int] = {}
        for _t, status, _ms in self.results:
            counts[status] = counts.get(status, 0) + 1
        return ", ".join(f"{'no answer' if k == 0 else k}: {v}" for k, v in sorted(counts.items()))


def outage(seconds: float) -> None:
    name = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
    admin_sql(
        f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
        "AND pid <> pg_backend_pid()",
    )
    time.sleep(seconds)
    admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    if "django" in sys.modules:  # the bench's own connection was cut too
        from django.db import connections

        connections.close_all()


def faults(state: dict, server: Server) -> None:
    print("\n4. Faults (6 users requesting officer and public pages in a loop)")
    with Load(state) as load:
        time.sleep(3)
        victim = server.worker_pids()[0]
        t = time.time()
        os.kill(victim, signal.SIGKILL)
        while victim in server.worker_pids() or len(server.worker_pids()) < server.workers:
            time.sleep(0.05)
        replaced = time.time() - t
        time.sleep(3)
    print(
        f"gunicorn worker killed under load: replaced in {replaced:.2f} s (preloaded); "
        f"answers: {load.summary()}"
    )

    with Load(state) as load:
        time.sleep(2)
        outage(5)
        time.sleep(4)
    print(
        f"database outage of 5 s under load: answers: {load.summary()} "
        "(503 = the 'temporarily unavailable, nothing was lost' page)"
    )

    worker_env = dict(os.environ, **ENV)
    accord = [sys.executable, "-m", "accord"]
    log = open(DATA_DIR / "worker.log", "a")  # noqa: SIM115
    worker = subprocess.Popen(
        [*accord, "db_worker", "--no-startup-delay", "--interval", "0.2"],
        env=worker_env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    django_setup()
    from accord.applications.models import EligibilityRun
    from accord.common.models import RunState

    officer = session(state["officer"])
    dashboard = f"/manage/calls/{state['call']}/"
    try:
        time.sleep(8)
        before = EligibilityRun.objects.count()
        officer.post(BASE + dashboard, timeout=60)  # recompute the call's eligibility
        run = EligibilityRun.objects.order_by("-pk").first()
        assert run is not None and EligibilityRun.objects.count() == before + 1
        t = time.time()
        while EligibilityRun.objects.get(pk=run.pk).done == 0 and time.time() - t < 120:
            time.sleep(0.2)
        run.refresh_from_db()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        print(
            f"db_worker killed inside a run (state {run.state}, {run.done}/{run.total} done) …",
            end=" ",
        )
        time.sleep(STALE_SECONDS + 12)
        html = officer.get(BASE + dashboard, timeout=60).text
        run.refresh_from_db()
        says = "failed:" in html and "stopped working on this run" in html
        print(
            f"after {STALE_SECONDS + 12} s the run is {run.state}; the page says so and offers "
            f"to retry: {says}"
        )
    finally:
        if worker.poll() is None:
            worker.kill()

    worker = subprocess.Popen(
        [*accord, "db_worker", "--no-startup-delay", "--interval", "0.2"],
        env=worker_env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        time.sleep(8)
        outage(5)
        time.sleep(2)
        alive = worker.poll() is None
        officer.post(BASE + dashboard, timeout=60)
        run = EligibilityRun.objects.order_by("-pk").first()
        t = time.time()
        while run.state != RunState.DONE and time.time() - t < 180:
            time.sleep(0.5)
            run.refresh_from_db()
        print(
            f"db_worker through a 5 s database outage: still running {alive}; the next run "
            f"(recompute {run.total} applications) finished: {run.state == RunState.DONE} "
            f"in {(run.finished_at - run.created_at).total_seconds() if run.finished_at else float('nan'):.1f} s"
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def run(quick: bool) -> None:
    state = json.loads(STATE.read_text())
    print(machine())
    print(
        f"command: PYTHONPATH=src {sys.executable} bench/bench_pages.py run{' --quick' if quick else ''}"
    )
    profile_rush_requests(state, repeat=5)
    server = Server(workers=4)
    server.start()
    try:
        print(f"\ngunicorn workers warmed up ({server.wait_quiet():.1f} CPU-s after start)")
        print(
            f"gunicorn -c python:accord.config.gunicorn, 4 workers, port {PORT}, DEBUG off, "
            "ACCORD_TASKS=database"
        )
        measure_pages(state, quick)
        print(machine())
        rush(state, server)
        print(machine())
        faults(state, server)
    finally:
        server.stop()
    print(machine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "what",
        choices=["setup", "run", "pages", "reset", "profile", "rush"],
        help="pages: only section 2 (non-destructive); reset: the rush drafts back to drafts "
        "(seconds, instead of setup again); profile: only section 1 (leaves its draft as it "
        "found it); rush: only section 3 (reset before the next)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests per page")
    parser.add_argument(
        "--cprofile", action="store_true", help="profile: write each request's cProfile"
    )
    parser.add_argument("--repeat", type=int, default=5, help="profile: runs (the median shown)")
    args = parser.parse_args()
    print(machine())
    with SmtpSink() as sink:
        ENV["ACCORD_EMAIL_URL"] = sink.url
        _main(args)
        print(f"mail: {sink.messages} message(s) delivered to the local SMTP sink")


def _main(args: argparse.Namespace) -> None:
    if args.what == "setup":
        t = time.perf_counter()
        setup()
        print(f"setup: {time.perf_counter() - t:.0f} s")
    elif args.what == "pages":
        state = json.loads(STATE.read_text())
        server = Server(workers=4)
        server.start()
        try:
            # As `run` and `rush` do: each new worker loads the text models in a background
            # thread (~7 CPU-s); pages measured during that minute measure the warm-up.
            print(f"gunicorn workers warmed up ({server.wait_quiet():.1f} CPU-s after start)")
            print(machine())
            measure_pages(state, args.quick)
        finally:
            server.stop()
        print(machine())
    elif args.what == "reset":
        reset_rush(json.loads(STATE.read_text()))
    elif args.what == "profile":
        print(f"command: {sys.executable} bench/bench_pages.py profile")
        profile_rush_requests(
            json.loads(STATE.read_text()), cprofile=args.cprofile, repeat=args.repeat
        )
    elif args.what == "rush":
        state = json.loads(STATE.read_text())
        server = Server(workers=4)
        server.start()
        try:
            warm = server.wait_quiet()
            print(f"gunicorn workers warmed up ({warm:.1f} CPU-s after start)")
            print(machine())
            rush(state, server)
        finally:
            server.stop()
        print(machine())
    else:
        run(args.quick)


if __name__ == "__main__":
    main()
