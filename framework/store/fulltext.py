"""The full-text index of the store: one row per part of each assessment's latest revision, searched by the
database itself (SQLite: FTS5 word and trigram indexes over ``search_parts``; PostgreSQL: GIN indexes on
``to_tsvector('simple', ...)``, substrings by ``LIKE`` on the folded words).

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
from framework.store.tables import assessments, revisions, search_parts

_BATCH = 200


def indexed_text(body: str) -> str:
    """What the database indexes: the folded words separated by single spaces (one tokenisation for both)."""
    return " ".join(search.terms_all(body))


def replace(conn: Connection, assessment_id: str, parts: Iterable[tuple[str, str]]) -> None:
    """Replace the search rows of one assessment (inside the caller's transaction).

    A save usually changes one answer: when the assessment keeps the same parts in the same order, only the rows
    whose text changed are written again, each under its old id (so the rows keep the order of the parts, which
    orders the snippets). The index of a row is rewritten by the triggers of its delete and insert; rewriting
    every row on every save cost more than the rest of the save together. Any other change of the parts
    replaces them all, as before.
    """
    parts = list(parts)
    old = conn.execute(
        select(search_parts.c.id, search_parts.c.part, search_parts.c.body)
        .where(search_parts.c.assessment_id == assessment_id)
        .order_by(search_parts.c.id)
    ).all()
    if old and [row.part for row in old] == [part for part, _body in parts]:
        changed = [(row.id, part, body) for row, (part, body) in zip(old, parts, strict=True) if row.body != body]
        if changed:
            conn.execute(delete(search_parts).where(search_parts.c.id.in_([row_id for row_id, _p, _b in changed])))
            conn.execute(
                search_parts.insert(),
                [
                    {
                        "id": row_id,
                        "assessment_id": assessment_id,
                        "part": part,
                        "body": body,
                        "folded": indexed_text(body),
                    }
                    for row_id, part, body in changed
                ],
            )
        return
    if old:
        conn.execute(delete(search_parts).where(search_parts.c.assessment_id == assessment_id))
    rows = [
        {"assessment_id": assessment_id, "part": part, "body": body, "folded": indexed_text(body)}
        for part, body in parts
    ]
    if rows:
        conn.execute(search_parts.insert(), rows)


SUBSTRING_FROM = 3  # a word of three characters or more matches inside words too (Dutch compounds)


def conditions(dialect: str, words: list[str]) -> list[Any]:
    """One condition per word on ``assessments.id``: every word must occur somewhere in the assessment.

    A word of :data:`SUBSTRING_FROM` characters or more matches anywhere inside a word, so «technologieen»
    finds «communicatietechnologieën» and «waterstof» finds «waterstofnetwerk» (a trigram index: FTS5's
    ``trigram`` tokenizer, PostgreSQL ``LIKE``); a shorter one matches a whole word («eu», «2»; the word
    index), so that «2» does not find «2024».
    """
    result = []
    for index, word in enumerate(words):  # each word its own parameter name: one statement holds them all
        name = f"fts_word_{index}"
        inside = len(word) >= SUBSTRING_FROM
        if dialect == "postgresql":
            if inside:
                match = search_parts.c.folded.like(f"%{word}%")
            else:
                sql = f"to_tsvector('simple', search_parts.folded) @@ to_tsquery('simple', :{name})"
                match = text(sql).bindparams(**{name: f"'{word}'"})
            ids = select(search_parts.c.assessment_id).where(match)
        else:
            table = "search_trigram" if inside else "search_fts"
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH :{name}"  # noqa: S608 (names are ours)
            fts = text(sql).bindparams(**{name: f'"{word}"'})
            ids = select(search_parts.c.assessment_id).where(search_parts.c.id.in_(fts.columns(rowid=Integer)))
        result.append(assessments.c.id.in_(ids))
    return result


def matched_parts(conn: Connection, ids: list[str], words: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The parts (``part``, original text) of the given assessments that hold one of ``words``, for snippets.

    Only the few assessments of the page shown are looked at (by their id index), so a plain substring test
    on the indexed words is enough here; a short word is looked for as a whole word.
    """
    if not ids or not words:
        return {}
    padded = literal(" ") + search_parts.c.folded + literal(" ")
    tests = [
        func.instr(search_parts.c.folded, w) > 0 if len(w) >= SUBSTRING_FROM else func.instr(padded, f" {w} ") > 0
        for w in words
    ]
    if conn.dialect.name == "postgresql":
        tests = [
            func.strpos(search_parts.c.folded, w) > 0 if len(w) >= SUBSTRING_FROM else func.strpos(padded, f" {w} ") > 0
            for w in words
        ]
    rows = conn.execute(
        select(search_parts.c.assessment_id, search_parts.c.part, search_parts.c.body)
        .where(search_parts.c.assessment_id.in_(ids), or_(*tests))
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
    heads = select(assessments.c.id, revisions.c.document).join(
        revisions,
        (revisions.c.assessment_id == assessments.c.id) & (revisions.c.number == assessments.c.revision),
    )
    last = ""
    while True:
        batch = conn.execute(heads.where(assessments.c.id > last).order_by(assessments.c.id).limit(_BATCH)).all()
        if not batch:
            return
        for aid, document in batch:
            data = json.loads(document)
            replace(conn, aid, search.parts(data))
            author = search.fold(str((data.get("meta") or {}).get("author") or ""))
            conn.execute(update(assessments).where(assessments.c.id == aid).values(author_key=author))
        last = batch[-1][0]
