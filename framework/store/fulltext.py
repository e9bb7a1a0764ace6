"""The full-text index of the store, searched by the database itself: one row per assessment's latest revision
with each of its folded words once (``search_docs``; SQLite: FTS5 word and trigram indexes; PostgreSQL: GIN indexes on
``to_tsvector('simple', ...)`` and, for substrings by ``LIKE``, ``pg_trgm``), and one row per part of it
(``search_parts``) from which the snippets of the page shown are cut.

What is indexed and how words are folded is :mod:`framework.search`; this module keeps the rows up to date in
the transaction of every save and turns search words into SQL conditions. Rows only: no document is parsed here
but the JSON the store already holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from framework import search
from framework.store.migration_tools import latest_documents
from framework.store.tables import assessments, search_docs, search_parts

_BATCH = 200


def indexed_text(body: str) -> str:
    """What the database indexes: the folded words separated by single spaces (one tokenisation for both)."""
    return " ".join(search.terms_all(body))


def replace(conn: Connection, assessment_id: str, parts: Iterable[tuple[str, str]]) -> None:
    """Replace the search rows of one assessment (inside the caller's transaction).

    Two kinds of row: one per part (``search_parts``, for the snippets of the page shown) and one with all the
    folded words of the assessment (``search_docs``, the one row the full-text indexes match against).

    A save usually changes one answer: when the assessment keeps the same parts in the same order, only the part
    rows whose text changed are written again, each under its old id (so the rows keep the order of the parts,
    which orders the snippets), and the words row only when its words changed. Any other change of the parts
    replaces them all.
    """
    rows = _part_rows(assessment_id, parts)
    _replace_parts(conn, assessment_id, rows)
    words = distinct_words(row["folded"] for row in rows) if rows else None
    where = search_docs.c.assessment_id == assessment_id
    if conn.execute(select(search_docs.c.words).where(where)).scalar() == words:
        return  # the same words (or none before and none now)
    conn.execute(delete(search_docs).where(where))
    if words is not None:
        conn.execute(search_docs.insert(), {"assessment_id": assessment_id, "words": words})


def distinct_words(folded: Iterable[str]) -> str:
    """Each word of the folded texts once, in the order of first occurrence, separated by single spaces.

    What ``search_docs`` matches against: a word occurs in the assessment exactly when it occurs in this
    (a query word holds no space, so it matches inside one word or as one word), and the index is a fraction
    of the size of the full text (answers repeat their words), which is what makes a search fast.
    """
    return " ".join(dict.fromkeys(word for text in folded for word in text.split()))


def _part_rows(assessment_id: str, parts: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {"assessment_id": assessment_id, "part": part, "body": body, "folded": indexed_text(body)}
        for part, body in parts
    ]


def _replace_parts(conn: Connection, assessment_id: str, rows: list[dict[str, str]]) -> None:
    old = conn.execute(
        select(search_parts.c.id, search_parts.c.part, search_parts.c.body)
        .where(search_parts.c.assessment_id == assessment_id)
        .order_by(search_parts.c.id)
    ).all()
    if old and [row.part for row in old] == [row["part"] for row in rows]:
        changed = [{**new, "id": row.id} for row, new in zip(old, rows, strict=True) if row.body != new["body"]]
        if changed:
            conn.execute(delete(search_parts).where(search_parts.c.id.in_([row["id"] for row in changed])))
            conn.execute(search_parts.insert(), changed)
        return
    if old:
        conn.execute(delete(search_parts).where(search_parts.c.assessment_id == assessment_id))
    if rows:
        conn.execute(search_parts.insert(), rows)


SUBSTRING_FROM = 3  # a word of three characters or more matches inside words too (Dutch compounds)


def conditions(dialect: str, words: list[str]) -> list[Any]:
    """The conditions that every word occurs somewhere in the assessment (on ``assessments``, joined to
    ``search_docs`` on SQLite).

    A word of :data:`SUBSTRING_FROM` characters or more matches anywhere inside a word, so «technologieen»
    finds «communicatietechnologieën» and «waterstof» finds «waterstofnetwerk» (a trigram index: FTS5's
    ``trigram`` tokenizer, PostgreSQL ``pg_trgm`` for ``LIKE``); a shorter one matches a whole word («eu», «2»;
    the word index), so that «2» does not find «2024».

    The words are matched against the one ``search_docs`` row of each assessment and combined inside the
    full-text engine: one FTS5 ``MATCH`` with ``AND`` per index (SQLite), one bitmap scan of the GIN indexes
    (PostgreSQL), never a subquery per word.
    """
    if not words:
        return []
    inside = [w for w in words if len(w) >= SUBSTRING_FROM]
    whole = [w for w in words if len(w) < SUBSTRING_FROM]
    tests: list[Any] = []
    if dialect == "postgresql":
        tests += [search_docs.c.words.like(f"%{word}%") for word in inside]
        if whole:
            sql = "to_tsvector('simple', search_docs.words) @@ to_tsquery('simple', :fts_whole)"
            tests.append(text(sql).bindparams(fts_whole=" & ".join(f"'{w}'" for w in whole)))
        # The matches first, from the GIN indexes, then the assessments: left to itself the planner walks every
        # assessment newest first and tests each row (to_tsvector per row: seconds at 10,000).
        matches = select(search_docs.c.assessment_id).where(*tests).cte("search_matches").prefix_with("MATERIALIZED")
        return [assessments.c.id.in_(select(matches.c.assessment_id))]
    else:
        for table, chosen in (("search_docs_trigrams", inside), ("search_docs_words", whole)):
            if chosen:
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH :{table}"  # noqa: S608 (names are ours)
                match = " AND ".join(f'"{w}"' for w in chosen)  # words are letters and digits only
                fts = text(sql).bindparams(**{table: match}).columns(rowid=Integer)
                tests.append(search_docs.c.id.in_(fts))
    # SQLite: joined rather than ``IN (subquery)``: the matching rowids are looked up by key, each once (a third
    # faster at thousands of matches); ``search_docs`` has one row per assessment, so nothing is counted twice.
    return [assessments.c.id == search_docs.c.assessment_id, *tests]


def matched_parts(
    conn: Connection, ids: list[str], words: list[str], per_assessment: int = 3
) -> dict[str, list[tuple[str, str]]]:
    """The first ``per_assessment`` parts (``part``, original text) of each of the given assessments that hold
    one of ``words``, for snippets.

    Only the few assessments of the page shown are looked at (by their id index), so a plain substring test
    on the indexed words is enough here; a short word is looked for as a whole word. The database keeps only
    the parts that are shown (a window per assessment), so no text is read that no snippet is cut from.
    """
    if not ids or not words:
        return {}
    padded = literal(" ") + search_parts.c.folded + literal(" ")
    position = func.strpos if conn.dialect.name == "postgresql" else func.instr
    tests = [
        position(search_parts.c.folded, w) > 0 if len(w) >= SUBSTRING_FROM else position(padded, f" {w} ") > 0
        for w in words
    ]
    rank = func.row_number().over(partition_by=search_parts.c.assessment_id, order_by=search_parts.c.id)
    matching = (
        select(search_parts.c.assessment_id, search_parts.c.id, rank.label("rank"))
        .where(search_parts.c.assessment_id.in_(ids), or_(*tests))
        .subquery()
    )
    rows = conn.execute(
        select(search_parts.c.assessment_id, search_parts.c.part, search_parts.c.body)
        .join(matching, matching.c.id == search_parts.c.id)
        .where(matching.c.rank <= per_assessment)
        .order_by(search_parts.c.assessment_id, search_parts.c.id)
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for aid, part, body in rows:
        found.setdefault(aid, []).append((part, body))
    return found


# --- schema (migration 4) ----------------------------------------------------------------------------------

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_parts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_trigram USING fts5(folded, content='search_parts', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_parts_ai AFTER INSERT ON search_parts BEGIN "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); "
    "INSERT INTO search_trigram(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER search_parts_ad AFTER DELETE ON search_parts BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); "
    "INSERT INTO search_trigram(search_trigram, rowid, folded) VALUES ('delete', old.id, old.folded); END",
]


def _postgres_trigram_ops(conn: Connection) -> str:
    """The schema-qualified trigram operator class; ``pg_trgm`` is created in ``public`` when missing.

    ``pg_trgm`` is a trusted extension (PostgreSQL 13 and later): the owner of the database may create it.
    """
    find = text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    )
    schema = conn.execute(find).scalar()
    if schema is None:
        conn.execute(text("CREATE EXTENSION pg_trgm SCHEMA public"))
        schema = "public"
    return f'"{schema}".gin_trgm_ops'


def create_schema(conn: Connection) -> None:
    """The ``search_parts`` table and its full-text index, filled from the latest revision of every assessment."""
    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    table = Table(
        "search_parts",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
        Column("part", String(40), nullable=False),
        Column("body", Text, nullable=False),
        Column("folded", Text, nullable=False),
        Index("ix_search_parts_assessment_id", "assessment_id"),
    )
    table.create(conn)
    conn.execute(text("ALTER TABLE assessments ADD COLUMN author_key VARCHAR"))
    conn.execute(text("CREATE INDEX ix_assessments_author_key ON assessments (author_key)"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("CREATE INDEX ix_search_parts_fts ON search_parts USING gin (to_tsvector('simple', folded))"))
    else:
        for statement in _SQLITE_FTS:
            conn.execute(text(statement))
    _backfill(conn)


def _backfill(conn: Connection) -> None:
    for batch in latest_documents(conn, _BATCH):
        for aid, document in batch:
            data = json.loads(document)
            _replace_parts(conn, aid, _part_rows(aid, search.parts(data)))  # search_docs is migration 9's
            author = search.fold(str((data.get("meta") or {}).get("author") or ""))
            conn.execute(update(assessments).where(assessments.c.id == aid).values(author_key=author))


# --- schema (migration 9) ----------------------------------------------------------------------------------

_SQLITE_DOCS = [
    "CREATE VIRTUAL TABLE search_docs_words USING fts5(words, content='search_docs', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_docs_trigrams USING fts5(words, content='search_docs', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_docs_words(rowid, words) VALUES (new.id, new.words); "
    "INSERT INTO search_docs_trigrams(rowid, words) VALUES (new.id, new.words); END",
    "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_docs_words(search_docs_words, rowid, words) VALUES ('delete', old.id, old.words); "
    "INSERT INTO search_docs_trigrams(search_docs_trigrams, rowid, words) VALUES ('delete', old.id, old.words); "
    "END",
    # the per-part indexes of migration 4 are no longer asked: search_parts only gives the snippets
    "DROP TRIGGER search_parts_ai",
    "DROP TRIGGER search_parts_ad",
    "DROP TABLE search_fts",
    "DROP TABLE search_trigram",
]


def create_documents(conn: Connection) -> None:
    """One ``search_docs`` row per assessment with its full-text indexes, filled from ``search_parts``."""
    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    table = Table(
        "search_docs",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False, unique=True),
        Column("words", Text, nullable=False),
    )
    table.create(conn)
    if conn.dialect.name == "postgresql":
        ops = _postgres_trigram_ops(conn)
        conn.execute(text("CREATE INDEX ix_search_docs_fts ON search_docs USING gin (to_tsvector('simple', words))"))
        conn.execute(text(f"CREATE INDEX ix_search_docs_trigram ON search_docs USING gin (words {ops})"))
        conn.execute(text("DROP INDEX ix_search_parts_fts"))
    else:
        for statement in _SQLITE_DOCS:
            conn.execute(text(statement))
    _fill_documents(conn, table)
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE search_docs"))  # the planner chooses the GIN indexes only with statistics


def _fill_documents(conn: Connection, table: Table) -> None:
    last = ""
    while True:  # a batch of assessments at a time, never all rows at once
        ids = select(search_parts.c.assessment_id).where(search_parts.c.assessment_id > last).distinct()
        batch = list(conn.execute(ids.order_by(search_parts.c.assessment_id).limit(_BATCH)).scalars())
        if not batch:
            return
        rows = conn.execute(
            select(search_parts.c.assessment_id, search_parts.c.folded)
            .where(search_parts.c.assessment_id.in_(batch))
            .order_by(search_parts.c.assessment_id, search_parts.c.id)
        )
        joined: dict[str, list[str]] = {aid: [] for aid in batch}
        for aid, folded in rows:
            joined[aid].append(folded)
        conn.execute(table.insert(), [{"assessment_id": aid, "words": distinct_words(f)} for aid, f in joined.items()])
        last = batch[-1]
