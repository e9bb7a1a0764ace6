"""``ipcei compare``: files and store ids in, CSV or PDF out, and its exit codes."""

from __future__ import annotations

import csv
import io

from compare_support import EXAMPLES, example, with_answer
from pypdf import PdfReader

from framework.cli import main
from framework.store import open_store

WATERSTOF = str(EXAMPLES / "ipcei-waterstof.yaml")
MICRO = str(EXAMPLES / "ipcei-micro-elektronica.yaml")


def read(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_two_files_to_csv(tmp_path, capsys):
    out = tmp_path / "vergelijking.csv"
    assert main(["compare", MICRO, WATERSTOF, "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    rows = read(out)
    assert rows[0][6:] == [
        "A. Deelname aan de IPCEI Micro-elektronica en communicatietechnologieën",
        "B. Deelname aan de IPCEI Waterstof",
    ]
    advice = next(r for r in rows if r[1] == "q14" and r[3] == "advice")
    assert advice[5:] == ["gelijk", "Deelnemen", "Deelnemen"]


def test_csv_to_stdout_in_english_only_differences(capsys):
    assert main(["compare", MICRO, WATERSTOF, "-o", "-", "--lang", "en", "--only-differences"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows[0][0] == "Section" and {r[5] for r in rows[1:]} == {"differs"}


def test_store_ids_and_revisions(tmp_path, capsys):
    store = open_store()
    hydrogen, _ = example("ipcei-waterstof")
    record = store.create(hydrogen, "Anna")
    store.save(record.id, with_answer(hydrogen, "q14", "advice", "niet_deelnemen"), "Bram", based_on=1)
    out = tmp_path / "revisies.csv"
    assert main(["compare", f"{record.id[:8]}@1", record.id, "-o", str(out)]) == 0
    rows = read(out)
    assert rows[0][6:] == ["A. Deelname aan de IPCEI Waterstof (rev. 1)", "B. Deelname aan de IPCEI Waterstof (rev. 2)"]
    advice = next(r for r in rows if r[1] == "q14" and r[3] == "advice")
    assert advice[5:] == ["verschilt", "Deelnemen", "Niet deelnemen"]
    assert main(["compare", record.id, MICRO, "-o", str(out), "--database", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "no assessment with id" in capsys.readouterr().err


def test_pdf_output(tmp_path):
    out = tmp_path / "vergelijking.pdf"
    assert main(["compare", MICRO, WATERSTOF, "-o", str(out), "--only-differences"]) == 0
    reader = PdfReader(out)
    text = " ".join("\n".join(p.extract_text() for p in reader.pages).split())
    assert "Vergelijking van 2 beoordelingen" in text and "Deelname aan de IPCEI Waterstof" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["compare", WATERSTOF, "-o", str(tmp_path / "a.csv")]) == 2
    assert "2 to 6" in capsys.readouterr().err
    assert main(["compare", *[WATERSTOF] * 7, "-o", str(tmp_path / "a.csv")]) == 2
    assert main(["compare", WATERSTOF, MICRO, "-o", str(tmp_path / "a.txt")]) == 2
    assert ".pdf or .csv" in capsys.readouterr().err
    assert main(["compare", WATERSTOF, MICRO]) == 2  # -o is required
    assert main(["compare", WATERSTOF, MICRO, "-o", "x.csv", "--lang", "de"]) == 2
    assert not (tmp_path / "a.csv").exists()


def test_invalid_input_exits_1_naming_every_reference(tmp_path, capsys):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("format: ipcei-assessment/1\nmeta: {title: x}\n", encoding="utf-8")
    code = main(["compare", WATERSTOF, str(broken), "bestaat-niet.yaml", "-o", str(tmp_path / "a.csv")])
    assert code == 1
    err = capsys.readouterr().err
    assert "kapot.yaml" in err and "bestaat-niet.yaml: (file): no such file" in err
    assert not (tmp_path / "a.csv").exists()
    assert main(["compare", WATERSTOF, "abcdef12", "-o", str(tmp_path / "a.csv")]) == 1
    assert "abcdef12: id: no assessment with id abcdef12" in capsys.readouterr().err


def test_an_advice_pdf_is_a_reference_too(tmp_path):
    from framework.report.render import render_pdf

    hydrogen, framework = example("ipcei-waterstof")
    advice = tmp_path / "advies.pdf"
    advice.write_bytes(render_pdf(hydrogen, framework))
    out = tmp_path / "a.csv"
    assert main(["compare", str(advice), WATERSTOF, "-o", str(out)]) == 0
    assert {r[5] for r in read(out)[1:]} == {"gelijk"}
