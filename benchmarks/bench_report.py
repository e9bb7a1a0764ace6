"""Benchmark of the advice report: our whole render pipeline against bare WeasyPrint on the same final HTML.

Run with ``.venv/bin/python -m benchmarks.bench_report [--repeat N] [--lang nl|en|both] [FILE ...]``.

For each example (``examples/*.yaml``; the test fixture when there are none) it reports, in the same run:

* ``pipeline``: :func:`framework.report.render.render_pdf` (rules, view, Jinja2, WeasyPrint with our URL fetcher,
  the attachment and the PDF/A finisher): CPU seconds of the process, the best of N runs (CPU time and the
  minimum keep the figures steady on a machine shared with other work);
* ``bare``: ``weasyprint.HTML(string=final_html).write_pdf(...)`` with the same options and attachment;
* their ratio (goal: at most 1.15), pages per second of the pipeline, and the peak memory of a fresh process
  that renders the example once: its peak RSS (``ru_maxrss``) and the peak of Python allocations during the
  render itself (``tracemalloc``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.15


def sources(names: list[str]) -> list[Path]:
    if names:
        return [Path(n) for n in names]
    found = sorted((ROOT / "examples").glob("*.yaml"))
    return found or [ROOT / "tests" / "fixtures" / "report_assessment.yaml"]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child(path: str, lang: str) -> None:
    """In a fresh process: peak memory before and after one render."""
    from framework.loading import load_assessment
    from framework.report.render import render_pdf

    assessment, framework = load_assessment(path)
    import weasyprint  # noqa: F401 - count the import in the baseline

    before = _maxrss_mb()
    tracemalloc.start()
    render_pdf(assessment, framework, lang=lang)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"before": before, "after": _maxrss_mb(), "heap": heap_peak / 2**20}))


def peak_memory(path: Path, lang: str) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_report", "--child", str(path), lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def measure(path: Path, lang: str, repeat: int) -> dict[str, float | int | str]:
    from pypdf import PdfReader
    from weasyprint import HTML

    from framework.loading import load_assessment
    from framework.report.render import (
        PDF_OPTIONS,
        TEMPLATES_DIR,
        assessment_attachment,
        local_fetcher,
        render_html,
        render_pdf,
    )

    assessment, framework = load_assessment(path)
    html = render_html(assessment, framework, lang=lang)
    base_url = str(TEMPLATES_DIR / "advice.html")

    def pipeline() -> bytes:
        return render_pdf(assessment, framework, lang=lang)

    def bare() -> bytes:
        attachment = assessment_attachment(assessment, lang, local_fetcher())
        return HTML(string=html, base_url=base_url).write_pdf(attachments=[attachment], **PDF_OPTIONS)

    pdf = pipeline()  # warm up both (fonts, caches)
    bare()
    ours, theirs = [], []
    for _ in range(repeat):  # interleaved, so that drift hits both alike
        start = time.process_time()
        pipeline()
        ours.append(time.process_time() - start)
        start = time.process_time()
        bare()
        theirs.append(time.process_time() - start)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    median_ours, median_theirs = min(ours), min(theirs)
    memory = peak_memory(path, lang)
    return {
        "example": path.stem,
        "lang": lang,
        "pages": pages,
        "pipeline_s": median_ours,
        "bare_s": median_theirs,
        "ratio": median_ours / median_theirs,
        "pages_per_s": pages / median_ours,
        "peak_mb": memory["after"],
        "heap_mb": memory["heap"],
        "kb": len(pdf) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_report", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", metavar="FILE", help="assessments (default: examples/*.yaml)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per example (best of; default 5)")
    parser.add_argument("--lang", choices=["nl", "en", "both"], default="nl")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "LANG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    langs = ["nl", "en"] if args.lang == "both" else [args.lang]
    rows = [measure(path, lang, args.repeat) for path in sources(args.files) for lang in langs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    header = (
        f"{'example':<34} {'lang':<4} {'pages':>5} {'pipeline s':>10} {'bare s':>8} {'ratio':>6} "
        f"{'pages/s':>7} {'RSS MB':>7} {'heap MB':>7} {'PDF KB':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['example']:<34} {row['lang']:<4} {row['pages']:>5} {row['pipeline_s']:>10.3f} "
            f"{row['bare_s']:>8.3f} {row['ratio']:>6.3f} {row['pages_per_s']:>7.1f} {row['peak_mb']:>7.0f} "
            f"{row['heap_mb']:>7.0f} {row['kb']:>7.0f}"
        )
    overall = sum(row["pipeline_s"] for row in rows) / sum(row["bare_s"] for row in rows)
    worst = max(row["ratio"] for row in rows)
    verdict = "met" if overall <= GOAL else "NOT met"
    print(f"\noverall ratio {overall:.3f} (goal ≤ {GOAL}): {verdict}; worst single row {worst:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
