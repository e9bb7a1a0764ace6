"""Findings of the new-user walk (docs/newuser-walk.md), each with the test that fails before its fix.

Two realistic assessments the examples do not cover live in ``tests/data/newuser/``: Med4Cure (health,
pre-notificatie, fully consistent) and a battery IPCEI (notificatie) whose question 9 says state aid is not
necessary while the same question and the key figures record a demonstrated funding gap and aid requested.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER
from pypdf import PdfReader

from framework import state_aid
from framework import workflow as wf
from framework.assessment import Assessment, Status
from framework.cli import EXIT_OK, main
from framework.gates import GateError
from framework.loading import load_assessment
from framework.parafen import parafenlijst
from framework.report.signoff_sheet import review_rows
from framework.rules import check
from framework.versions import require

DATA = Path(__file__).resolve().parent / "data" / "newuser"
MED4CURE = DATA / "ipcei-med4cure.yaml"
BATTERIES = DATA / "ipcei-batterijen-inconsistent.yaml"
RULE = state_aid.RULE


def concept(path: Path) -> Assessment:
    assessment, _ = load_assessment(path)
    meta = assessment.meta.model_copy(update={"status": Status.CONCEPT, "author": AUTHOR.name})
    return assessment.model_copy(update={"meta": meta})


def variant(path: Path, q9: dict | None = None, **figures) -> Assessment:
    """The file with question 9's choices and key figures replaced as given (None removes a figure)."""
    data = concept(path).model_dump(mode="json")
    data["answers"]["q9"].update(q9 or {})
    data["key_figures"] = {**(data.get("key_figures") or {}), **figures}
    return Assessment.model_validate(data)


def state_aid_findings(framework, assessment):
    return [f for f in check(framework, assessment).consistency if f.rule == RULE]


# --- the two files: valid, complete, and what the checks say of them -------------------------------------------


def test_the_consistent_assessment_raises_no_finding_at_all(framework):
    result = check(framework, concept(MED4CURE))
    assert result.completeness == [] and result.consistency == []
    assert result.coverage is not None and result.coverage.counts()["covered"] == 17


def test_the_planted_contradiction_in_question_9_is_an_error_with_each_piece_of_evidence(framework):
    (finding,) = state_aid_findings(framework, concept(BATTERIES))
    assert finding.severity.value == "error" and finding.questions == ("q9",)
    assert finding.field == "q9.state_aid_necessary"
    nl, en = finding.message("nl"), finding.message("en")
    assert nl.startswith("Vraag 9 zegt dat staatssteun niet noodzakelijk is, terwijl dezelfde vraag een aantoonbare")
    assert "funding gap van € 140.000.000" in nl and "€ 95.000.000 gevraagde steun" in nl
    assert "€140,000,000" in en and "€95,000,000 of aid requested" in en


@pytest.mark.parametrize(
    ("q9", "figures", "named"),
    [
        ({"funding_gap": "aangetoond"}, {"funding_gap_eur": None, "aid_requested_eur": None}, ["aantoonbare"]),
        ({"funding_gap": "niet_aangetoond"}, {"funding_gap_eur": None}, ["gevraagde steun"]),
        ({"funding_gap": "aannemelijk"}, {"aid_requested_eur": None}, ["funding gap van € 140.000.000"]),
    ],
)
def test_it_fires_on_each_piece_of_evidence_alone(framework, q9, figures, named):
    (finding,) = state_aid_findings(framework, variant(BATTERIES, q9, **figures))
    assert all(words in finding.message("nl") for words in named)
    assert " en " not in finding.message("nl").split("Steun wordt")[0]  # one piece: no list


