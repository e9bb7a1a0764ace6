"""User text is data, never markup: hostile text in every field appears literally, fetches nothing, attaches nothing.

The injection corpus (``tests/injection_corpus.py``, more than a hundred payloads) goes into every text field
the models and the framework define. A canary HTTP server on 127.0.0.1 records any request; the report's URL
fetcher records what it was asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from injection_corpus import (
    MARKER,
    Carrier,
    Payload,
    TextField,
    canary_server,
    carrier,
    escaped_lines,
    fill,
    groups,
    payloads,
    shadow,
    squashed,
    text_fields,
    unrevealed,
)
from pypdf import PdfReader

from framework.assessment import Assessment
from framework.errors import InputError
from framework.loading import assessment_from_data, load_assessment
from framework.models import Framework
from framework.report.pdfa import embedded_files
from framework.report.render import (
    TEMPLATES_DIR,
    URLRefused,
    extract_assessment,
    html_to_pdf,
    local_fetcher,
    render_html,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"
GROUP_SIZE = 15  # payloads per PDF: every list field of the framework holds at least 15 items
FINAL = {"status": "vastgesteld"}  # signed off: no CONCEPT watermark in the extracted text
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# pypdf reads glyphs of a fallback font (the fullwidth ＜ U+FF1C, the box drawn for ESC) as other characters: the
# PDF text is compared piece by piece, split where a payload has such a character or a hidden one.
LATIN = re.compile("[\x21-\x7e\u00a1-\u024f]+")
LIST_MARK = "•"  # the report's list bullet: text extraction may put it after the first line of a long item
MM = 72 / 25.4
BODY_MARGINS = (22 * MM, 25 * MM)  # bottom and top page margins of print.css: running footer and header lie there


def refused_at_the_edge(payload: Payload) -> bool:
    """A text with a NUL character is refused where it comes in (the models): it never reaches a report."""
    return "\x00" in payload.text


def reportable(corpus: list[Payload]) -> list[Payload]:
    """The payloads the models take, so that the report must show them as text."""
    return [p for p in corpus if not refused_at_the_edge(p)]


def body_text(reader: PdfReader) -> str:
    """The text of every page inside its margins: a running header or footer may fall inside a payload that
    crosses a page break, so the margin boxes are left out."""
    out: list[str] = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if BODY_MARGINS[0] < y < height - BODY_MARGINS[1]:
            out.append(text)

    for page in reader.pages:
        height = float(page.mediabox.height)
        page.extract_text(visitor_text=visit)
        out.append("\n")
    return "".join(out)


@pytest.fixture(scope="module")
def canary():
    with canary_server() as server:
        yield server


@cache
def base() -> tuple[Assessment, Framework]:
    return load_assessment(FIXTURE)


@cache
def fields() -> list[TextField]:
    assessment, framework = base()
    return text_fields(framework, assessment)


@cache
def shown_in_report() -> frozenset[str]:
    """The text fields the report prints: each gets a word of its own, and the words found tell."""
    assessment, framework = base()
    words = {f.name: f"veld{i:03d}woord" for i, f in enumerate(fields())}
    data = fill(assessment, fields(), lambda f: [words[f.name]] * min(f.max_items, 2))
    data["meta"].update(FINAL)
    html = render_html(assessment_from_data(data, "probe", framework=framework)[0], framework, include_guidance=False)
    return frozenset(name for name, word in words.items() if word in html)


class Elements(HTMLParser):
    """Every element of a document as (tag, attribute names): what markup there is, whatever the text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.marked: list[str] = []  # elements whose id or class is an injection marker
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        if any(name in ("id", "class") and (value or "").startswith(MARKER) for name, value in attrs):
            self.marked.append(tag)


def shadow_of(hostile: Carrier) -> Assessment:
    """The same assessment with every payload replaced by harmless text of the same shape."""
    framework = base()[1]
    data = hostile.assessment.model_dump(mode="json")
    for field in fields():
        if field.kind == "meta":
            data["meta"][field.path[1]] = shadow(data["meta"][field.path[1]])
            continue
        _, question_id, field_id = field.path[:3]
        value = data["answers"][question_id][field_id]
        if field.kind == "text":
            data["answers"][question_id][field_id] = shadow(value)
        elif field.kind == "list":
            data["answers"][question_id][field_id] = [shadow(v) for v in value]
        else:
            for source in value:
                source[field.path[3]] = shadow(source[field.path[3]])
    return assessment_from_data(data, "shadow", framework=framework)[0]


def check_html(html: str, hostile: Carrier, group: list[Payload], shadow_html: str) -> None:
    """No element, attribute or evaluated template came from user text; every payload is there, escaped."""
    elements = Elements(html)
    assert elements.found == Elements(shadow_html).found, "user text added or changed markup"
    assert elements.marked == [], "an element with an injected marker"
    html = unrevealed(html)
    for payload in group:
        expected = hostile.count(payload.marker, shown_in_report())
        for line in escaped_lines(payload.text):
            assert html.count(line) >= expected, (payload.marker, line, expected)


def test_the_corpus_is_large_and_the_fields_are_derived_from_the_model():
    corpus = payloads("http://127.0.0.1:1")
    assert len(corpus) >= 100
    assert len({p.text for p in corpus}) == len(corpus)
    assert not any(LIST_MARK in p.text for p in corpus)  # the PDF check drops the report's bullets
    kinds = {p.kind for p in corpus}
    assert {"html", "script", "event", "url", "css", "template", "markdown", "svg", "iframe", "entity"} <= kinds
    assert {"control", "long"} <= kinds
    names = {f.name for f in fields()}
    assert {"title", "ipcei", "author", "note", "q1.answer", "q14.conditions", "q1.sources.title"} <= names
    assert {"ecosystem", "phase", "q14.advice", "q1.sources.date"}.isdisjoint(names)  # codes and dates, not text
    assert {"title", "author", "q1.answer", "q14.conditions", "q1.sources.reference"} <= shown_in_report()


