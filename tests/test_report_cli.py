"""``ipcei render`` and ``ipcei extract``, exit codes, and byte-identical renders in separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from framework.cli import main
from framework.errors import InputError, ReportError
from framework.loading import load_assessment
from framework.report.render import MAX_JSON_BYTES, MAX_PDF_BYTES, extract_assessment, extract_assessment_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"


@pytest.fixture(scope="module")
def advice(tmp_path_factory) -> Path:
    """One PDF rendered through the command line, shared by the tests below."""
    out = tmp_path_factory.mktemp("cli") / "advies.pdf"
    assert main(["render", str(FIXTURE), "-o", str(out), "--html", str(out.with_suffix(".html"))]) == 0
    return out


def test_render_writes_pdf_and_html(advice, capsys):
    assert advice.read_bytes().startswith(b"%PDF-1.7")
    assert advice.with_suffix(".html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_html_only_in_english_without_guidance(tmp_path, capsys):
    out = tmp_path / "advice.html"
    assert main(["render", str(FIXTURE), "--html", str(out), "--lang", "en", "--no-guidance"]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and 'class="guidance"' not in html
    assert capsys.readouterr().out == f"wrote {out}\n"


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_extract_gives_back_the_assessment(advice, tmp_path, suffix):
    out = tmp_path / f"terug{suffix}"
    assert main(["extract", str(advice), "-o", str(out)]) == 1  # a concept rendered from a file: not an advice
    assert not out.exists()
    assert main(["extract", str(advice), "-o", str(out), "--force"]) == 0
    if suffix == ".json":
        assert json.loads(out.read_text(encoding="utf-8"))["meta"]["author"] == "Marieke de Vries"
    assert load_assessment(out) == load_assessment(FIXTURE)


def test_extract_to_stdout(advice, capsys):
    assert main(["extract", str(advice), "--force"]) == 0
    assert "format: ipcei-assessment/1" in capsys.readouterr().out
    assert main(["extract", str(advice), "--json", "--force"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "ipcei-assessment/1"


def test_exit_codes(tmp_path, capsys):
    assert main(["render", str(FIXTURE)]) == 2  # neither -o nor --html
    assert main(["render", str(FIXTURE), "-o", "x.pdf", "--lang", "de"]) == 2
    assert main(["render", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "missing.yaml: (file): no such file" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "missing.pdf")]) == 1
    not_pdf = tmp_path / "not.pdf"
    not_pdf.write_bytes(b"hello")
    assert main(["extract", str(not_pdf)]) == 1
    err = capsys.readouterr().err
    assert "not.pdf: Niet in orde: gewijzigd of beschadigd." in err and "geen leesbare PDF" in err
    assert main(["extract", str(not_pdf), "--force"]) == 1
    assert "not.pdf: not a PDF file" in capsys.readouterr().err
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("format: ipcei-assessment/1\nmeta: {}\n", encoding="utf-8")
    assert main(["render", str(invalid), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "invalid.yaml:2: meta.title: required field is missing" in capsys.readouterr().err


# --- extract refuses what it cannot trust ---


def pdf_with(attachments: dict[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_extract_refuses_a_pdf_without_our_attachment():
    with pytest.raises(ReportError, match=r"carries no embedded assessment\.json"):
        extract_assessment(pdf_with({}))
    with pytest.raises(ReportError, match=r"carries no embedded assessment\.json"):
        extract_assessment(pdf_with({"other.json": b"{}"}))


def test_extract_refuses_damaged_and_oversized_pdfs(advice):
    data = advice.read_bytes()
    with pytest.raises(ReportError, match="not a PDF file"):
        extract_assessment(b"GIF89a" + data[5:])
    with pytest.raises(ReportError, match=r"cannot be read|carries no embedded"):
        extract_assessment(data[:2000])
    with pytest.raises(ReportError, match=r"the limit is 52\.428\.800 bytes"):
        extract_assessment(b"%PDF-1.7\n" + b"\0" * MAX_PDF_BYTES)
    with pytest.raises(ReportError, match=r"embedded assessment.json is .* the limit is 5\.242\.880 bytes"):
        extract_assessment(pdf_with({"assessment.json": b" " * (MAX_JSON_BYTES + 1)}))
    with pytest.raises(ReportError, match="no such file"):
        extract_assessment_file(advice.parent / "missing.pdf")


def test_extract_validates_the_embedded_data():
    with pytest.raises(InputError) as caught:
        extract_assessment(
            pdf_with({"assessment.json": b'{"format": "ipcei-assessment/1", "meta": {}}'}), source="a.pdf"
        )
    assert str(caught.value.problems[0]).startswith("a.pdf#assessment.json")
    with pytest.raises(InputError):
        extract_assessment(pdf_with({"assessment.json": b"\x00\x01 not json"}))
    data = json.dumps(load_assessment(FIXTURE)[0].model_dump(mode="json")).replace("groep_lidstaten", "iemand")
    with pytest.raises(InputError, match=r"answers\.q1\.initiator"):
        extract_assessment(pdf_with({"assessment.json": data.encode()}))


# --- reproducible ---


def test_two_processes_render_byte_identical_pdfs(tmp_path):
    """Separate interpreters with different hash seeds; dates come from the assessment, clamped to the epoch."""
    assessment = load_assessment(FIXTURE)[0]
    small = tmp_path / "klein.json"  # a few pages keep the two interpreters quick
    small.write_text(json.dumps({**assessment.model_dump(mode="json"), "answers": {"q1": assessment.answers["q1"]}}))
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / f"advies-{seed}.pdf"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1650000000", "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "framework", "render", str(small), "-o", str(out)]
        runs.append((out, subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)))
    outputs = []
    for out, process in runs:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    reader = PdfReader(BytesIO(outputs[0]))
    filespec = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    params = filespec["/EF"]["/F"].get_object()["/Params"]
    assert params["/CreationDate"] == "D:20220314000000Z"  # meta.created
    assert params["/ModDate"] == "D:20220415052000Z"  # meta.updated (2022-06-30) clamped to SOURCE_DATE_EPOCH
    assert reader.metadata["/ModDate"] == "D:20220415052000Z"


def test_a_rendered_file_that_claims_vastgesteld_is_a_concept(tmp_path):
    """No store signed it off: the CONCEPT watermark, and the status «concept (bestand)»."""
    example = ROOT / "examples" / "ipcei-micro-elektronica.yaml"  # its file says: status vastgesteld
    assert load_assessment(example)[0].meta.status.value == "vastgesteld"
    out = tmp_path / "advies.pdf"
    assert main(["render", str(example), "-o", str(out), "--html", str(tmp_path / "advies.html")]) == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "CONCEPT" in text and "concept (bestand)" in text
    assert "Vastgesteld" not in text.split("concept (bestand)")[0][-200:]
    html = (tmp_path / "advies.html").read_text(encoding="utf-8")
    assert 'class="draft"' in html and 'status-file">concept (bestand)' in html
