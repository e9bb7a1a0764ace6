"""The injection corpus (issue #8): hostile text for every text field, a canary HTTP server, and the fields themselves.

:func:`payloads` gives more than a hundred snippets of HTML, script, event handlers, ``javascript:`` / ``data:`` /
``file:`` / canary URLs, CSS, template syntax (Jinja, ``${}``, ERB, Angular), Markdown as Streamlit renders it
(images, links, colours, icons, LaTeX, raw HTML), SVG, iframes, entity tricks, NUL and other control characters,
and very long attributes (their templates are in ``tests/injection_payloads.py``). Every payload that would
fetch something names the canary server; every payload that would create an element marks it with ``id``/``class``
``inj-NNN``; every payload that would run script sets ``window.__pwned`` or opens a dialog. Shown as text, a
payload changes nothing: that is what the tests check.

:func:`text_fields` derives the free-text fields from the models (``Meta``, ``SourceRef``) and the framework
(answer fields of type text, list and sources), so a new field is covered without touching this file.
"""

from __future__ import annotations

import contextlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from injection_payloads import LONG, TEMPLATES
from markupsafe import escape

from framework.assessment import Assessment, Meta, SourceRef, _field_annotation, meta_problems
from framework.models import FieldType, Framework

MARKER = "inj-"


@dataclass(frozen=True)
class Payload:
    marker: str  # inj-001 ...: the id or class an injected element would carry
    kind: str
    text: str


def payloads(canary: str) -> list[Payload]:
    """The corpus, with ``canary`` (``http://127.0.0.1:<port>``) wherever a payload would fetch."""
    port = canary.rsplit(":", 1)[1]
    out: list[Payload] = []

    def add(kind: str, template: str) -> None:
        marker = f"{MARKER}{len(out) + 1:03d}"
        text = template.replace("CANARY", canary).replace("PORT", port).replace("MARK", marker)
        out.append(Payload(marker, kind, text))

    for kind, templates in TEMPLATES.items():
        for template in templates:
            add(kind, template)
    for head, tail, length in LONG.values():
        head = head.replace("CANARY", canary).replace("MARK", f"{MARKER}{len(out) + 1:03d}")
        tail = tail.replace("CANARY", canary).replace("MARK", f"{MARKER}{len(out) + 1:03d}")
        add("long", head + "A" * (length - len(head) - len(tail)) + tail)
    return out


def groups(corpus: list[Payload], size: int) -> list[list[Payload]]:
    """The corpus in groups of ``size``, for assessments that carry many payloads at once."""
    return [corpus[i : i + size] for i in range(0, len(corpus), size)]


# --- the text fields ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextField:
    """One free-text place of an assessment: a meta field, a text answer, a list, or a source's text."""

    path: tuple[str, ...]  # ("meta", "title"), ("answers", "q1", "answer"), ("answers", "q1", "sources", "title")
    kind: str  # meta | text | list | source
    max_length: int
    min_length: int = 0
    max_items: int = 1

    @property
    def name(self) -> str:
        return ".".join(self.path[1:])


def _limits(metadata: list[Any]) -> tuple[int, int, str | None]:
    """(min length, max length, pattern) from a field's constraints (StringConstraints or annotated_types)."""
    low, high, pattern = 0, 10**9, None
    for item in metadata:
        low = getattr(item, "min_length", None) or low
        high = getattr(item, "max_length", None) or high
        pattern = getattr(item, "pattern", None) or pattern
    return low, high, pattern


def _free_strings(model: type) -> list[tuple[str, int, int]]:
    """(name, min, max) of a model's string fields that take any text (no pattern)."""
    found = []
    for name, info in model.model_fields.items():
        if info.annotation is not str:
            continue
        low, high, pattern = _limits(info.metadata)
        if pattern is None:
            found.append((name, low, high))
    return found


def text_fields(framework: Framework, example: Assessment) -> list[TextField]:
    """Every free-text place of an assessment, derived from the models and the framework.

    A meta string field counts when any text is accepted there (not one checked against the framework's lists,
    such as the ecosystem); answers count by type (text, list, and the free strings of a source).
    """
    fields: list[TextField] = []
    for name, low, high in _free_strings(Meta):
        probe = example.meta.model_copy(update={name: "vrije tekst"})
        if not any(path[:2] == ("meta", name) for path, _ in meta_problems(framework, probe)):
            fields.append(TextField(("meta", name), "meta", high, low))
    source_strings = _free_strings(SourceRef)
    for question in framework.questions():
        for answer_field in question.fields:
            base = ("answers", question.id, answer_field.id)
            if answer_field.type == FieldType.TEXT:
                fields.append(TextField(base, "text", answer_field.max_length))
            elif answer_field.type == FieldType.LIST:
                item = _field_annotation(answer_field).__origin__.__args__[0]  # list[Annotated[str, ...]]
                low, high, _ = _limits(list(item.__metadata__))
                fields.append(TextField(base, "list", high, low, answer_field.max_items))
            elif answer_field.type == FieldType.SOURCES:
                for name, low, high in source_strings:
                    fields.append(TextField((*base, name), "source", high, low, answer_field.max_items))
    return fields


