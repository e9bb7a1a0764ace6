"""Full-text search over 10,000 stored assessments, against a bare full-text query on the same database.

    .venv/bin/python -m benchmarks.bench_search [--n 10000] [--repeat 30] [--postgres URL | --no-postgres]

For each backend it stores ``n`` fully answered assessments through the store (``bench_store.populate``: the
same rows, search index included, as a save in the app), then times a set of searches an officer would type,
each as

* store: :meth:`Store.list` with ``text`` (one page of 20 with the total count, newest first) followed by
  :meth:`Store.search_hits` for the snippets of that page: what the overview and ``ipcei db list --text`` do;
* bare: the same word conditions as plain SQL on a raw connection (SQLite FTS5 ``MATCH`` / PostgreSQL
  ``tsvector`` and ``pg_trgm``), returning the matching ids: the least any full-text search must do.

It prints the median and p95 of each, their ratio (goal: at most 1.5) and the store's p95 (goal: under 100 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_store import _pg_schema_url, populate
from framework.loading import default_framework
from framework.search import terms
from framework.store import ListQuery, Store, open_store
from framework.store.fulltext import SUBSTRING_FROM

QUERIES = (
    "waterstof",
    "technologieen",
    "elektrolyse pijpleidingen",
    "staatssteun financieringstekort",
    "batterijen recycling",
    "dossier01234",
    "co2",
    "eu",
)
GOAL_RATIO, GOAL_P95_MS = 1.5, 100.0
COMMON = (
    "de het een van en in is dat op te voor met niet zijn als door bij ook aan om deze wordt worden kan "
    "moet heeft hebben meer nog maar over naar zoals tussen binnen Nederland Europa Europese lidstaten "
    "bedrijven overheid markt beleid project projecten investering innovatie onderzoek kosten jaar"
).split()
TOPICS = (
    "waterstof elektrolyse elektrolysers pijpleidingen ammoniak brandstofcellen Hy2Infra Hy2Use Hy2Move groen",
    "halfgeleiders chips micro-elektronica fotonica wafers lithografie communicatietechnologieën ME/CT",
    "cloud edge dataverwerking soevereiniteit datacenters software interoperabiliteit IPCEI-CIS",
    "batterijen accu's grondstoffen lithium recycling kathodes elektrische mobiliteit",
    "geneesmiddelen gezondheid biotechnologie Med4Cure productieketen antibiotica",
    "staal decarbonisatie CO2 afvang industriële warmte elektrificatie",
    "staatssteun financieringstekort funding gap marktfalen publiek belang strategische autonomie",
)


def vocabulary(rng: random.Random) -> list[str]:
    """Words for one assessment: common Dutch, its IPCEI's own terms, a few words found in it alone."""
    topic = rng.choice(TOPICS).split()
    rare = [f"dossier{rng.randint(0, 99_999):05d}" for _ in range(3)]
    return COMMON * 3 + topic * 2 + rng.sample(TOPICS[-1].split(), 3) + rare


def _times(function: Callable[[], object], repeat: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def _bare(store: Store) -> Callable[[str], list]:
    raw = store.engine.raw_connection()
    sqlite = store.backend == "sqlite"

    def run(query: str) -> list:
        words = terms(query)
        parts, params = [], []
        for word in words:
            if sqlite:
                table = "search_trigram" if len(word) >= SUBSTRING_FROM else "search_fts"
                parts.append(
                    f"SELECT DISTINCT p.assessment_id FROM search_parts p WHERE p.id IN "
                    f"(SELECT rowid FROM {table} WHERE {table} MATCH ?)"
                )
                params.append(f'"{word}"')
            elif len(word) >= SUBSTRING_FROM:
                parts.append("SELECT DISTINCT assessment_id FROM search_parts WHERE folded LIKE %s")
                params.append(f"%{word}%")
            else:
                parts.append(
                    "SELECT DISTINCT assessment_id FROM search_parts "
                    "WHERE to_tsvector('simple', folded) @@ to_tsquery('simple', %s)"
                )
                params.append(f"'{word}'")
        cursor = raw.cursor()
        cursor.execute(" INTERSECT ".join(parts), params)
        rows = cursor.fetchall()
        cursor.close()
        raw.commit()
        return rows

    return run


def bench(store: Store, repeat: int) -> list[tuple[str, int, list[float], list[float]]]:
    bare = _bare(store)
    results = []
    for query in QUERIES:

        def through_store(query: str = query) -> None:
            page = store.list(ListQuery(text=query, limit=20))
            store.search_hits([s.id for s in page.items], query)

        found = store.list(ListQuery(text=query, limit=1)).total
        assert found == len(bare(query)), query  # the same answer both ways
        results.append((query, found, _times(through_store, repeat), _times(lambda q=query: bare(q), repeat)))
    return results


def report(name: str, n: int, results: list) -> int:
    print(f"\n{name}: search over {n:,} assessments (ms; store = list page + snippets; bare = FTS ids only)")
    print(f"{'query':<38} {'found':>6} {'store med':>9} {'p95':>7} {'bare med':>9} {'p95':>7} {'ratio':>6}")
    worst_ratio, worst_p95 = 0.0, 0.0
    for query, found, ours, base in results:
        ratio = statistics.median(ours) / statistics.median(base)
        worst_ratio, worst_p95 = max(worst_ratio, ratio), max(worst_p95, _p95(ours))
        print(
            f"{query:<38} {found:>6} {statistics.median(ours):>9.1f} {_p95(ours):>7.1f} "
            f"{statistics.median(base):>9.1f} {_p95(base):>7.1f} {ratio:>6.2f}"
        )
    print(
        f"worst ratio {worst_ratio:.2f} (goal <= {GOAL_RATIO}); "
        f"worst store p95 {worst_p95:.1f} ms (goal < {GOAL_P95_MS})"
    )
    return 0 if worst_ratio <= GOAL_RATIO and worst_p95 < GOAL_P95_MS else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("IPCEI_TEST_POSTGRES_URL"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    framework = default_framework()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'search.db'}")
        seconds = populate(store, framework, args.n, vocabulary=vocabulary)
        print(f"sqlite: stored {args.n:,} in {seconds:.0f} s")
        failed |= report("sqlite", args.n, bench(store, args.repeat))
        store.close()
    if args.postgres and not args.no_postgres:
        url, drop = _pg_schema_url(args.postgres)
        try:
            store = open_store(url)
            seconds = populate(store, framework, args.n, vocabulary=vocabulary)
            print(f"postgresql: stored {args.n:,} in {seconds:.0f} s")
            failed |= report("postgresql", args.n, bench(store, args.repeat))
            store.close()
        finally:
            drop()
    return failed


if __name__ == "__main__":
    sys.exit(main())
