"""A revised framework without a code change (issue 14), and old assessments kept under their own version.

The revision (tests/revision_support.py) lives in a temporary folder: a named part C, a question with a number,
an integer and a date field, a rule with ``lt`` and one comparing two fields, reworded guidance of Q2. The
commands run on a new and an old assessment side by side; the old one keeps its own version.
"""

from __future__ import annotations

import copy
import shutil

import pytest
from gate_support import APPROVER, reviewed
from revision_support import (
    NEW_VERSION,
    OLD_VERSION_FILE,
    Q2_GUIDANCE,
    new_answers,
    revised_data,
    write_revision,
)

from framework import workflow as wf
from framework.cli import EXIT_INVALID, EXIT_OK, main
from framework.compare.sides import build
from framework.errors import InputError
from framework.loading import ROOT, framework_from_data, load_assessment, load_framework
from framework.store import open_store
from framework.yamlio import dump_yaml, read_file

OLD = ROOT / "examples" / "ipcei-waterstof.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def revision(tmp_path):
    """The revised framework written in a temporary folder, and a new assessment answering it."""
    path = write_revision(tmp_path / "herzien")
    data, _ = read_file(OLD)
    data["framework"]["version"] = NEW_VERSION
    data["meta"]["title"] = "Waterstof, herzien kader"
    data["answers"]["q15"] = new_answers()
    new = tmp_path / "nieuw.yaml"
    new.write_text(dump_yaml(data), encoding="utf-8")
    return path, new


def test_validate_checks_an_assessment_against_the_framework_named_in_the_same_command(capsys, revision):
    path, new = revision
    code, out, err = run(capsys, "validate", str(path), str(new), str(OLD))
    assert code == EXIT_OK, err
    assert f"{path}: valid framework" in out and f"{new}: valid assessment" in out and f"{OLD}: valid assessment" in out
    code, _out, err = run(capsys, "validate", str(new))  # without the framework file: not available, said so
    assert code == EXIT_INVALID
    assert f"afwegingskader-ipcei@{NEW_VERSION} is not available" in err and "IPCEI_FRAMEWORKS_DIR" in err


def test_check_render_extract_and_compare_old_and_new_side_by_side(capsys, revision, tmp_path, monkeypatch):
    path, new = revision
    shutil.copy(OLD_VERSION_FILE, path.parent)  # the folder of framework files holds the old version too
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(path.parent))  # the folder of framework files
    code, out, err = run(capsys, "check", str(new), "--lang", "nl")
    assert code == EXIT_OK, err
    assert "kleiner" not in out and "Het Nederlandse aandeel is klein" in out  # lt 10 on 7,5 %
    assert "De gevraagde steun is groter dan het financieringstekort." in out  # 50 mln > 35 mln
    code, out, _ = run(capsys, "check", str(OLD))
    assert code == EXIT_OK and "aandeel" not in out

    html_new, html_old = tmp_path / "nieuw.html", tmp_path / "oud.html"
    pdf_new = tmp_path / "nieuw.pdf"
    assert run(capsys, "render", str(new), "--html", str(html_new), "-o", str(pdf_new))[0] == EXIT_OK
    assert run(capsys, "render", str(OLD), "--html", str(html_old))[0] == EXIT_OK
    new_html, old_html = html_new.read_text(), html_old.read_text()
    assert "C Economische veiligheid: Is de waardeketen weerbaar?" in new_html
    assert "7,5%" in new_html and "12 fte" in new_html and "31-03-2026" in new_html
    assert "€ 7,5" not in new_html and "€ 12 fte" not in new_html  # no euro sign on a percentage or a count
    assert "€ 50.000.000" in new_html and Q2_GUIDANCE in new_html
    assert "Economische veiligheid" not in old_html and Q2_GUIDANCE not in old_html and "2022-07" in old_html

    extracted = tmp_path / "terug.yaml"  # a concept, not an advice: --force
    assert run(capsys, "extract", str(pdf_new), "-o", str(extracted), "--force")[0] == EXIT_OK
    back, framework = load_assessment(extracted, framework=load_framework(path))
    assert back.answers["q15"] == new_answers() and framework.version == NEW_VERSION

    old_assessment, old_framework = load_assessment(OLD)
    new_assessment, new_framework = load_assessment(new, framework=load_framework(path))
    for lang, wanted in (
        ("nl", "1 vraag staat niet in elke versie van het kader."),
        ("en", "1 question is not in every framework version."),
    ):
        comparison = build([(old_assessment, old_framework), (new_assessment, new_framework)], lang=lang)
        assert comparison.summary.questions == 17  # 16 of 2022-07 and q15
        assert comparison.summary.text(lang).endswith(wanted)
        row = comparison.row("q15", "share_nl")
        assert (
            row is not None
            and not row.cells[0].applicable
            and row.cells[1].text == ("7,5%" if lang == "nl" else "7.5%")
        )
    csv_out = tmp_path / "vergelijk.csv"
    code, _out, err = run(capsys, "compare", str(OLD), str(new), "-o", str(csv_out))
    assert code == EXIT_OK, err
    assert "7,5%" in csv_out.read_text(encoding="utf-8")


