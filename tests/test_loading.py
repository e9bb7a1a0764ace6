"""Loading frameworks and assessments: every bad input refused with file, line and field, never silently changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.assessment import Assessment
from framework.errors import FrameworkMismatchError, InputError
from framework.loading import (
    DEFAULT_FRAMEWORK,
    assessment_from_bytes,
    kind_of,
    load_assessment,
    load_framework,
    validate_file,
)
from framework.models import Framework

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
QUESTIONS = DEFAULT_FRAMEWORK.read_text(encoding="utf-8")

MINIMAL = """\
format: ipcei-assessment/1
framework:
  id: afwegingskader-ipcei
  version: '2022-07'
meta:
  title: Een beoordeling
  ipcei: IPCEI Test
  ecosystem: digitaal
  phase: verkenning
  national_budget_eur: 35000000
  author: T. Tester
  created: 2022-07-11
  illustrative: false
answers:
  q2:
    answer: Het probleem is wezenlijk.
    severity: wezenlijk
  q3:
    objectives:
    - Een sterkere keten
"""


def line_with(text: str, needle: str, occurrence: int = 1) -> int:
    found = [number for number, line in enumerate(text.split("\n"), 1) if needle in line]
    return found[occurrence - 1]


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems_of(tmp_path, text: str, name: str = "a.yaml", loader=load_assessment) -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        loader(path)
    for problem in caught.value.problems:
        assert problem.source == str(path)
    return caught.value.problems


def only_problem(tmp_path, text: str, **kwargs):
    problems = problems_of(tmp_path, text, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def test_minimal_assessment_loads(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assessment, framework = load_assessment(path)
    assert assessment.meta.created.isoformat() == "2022-07-11"  # a date written plainly stays text, then a date
    assert assessment.meta.national_budget_eur == 35_000_000
    assert assessment.value("q3", "objectives") == ["Een sterkere keten"]
    assert framework.key == "afwegingskader-ipcei@2022-07"  # its own version, kept in frameworks/


# --- typed fields refuse YAML 1.1 look-alikes instead of reading them as something else ---

TYPED = [
    # field, bad value, message
    ("national_budget_eur: 35000000", "national_budget_eur: 010", "meta.national_budget_eur", "valid integer"),
    ("national_budget_eur: 35000000", "national_budget_eur: 0x1F", "meta.national_budget_eur", "valid integer"),
    ("national_budget_eur: 35000000", "national_budget_eur: 1_000", "meta.national_budget_eur", "valid integer"),
    ("national_budget_eur: 35000000", "national_budget_eur: 35e6", "meta.national_budget_eur", "valid integer"),
    ("national_budget_eur: 35000000", "national_budget_eur: '35000000'", "meta.national_budget_eur", "valid integer"),
    ("national_budget_eur: 35000000", "national_budget_eur: 35000000.0", "meta.national_budget_eur", "valid integer"),
    ("illustrative: false", "illustrative: yes", "meta.illustrative", "valid boolean"),
    ("illustrative: false", "illustrative: no", "meta.illustrative", "valid boolean"),
    ("illustrative: false", "illustrative: on", "meta.illustrative", "valid boolean"),
    ("illustrative: false", "illustrative: 1", "meta.illustrative", "valid boolean"),
    ("illustrative: false", "illustrative: 'true'", "meta.illustrative", "valid boolean"),
    ("created: 2022-07-11", "created: 2022-07", "meta.created", "valid date"),
    ("created: 2022-07-11", "created: 11-07-2022", "meta.created", "valid date"),
    ("created: 2022-07-11", "created: 2022-02-30", "meta.created", "valid date"),
    ("    severity: wezenlijk", "    severity: no", "answers.q2.severity", "not one of the allowed values"),
    ("    severity: wezenlijk", "    severity: 3", "answers.q2.severity", "not one of the allowed values"),
    ("    - Een sterkere keten", "    - 12", "answers.q3.objectives[0]", "valid string"),
    ("    answer: Het probleem is wezenlijk.", "    answer: 12", "answers.q2.answer", "valid string"),
    ("    answer: Het probleem is wezenlijk.", "    answer: [a, b]", "answers.q2.answer", "valid string"),
]


@pytest.mark.parametrize(("old", "new", "field", "message"), TYPED, ids=[t[1].strip() for t in TYPED])
def test_typed_field_refuses_a_look_alike(tmp_path, old, new, field, message):
    text = replaced(MINIMAL, old, new)
    problem = only_problem(tmp_path, text)
    assert problem.field == field
    assert message in problem.message
    assert problem.line == line_with(text, new.strip())


def test_yes_and_010_reach_the_model_as_text():
    """The reader keeps them as text, so the model's refusal says what the file says."""
    from framework.loading import assessment_from_data
    from framework.yamlio import parse_yaml

    data, lines = parse_yaml(replaced(MINIMAL, "national_budget_eur: 35000000", "national_budget_eur: 010"), "a")
    assert data["meta"]["national_budget_eur"] == "010"
    with pytest.raises(InputError, match="national_budget_eur: not a valid integer"):
        assessment_from_data(data, "a.yaml", lines)


