"""The advice PDF read back: text, attachment, metadata, bookmarks, PDF/A-3b checks; every example, nl and en.

Each PDF is rendered once per test session (``rendered``) and shared by the tests that read it.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from framework.assessment import Assessment, Status, canonical_json
from framework.loading import load_assessment
from framework.models import FieldType, Framework
from framework.report.pdfa import embedded_files, pdfa_problems, qpdf_problems
from framework.report.render import (
    ATTACHMENT_NAME,
    PDF_OPTIONS,
    TEMPLATES_DIR,
    extract_assessment,
    render_html,
    render_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SOURCES = [FIXTURE, *EXAMPLES]
CASES = [(path, lang) for path in SOURCES for lang in ("nl", "en")]
IDS = [f"{path.stem}-{lang}" for path, lang in CASES]


@cache
def loaded(path: Path) -> tuple[Assessment, Framework]:
    return load_assessment(path)


@cache
def rendered(path: Path, lang: str) -> bytes:
    assessment, framework = loaded(path)
    return render_pdf(assessment, framework, lang=lang)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def body_text(pdf: bytes, watermark: str | None) -> str:
    """The text of all pages in reading order, without the watermark, list bullets, running header and footer."""
    pages = []
    for number, text in enumerate(page_texts(pdf)):
        lines = [line for line in text.split("\n") if line.strip() not in ("•", watermark)]
        pages.append("\n".join(lines[:-2] if number else lines))  # the cover has no header and footer
    return "\n".join(pages)


def expected_texts(assessment: Assessment, framework: Framework, lang: str) -> list[str]:
    """Every piece of the user's text and every verdict label that the PDF must show."""
    meta = assessment.meta
    found = [meta.title, meta.ipcei, meta.author, meta.case_number, meta.ministry, meta.department]
    found += meta.note.splitlines()
    for question in framework.questions():
        for answer_field in question.fields:
            value = assessment.value(question.id, answer_field.id)
            if value in (None, "", []):
                continue
            match answer_field.type:
                case FieldType.TEXT:
                    found += value.splitlines()
                case FieldType.LIST:
                    found += value
                case FieldType.SOURCES:
                    found += [s["title"] for s in value] + [s["reference"] for s in value]
                case FieldType.CHOICE | FieldType.SCALE:
                    found.append(answer_field.option(value).label(lang))
                case FieldType.MULTICHOICE:
                    found += [answer_field.option(v).label(lang) for v in value]
    return [text for text in found if text.strip()]


# --- every example, both languages ---


@pytest.mark.parametrize(("path", "lang"), CASES, ids=IDS)
def test_roundtrip_and_text(path, lang):
    assessment, framework = loaded(path)
    pdf = rendered(path, lang)
    assert extract_assessment(pdf) == assessment
    watermark = None if assessment.meta.status in (Status.VASTGESTELD, Status.GEARCHIVEERD) else "CONCEPT"
    text = squash(body_text(pdf, {"nl": watermark, "en": watermark and "DRAFT"}[lang]))
    missing = [piece for piece in expected_texts(assessment, framework, lang) if squash(piece) not in text]
    assert not missing, f"not in the PDF text: {missing[:5]}"


@pytest.mark.parametrize(("path", "lang"), CASES, ids=IDS)
def test_pdfa_checks_pass(path, lang):
    assert pdfa_problems(rendered(path, lang)) == []


def test_the_examples_are_there():
    """Once examples/ has its four assessments, each is rendered above; until then the fixture stands in."""
    assert FIXTURE in SOURCES
    assert all(path.suffix == ".yaml" for path in EXAMPLES)


# --- the fixture in detail ---


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return rendered(FIXTURE, "nl")


@pytest.fixture(scope="module")
def reader(pdf) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def test_only_attachment_is_the_assessment(pdf, reader):
    files = embedded_files(reader)
    assert [f.name for f in files] == [ATTACHMENT_NAME]
    attachment = files[0]
    assert attachment.relationship == "/Data"
    stream = attachment.stream
    assert stream["/Subtype"] == "/application/json"
    assert stream["/Params"]["/CreationDate"] == "D:20220314000000Z"
    assert stream["/Params"]["/ModDate"] == "D:20220630000000Z"
    assessment, _ = loaded(FIXTURE)
    assert attachment.read(10**7) == canonical_json(assessment).encode("utf-8")
    assert reader.trailer["/Root"]["/AF"][0].get_object() == attachment.filespec
    assert not any(
        annot.get_object().get("/Subtype") == "/FileAttachment"
        for page in reader.pages
        for annot in page.get("/Annots", []) or []
    )


