"""Reading from the store, and the plumbing every store operation shares (connections, transactions, errors)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from sqlalchemy import Engine, bindparam, func, select, text
from sqlalchemy.engine import URL, Connection

from framework.assessment import Assessment, Status
from framework.errors import FrameworkUnavailableError, InputError, StoreError
from framework.models import Framework
from framework.search import Hit, hits, terms
from framework.store import audit, fulltext
from framework.store.errors import NotFoundError, is_driver_error, translate, with_unsaved
from framework.store.frameworks import FrameworkRegistry
from framework.store.records import AuditEntry, FrameworkInfo, ListQuery, Page, Record, RevisionInfo
from framework.store.rows import (
    SUMMARY_COLUMNS,
    list_conditions,
    list_order,
    record_from_row,
    record_query,
    summary_from_row,
)
from framework.store.tables import DATA_TABLES, assessments, frameworks, metadata, revisions
from framework.store.verify import verify_all

_RECORD_BY_ID = record_query().where(assessments.c.id == bindparam("b_id"))
_PG_USE_INDEXES = text("SET LOCAL enable_seqscan = off")


class StoreReader:
    """The reading half of :class:`~framework.store.store.Store`."""

    def __init__(self, engine: Engine, url: URL, where: str):
        self.engine = engine
        self.url = url
        self.where = where
        self._frameworks = FrameworkRegistry(engine)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def read_only(self) -> bool:
        """A SQLite file that cannot be written (opened read-only: reading works, saving fails clearly)."""
        return self.backend == "sqlite" and self.engine.url.query.get("mode") == "ro"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- plumbing --------------------------------------------------------------------------------------

    @contextmanager
    def _guard(self, operation: str, unsaved: Assessment | None = None) -> Iterator[None]:
        """Turn a driver failure into one clear DatabaseError; hand the caller's assessment back on it."""
        try:
            yield
        except StoreError as exc:
            raise with_unsaved(exc, unsaved) from exc.__cause__
        except Exception as exc:
            if not is_driver_error(exc):
                raise
            raise translate(exc, operation=operation, where=self.where, unsaved=unsaved) from exc

    @contextmanager
    def _tx(self, operation: str, *, unsaved: Assessment | None = None, write: bool = True) -> Iterator[Connection]:
        with self._guard(operation, unsaved), self.engine.connect() as conn:
            if write:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def _fetch(self, conn: Connection, aid: str) -> Record | None:
        row = conn.execute(_RECORD_BY_ID, {"b_id": aid}).first()
        return record_from_row(row) if row is not None else None

    # --- reading ---------------------------------------------------------------------------------------

    def get(self, assessment_id: str) -> Record:
        with self._tx(f"read assessment {assessment_id}", write=False) as conn:
            record = self._fetch(conn, assessment_id)
        if record is None:
            raise NotFoundError(f"no assessment with id {assessment_id}")
        return record

    def resolve(self, prefix: str) -> str:
        """The full id of the one assessment whose id starts with ``prefix`` (at least 4 characters)."""
        prefix = prefix.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{4,32}", prefix):
            raise NotFoundError(f"{prefix!r} is not an assessment id (4 to 32 characters 0-9, a-f)")
        with self._tx("look up an id", write=False) as conn:
            found = list(
                conn.execute(select(assessments.c.id).where(assessments.c.id.startswith(prefix)).limit(2)).scalars()
            )
        if not found:
            raise NotFoundError(f"no assessment with id {prefix}")
        if len(found) > 1:
            raise StoreError(f"more than one assessment id starts with {prefix}; give more characters")
        return found[0]

    def history(self, assessment_id: str) -> list[RevisionInfo]:
        columns = [c for c in revisions.c if c.name != "document"]
        with self._tx(f"read the history of {assessment_id}", write=False) as conn:
            rows = conn.execute(
                select(*columns).where(revisions.c.assessment_id == assessment_id).order_by(revisions.c.number)
            ).all()
        if not rows:
            raise NotFoundError(f"no assessment with id {assessment_id}")
        return [
            RevisionInfo(
                number=r.number,
                by=r.saved_by,
                at=r.saved_at,
                kind=r.kind,
                status=Status(r.status),
                content_hash=r.content_hash,
                hash=r.hash,
                previous_hash=r.previous_hash,
            )
            for r in rows
        ]

    def revision(self, assessment_id: str, number: int) -> Assessment:
        document = self._of_revision(revisions.c.document, assessment_id, number, f"read revision {number}")
        return Assessment.model_validate_json(document)

    def _of_revision(self, column: Any, assessment_id: str, number: int, action: str) -> Any:
        """One column of a revision (``action`` names the read in an error); NotFoundError when there is none."""
        with self._tx(f"{action} of {assessment_id}", write=False) as conn:
            value = conn.execute(
                select(column).where(revisions.c.assessment_id == assessment_id, revisions.c.number == number)
            ).scalar()
        if value is None:
            raise NotFoundError(f"assessment {assessment_id} has no revision {number}")
        return value

    def audit(self, assessment_id: str | None = None, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        """Audit entries, newest first; of one assessment or of all."""
        with self._tx("read the audit log", write=False) as conn:
            return audit.read(conn, assessment_id, limit, offset)

    def frameworks(self) -> list[FrameworkInfo]:
        with self._tx("list the frameworks", write=False) as conn:
            rows = conn.execute(select(frameworks).order_by(frameworks.c.first_seen_at))
            return [FrameworkInfo(r.sha256, r.key, r.framework_id, r.version, r.first_seen_at) for r in rows]

    def framework_for(self, record: Record) -> Framework:
        """The framework version the record's latest revision was checked against (kept in the database)."""
        with self._guard(f"read the framework of {record.id}"):
            return self._kept(record.framework_sha256, record.framework_key)

    def _kept(self, sha: str, key: str) -> Framework:
        """The stored copy of a version; one that this program cannot read is an error naming the version."""
        try:
            return self._frameworks.by_sha(sha)
        except InputError as exc:
            raise FrameworkUnavailableError.single(
                f"database:frameworks/{sha[:12]}",
                f"the framework version {key} kept in the database cannot be read ({exc.problems[0].message}); "
                "no other version is used in its place",
                field="framework",
            ) from None

    def framework_of_revision(self, assessment_id: str, number: int) -> Framework:
        """The framework version a given revision was checked against (its copy in the database)."""
        action = f"read the framework of revision {number}"
        sha = self._of_revision(revisions.c.framework_sha256, assessment_id, number, action)
        with self._guard(f"read the framework of revision {number} of {assessment_id}"):
            return self._kept(sha, f"of revision {number}")

    def framework_by_sha(self, sha: str) -> Framework:
        """A framework version kept in the database, by the SHA-256 of its content."""
        with self._guard(f"read framework {sha[:12]}"):
            return self._kept(sha, sha[:12])

    def framework_named(self, framework_id: str, version: str) -> Framework | None:
        """The framework an assessment naming this id and version is checked against (file, else stored copy)."""
        return self._framework_named(framework_id, version)

    def _framework_named(self, framework_id: str, version: str) -> Framework | None:
        with self._guard("look up a framework"):
            found = self._frameworks.current(framework_id, version)
        return found[0] if found else None

    def verify(self) -> list[str]:
        """Recompute the hash chains of all revisions and of the audit log; [] when all is intact."""
        with self._guard("verify the database"), self.engine.connect() as conn:
            if self.backend == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return verify_all(conn)

    def row_counts(self) -> dict[str, int]:
        with self._tx("count rows", write=False) as conn:
            return {
                name: conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
                for name in DATA_TABLES
            }

    # last in the class: after it, ``list`` in an annotation would name this method
    def list(self, query: ListQuery | None = None) -> Page:
        """One page of summaries from the indexed columns; no document is read."""
        query = query or ListQuery()
        conditions = list_conditions(query, self.backend)
        page = select(*SUMMARY_COLUMNS).where(*conditions).order_by(*list_order(query))
        with self._tx("list assessments", write=False) as conn:
            if query.text and query.text.strip():
                if self.backend == "postgresql":
                    # PostgreSQL prices a LIKE on a row of words far below what it costs and would check every
                    # row rather than the candidates of the trigram index (two to three times slower); in this
                    # read-only transaction only, it takes the indexes.
                    conn.execute(_PG_USE_INDEXES)
                # A full-text search: the page and the total in one statement, so the index is asked once. The
                # matches are counted and ordered on their ids and sort keys alone; only the page's rows are
                # read whole (the sorter does not carry every column of thousands of matches).
                ids = (
                    select(assessments.c.id, func.count().over().label("total"))
                    .where(*conditions)
                    .order_by(*list_order(query))
                    .offset(query.offset)
                    .limit(query.limit)
                    .subquery("page_ids")
                )
                rows = conn.execute(
                    select(*SUMMARY_COLUMNS, ids.c.total)
                    .join_from(assessments, ids, ids.c.id == assessments.c.id)
                    .order_by(*list_order(query))
                ).all()
                items = [summary_from_row(row[:-1]) for row in rows]
                total = rows[0][-1] if rows else (0 if query.offset == 0 else None)
            else:
                items = [summary_from_row(row) for row in conn.execute(page.offset(query.offset).limit(query.limit))]
                total = None
            if total is None:  # no text, or a page past the end of what was found
                total = conn.execute(select(func.count()).select_from(assessments).where(*conditions)).scalar_one()
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def search_hits(self, ids: list[str], text: str | None, per_assessment: int = 3) -> dict[str, list[Hit]]:
        """Where ``text`` matched in each of ``ids`` (a page of :meth:`list`): part and snippet, at most three."""
        words = terms(text)
        if not words or not ids:
            return {}
        with self._tx("show where the search matched", write=False) as conn:
            found = fulltext.matched_parts(conn, ids[:500], words, per_assessment)
        shown = {aid: hits(parts, words, per_assessment) for aid, parts in found.items()}
        return {aid: found_here for aid, found_here in shown.items() if found_here}