@pytest.mark.parametrize(
    ("q9", "figures"),
    [
        ({"state_aid_necessary": "ja"}, {}),  # aid necessary: gap and aid agree with it
        ({"state_aid_necessary": "deels"}, {}),
        # a gap the applicants claim but the officer does not accept, and no aid asked: consistent
        ({"funding_gap": "niet_aangetoond"}, {"aid_requested_eur": None}),
        ({"funding_gap": "aannemelijk"}, {"funding_gap_eur": None, "aid_requested_eur": None}),
        ({"funding_gap": "aannemelijk"}, {"funding_gap_eur": 0, "aid_requested_eur": 0}),  # zero is no gap
        ({"funding_gap": None}, {"funding_gap_eur": None, "aid_requested_eur": None}),  # not answered yet
    ],
)
def test_it_is_silent_where_question_9_does_not_contradict_itself(framework, q9, figures):
    assert state_aid_findings(framework, variant(BATTERIES, q9, **figures)) == []


def test_it_holds_without_a_key_figures_block_and_for_the_first_framework_version(framework):
    data = concept(BATTERIES).model_dump(mode="json")
    data.pop("key_figures")
    data["framework"]["version"] = "2022-07"
    data["answers"]["q11"] = {k: ("beperkt" if v == "positief" else v) for k, v in data["answers"]["q11"].items()}
    assessment = Assessment.model_validate(data)
    first = require("afwegingskader-ipcei", "2022-07")
    assert [f.rule for f in state_aid_findings(first, assessment)] == [RULE]


# --- every path in: the CLI check, submission and sign-off -------------------------------------------------------


