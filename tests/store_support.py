"""Helpers and fixtures for the store tests (tests/test_store*.py): real SQLite and real PostgreSQL.

PostgreSQL comes from ``IPCEI_TEST_POSTGRES_URL`` (``scripts/test`` starts a throwaway server and sets it).
Each test gets a schema of its own there, dropped afterwards. Without the URL the PostgreSQL tests are
skipped locally and fail in CI (``CI`` set), so that CI never passes with half the suite missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from framework.assessment import Assessment
from framework.loading import DEFAULT_FRAMEWORK, load_framework
from framework.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
CURRENT_VERSION = load_framework(DEFAULT_FRAMEWORK).version  # a new assessment answers the current framework
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def make_assessment(n: int = 0, **meta: object) -> Assessment:
    """A small valid assessment; ``n`` varies the text, keyword arguments override metadata."""
    data = {
        "framework": {"id": "afwegingskader-ipcei", "version": CURRENT_VERSION},
        "meta": {
            "title": f"Waterstofketen {n}",
            "ipcei": "Hy2Infra",
            "ecosystem": "hernieuwbare_energie",
            "phase": "verkenning",
            "author": "A. de Vries",
            "created": date(2024, 3, 1).isoformat(),
            **meta,
        },
        "answers": {
            "q1": {"answer": f"Aanleiding, versie {n}."},
            "q14": {"advice": "deelnemen", "answer": "Deelnemen onder voorwaarden van cofinanciering."},
        },
    }
    return Assessment.model_validate(data)


def edited(assessment: Assessment, text_value: str) -> Assessment:
    answers = {**assessment.answers, "q1": {"answer": text_value}}
    return assessment.model_copy(update={"answers": answers})


def postgres_base_url() -> str:
    url = os.environ.get("IPCEI_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("IPCEI_TEST_POSTGRES_URL is not set in CI: the PostgreSQL half of the store suite cannot run")
        pytest.skip("IPCEI_TEST_POSTGRES_URL not set (scripts/test sets it); PostgreSQL tests skipped locally")
    return url


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


class PostgresSchemas:
    """Creates a fresh schema per test on the test server, and drops it afterwards."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.engine = create_engine(base_url, isolation_level="AUTOCOMMIT")

    def create(self) -> tuple[str, str]:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        return schema, with_search_path(self.base_url, schema)

    def drop(self, schema: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@pytest.fixture(scope="session")
def pg_schemas():
    schemas = PostgresSchemas(postgres_base_url())
    yield schemas
    schemas.engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    schemas = request.getfixturevalue("pg_schemas")
    schema, url = schemas.create()
    yield url
    schemas.drop(schema)


@pytest.fixture
def store(store_url) -> Store:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path) -> Store:
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


# --- a second, private PostgreSQL server (for a server that goes away) --------------------------------------


def pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def as_postgres_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivateServer:
    """A PostgreSQL server of this test alone, started with scripts/postgres, that the test may stop."""

    def __init__(self, directory: Path):
        self.dir = directory
        result = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "start", str(directory)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"scripts/postgres start failed: {result.stderr}")
        self.url = result.stdout.strip().splitlines()[-1]
        self.port = self.url.rsplit(":", 1)[1].split("/")[0]
        # scripts/postgres trades durability for speed (fsync=off, synchronous_commit=off); this server must
        # keep every commit through a crash, so it restarts with the defaults.
        self._pg_ctl("-m", "fast", "-w", "stop")
        self.start()

    def _pg_ctl(self, *args: str) -> None:
        bindir = pg_bindir()
        assert bindir is not None
        command = as_postgres_owner([str(bindir / "pg_ctl"), "-D", str(self.dir / "data"), *args])
        subprocess.run(command, check=True, capture_output=True)

    def stop(self) -> None:
        """Like a crash: no shutdown checkpoint, connections cut."""
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def start(self) -> None:
        options = f"-p {self.port} -k '{self.dir}' -c listen_addresses=127.0.0.1"
        self._pg_ctl("-l", str(self.dir / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def remove(self) -> None:  # scripts/postgres stop also deletes the directory
        subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(self.dir)], capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def tamper(store: Store, *statements: str | tuple[str, dict]) -> None:
    """Change rows behind the store's back, as someone with database access could (triggers off first)."""
    with store.engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if store.backend == "postgresql":
                for table in ("revisions", "audit_log"):
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            else:
                names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
                for name in names:
                    conn.execute(text(f"DROP TRIGGER {name}"))
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, {})
                conn.execute(text(sql), params)


# --- workers of the concurrency and fault tests (module level, so that processes can run them) --------------


def save_loop(store: Store, assessment_id: str, name: str, saves: int) -> tuple[list[tuple[int, str]], int]:
    """Read the latest revision and save an edit of it, ``saves`` times; returns the successes and refusals."""
    from framework.errors import ConflictError

    succeeded, refused = [], 0
    for i in range(saves):
        current = store.get(assessment_id)
        try:
            saved = store.save(
                assessment_id, edited(current.assessment, f"{name}, save {i}"), name, based_on=current.revision
            )
        except ConflictError:
            refused += 1
        else:
            succeeded.append((saved.revision, saved.content_hash))
        if i % 5 == 0:
            store.record_event(assessment_id, "exported", name, {"i": i})
    return succeeded, refused


def save_loop_in_process(url: str, assessment_id: str, name: str, saves: int) -> tuple[list[tuple[int, str]], int]:
    opened = open_store(url)
    try:
        return save_loop(opened, assessment_id, name, saves)
    finally:
        opened.close()
