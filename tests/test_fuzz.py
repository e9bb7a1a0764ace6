"""Fuzzing the readers of outside input: the framework loader, the assessment loader and the PDF extractor.

Each reader gets 1,000 inputs (hypothesis, derandomized so CI sees the same ones), made from the real files:
``questions.yaml``, ``examples/*.yaml`` and an advice PDF rendered once per session. The inputs are the real
documents mutated: keys deleted, values of another type, random unicode inserted, unknown keys added, then
written as YAML or JSON, and their bytes flipped, truncated, inserted or cut. For the PDF: bytes of the PDF
itself mutated, and its embedded ``assessment.json`` replaced by mutated JSON.

What must hold: nothing escapes but our own domain errors (:class:`~framework.errors.IpceiError`), and every
error names the place: the file and the line for YAML and JSON (a problem of the whole file, such as an empty
one, has no line), the field for a model error (``answers.q2.severity``), and the PDF (and its attachment) for
the extractor. Each test also checks that the inputs reached every stage (some accepted, some refused by the
model, some by the parser), so that a fuzzer that only ever hits the first check cannot pass unnoticed.
"""

from __future__ import annotations

import copy
import json
import time
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from framework.assessment import Assessment, canonical_json
from framework.errors import InputError, IpceiError
from framework.loading import DEFAULT_FRAMEWORK, assessment_from_bytes, framework_from_data, load_assessment
from framework.models import Framework
from framework.report.render import ATTACHMENT_NAME, extract_assessment, render_pdf
from framework.yamlio import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PDF_SOURCE = "advice.pdf"
EXAMPLES_PER_READER = 1000
FUZZ = settings(
    max_examples=EXAMPLES_PER_READER,
    deadline=None,
    derandomize=True,  # the same inputs on every run, so that CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
# Problems of a whole file, which have no line to name; every other problem must have one.
WHOLE_FILE = ("the file is empty", "file is ", "too many nested structures", "nesting deeper than")
# Scalars that look like something else in YAML 1.1, or that try to be markup of the reader.
TRICKY_SCALARS = [
    "no", "yes", "on", "010", "0x1F", "1e3", ".inf", "~", "null", "", "true", "2022-13-45", "-1", "12:30",
    "99999999999999999999999999999999", "&a x", "*a", "!!python/name:os.system", "!secret x", "{", "[", "'",
    '"', "<<: *a", "- x", "? x", "| x", "> x", "%YAML 1.1", "---", "...", "\\u0000", "é", "\u202e", "\u200b",
]  # fmt: skip


# --- what a reader may do with an input ----------------------------------------------------------------------


def outcome_of(read: Any, source: str) -> str:
    """Run ``read``; 'accepted', or the kind of domain error after checking that it names the place."""
    try:
        read()
    except InputError as error:
        for problem in error.problems:
            assert problem.source == source, problem
            assert problem.message, problem
            assert problem.line is not None or problem.message.startswith(WHOLE_FILE), problem
            assert str(problem).startswith(f"{source}:"), problem
        fields = [p.field for p in error.problems]
        return "model" if all(fields) and all(p.line for p in error.problems) else "syntax"
    except IpceiError as error:  # any other domain error must still say which input it is about
        assert source in str(error), error
        return type(error).__name__
    return "accepted"


# --- mutations -----------------------------------------------------------------------------------------------

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(TRICKY_SCALARS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def paths_of(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys and indexes) in a document, the root included."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*path, index))
    return found


def mutate_data(draw: Any, data: Any, paths: list[tuple]) -> Any:
    """One to three structural changes: delete a key, another value, unicode into a text, an unknown key."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent_path, last = path[:-1], path[-1] if path else None
        try:
            parent = data
            for part in parent_path:
                parent = parent[part]
            target = parent[last] if path else data
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this place
        operation = draw(st.sampled_from(["delete", "replace", "unicode", "unknown-key", "empty"]))
        if operation == "delete" and path:
            del parent[last]
        elif operation == "replace" and path:
            parent[last] = draw(values)
        elif operation == "unicode" and isinstance(target, str) and path:
            at = draw(st.integers(0, len(target)))
            parent[last] = target[:at] + draw(st.text(min_size=1, max_size=10)) + target[at:]
        elif operation == "unknown-key" and isinstance(target, dict):
            target[draw(st.text(max_size=12))] = draw(values)
        elif operation == "empty" and path:
            parent[last] = type(target)() if isinstance(target, dict | list | str) else None
    return data


def mutate_bytes(draw: Any, content: bytes, at_most: int = 3) -> bytes:
    """Zero to ``at_most`` byte-level changes: flip a bit, truncate, insert bytes or text, cut a span, a line."""
    content = bytearray(content)
    for _ in range(draw(st.integers(0, at_most))):
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        operation = draw(st.sampled_from(["flip", "truncate", "insert", "unicode", "cut", "line", "scalar"]))
        if operation == "flip" and content:
            content[at] ^= 1 << draw(st.integers(0, 7))
        elif operation == "truncate":
            del content[at:]
        elif operation == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "unicode":
            content[at:at] = draw(st.text(min_size=1, max_size=8)).encode("utf-8", "surrogatepass")
        elif operation == "cut":
            del content[at : at + draw(st.integers(1, 64))]
        elif operation in ("line", "scalar"):
            start = content.rfind(b"\n", 0, at) + 1
            end = content.find(b"\n", at)
            end = len(content) if end < 0 else end
            line = bytes(content[start:end])
            if operation == "line":  # drop or double a whole line
                content[start:end] = b"" if draw(st.booleans()) else line + b"\n" + line
            elif b": " in line:  # the value after a key becomes a tricky scalar
                key = line.split(b": ", 1)[0]
                content[start:end] = key + b": " + draw(st.sampled_from(TRICKY_SCALARS)).encode("utf-8")
    return bytes(content)


def serialize(draw: Any, data: Any) -> tuple[bytes, str]:
    if draw(st.booleans()):
        text = json.dumps(data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1, 2])))
        return text.encode("utf-8", "surrogatepass"), "json"
    # libyaml's dumper: framework.yamlio.dump_yaml is the same format, pure Python and ten times slower
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=draw(st.booleans()), sort_keys=False)
    return text.encode("utf-8", "surrogatepass"), "yaml"


# --- the framework loader ------------------------------------------------------------------------------------

QUESTIONS = DEFAULT_FRAMEWORK.read_bytes()
QUESTIONS_DATA, QUESTIONS_LINES = parse_bytes(QUESTIONS, "questions.yaml")
QUESTIONS_PATHS = paths_of(QUESTIONS_DATA)


@st.composite
def framework_inputs(draw: Any) -> tuple[bytes, str]:
    """``questions.yaml`` mutated as text, or its data mutated and written as JSON (YAML dumping is too slow)."""
    if draw(st.booleans()):
        return mutate_bytes(draw, QUESTIONS, at_most=4) or b" ", "questions.yaml"
    data = mutate_data(draw, QUESTIONS_DATA, QUESTIONS_PATHS)
    content = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass")
    return mutate_bytes(draw, content, at_most=1), "questions.json"


def read_framework(content: bytes, source: str) -> Framework:
    data, lines = parse_bytes(content, source)
    return framework_from_data(data, source, lines)


def fuzz_loader(name: str, inputs: Any, read: Any) -> Counter[str]:
    """Feed ``read(content, source)`` the generated inputs; how each ended, counted and reported."""
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(inputs)
    def run(case: tuple[bytes, str]) -> None:
        content, source = case
        outcomes[outcome_of(lambda: read(content, source), source)] += 1

    started = time.perf_counter()
    run()
    report(name, outcomes, time.perf_counter() - started)
    return outcomes


@pytest.mark.slow
def test_framework_loader_fuzz():
    outcomes = fuzz_loader("framework loader", framework_inputs(), read_framework)
    assert sum(outcomes.values()) >= EXAMPLES_PER_READER
    assert outcomes["accepted"] > 0 and outcomes["model"] > 50 and outcomes["syntax"] > 50, outcomes


# --- the assessment loader -----------------------------------------------------------------------------------

ASSESSMENTS = [parse_bytes(path.read_bytes(), path.name)[0] for path in EXAMPLES]
ASSESSMENT_PATHS = [paths_of(data) for data in ASSESSMENTS]


@st.composite
def assessment_inputs(draw: Any) -> tuple[bytes, str]:
    """An example assessment, mutated as text, or as data and then written as YAML or JSON and mutated again."""
    index = draw(st.integers(0, len(EXAMPLES) - 1))
    if draw(st.integers(0, 3)) == 0:
        return mutate_bytes(draw, EXAMPLES[index].read_bytes(), at_most=4), EXAMPLES[index].name
    data = mutate_data(draw, ASSESSMENTS[index], ASSESSMENT_PATHS[index])
    content, kind = serialize(draw, data)
    return mutate_bytes(draw, content, at_most=2), f"{EXAMPLES[index].stem}.{kind}"


@pytest.mark.slow
def test_assessment_loader_fuzz():
    outcomes = fuzz_loader("assessment loader", assessment_inputs(), assessment_from_bytes)
    assert sum(outcomes.values()) >= EXAMPLES_PER_READER
    assert outcomes["accepted"] > 0 and outcomes["model"] > 50 and outcomes["syntax"] > 50, outcomes


# --- the PDF extractor ---------------------------------------------------------------------------------------

SLOT_PADDING = 4096  # room for mutated JSON that grows


class AdvicePdf:
    """An advice PDF rendered once, and a copy whose ``assessment.json`` sits uncompressed in a fixed slot.

    Replacing the bytes of that slot (padded with spaces to its length) gives a PDF whose offsets are all still
    right, with any JSON as its attachment: the extractor then reads exactly the mutated JSON.
    """

    def __init__(self, example: Path):
        assessment, framework = load_assessment(example)
        self.assessment = assessment
        self.pdf = render_pdf(assessment, framework, include_guidance=False)
        self.json = canonical_json(assessment).encode("utf-8")
        writer = PdfWriter(clone_from=PdfReader(BytesIO(self.pdf)))
        [stream] = [o for o in writer._objects if isinstance(o, StreamObject) and o.get("/Type") == "/EmbeddedFile"]
        assert stream.get_data() == self.json
        for key in ("/Filter", "/DecodeParms"):
            stream.pop(NameObject(key), None)
        self.slot = len(self.json) + SLOT_PADDING
        stream._data = self.json.ljust(self.slot)  # the stream as it is written, without a filter
        out = BytesIO()
        writer.write(out)
        self.template = out.getvalue()
        self.offset = self.template.index(self.json)
        assert self.template.count(self.json) == 1

    def with_attachment(self, content: bytes) -> bytes:
        content = content[: self.slot].ljust(self.slot)
        return self.template[: self.offset] + content + self.template[self.offset + self.slot :]


@pytest.fixture(scope="session")
def advice() -> AdvicePdf:
    pdf = AdvicePdf(ROOT / "examples" / "ipcei-onvolledig.yaml")
    assert extract_assessment(pdf.pdf) == pdf.assessment
    assert extract_assessment(pdf.with_attachment(pdf.json)) == pdf.assessment  # the slot works as intended
    return pdf


def extract_outcome(pdf: bytes) -> str:
    """Like :func:`outcome_of`, for the extractor: errors name the PDF, and the attachment for its data."""
    try:
        assessment = extract_assessment(pdf, source=PDF_SOURCE)
    except InputError as error:
        for problem in error.problems:
            assert problem.source == f"{PDF_SOURCE}#{ATTACHMENT_NAME}", problem
            assert problem.line is not None or problem.message.startswith(WHOLE_FILE), problem
        return "model" if all(p.field for p in error.problems) else "syntax"
    except IpceiError as error:
        assert str(error).startswith(f"{PDF_SOURCE}: "), error
        assert "PDF" in str(error) or ATTACHMENT_NAME in str(error), error
        return "pdf"
    assert isinstance(assessment, Assessment)
    return "accepted"


@pytest.mark.slow
def test_pdf_extractor_fuzz_on_the_bytes_of_the_pdf(advice):
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        pdf = mutate_bytes(data.draw, advice.pdf, at_most=4)
        outcomes[extract_outcome(pdf)] += 1

    started = time.perf_counter()
    run()
    report("PDF extractor, PDF bytes", outcomes, time.perf_counter() - started)
    assert sum(outcomes.values()) >= EXAMPLES_PER_READER
    assert outcomes["accepted"] > 0 and outcomes["pdf"] > 50, outcomes


@pytest.mark.slow
def test_pdf_extractor_fuzz_on_the_embedded_json(advice):
    data = json.loads(advice.json)
    paths = paths_of(data)
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(st.data())
    def run(draw_from: st.DataObject) -> None:
        draw = draw_from.draw
        mutated = mutate_data(draw, data, paths) if draw(st.booleans()) else data
        content = json.dumps(mutated, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        outcomes[extract_outcome(advice.with_attachment(mutate_bytes(draw, content, at_most=2)))] += 1

    started = time.perf_counter()
    run()
    report("PDF extractor, embedded JSON", outcomes, time.perf_counter() - started)
    assert sum(outcomes.values()) >= EXAMPLES_PER_READER
    assert outcomes["accepted"] > 0 and outcomes["model"] > 50 and outcomes["syntax"] > 50, outcomes


def report(what: str, outcomes: Counter[str], seconds: float) -> None:
    """The figure of a run (printed; shown with ``pytest -s`` or in the summary of a failure)."""
    total = sum(outcomes.values())
    print(f"\n{what}: {total} inputs in {seconds:.1f} s ({1000 * seconds / total:.1f} ms each): {dict(outcomes)}")
