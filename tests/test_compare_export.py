"""The comparison as CSV (read back with the csv module, cell by cell) and as PDF (read back with pypdf)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from compare_support import example, examples, for_revised, revised_framework, with_answer, with_meta
from pypdf import PdfReader

from framework.compare.export import csv_rows, render_html, render_pdf, safe_cell, to_csv, to_csv_bytes
from framework.compare.sides import META_ROWS, Subject, build
from framework.report.render import TEMPLATES_DIR, local_fetcher

HOSTILE_TITLE = "<script>alert(1)</script> Waterstof"
HOSTILE_ANSWER = '<img src="file:///etc/passwd"> <link rel="stylesheet" href="file:///etc/hostname"> & «echt»'


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_header_and_one_row_per_question_field():
    comparison = build(examples("ipcei-micro-elektronica", "ipcei-waterstof", "ipcei-negatief-advies"))
    rows = read_csv(to_csv(comparison))
    assert rows[0] == [
        "Onderdeel", "Vraag-id", "Vraag", "Veld-id", "Veld", "Status",
        "A. Deelname aan de IPCEI Micro-elektronica en communicatietechnologieën",
        "B. Deelname aan de IPCEI Waterstof",
        "C. Verkenning deelname aan een IPCEI Digitale Winkelstraat (fictief)",
    ]  # fmt: skip
    fields = sum(len(q.rows) for q in comparison.questions)
    assert len(rows) == 1 + len(META_ROWS) + fields
    assert all(len(r) == 9 for r in rows)
    by_key = {(r[1], r[3]): r for r in rows[1:]}
    assert by_key[("meta", "ecosystem")] == [
        "Algemene gegevens", "meta", "", "ecosystem", "Industrieel ecosysteem", "verschilt",
        "elektronica", "hernieuwbare energiebronnen", "detailhandel",
    ]  # fmt: skip
    assert by_key[("meta", "framework")][5:] == ["gelijk"] + ["afwegingskader-ipcei 2022-07"] * 3
    assert by_key[("meta", "national_budget_eur")][6:] == ["€ 230.000.000", "€ 35.000.000", ""]
    assert by_key[("q14", "advice")] == [
        "Concluderend", "q14", "Vraag 14 Conclusie: Advies", "advice", "Advies", "verschilt",
        "Deelnemen", "Deelnemen", "Niet deelnemen",
    ]  # fmt: skip
    assert by_key[("q2", "severity")][:6] == [
        "A.1 Is een actieve overheidsrol nodig?", "q2", "Vraag 2 Hoe wezenlijk is het probleem?", "severity",
        "Ernst van het probleem", "verschilt",
    ]  # fmt: skip
    assert by_key[("q2", "severity")][6:] == ["Ernstig", "Ernstig", "Paracetamol"]
    micro, _ = example("ipcei-micro-elektronica")
    assert by_key[("q1", "answer")][6] == micro.value("q1", "answer")  # the whole text, newlines and all
    objectives = by_key[("q3", "objectives")][6].split("\n")
    assert objectives == [f"• {item}" for item in micro.value("q3", "objectives")]
    assert [r[1] for r in rows[1:]][: len(META_ROWS) + 1] == ["meta"] * len(META_ROWS) + ["q1"]


def test_csv_only_differences_and_english():
    comparison = build(examples("ipcei-micro-elektronica", "ipcei-waterstof"), lang="en")
    rows = read_csv(to_csv(comparison, only_differences=True))
    assert rows[0][:6] == ["Section", "Question id", "Question", "Field id", "Field", "Status"]
    assert {r[5] for r in rows[1:]} == {"differs"}
    keys = {(r[1], r[3]) for r in rows[1:]}
    assert ("q14", "advice") not in keys and ("meta", "framework") not in keys
    assert ("meta", "ecosystem") in keys and ("q1", "answer") in keys
    assert next(r for r in rows if r[3] == "ecosystem")[6:] == ["Electronics", "Renewable energy"]


def test_csv_not_applicable_for_a_question_a_framework_lacks():
    old, framework = example("ipcei-waterstof")
    revised = revised_framework(framework)
    rows = read_csv(to_csv(build([(old, framework), (for_revised(old, revised), revised)])))
    q15 = next(r for r in rows if r[1] == "q15")
    assert q15[5:] == [
        "niet in elke versie van het kader",
        "niet van toepassing",
        "Een antwoord op de vijftiende vraag.",
    ]
    q13 = next(r for r in rows if r[1] == "q13" and r[3] == "balance")
    assert q13[6:] == ["Voordelen groter dan nadelen", "niet van toepassing"]


def test_csv_never_starts_a_cell_with_a_formula():
    a, fw = example("ipcei-cloud")
    b = with_meta(a, title='=HYPERLINK("http://example.org")', ipcei="+31 IPCEI", author="@auteur")
    b = with_answer(b, "q1", "answer", "-1 is het antwoord")
    rows = read_csv(to_csv(build([(a, fw), (b, fw)])))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert rows[0][7] == 'B. =HYPERLINK("http://example.org")'  # starts with the letter: no formula
    title = next(r for r in rows if r[3] == "title")
    assert title[7] == '\'=HYPERLINK("http://example.org")'
    assert next(r for r in rows if r[3] == "ipcei")[7] == "'+31 IPCEI"
    assert next(r for r in rows if r[1] == "q1" and r[3] == "answer")[7] == "'-1 is het antwoord"
    assert safe_cell("gewoon") == "gewoon" and safe_cell("\tx") == "'\tx"


def test_csv_bytes_carry_a_byte_order_mark_for_spreadsheets():
    comparison = build(examples("ipcei-cloud", "ipcei-waterstof"))
    data = to_csv_bytes(comparison)
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data.decode("utf-8-sig")) == csv_rows(comparison)
    assert b"\r\n" in data


# --- HTML and PDF -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_pair():
    a, fw = example("ipcei-waterstof")
    b = with_meta(a, title=HOSTILE_TITLE, author="<b>Mallory</b>")
    b = with_answer(b, "q1", "answer", HOSTILE_ANSWER)
    return build([Subject(a, fw, ref="waterstof.yaml"), Subject(b, fw, ref="0123abcd", revision=3)])


@pytest.fixture(scope="module")
def rendered(hostile_pair):
    fetcher = local_fetcher()
    pdf = render_pdf(hostile_pair, today=date(2024, 5, 1), fetcher=fetcher)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return pdf, reader, " ".join(text.split()), fetcher


def test_html_escapes_user_text(hostile_pair):
    html = render_html(hostile_pair, today=date(2024, 5, 1))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Waterstof" in html
    assert '<img src="file:///etc/passwd">' not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert re.findall(r'(?:href|src)="([^"]+)"', html) == ["print.css", "compare.css"]
    assert "Vergeleken op 01-05-2024" in html


def test_pdf_reads_back_with_titles_labels_and_literal_user_text(rendered):
    pdf, reader, text, _ = rendered
    assert pdf.startswith(b"%PDF-")
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape A4
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    for expected in (
        "Vergelijking van 2 beoordelingen",
        "Deelname aan de IPCEI Waterstof",
        "<script>alert(1)</script> Waterstof",
        '<img src="file:///etc/passwd">',
        "<b>Mallory</b>",
        "Algemene gegevens",
        "Conclusies en advies",
        "Industrieel ecosysteem",
        "Vraag 14",
        "Daadwerkelijke deelname",
        "(rev. 3)",
        "0123abcd",
    ):
        assert expected in text, expected
    assert reader.metadata.title == "Vergelijking van 2 beoordelingen"
    assert "≠" in text and "=" in text


def test_pdf_fetches_only_the_templates_and_attaches_nothing(rendered):
    pdf, _, _, fetcher = rendered
    assert fetcher.refused == []
    assert fetcher.fetched, "the stylesheets are fetched through our fetcher"
    for url in fetcher.fetched:
        assert url.startswith("data:") or url.startswith(TEMPLATES_DIR.as_uri() + "/"), url
    assert b"/EmbeddedFiles" not in pdf and b"/Filespec" not in pdf


def test_pdf_only_differences_is_shorter_and_reproducible(monkeypatch, hostile_pair, rendered):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")  # 2024-05-01
    first = render_pdf(hostile_pair, only_differences=True)
    second = render_pdf(hostile_pair, only_differences=True)
    assert first == second
    short = PdfReader(io.BytesIO(first))
    assert len(short.pages) < len(rendered[1].pages)
    text = " ".join("\n".join(p.extract_text() for p in short.pages).split())
    assert "Alleen wat verschilt is opgenomen." in text and "Vergeleken op 01-05-2024" in text
    assert "Versie van het afwegingskader" not in text  # the same in both: left out