def test_an_old_assessment_under_a_new_default_uses_the_stored_copy(capsys, revision, monkeypatch):
    """The old version is in no file any more, only in the database: commands still use it, never the new one."""
    path, _new = revision
    store = open_store()
    record = store.create(load_assessment(OLD)[0], "Tester")
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))  # the revision is now the default; 2022-07 is no file
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(path.parent / "leeg"))
    monkeypatch.setattr("framework.loading.DEFAULT_FRAMEWORK", path)
    exported = path.parent / "oud.yaml"
    assert run(capsys, "db", "export", record.id, "-o", str(exported), "--by", "T")[0] == EXIT_OK
    code, out, err = run(capsys, "check", str(exported))
    assert code == EXIT_OK, err
    assert "aandeel" not in out
    assert store.framework_for(store.get(record.id)).version == "2022-07"
    code, _out, err = run(capsys, "schema", "--version", "2022-07")
    assert code == EXIT_OK and "q15" not in _out and "afwegingskader-ipcei:2022-07" in _out


def test_upgrade_shows_the_plan_then_moves_with_a_revision_and_an_audit_entry(capsys, revision, monkeypatch):
    path, _new = revision
    store = open_store()
    record = store.create(load_assessment(OLD)[0], "Tester")
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))
    code, out, err = run(capsys, "upgrade", record.id, "--to", NEW_VERSION, "--dry-run", "--by", "T")
    assert code == EXIT_OK, err
    assert "+ q15" in out and "~ q2" in out and "[guidance]" in out and "dropped (0)" in out
    assert store.get(record.id).revision == 1  # a dry run changes nothing
    code, out, err = run(capsys, "upgrade", record.id, "--to", NEW_VERSION, "--by", "T")
    assert code == EXIT_OK, err
    after = store.get(record.id)
    assert after.revision == 2 and after.framework_key == f"afwegingskader-ipcei@{NEW_VERSION}"
    assert after.assessment.answers == load_assessment(OLD)[0].answers  # every answer carried over
    assert store.history(record.id)[-1].kind == "upgraded"
    entry = store.audit(record.id, limit=1)[0]
    assert entry.action == "upgraded" and entry.detail["from"].endswith("2022-07") and entry.detail["new"] == ["q15"]
    assert store.verify() == []
    code, _out, err = run(capsys, "upgrade", record.id, "--to", "2031-01", "--by", "T")
    assert code == EXIT_INVALID and "2031-01" in err


def test_a_signed_off_assessment_is_upgraded_only_through_a_new_version(capsys, revision, monkeypatch):
    path, _new = revision
    store = open_store()
    # vastgesteld only through a sign-off: submitted, completely reviewed, signed off
    record = wf.sign_off(store, reviewed(store, OLD), APPROVER)
    assert store.get(record.id).status == "vastgesteld"
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))
    code, _out, err = run(capsys, "upgrade", record.id, "--to", NEW_VERSION, "--by", "T")
    assert code == EXIT_INVALID and "new version" in err
    assert store.get(record.id).framework_key.endswith("2022-07")


# --- bad input: each a clear message with file, line and field ----------------------------------------------


def _framework_problem(data, tmp_path) -> str:
    path = write_revision(tmp_path / "slecht", data)
    with pytest.raises(InputError) as caught:
        load_framework(path)
    return str(caught.value)


