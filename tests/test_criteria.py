"""The Commission's criteria as data (criteria.yaml) and their coverage: the file, bad files, every example,
the phase-dependent finding, and the coverage in ``ipcei check``, the PDF and the Word document."""

from __future__ import annotations

import copy
import json
from io import BytesIO
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from framework.assessment import Assessment
from framework.cli.main import EXIT_INVALID, EXIT_OK, main
from framework.criteria import (
    KEY_FIGURES,
    Kind,
    Status,
    compute,
    coverage,
    criteria_path,
    identity,
    key_figure,
    load_criteria,
)
from framework.errors import InputError
from framework.gates import submit_blockers
from framework.loading import load_assessment
from framework.models import Severity
from framework.report.docx import render_docx
from framework.report.render import render_pdf
from framework.rules import check
from framework.yamlio import dump_yaml, read_file

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria.yaml"
EXAMPLES = ROOT / "examples"
# Section numbers of the Communication the criteria may cite, and the only point numbers a public source confirms
# (shared/domain/ipcei.md: section 3.2.3 points 23-24, section 4.3 point 48)
SECTIONS = {"3.1", "3.2.1", "3.2.2", "3.2.3", "4.1", "4.2", "4.3"}
POINTS = {("3.2.3", "23-24"), ("4.3", "48")}
# The criteria whose evidence is answers only (no key figure): their coverage per example is fixed
ANSWERS_ONLY = {
    "ipcei-cloud": dict.fromkeys(
        [
            "single-or-integrated-project",
            "union-objectives",
            "market-or-systemic-failure",
            "four-member-states",
            "spill-overs",
            "do-no-significant-harm",
            "no-undue-distortion",
        ],
        Status.COVERED,
    ),
    # a negative advice: the answers are there, but several speak against the criteria
    "ipcei-negatief-advies": {
        "single-or-integrated-project": Status.COVERED,
        "union-objectives": Status.COVERED,
        "market-or-systemic-failure": Status.PARTLY,  # q4: no failure, no task for government
        "four-member-states": Status.PARTLY,  # three member states
        "spill-overs": Status.PARTLY,  # no impact on knowledge expected
        "do-no-significant-harm": Status.COVERED,
        "no-undue-distortion": Status.PARTLY,  # the drawbacks outweigh the benefits
    },
    # a draft: q11, q13 and the conclusions are still open
    "ipcei-onvolledig": {
        "single-or-integrated-project": Status.COVERED,
        "union-objectives": Status.PARTLY,
        "market-or-systemic-failure": Status.PARTLY,
        "four-member-states": Status.PARTLY,
        "spill-overs": Status.PARTLY,
        "do-no-significant-harm": Status.NOT_COVERED,
        "no-undue-distortion": Status.NOT_COVERED,
    },
}
ANSWERS_ONLY["ipcei-micro-elektronica"] = ANSWERS_ONLY["ipcei-waterstof"] = ANSWERS_ONLY["ipcei-cloud"]


def loaded(name: str):
    return load_assessment(EXAMPLES / f"{name}.yaml")


def with_phase(assessment: Assessment, phase: str) -> Assessment:
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"phase": phase})})


def with_answer(assessment: Assessment, question: str, field: str, value) -> Assessment:
    answers = copy.deepcopy(assessment.answers)
    answers.setdefault(question, {})[field] = value
    return assessment.model_copy(update={"answers": answers})


# --- the file ------------------------------------------------------------------------------------------------


def test_the_file_loads_and_every_reference_resolves(framework):
    criteria = load_criteria(CRITERIA, framework)
    assert criteria_path() == CRITERIA
    assert criteria.framework == framework.id and criteria.key == "ipcei-mededeling-2021@2021-12"
    assert "2021/C 528/02" in criteria.source.reference and criteria.source.date == "2021-12-30"
    assert {c.kind for c in criteria.criteria} == set(Kind)  # every kind is there
    assert sum(c.kind is Kind.ELIGIBILITY for c in criteria.criteria) == 7  # the cumulative criteria of 3.2.1
    assert {c.section for c in criteria.criteria} <= SECTIONS
    assert {(c.section, c.point) for c in criteria.criteria if c.point} == POINTS
    for criterion in criteria.criteria:
        for ref in criterion.evidence:
            owner, name = ref.split(".", 1)
            if owner == "key_figures":
                assert name in KEY_FIGURES
            elif owner != "meta":
                assert framework.question(owner).field(name) is not None, (criterion.id, ref)
        if criterion.kind.cumulative:  # a complete assessment covers it at least partly without key figures
            assert any(not ref.startswith("key_figures.") for ref in criterion.evidence), criterion.id
    assert set(criteria.not_covered_severity) == {p.id for p in framework.phases}


