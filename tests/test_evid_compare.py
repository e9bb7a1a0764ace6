"""The evidence register in the compare: side by side, cited ids beside the verdict, CSV, PDF, CLI, revisions, since."""

from __future__ import annotations

import io
import json
from datetime import date

from evid_support import ASSUMPTION, CITATIONS_A, REGISTER_A, SOURCE, pair, with_register
from pypdf import PdfReader

from framework.cli import EXIT_OK, main
from framework.compare.export import csv_rows, render_html, render_pdf
from framework.compare.matrix import build_matrix
from framework.compare.revisions import attribute, changes
from framework.compare.sections import presence, register_counts
from framework.compare.sides import RowStatus, Subject, build
from framework.compare.since import since
from framework.evidence import AssumptionStatus
from framework.yamlio import dump_yaml

B2_LABEL = "[B2] Marktanalyse <b>cloud</b> & edge"


def _layer(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_register_side_by_side_same_different_and_only_in_one():
    comparison = build(pair())
    rows = {r.field_id: r for r in comparison.register}
    assert list(rows) == ["B1", "A1", "B2", "L1"]  # the first register's order, B2 after its predecessor A1
    assert rows["B1"].status is RowStatus.SAME
    assert rows["A1"].status is RowStatus.DIFFERENT
    assert [c.text for c in rows["A1"].cells] == [
        "aanname (open): Drie Nederlandse bedrijven doen mee aan de call",
        "aanname (bevestigd): Drie Nederlandse bedrijven doen mee aan de call",
    ]
    assert rows["B1"].cells[0].text.splitlines()[1] == "Kamerstuk 29 826, nr. 147 · 2022-07-08"
    assert rows["B2"].cells[0].empty and rows["B2"].label == B2_LABEL  # user text as written, never markup here
    letters = ["A", "B"]
    assert [presence(rows[i], letters, "nl") for i in rows] == ["gelijk", "verschilt", "alleen in B", "alleen in A"]
    assert presence(rows["L1"], letters, "en") == "only in A"
    assert register_counts(comparison.register) == {"same": 1, "different": 1, "partial": 2}
    assert [r.field_id for r in comparison.register_shown(only_differences=True)] == ["A1", "B2", "L1"]


def test_three_assessments_name_which_ones_hold_an_entry():
    third = with_register("ipcei-micro-elektronica", [SOURCE], {})
    comparison = build([*pair(), third])
    rows = {r.field_id: r for r in comparison.register}
    assert presence(rows["A1"], ["A", "B", "C"], "nl") == "alleen in A en B"
    assert presence(rows["B1"], ["A", "B", "C"], "nl") == "gelijk"


def test_each_question_shows_the_ids_it_cites_beside_its_verdict():
    comparison = build(pair())
    q14 = comparison.question("q14")
    keys = [r.field_id for r in q14.rows]
    assert keys.index("cited") == keys.index("advice") + 1  # right after the verdict
    cited = next(r for r in q14.rows if r.field_id == "cited")
    assert [c.text for c in cited.cells] == ["[A1]", "[A1], [B2]"] and cited.differs
    q12 = next(r for r in comparison.question("q12").rows if r.field_id == "cited")
    assert [c.text for c in q12.cells] == ["[A1], [B1]", "[A1]"]
    assert all(r.field_id != "cited" for r in comparison.question("q9").rows)  # no one cites anything there
    rows = {r.key: r for r in build_matrix(comparison).rows}
    assert [c.text for c in rows["q14.cited"].cells] == ["[A1]", "[A1], [B2]"] and rows["q14.cited"].kind == "citations"
    keys = list(rows)
    assert keys.index("q14.cited") == keys.index("q14.advice") + 1


def test_the_same_citations_in_another_order_are_the_same_and_no_register_means_no_section():
    a = with_register("ipcei-waterstof", REGISTER_A, {"q12": ["B1", "A1"]})
    b = with_register("ipcei-waterstof", REGISTER_A, CITATIONS_A)
    comparison = build([a, b])
    q12 = next(r for r in comparison.question("q12").rows if r.field_id == "cited")
    assert q12.status is RowStatus.SAME
    assert all(r.status is RowStatus.SAME for r in comparison.register)
    from compare_support import examples

    plain = build(examples("ipcei-waterstof", "ipcei-cloud"))
    assert plain.register == ()
    assert all(r.field_id != "cited" for q in plain.questions for r in q.rows)
    assert all(r.kind != "citations" for r in build_matrix(plain).rows)
    assert "Onderbouwing (register)" not in render_html(plain)


def test_the_csv_has_the_register_section():
    rows = csv_rows(build(pair()))
    register = [r for r in rows if r[0] == "Onderbouwing (register)"]
    assert [r[3] for r in register] == ["B1", "A1", "B2", "L1"]
    b2 = next(r for r in register if r[3] == "B2")
    assert b2[4] == B2_LABEL and b2[5] == "alleen in B" and b2[6] == "niet in het register"
    assert b2[7] == "bron: Marktanalyse <b>cloud</b> & edge\n=HYPERLINK(1)"
    cited = next(r for r in rows if r[1] == "q14" and r[3] == "cited")
    assert cited[4] == "Onderbouwing (register-id's)" and cited[6:] == ["[A1]", "[A1], [B2]"]


def test_the_compare_pdf_prints_the_register_escaped():
    comparison = build(pair())
    html = render_html(comparison)
    assert "Marktanalyse &lt;b&gt;cloud&lt;/b&gt; &amp; edge" in html and "<b>cloud</b>" not in html
    layer = _layer(render_pdf(comparison))
    section = layer[layer.rindex("Onderbouwing (register)") :]
    for expected in (
        "[B1] Kamerbrief strategisch en groen industriebeleid",
        "aanname (open)",
        "aanname (bevestigd)",
        "alleen in B",
        "alleen in A",
        "niet in het register",
        "Marktanalyse <b>cloud</b> & edge",
        "later bekend: Uitkomst van de nationale call",
    ):
        assert expected in section, expected
    assert "Onderbouwing (register-id's)" in layer and "[A1], [B2]" in layer


def _files(tmp_path) -> list[str]:
    paths = []
    for letter, (assessment, _) in zip("ab", pair(), strict=True):
        path = tmp_path / f"{letter}.yaml"
        path.write_text(dump_yaml(assessment.model_dump(mode="json", exclude_defaults=True)), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_ipcei_compare_says_the_register_counts_and_gives_json(tmp_path, capsys):
    a, b = _files(tmp_path)
    out = tmp_path / "v.csv"
    assert main(["compare", a, b, "-o", str(out), "--lang", "nl"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "Onderbouwing (register): 1 gelijk, 1 verschillend, 2 niet in elke beoordeling." in printed
    assert "alleen in B" in out.read_bytes().decode("utf-8-sig")
    assert main(["compare", a, b, "--json", "--lang", "en"]) == EXIT_OK
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    register = {r["id"]: r for r in data["register"]}
    assert register["B2"]["presence"] == "only in B" and register["B2"]["entries"]["A"] is None
    assert register["B2"]["entries"]["B"]["title"] == "Marktanalyse <b>cloud</b> & edge"
    assert (
        register["A1"]["entries"]["A"]["status"] == "open" and register["A1"]["entries"]["B"]["status"] == "bevestigd"
    )
    assert register["B1"]["status"] == "same" and data["summary"]["register"] == {
        "same": 1,
        "different": 1,
        "partial": 2,
    }
    q14 = next(q for q in data["questions"] if q["id"] == "q14")
    assert q14["cited"] == {"A": ["A1"], "B": ["A1", "B2"]}
    assert next(q for q in data["questions"] if q["id"] == "q9")["cited"] == {}
    # with a file as well, the JSON stays alone on stdout
    assert main(["compare", a, b, "--json", "-o", str(tmp_path / "v.pdf")]) == EXIT_OK
    captured = capsys.readouterr()
    assert json.loads(captured.out)["columns"][0]["letter"] == "A" and "wrote" in captured.err
    assert main(["compare", a, b]) == 2  # neither -o nor --json
    assert "--json" in capsys.readouterr().err


def test_revisions_show_register_entries_added_removed_and_a_status_that_changed():
    old = with_register("ipcei-waterstof", REGISTER_A, CITATIONS_A)
    confirmed = {**ASSUMPTION, "status": "bevestigd"}
    new_register = [SOURCE, confirmed, {"id": "B3", "kind": "bron", "title": "Nieuw rapport"}]
    new = with_register("ipcei-waterstof", new_register, {"q12": ["A1", "B1", "B3"], "q14": ["A1"]})
    found = changes(build([old, new]))
    register = {c.row.field_id: c.register for c in found if c.register}
    assert register == {"A1": "changed", "B3": "added", "L1": "removed"}
    a1 = next(c for c in found if c.row.key == "evidence.A1")
    assert "open" in "".join(s.text for s in a1.segments if s.op.value == "delete")
    assert "bevestigd" in "".join(s.text for s in a1.segments if s.op.value == "insert")
    assert [c.row.key for c in found if c.row.field_id == "cited"] == ["q12.cited"]
    assert all(c.register == "" for c in found if c.row.question_id != "evidence")
    # who changed it last: the step where the status went from open to bevestigd
    middle = with_register(
        "ipcei-waterstof", [SOURCE, ASSUMPTION, new_register[2]], {**CITATIONS_A, "q12": ["A1", "B1", "B3"]}
    )

    class Step:
        def __init__(self, number):
            self.number, self.by, self.at = number, f"persoon {number}", None

    who = attribute(["evidence.A1", "q12.cited"], old[0], [(Step(2), middle[0]), (Step(3), new[0])])
    assert who["evidence.A1"].number == 3 and who["q12.cited"].number == 2
    same = changes(build([old, old]))
    assert same == []


def test_since_the_signed_off_advice_names_the_register_changes():
    old = Subject(*with_register("ipcei-waterstof", REGISTER_A, CITATIONS_A))
    new_register = [SOURCE, {**ASSUMPTION, "status": "bevestigd"}, REGISTER_A[2]]
    new = Subject(*with_register("ipcei-waterstof", new_register, CITATIONS_A))
    found = since(old, new, signed_on=date(2024, 3, 1), signed_by="M. Jansen")
    [change] = found.extra["register"]
    assert change.label == "[A1] Drie Nederlandse bedrijven doen mee aan de call"
    assert "(open)" in change.was and "(bevestigd)" in change.now
    assert not found.verdicts and not found.texts  # the register is its own section, not a figure or a text
    lines = found.lines()
    assert "Onderbouwing (register)" in lines
    unchanged = since(old, old, signed_on=date(2024, 3, 1), signed_by="M. Jansen")
    assert unchanged.extra["register"] == () and unchanged.empty


def test_ipcei_compare_since_signed_off_prints_the_register_change(tmp_path, capsys):
    from gate_support import AUTHOR, example
    from phase_support import sign_off

    from framework import phases
    from framework import workflow as wf
    from framework.loading import assessment_from_data
    from framework.store import open_store

    url = f"sqlite:///{tmp_path / 'since.db'}"
    data = example().model_dump(mode="json")
    data["meta"]["phase"] = "verkenning"
    data.update(evidence=REGISTER_A, citations={"q12": ["A1", "B1"]})
    first, _ = assessment_from_data(data, "eerste.yaml")
    with open_store(url) as store:
        base = wf.create(store, first, AUTHOR).id
        sign_off(store, base)
        record = phases.start_next_phase(store, base, AUTHOR)
        a = record.assessment
        confirmed = AssumptionStatus.BEVESTIGD
        register = [e.model_copy(update={"status": confirmed}) if e.id == "A1" else e for e in a.evidence]
        wf.save(store, record.id, a.model_copy(update={"evidence": register}), AUTHOR, record.revision)
    pdf = tmp_path / "sinds.pdf"
    assert main(["compare", record.id[:8], "--since-signed-off", "-o", str(pdf), "--database", url]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "Onderbouwing (register)" in printed
    assert "aanname (open): Drie Nederlandse bedrijven doen mee aan de call → aanname (bevestigd)" in printed
    layer = _layer(pdf.read_bytes())
    start = layer.index("Wat is er veranderd sinds het vastgestelde advies")
    assert "aanname (bevestigd)" in layer[start:] and "Onderbouwing (register)" in layer[start:]
    assert main(["compare", record.id[:8], "--since-signed-off", "--json", "--database", url]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert "Onderbouwing (register)" in data["since"]
    assert {r["id"]: r["status"] for r in data["register"]} == {"B1": "same", "A1": "different", "L1": "same"}