def test_the_command_line_check_reports_it(capsys):
    assert main(["check", str(BATTERIES), "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["consistency"] if f["rule"] == RULE]
    assert len(found) == 1 and found[0]["severity"] == "error" and found[0]["questions"] == ["q9"]
    assert main(["check", str(MED4CURE), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["consistency"] == []


def test_the_contradiction_blocks_submission_and_sign_off_the_consistent_one_passes(store):
    record = store.create(concept(BATTERIES), AUTHOR.name)
    with pytest.raises(GateError) as refused:
        wf.submit(store, record.id, AUTHOR)
    assert refused.value.keys == ["gate_submit_blocked"]
    assert "Vraag 9 zegt dat staatssteun niet noodzakelijk is" in refused.value.message("nl")
    wf.submit(store, record.id, AUTHOR, reason="de funding gap wordt met de aanvragers besproken")
    verdicts = {q.id: ("acceptable", "") for q in store.framework_for(store.get(record.id)).questions()}
    wf.review(store, record.id, REVIEWER, verdicts)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert refused.value.keys == ["gate_signoff_errors"]
    assert store.get(record.id).assessment.meta.status == Status.TER_REVIEW

    good = store.create(concept(MED4CURE), AUTHOR.name)
    wf.submit(store, good.id, AUTHOR)
    wf.review(store, good.id, REVIEWER, verdicts)
    assert wf.sign_off(store, good.id, APPROVER).assessment.meta.status == Status.VASTGESTELD


# --- the reviewer's verdicts in the advice: in the order of the questions ----------------------------------------


def test_the_reviewers_verdicts_are_printed_in_the_order_of_the_questions(store, framework, tmp_path):
    record = store.create(concept(MED4CURE), AUTHOR.name)
    wf.submit(store, record.id, AUTHOR)
    ids = [q.id for q in store.framework_for(store.get(record.id)).questions()]
    given = {"q9": ("acceptable", "Funding gap nog aantonen"), "conclusion_b": ("to_improve", "Motiveer B2")}
    given |= {qid: ("acceptable", "") for qid in ids if qid not in given}  # a round that names q9 first
    wf.review(store, record.id, REVIEWER, given)
    headings = [row["question"] for row in review_rows(parafenlijst(store, record.id), framework, "nl")]
    assert headings[:3] == ["Vraag 1", "Vraag 2", "Vraag 3"] and headings[8] == "Vraag 9"
    assert headings[-3:] == ["Conclusie A", "Conclusie B", "Vraag 14"]
    # and in the advice PDF read back: Vraag 1 above Vraag 9 in the reviewer's table
    out = tmp_path / "advies.pdf"
    assert main(["render", record.id, "--database", store.url, "-o", str(out)]) == EXIT_OK
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    table = text[text.index("Oordelen en opmerkingen van de reviewer") :]
    assert table.index("Vraag 1 ") < table.index("Vraag 9 ") < table.index("Conclusie B")


def test_both_files_validate(capsys):
    assert main(["validate", str(MED4CURE), str(BATTERIES)]) == EXIT_OK
    assert capsys.readouterr().out.count("valid assessment") == 2


# --- open findings lead with what blocks -------------------------------------------------------------------------


def test_open_findings_are_listed_errors_first_on_every_path(framework, capsys):
    # The battery file raises an info (a budget beside a negative advice, a framework rule) and the error of
    # question 9 (a rule run after the framework's own): the review page, the wizard and `ipcei check` showed the
    # note above the error.
    result = check(framework, concept(BATTERIES))
    assert [(f.severity.value, f.rule) for f in result.consistency] == [
        ("error", RULE),
        ("info", "negative-advice-with-budget"),
    ]
    assert main(["check", str(BATTERIES)]) == EXIT_OK
    printed = capsys.readouterr().out
    assert printed.index("[error] q9") < printed.index("[info] q14")
    # within one severity the order of the rules is kept (stable): the consistent file has no finding to reorder
    relaxed = variant(BATTERIES, {"funding_gap": "niet_aangetoond"}, aid_requested_eur=None)
    assert [f.severity.value for f in check(framework, relaxed).consistency] == ["info"]


# --- a percentage written as an officer writes it: one clear line at the field -----------------------------------


def figure_line(text: str, name: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.strip().startswith(f"{name}:"))


@pytest.mark.parametrize("written", ["73%", "'73'", "73 procent", "zeventig"])
def test_a_percentage_that_is_not_a_number_gives_one_line_that_says_what_to_write(tmp_path, capsys, written):
    text = BATTERIES.read_text(encoding="utf-8").replace("cofinancing_pct: 73", f"cofinancing_pct: {written}")
    path = tmp_path / "kerncijfers.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) != EXIT_OK
    (line,) = capsys.readouterr().err.splitlines()  # was two: «….int: … for example 35000000» and «….float: Input …»
    where = f"{path}:{figure_line(text, 'cofinancing_pct')}"
    assert line.startswith(f"{where}: key_figures.cofinancing_pct: not a valid number")
    assert "without quotes, a unit, % sign" in line and "for example 60 or 62.5" in line
    assert "35000000" not in line and "Input should be" not in line and ".int" not in line


def test_a_number_that_is_right_is_not_refused(capsys, tmp_path):
    text = BATTERIES.read_text(encoding="utf-8").replace("cofinancing_pct: 73", "cofinancing_pct: 72.5")
    path = tmp_path / "kerncijfers.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == EXIT_OK


def test_one_figure_out_of_range_is_named_at_its_own_line_once(tmp_path, capsys):
    text = BATTERIES.read_text(encoding="utf-8").replace("cofinancing_pct: 73", "cofinancing_pct: 173")
    path = tmp_path / "kerncijfers.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) != EXIT_OK
    (line,) = capsys.readouterr().err.splitlines()
    # was «…:173: key_figures: key_figures.cofinancing_pct: …»: the block's line and the field named twice
    expected = f"{path}:{figure_line(text, 'cofinancing_pct')}: key_figures.cofinancing_pct: a percentage lies between"
    assert line.startswith(expected) and line.count("cofinancing_pct") == 1


# --- the coordinator by its name in the summary of the PDF and the Word document ---------------------------------


def test_the_summary_names_the_coordinator_not_its_code(tmp_path):
    import docx

    pdf, word = tmp_path / "advies.pdf", tmp_path / "advies.docx"
    assert main(["render", str(BATTERIES), "-o", str(pdf)]) == EXIT_OK
    assert main(["render", str(BATTERIES), "-o", str(word)]) == EXIT_OK
    summary = PdfReader(pdf).pages[1].extract_text()  # page 2: the summary
    paragraphs = "\n".join(p.text for p in docx.Document(word).paragraphs)
    for text in (" ".join(summary.split()), paragraphs):
        assert "coördinator: Duitsland" in text and "coördinator: de" not in text  # was «coördinator: de»
    assert main(["render", str(MED4CURE), "--lang", "en", "-o", str(pdf)]) == EXIT_OK
    assert "coordinator: Italy" in " ".join(PdfReader(pdf).pages[1].extract_text().split())


# --- the aid in the key figures: someone to receive it, and a start after the call --------------------------------


def aid_rules(framework, assessment) -> list[tuple[str, str, str]]:
    rules = (state_aid.AID_WITHOUT_PARTICIPANTS, state_aid.START_BEFORE_CALL)
    return [(f.rule, f.severity.value, f.field) for f in check(framework, assessment).consistency if f.rule in rules]


def test_aid_requested_with_no_dutch_direct_participant_is_a_warning(framework):
    (finding,) = [
        f
        for f in check(framework, variant(MED4CURE, nl_direct_participants=0, nl_direct_smes=0)).consistency
        if f.rule == state_aid.AID_WITHOUT_PARTICIPANTS
    ]
    assert finding.severity.value == "warning" and finding.field == "key_figures.nl_direct_participants"
    assert finding.message("nl").startswith("Er is € 38.000.000 steun gevraagd, terwijl er volgens de kerngegevens")
    assert finding.message("en").startswith("€38,000,000 of aid is requested, while according to the key figures")
    # silent: participants unknown (not 0), some participants, or no aid asked
    assert aid_rules(framework, variant(MED4CURE, nl_direct_participants=None, nl_direct_smes=None)) == []
    assert aid_rules(framework, variant(MED4CURE, nl_direct_participants=1)) == []
    no_aid = variant(MED4CURE, nl_direct_participants=0, nl_direct_smes=0, aid_requested_eur=0)
    assert aid_rules(framework, no_aid) == []


def test_projects_that_start_before_the_european_call_are_a_warning(framework):
    late_call = variant(MED4CURE, eu_call_date="2024-10-01")  # the projects start 01-09-2024
    assert aid_rules(framework, late_call) == [(state_aid.START_BEFORE_CALL, "warning", "key_figures.start_date")]
    (finding,) = [f for f in check(framework, late_call).consistency if f.rule == state_aid.START_BEFORE_CALL]
    assert "De projecten starten (01-09-2024) vóór de Europese oproep (01-10-2024)" in finding.message("nl")
    assert "before the European call (01-10-2024)" in finding.message("en")
    # silent: the call first, the same day, or either date unknown
    assert aid_rules(framework, variant(MED4CURE, eu_call_date="2024-09-01")) == []
    assert aid_rules(framework, variant(MED4CURE, eu_call_date=None)) == []
    assert aid_rules(framework, variant(MED4CURE, start_date=None, fid_date=None)) == []
    assert aid_rules(framework, concept(MED4CURE)) == []


# --- the wizard (AppTest): the error at question 9 as the officer edits it -----------------------------------------


def test_the_wizard_shows_the_contradiction_at_question_9_and_drops_it_when_corrected():
    from app_support import draft, key, open_in_wizard, person_app, stored, texts

    record = stored(concept(BATTERIES), by=AUTHOR.name)
    at = open_in_wizard(person_app(), record.id, "q9")
    assert any("Vraag 9 zegt dat staatssteun niet noodzakelijk is" in e for e in texts(at.error))
    at.radio(key=key(at, "q9", "state_aid_necessary")).set_value("ja").run()
    assert not at.exception, at.exception
    assert draft(at)["data"]["answers"]["q9"]["state_aid_necessary"] == "ja"
    from framework.store import open_store

    assert open_store().get(record.id).assessment.value("q9", "state_aid_necessary") == "ja"  # saved at once
    assert not any("staatssteun niet noodzakelijk" in e for e in texts(at.error))


# --- `ipcei db list` never cuts an id short ----------------------------------------------------------------------


def test_db_list_shows_the_advice_and_ecosystem_ids_whole(capsys):
    record = stored_in_default(concept(MED4CURE))
    assert main(["db", "list"]) == EXIT_OK
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith(record.id[:12])]
    assert " deelnemen_onder_voorwaarden " in row  # was «deelnemen_onder_voorwaarde» (26 characters)
    data = concept(MED4CURE).model_dump(mode="json")
    data["meta"]["ecosystem"] = "culturele_creatieve_sectoren"
    data["meta"]["secondary_ecosystems"] = []
    other = stored_in_default(Assessment.model_validate(data))
    assert main(["db", "list", "--ecosystem", "culturele_creatieve_sectoren"]) == EXIT_OK
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith(other.id[:12])]
    assert " culturele_creatieve_sectoren " in row  # the id --ecosystem takes, not «culturele_creatie»


def stored_in_default(assessment: Assessment):
    from framework.store import open_store

    return open_store().create(assessment, AUTHOR.name)


# --- `ipcei extract` of a signed-off advice without --store says how to have it confirmed -------------------------


def test_extract_without_store_points_to_store_for_a_signed_off_advice(store, tmp_path, capsys):
    record = store.create(concept(MED4CURE), AUTHOR.name)
    wf.submit(store, record.id, AUTHOR)
    wf.review(store, record.id, REVIEWER, {q.id: ("acceptable", "") for q in store.framework_for(record).questions()})
    wf.sign_off(store, record.id, APPROVER)
    pdf, back = tmp_path / "advies.pdf", tmp_path / "terug.yaml"
    assert main(["render", record.id, "--database", store.url, "-o", str(pdf)]) == EXIT_OK
    capsys.readouterr()
    assert main(["extract", str(pdf), "-o", str(back)]) != EXIT_OK
    err = capsys.readouterr().err
    assert "Geef --force" in err and "geef dan --store" in err  # the hint named only --force
    assert main(["extract", str(pdf), "--store", "--database", store.url, "-o", str(back)]) == EXIT_OK
    # a concept PDF: no such hint (there is nothing signed off to confirm)
    concept_pdf = tmp_path / "concept.pdf"
    assert main(["render", str(MED4CURE), "-o", str(concept_pdf)]) == EXIT_OK
    capsys.readouterr()
    assert main(["extract", str(concept_pdf), "-o", str(back)]) != EXIT_OK
    assert "--store" not in capsys.readouterr().err.split("Geef --force")[1]


def test_a_number_answer_field_says_what_to_write_too(tmp_path):
    from framework.messages import readable

    # a `number` field of the framework (float): pydantic's «Input should be a valid number» became a sentence
    for kind in ("float_type", "float_parsing"):
        message = readable({"type": kind, "loc": ("answers", "q15", "share_nl"), "input": "62,5%"})
        assert message == (
            "not a valid number ('62,5%'): write a number without quotes, a unit, % sign or thousands separators, "
            "for example 60 or 62.5"
        )


# --- finding 10: a last-updated date before the date created ---------------------------------------------------


def _dated(created: str, updated: str | None) -> Assessment:
    data = concept(MED4CURE).model_dump(mode="json")
    data["meta"].update(created=created, updated=updated)
    return Assessment.model_validate(data)


def test_an_update_dated_before_the_creation_is_a_warning_at_meta_updated(framework):
    found = [f for f in check(framework, _dated("2024-11-20", "2024-02-14")).consistency if f.rule.startswith("meta-")]
    assert [(f.rule, f.severity.value, f.field) for f in found] == [
        ("meta-updated-before-created", "warning", "meta.updated")
    ]
    assert "(14-02-2024)" in found[0].message.nl and "(20-11-2024)" in found[0].message.nl
    assert "before the date created" in found[0].message.en


@pytest.mark.parametrize(
    ("created", "updated"), [("2024-11-20", "2024-11-20"), ("2024-11-20", "2025-01-02"), ("2024-11-20", None)]
)
def test_the_same_day_a_later_day_or_no_update_raise_nothing(framework, created, updated):
    assert not [f for f in check(framework, _dated(created, updated)).consistency if f.rule.startswith("meta-")]
