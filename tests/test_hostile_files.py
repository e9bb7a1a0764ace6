"""Hostile files through the paths a user really takes: refused (or shown safely) quickly and in bounded memory.

Every kind of :data:`hostile_support.KINDS` goes through the ``ipcei`` command (``check`` and ``db import`` on a
real SQLite database) and through the upload path (``read_import`` with the file's bytes), each in a fresh
process capped at 1 GiB of address space. A refused kind must say what is wrong and where (``FILE:LINE``, or the
file alone for a problem of the whole file) and leave the database empty.

Hidden characters are not refused: an assessment is data, and the text is kept exactly as written (the embedded
``assessment.json`` of the PDF gives it back unchanged). But a reviewer must not be misled by it, so the check
gives a warning that names the field and the characters, ``ipcei check`` prints the title with them shown as
``[U+202E]``, and the advice PDF shows each one as ``[U+202E]`` where it is (see docs/report.md).

Figures: the seconds and peak memory of each run are printed; ``benchmarks/bench_hostile.py`` measures them
against a valid file through the same path.
"""

from __future__ import annotations

import sqlite3
from io import BytesIO
from pathlib import Path

import pytest
from hostile_support import KINDS, PYTHON_TAG_MARKER, Result, run_capped
from pypdf import PdfReader

from framework.report.render import extract_assessment

pytestmark = pytest.mark.slow  # nine fresh Python processes, one of them renders a PDF

HIDDEN = "\u202e\u202c\u200b\u200d\u2060\ufeff"
STALL = 10.0  # seconds: only catches a stall; the goal (under a second) is a figure of bench_hostile.py
PATHS = ("check", "import", "upload")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[Path, Path, dict[str, Result]]]:
    """Every hostile file, written once (the 50 MB one too) and run through the three paths in one capped child."""
    folder = tmp_path_factory.mktemp("hostile")
    found = {}
    for kind in KINDS.values():
        path = folder / kind.filename
        path.write_bytes(kind.build())
        database = folder / f"{kind.name}.db"
        PYTHON_TAG_MARKER.unlink(missing_ok=True)
        results = run_capped(path, PATHS, database=f"sqlite:///{database}")
        assert not PYTHON_TAG_MARKER.exists()  # a !!python tag is never run
        for mode, result in results.items():
            print(f"\n{kind.name} via {mode}: {result.seconds:.3f} s, peak {result.peak_mib:.0f} MiB")
        found[kind.name] = (path, database, results)
    return found


def stored_assessments(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [title for (title,) in connection.execute("SELECT title FROM assessments")]


REFUSED = [name for name, kind in KINDS.items() if kind.refused]
SHOWN = [name for name, kind in KINDS.items() if not kind.refused]


@pytest.mark.parametrize("mode", PATHS)
@pytest.mark.parametrize("name", REFUSED)
def test_hostile_file_is_refused_naming_the_place(outcomes, name, mode):
    kind = KINDS[name]
    path, database, results = outcomes[name]
    result = results[mode]
    assert result.seconds < STALL, f"{name} via {mode} took {result.seconds:.1f} s"
    assert result.exit_code == 1, result
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1, problems  # one line, the first problem: nothing after it was read
    source = path.name if mode == "upload" else str(path)
    where = f"{source}:{kind.line}: " if kind.line else f"{source}: "
    assert problems[0].startswith(where), (problems[0], where)
    assert kind.message in problems[0]
    if mode == "import":
        assert stored_assessments(database) == []


def test_the_fifty_megabyte_file_is_refused_before_it_is_read(outcomes):
    """Its size alone refuses it: from a file, memory grows far less than its 50 MB; an upload, which is in memory
    already, is not copied (it was three times its size: a copy and a stripped copy before the size check)."""
    path, _, results = outcomes["50-megabytes"]
    assert path.stat().st_size > 50 * 1024 * 1024
    assert "the limit is 5.242.880 bytes" in results["check"].stderr
    assert "too large" in results["import"].stderr
    assert "the limit is 5.242.880 bytes" in results["upload"].stderr
    assert results["check"].peak_mib - results["check"].baseline_mib < 25, results["check"]
    assert results["import"].peak_mib - results["import"].baseline_mib < 25, results["import"]
    assert results["upload"].peak_mib - results["upload"].baseline_mib < 50 + 25, results["upload"]  # the bytes


@pytest.mark.parametrize("name", SHOWN)
def test_hidden_characters_are_flagged_by_the_check(outcomes, name):
    kind = KINDS[name]
    path, _, results = outcomes[name]
    result = results["check"]
    assert result.seconds < STALL
    assert result.exit_code == 0, result
    title, *_ = result.stdout.splitlines()
    field = "meta.title" if name == "rtl-override" else "q2.answer"
    warning = next(line for line in result.stdout.splitlines() if "onzichtbare tekens" in line)
    assert field in warning and kind.message in warning, warning
    if name == "rtl-override":
        assert "U+202E RIGHT-TO-LEFT OVERRIDE" in warning and "U+202C POP DIRECTIONAL FORMATTING" in warning
        assert title == f"{path}: Deelname aan IPCEI Waterstof: [U+202E]nemlednee tein[U+202C] advies"
    else:
        assert "U+200B ZERO WIDTH SPACE" in warning and "U+2060 WORD JOINER" in warning
    assert not any(c in result.stdout for c in HIDDEN)  # nothing hidden is printed


@pytest.mark.parametrize("name", SHOWN)
def test_hidden_characters_are_kept_as_data_on_import(outcomes, name):
    _, database, results = outcomes[name]
    assert results["upload"].exit_code == 0 and results["import"].exit_code == 0, results
    [stored] = stored_assessments(database)
    if name == "rtl-override":
        assert "\u202enemlednee tein\u202c" in stored  # kept as written; the check and the PDF show it
        assert "[U+202E]nemlednee tein[U+202C]" in results["import"].stdout
    assert not any(c in results["import"].stdout for c in HIDDEN)


def test_the_advice_pdf_shows_hidden_characters_where_they_are(tmp_path):
    """Both hidden kinds in one assessment, rendered by ``ipcei render``: shown as [U+…], embedded unchanged."""
    rtl = KINDS["rtl-override"].build().decode("utf-8")
    zero_width = KINDS["zero-width"].build().decode("utf-8")
    title_line = next(line for line in rtl.splitlines() if line.startswith("  title: "))
    both = zero_width.replace(next(li for li in zero_width.splitlines() if li.startswith("  title: ")), title_line)
    source = tmp_path / "hidden.yaml"
    source.write_text(both, encoding="utf-8")
    out = tmp_path / "hidden.pdf"
    result = run_capped(source, ("render",), output=str(out))["render"]
    print(f"\nrender with hidden characters: {result.seconds:.1f} s, peak {result.peak_mib:.0f} MiB")
    assert result.exit_code == 0, result

    pdf = out.read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "[U+202E]nemlednee tein[U+202C] advies" in flat  # in stored order, not reversed on the cover
    assert "Zero[U+200B]width[U+200D] [U+2060]joiners[U+FEFF]" in flat
    assert "onzichtbare tekens" in flat and "meta.title" in flat  # the warning among the open findings
    assert not any(c in text for c in HIDDEN)
    embedded = extract_assessment(pdf)
    assert "\u202enemlednee tein\u202c" in embedded.meta.title  # the data itself is unchanged
    assert "Zero\u200bwidth\u200d \u2060joiners\ufeff" in embedded.answers["q2"]["answer"]
