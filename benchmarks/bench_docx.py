"""Benchmark of the Word advice: the .docx render against the PDF render of the same advice, as a ratio.

Run with ``.venv/bin/python -m benchmarks.bench_docx [--repeat N] [--lang nl|en|both] [--json] [FILE ...]``.

For each example (``examples/*.yaml``) it times, interleaved in the same process, the whole
:func:`framework.report.render.render_pdf` and :func:`framework.report.docx.render_docx` (the same view, then
python-docx) in CPU seconds, the best of N runs, and prints their ratio (docx / pdf; goal: at most 0.5, the Word
document must never be the slow one) and the sizes. The largest assessment the model allows renders in Word
within the PDF's bounds: ``tests/test_render_limits.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.5


def _best(fn, repeat: int) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(repeat):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def measure(path: Path, lang: str, repeat: int) -> dict:
    from framework.loading import load_assessment
    from framework.report.docx import render_docx
    from framework.report.render import render_pdf

    assessment, framework = load_assessment(path)
    pdf_s = docx_s = float("inf")
    pdf = docx = b""
    for _ in range(repeat):  # interleaved, so that the machine's load hits both alike
        t, pdf = _best(lambda: render_pdf(assessment, framework, lang=lang), 1)
        pdf_s = min(pdf_s, t)
        t, docx = _best(lambda: render_docx(assessment, framework, lang=lang), 1)
        docx_s = min(docx_s, t)
    return {
        "example": path.stem,
        "lang": lang,
        "pdf_s": round(pdf_s, 3),
        "docx_s": round(docx_s, 3),
        "ratio": round(docx_s / pdf_s, 3),
        "pdf_kb": len(pdf) // 1024,
        "docx_kb": len(docx) // 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_docx", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", choices=["nl", "en", "both"], default="nl")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    files = [Path(f) for f in args.files] or sorted((ROOT / "examples").glob("*.yaml"))
    langs = ["nl", "en"] if args.lang == "both" else [args.lang]
    rows = [measure(path, lang, args.repeat) for path in files for lang in langs]
    overall = round(sum(r["docx_s"] for r in rows) / sum(r["pdf_s"] for r in rows), 3)
    if args.json:
        print(json.dumps({"rows": rows, "overall": overall, "goal": GOAL}, indent=2))
    else:
        print("| example | lang | pdf s | docx s | docx/pdf | pdf KB | docx KB |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['example']} | {r['lang']} | {r['pdf_s']:.2f} | {r['docx_s']:.2f} | {r['ratio']:.2f} "
                f"| {r['pdf_kb']} | {r['docx_kb']} |"
            )
        print(f"\noverall docx/pdf (sum over sum): {overall} (goal <= {GOAL})")
    return 0 if overall <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
