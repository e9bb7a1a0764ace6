"""How fast comparing is: six assessments side by side against loading the same six, and picking from 10,000.

    .venv/bin/python -m benchmarks.bench_compare [--repeat 20] [--n 10000] [--page-repeat 5] [--no-page]

In one run, with the examples (``examples/*.yaml``, repeated to six):

* ``load``: :func:`framework.loading.load_assessment` of the six files (read, parse, validate against the
  framework): the baseline;
* ``build``: :func:`framework.compare.sides.build` of those six (labels, normalised values, statuses, previews);
* ``csv``: :func:`framework.compare.export.to_csv` of the comparison;
* ``store load``: the six read back from a SQLite store (``Store.get`` and ``framework_for``), as the page does;
* ``page rerun``: a rerun of ``views/compare.py`` in Streamlit's AppTest with the six chosen (store reads,
  build, chart, about 800 elements), AppTest's own overhead included; ``page, none chosen`` is the same page
  with nothing chosen (filters and picker only), a measure of that overhead;

the CPU time of the process, the best of ``repeat`` runs (the page: of ``page-repeat``), and the ratios of
build, and of the page rerun, to load. Then ``n`` generated assessments go into a fresh SQLite store
(``Store.create_many``) and it times picking: the picker's query (``Store.list`` with a filter, 100 per page,
with the total) as the median wall time of ``repeat`` runs, and the page's rerun after a filter is typed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from framework.compare.export import to_csv
from framework.compare.sides import build
from framework.loading import default_framework, load_assessment

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "views" / "compare.py"


def six_files() -> list[Path]:
    found = sorted((ROOT / "examples").glob("*.yaml")) or [ROOT / "tests" / "fixtures" / "report_assessment.yaml"]
    return [found[i % len(found)] for i in range(6)]


def best_cpu(function: Callable[[], object], repeat: int) -> float:
    """The best CPU time of ``repeat`` runs, in milliseconds, after one warm-up run."""
    function()
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times) * 1000


def median_wall(function: Callable[[], object], repeat: int) -> float:
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _page(timeout: int = 120):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PAGE), default_timeout=timeout)
    at.run()
    if at.exception:
        raise RuntimeError(f"the compare page failed: {at.exception}")
    return at


def six(args: argparse.Namespace) -> dict[str, float]:
    files = six_files()
    loaded = [load_assessment(p) for p in files]
    figures = {
        "load": best_cpu(lambda: [load_assessment(p) for p in files], args.repeat),
        "build": best_cpu(lambda: build(loaded), args.repeat),
    }
    comparison = build(loaded)
    figures["csv"] = best_cpu(lambda: to_csv(comparison), args.repeat)
    figures["fields"] = sum(len(q.rows) for q in comparison.questions)
    if args.no_page:
        return figures

    from framework.store import open_store

    store = open_store()
    ids = [store.create(a, "benchmark").id for a, _ in loaded]

    def from_store() -> None:
        for record_id in ids:
            record = store.get(record_id)
            store.framework_for(record)

    figures["store load"] = best_cpu(from_store, args.repeat)
    at = _page()
    figures["page, none chosen"] = best_cpu(at.run, args.page_repeat)
    at.multiselect(key="cmp_ids").set_value(ids).run()
    if at.exception or len(at.metric) != 3:
        raise RuntimeError(f"the compare page did not compare: {at.exception}")
    figures["page elements"] = len(at.markdown) + len(at.caption) + len(at.expander)
    figures["page rerun"] = best_cpu(at.run, args.page_repeat)
    figures["page rerun wall"] = median_wall(at.run, args.page_repeat)
    return figures


def picking(args: argparse.Namespace) -> dict[str, float]:
    from benchmarks.bench_store import populate
    from framework.store import ListQuery, open_store

    framework = default_framework()
    store = open_store()
    started = time.perf_counter()
    populate(store, framework, args.n)
    figures = {"populate s": time.perf_counter() - started}
    query = ListQuery(ecosystem="hernieuwbare_energie", limit=100)
    figures["matches"] = store.list(query).total
    figures["list filter"] = median_wall(lambda: store.list(query), args.repeat)
    text = ListQuery(text="afweging 12", status="ter_review", limit=100)
    figures["list text"] = median_wall(lambda: store.list(text), args.repeat)
    if args.no_page:
        return figures
    at = _page()
    at.run()
    words = iter(f"afweging {i}" for i in range(10_000))

    def type_a_filter() -> None:
        at.text_input(key="cmp_f_text").input(next(words)).run()

    figures["page filter rerun wall"] = median_wall(type_a_filter, args.page_repeat)
    at.text_input(key="cmp_f_text").input("").run()
    ids = [s.id for s in store.list(ListQuery(limit=6)).items]
    at.multiselect(key="cmp_ids").set_value(ids).run()
    if len(at.metric) != 3:
        raise RuntimeError("the compare page did not compare six of the stored assessments")
    figures["page six of n rerun wall"] = median_wall(at.run, args.page_repeat)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--page-repeat", type=int, default=5)
    parser.add_argument("--n", type=int, default=10_000, help="assessments in the store to pick from (0: skip)")
    parser.add_argument("--no-page", action="store_true", help="leave out the AppTest runs of the page")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        os.environ["IPCEI_DATA_DIR"] = str(Path(tmp) / "six")
        os.environ.pop("IPCEI_DATABASE_URL", None)
        figures = six(args)
        print("six assessments side by side (CPU ms, best of runs):")
        for name in ("load", "build", "csv", "store load", "page, none chosen", "page rerun"):
            if name in figures:
                print(f"  {name:<18} {figures[name]:8.1f} ms")
        print(f"  build / load       = {figures['build'] / figures['load']:.2f}  ({int(figures['fields'])} field rows)")
        if "page rerun" in figures:
            print(f"  page rerun / load  = {figures['page rerun'] / figures['load']:.2f}  "
                  f"({int(figures['page elements'])} elements; wall {figures['page rerun wall']:.0f} ms)")  # fmt: skip
        if args.n:
            os.environ["IPCEI_DATA_DIR"] = str(Path(tmp) / "many")
            picked = picking(args)
            print(f"picking from {args.n:,} stored (wall ms, median; stored in {picked['populate s']:.0f} s):")
            matches = f"({int(picked['matches'])} match, 100 shown)"
            print(f"  list, filter by ecosystem {matches:<21} {picked['list filter']:8.1f} ms")
            print(f"  list, text and status filter                    {picked['list text']:8.1f} ms")
            for name in ("page filter rerun wall", "page six of n rerun wall"):
                if name in picked:
                    print(f"  {name:<47} {picked[name]:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