# --- unknown keys, wrong shapes, lists ---

UNKNOWN = [
    ("  ipcei: IPCEI Test\n", "  ipcei: IPCEI Test\n  kleur: rood\n", "kleur: rood", "meta.kleur"),
    ("answers:\n", "extra: 1\nanswers:\n", "extra: 1", "extra"),
    ("  q2:\n", "  q99:\n    answer: x\n  q2:\n", "q99:", "answers.q99"),
    ("    severity: wezenlijk\n", "    severity: wezenlijk\n    ernst: hoog\n", "ernst: hoog", "answers.q2.ernst"),
    ("  version: '2022-07'\n", "  version: '2022-07'\n  naam: kader\n", "naam: kader", "framework.naam"),
]


@pytest.mark.parametrize(("old", "new", "needle", "field"), UNKNOWN, ids=[u[3] for u in UNKNOWN])
def test_unknown_key_is_named_at_its_line(tmp_path, old, new, needle, field):
    text = replaced(MINIMAL, old, new)
    problem = only_problem(tmp_path, text)
    assert (problem.field, problem.message) == (field, "unknown field (not part of the format)")
    assert problem.line == line_with(text, needle)


def test_every_problem_of_a_stage_is_reported_not_only_the_first(tmp_path):
    """Two stages: the file's own shape (format, framework, meta), then the answers and the framework's lists."""
    text = replaced(MINIMAL, "  ecosystem: digitaal\n", "  ecosystem: digitaal\n  kleur: rood\n")
    text = replaced(text, "  author: T. Tester\n", "")
    problems = problems_of(tmp_path, text)
    assert [(p.field, p.line) for p in problems] == [
        ("meta.author", line_with(text, "meta:")),
        ("meta.kleur", line_with(text, "kleur")),
    ]
    text = replaced(MINIMAL, "  ecosystem: digitaal\n", "  ecosystem: ruimtevaart\n  member_states: [nl, xx]\n")
    text = replaced(text, "    severity: wezenlijk\n", "    severity: heel_erg\n")
    problems = problems_of(tmp_path, text)
    assert [(p.field, p.line) for p in problems] == [
        ("answers.q2.severity", line_with(text, "heel_erg")),
        ("meta.ecosystem", line_with(text, "ruimtevaart")),
        ("meta.member_states[1]", line_with(text, "member_states")),
    ]


def test_member_state_listed_twice(tmp_path):
    text = replaced(MINIMAL, "  author: T. Tester\n", "  member_states:\n  - nl\n  - nl\n  author: T. Tester\n")
    problem = only_problem(tmp_path, text)
    assert problem.field == "meta.member_states"
    assert "more than once" in problem.message
    assert problem.line == line_with(text, "member_states:")


def test_missing_required_meta_field(tmp_path):
    text = replaced(MINIMAL, "  author: T. Tester\n", "")
    problem = only_problem(tmp_path, text)
    assert (problem.field, problem.message) == ("meta.author", "required field is missing")
    assert problem.line == line_with(text, "meta:")


def test_too_long_text_and_list(tmp_path):
    text = replaced(MINIMAL, "    answer: Het probleem is wezenlijk.", "    answer: " + "x" * 20_001)
    problem = only_problem(tmp_path, text)
    assert problem.field == "answers.q2.answer" and "at most 20000 characters" in problem.message
    many = "".join(f"    - Doel {n}\n" for n in range(16))
    text = replaced(MINIMAL, "    - Een sterkere keten\n", many)
    problem = only_problem(tmp_path, text)
    assert problem.field == "answers.q3.objectives" and "at most 15 items" in problem.message
    assert problem.line == line_with(text, "objectives:")


