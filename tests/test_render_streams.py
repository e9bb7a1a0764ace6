"""The PDF's streams compressed once, at zlib's default level (framework.report.pdfa.compress_streams).

The record must not change: the same page contents, fonts and text as pydyf's own level-9 compression writes,
still a PDF/A-3b with its one attachment. Compared on one example rendered both ways in this run.
"""

from __future__ import annotations

import zlib
from functools import cache
from io import BytesIO
from pathlib import Path

import pydyf
from pypdf import PdfReader
from pypdf.generic import StreamObject

import framework.report.render as render
from framework.loading import load_assessment
from framework.report.pdfa import compress_streams, pdfa_problems

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-onvolledig.yaml"  # the shortest example: 14 pages


def test_a_stream_pydyf_would_compress_is_compressed_once_and_reads_back_the_same():
    pdf = pydyf.PDF()
    content = pydyf.Stream(compress=True)
    content.push_state()
    content.set_color_rgb(0.1, 0.2, 0.3)
    content.rectangle(0, 0, 100, 50)
    content.fill()
    content.pop_state()
    expected = b"\n".join(pydyf._to_bytes(item) for item in content.stream)
    image = pydyf.Stream([b"\x78\x9c already deflated"], {"Filter": "/FlateDecode"})  # as WeasyPrint's images
    plain = pydyf.Stream([b"<x:xmpmeta/>"], {"Type": "/Metadata"}, compress=False)
    for stream in (content, image, plain):
        pdf.add_object(stream)

    assert compress_streams(pdf) == 1
    assert content.compress is False and content.extra["Filter"] == "/FlateDecode"
    assert zlib.decompress(content.stream[0]) == expected
    assert image.stream == [b"\x78\x9c already deflated"] and image.extra == {"Filter": "/FlateDecode"}
    assert plain.stream == [b"<x:xmpmeta/>"] and "Filter" not in plain.extra
    assert compress_streams(pdf) == 0  # a second pass finds nothing left to do (never compressed twice)
    written = BytesIO()
    pdf.write(written, identifier=True, compress=True)
    assert b"/Filter /FlateDecode" in written.getvalue()


def test_a_pydyf_without_its_byte_helper_compresses_as_before(monkeypatch):
    pdf = pydyf.PDF()
    content = pydyf.Stream([b"0 0 m 10 10 l S"], compress=True)
    pdf.add_object(content)
    monkeypatch.delattr(pydyf, "_to_bytes")
    assert compress_streams(pdf) == 0
    assert content.compress is True and "Filter" not in content.extra and content.stream == [b"0 0 m 10 10 l S"]


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream's decoded bytes (page contents, fonts, metadata, the attachment), in object order."""
    reader = PdfReader(BytesIO(pdf))
    out = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a number in an object stream's gap: pypdf says so loudly, it is not a stream
            continue
        if isinstance(obj, StreamObject) and obj.get("/Type") not in ("/ObjStm", "/XRef"):
            out.append(obj.get_data())
    return out


@cache
def _both_ways() -> tuple[bytes, bytes]:
    """The example's PDF as written now, and with pydyf compressing every stream itself (level 9), as before."""
    assessment, framework = load_assessment(EXAMPLE)
    now = render.render_pdf(assessment, framework, lang="nl")
    real = render.compress_streams
    render.compress_streams = lambda pdf: 0
    try:
        before = render.render_pdf(assessment, framework, lang="nl")
    finally:
        render.compress_streams = real
    return now, before


def test_the_advice_carries_the_same_streams_as_with_pydyfs_own_compression():
    now, before = _both_ways()
    assert now != before  # the compression differs, so the comparison below compares something
    assert _streams(now) == _streams(before)  # page contents, fonts, XMP, ICC profile, assessment.json
    assert [p.extract_text() for p in PdfReader(BytesIO(now)).pages] == [
        p.extract_text() for p in PdfReader(BytesIO(before)).pages
    ]


def test_the_advice_is_still_pdfa_with_its_attachment_and_barely_larger():
    now, before = _both_ways()
    assert pdfa_problems(now) == []
    assessment, _ = load_assessment(EXAMPLE)
    assert render.extract_assessment(now) == assessment
    assert len(now) <= len(before) * 1.05, (len(now), len(before))  # level 6 against 9: a few per cent
