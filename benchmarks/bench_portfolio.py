"""How fast the portfolio is over 10,000 stored assessments, against a bare SQL aggregate on the same database.

    .venv/bin/python -m benchmarks.bench_portfolio [--n 10000] [--ipceis 400] [--repeat 30] [--page-repeat 5]
                                                   [--postgres URL | --no-postgres] [--no-page]

For each backend it stores ``n`` generated assessments through the store's own code path
(:meth:`Store.create_many`, a thousand per transaction) spread over ``ipceis`` IPCEIs, every ecosystem and phase,
the years 2020-2026, the advice options and national budgets; one in five gets a sign-off row. Then it times,
as median and 95th percentile of ``repeat`` wall-clock runs:

* ``SQL``: the bare aggregate, hand-written on a raw connection of the same engine: per ecosystem, phase and
  advice the distinct IPCEIs and the sums of the two amounts (the baseline);
* ``data``: :func:`framework.portfolio.build`, everything the page reads (cells, one row per IPCEI, timeline);
* ``csv cells`` / ``csv ipceis``: the build of that one table and its CSV bytes (what a download costs);
* ``page``: a rerun of ``views/portfolio.py`` in Streamlit's AppTest (SQLite only; AppTest's overhead
  included), of ``page-repeat`` runs: ``page cold`` with the page's cache emptied first (every aggregate read
  again, as after a save), ``page rerun`` with nothing changed (the fingerprint query, then the drawing);

each as a ratio to ``SQL``. PostgreSQL runs when ``--postgres`` or ``IPCEI_TEST_POSTGRES_URL`` gives a server,
in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from benchmarks.bench_store import _pg_schema_url
from framework.assessment import Assessment
from framework.loading import default_framework
from framework.portfolio import build, parse_filter
from framework.portfolio.export import to_csv_bytes
from framework.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "views" / "portfolio.py"
BARE_SQL = (
    "SELECT ecosystem, phase, advice, count(DISTINCT ipcei), sum(national_budget_eur), sum(aid_requested_eur) "
    "FROM assessments WHERE archived = {false} GROUP BY ecosystem, phase, advice"
)


def assessments(n: int, ipceis: int, seed: int = 7) -> Iterator[Assessment]:
    framework = default_framework()
    rng = random.Random(seed)
    ecosystems = [e.id for e in framework.ecosystems]
    phases = [p.id for p in framework.phases]
    advice = ["deelnemen", "deelnemen_onder_voorwaarden", "niet_deelnemen", None]
    for i in range(n):
        chosen = rng.choice(advice)
        q14 = {"answer": "Conclusie."} | ({"advice": chosen} if chosen else {})
        yield Assessment.model_validate(
            {
                "framework": {"id": framework.id, "version": framework.version},
                "meta": {
                    "title": f"Beoordeling {i}",
                    "ipcei": f"IPCEI {rng.randrange(ipceis):04d}",
                    "ecosystem": rng.choice(ecosystems),
                    "phase": rng.choice(phases),
                    "author": f"Beleidsmedewerker {rng.randrange(40)}",
                    "created": (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2500))).isoformat(),
                    "national_budget_eur": rng.choice([None, rng.randint(1, 900) * 1_000_000]),
                },
                "answers": {"q1": {"answer": f"Aanleiding {i}."}, "q14": q14},
            }
        )


def populate(store: Store, n: int, ipceis: int) -> float:
    started = time.perf_counter()
    items = assessments(n, ipceis)
    while chunk := [a for _, a in zip(range(1000), items, strict=False)]:
        store.create_many(chunk, "benchmark")
    with store.engine.begin() as conn:  # sign-off rows for the timeline (rows only: no workflow needed here)
        rows = conn.execute(text("SELECT id, revision, content_hash FROM assessments")).all()
        signed = [r for i, r in enumerate(rows) if i % 5 == 0]
        moment = datetime(2025, 6, 1, tzinfo=UTC)
        stamp = moment.replace(tzinfo=None) if store.backend == "sqlite" else moment
        conn.execute(
            text(
                "INSERT INTO signoffs (assessment_id, revision, content_hash, approved_by, role, approved_at) "
                "VALUES (:id, :revision, :hash, 'C. Bakker', 'approver', :at)"
            ),
            [{"id": r.id, "revision": r.revision, "hash": r.content_hash, "at": stamp} for r in signed],
        )
    return time.perf_counter() - started


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile wall time in milliseconds, after one warm-up run."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def bench(store: Store, n: int, ipceis: int, repeat: int, page_repeat: int) -> dict:
    load_s = populate(store, n, ipceis)
    raw = store.engine.raw_connection()
    sql = BARE_SQL.format(false="0" if store.backend == "sqlite" else "false")

    def bare() -> list:
        cursor = raw.cursor()
        cursor.execute(sql)
        rows = cursor.fetchall()
        cursor.close()
        raw.commit()
        return rows

    chosen = parse_filter()
    query = chosen.list_query()
    portfolio = build(store, chosen, query)
    results = {
        "load_s": load_s,
        "ipceis": portfolio.total.ipceis,
        "timeline": len(portfolio.timeline),
        "SQL": timed(bare, repeat),
        "data": timed(lambda: build(store, chosen, query), repeat),
        "csv cells": timed(lambda: to_csv_bytes(build(store, chosen, query, parts=("cells",)), "nl", "cells"), repeat),
        "csv ipceis": timed(
            lambda: to_csv_bytes(build(store, chosen, query, parts=("ipceis",)), "nl", "ipceis"), repeat
        ),
    }
    raw.close()
    if page_repeat and store.backend == "sqlite":
        results.update(page_rerun(store, page_repeat))
    return results


def page_rerun(store: Store, repeat: int) -> dict[str, tuple[float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["IPCEI_DATABASE_URL"] = store.engine.url.render_as_string(hide_password=False)
    sys.path.insert(0, str(ROOT))
    at = AppTest.from_file(str(PAGE), default_timeout=300)
    at.run()
    assert not at.exception, at.exception

    def rerun() -> None:
        at.run()

    def cold() -> None:
        st.cache_data.clear()
        at.run()

    return {"page cold": timed(cold, repeat), "page rerun": timed(rerun, repeat)}


def report(name: str, n: int, r: dict) -> list[str]:
    base = r["SQL"][0]
    lines = [
        f"{name}: {n} assessments, {r['ipceis']} IPCEIs, {r['timeline']} timeline rows, stored in {r['load_s']:.0f} s",
        "| measure | median ms | p95 ms | median / SQL |",
        "|---|---|---|---|",
    ]
    for key in ("SQL", "data", "csv cells", "csv ipceis", "page cold", "page rerun"):
        if key in r:
            median, p95 = r[key]
            lines.append(f"| {key} | {median:.1f} | {p95:.1f} | {median / base:.1f}x |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_portfolio", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="assessments to store (default 10000)")
    parser.add_argument("--ipceis", type=int, default=400, help="how many IPCEIs they belong to (default 400)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--page-repeat", type=int, default=5, help="timed reruns of the page")
    parser.add_argument("--no-page", action="store_true", help="leave out the page rerun")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("IPCEI_TEST_POSTGRES_URL"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    page_repeat = 0 if args.no_page else args.page_repeat
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ipcei-bench-") as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        lines += report("SQLite", args.n, bench(store, args.n, args.ipceis, args.repeat, page_repeat))
        store.close()
    if args.postgres and not args.no_postgres:
        url, drop = _pg_schema_url(args.postgres)
        try:
            store = open_store(url)
            lines += ["", *report("PostgreSQL", args.n, bench(store, args.n, args.ipceis, args.repeat, 0))]
            store.close()
        finally:
            drop()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