def fill(example: Assessment, fields: list[TextField], texts: Callable[[TextField], list[str]]) -> dict[str, Any]:
    """The example's data with every text field set from ``texts(field)`` (one text, or one per list item/source).

    Sources get one entry per text; the source strings of one entry are set field by field, so the titles and
    references of the n-th source are the n-th texts of their fields.
    """
    data = example.model_dump(mode="json")
    for field in fields:
        values = texts(field)
        if field.kind == "meta":
            data["meta"][field.path[1]] = values[0]
            if field.path[1] == "national_budget_unknown":  # «onbekend» with a reason replaces the amount
                data["meta"]["national_budget_eur"] = None
            continue
        _, question_id, field_id = field.path[:3]
        answers = data["answers"].setdefault(question_id, {})
        if field.kind == "text":
            answers[field_id] = values[0]
        elif field.kind == "list":
            answers[field_id] = list(values)
        else:
            sources = answers.get(field_id) or []
            sources = [dict(s) for s in sources[: len(values)]]
            while len(sources) < len(values):
                sources.append({"title": "bron", "reference": "", "date": "2022-07"})
            for source, value in zip(sources, values, strict=True):
                source[field.path[3]] = value
            answers[field_id] = sources
    return data


def pack(texts: list[str], field: TextField, separator: str = "\n\n", start: int = 0) -> tuple[list[str], list[str]]:
    """As many of ``texts`` as the field holds, from ``start`` on (rotating): one per item, or joined in one text.

    Returns the field's values and the texts they hold.
    """
    ordered = texts[start:] + texts[:start]
    if field.kind in ("list", "source"):
        chosen = [t for t in ordered if field.min_length <= len(t) <= field.max_length][: field.max_items]
        return chosen, chosen
    chosen, size = [], 0
    for text in ordered:
        extra = len(text) + (len(separator) if chosen else 0)
        if size + extra <= field.max_length and len(text) >= field.min_length:
            chosen.append(text)
            size += extra
    return ([separator.join(chosen)] if chosen else []), chosen


# --- what a payload looks like when shown as text -------------------------------------------------------------


_REVEALED = re.compile(r"\[U\+[0-9A-F]{4,6}\]")


def hidden(c: str) -> bool:
    """A control or format character (NUL, ESC, BOM, bidi marks, zero-width space) or U+FFFD."""
    return (unicodedata.category(c) in ("Cc", "Cf") and not c.isspace()) or c == "\ufffd"


def unrevealed(text: str) -> str:
    """``text`` without hidden characters, and without the ``[U+202E]`` markers the app and report may show
    in their place (so that a reader sees them): what must survive of a payload, however those are shown."""
    return _REVEALED.sub("", "".join(c for c in text if not hidden(c)))


def visible(text: str) -> str:
    """Text as a reader sees it: :func:`unrevealed`, with every run of white space one space. Browsers, Markdown
    and PDF text extraction may drop, replace or reveal hidden characters; everything else must survive."""
    return " ".join(unrevealed(text).split())


def squashed(text: str) -> str:
    """:func:`visible` without any white space: PDF text extraction breaks and joins lines where it likes."""
    return re.sub(r"\s+", "", visible(text))


def escaped_lines(text: str) -> list[str]:
    """The lines of ``text`` HTML-escaped, as the report writes them (a newline becomes ``<br>`` or a paragraph),
    :func:`unrevealed`: compare them with an :func:`unrevealed` document."""
    lines = unrevealed(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [str(escape(line.strip())) for line in lines if line.strip()]


def shadow(text: str) -> str:
    """Harmless text of the same shape (white space and hidden characters kept, all else ``x``): the same layout
    and the same findings (hidden characters give one), no markup."""
    return "".join(c if c.isspace() or hidden(c) else "x" for c in text)


# --- the canary HTTP server -----------------------------------------------------------------------------------


class Canary(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that answers everything and records every request (method and path)."""

    requests: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _CanaryHandler(BaseHTTPRequestHandler):
    def _record(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"body { color: red }")

    do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = _record

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def canary_server() -> Iterator[Canary]:
    server = Canary(("127.0.0.1", 0), _CanaryHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# --- assessments that carry the corpus ------------------------------------------------------------------------


@dataclass(frozen=True)
class Carrier:
    """An assessment with payloads in its text fields, and which payload went into which fields."""

    assessment: Assessment
    placed: dict[str, list[str]]  # payload marker -> names of the fields that hold it whole

    def count(self, marker: str, fields: set[str] | None = None) -> int:
        return sum(1 for name in self.placed.get(marker, []) if fields is None or name in fields)


def carrier(
    example: Assessment,
    framework: Framework,
    fields: list[TextField],
    group: list[Payload],
    *,
    rotate: bool = True,
    **meta: Any,
) -> Carrier:
    """``example`` with the payloads of ``group`` in every text field: all of them where they fit (one per list item
    or source), else as many as fit, starting at a different payload in each field (``rotate``)."""
    from framework.loading import assessment_from_data

    texts = [p.text for p in group]
    by_text = {p.text: p.marker for p in group}
    placed: dict[str, list[str]] = {p.marker: [] for p in group}
    chosen: dict[str, list[str]] = {}
    for index, field in enumerate(fields):
        values, held = pack(texts, field, start=index % len(texts) if rotate else 0)
        chosen[field.name] = values
        for text in held:
            placed[by_text[text]].append(field.name)
    data = fill(example, fields, lambda f: chosen[f.name] or [_filler(f)])
    data["meta"].update(meta)
    assessment, _ = assessment_from_data(data, "injection", framework=framework)
    return Carrier(assessment, placed)


def _filler(field: TextField) -> str:
    return "tekst"[: max(field.min_length, 3)] if field.max_length >= 3 else "x"
