"""The store on real SQLite and real PostgreSQL: records, revisions, lists, audit log, frameworks, verify."""

from __future__ import annotations

import itertools
from datetime import UTC

import pytest
from sqlalchemy import event, text
from store_support import CURRENT_VERSION, edited, make_assessment, tamper

from framework.assessment import Assessment, Status
from framework.errors import ConflictError, InputError, StoreError
from framework.loading import DEFAULT_FRAMEWORK
from framework.store import (
    Action,
    ArchivedError,
    ListQuery,
    NotFoundError,
    RevisionConflict,
)


def test_create_and_get(store):
    assessment = make_assessment()
    record = store.create(assessment, "Anna")
    assert len(record.id) == 32 and record.revision == 1
    again = store.get(record.id)
    assert again.assessment == assessment
    assert again.content_hash == assessment.content_hash() == record.content_hash
    assert again.framework_key == f"afwegingskader-ipcei@{CURRENT_VERSION}"
    assert again.status is Status.CONCEPT and not again.archived
    assert (again.created_by, again.updated_by) == ("Anna", "Anna")
    assert again.created_at.tzinfo is UTC and again.updated_at == record.updated_at


def test_missing_assessment_is_a_store_error(store):
    with pytest.raises(NotFoundError) as caught:
        store.get("0" * 32)
    assert isinstance(caught.value, StoreError)
    for call in (lambda: store.history("f" * 32), lambda: store.revision("f" * 32, 1)):
        with pytest.raises(NotFoundError):
            call()


def test_every_save_is_a_revision_in_a_hash_chain(store):
    first = make_assessment()
    record = store.create(first, "Anna")
    for n in range(2, 5):
        record = store.save(record.id, edited(first, f"versie {n}"), "Bram", based_on=record.revision)
    assert record.revision == 4 and record.updated_by == "Bram" and record.created_by == "Anna"
    history = store.history(record.id)
    assert [r.number for r in history] == [1, 2, 3, 4]
    assert [r.kind for r in history] == ["created", "saved", "saved", "saved"]
    assert history[0].previous_hash == "0" * 64
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(history))
    assert store.revision(record.id, 1) == first
    assert store.revision(record.id, 3).value("q1", "answer") == "versie 3"
    assert store.get(record.id).assessment.value("q1", "answer") == "versie 4"
    assert store.verify() == []


def test_stale_save_is_refused_with_both_versions(store):
    record = store.create(make_assessment(), "Anna")
    theirs = store.save(record.id, edited(record.assessment, "van Bram"), "Bram", based_on=1)
    mine = edited(record.assessment, "van Anna")
    with pytest.raises(RevisionConflict) as caught:
        store.save(record.id, mine, "Anna", based_on=1)
    conflict = caught.value
    assert isinstance(conflict, ConflictError)
    assert conflict.mine == mine and conflict.unsaved == mine and conflict.base_revision == 1
    assert conflict.theirs.revision == 2 and conflict.theirs.assessment == theirs.assessment
    assert "Bram" in str(conflict)
    assert store.get(record.id).revision == 2
    assert len(store.history(record.id)) == 2


def test_save_of_missing_assessment_hands_back_the_text(store):
    mine = make_assessment()
    with pytest.raises(NotFoundError) as caught:
        store.save("a" * 32, mine, "Anna", based_on=1)
    assert caught.value.unsaved == mine


def test_invalid_answers_and_names_are_refused(store):
    bad = make_assessment().model_copy(update={"answers": {"q14": {"advice": "misschien"}}})
    with pytest.raises(InputError) as caught:
        store.create(bad, "Anna")
    assert "answers.q14.advice" in str(caught.value)
    unknown = make_assessment(ecosystem="ruimtevaart")
    with pytest.raises(InputError, match=r"meta\.ecosystem"):
        store.create(unknown, "Anna")
    with pytest.raises(InputError, match="name"):
        store.create(make_assessment(), "  ")
    assert store.row_counts()["assessments"] == 0
    store.create(make_assessment(ecosystem="", phase=""), "Anna")  # not chosen yet: a draft may be saved


def _seed(store):
    specs = [
        dict(title="Waterstof Rotterdam", ecosystem="hernieuwbare_energie", created="2022-05-01"),
        dict(title="Micro-elektronica Eindhoven", ecosystem="elektronica", created="2023-01-10", author="B. Jansen"),
        dict(title="Cloud-infrastructuur", ecosystem="digitaal", created="2023-06-01", phase="notificatie"),
        dict(title="Énergie en batterijen", ecosystem="energie_intensief", created="2024-02-02"),
        dict(title="Gezondheid 100% data_set", ecosystem="gezondheid", created="2024-09-09"),
    ]
    return [store.create(make_assessment(i, **spec), "Anna") for i, spec in enumerate(specs)]