def test_the_hash_is_of_the_content_not_the_comments(framework, tmp_path):
    criteria = load_criteria(CRITERIA, framework)
    copy_path = tmp_path / "criteria.yaml"
    copy_path.write_text("# another comment\n" + CRITERIA.read_text(encoding="utf-8"), encoding="utf-8")
    assert identity(load_criteria(copy_path, framework)) == identity(criteria)
    data, _ = read_file(CRITERIA)
    data["version"] = "2099-01"
    copy_path.write_text(dump_yaml(data), encoding="utf-8")
    assert identity(load_criteria(copy_path, framework)) != identity(criteria)
    assert len(identity(criteria)) == 64


# --- bad files: a clear error naming file, line and criterion ----------------------------------------------


def _problem(tmp_path: Path, framework, change) -> str:
    data, _ = read_file(CRITERIA)
    change(data)
    path = tmp_path / "criteria.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_criteria(path, framework)
    return "\n".join(str(p) for p in caught.value.problems)


def _line(tmp_path: Path, text: str) -> int:
    lines = (tmp_path / "criteria.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_an_unknown_key_is_refused(tmp_path, framework):
    message = _problem(tmp_path, framework, lambda d: d["criteria"][2].update(weight=3))
    line = _line(tmp_path, "weight: 3")
    assert f"criteria.yaml:{line}: criteria[2].weight: unknown field" in message
    assert "(criterion market-or-systemic-failure)" in message


def test_an_unknown_question_or_field_names_the_criterion(tmp_path, framework):
    message = _problem(tmp_path, framework, lambda d: d["criteria"][3]["evidence"].append("q99.answer"))
    line = _line(tmp_path, "q99.answer")
    assert f"criteria.yaml:{line}: criteria[3].evidence[3]: names the question 'q99'" in message
    assert "(criterion four-member-states)" in message
    message = _problem(tmp_path, framework, lambda d: d["criteria"][1]["evidence"].__setitem__(0, "q7.priorities"))
    assert "names the field 'q7.priorities', which does not exist in afwegingskader-ipcei@2022-07" in message
    assert "(criterion union-objectives)" in message


def test_an_unknown_key_figure_or_meta_field_is_refused(tmp_path, framework):
    message = _problem(tmp_path, framework, lambda d: d["criteria"][6]["evidence"].append("key_figures.profit_eur"))
    assert "names the key figure 'profit_eur'" in message and "(criterion cofinancing)" in message
    message = _problem(tmp_path, framework, lambda d: d["criteria"][3]["evidence"].append("meta.author"))
    assert "names meta.author" in message and "(criterion four-member-states)" in message


def test_a_duplicate_id_is_refused(tmp_path, framework):
    def duplicate(data):
        data["criteria"][4]["id"] = data["criteria"][3]["id"]

    message = _problem(tmp_path, framework, duplicate)
    lines = (tmp_path / "criteria.yaml").read_text(encoding="utf-8").splitlines()
    line = [n for n, text in enumerate(lines, 1) if text == "- id: four-member-states"][1]
    assert f"criteria.yaml:{line}: criteria[4].id: duplicate criterion id 'four-member-states'" in message


def test_a_contradiction_with_a_wrong_option_and_a_missing_phase_are_refused(tmp_path, framework):
    message = _problem(
        tmp_path, framework, lambda d: d["criteria"][1]["contradicted_when"][0]["when"].update(equals="misschien")
    )
    assert "criteria[1].contradicted_when[0].when: tests q7.common_interest for 'misschien'" in message
    assert "(criterion union-objectives)" in message
    message = _problem(tmp_path, framework, lambda d: d["not_covered_severity"].pop("afgerond"))
    assert "not_covered_severity: gives no severity for the phase(s) afgerond" in message
    message = _problem(tmp_path, framework, lambda d: d["not_covered_severity"].update(ontwerp="info"))
    assert "not_covered_severity.ontwerp: 'ontwerp' is not a phase" in message
    message = _problem(tmp_path, framework, lambda d: d["criteria"][0].update(point="pt. 23"))
    assert "criteria[0].point" in message
    message = _problem(tmp_path, framework, lambda d: d["criteria"][0].update(kind="nice-to-have"))
    assert "criteria[0].kind" in message and "(criterion single-or-integrated-project)" in message


def test_a_bad_criteria_file_stops_the_check_with_its_error(tmp_path, monkeypatch, framework):
    data, _ = read_file(CRITERIA)
    data["criteria"][0]["evidence"] = ["q3.nothing"]
    path = tmp_path / "kapot.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    monkeypatch.setenv("IPCEI_CRITERIA", str(path))
    assessment, _ = loaded("ipcei-cloud")
    with pytest.raises(InputError, match="criterion single-or-integrated-project"):
        check(framework, assessment)
    code = main(["validate", str(path)])
    assert code == EXIT_INVALID


# --- coverage of every example -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ANSWERS_ONLY))
def test_coverage_of_every_example(name):
    assessment, framework = loaded(name)
    found = coverage(framework, assessment)
    assert found is not None and len(found.items) == 17
    for criterion_id, status in ANSWERS_ONLY[name].items():
        assert found.item(criterion_id).status is status, criterion_id
    for item in found.items:
        answered = {e.ref for e in item.answered}
        # every answered piece of evidence is a value of the assessment, every missing one is empty
        for e in item.evidence:
            owner, field = e.ref.split(".", 1)
            value = (
                key_figure(assessment, field)
                if owner == "key_figures"
                else getattr(assessment.meta, field)
                if owner == "meta"
                else assessment.value(owner, field)
            )
            assert bool(value) is e.answered, (name, item.criterion.id, e.ref)
        if any(r.startswith("key_figures.") for r in item.criterion.evidence):
            assert item.status is not Status.COVERED or answered == set(item.criterion.evidence)
    counts = found.counts()
    assert sum(counts.values()) == 17


def test_a_complete_example_names_the_answers_that_cover_a_criterion():
    assessment, framework = loaded("ipcei-waterstof")
    item = coverage(framework, assessment).item("four-member-states")
    assert [e.ref for e in item.answered] == ["meta.member_states", "q6.verdict", "q7.member_state_support"]
    shown = {e.ref: e.value("nl") for e in item.answered}
    assert shown["q7.member_state_support"] == "Brede steun" and "Duitsland" in shown["meta.member_states"]
    assert item.as_dict("nl")["covered_by"] == ["meta.member_states", "q6.verdict", "q7.member_state_support"]
    cofinancing = coverage(framework, assessment).item("cofinancing")
    assert cofinancing.status is Status.PARTLY  # the answers are there; the key figure is not (yet)
    assert [e.ref for e in cofinancing.missing] == ["key_figures.cofinancing_pct"]


def test_a_contradicting_answer_makes_a_criterion_partly_covered():
    assessment, framework = loaded("ipcei-waterstof")
    assert coverage(framework, assessment).item("union-objectives").status is Status.COVERED
    changed = with_answer(assessment, "q7", "common_interest", "nee")
    item = coverage(framework, changed).item("union-objectives")
    assert item.status is Status.PARTLY and not item.missing
    assert [r("nl") for r in item.contradictions] == ["Vraag 7 zegt dat er geen gemeenschappelijk Europees belang is."]


def test_key_figures_count_once_the_assessment_carries_them():
    from datetime import date

    from framework.keyfigures import KeyFigures

    assessment, framework = loaded("ipcei-waterstof")
    with_share = assessment.model_copy(update={"key_figures": KeyFigures(cofinancing_pct=62.5)})
    item = coverage(framework, with_share).item("cofinancing")
    assert item.status is Status.COVERED
    assert item.answered[-1].value("nl") == "62,5%" and item.answered[-1].value("en") == "62.5%"
    with_call = assessment.model_copy(update={"key_figures": KeyFigures(eu_call_date=date(2021, 3, 15))})
    item = coverage(framework, with_call).item("open-design")
    assert item.status is Status.COVERED and item.answered[-1].value("nl") == "15-03-2021"
    assert key_figure(assessment, "cofinancing_pct") is None  # no block: nothing, no error


# --- the finding: a cumulative criterion not covered, its severity by phase --------------------------------

PHASES = [
    ("verkenning", Severity.INFO),
    ("pre_notificatie", Severity.WARNING),
    ("notificatie", Severity.ERROR),
    ("uitvoering", Severity.ERROR),
    ("afgerond", Severity.ERROR),
]


@pytest.mark.parametrize(("phase", "severity"), PHASES)
def test_a_cumulative_criterion_not_covered_is_a_finding_by_phase(phase, severity):
    assessment, framework = loaded("ipcei-onvolledig")
    result = check(framework, with_phase(assessment, phase))
    found = [f for f in result.consistency if f.rule == "criterion-cofinancing"]
    assert [f.severity for f in found] == [severity]
    assert found[0].questions == ("q12",)
    assert found[0].message("nl").startswith("Cumulatief criterium 3.2.1 «Belangrijke cofinanciering")
    assert "vraag 12 · Is het bedrijfsleven bereid te investeren?" in found[0].message("nl")
    assert found[0].message("en").startswith("Cumulative criterion 3.2.1 «Important co-financing")
    # not covered, but not cumulative (compatibility, section 4.2): shown in the coverage, no finding
    assert result.coverage.item("no-undue-distortion").status is Status.NOT_COVERED
    assert not any(f.rule == "criterion-no-undue-distortion" for f in result.consistency)


def test_no_finding_once_some_evidence_is_answered():
    assessment, framework = loaded("ipcei-onvolledig")
    answered = with_answer(with_phase(assessment, "notificatie"), "q12", "willingness", "ja")
    result = check(framework, answered)
    assert result.coverage.item("cofinancing").status is Status.PARTLY
    assert not any(f.rule == "criterion-cofinancing" for f in result.consistency)
    assert any(f.rule == "criterion-do-no-significant-harm" for f in result.consistency)


def test_the_complete_examples_have_no_criteria_finding():
    for name in ("ipcei-cloud", "ipcei-micro-elektronica", "ipcei-waterstof", "ipcei-negatief-advies"):
        assessment, framework = loaded(name)
        for phase, _severity in PHASES:
            result = check(framework, with_phase(assessment, phase))
            assert not [f for f in result.consistency if f.rule.startswith("criterion-")], (name, phase)


def test_at_notificatie_the_finding_blocks_a_plain_submission():
    assessment, framework = loaded("ipcei-onvolledig")
    blockers = submit_blockers(framework, with_phase(assessment, "notificatie"))
    assert {"criterion-cofinancing", "criterion-do-no-significant-harm"} <= {f.rule for f in blockers}
    early = submit_blockers(framework, with_phase(assessment, "pre_notificatie"))
    assert not any(f.rule.startswith("criterion-") for f in early)  # a warning there, no blocker


def test_criteria_for_another_framework_do_not_apply(framework):
    other = framework.model_copy(update={"id": "ander-kader"})
    assessment, _ = loaded("ipcei-onvolledig")
    assert coverage(other, assessment) is None
    assert check(other, assessment).coverage is None
    criteria = load_criteria(CRITERIA, framework)
    assert compute(criteria, framework, assessment).counts() == {"covered": 1, "partly": 12, "not_covered": 4}


# --- where the coverage is shown ---------------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_carries_the_coverage(capsys, framework):
    code, out, _ = run(capsys, "check", "--json", EXAMPLES / "ipcei-onvolledig.yaml")
    assert code == EXIT_OK
    data = json.loads(out)["criteria"]
    assert data["id"] == "ipcei-mededeling-2021" and data["version"] == "2021-12"
    assert data["sha256"] == identity(load_criteria(CRITERIA, framework))
    assert data["counts"] == {"covered": 1, "partly": 12, "not_covered": 4} and data["phase"] == "verkenning"
    by_id = {c["id"]: c for c in data["criteria"]}
    assert by_id["cofinancing"]["status"] == "not_covered" and by_id["cofinancing"]["cumulative"] is True
    assert by_id["four-member-states"]["covered_by"] == ["meta.member_states", "q6.verdict"]
    assert by_id["first-industrial-deployment"]["point"] == "23-24"
    assert by_id["union-objectives"]["name"] == {
        "nl": "Bijdrage aan doelstellingen van de Unie",
        "en": "Contribution to Union objectives",
    }
    code, out, _ = run(capsys, "check", "--json", "--lang", "en", EXAMPLES / "ipcei-onvolledig.yaml")
    assert json.loads(out)["criteria"]["criteria"][1]["name"] == "Contribution to Union objectives"


def test_check_text_has_a_short_coverage_block(capsys):
    code, out, _ = run(capsys, "check", EXAMPLES / "ipcei-onvolledig.yaml")
    assert code == EXIT_OK
    block = out.split("Dekking van de criteria van de Europese Commissie (ipcei-mededeling-2021 2021-12): ", 1)[1]
    assert block.startswith("1 gedekt, 12 deels gedekt, 4 niet gedekt (van 17)")
    assert "[niet gedekt] 3.2.1 Belangrijke cofinanciering door de begunstigden: Ontbreekt: vraag 12" in block
    assert "Tegenspraak: Vraag 4 noemt geen markt- of transformatiefalen." in block
    assert "Eén project of een geïntegreerd project" not in block  # covered: not listed
    code, out, _ = run(capsys, "check", "--lang", "en", EXAMPLES / "ipcei-onvolledig.yaml")
    assert "[not covered] 4.2 No undue distortion of competition and trade" in out


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_has_the_coverage_section_and_the_criteria_hash(framework):
    assessment, _ = loaded("ipcei-onvolledig")
    pdf = render_pdf(assessment, framework, lang="nl")
    text = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    assert "Dekking van de criteria van de Europese Commissie" in text
    assert "1 gedekt, 12 deels gedekt, 4 niet gedekt (van 17)" in text
    assert "Belangrijke cofinanciering door de begunstigden" in text and "afdeling 3.2.3, punt 23-24" in text
    assert "Tegenspraak: Vraag 4 noemt geen markt- of transformatiefalen." in text
    assert "ipcei-mededeling-2021 2021-12" in text
    sha = identity(load_criteria(CRITERIA, framework))
    assert sha in text.replace(" ", "")  # the colophon prints the criteria's SHA-256 beside the framework's
    english = render_pdf(assessment, framework, lang="en")
    english = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(english)).pages))
    assert "Coverage of the European Commission's criteria" in english and "4 not covered (of 17)" in english