def test_every_payload_in_every_field_is_only_text_in_the_html(canary):
    """The whole product, one payload at a time in every field it fits: HTML only (the PDF is made from it)."""
    assessment, framework = base()
    corpus = payloads(canary.url)
    refused = [p for p in corpus if refused_at_the_edge(p)]
    assert refused, "the corpus lost its NUL payloads"
    for payload in refused:  # NUL in any text is refused at the edge, naming it: it never gets to a report
        with pytest.raises(InputError, match="NUL"):
            carrier(assessment, framework, fields(), [payload], rotate=False, **FINAL)
    for payload in reportable(corpus):
        hostile = carrier(assessment, framework, fields(), [payload], rotate=False, **FINAL)
        skipped = [f.name for f in fields() if f.name not in hostile.placed[payload.marker]]
        if payload.kind != "long":
            assert skipped == [], (payload.marker, skipped)
        html = render_html(hostile.assessment, framework, include_guidance=False)
        shadow_html = render_html(shadow_of(hostile), framework, include_guidance=False)
        check_html(html, hostile, [payload], shadow_html)
    assert canary.requests == []


def pdf_groups() -> list[int]:
    return list(range(len(groups(payloads("http://127.0.0.1:65535"), GROUP_SIZE))))


@pytest.mark.slow
@pytest.mark.parametrize("group_index", pdf_groups())
def test_payload_groups_in_every_field_are_only_text_in_the_pdf(canary, group_index):
    """Fifteen payloads per PDF, all in every field that holds them (rotating in the short fields)."""
    assessment, framework = base()
    group = reportable(groups(payloads(canary.url), GROUP_SIZE)[group_index])  # NUL: refused, see above
    hostile = carrier(assessment, framework, fields(), group, **FINAL)
    html = render_html(hostile.assessment, framework, include_guidance=False)
    check_html(html, hostile, group, render_html(shadow_of(hostile), framework, include_guidance=False))

    fetcher = local_fetcher()
    pdf = html_to_pdf(html, hostile.assessment, fetcher=fetcher)
    assert canary.requests == []
    assert fetcher.refused == []
    assert fetcher.fetched == [(TEMPLATES_DIR / "print.css").as_uri()]

    reader = PdfReader(BytesIO(pdf))
    assert [f.name for f in embedded_files(reader)] == ["assessment.json"]
    annotations = [a.get_object().get("/Subtype") for page in reader.pages for a in page.get("/Annots", [])]
    assert "/FileAttachment" not in annotations
    try:
        assert extract_assessment(pdf) == hostile.assessment
    except InputError as exc:
        # The readers may refuse control characters that the model takes (so a render has them): then the
        # embedded copy is refused by name, never half read. Only a group with such a character may get here.
        assert any(CONTROL.search(p.text) for p in group), exc
        assert "assessment.json" in str(exc) and "control character" in str(exc)

    full_text = body_text(reader)
    assert "CONCEPT" not in full_text  # signed off (vastgesteld): no watermark
    text = squashed(full_text.replace(LIST_MARK, ""))
    for payload in group:
        expected = hostile.count(payload.marker, shown_in_report())
        assert expected > 0, payload.marker
        for piece in LATIN.findall(re.sub(r"\s+", "", payload.text)):
            assert text.count(piece) >= expected, (payload.marker, piece[:80], expected)
    assert b"root:" not in pdf


def test_hostile_html_given_straight_to_weasyprint_fetches_and_attaches_nothing(canary):
    """Defence in depth: even HTML with live markup (a template bug) cannot fetch, read files or attach."""
    assessment, _ = base()
    port = canary.server_address[1]
    html = f"""<!DOCTYPE html><html lang="nl"><head><title>t</title>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">
    <link rel="attachment" href="file:///etc/passwd">
    <style>@import url(http://127.0.0.1:{port}/x.css);</style></head><body>
    <img src="file:///etc/hostname"> <img src="http://127.0.0.1:{port}/i.png"> <img src="../questions.yaml">
    <a rel="attachment" href="file:///etc/passwd">passwd</a> <p>body</p></body></html>"""
    fetcher = local_fetcher()
    pdf = html_to_pdf(html, assessment, fetcher=fetcher)
    assert canary.requests == []
    assert f"http://127.0.0.1:{port}/s.css" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert (ROOT / "questions.yaml").as_uri() in fetcher.refused
    reader = PdfReader(BytesIO(pdf))
    assert [f.name for f in embedded_files(reader)] == ["assessment.json"]
    assert not any(
        annot.get_object().get("/Subtype") == "/FileAttachment" for annot in reader.pages[0].get("/Annots", [])
    )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://example.org/report_templates/print.css",
        "http://127.0.0.1:{port}/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x.css",
        "{templates}/../questions.yaml",
        "{templates}/print.css?x=1",
        "{templates}/",
        "javascript:alert(1)",
    ],
)
def test_url_fetcher_refuses_all_but_templates_and_data(canary, url):
    url = url.format(port=canary.server_address[1], templates=TEMPLATES_DIR.as_uri())
    fetcher = local_fetcher()
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert canary.requests == []


def test_url_fetcher_serves_templates_and_data_urls():
    fetcher = local_fetcher()
    response = fetcher.fetch((TEMPLATES_DIR / "print.css").as_uri())
    assert response.content_type == "text/css" and b"@page" in response.read()
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher.refused == []
