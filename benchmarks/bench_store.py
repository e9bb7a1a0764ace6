"""How fast the store is with 10,000 assessments, against plain SQL on the same database in the same run.

    .venv/bin/python -m benchmarks.bench_store [--n 10000] [--repeat 40] [--postgres URL | --no-postgres]

For each backend it stores ``n`` generated assessments through the store's own code path
(:meth:`Store.create_many`: the same checks and rows as :meth:`Store.create`, a thousand per transaction),
then times, as the median of ``repeat`` runs:

* list: one page of 50 with a filter (ecosystem), newest first, with the total count;
* open: one assessment with its document;
* save: one new revision (with the audit entry), ``synchronous=FULL`` on SQLite;

each through the store and as the equivalent plain SQL on a raw connection of the same engine, and the
database size per assessment. PostgreSQL runs when ``--postgres`` or ``IPCEI_TEST_POSTGRES_URL`` gives a
server; it works in a schema of its own that it drops afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from framework.assessment import Assessment
from framework.loading import default_framework
from framework.models import FieldType, Framework
from framework.store import ListQuery, Store, open_store
from framework.store.chain import audit_hash, canonical, revision_hash, sha256_text
from framework.store.rows import columns_from_data

WORDS = (
    "de het een van en in is dat op te voor met niet zijn als door bij ook aan om waterstof elektrolyse "
    "halfgeleiders keten innovatie staatssteun markt falen publiek belang Europese samenwerking lidstaten "
    "investering onderzoek opschaling productie netwerk infrastructuur bedrijven kennisinstellingen risico "
    "financieringstekort eerste industriële toepassing strategische autonomie"
).split()


def _text(rng: random.Random, low: int, high: int, limit: int, vocabulary: Sequence[str] = WORDS) -> str:
    words = [rng.choice(vocabulary) for _ in range(rng.randint(low, high))]
    return (" ".join(words).capitalize() + ".")[:limit]


def _answers(framework: Framework, rng: random.Random, vocabulary: Sequence[str] = WORDS) -> dict:
    answers: dict[str, dict] = {}
    for question in framework.questions():
        values: dict = {}
        for field in question.fields:
            ids = [o.id for o in field.options]
            match field.type:
                case FieldType.TEXT:
                    values[field.id] = _text(rng, 30, 120, field.max_length, vocabulary)
                case FieldType.CHOICE | FieldType.SCALE:
                    values[field.id] = rng.choice(ids)
                case FieldType.MULTICHOICE:
                    values[field.id] = rng.sample(ids, rng.randint(1, min(3, len(ids))))
                case FieldType.LIST:
                    values[field.id] = [_text(rng, 3, 10, 1000, vocabulary) for _ in range(rng.randint(1, 4))]
                case FieldType.SOURCES:
                    values[field.id] = [
                        {
                            "title": _text(rng, 4, 10, 500, vocabulary),
                            "reference": "Kamerstuk 29 826, nr. 147",
                            "date": "2022-07",
                        }
                    ]
                case FieldType.AMOUNT:
                    values[field.id] = rng.randint(1, 500) * 1_000_000
        answers[question.id] = values
    return answers


def assessments(
    framework: Framework, n: int, seed: int = 1, vocabulary: Callable[[random.Random], Sequence[str]] | None = None
) -> Iterator[Assessment]:
    """``n`` different, valid, fully answered assessments (words drawn from ``vocabulary(rng)`` when given)."""
    rng = random.Random(seed)
    ecosystems = [e.id for e in framework.ecosystems]
    phases = [p.id for p in framework.phases]
    statuses = ["concept", "ter_review", "teruggestuurd"]  # vastgesteld comes only from a sign-off (gates)
    authors = [f"Beleidsmedewerker {i}" for i in range(40)]
    for i in range(n):
        words = vocabulary(rng) if vocabulary is not None else WORDS
        yield Assessment.model_validate(
            {
                "framework": {"id": framework.id, "version": framework.version},
                "meta": {
                    "title": f"IPCEI-afweging {i}: {_text(rng, 2, 6, 150, words)}",
                    "ipcei": rng.choice(["Hy2Infra", "IPCEI ME/CT", "IPCEI-CIS", "Hy2Move", "IPCEI Batteries"]),
                    "ecosystem": rng.choice(ecosystems),
                    "phase": rng.choice(phases),
                    "author": rng.choice(authors),
                    "created": (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))).isoformat(),
                    "status": rng.choice(statuses),
                    "member_states": ["nl", "de", "fr"][: rng.randint(1, 3)],
                },
                "answers": _answers(framework, rng, words),
            }
        )


def populate(
    store: Store,
    framework: Framework,
    n: int,
    batch: int = 1000,
    vocabulary: Callable[[random.Random], Sequence[str]] | None = None,
) -> float:
    started = time.perf_counter()
    items = assessments(framework, n, vocabulary=vocabulary)
    while chunk := [a for _, a in zip(range(batch), items, strict=False)]:
        store.create_many(chunk, "benchmark")
    return time.perf_counter() - started


def median_ms(function: Callable[[], object], repeat: int, prepare: Callable[[], object] | None = None) -> float:
    """Median wall time in milliseconds; ``prepare`` runs untimed before each run."""
    times = []
    if prepare is None:
        function()  # warm-up (caches, prepared statements) for work that can be repeated as is
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class PlainSQL:
    """The same work as the store, as hand-written SQL on a raw DB-API connection of the store's engine."""

    def __init__(self, store: Store):
        self.store = store
        self.raw = store.engine.raw_connection()
        self.sqlite = store.backend == "sqlite"
        self.p = "?" if self.sqlite else "%s"
        self.pending: tuple | None = None

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.p)

    def _run(self, statement: str, params: tuple = ()) -> list:
        cursor = self.raw.cursor()
        cursor.execute(self._sql(statement), params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return rows

    def _begin(self, write: bool) -> None:
        if self.sqlite:
            self._run("BEGIN IMMEDIATE" if write else "BEGIN")

    def list_page(self, ecosystem: str) -> list:
        self._begin(False)
        false = "0" if self.sqlite else "false"
        where = f"archived = {false} AND ecosystem = ?"
        self._run(f"SELECT count(*) FROM assessments WHERE {where}", (ecosystem,))
        rows = self._run(
            "SELECT id, revision, framework_key, status, title, ipcei, ecosystem, phase, advice, author, year, "
            f"created_at, created_by, updated_at, updated_by, archived, content_hash FROM assessments WHERE {where} "
            "ORDER BY updated_at DESC, id DESC LIMIT 50 OFFSET 0",
            (ecosystem,),
        )
        self.raw.commit() if not self.sqlite else self._run("COMMIT")
        return rows

    def open_one(self, aid: str) -> list:
        self._begin(False)
        rows = self._run(
            "SELECT a.*, r.document FROM assessments a JOIN revisions r "
            "ON r.assessment_id = a.id AND r.number = a.revision WHERE a.id = ?",
            (aid,),
        )
        self.raw.commit() if not self.sqlite else self._run("COMMIT")
        return rows

    def prepare_save(self, aid: str, assessment: Assessment) -> None:
        """Everything a save computes in Python, done before the clock starts: only the SQL is timed."""
        head = self._run("SELECT revision, framework_sha256 FROM assessments WHERE id = ?", (aid,))[0]
        if not self.sqlite:
            self.raw.commit()
        based_on, sha = head
        previous = self._run("SELECT hash FROM revisions WHERE assessment_id = ? AND number = ?", (aid, based_on))[0][0]
        audit_previous = self._run("SELECT seq, hash FROM audit_head WHERE id = 1")[0]
        if not self.sqlite:
            self.raw.commit()
        data = assessment.model_dump(mode="json")
        document = canonical(data)
        content = sha256_text(document)
        columns = columns_from_data(data)
        now = datetime.now(UTC)
        digest = revision_hash(
            assessment_id=aid,
            number=based_on + 1,
            saved_at=now,
            saved_by="plain",
            kind="saved",
            status=columns["status"],
            framework_sha256=sha,
            content_hash=content,
            previous_hash=previous,
        )
        detail = canonical({"content_hash": content, "hash": digest, "status": columns["status"]})
        seq = audit_previous[0] + 1
        entry = audit_hash(
            seq=seq,
            acted_at=now,
            acted_by="plain",
            action="saved",
            assessment_id=aid,
            revision=based_on + 1,
            detail=detail,
            previous_hash=audit_previous[1],
        )
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else now  # as SQLAlchemy stores it
        self.pending = (aid, based_on, sha, document, content, columns, stamp, digest, previous, detail, seq, entry)
        self.pending_audit_previous = audit_previous[1]

    def save_one(self) -> None:
        assert self.pending is not None
        aid, based_on, sha, document, content, c, stamp, digest, previous, detail, seq, entry = self.pending
        self._begin(True)
        cursor = self.raw.cursor()
        cursor.execute(
            self._sql(
                "UPDATE assessments SET revision = ?, content_hash = ?, updated_at = ?, updated_by = ?, status = ?, "
                "title = ?, ipcei = ?, ecosystem = ?, phase = ?, advice = ?, author = ?, year = ?, search = ? "
                "WHERE id = ? AND revision = ? AND archived = " + ("0" if self.sqlite else "false")
            ),
            (based_on + 1, content, stamp, "plain", c["status"], c["title"], c["ipcei"], c["ecosystem"],
             c["phase"], c["advice"], c["author"], c["year"], c["search"], aid, based_on),
        )  # fmt: skip
        assert cursor.rowcount == 1
        cursor.execute(
            self._sql("SELECT hash, status FROM revisions WHERE assessment_id = ? AND number = ?"), (aid, based_on)
        )
        cursor.fetchall()
        cursor.execute(
            self._sql(
                "INSERT INTO revisions (assessment_id, number, saved_at, saved_by, kind, status, framework_sha256, "
                "document, content_hash, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (aid, based_on + 1, stamp, "plain", "saved", c["status"], sha, document, content, previous, digest),
        )
        lock = "" if self.sqlite else " FOR UPDATE"
        cursor.execute(self._sql(f"SELECT seq, hash FROM audit_head WHERE id = 1{lock}"))
        cursor.fetchall()
        cursor.execute(
            self._sql(
                "INSERT INTO audit_log (seq, acted_at, acted_by, action, assessment_id, revision, detail, "
                "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (seq, stamp, "plain", "saved", aid, based_on + 1, detail, self.pending_audit_previous, entry),
        )
        cursor.execute(self._sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"), (seq, entry))
        cursor.close()
        if self.sqlite:
            self._run("COMMIT")
        else:
            self.raw.commit()

    def close(self) -> None:
        self.raw.close()


def database_bytes(store: Store) -> int:
    with store.engine.connect() as conn:
        if store.backend == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return Path(store.engine.url.database).stat().st_size
        names = ["frameworks", "assessments", "revisions", "audit_log", "audit_head", "imports", "schema_migrations"]
        return sum(
            conn.execute(text("SELECT pg_total_relation_size(CAST(:t AS regclass))"), {"t": name}).scalar_one()
            for name in names
        )


def bench(store: Store, n: int, repeat: int) -> dict:
    framework = default_framework()
    load_s = populate(store, framework, n)
    plain = PlainSQL(store)
    summary = store.list(ListQuery(limit=1)).items[0]
    ecosystem = summary.ecosystem
    mine_id, plain_id = store.list(ListQuery(limit=2, sort="created")).items[0].id, summary.id
    if mine_id == plain_id:  # pragma: no cover
        mine_id = store.list(ListQuery(limit=2, offset=1)).items[0].id
    base = store.get(mine_id)
    counter = iter(range(10**9))
    state = {"revision": base.revision, "next": base.assessment}

    def store_prepare() -> None:
        answers = {**base.assessment.answers, "q1": {"answer": f"edit {next(counter)}"}}
        state["next"] = base.assessment.model_copy(update={"answers": answers})

    def store_save() -> None:
        state["revision"] = store.save(mine_id, state["next"], "benchmark", based_on=state["revision"]).revision

    plain_base = store.get(plain_id).assessment

    def plain_prepare() -> None:
        answers = {**plain_base.answers, "q1": {"answer": f"plain edit {next(counter)}"}}
        plain.prepare_save(plain_id, plain_base.model_copy(update={"answers": answers}))

    query = ListQuery(ecosystem=ecosystem, limit=50)
    results = {
        "load_s": load_s,
        "list": (median_ms(lambda: store.list(query), repeat), median_ms(lambda: plain.list_page(ecosystem), repeat)),
        "open": (median_ms(lambda: store.get(plain_id), repeat), median_ms(lambda: plain.open_one(plain_id), repeat)),
        "save": (median_ms(store_save, repeat, store_prepare), median_ms(plain.save_one, repeat, plain_prepare)),
        "matched": store.list(query).total,
    }
    plain.close()
    results["bytes_per_assessment"] = database_bytes(store) / n
    results["intact"] = store.verify() == []
    return results


def _pg_schema_url(base: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}", drop


def report(name: str, n: int, r: dict) -> list[str]:
    def cell(key: str) -> str:
        mine, plain = r[key]
        return f"{mine:7.2f} ms / {plain:6.2f} ms = {mine / plain:5.1f}x"

    return [
        f"| {name:<10} | {n:>6} | {cell('list')} | {cell('open')} | {cell('save')} | "
        f"{r['bytes_per_assessment'] / 1024:6.1f} KiB | {r['load_s']:6.1f} s | {'yes' if r['intact'] else 'NO'} |"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="assessments to store (default 10000)")
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per measurement (median)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("IPCEI_TEST_POSTGRES_URL"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)

    lines = [
        "| backend    |      n | list 50, filtered: store / SQL = ratio | open one: store / SQL = ratio       "
        "| save one: store / SQL = ratio       | size/assessment | load | verify |",
        "|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="ipcei-bench-") as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        lines += report("SQLite", args.n, bench(store, args.n, args.repeat))
        store.close()
    if args.postgres and not args.no_postgres:
        url, drop = _pg_schema_url(args.postgres)
        try:
            store = open_store(url)
            lines += report("PostgreSQL", args.n, bench(store, args.n, args.repeat))
            store.close()
        finally:
            drop()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