def test_the_word_document_has_the_coverage_section(framework):
    assessment, _ = loaded("ipcei-waterstof")
    for variant in ("advies", "beslisnota"):
        document = docx.Document(BytesIO(render_docx(assessment, framework, lang="en", variant=variant)))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert "Coverage of the European Commission's criteria" in headings
        paragraphs = [p.text for p in document.paragraphs]
        assert "7 covered, 10 partly covered, 0 not covered (of 17)" in paragraphs
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "Criterion")
        assert len(table.rows) == 18  # the header and one row per criterion
        row = next(r for r in table.rows if "At least four member states" in r.cells[0].text)
        assert row.cells[1].text == "covered" and "Germany" in row.cells[2].text
        sha = identity(load_criteria(CRITERIA, framework))
        assert any(p.startswith("Criteria: ") and sha in p for p in paragraphs)


def test_a_criterion_not_covered_leaves_an_untouched_step_empty(framework):
    """In notificatie a new assessment has every cumulative criterion open (errors), yet no step counts as done."""
    from framework import draft
    from framework.draft import StepState

    assessment, _ = loaded("ipcei-onvolledig")
    empty = with_phase(assessment.model_copy(update={"answers": {}}), "notificatie")
    result = check(framework, empty)
    assert {f.severity for f in result.consistency if f.rule.startswith("criterion-")} == {Severity.ERROR}
    # seven cumulative criteria; two rest also on the member states the general data already names
    assert len([f for f in result.consistency if f.rule.startswith("criterion-")]) == 5
    states = draft.step_states(framework, empty, result)
    assert states["q12"] == StepState.EMPTY and draft.progress(states) == (0, len(framework.questions()))