def test_list_filters_sorts_and_pages(store):
    records = _seed(store)
    store.set_status(records[1].id, Status.TER_REVIEW, "Bram", based_on=1)
    no_advice = records[2].assessment.model_copy(update={"answers": {"q1": {"answer": "x"}}})
    store.save(records[2].id, no_advice, "Bram", based_on=1)

    def titles(**query):
        return [s.title for s in store.list(ListQuery(**query)).items]

    assert store.list().total == 5
    assert titles(ecosystem="elektronica") == ["Micro-elektronica Eindhoven"]
    assert titles(status="ter_review") == ["Micro-elektronica Eindhoven"]
    assert titles(author="B. Jansen") == ["Micro-elektronica Eindhoven"]
    assert titles(phase="notificatie") == ["Cloud-infrastructuur"]
    assert set(titles(year=2023)) == {"Micro-elektronica Eindhoven", "Cloud-infrastructuur"}
    assert "Cloud-infrastructuur" not in titles(advice="deelnemen") and len(titles(advice="deelnemen")) == 4
    assert titles(text="ÉNERGIE batterijen") == ["Énergie en batterijen"]  # words combined with AND
    assert titles(text="rotter") == ["Waterstof Rotterdam"]
    assert titles(text="100%") == ["Gezondheid 100% data_set"]
    assert titles(text="%") == []  # no word in it: nothing matches (no wildcard)
    assert titles(author="b. JANS") == ["Micro-elektronica Eindhoven"]  # part of the name, any case
    assert titles(sort="title", descending=False)[0] == "Cloud-infrastructuur"
    assert titles(sort="updated")[:2] == ["Cloud-infrastructuur", "Micro-elektronica Eindhoven"]
    page = store.list(ListQuery(sort="created", descending=False, offset=2, limit=2))
    assert page.total == 5 and [s.title for s in page.items] == ["Cloud-infrastructuur", "Énergie en batterijen"]
    assert page.has_more
    summary = store.list(ListQuery(ecosystem="elektronica")).items[0]
    assert (summary.revision, summary.advice, summary.year, summary.ipcei) == (2, "deelnemen", 2023, "Hy2Infra")
    assert summary.updated_at.tzinfo is UTC
    with pytest.raises(ValueError):
        ListQuery(sort="document")
    with pytest.raises(ValueError):
        ListQuery(status="bijna klaar")


def test_list_reads_no_documents(store):
    _seed(store)
    statements = []

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        store.list(ListQuery(text="water", ecosystem="hernieuwbare_energie"))
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    queries = [s for s in statements if "assessments" in s]
    assert len(queries) == 1  # a text search: the page and its total in one statement
    assert not any("document" in s or "revisions" in s for s in statements)


def test_archive_and_restore(store):
    record = store.create(make_assessment(), "Anna")
    store.archive(record.id, "Bram")
    assert store.list().total == 0
    assert store.list(ListQuery(include_archived=True)).total == 1
    assert [s.id for s in store.list(ListQuery(archived_only=True)).items] == [record.id]
    with pytest.raises(ArchivedError) as caught:
        store.save(record.id, edited(record.assessment, "x"), "Anna", based_on=1)
    assert caught.value.unsaved is not None
    with pytest.raises(ArchivedError):
        store.archive(record.id, "Bram")
    restored = store.restore(record.id, "Bram")
    assert not restored.archived and store.list().total == 1
    store.save(record.id, edited(record.assessment, "x"), "Anna", based_on=1)
    actions = [e.action for e in store.audit(record.id)]
    assert actions == ["saved", "restored", "archived", "created"]
    assert store.verify() == []


def test_duplicate_makes_a_new_concept(store):
    record = store.create(make_assessment(status="ter_review"), "Anna")
    copy = store.duplicate(record.id, "Bram")
    assert copy.id != record.id and copy.revision == 1
    assert copy.assessment.meta.title == "Waterstofketen 0 (kopie)"
    assert copy.status is Status.CONCEPT and copy.created_by == "Bram"
    assert copy.assessment.answers == record.assessment.answers
    entry = store.audit(copy.id)[0]
    assert entry.action == "duplicated" and entry.detail["from"] == record.id


def test_set_status_appends_a_revision_and_an_audit_entry(store):
    record = store.create(make_assessment(), "Anna")
    changed = store.set_status(record.id, "ter_review", "Anna", based_on=1)
    assert changed.status is Status.TER_REVIEW and changed.revision == 2
    assert store.history(record.id)[-1].kind == "status_changed"
    entry = store.audit(record.id)[0]
    assert entry.action == Action.STATUS_CHANGED
    assert (entry.detail["from_status"], entry.detail["status"]) == ("concept", "ter_review")
    with pytest.raises(RevisionConflict):
        store.set_status(record.id, "vastgesteld", "Bram", based_on=1)


