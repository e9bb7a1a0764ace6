"""Backup and restore of 10,000 assessments, against a plain read of every row in the same run.

    .venv/bin/python -m benchmarks.bench_backup [--n 10000] [--postgres URL | --no-postgres]

For each backend it fills a store with ``n`` generated assessments (``bench_store.populate``), then times
``backup`` (SQLite's online backup API / ``pg_dump --format=custom``), ``restore`` into an empty database, and
``Store.verify`` on the restored copy. The baseline is a plain ``SELECT *`` of every data table on a raw
connection of the same engine: reading what a backup must read. The figures go to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from benchmarks.bench_store import populate
from framework.loading import default_framework
from framework.store import open_store
from framework.store.backup import backup, restore
from framework.store.tables import DATA_TABLES


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _read_all(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for table in DATA_TABLES:
                for _ in conn.execute(text(f"SELECT * FROM {table}")).yield_per(1000):
                    pass
    finally:
        engine.dispose()


def run(source: str, target: str, folder: Path, n: int) -> dict[str, float]:
    with open_store(source) as store:
        filled = _timed(lambda: populate(store, default_framework(), n))
    baseline = _timed(lambda: _read_all(source))
    file = folder / "backup.bin"
    made = _timed(lambda: backup(source, file))
    restored = _timed(lambda: restore(file, target))
    with open_store(target) as copy:
        problems: list[str] = []
        verified = _timed(lambda: problems.extend(copy.verify()))
        counts = copy.row_counts()
    assert not problems and counts["assessments"] == n, (problems, counts)
    return {"fill": filled, "read_all": baseline, "backup": made, "restore": restored, "verify": verified,
            "bytes": file.stat().st_size}  # fmt: skip


def report(name: str, n: int, r: dict[str, float]) -> None:
    print(
        f"{name}: {n} assessments, backup file {r['bytes'] / 1e6:.1f} MB | read every row {r['read_all']:.1f} s | "
        f"backup {r['backup']:.1f} s ({r['backup'] / r['read_all']:.1f}x) | restore {r['restore']:.1f} s "
        f"({r['restore'] / r['read_all']:.1f}x) | verify the copy {r['verify']:.1f} s | fill {r['fill']:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("IPCEI_TEST_POSTGRES_URL"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        report("SQLite", args.n, run(f"sqlite:///{folder / 'a.db'}", f"sqlite:///{folder / 'b.db'}", folder, args.n))
        if args.postgres and not args.no_postgres:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            schema, database = f"bench_{uuid.uuid4().hex[:8]}", f"bench_restore_{uuid.uuid4().hex[:8]}"
            target_base = args.postgres.rsplit("/", 1)[0] + f"/{database}"
            option = "options=" + quote(f"-csearch_path={schema}")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
                conn.execute(text(f"CREATE DATABASE {database}"))
            target_admin = create_engine(target_base, isolation_level="AUTOCOMMIT")
            with target_admin.connect() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            target_admin.dispose()
            sep = "&" if "?" in args.postgres else "?"
            try:
                result = run(f"{args.postgres}{sep}{option}", f"{target_base}?{option}", folder, args.n)
                report("PostgreSQL", args.n, result)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                admin.dispose()


if __name__ == "__main__":
    main()
