"""The strict reader: hostile and surprising YAML and JSON, each refused (or read as text) with file and line."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from framework import yaml_reader
from framework.errors import InputError
from framework.yamlio import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    dotted,
    dump_yaml,
    line_of,
    parse_bytes,
    parse_json,
    parse_yaml,
    read_file,
)

BILLION_LAUGHS = """\
format: ipcei-assessment/1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def deep_block(levels: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "x: 1\n"


def refused(tmp_path, name: str, content: bytes | str) -> tuple[InputError, float]:
    """Write a file, read it, and return the error and the seconds it took to refuse it."""
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_file(path)
    elapsed = time.perf_counter() - started
    assert all(problem.source == str(path) for problem in caught.value.problems)
    return caught.value, elapsed


def line_with(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing ``needle``."""
    found = [number for number, line in enumerate(text.split("\n"), 1) if needle in line]
    return found[occurrence - 1]


# --- hostile input: refused, with the line, and fast ---

HOSTILE = [
    # name, content, expected line (None: the whole file), part of the message
    ("alias-bomb.yaml", BILLION_LAUGHS, 2, "anchors and aliases (&name)"),
    ("anchor.yaml", "format: x\nmeta: &m\n  title: t\n", 2, "anchors and aliases (&name)"),
    ("alias.yaml", "format: x\nmeta:\n  title: t\nother: *m\n", 4, "anchors and aliases (*name)"),
    ("python-object.yaml", "a: 1\nb: !!python/object/apply:os.system ['echo hacked']\n", 2, "python/object/apply"),
    ("python-name.yaml", "a: !!python/name:os.system\n", 1, "python/name:os.system"),
    ("local-tag.yaml", "a: 1\nb: 2\nc: !secret x\n", 3, "'!secret' is not allowed"),
    ("binary-tag.yaml", "a: !!binary aGVsbG8=\n", 1, "binary"),
    ("set-tag.yaml", "a:\n  b: !!set {x, y}\n", 2, "set"),
    ("timestamp-tag.yaml", "created: !!timestamp 2022-07-08\n", 1, "timestamp"),
    ("seq-tag.yaml", "a: !!omap [x: 1]\n", 1, "omap"),
    ("nul.yaml", b"a: 1\nb: 2\nc: x\x00y\n", 3, "NUL byte"),
    ("latin1.yaml", "a: 1\ntitle: Beoordeling ministerie\nnote: caf\xe9\n".encode("latin-1"), 3, "not valid UTF-8"),
    ("control.yaml", "a: 1\nb: bel\x07\n", 2, "control characters"),
    ("duplicate.yaml", "meta:\n  title: a\n  author: b\n  title: c\n", 4, "the key 'title' appears twice"),
    ("deep-block.yaml", deep_block(100), MAX_DEPTH, f"nesting deeper than {MAX_DEPTH} levels"),
    ("deep-flow.yaml", "a: 1\nb: " + "[" * 100 + "]" * 100 + "\n", 2, "nesting deeper"),
    ("two-documents.yaml", "a: 1\n---\nb: 2\n", 2, "single document"),
    ("complex-key.yaml", "a: 1\n? [x, y]\n: 2\n", 2, "keys must be plain text"),
    ("syntax.yaml", "a: 1\nb: [1, 2\nc: 3\n", 3, "not valid YAML"),
    ("empty.yaml", "", None, "the file is empty"),
    ("comment-only.yaml", "# nothing here\n", None, "the file is empty"),
]


@pytest.mark.parametrize(("name", "content", "line", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_refused_with_its_line(tmp_path, name, content, line, message):
    error, elapsed = refused(tmp_path, name, content)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert message in problem.message
    assert problem.line == line
    assert elapsed < 2
    assert str(problem).startswith(f"{tmp_path / name}:{line}: " if line else f"{tmp_path / name}: ")


@pytest.mark.parametrize(("name", "content", "line", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_pure_python_parser_refuses_the_same(monkeypatch, tmp_path, name, content, line, message):
    """Without libyaml the pure-Python parser is used: the same refusals at the same lines (words may differ)."""
    monkeypatch.setattr(yaml_reader, "_EventLoader", yaml.BaseLoader)
    error, _ = refused(tmp_path, name, content)
    assert [problem.line for problem in error.problems] == [line]


def test_deep_nesting_stops_at_the_first_level_too_many():
    """Key k39 sits at level 41 (the root mapping is level 1, each key one deeper): its line is refused."""
    text = deep_block(100)
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "deep.yaml")
    assert caught.value.problems[0].line == line_with(text, "k39:")
    parse_yaml(deep_block(MAX_DEPTH - 2), "fine.yaml")  # 39 keys deep is fine


def test_six_megabyte_file_is_refused_before_reading(tmp_path):
    content = b"a: " + b"x" * (6 * 1024 * 1024) + b"\n"
    error, elapsed = refused(tmp_path, "big.yaml", content)
    assert "limit is 5.242.880 bytes" in error.problems[0].message
    assert error.problems[0].line is None  # a whole-file problem has no line
    assert elapsed < 2
    assert MAX_BYTES == 5 * 1024 * 1024
    with pytest.raises(InputError, match="limit"):
        parse_bytes(content, "upload.yaml")  # uploads in memory too


LARGE_HOSTILE = {
    # just under the size limit: what a hostile file can do within it
    "many-duplicate-keys.yaml": (b"a: 'x'\n" * 700_000, 2, "appears twice"),
    "huge-list.yaml": (b"- x\n" * 1_300_000, MAX_NODES, "values"),
    "open-brackets.yaml": (b"a: " + b"[" * 5_000_000 + b"\n", 1, "not valid YAML"),
    "alias-after-padding.yaml": (b"a: 1\n" + b"# padding\n" * 400_000 + b"b: *x\n", 400_002, "aliases"),
}


@pytest.mark.parametrize("name", LARGE_HOSTILE)
def test_large_hostile_file_is_refused_at_its_first_problem_quickly(tmp_path, name):
    content, line, message = LARGE_HOSTILE[name]
    assert len(content) <= MAX_BYTES
    error, elapsed = refused(tmp_path, name, content)
    assert message in error.problems[0].message
    assert error.problems[0].line == line
    assert elapsed < 2, f"took {elapsed:.2f} s"


def test_a_long_text_within_the_limit_is_read(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("note: " + "x" * 4_000_000 + "\n", encoding="utf-8")
    data, lines = read_file(path)
    assert len(data["note"]) == 4_000_000
    assert lines[("note",)] == 1


# --- YAML 1.1 surprises: read as the text they are ---

SURPRISES = {
    "no": "no",
    "yes": "yes",
    "on": "on",
    "off": "off",
    "y": "y",
    "NO": "NO",
    "True": "True",
    "octal": "010",
    "octal_new": "0o17",
    "hex": "0x1F",
    "underscore": "1_000",
    "date": "2022-07-08",
    "month": "2022-07",
    "time": "12:30:00",
    "sexagesimal": "1:20",
    "exponent": "1e3",
    "inf": ".inf",
    "nan": ".nan",
    "leading_dot": ".5",
    "null_word": "NULL",
    "zero_zero": "00",
}


def test_yaml_11_surprises_stay_text():
    text = "".join(f"{key}: {value}\n" for key, value in SURPRISES.items())
    data, lines = parse_yaml(text, "surprises.yaml")
    assert data == SURPRISES
    assert all(isinstance(value, str) for value in data.values())
    assert lines[("date",)] == line_with(text, "date:")


def test_the_plain_scalars_that_are_typed():
    text = "t: true\nf: false\ni: 12\nneg: -3\npos: +5\nzero: 0\nx: 1.5\nn: null\ntilde: ~\nempty:\nq: '010'\n"
    data, _ = parse_yaml(text, "typed.yaml")
    assert data == {
        "t": True,
        "f": False,
        "i": 12,
        "neg": -3,
        "pos": 5,
        "zero": 0,
        "x": 1.5,
        "n": None,
        "tilde": None,
        "empty": None,
        "q": "010",
    }
    assert type(data["i"]) is int and type(data["t"]) is bool


def test_explicit_plain_tags_are_allowed():
    data, _ = parse_yaml("a: !!str 5\nb: !!int '7'\nc: !!float '1.5'\nd: !!bool 'true'\ne: ! 12\n", "tags.yaml")
    assert data == {"a": "5", "b": 7, "c": 1.5, "d": True, "e": 12}
    with pytest.raises(InputError, match="not a boolean"):
        parse_yaml("d: !!bool yes\n", "tags.yaml")
    with pytest.raises(InputError, match="not a plain decimal number"):
        parse_yaml("b: !!int 0x1F\n", "tags.yaml")


def test_keys_are_text_as_written():
    data, _ = parse_yaml("true: a\n1: b\n~: c\nno: d\n", "keys.yaml")
    assert data == {"true": "a", "1": "b", "~": "c", "no": "d"}


def test_merge_key_is_just_an_unknown_key():
    data, _ = parse_yaml("a: 1\n<<: {b: 2}\n", "merge.yaml")
    assert data == {"a": 1, "<<": {"b": 2}}  # no merging; the models then refuse the unknown key


# --- the line map ---


def test_line_map_points_at_keys_and_items():
    text = "format: x\nmeta:\n  title: t\n  member_states:\n  - nl\n  - de\n"
    text += "answers:\n  q2:\n    sources:\n    - title: a\n"
    _, lines = parse_yaml(text, "lines.yaml")
    assert lines[()] == 1
    assert lines[("meta",)] == 2
    assert lines[("meta", "member_states", 1)] == 6
    assert lines[("answers", "q2", "sources", 0, "title")] == 10
    assert line_of(lines, ("meta", "member_states", 7)) == 4  # deepest known part
    assert line_of(lines, ("nowhere", "at", "all")) == 1
    assert dotted(("answers", "q2", "sources", 0, "title")) == "answers.q2.sources[0].title"


# --- JSON ---


def test_json_is_read_with_lines():
    text = json.dumps({"format": "x", "meta": {"title": "t", "member_states": ["nl", "de"]}}, indent=2)
    data, lines = parse_bytes(text.encode(), "a.json")
    assert data["meta"]["member_states"] == ["nl", "de"]
    assert lines[("meta", "member_states", 1)] == line_with(text, '"de"')


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        ('{\n  "a": 1,\n  "b": \n}\n', "}", "not valid JSON"),
        ('{\n  "a": 1,\n  "b": {"c": 1,\n        "c": 2}\n}\n', '"c": 2', "the key 'c' appears twice"),
        ('{\n  "a": [1,\n  2,,\n  3]\n}\n', "2,,", "not valid JSON"),
        ('{"a":\n' * 45 + "1" + "}" * 45, '{"a":', "nesting deeper"),
    ],
    ids=["syntax", "duplicate", "double-comma", "deep"],
)
def test_json_errors_have_a_line(text, needle, message):
    with pytest.raises(InputError) as caught:
        parse_json(text, "bad.json")
    problem = caught.value.problems[0]
    assert message in problem.message
    expected = line_with(text, needle, MAX_DEPTH) if needle == '{"a":' else line_with(text, needle)
    assert problem.line == expected


def test_json_constants_and_duplicates_are_refused():
    with pytest.raises(InputError, match="NaN is not allowed"):
        parse_json('{"a": NaN}', "nan.json")
    with pytest.raises(InputError, match="Infinity is not allowed"):
        parse_json('{"a": -Infinity}', "inf.json")


def test_json_detected_by_name_or_brace():
    assert parse_bytes(b'{"a": 1}', "upload")[0] == {"a": 1}
    assert parse_bytes(b'\n  {"a": 1}', "upload.yaml")[0] == {"a": 1}
    with pytest.raises(InputError, match="not valid JSON"):
        parse_bytes(b"a: 1\n", "file.json")


def test_bom_is_ignored():
    assert parse_bytes("\ufeffa: 1\n".encode(), "bom.yaml")[0] == {"a": 1}


# --- writing ---


def test_dump_yaml_reads_back_the_same_value_even_with_shared_parts():
    label = {"nl": "Ja", "en": "Yes"}
    data = {
        "version": "2022-07",
        "created": "2022-07-08",
        "words": ["no", "on", "010", "1_000", "true", "null", ""],
        "options": [{"id": "ja", "label": label}, {"id": "ook_ja", "label": label}],  # one object, twice
        "number": 230000000,
        "flag": True,
        "text": "Regel één\nRegel twee «met» aanhalingstekens: ja",
    }
    text = dump_yaml(data)
    assert "&" not in text and "*" not in text
    assert parse_yaml(text, "dumped.yaml")[0] == data


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)