def test_audit_log_and_events(store):
    record = store.create(make_assessment(), "Anna")
    entry = store.record_event(record.id, "exported", "Bram", {"format": "pdf"})
    assert entry.action == "exported" and entry.detail == {"format": "pdf"}
    store.record_event(None, "signed_off", "Carla", {"note": "batch"})
    log = store.audit()
    assert [e.action for e in log] == ["signed_off", "exported", "created"]
    assert [e.seq for e in log] == [3, 2, 1]
    assert log[0].previous_hash == log[1].hash and log[0].at.tzinfo is UTC
    assert [e.action for e in store.audit(record.id)] == ["exported", "created"]
    with pytest.raises(NotFoundError):
        store.record_event("b" * 32, "exported", "Bram", {})
    with pytest.raises(ValueError):
        store.record_event(record.id, "DROP TABLE", "Bram", {})
    with pytest.raises(ValueError):
        store.record_event(record.id, "exported", "Bram", {"x": object()})
    exported = store.export(record.id, by="Dirk")
    assert exported == record.assessment and store.audit(limit=1)[0].by == "Dirk"


def test_framework_versions_are_kept(store, tmp_path, monkeypatch):
    record = store.create(make_assessment(), "Anna")
    [info] = store.frameworks()
    assert info.key == f"afwegingskader-ipcei@{CURRENT_VERSION}"
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT text FROM frameworks")).scalar_one()
    assert kept == DEFAULT_FRAMEWORK.read_text(encoding="utf-8")  # the YAML file itself
    # questions.yaml moves on to a new version: the old assessment still opens, renders and saves
    revised = tmp_path / "questions.yaml"
    revised.write_text(kept.replace(f"\nversion: {CURRENT_VERSION}\n", "\nversion: 2030-01\n"), encoding="utf-8")
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(revised))
    framework = store.framework_for(store.get(record.id))
    assert framework.key == f"afwegingskader-ipcei@{CURRENT_VERSION}" and framework.question("q14") is not None
    saved = store.save(record.id, edited(record.assessment, "later"), "Anna", based_on=1)
    assert saved.framework_key == f"afwegingskader-ipcei@{CURRENT_VERSION}"
    data = make_assessment().model_dump(mode="json")
    data["framework"]["version"] = "2030-01"
    new = store.create(Assessment.model_validate(data), "Anna")
    assert new.framework_key == "afwegingskader-ipcei@2030-01"
    assert sorted(f.version for f in store.frameworks()) == [CURRENT_VERSION, "2030-01"]


def test_revisions_and_audit_log_are_append_only_in_the_database(store):
    record = store.create(make_assessment(), "Anna")
    for sql in (
        "UPDATE revisions SET saved_by = 'Mallory'",
        "DELETE FROM revisions",
        "UPDATE audit_log SET acted_by = 'Mallory'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert store.history(record.id)[0].by == "Anna" and store.verify() == []


def _two_saved(store):
    record = store.create(make_assessment(), "Anna")
    store.save(record.id, edited(record.assessment, "twee"), "Bram", based_on=1)
    store.save(record.id, edited(record.assessment, "drie"), "Carla", based_on=2)
    other = store.create(make_assessment(9), "Dirk")
    return record.id, other.id


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["UPDATE revisions SET document = replace(document, 'twee', 'TWEE') WHERE number = 2"], "document was"),
        (["UPDATE revisions SET saved_by = 'Mallory' WHERE number = 2"], "revision record was changed"),
        (["DELETE FROM revisions WHERE number = 2 AND assessment_id = :a"], "removed or reordered"),
        (
            [
                "UPDATE revisions SET number = 99 WHERE number = 1 AND assessment_id = :a",
                "UPDATE revisions SET number = 1 WHERE number = 2 AND assessment_id = :a",
                "UPDATE revisions SET number = 2 WHERE number = 99 AND assessment_id = :a",
            ],
            "revision 1: does not follow",
        ),
        (["DELETE FROM revisions WHERE number = 3 AND assessment_id = :a"], "head says revision 3"),
        (["UPDATE assessments SET title = 'Andere titel' WHERE id = :a"], "head row differs"),
        (["UPDATE assessments SET archived = true WHERE id = :a"], "archived flag"),
        (["UPDATE audit_log SET acted_by = 'Mallory' WHERE seq = 2"], "audit entry 2: the entry was changed"),
        (["DELETE FROM audit_log WHERE seq = 2"], "audit entry 3: expected entry 2"),
        (["DELETE FROM audit_log WHERE seq = 4"], "entries at the end were removed"),
        (
            [
                "UPDATE audit_log SET seq = 99 WHERE seq = 1",
                "UPDATE audit_log SET seq = 1 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 99",
            ],
            "audit entry 1: does not follow",
        ),
    ],
)
def test_verify_reports_changed_removed_and_reordered_rows(store, statements, expected):
    first, _ = _two_saved(store)
    assert store.verify() == []
    tamper(store, *[(sql, {"a": first}) for sql in statements])
    problems = store.verify()
    assert any(expected in p for p in problems), problems


def test_summary_columns_match_the_summary_fields():
    import dataclasses

    from framework.store import Summary
    from framework.store.rows import SUMMARY_COLUMNS

    assert [c.name for c in SUMMARY_COLUMNS] == [f.name for f in dataclasses.fields(Summary)]
