"""The ``ipcei`` command: exit codes 0/1/2, ``FILE:LINE: field: message`` lines, --json, ``python -m framework``,
and every file in tests/invalid/ refused with the line of its fault."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "invalid"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
QUESTIONS = ROOT / "questions.yaml"
IPCEI = Path(sys.executable).with_name("ipcei")

# file -> (line or None, field, part of the message). Every file in tests/invalid/ is listed here.
EXPECTED = {
    "assessment-alias-bomb.yaml": (6, "(file)", "anchors and aliases (&name) are not allowed"),
    "assessment-bad-date.yaml": (12, "meta.created", "not a valid date ('2022-13-01'): write a date as YYYY-MM-DD"),
    "assessment-bad-option.yaml": (16, "answers.q2.severity", "allowed values ('heel_erg'); use one of: 'paracetamol'"),
    "assessment-budget-octal.yaml": (11, "meta.national_budget_eur", "valid integer"),
    "assessment-control-character.yaml": (7, "(file)", "control characters are not allowed"),
    "assessment-duplicate-key.json": (5, "(file)", "the key 'meta' appears twice"),
    "assessment-duplicate-key.yaml": (16, "answers.q2", "the key 'q2' appears twice"),
    "assessment-illustrative-yes.yaml": (13, "meta.illustrative", "valid boolean"),
    "assessment-list-as-text.yaml": (16, "answers.q3.objectives", "valid list"),
    "assessment-coordinator-outside.yaml": (14, "meta.coordinator", "not among the member states"),
    "assessment-format-version.yaml": (2, "format", "use one of: 'ipcei-assessment/1' or 'ipcei-assessment/2'"),
    "assessment-qualifier-on-text.yaml": (18, "qualifiers.q2.answer", "beside a choice or scale answer"),
    "assessment-qualifier-too-long.yaml": (18, "qualifiers.q2.severity", "too long: at most 300 characters (this one"),
    "assessment-unknown-and-amount.yaml": (18, "unknown.q12.private_investment_eur", "marked «onbekend»/«geen»"),
    "assessment-missing-author.yaml": (6, "meta.author", "required field is missing"),
    "assessment-key-figures-range.yaml": (
        13,
        "key_figures",
        "key_figures.aid_requested_eur: an amount is a whole number of euros, 0 or more (for example 35000000)",
    ),
    "assessment-python-tag.yaml": (7, "(file)", "python/object/apply:os.system' is not allowed"),
    "assessment-source-date.yaml": (19, "answers.q1.sources[0].date", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    "assessment-syntax.json": (7, "(file)", "not valid JSON"),
    "assessment-unknown-ecosystem.yaml": (9, "meta.ecosystem", "'ruimtevaart' is not one of"),
    "assessment-unknown-field.yaml": (16, "answers.q4.oordeel", "unknown field"),
    "assessment-unknown-key.json": (11, "meta.budget", "unknown field"),
    "assessment-unknown-key.yaml": (11, "meta.kleur", "unknown field"),
    "assessment-unknown-member-state.yaml": (
        14,
        "meta.member_states[2]",
        "'uk' is not a member state code; use one of: at, be",
    ),
    "assessment-unknown-question.yaml": (16, "answers.q99", "unknown field"),
    "assessment-wrong-framework.yaml": (3, "framework", "afwegingskader-ipcei@1999-01 is not available"),
    "empty.yaml": (None, "(file)", "the file is empty"),
    "framework-choice-without-options.yaml": (46, "parts[0].questions[1].fields[0]", "at least two options"),
    "framework-duplicate-option.yaml": (40, "parts[0].questions[0].fields[1].options[1].id", "duplicate option id"),
    "framework-duplicate-question.yaml": (42, "parts[0].questions[1].id", "duplicate question id 'q1'"),
    "framework-missing-translation.yaml": (44, "parts[0].questions[1].title.en", "required field is missing"),
    "framework-rule-bad-option.yaml": (57, "rules.consistency[0].when", "'misschien', which is not an option"),
    "framework-rule-missing-field.yaml": (57, "rules.consistency[0].when.field", "'q1.oordeel', which does not"),
    "framework-rule-missing-question.yaml": (56, "rules.consistency[0].questions[1]", "'q9', which does not exist"),
    "framework-unknown-key.yaml": (45, "parts[0].questions[1].hint", "unknown field"),
    "framework-operator-wrong-type.yaml": (
        52,
        "rules.consistency[0].when.count_lt",
        "'count_lt' does not fit q1.investment_eur, an amount field; allowed: equals, empty, lt, lte, gt, gte, between",
    ),
    "framework-unit-on-text.yaml": (34, "parts[0].questions[0].fields[0].unit", "not for a text field (part a1"),
    "not-ipcei.yaml": (None, "(file)", "neither a framework nor an assessment"),
}
INVALID_FILES = sorted(p.name for p in INVALID.iterdir())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_invalid_fixture_has_an_expectation():
    assert len(INVALID_FILES) >= 12
    assert INVALID_FILES == sorted(EXPECTED)


@pytest.mark.parametrize("name", INVALID_FILES)
def test_invalid_fixture_fails_with_its_line(capsys, name):
    path = INVALID / name
    code, out, err = run(capsys, "validate", path)
    assert code == EXIT_INVALID
    assert out == ""
    line, field, message = EXPECTED[name]
    lines = err.splitlines()
    assert len(lines) == 1, err
    where = f"{path}:{line}" if line else str(path)
    assert lines[0].startswith(f"{where}: {field}: "), lines[0]
    assert message in lines[0]


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("assessment-budget-octal.yaml", "national_budget_eur: 010"),
        ("assessment-illustrative-yes.yaml", "illustrative: yes"),
        ("assessment-unknown-key.yaml", "kleur: rood"),
        ("assessment-unknown-key.json", '"budget"'),
        ("assessment-unknown-member-state.yaml", "- uk"),
        ("framework-unknown-key.yaml", "hint:"),
        ("framework-missing-translation.yaml", "title: {nl: Probleem}"),
        ("assessment-alias-bomb.yaml", "&lol1"),
    ],
)
def test_the_fault_is_on_the_reported_line(name, needle):
    """Spot checks that the line named is the one with the fault in the file."""
    text = (INVALID / name).read_text(encoding="utf-8").split("\n")
    assert needle in text[EXPECTED[name][0] - 1]


def test_validate_reports_every_file_and_goes_on(capsys):
    code, out, err = run(capsys, "validate", QUESTIONS, INVALID / "assessment-unknown-key.yaml", EXAMPLES[0])
    assert code == EXIT_INVALID
    assert out.splitlines() == [f"{QUESTIONS}: valid framework", f"{EXAMPLES[0]}: valid assessment"]
    assert err.count("\n") == 1


def test_validate_the_framework_and_the_examples(capsys):
    code, out, err = run(capsys, "validate", QUESTIONS, *EXAMPLES)
    assert (code, err) == (EXIT_OK, "")
    assert len(out.splitlines()) == 1 + len(EXAMPLES)
    code, out, _ = run(capsys, "validate", "--quiet", QUESTIONS, *EXAMPLES)
    assert (code, out) == (EXIT_OK, "")


def test_broken_copy_of_questions_yaml_reports_the_line(capsys, tmp_path):
    lines = QUESTIONS.read_text(encoding="utf-8").split("\n")
    at = lines.index("  - id: q6") + 1  # a known place: just after the line that opens question 6
    broken = [*lines[:at], "    toelichting: extra", *lines[at:]]
    path = tmp_path / "questions.yaml"
    path.write_text("\n".join(broken), encoding="utf-8")
    code, _, err = run(capsys, "validate", path)
    assert code == EXIT_INVALID
    wanted = "parts[1].questions[0].toelichting: unknown field (not part of the format) (part a2, question q6)"
    assert err == f"{path}:{at + 1}: {wanted}\n"


# --- check ---


def test_check_prints_findings_and_suggestions(capsys):
    code, out, err = run(capsys, "check", ROOT / "examples" / "ipcei-cloud.yaml")
    assert (code, err) == (EXIT_OK, "")
    assert "Volledigheid: 0" in out
    assert "Consistentie: 1" in out
    assert "[warning] q9, conclusion_b, q14: Conclusie B of het advies steunt op een IPCEI, maar volgens vraag 9" in out
    assert "Afwijkingen van de voorstellen: 0" in out
    assert "q14.advice = deelnemen_onder_voorwaarden" in out


def test_check_in_english(capsys):
    code, out, _ = run(capsys, "check", "--lang", "en", ROOT / "examples" / "ipcei-negatief-advies.yaml")
    assert code == EXIT_OK
    assert "Consistency: 1" in out and "Suggested conclusions:" in out
    assert "Fewer than four participating member states are listed" in out


def test_check_json(capsys):
    code, out, _ = run(capsys, "check", "--json", ROOT / "examples" / "ipcei-onvolledig.yaml")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["complete"] is False
    rules = ["failure-contradiction", "criterion-cofinancing", "criterion-do-no-significant-harm"]
    assert [f["rule"] for f in data["consistency"]] == rules
    assert data["consistency"][0]["message"] == {
        "nl": "Vraag 4 noemt tegelijk «geen falen aangetoond» en een vorm van falen.",
        "en": "Question 4 lists «no failure shown» together with a kind of failure.",
    }
    code, out, _ = run(capsys, "check", "--json", "--lang", "en", ROOT / "examples" / "ipcei-onvolledig.yaml")
    assert json.loads(out)["consistency"][0]["message"].startswith("Question 4 lists")


def test_check_of_an_invalid_file(capsys):
    code, out, err = run(capsys, "check", INVALID / "assessment-bad-option.yaml")
    assert (code, out) == (EXIT_INVALID, "")
    assert err.startswith(f"{INVALID / 'assessment-bad-option.yaml'}:16: answers.q2.severity: ")


def test_check_of_a_framework_is_not_an_assessment(capsys):
    code, _, err = run(capsys, "check", QUESTIONS)
    assert code == EXIT_INVALID
    assert err.strip()


# --- schema ---


def test_schema_prints_json(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == EXIT_OK
    assert json.loads(out)["$id"] == "urn:ipcei:assessment:afwegingskader-ipcei:2022-07-r2"
    code, out, _ = run(capsys, "schema", "framework")
    assert json.loads(out)["$id"] == "urn:ipcei:framework:1"


def test_schema_write(capsys, tmp_path):
    code, _, _ = run(capsys, "schema", "--write", "--dir", tmp_path)
    assert code == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.schema.json", "framework.schema.json"]
    for path in tmp_path.iterdir():
        assert path.read_text(encoding="utf-8") == (ROOT / "schema" / path.name).read_text(encoding="utf-8")


# --- usage errors ---


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--unknown"],
        ["frobnicate"],
        ["validate"],
        ["validate", "--nope", "questions.yaml"],
        ["check"],
        ["check", "--lang", "fr", "examples/ipcei-cloud.yaml"],
        ["schema", "nothing"],
    ],
    ids=[
        "no-args",
        "unknown-option",
        "unknown-command",
        "validate-no-files",
        "validate-bad-option",
        "check-no-file",
        "check-bad-lang",
        "schema-bad-kind",
    ],
)
def test_usage_error_exits_2(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == EXIT_USAGE
    assert "usage: ipcei" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    assert "validate" in out and "check" in out and "schema" in out


def test_missing_file_is_invalid_input(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nope.yaml")
    assert code == EXIT_INVALID
    assert err == f"{tmp_path / 'nope.yaml'}: (file): no such file\n"


# --- as programs ---


def test_python_m_framework():
    result = subprocess.run(
        [sys.executable, "-m", "framework", "validate", "questions.yaml", "examples/ipcei-waterstof.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "questions.yaml: valid framework",
        "examples/ipcei-waterstof.yaml: valid assessment",
    ]


def test_ipcei_validate_questions_and_examples():
    """The README's command: ``ipcei validate questions.yaml examples/*``, and the invalid ones fail."""
    examples = [f"examples/{p.name}" for p in EXAMPLES]
    result = subprocess.run(
        [str(IPCEI), "validate", "questions.yaml", *examples], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    invalid = [f"tests/invalid/{name}" for name in INVALID_FILES]
    result = subprocess.run([str(IPCEI), "validate", *invalid], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    problems = result.stderr.splitlines()
    assert len(problems) == len(INVALID_FILES)
    assert all(re.match(r"^tests/invalid/[\w.-]+(:\d+)?: \S+: .+", line) for line in problems), problems
