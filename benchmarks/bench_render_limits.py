"""Benchmark of the render limits: the biggest advices the model allows, and what a render does to other work.

Run with ``.venv/bin/python -m benchmarks.bench_render_limits [--only largest|pathological]``.

For the largest assessment (every field at its limit, ``tests/render_support.py``) and the pathological one
(full source tables of unbroken 500-character words, pipe-table answers) it reports, in the same run:

* the render in the caller's process (the baseline) and the bounded render the app uses
  (``render_advice(..., limits=RenderLimits())``, a process of its own): wall seconds, pages, the peak RSS of
  the render process, and their ratio (the cost of the separate process);
* a probe, a fixed piece of Python work (checking an example against the rules), timed alone and while each
  render runs: the ratio says how much a render slows the other sessions of the same server down (an
  in-process render holds the GIL).
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _probe_once(assessment, framework) -> float:
    from framework import rules

    start = time.perf_counter()
    for _ in range(5):
        rules.check(framework, assessment)
    return time.perf_counter() - start


def _probe_while(render, assessment, framework) -> tuple[float, float, object]:
    """Run ``render`` in a thread and time the probe until it is done; (probe median, render seconds, result)."""
    result: dict = {}

    def run() -> None:
        start = time.perf_counter()
        result["pdf"] = render()
        result["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=run)
    thread.start()
    probes = []
    while thread.is_alive():  # like a user of another session: a short piece of work now and then
        probes.append(_probe_once(assessment, framework))
        time.sleep(0.5)
    thread.join()
    return statistics.median(probes or [float("nan")]), result["seconds"], result["pdf"]


def measure(name: str, builder) -> dict:
    from pypdf import PdfReader

    from framework.advice import RenderLimits, render_advice
    from framework.loading import default_framework, load_assessment
    from framework.report.render import render_pdf

    framework = default_framework()
    assessment = builder(framework)
    example, _ = load_assessment(ROOT / "examples" / "ipcei-waterstof.yaml")
    render_pdf(example, framework)  # warm up WeasyPrint in this process
    quiet = statistics.median(_probe_once(example, framework) for _ in range(20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    inline_probe, inline_s, pdf = _probe_while(
        lambda: render_advice(assessment, framework, None, lang="nl"), example, framework
    )
    inline_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    bounded_probe, bounded_s, _ = _probe_while(
        lambda: render_advice(assessment, framework, None, lang="nl", limits=RenderLimits()), example, framework
    )
    return {
        "assessment": name,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "inline_s": inline_s,
        "bounded_s": bounded_s,
        "ratio": bounded_s / inline_s,
        "inline_growth_mb": inline_growth,
        "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "probe_quiet_ms": quiet * 1000,
        "probe_inline": inline_probe / quiet,
        "probe_bounded": bounded_probe / quiet,
    }


def main(argv: list[str] | None = None) -> int:
    from render_support import largest_assessment, pathological_assessment

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_render_limits", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--only", choices=["largest", "pathological"])
    args = parser.parse_args(argv)
    cases = {"largest": largest_assessment, "pathological": pathological_assessment}
    header = (
        f"{'assessment':<13} {'pages':>5} {'in-process s':>12} {'bounded s':>9} {'ratio':>6} {'+RSS MB':>7} "
        f"{'child MB':>8} {'probe ms':>8} {'probe x in-proc':>15} {'probe x bounded':>15}"
    )
    print(header)
    print("-" * len(header), flush=True)
    for name, builder in cases.items():
        if args.only not in (None, name):
            continue
        r = measure(name, builder)
        print(
            f"{r['assessment']:<13} {r['pages']:>5} {r['inline_s']:>12.1f} {r['bounded_s']:>9.1f} {r['ratio']:>6.2f} "
            f"{r['inline_growth_mb']:>7.0f} {r['child_peak_mb']:>8.0f} {r['probe_quiet_ms']:>8.1f} "
            f"{r['probe_inline']:>15.2f} {r['probe_bounded']:>15.2f}",
            flush=True,
        )
    print(
        "\nprobe x: how many times slower a fixed piece of Python work runs in the same process during the render "
        "(1.0 = not at all; on 2 cores a separate process still shares the CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
