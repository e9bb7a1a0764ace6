"""Full-text search over 10,000 stored assessments, against a bare full-text query on the same database.

    .venv/bin/python -m benchmarks.bench_search [--n 10000] [--repeat 30] [--postgres URL | --no-postgres]

For each backend it stores ``n`` fully answered assessments through the store (``bench_store.populate``: the
same rows, search index included, as a save in the app), then times a set of searches an officer would type,
each as

* store: :meth:`Store.list` with ``text`` (one page of 20 with the total count, newest first) followed by
  :meth:`Store.search_hits` for the snippets of that page: what the overview and ``ipcei db list --text`` do;
* bare: the database queries that answer the same question, as plain SQL on a raw connection: the first page of
  20 with the total, newest first, the words matched against the one ``search_docs`` row of each assessment
  (SQLite: one FTS5 ``MATCH`` with ``AND`` per index; PostgreSQL: ``LIKE`` on the ``pg_trgm`` index and
  ``tsvector``), then the text of the parts of that page that hold a word: what the database must do whoever
  asks; the ratio is what our code adds (SQLAlchemy, the summaries, cutting the snippets).

The two are run in turn, one of each per round, so that a burst of load on a shared machine falls on both alike.
It prints the median and p95 of each, their ratio (goal: at most 1.5) and the store's p95 (goal: under 100 ms).
PostgreSQL is analysed after the bulk load (what autovacuum soon does): its planner needs the statistics.
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

from sqlalchemy import text

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


def _paired(ours: Callable[[], object], base: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall times of both, run in turn (one of each per round), so that a burst of load on the machine falls
    on both alike."""
    ours(), base()  # warm-up
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, kept in ((ours, times[0]), (base, times[1])):
            started = time.perf_counter()
            function()
            kept.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


_COLUMNS = (
    "a.id, a.revision, a.framework_key, a.status, a.title, a.ipcei, a.ecosystem, a.phase, a.advice, a.author, "
    "a.year, a.created_at, a.created_by, a.updated_at, a.updated_by, a.archived, a.content_hash, p.total"
)
_ORDER = "ORDER BY {t}.updated_at DESC, {t}.id DESC"
# The matches drive the query (SQLite: CROSS JOIN fixes the order of the loops; PostgreSQL: a materialised CTE);
# they are counted and ordered on id and sort key, and only the page's 20 rows are read whole.
_PAGE_SQLITE = (
    f"SELECT {_COLUMNS} FROM (SELECT i.id, count(*) OVER () AS total FROM search_docs d CROSS JOIN assessments i "
    f"ON i.id = d.assessment_id WHERE {{match}} AND i.archived = 0 {_ORDER.format(t='i')} LIMIT 20) p "
    f"JOIN assessments a ON a.id = p.id {_ORDER.format(t='a')}"
)
_PAGE_POSTGRES = (
    "WITH m AS MATERIALIZED (SELECT d.assessment_id FROM search_docs d WHERE {match}) "
    f"SELECT {_COLUMNS} FROM (SELECT i.id, count(*) OVER () AS total FROM assessments i WHERE i.archived = false "
    f"AND i.id IN (SELECT assessment_id FROM m) {_ORDER.format(t='i')} LIMIT 20) p "
    f"JOIN assessments a ON a.id = p.id {_ORDER.format(t='a')}"
)

_SNIPPET_PARTS = (
    "SELECT p.assessment_id, p.part, p.body FROM search_parts p JOIN (SELECT id, row_number() OVER "
    "(PARTITION BY assessment_id ORDER BY id) AS rank FROM search_parts WHERE assessment_id IN ({ids}) AND ({has})) m "
    "ON m.id = p.id WHERE m.rank <= 3 ORDER BY p.assessment_id, p.id"
)


def _bare(store: Store) -> Callable[[str], int]:
    """The bare database queries that answer the same question: the first page of 20 with the total (one
    statement), then the parts of that page that hold a word (the text the snippets are cut from)."""
    raw = store.engine.raw_connection()
    sqlite = store.backend == "sqlite"

    def run(query: str) -> int:
        words = terms(query)
        inside = [w for w in words if len(w) >= SUBSTRING_FROM]
        whole = [w for w in words if len(w) < SUBSTRING_FROM]
        tests, params = [], []
        if sqlite:
            for table, chosen in (("search_docs_trigrams", inside), ("search_docs_words", whole)):
                if chosen:
                    tests.append(f"d.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
                    params.append(" AND ".join(f'"{w}"' for w in chosen))
        else:
            for word in inside:
                tests.append("d.words LIKE %s")
                params.append(f"%{word}%")
            if whole:
                tests.append("to_tsvector('simple', d.words) @@ to_tsquery('simple', %s)")
                params.append(" & ".join(f"'{w}'" for w in whole))
        sql = (_PAGE_SQLITE if sqlite else _PAGE_POSTGRES).format(match=" AND ".join(tests))
        cursor = raw.cursor()
        if not sqlite:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the indexes, as the store takes them
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if rows:  # the text of the parts that matched, at most three per assessment of the page: the snippets
            mark = "?" if sqlite else "%s"
            position = "instr" if sqlite else "strpos"
            has = [
                f"{position}(folded, {mark}) > 0"
                if len(w) >= SUBSTRING_FROM
                else f"{position}(' ' || folded || ' ', {mark}) > 0"
                for w in words
            ]
            ids = ", ".join([mark] * len(rows))
            cursor.execute(
                _SNIPPET_PARTS.format(ids=ids, has=" OR ".join(has)),
                [row[0] for row in rows] + [w if len(w) >= SUBSTRING_FROM else f" {w} " for w in words],
            )
            cursor.fetchall()
        cursor.close()
        raw.commit()
        return rows[0][-1] if rows else 0

    return run


def bench(store: Store, repeat: int) -> list[tuple[str, int, list[float], list[float]]]:
    bare = _bare(store)
    results = []
    for query in QUERIES:

        def through_store(query: str = query) -> None:
            page = store.list(ListQuery(text=query, limit=20))
            store.search_hits([s.id for s in page.items], query)

        found = store.list(ListQuery(text=query, limit=1)).total
        assert found == bare(query), query  # the same answer both ways
        results.append((query, found, *_paired(through_store, lambda q=query: bare(q), repeat)))
    return results


def report(name: str, n: int, results: list) -> int:
    print(f"\n{name}: search over {n:,} assessments (ms; store = list page + snippets; bare = the same in plain SQL)")
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
            with store.engine.begin() as conn:  # what autovacuum does soon after a bulk load: plans need statistics
                conn.execute(text("ANALYZE"))
            failed |= report("postgresql", args.n, bench(store, args.repeat))
            store.close()
        finally:
            drop()
    return failed


if __name__ == "__main__":
    sys.exit(main())