def _q15_field(data, field_id):
    return next(f for f in data["parts"][-2]["questions"][0]["fields"] if f["id"] == field_id)


def test_a_unit_on_a_text_field_is_refused_naming_the_question(tmp_path):
    data = revised_data()
    _q15_field(data, "answer")["unit"] = "%"
    message = _framework_problem(data, tmp_path)
    assert "parts[4].questions[0].fields[0].unit" in message and "question q15, field answer" in message
    assert "unit is only for a number or integer field" in message
    assert message.split(":")[1].isdigit()  # the line


@pytest.mark.parametrize(
    ("when", "wanted"),
    [
        ({"field": "q12.private_investment_eur", "count_lt": 4}, "allowed: equals, empty, lt, lte, gt, gte, between"),
        ({"field": "q15.answer", "lt": 4}, "'lt' does not fit q15.answer, a text field; allowed: equals, in"),
        ({"field": "q15.decision_date", "lt": "31-02-2026"}, "'31-02-2026' is not a date that exists"),
        ({"field": "q15.share_nl", "lt": {"field": "q15.decision_date"}}, "cannot be compared with q15.decision_date"),
        ({"field": "q15.share_nl", "between": [50, 10]}, "the lower bound first"),
    ],
)
def test_an_operator_that_does_not_fit_the_field_type_is_refused(tmp_path, when, wanted):
    data = revised_data()
    data["rules"]["consistency"][-1]["when"] = when
    message = _framework_problem(data, tmp_path)
    assert wanted in message and "rule aid-above-gap" in message


def test_between_and_date_comparisons_hold_and_not(tmp_path):
    from framework.rules import check

    data = revised_data()
    data["rules"]["consistency"][-1]["when"] = {
        "all": [
            {"field": "q15.share_nl", "between": [5, 10]},
            {"field": "q15.decision_date", "lt": "2026-06-30"},
        ]
    }
    framework = framework_from_data(data, "herzien")
    assessment, _ = load_assessment(OLD)
    answers = copy.deepcopy(assessment.answers) | {"q15": new_answers()}
    fires = assessment.model_copy(
        update={"answers": answers, "framework": assessment.framework.model_copy(update={"version": NEW_VERSION})}
    )
    assert "aid-above-gap" in [f.rule for f in check(framework, fires).consistency]
    later = copy.deepcopy(answers)
    later["q15"]["decision_date"] = "2026-07-01"
    quiet = fires.model_copy(update={"answers": later})
    assert "aid-above-gap" not in [f.rule for f in check(framework, quiet).consistency]
    lower_aid = copy.deepcopy(answers)
    lower_aid["q15"]["aid_requested_eur"] = 35_000_000  # equal to the gap: gt does not hold
    assert "share-low" in [
        f.rule
        for f in check(
            load_framework(write_revision(tmp_path)), fires.model_copy(update={"answers": lower_aid})
        ).consistency
    ]
    assert "aid-above-gap" not in [
        f.rule
        for f in check(
            load_framework(write_revision(tmp_path)), fires.model_copy(update={"answers": lower_aid})
        ).consistency
    ]


@pytest.mark.parametrize(
    ("field", "value", "wanted"),
    [
        ("share_nl", 150, "less than or equal to 100"),
        ("share_nl", "62", "valid number"),
        ("staff", 2.5, "valid integer"),
        ("decision_date", "31-02-2026", "'31-02-2026' is not a date that exists"),
        ("decision_date", "2026-02-31", "'2026-02-31' is not a date that exists"),
        ("decision_date", "ooit", "'ooit' is not a date that exists"),
    ],
)
def test_bad_values_are_refused_with_file_line_and_field(capsys, revision, field, value, wanted):
    path, new = revision
    data, _ = read_file(new)
    data["answers"]["q15"][field] = value
    new.write_text(dump_yaml(data), encoding="utf-8")
    code, _out, err = run(capsys, "validate", str(path), str(new))
    assert code == EXIT_INVALID
    line = next(i for i, text in enumerate(new.read_text().splitlines(), 1) if text.strip().startswith(f"{field}:"))
    assert f"{new}:{line}: answers.q15.{field}: " in err and wanted in err


