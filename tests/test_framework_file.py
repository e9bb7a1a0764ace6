"""questions.yaml against its source: the annex of Kamerstuk 29 826, nr. 147, word for word.

The letter is kept in ``tests/fixtures/kamerstuk-29826-147.txt`` (a copy of the project's seed document); the
annex is its lines 793-869. The test parses those lines, applies the corrections that questions.yaml records
(``corrections`` per question, the title's in ``corrections_note``) and compares every part heading, question
title, question text and guidance text exactly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.assessment import answer_model
from framework.loading import DEFAULT_FRAMEWORK, load_framework
from framework.yamlio import dump_yaml, read_file

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "tests" / "fixtures" / "kamerstuk-29826-147.txt"
SEED = Path("/work/shared/seed/000_aa0b0ab9d8f512d1.txt")
ANNEX_FIRST, ANNEX_LAST = 793, 869  # 1-based, inclusive
FOOTNOTE_40 = 460

EXPECTED_IDS = [f"q{n}" for n in range(1, 14)] + ["conclusion_a", "conclusion_b", "q14"]


def letter_lines() -> list[str]:
    return LETTER.read_text(encoding="utf-8").split("\n")


def strip_markup(text: str) -> str:
    return re.sub(r"</?(p|i)>", "", text).strip()


def parse_annex(lines: list[str]) -> dict:
    """The annex as data: title, introduction, parts (code, title) and questions (number -> heading, guidance)."""
    annex: dict = {"parts": [], "questions": {}, "footnotes": []}
    for raw in lines:
        cells = [strip_markup(cell) for cell in raw.split("\t")]
        first = cells[0]
        rest = cells[1] if len(cells) > 1 else ""
        if not first or re.fullmatch(r"-+", first):  # blank lines and table separators
            continue
        if first.startswith("Afwegingskader Verticaal"):
            annex["title"] = first
        elif first.startswith("Afwegingskader Industriebeleid"):  # the running table header, three times
            annex.setdefault("introduction", rest)
        elif match := re.fullmatch(r"([AB])\. ?([12])\. (.+)", first):
            annex["parts"].append((f"{match[1]}.{match[2]}", match[3]))
        elif first == "Concluderend:":
            annex["parts"].append(("Concluderend", "Concluderend"))
        elif match := re.fullmatch(r"(\d{1,2})\) (.+)", first):
            annex["questions"][match[1]] = (match[2], rest)
        elif match := re.fullmatch(r"([AB])\. (.+)", first):
            annex["questions"][match[1]] = (match[2], rest)
        elif first.startswith("¹"):
            annex["footnotes"].append(first)
        elif first.startswith("Bijlage:"):
            annex["section"] = first
    return annex


def corrected(text: str, corrections: list[tuple[str, str]]) -> str:
    for original, fixed in corrections:
        text = text.replace(original, fixed)
    return text


@pytest.fixture(scope="module")
def annex() -> dict:
    return parse_annex(letter_lines()[ANNEX_FIRST - 1 : ANNEX_LAST])


@pytest.fixture(scope="module")
def title_correction(framework) -> tuple[str, str]:
    original, fixed = re.findall(r"«([^»]+)»", framework.corrections_note.nl)[:2]
    return original, fixed


def test_fixture_is_the_seed_letter():
    if not SEED.exists():
        pytest.skip("the shared seed document is not on this machine")
    assert LETTER.read_bytes() == SEED.read_bytes()


def test_annex_is_where_the_framework_says(annex):
    assert len(annex["questions"]) == 16
    assert [code for code, _ in annex["parts"]] == ["A.1", "A.2", "B.1", "B.2", "Concluderend"]


def test_title_introduction_and_section(framework, annex, title_correction):
    original, fixed = title_correction
    assert (original, fixed) == ("ICPEI's", "IPCEI's")
    assert annex["title"].count(original) == 1
    assert framework.title.nl == annex["title"].replace(original, fixed)
    assert framework.introduction.nl == annex["introduction"]
    assert framework.source.section.nl == annex["section"]
    assert framework.source.reference == "Kamerstuk 29 826, nr. 147"
    assert framework.source.date == "2022-07-08"


def test_part_headings(framework, annex):
    assert [(p.code, p.title.nl) for p in framework.parts] == annex["parts"]


def test_question_headings_and_guidance(framework, annex):
    compared = []
    for question in framework.questions():
        corrections = [(c.original, c.corrected) for c in question.corrections]
        heading, guidance = annex["questions"][question.number]
        expected_heading = question.title.nl + (f" {question.text.nl}" if question.text else "")
        assert expected_heading == corrected(heading, corrections), question.id
        if question.guidance and question.number.isdigit():
            assert question.guidance.nl == corrected(guidance, corrections), question.id
        compared.append(question.number)
    assert compared == [str(n) for n in range(1, 14)] + ["A", "B", "14"]


def test_each_correction_fixes_a_real_slip_once(framework, annex):
    """A correction names text that is in the annex exactly once, and its corrected form is what we show."""
    text = "\n".join(f"{h}\n{g}" for h, g in annex["questions"].values())
    recorded = [(q, c) for q in framework.questions() for c in q.corrections]
    assert {q.id for q, _ in recorded} == {"q4", "q13"}
    for question, correction in recorded:
        assert text.count(correction.original) == 1, correction.original
        shown = " ".join(t.nl for t in (question.title, question.text, question.guidance) if t)
        assert correction.corrected in shown
        assert correction.original not in shown
        assert correction.note


def test_concluding_questions_have_the_annex_guidance(framework):
    """The annex gives the concluding questions no guidance of their own; ours only points to the parts."""
    assert framework.question("conclusion_a").guidance.nl == "Conclusie over deel A (vragen 1 tot en met 7)."
    assert framework.question("conclusion_b").guidance.nl == "Conclusie over deel B (vragen 8 tot en met 13)."


def test_q14_footnote_is_the_letters(framework, annex):
    footnote_line = letter_lines()[ANNEX_LAST - 1]
    assert footnote_line.startswith("¹ Daadwerkelijke deelname")
    assert framework.question("q14").footnote.nl == footnote_line
    assert annex["footnotes"] == [footnote_line]
    assert framework.question("q14").guidance.nl.endswith("¹")


def test_every_text_has_an_english_translation(framework):
    texts = [framework.title, framework.introduction, *(p.title for p in framework.parts)]
    for question in framework.questions():
        texts += [t for t in (question.title, question.text, question.guidance, question.footnote) if t]
        for answer_field in question.fields:
            texts += [answer_field.label, *(o.label for o in answer_field.options)]
    for name in ("ecosystems", "phases", "member_states"):
        texts += [entry.label for entry in getattr(framework, name)]
    assert len(texts) > 250
    assert all(text.nl.strip() and text.en.strip() for text in texts)
    untranslated = [t.nl for t in texts if t.nl == t.en and len(t.nl) > 20]  # names such as «Horizon Europe» may
    assert untranslated == [], "long texts whose English is the Dutch"


def test_ecosystems_are_footnote_40(framework):
    line = letter_lines()[FOOTNOTE_40 - 1]
    assert line.startswith("⁴⁰ De veertien ecosystemen die zijn afgebakend door de EU zijn: ")
    listed = line.split(": ", 1)[1].removesuffix(".")
    labels = [e.label.nl for e in framework.ecosystems]
    assert len(labels) == 14
    assert ", ".join(labels[:-1]) + " en " + labels[-1] == listed
    assert len({e.id for e in framework.ecosystems}) == 14


def test_ids_are_stable_and_in_order(framework):
    assert [q.id for q in framework.questions()] == EXPECTED_IDS
    assert [p.id for p in framework.parts] == ["a1", "a2", "b1", "b2", "conclusion"]
    assert (framework.id, framework.version) == ("afwegingskader-ipcei", "2022-07-r2")
    for question in framework.questions():
        field_ids = [f.id for f in question.fields]
        assert "answer" in field_ids, question.id
        if question.id.startswith("q"):
            assert "sources" in field_ids, question.id


def test_a_fifteenth_question_needs_no_code_change(tmp_path):
    """A revised framework file with a question 15 loads, and its answer model has q15."""
    data, _ = read_file(DEFAULT_FRAMEWORK)
    data["version"] = "2030-01"
    q13 = data["parts"][3]["questions"][-1]
    q15 = {
        "id": "q15",
        "number": "15",
        "title": {"nl": "Is er aandacht voor kritieke grondstoffen?", "en": "Are critical raw materials considered?"},
        "fields": [
            {**q13["fields"][0]},
            {
                "id": "dependency",
                "type": "choice",
                "label": {"nl": "Afhankelijkheid", "en": "Dependency"},
                "required": True,
                "options": [
                    {"id": "ja", "label": {"nl": "Ja", "en": "Yes"}},
                    {"id": "nee", "label": {"nl": "Nee", "en": "No"}},
                ],
            },
        ],
    }
    data["parts"][3]["questions"].append(q15)
    data["rules"]["consistency"].append(
        {
            "id": "advice-despite-dependency",
            "severity": "warning",
            "questions": ["q14", "q15"],
            "when": {
                "all": [
                    {"field": "q14.advice", "equals": "deelnemen"},
                    {"field": "q15.dependency", "equals": "ja"},
                ]
            },
            "message": {"nl": "Let op de afhankelijkheid.", "en": "Mind the dependency."},
        }
    )
    path = tmp_path / "questions-2030.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")

    revised = load_framework(path)
    assert [q.id for q in revised.questions()][-4:] == ["q15", "conclusion_a", "conclusion_b", "q14"]
    model = answer_model(revised)
    assert "q15" in model.model_fields
    answers = model.model_validate({"q15": {"answer": "Tekst", "dependency": "ja"}})
    assert answers.q15.dependency == "ja"
    with pytest.raises(ValueError, match="dependency"):
        model.model_validate({"q15": {"dependency": "misschien"}})
    assert "q15" not in answer_model(load_framework(DEFAULT_FRAMEWORK)).model_fields