def test_wrong_framework_version_names_the_framework_line(tmp_path):
    text = replaced(MINIMAL, "  version: '2022-07'", "  version: '2030-01'")
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkMismatchError) as caught:
        load_assessment(path)
    problem = caught.value.problems[0]
    assert problem.field == "framework"
    assert problem.line == line_with(text, "framework:")
    assert "afwegingskader-ipcei@2030-01 is not available" in problem.message


def test_an_assessment_checked_against_another_framework_says_which(tmp_path, framework):
    other = Framework.model_validate({**framework.model_dump(by_alias=True), "version": "2030-01"})
    path = tmp_path / "a.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(FrameworkMismatchError, match="this check uses afwegingskader-ipcei@2030-01"):
        load_assessment(path, framework=other)


# --- JSON assessments ---


def test_an_example_as_json_loads_to_the_same_assessment(tmp_path):
    assessment, _ = load_assessment(EXAMPLE)
    path = tmp_path / "waterstof.json"
    path.write_text(json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
    from_json, _ = load_assessment(path)
    assert from_json == assessment
    assert from_json.content_hash() == assessment.content_hash()
    assert validate_file(path)[0] == "assessment"


def test_json_assessment_problem_has_its_line(tmp_path):
    assessment, _ = load_assessment(EXAMPLE)
    data = assessment.model_dump(mode="json")
    data["answers"]["q2"]["severity"] = "heel_erg"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    problem = only_problem(tmp_path, text, name="a.json")
    assert problem.field == "answers.q2.severity"
    assert problem.line == line_with(text, '"heel_erg"')


def test_json_syntax_error_has_its_line(tmp_path):
    text = '{\n  "format": "ipcei-assessment/1",\n  "meta": {\n    "title": "x",\n  }\n}\n'
    problem = only_problem(tmp_path, text, name="a.json")
    assert problem.line == 5 and "not valid JSON" in problem.message


def test_upload_bytes_are_checked_like_a_file():
    assessment, _ = assessment_from_bytes(EXAMPLE.read_bytes(), "upload.yaml")
    assert assessment.meta.ipcei.startswith("IPCEI Waterstof")
    with pytest.raises(InputError) as caught:
        assessment_from_bytes(b"format: ipcei-assessment/1\nframework: &f {}\n", "upload.yaml")
    assert str(caught.value) == "upload.yaml:2: (file): not valid YAML: anchors and aliases (&name) are not allowed"


def test_kind_of_a_document():
    assert kind_of({"format": "ipcei-framework/1"}) == "framework"
    assert kind_of({"format": "ipcei-assessment/1"}) == "assessment"
    assert kind_of({"answers": {}}) == "assessment"
    assert kind_of(["a"]) == "unknown"
    assert kind_of({"naam": "x"}) == "unknown"


def test_a_list_is_not_an_assessment(tmp_path):
    problem = only_problem(tmp_path, "- a\n- b\n", loader=validate_file)
    assert "neither a framework nor an assessment" in problem.message


def test_assessment_format_is_checked(tmp_path):
    text = replaced(MINIMAL, "format: ipcei-assessment/1", "format: ipcei-assessment/9")
    problem = only_problem(tmp_path, text)
    assert problem.field == "format" and problem.line == 1
    assert "ipcei-assessment/1" in problem.message and "ipcei-assessment/2" in problem.message
    assert Assessment.model_fields["format"].default == "ipcei-assessment/2"


# --- framework files: a broken copy of questions.yaml reports the line of its fault ---

FRAMEWORK_FAULTS = [
    # what, old, new, needle for the expected line, field, part of the message
    (
        "unknown-key",
        "  - id: q2\n    number: '2'\n",
        "  - id: q2\n    hint: x\n    number: '2'\n",
        "hint: x",
        "parts[0].questions[1].hint",
        "unknown field",
    ),
    (
        "missing-translation",
        "      nl: Aanleiding\n      en: Cause\n",
        "      nl: Aanleiding\n",
        "    title:\n      nl: Aanleiding\n",
        "parts[0].questions[0].title.en",
        "required field is missing",
    ),
    (
        "duplicate-question-id",
        "  - id: q3\n    number: '3'\n",
        "  - id: q2\n    number: '3'\n",
        "  - id: q2\n    number: '3'",
        "parts[0].questions[2].id",
        "duplicate question id 'q2'",
    ),
    (
        "duplicate-question-number",
        "  - id: q3\n    number: '3'\n",
        "  - id: q3\n    number: '2'\n",
        "    number: '2'\n    title:\n      nl: Hoe gaan",
        "parts[0].questions[2].number",
        "duplicate question number '2'",
    ),
    (
        "rule-missing-question",
        "  - id: advice-against-conclusion-a\n    severity: error\n    questions:\n    - q14\n    - conclusion_a\n",
        "  - id: advice-against-conclusion-a\n    severity: error\n    questions:\n    - q14\n    - conclusion_c\n",
        "    - conclusion_c",
        "rules.consistency[0].questions[1]",
        "names the question 'conclusion_c', which does not exist",
    ),
    (
        "rule-missing-field",
        "        equals: ja\n      - field: q9.state_aid_necessary\n        equals: nee\n    message:\n"
        "      nl: Conclusie B zegt dat het initiatief alleen via een IPCEI mogelijk is, terwijl staatssteun",
        "        equals: ja\n      - field: q9.staatssteun\n        equals: nee\n    message:\n"
        "      nl: Conclusie B zegt dat het initiatief alleen via een IPCEI mogelijk is, terwijl staatssteun",
        "q9.staatssteun",
        "rules.consistency[18].when.all[1].field",
        "names the field 'q9.staatssteun', which does not exist",
    ),
    (
        "rule-missing-option",
        "      - field: q9.state_aid_necessary\n        equals: nee\n    message:\n"
        "      nl: Conclusie B zegt dat het initiatief alleen via een IPCEI mogelijk is, terwijl staatssteun",
        "      - field: q9.state_aid_necessary\n        equals: misschien\n    message:\n"
        "      nl: Conclusie B zegt dat het initiatief alleen via een IPCEI mogelijk is, terwijl staatssteun",
        "      - field: q9.state_aid_necessary\n        equals: misschien",
        "rules.consistency[18].when.all[1]",
        "tests q9.state_aid_necessary for 'misschien', which is not an option",
    ),
    (
        "rule-unknown-meta",
        "      - field: meta.national_budget_eur\n        empty: true\n      - field: meta.phase\n        not_in:\n",
        "      - field: meta.budget\n        empty: true\n      - field: meta.phase\n        not_in:\n",
        "meta.budget",
        "rules.consistency[37].when.all[1].field",
        "names meta.budget, which rules cannot test",
    ),
    (
        "suggestion-bad-value",
        "    - value: nee\n      when:\n        any:\n        - field: q4.verdict\n",
        "    - value: misschien\n      when:\n        any:\n        - field: q4.verdict\n",
        "value: misschien",
        "rules.suggestions[0].cases[0].value",
        "'misschien' is not an option of conclusion_a.government_role",
    ),
    (
        "condition-two-operators",
        "      - field: q4.failures\n        contains: geen\n      - any:\n",
        "      - field: q4.failures\n        contains: geen\n        empty: false\n      - any:\n",
        "      - field: q4.failures\n        contains: geen\n        empty: false",
        "rules.consistency[10].when.all[0]",
        "a field test names exactly one operator",
    ),
    (
        "bad-severity",
        "  - id: advice-against-conclusion-a\n    severity: error\n",
        "  - id: advice-against-conclusion-a\n    severity: fataal\n",
        "severity: fataal",
        "rules.consistency[0].severity",
        "Input should be 'error', 'warning' or 'info'",
    ),
    (
        "choice-without-options",
        "    - id: initiator\n      type: choice\n",
        "    - id: initiator\n      type: text\n",
        "    - id: initiator",
        "parts[0].questions[0].fields[1]",
        "a text field takes no options",
    ),
    (
        "version-as-number",
        "version: 2022-07-r2\n",
        "version: 2022.07\n",
        "version: 2022.07",
        "version",
        "valid string",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "needle", "field", "message"), FRAMEWORK_FAULTS, ids=[f[0] for f in FRAMEWORK_FAULTS]
)
def test_broken_framework_reports_the_line(tmp_path, what, old, new, needle, field, message):
    text = replaced(QUESTIONS, old, new)
    problem = only_problem(tmp_path, text, name="questions.yaml", loader=load_framework)
    assert problem.field == field
    assert message in problem.message
    first_line_of_needle = needle.split("\n")[0]
    expected = line_with(text, first_line_of_needle)
    if "\n" in needle:  # the needle spans lines: find where the whole of it starts
        expected = text[: text.index(needle)].count("\n") + 1
    assert problem.line == expected, str(problem)


def test_the_framework_loads_and_is_hashable():
    framework = load_framework(DEFAULT_FRAMEWORK)
    assert framework.key == "afwegingskader-ipcei@2022-07-r2"
    assert hash(framework) == hash(load_framework(DEFAULT_FRAMEWORK))