def test_a_version_that_collides_with_another_content_is_refused(capsys, tmp_path, monkeypatch):
    data = revised_data()
    data["version"] = "2022-07"  # the version of the examples (kept in frameworks/), with other content
    folder = tmp_path / "kaders"
    path = write_revision(folder, data)
    shutil.copy(OLD_VERSION_FILE, folder)  # the folder of framework files holds the true 2022-07 too
    code, _out, err = run(capsys, "validate", str(path))
    assert code == EXIT_INVALID
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("version:"))
    assert f"{path}:{line}: version: version 2022-07 of afwegingskader-ipcei is also" in err
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(folder))  # in the folder: every look-up says so
    code, _out, err = run(capsys, "check", str(OLD))
    assert code == EXIT_INVALID and f"{path}:{line}: version:" in err


def test_a_stored_version_with_other_content_is_refused_on_save(tmp_path, monkeypatch):
    store = open_store()
    store.create(load_assessment(OLD)[0], "Tester")
    data = revised_data()
    data["version"] = "2022-07"
    path = write_revision(tmp_path / "ander", data)
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(tmp_path / "leeg"))  # 2022-07 only in the database
    assessment = load_assessment(OLD, framework=load_framework(path))[0]
    with pytest.raises(InputError) as caught:
        open_store().create(assessment, "Tester")
    assert "stored already with different content" in str(caught.value) and str(path) in str(caught.value)


def test_the_assessment_schema_covers_number_integer_and_date(tmp_path):
    from framework.schema import assessment_schema

    schema = assessment_schema(load_framework(write_revision(tmp_path)))
    q15 = schema["$defs"]["Answers_q15"]["properties"]
    share = next(s for s in q15["share_nl"]["anyOf"] if s.get("type") != "null")
    staff = next(s for s in q15["staff"]["anyOf"] if s.get("type") != "null")
    day = next(s for s in q15["decision_date"]["anyOf"] if s.get("type") != "null")
    assert share == {"type": "number", "minimum": 0, "maximum": 100}
    assert staff == {"type": "integer", "minimum": 0}
    assert day["format"] == "date" and day["type"] == "string"
    types = schema_of_framework_field_types()
    assert {"number", "integer", "date"} <= set(types)


def schema_of_framework_field_types() -> list[str]:
    from framework.schema import framework_schema

    return framework_schema()["$defs"]["FieldType"]["enum"]


def test_a_stored_version_that_cannot_be_read_is_named_never_replaced(capsys, tmp_path):
    from sqlalchemy import update

    from framework.store.tables import frameworks

    store = open_store()
    record = store.create(load_assessment(OLD)[0], "Tester")
    with store.engine.begin() as conn:
        conn.execute(
            update(frameworks).where(frameworks.c.sha256 == record.framework_sha256).values(text="format: kapot\n")
        )
    code, _out, err = run(capsys, "render", record.id, "--html", str(tmp_path / "a.html"))
    assert code == EXIT_INVALID
    assert "the framework version afwegingskader-ipcei@2022-07 kept in the database cannot be read" in err
    assert not (tmp_path / "a.html").exists()


def test_upgrade_and_collision_on_sqlite_and_postgresql(store, tmp_path, monkeypatch):
    """The domain calls behind ``ipcei upgrade`` on both back ends: a revision, an audit entry, a refused twin."""
    from framework import upgrade

    record = store.create(load_assessment(OLD)[0], "Tester")
    path = write_revision(tmp_path / "herzien")
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(path.parent))
    saved, plan = upgrade.upgrade(store, record.id, load_framework(path), "Tester")
    assert [q.id for q in plan.new] == ["q15"] and [q.id for q in plan.changed] == ["q2"]
    assert saved.revision == 2 and store.framework_for(saved).version == NEW_VERSION
    assert store.framework_of_revision(record.id, 1).version == "2022-07"
    assert [e.action for e in store.audit(record.id, limit=1)] == ["upgraded"]
    assert store.verify() == []
    twin = revised_data()
    twin["parts"][0]["title"]["nl"] = "Een andere titel onder dezelfde versie"
    other = write_revision(tmp_path / "tweeling", twin)
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(other.parent))
    with pytest.raises(InputError) as caught:
        store.save(record.id, saved.assessment, "Tester", based_on=2)
    assert f"version {NEW_VERSION} of afwegingskader-ipcei is stored already with different content" in str(
        caught.value
    )
    assert store.get(record.id).revision == 2
