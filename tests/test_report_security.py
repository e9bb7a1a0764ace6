"""User text is data, never markup: hostile text in every field appears literally, fetches nothing, attaches nothing.

A canary HTTP server on 127.0.0.1 records any request; the report's URL fetcher records what it was asked for.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from framework.assessment import Assessment
from framework.loading import assessment_from_data, load_assessment
from framework.models import FieldType, Framework
from framework.pdfa import embedded_files
from framework.report import (
    TEMPLATES_DIR,
    URLRefused,
    extract_assessment,
    html_to_pdf,
    local_fetcher,
    render_html,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"


class Canary(ThreadingHTTPServer):
    requests: list[str]


@pytest.fixture(scope="module")
def canary():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.server.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = Canary(("127.0.0.1", 0), Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def payloads(port: int) -> list[str]:
    """Hostile snippets, in two groups that each fit the shortest text field (the author, 120 characters)."""
    return [
        '<img src="file:///etc/hostname"> <link rel="attachment" href="file:///etc/passwd"> <script>alert(1)</script>',
        f'<style>@import url(http://127.0.0.1:{port}/x.css)</style> {{{{ 7*7 }}}} {{% raw %}} <img src="http://127.0.0.1:{port}/">',
    ]


def hostile(base: Assessment, framework: Framework, text: str) -> tuple[Assessment, int]:
    """The fixture with ``text`` in every text field; returns it and the number of fields filled."""
    data = base.model_dump(mode="json")
    meta = data["meta"]
    meta_fields = ("title", "ipcei", "case_number", "ministry", "department", "author", "note")
    for key in meta_fields:
        meta[key] = text
    meta["status"] = "vastgesteld"  # no watermark in the extracted text
    filled = len(meta_fields)
    for question in framework.questions():
        answers = data["answers"].setdefault(question.id, {})
        for answer_field in question.fields:
            if answer_field.type == FieldType.TEXT:
                answers[answer_field.id] = text
                filled += 1
            elif answer_field.type == FieldType.LIST:
                answers[answer_field.id] = [text, f"{text} (2)"]
                filled += 2
            elif answer_field.type == FieldType.SOURCES:
                answers[answer_field.id] = [{"title": text, "reference": text, "date": "2022-05"}]
                filled += 2
    assessment, _ = assessment_from_data(data, "hostile", framework=framework)
    return assessment, filled


@cache
def base() -> tuple[Assessment, Framework]:
    return load_assessment(FIXTURE)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("group", range(2))
def test_hostile_text_in_every_field_is_only_text(canary, group):
    assessment, framework = base()
    text = payloads(canary.server_address[1])[group]
    assert len(text) <= 120
    hostile_assessment, filled = hostile(assessment, framework, text)

    html = render_html(hostile_assessment, framework)
    for raw in ("<img", '<link rel="attachment"', "<script", "<style>@import", "<a rel"):
        assert html.count(raw) == 0, raw
    assert "alert(1)" not in html or "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    fetcher = local_fetcher()
    pdf = html_to_pdf(html, hostile_assessment, fetcher=fetcher)
    assert canary.requests == []
    assert fetcher.refused == []
    assert fetcher.fetched == [(TEMPLATES_DIR / "print.css").as_uri()]

    reader = PdfReader(BytesIO(pdf))
    assert [f.name for f in embedded_files(reader)] == ["assessment.json"]
    assert extract_assessment(pdf) == hostile_assessment

    full_text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CONCEPT" not in full_text  # signed off (vastgesteld): no watermark
    assert squash(full_text).count(squash(text)) >= filled
    normalised = " ".join(full_text.split())
    blanked = normalised.replace(hostile_assessment.content_hash()[:12], "")
    assert not re.search(r"(?<![\w.,])49(?![\w])", blanked), "template code in user text was evaluated"
    assert b"root:" not in pdf and b"/etc/passwd" not in pdf.replace(b"file:///etc/passwd", b"")


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
