"""The search index of migration 9: one row of distinct words per assessment, matched inside the full-text engine
and kept by every save; the snippets capped per assessment; the plans the speed depends on, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, select, text
from store_support import make_assessment
from test_store_backup import pair  # noqa: F401 (a fixture: a source and an empty target)
from test_store_migrations import _write_schema_1_rows

from framework.search import parts
from framework.store import ListQuery, open_store
from framework.store.backup import backup, restore
from framework.store.engine import make_engine, parse_url
from framework.store.fulltext import conditions, distinct_words, indexed_text
from framework.store.migrations import migrate
from framework.store.tables import search_docs


def _with_answers(n: int, answers: dict, **meta):
    base = make_assessment(n, **meta)
    return base.model_copy(update={"answers": {**base.answers, **answers}})


def _words(store, aid: str) -> str:
    with store.engine.connect() as conn:
        return conn.execute(select(search_docs.c.words).where(search_docs.c.assessment_id == aid)).scalar_one()


def test_distinct_words_keep_each_word_once_in_order():
    assert (
        distinct_words(["de waterstof en de waterstofketen", "waterstof eu de"]) == "de waterstof en waterstofketen eu"
    )
    assert distinct_words([]) == ""


def test_one_row_per_assessment_holds_every_word_once_and_follows_saves(store):
    record = store.create(
        _with_answers(1, {"q2": {"answer": "Waterstof, waterstof en nog eens wezenlĳk waterstof."}}), "Anna"
    )
    words = _words(store, record.id).split()
    assert len(words) == len(set(words))  # each word once
    folded = {w for _, body in parts(record.assessment.model_dump(mode="json")) for w in indexed_text(body).split()}
    assert set(words) == folded  # and every word of every part
    assert "wezenlijk" in words
    changed = _with_answers(1, {"q2": {"answer": "Geen gas meer."}})
    store.save(record.id, changed, "Anna", based_on=1)
    assert "wezenlijk" not in _words(store, record.id).split()
    with store.engine.connect() as conn:
        assert conn.execute(select(search_docs.c.id).where(search_docs.c.assessment_id == record.id)).all() != []
        assert len(conn.execute(select(search_docs.c.id)).all()) == 1  # replaced, not added


def test_words_of_different_parts_combine_and_short_words_stay_whole(store):
    a = store.create(_with_answers(10, {"q2": {"answer": "Het EU-beleid."}, "q9": {"answer": "Staatssteun."}}), "A")
    b = store.create(_with_answers(11, {"q2": {"answer": "Europees beleid vanaf 2031."}}), "B")

    def ids(**query) -> set[str]:
        return {s.id for s in store.list(ListQuery(**query)).items}

    assert ids(text="eu staatssteun beleid") == {a.id}  # three words, two parts, one MATCH per index
    assert ids(text="eu") == {a.id}  # «eu» is a word of a, and only inside «europees» in b
    assert ids(text="20") == set() and ids(text="2031") == {b.id}  # a short word is a whole word
    assert ids(text="beleid") == {a.id, b.id}
    assert ids(text="eu 2031") == set()  # AND
    page = store.list(ListQuery(text="nergens"))
    assert page.total == 0 and page.items == []


def test_a_page_past_the_end_still_counts_what_was_found(store):
    for n in range(3):
        store.create(_with_answers(n, {"q2": {"answer": "Waterstof."}}), "A")
    page = store.list(ListQuery(text="waterstof", offset=10, limit=5))
    assert page.items == [] and page.total == 3


def test_snippets_are_capped_per_assessment_in_the_database(store):
    answers = {q: {"answer": f"Kernfusie in vraag {q}."} for q in ("q2", "q4", "q5", "q6", "q8")}
    record = store.create(_with_answers(1, answers), "A")
    found = store.search_hits([record.id], "kernfusie")
    assert [h.part for h in found[record.id]] == ["q2", "q4", "q5"]  # the first three, in order
    assert [h.part for h in store.search_hits([record.id], "kernfusie", per_assessment=1)[record.id]] == ["q2"]


def test_the_upgrade_fills_the_index_from_the_parts_of_an_older_database(store_url):
    engine = make_engine(parse_url(store_url), timeout_ms=5000)
    assert migrate(engine, target=1) == [1]
    aid = _write_schema_1_rows(engine)
    engine.dispose()
    store = open_store(store_url)
    try:
        words = _words(store, aid).split()
        assert "aanleiding" in words and len(words) == len(set(words))
        assert [s.id for s in store.list(ListQuery(text="aanleiding versie")).items] == [aid]
        assert store.list(ListQuery(text="aanleiding nergens")).total == 0
    finally:
        store.close()


def _sqlite_plan(store, query: ListQuery) -> str:
    statements = []

    def capture(conn, cursor, statement, parameters, *args):
        if "search_docs" in statement:
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        store.list(query)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    ((statement, parameters),) = statements
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


def test_sqlite_drives_the_search_from_the_full_text_index(store):
    if store.backend != "sqlite":
        pytest.skip("SQLite's planner")
    for n in range(3):
        store.create(_with_answers(n, {"q2": {"answer": "Waterstof."}}), "A")
    plan = _sqlite_plan(store, ListQuery(text="waterstof eu"))
    assert "search_docs_trigrams VIRTUAL TABLE" in plan and "search_docs_words VIRTUAL TABLE" in plan
    assert "ix_assessments_archived_updated" not in plan  # no walk over every assessment
    assert "USING INDEX sqlite_autoindex_assessments_1 (id=?)" in plan  # the matches looked up by key
    # without a text the list keeps walking the archived/updated index (the plan of an ordinary page)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM assessments WHERE archived IS 0 ORDER BY updated_at DESC LIMIT 20"
        ).all()
    assert "ix_assessments_archived_updated" in "\n".join(r[-1] for r in rows)


def test_postgresql_can_answer_every_word_from_its_indexes(store):
    if store.backend != "postgresql":
        pytest.skip("PostgreSQL's indexes")
    store.create(_with_answers(1, {"q2": {"answer": "Waterstof in de EU."}}), "A")
    for words, index in ((["waterstof"], "ix_search_docs_trigram"), (["eu"], "ix_search_docs_fts")):
        inner = conditions("postgresql", words)[0].right.element  # the subquery on search_docs
        compiled = str(inner.compile(store.engine, compile_kwargs={"literal_binds": True}))
        with store.engine.connect() as conn:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # one row: ask whether the index CAN answer
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {compiled}")))
            found = conn.execute(text(compiled)).all()
        assert f"Bitmap Index Scan on {index}" in plan and "Seq Scan" not in plan, plan
        assert len(found) == 1


def test_a_restore_creates_the_trigram_extension_the_search_index_needs(pair, tmp_path):  # noqa: F811
    source, target = pair
    if not source.startswith("postgresql"):
        pytest.skip("a PostgreSQL extension")
    store = open_store(source)
    record = store.create(_with_answers(1, {"q2": {"answer": "Kernfusie en waterstof."}}), "A")
    store.close()
    backup(source, tmp_path / "backup.bin")
    fresh = create_engine(target)
    with fresh.connect() as conn:  # a fresh database: no pg_trgm yet
        assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is None
    fresh.dispose()
    restore(tmp_path / "backup.bin", target)
    copy = open_store(target)
    try:
        with copy.engine.connect() as conn:
            assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is not None
        assert [s.id for s in copy.list(ListQuery(text="ernfusi")).items] == [record.id]
    finally:
        copy.close()


def test_the_portfolio_filtered_by_words_counts_each_matching_assessment_once(store):
    store.create(_with_answers(1, {"q2": {"answer": "Kernfusie."}}, ipcei="Fusie-IPCEI"), "A")
    store.create(_with_answers(2, {"q2": {"answer": "Waterstof."}}, ipcei="Hy2Use"), "A")
    everything = store.portfolio_cells(ListQuery())
    assert sum(row.ipceis for row in everything) == 2
    assert sum(row.ipceis for row in store.portfolio_cells(ListQuery(text="kernfusie"))) == 1  # joined, not doubled
    assert store.portfolio_cells(ListQuery(text="nergens")) == []
    assert [row for row in store.portfolio_ipceis(ListQuery(text="kernfusie"))] != []
    assert store.portfolio_timeline(ListQuery(text="nergens")) == []
