"""Where the time goes in each page of ``bench_pages.py pages``, in-process (one user).

    BENCH_DATABASE_URL=postgres://... BENCH_DATA_DIR=... python bench/profile_pages.py [--queries N] [--repeat R]

For each page: wall ms (best and median of ``--repeat``), the web process's CPU ms (best: Python
and the driver, not PostgreSQL's), SQL ms (wall, as the driver waited), queries; with ``--queries N``
the N slowest queries of the last request, with their SQL. Reads the state that
``bench_pages.py setup`` wrote (the officer's and the busy applicant's sessions).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.bench_pages import ENV, STATE, django_setup, machine, pages  # noqa: E402

# GET pages send no mail; production settings still refuse a backend that delivers nothing.
ENV.setdefault("ACCORD_EMAIL_URL", "smtp://127.0.0.1:9")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="profile only pages whose label contains this")
    parser.add_argument("--explain", type=float, default=0, help="EXPLAIN ANALYZE queries >= ms")
    args = parser.parse_args()
    state = json.loads(STATE.read_text())
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    proxied = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
    clients = {}
    for who in ("officer", "busy", "public"):
        c = Client(**proxied)
        if who != "public":
            c.cookies[settings.SESSION_COOKIE_NAME] = state[who]
        clients[who] = c
    print(machine())
    print(
        f"{'page':<26} {'status':>6} {'best ms':>8} {'med ms':>8} {'CPU ms':>7} {'SQL ms':>7} "
        f"{'queries':>7}"
    )
    for who, label, path in pages(state):
        if args.only and args.only not in label:
            continue
        client = clients[who]
        client.get(path)  # warm
        walls, cpus = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                response = client.get(path)
                walls.append((time.perf_counter() - t) * 1000)
                cpus.append((time.process_time() - c) * 1000)
        sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(
            f"{label:<26} {response.status_code:>6} {min(walls):>8.1f} "
            f"{statistics.median(walls):>8.1f} {min(cpus):>7.1f} {sql:>7.1f} "
            f"{len(ctx.captured_queries):>7}"
        )
        if args.queries:
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[: args.queries]
            for q in slow:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
        if args.explain:
            for q in ctx.captured_queries:
                if float(q["time"]) * 1000 >= args.explain:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        plan = "\n      ".join(row[0] for row in cursor.fetchall())
                    print(f"    --- {q['sql']}\n      {plan}")
    print(machine())


if __name__ == "__main__":
    main()
