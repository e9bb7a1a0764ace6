"""The app's PDFs from warm render workers against the same render in-process (and cold, one process per job).

Run with ``.venv/bin/python -m benchmarks.bench_pool [--repeat N] [FILE]``.

For one assessment (default ``examples/ipcei-waterstof.yaml``, 17 pages) with its sign-off sheet, in the same run:

* ``in-process``: :func:`framework.advice.render_advice` in this process (the lower bound: no process boundary);
* ``pool``: :meth:`framework.render_pool.RenderPool.render` on a warm pool of two workers, the cache off (each
  run is a real render), what a preview or a download costs in the app;
* ``cold``: one fresh process per job (:func:`framework.render_pool.render_once`, what the app did before);
* the same for the comparison PDF of two examples.

Wall-clock seconds, interleaved, the best of N (the machine is shared; the minimum is the steadiest figure).
Goal: pool / in-process at most 1.3.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.3


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_pool", description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples" / "ipcei-waterstof.yaml"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from framework.advice import RenderLimits, render_advice
    from framework.assessment import canonical_json
    from framework.compare.export import html_to_pdf, render_html
    from framework.compare.sides import Subject, build
    from framework.loading import load_assessment
    from framework.render_pool import RenderPool, render_once
    from framework.report.view import SignOffEntry, SignOffSheet

    assessment, framework = load_assessment(args.file)
    sheet = SignOffSheet(drafted_by=SignOffEntry(name="A. de Vries", role="beleidsmedewerker"))
    payload = {
        "assessment": canonical_json(assessment),
        "framework": framework.model_dump_json(),
        "sheet": sheet.model_dump_json() if sheet else None,
        "lang": "nl",
        "sign": False,
    }
    other, other_fw = load_assessment(ROOT / "examples" / "ipcei-cloud.yaml")
    comparison = build([Subject(assessment, framework, ref="a"), Subject(other, other_fw, ref="b")], lang="nl")
    compare_html = render_html(comparison)
    limits = RenderLimits()

    pool = RenderPool(2, cache_mb=0)
    try:
        for worker in pool._idle:
            worker.wait_ready(time.monotonic() + 300)

        def in_process() -> bytes:
            return render_advice(assessment, framework, sheet, lang="nl", sign=False)

        def pooled() -> bytes:
            return pool.render("advice", payload)

        in_process()  # warm this process as the pool's workers are warm
        pooled()
        html_to_pdf(compare_html)
        rows = []
        for name, ours, base in (
            ("advice", pooled, in_process),
            ("comparison", lambda: pool.render("compare", {"html": compare_html}), lambda: html_to_pdf(compare_html)),
        ):
            ours_s, base_s = [], []
            for _ in range(args.repeat):  # interleaved: drift on the shared machine hits both alike
                ours_s.append(best(ours, 1))
                base_s.append(best(base, 1))
            rows.append((name, min(base_s), min(ours_s)))
        cold = best(lambda: render_once("advice", payload, limits), max(1, args.repeat // 2))
    finally:
        pool.close()

    print(f"{'document':<12} {'in-process s':>12} {'pool s':>8} {'ratio':>6}  (goal ≤ {GOAL})")
    worst = 0.0
    for name, base_s, ours_s in rows:
        ratio = ours_s / base_s
        worst = max(worst, ratio)
        print(f"{name:<12} {base_s:>12.2f} {ours_s:>8.2f} {ratio:>6.2f}")
    advice_base = rows[0][1]
    print(f"\ncold, one process per job (before): {cold:.2f} s = {cold / advice_base:.2f}x in-process")
    print(f"worst pool ratio {worst:.2f} (goal ≤ {GOAL}): {'met' if worst <= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
