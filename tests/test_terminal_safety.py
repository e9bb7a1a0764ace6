"""The terminal is safe: every command shows control characters in user text as ``[U+001B]``; NUL is refused on
input with the question and field named; the hidden-characters rule flags the other C0 and C1 controls."""

from __future__ import annotations

import json

import pytest
import yaml
from store_support import make_assessment

from framework.assessment import hidden_characters, terminal_text
from framework.cli import main
from framework.cli.output import json_text
from framework.errors import InputError
from framework.loading import assessment_from_bytes, default_framework
from framework.rules import check

ESC_TITLE = "Waterstof \x1b[2J\x1b]0;gehackt\x07 \x9b31m klaar\r\nOK"


def hostile_file(tmp_path, **answers) -> str:
    data = make_assessment().model_dump(mode="json")
    data["meta"]["title"] = ESC_TITLE
    for question, fields in answers.items():
        data["answers"].setdefault(question, {}).update(fields)
    path = tmp_path / "vijandig.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def no_controls(text: str) -> None:
    assert not [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F], repr(text)


def test_terminal_text_shows_every_control_and_the_line_feed():
    assert terminal_text(ESC_TITLE) == (
        "Waterstof [U+001B][2J[U+001B]]0;gehackt[U+0007] [U+009B]31m klaar[U+000D][U+000A]OK"
    )
    assert terminal_text("Gewoon een titel, é €") == "Gewoon een titel, é €"


def test_check_shows_the_title_with_controls_visible(tmp_path, capsys):
    assert main(["check", hostile_file(tmp_path)]) == 0
    out, err = capsys.readouterr()
    no_controls(out + err)
    assert "Waterstof [U+001B][2J" in out.splitlines()[0]


def test_db_import_list_show_print_controls_visibly(tmp_path, capsys):
    path = hostile_file(tmp_path)
    assert main(["db", "import", path]) == 0
    out, _ = capsys.readouterr()
    record_id = out.split(" as ")[1].split()[0]
    assert main(["db", "list"]) == 0
    assert main(["db", "show", record_id, "--document"]) == 0
    assert main(["db", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    no_controls(out + err)
    assert out.count("[U+001B][2J") >= 2  # list and show
    listed = json.loads(out[out.index('{\n  "total"') :])
    assert listed["items"][0]["title"] == ESC_TITLE  # JSON keeps the data, escaped


def test_json_output_escapes_c1_and_format_characters_but_keeps_the_data():
    text = json_text({"t": "a\x9bb\u202ec\U000e0041"})
    no_controls(text)
    assert "\u202e" not in text and json.loads(text) == {"t": "a\x9bb\u202ec\U000e0041"}


def test_any_output_of_a_command_is_made_safe(tmp_path, capsys):
    """An error message that quotes user text raw (a file name here) is shown safely too."""
    name = tmp_path / "adv\x1b[31mies.yaml"
    assert main(["check", str(name)]) == 1
    out, err = capsys.readouterr()
    no_controls(out + err)
    assert "[U+001B][31m" in err


def test_nul_is_refused_naming_question_and_field(tmp_path):
    framework = default_framework()
    question = framework.questions()[1]
    field = next(f for f in question.fields if f.type.value == "text")
    data = make_assessment().model_dump(mode="json")
    data["answers"][question.id] = {field.id: "Ernstig\x00 probleem"}
    with pytest.raises(InputError) as caught:
        assessment_from_bytes(json.dumps(data).encode(), "advies.json")
    problems = [str(p) for p in caught.value.problems]
    assert any(f"{question.id}.{field.id}" in p and "NUL" in p for p in problems), problems
    data = make_assessment().model_dump(mode="json")
    data["meta"]["title"] = "Titel\x00"
    with pytest.raises(InputError) as caught:
        assessment_from_bytes(json.dumps(data).encode(), "advies.json")
    assert any("meta.title" in str(p) and "NUL" in str(p) for p in caught.value.problems)


def test_nul_is_refused_by_the_store_too(store):
    assessment = make_assessment()
    with pytest.raises(Exception, match="NUL"):
        assessment.model_validate(
            {**assessment.model_dump(mode="json"), "meta": {**assessment.meta.model_dump(mode="json"), "note": "\x00"}}
        )


def test_the_hidden_characters_rule_flags_controls_but_not_tab_and_line_feed(tmp_path):
    assert hidden_characters("regel een\nregel\ttwee") == []
    assert hidden_characters("a\x1b[31mb\x07\x85\x7f") == ["\x1b", "\x07", "\x85", "\x7f"]
    framework = default_framework()
    question = framework.questions()[1]
    field = next(f for f in question.fields if f.type.value == "text")
    flagged = make_assessment().model_copy(update={"answers": {question.id: {field.id: "Ernstig\x1b[8m verborgen"}}})
    clean = make_assessment().model_copy(update={"answers": {question.id: {field.id: "Ernstig\nmeerdere regels"}}})
    found = [f for f in check(framework, flagged).consistency if f.rule == "hidden-characters"]
    assert found and "U+001B" in found[0].message("nl")
    assert not [f for f in check(framework, clean).consistency if f.rule == "hidden-characters"]