def test_metadata_and_language(reader):
    info = reader.metadata
    assert info.title == "Deelname aan de IPCEI Next Generation Cloud Infrastructure and Services"
    assert info.author == "Marieke de Vries"
    assert info.subject.startswith("Advies over deelname aan IPCEI Next Generation Cloud")
    assert "afwegingskader" in info["/Keywords"] and "IPCEI-CIS" in info["/Keywords"]
    assert info["/CreationDate"] == "D:20220314000000Z" and info["/ModDate"] == "D:20220630000000Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "Deelname aan de IPCEI Next Generation" in xmp
    assert PdfReader(BytesIO(rendered(FIXTURE, "en"))).trailer["/Root"]["/Lang"] == "en"


def test_bookmarks_follow_the_headings(reader):
    def titles(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    outline = list(titles(reader.outline))
    assert outline[0] == (0, "Samenvatting")
    assert (0, "A.1 Is een actieve overheidsrol nodig?") in outline
    assert (1, "Vraag 1 Aanleiding") in [(d, " ".join(t.split())) for d, t in outline]
    assert (0, "Concluderend") in outline and (0, "Parafenlijst") in outline
    assert sum(1 for depth, _ in outline if depth == 1) == 16  # every question


def background_images(page) -> int:
    """Images a page paints through its resources (the watermark is a page background: a pattern with an image)."""
    seen, found = set(), 0
    stack = [page["/Resources"]]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if id(item) in seen or not isinstance(item, dict):
            continue
        seen.add(id(item))
        if item.get("/Subtype") == "/Image":
            found += 1
        stack.extend(item.values())
    return found


def test_header_footer_and_watermark_on_every_page(pdf):
    texts = page_texts(pdf)
    assert len(texts) >= 8
    assessment, _ = loaded(FIXTURE)
    short = assessment.content_hash()[:12]
    reader = PdfReader(BytesIO(pdf))
    for number, text in enumerate(texts, start=1):
        assert "CONCEPT" not in text, f"the watermark's letters are in the text of page {number}"
        assert background_images(reader.pages[number - 1]) >= 1, f"no watermark on page {number}"
        assert b"/Artifact" in reader.pages[number - 1].get_contents().get_data()
        if number > 1:
            assert f"pagina {number} van {len(texts)}" in text
            assert f"afwegingskader-ipcei 2022-07 · {short}" in text
            assert "Deelname aan de IPCEI Next Generation Cloud Infrastructure and Services TER REVIEW" in text
    english = page_texts(rendered(FIXTURE, "en"))
    assert f"page 2 of {len(english)}" in english[1] and "DRAFT" not in english[1] and "IN REVIEW" in english[1]


def test_fonts_are_dejavu_and_embedded(reader):
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("DejaVu") for name in fonts), fonts


def test_qpdf_check_passes(pdf):
    assert qpdf_problems(pdf) == []


def test_bare_weasyprint_output_is_what_the_finisher_mends(pdf):
    """Without our finisher WeasyPrint leaves empty /Pattern and /Shading dictionaries; ours has none."""
    from weasyprint import HTML

    assessment, framework = loaded(FIXTURE)
    bare = HTML(string=render_html(assessment, framework), base_url=str(TEMPLATES_DIR / "advice.html")).write_pdf(
        **PDF_OPTIONS
    )
    problems = pdfa_problems(bare, qpdf=False)
    assert any("empty /Pattern resource dictionary" in p for p in problems)
    assert any("empty /Shading resource dictionary" in p for p in problems)
    assert not any("empty" in p for p in pdfa_problems(pdf, qpdf=False))


def test_pdfa_problems_finds_what_is_missing(pdf):
    assert pdfa_problems(b"not a pdf") == ["no PDF 1.x header"]
    from pypdf import PdfWriter

    plain = BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(plain)
    problems = " | ".join(pdfa_problems(plain.getvalue(), qpdf=False))
    for expected in (
        "no XMP metadata",
        "not 3 B",
        "no PDF/A output intent",
        "not marked as tagged",
        "no structure tree",
    ):
        assert expected in problems
    assert "no document language" in problems


def structure_roles(node, depth: int = 0) -> set[str]:
    """The structure types (/S) under a node of the structure tree."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return set().union(*(structure_roles(child, depth + 1) for child in node)) if depth < 60 else set()
    if not isinstance(node, dict):
        return set()
    found = {str(node["/S"])} if "/S" in node else set()
    return found | (structure_roles(node["/K"], depth + 1) if "/K" in node and depth < 60 else set())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_tagged_for_assistive_technology(lang):
    """Tagged (a structure tree with headings, lists and tables), with its language and its title shown."""
    reader = PdfReader(BytesIO(rendered(FIXTURE, lang)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True  # a BooleanObject: bool() of it is always true
    assert root["/Lang"] == lang
    roles = structure_roles(root["/StructTreeRoot"]["/K"])
    assert {"/Document", "/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD"} <= roles, roles
    assessment, _ = loaded(FIXTURE)
    assert reader.metadata.title == assessment.meta.title
    # A viewer shows the document's title in its window instead of the file name (PDF/UA, WCAG PDF18).
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
