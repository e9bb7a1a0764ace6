"""The advice in Word (issue #15): python-docx reads back every answer, LibreOffice opens it and exports every
answer, real heading styles, tables and numbered lists, hostile text stays text, the beslisnota variant."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

import docx
import pytest
from injection_corpus import fill, groups, pack, payloads, squashed, text_fields

from framework.assessment import Status
from framework.loading import assessment_from_data, load_assessment
from framework.report.docx import render_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
FORBIDDEN = (b"<w:fldChar", b"<w:instrText", b"<w:fldSimple", b"<w:hyperlink", b"vbaProject", b"<w:object", b"<m:oMath")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def answers(assessment, sources: bool = True) -> list[str]:
    """Every answer as text: free texts, list items, source titles (``sources``)."""
    found = []
    for fields in assessment.answers.values():
        for value in fields.values():
            if isinstance(value, str) and len(value) > 3 and " " in value:
                found.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str) and " " in item:
                        found.append(item)
                    elif sources and isinstance(item, dict) and item.get("title"):
                        found.append(item["title"])
    return found


def libreoffice(path: Path, target: str, tmp_path: Path) -> Path:
    """Convert with LibreOffice headless (its own profile); fails on a file it cannot open."""
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", target,
         "--outdir", str(tmp_path / "out"), str(path)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    out = tmp_path / "out" / (path.stem + "." + target.split(":")[0])
    assert done.returncode == 0 and out.exists(), done.stderr + done.stdout
    return out


@cache
def docx_of(name: str, lang: str, variant: str = "advies") -> bytes:
    assessment, framework = load_assessment(ROOT / "examples" / f"{name}.yaml")
    return render_docx(assessment, framework, lang=lang, variant=variant)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_python_docx_reads_back_every_answer(path, lang):
    assessment, framework = load_assessment(path)
    data = docx_of(path.stem, lang)
    document = docx.Document(BytesIO(data))
    text = squash(all_text(document))
    for answer in answers(assessment):
        assert squash(answer) in text, answer[:60]
    for question in framework.questions():
        assert squash(question.title(lang)) in text
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= styles
    assert document.tables  # facts, verdicts, sources, the parafenlijst
    assert document.core_properties.title == assessment.meta.title
    with zipfile.ZipFile(BytesIO(data)) as package:
        for name in package.namelist():
            assert not any(marker in package.read(name) for marker in FORBIDDEN), name


def test_conditions_are_a_numbered_list_that_starts_at_one_each_time():
    document = docx.Document(BytesIO(docx_of("ipcei-cloud", "nl")))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    conditions = load_assessment(ROOT / "examples" / "ipcei-cloud.yaml")[0].value("q14", "conditions")
    assert [p.text for p in numbered] == conditions  # in the summary (question 14 lists them as bullets)
    ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(ids) == 1
    numbering = document.part.numbering_part.element.xml
    assert f'w:numId="{ids.pop()}"' in numbering and 'w:startOverride w:val="1"' in numbering


def test_the_beslisnota_has_its_four_parts_in_both_languages():
    for lang, heads in (
        ("nl", ["Advies", "Kernpunten", "Toelichting", "Bijlage: de beoordeling"]),
        ("en", ["Advice", "Key points", "Explanation", "Annex: the assessment"]),
    ):
        document = docx.Document(BytesIO(docx_of("ipcei-waterstof", lang, "beslisnota")))
        level_one = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert level_one[:4] == heads
        assert "Beslisnota" in document.paragraphs[0].text or "Decision note" in document.paragraphs[0].text


def test_a_draft_says_concept_in_the_header_and_a_final_advice_does_not():
    document = docx.Document(BytesIO(docx_of("ipcei-waterstof", "nl")))
    assert document.sections[0].header.paragraphs[0].text == "CONCEPT"
    assessment, framework = load_assessment(ROOT / "examples" / "ipcei-micro-elektronica.yaml")
    assert assessment.meta.status == Status.VASTGESTELD
    final = docx.Document(BytesIO(render_docx(assessment, framework)))
    assert final.sections[0].header.paragraphs[0].text == ""


def test_an_unknown_variant_is_refused():
    from framework.errors import ReportError

    assessment, framework = load_assessment(EXAMPLES[0])
    with pytest.raises(ReportError, match="variant"):
        render_docx(assessment, framework, variant="kamerbrief")


@needs_libreoffice
def test_libreoffice_opens_it_and_its_pdf_holds_every_answer(tmp_path):
    assessment, _ = load_assessment(ROOT / "examples" / "ipcei-cloud.yaml")
    path = tmp_path / "advies.docx"
    path.write_bytes(docx_of("ipcei-cloud", "nl"))
    pdf = libreoffice(path, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # a paragraph that runs over a page has the page's footer and header in between: leave those lines out
    margins = re.compile(r"^(CONCEPT|afwegingskader-ipcei \S+ · [0-9a-f]{12})$")
    kept = "\n".join(line for line in text.splitlines() if not margins.match(line.strip()))
    # pdftotext joins a word broken at its hyphen at the end of a line («edge-» «knooppunten»): compare unhyphenated
    squashed_text = squash(kept).replace("-", "")
    for answer in answers(assessment, sources=False):  # table cells may come out of pdftotext interleaved
        assert squash(answer).replace("-", "") in squashed_text, answer[:60]


@needs_libreoffice
def test_hostile_text_stays_text_in_the_xml_and_in_libreoffice(tmp_path):
    example, framework = load_assessment(ROOT / "tests" / "fixtures" / "report_assessment.yaml")
    corpus = payloads("http://127.0.0.1:9")
    fields = text_fields(framework, example)
    # NUL is refused at the edge (test_terminal_safety); every other payload must reach the document as text
    texts = [p.text for p in groups(corpus, len(corpus))[0] if "\x00" not in p.text]
    held: list[str] = []

    def values(field):
        chosen, packed = pack(texts, field, start=len(held) % len(texts))
        held.extend(packed)
        return chosen or ["x" * max(field.min_length, 1)]

    data = fill(example, fields, values)
    data["meta"]["status"] = "vastgesteld"
    assessment, _ = assessment_from_data(data, "hostile", framework=framework)
    blob = render_docx(assessment, framework)
    with zipfile.ZipFile(BytesIO(blob)) as package:
        for name in package.namelist():
            assert not any(marker in package.read(name) for marker in FORBIDDEN), name
        assert not any(n.endswith((".bin", ".vba")) for n in package.namelist())
    document_text = squash(all_text(docx.Document(BytesIO(blob))))
    missing = [t for t in set(held) if squashed(t) and squashed(t) not in squashed(document_text)]
    assert not missing, missing[:3]
    path = tmp_path / "hostile.docx"
    path.write_bytes(blob)
    exported = libreoffice(path, "txt:Text (encoded):UTF8", tmp_path).read_text(encoding="utf-8", errors="replace")
    missing = [t for t in set(held) if squashed(t) and squashed(t) not in squashed(exported)]
    assert not missing, missing[:3]
