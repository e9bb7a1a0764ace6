"""Benchmarks of the wizard, as ratios against a baseline timed in the same run.

1. One wizard rerun (AppTest, a full example loaded, one answer changed: the answer is saved as a revision)
   against a baseline script that draws the same number and kind of widgets with no logic, and the same for a
   rerun that changes nothing (a click that only draws the page again). Goal: ratio at most 1.5. And a step as
   a user takes it: an answer typed and «Volgende» pressed in one message (saved, the next question drawn; all
   the runs it causes), against the baseline with a text typed and a button pressed.
2. The time from `streamlit run app.py` to the first page served (the app has run once) against the same for
   a bare Streamlit page.

Run: ``.venv/bin/python -m benchmarks.bench_wizard`` (or ``make bench``). Prints a table and, with
``--json``, the figures as JSON. Uses a temporary data folder; touches nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"


def _count(at) -> dict[str, int]:
    """How many elements of each kind the wizard step draws, in the main area and in the sidebar."""
    kinds = ("title", "header", "subheader", "caption", "markdown", "text_area", "radio", "multiselect",
             "selectbox", "text_input", "button", "expander", "error", "warning", "info", "progress")  # fmt: skip
    counts = {}
    for where, block in (("main", at.main), ("sidebar", at.sidebar)):
        for kind in kinds:
            counts[f"{where}.{kind}"] = len(getattr(block, kind))
    counts["main.data_editor"] = len(at.data_editor)
    return counts


def _baseline_scripts(counts: dict[str, int], folder: Path) -> Path:
    """A router and a page with the same number and kind of elements as the wizard step, and no logic."""
    calls = {
        "title": "st.title('Titel')",
        "header": "st.header('Kop')",
        "subheader": "st.subheader('Kop')",
        "caption": "st.caption('Een toelichting')",
        "markdown": "st.markdown('Een **tekst**')",
        "text_area": "st.text_area('Tekst {i}', value='x' * 400, key='{w}ta{i}')",
        "radio": "st.radio('Keuze {i}', ['ja', 'deels', 'nee'], index=0, horizontal=True, key='{w}r{i}')",
        "multiselect": "st.multiselect('Meer {i}', ['a', 'b', 'c'], default=['a'], key='{w}m{i}')",
        "selectbox": "st.selectbox('Een {i}', ['a', 'b'], index=None, key='{w}s{i}')",
        "text_input": "st.text_input('Invoer {i}', key='{w}ti{i}')",
        "button": "st.button('Knop {i}', key='{w}b{i}')",
        "expander": "st.expander('Uitklap {i}').markdown('tekst')",
        "error": "st.error('Fout')",
        "warning": "st.warning('Waarschuwing')",
        "info": "st.info('Info')",
        "progress": "st.progress(0.5, text='voortgang')",
        "data_editor": "st.data_editor([{{'title': 'a', 'reference': 'b', 'date': 'c'}}], key='{w}d{i}')",
    }
    main, side = [], []
    for name, count in counts.items():
        where, kind = name.split(".")
        for i in range(count):
            line = calls[kind].format(i=i, w=where)
            (main if where == "main" else side).append(line)
    page = folder / "baseline_page.py"
    page.write_text("import streamlit as st\n" + "\n".join(main) + "\n", encoding="utf-8")
    router = folder / "baseline_app.py"
    sidebar = "\n".join("    " + line for line in side) or "    pass"
    router.write_text(
        "import streamlit as st\nst.set_page_config(layout='wide')\nwith st.sidebar:\n"
        + sidebar
        + "\nst.navigation([st.Page('baseline_page.py', default=True)], position='top').run()\n",
        encoding="utf-8",
    )
    return router


def _concept():
    """The full example as a concept (the example itself is under review, when the wizard is read-only)."""
    from framework.assessment import Status
    from framework.loading import load_assessment

    assessment, _ = load_assessment(EXAMPLE)
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})


def _wizard(record_id: str):
    """The app with a person stated (the wizard is read-only until then, as tests/app_support.person_app
    does), opened on step q4 of the assessment; returns the AppTest and the key of q4's answer."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.session_state["user_name"] = "A. de Vries"
    at.session_state["user_role"] = "beleidsmedewerker"
    at.run()
    at.query_params["id"] = record_id
    at.query_params["step"] = "q4"
    at.switch_page("views/wizard.py").run()
    assert not at.exception, at.exception
    d = at.session_state["draft"]
    key = f"a|{d['id']}|{d['gen']}|nl|q4|answer"
    assert not at.text_area(key=key).disabled, "the wizard is read-only: no person stated?"
    return at, key


def _time_runs(at, change, runs: int) -> list[float]:
    times = []
    for index in range(runs):
        change(at, index)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def bench_rerun(runs: int = 40) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from framework.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IPCEI_DATA_DIR"] = tmp
        assessment = _concept()
        record = open_store().create(assessment, "bench")
        at, key = _wizard(record.id)
        counts = _count(at)
        base_text = at.text_area(key=key).value

        def change_answer(at, index):
            at.text_area(key=key).input(f"{base_text} ({index})")

        baseline_path = _baseline_scripts(counts, Path(tmp))
        base = AppTest.from_file(str(baseline_path), default_timeout=60)
        base.run()

        def change_baseline(at, index):
            at.text_area(key="mainta0").input(f"y {index}")

        def step_forward(at, index):  # type a new answer on q4 and press «Volgende», in one message
            at.text_area(key=key).input(f"{base_text} (stap {index})")
            at.button(key="nav|next").click()

        def step_back(at, _index):  # «Vorige»: back to q4 (not timed)
            at.button(key="nav|back").click()

        def step_baseline(at, index):
            change_baseline(at, index)
            at.button(key="mainb0").click()

        _time_runs(at, change_answer, 3)  # warm up both
        _time_runs(base, change_baseline, 3)
        wizard, baseline, still, still_base, step, step_base = [], [], [], [], [], []
        for index in range(runs):  # interleaved, so that both see the same load on the machine
            wizard += _time_runs(at, lambda at, _i, n=index: change_answer(at, n), 1)
            baseline += _time_runs(base, lambda at, _i, n=index: change_baseline(at, n), 1)
            # a rerun that changes no content (a click that draws the page again): nothing to save
            still += _time_runs(at, lambda at, _i: None, 1)
            still_base += _time_runs(base, lambda at, _i: None, 1)
            # a step: an answer typed and «Volgende» pressed (saved, the next question drawn), then back
            step += _time_runs(at, lambda at, _i, n=index: step_forward(at, n), 1)
            step_base += _time_runs(base, lambda at, _i, n=index: step_baseline(at, n), 1)
            _time_runs(at, step_back, 1)
        saved = open_store().get(record.id)  # every timed step saved its answer (and moved on)
        assert saved.assessment.value("q4", "answer") == f"{base_text} (stap {runs - 1})", "the step saved nothing"
        assert saved.revision == record.revision + 3 + 2 * runs, saved.revision
    wizard_ms = statistics.median(wizard) * 1000
    baseline_ms = statistics.median(baseline) * 1000
    still_ms, still_base_ms = statistics.median(still) * 1000, statistics.median(still_base) * 1000
    step_ms, step_base_ms = statistics.median(step) * 1000, statistics.median(step_base) * 1000
    return {
        "wizard_rerun_ms": round(wizard_ms, 1),
        "baseline_rerun_ms": round(baseline_ms, 1),
        "rerun_ratio": round(wizard_ms / baseline_ms, 2),
        "unchanged_rerun_ms": round(still_ms, 1),
        "unchanged_baseline_ms": round(still_base_ms, 1),
        "unchanged_ratio": round(still_ms / still_base_ms, 2),
        "step_ms": round(step_ms, 1),
        "step_baseline_ms": round(step_base_ms, 1),
        "step_ratio": round(step_ms / step_base_ms, 2),
        "elements": {k: v for k, v in counts.items() if v},
    }


def bench_commit(runs: int = 20, revisions: int = 80) -> dict[str, float]:
    """The server time of a committed field (the rerun in which a changed answer is saved as a revision), for a
    full assessment with ``revisions`` revisions against the same with one: goal under 150 ms median, and
    the history should not make it slower (ratio near 1)."""

    from framework.store import open_store

    os.environ.setdefault("IPCEI_RENDER_WORKERS", "0")  # no PDF here: keep the render workers out of the timing
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IPCEI_DATA_DIR"] = tmp
        assessment = _concept()
        store = open_store()
        long_history, short_history = store.create(assessment, "bench"), store.create(assessment, "bench")
        for number in range(1, revisions):
            answers = {**assessment.answers, "q2": {**assessment.answers.get("q2", {}), "answer": f"Versie {number}"}}
            store.save(long_history.id, assessment.model_copy(update={"answers": answers}), "bench", number)
        sessions = {}
        for name, record in (("long", long_history), ("short", short_history)):
            at, key = _wizard(record.id)
            sessions[name] = (at, key, at.text_area(key=key).value)
        times: dict[str, list[float]] = {"long": [], "short": []}
        for index in range(runs + 2):  # interleaved; the first two warm up
            for name, (at, key, text) in sessions.items():
                at.text_area(key=key).input(f"{text} ({index})")
                start = time.perf_counter()
                at.run()
                if index >= 2:
                    times[name].append(time.perf_counter() - start)
                assert not at.exception, at.exception
        saved = store.get(long_history.id).revision
        store.close()
    long_ms, short_ms = (statistics.median(times[n]) * 1000 for n in ("long", "short"))
    return {
        "commit_revisions": saved,
        "commit_ms": round(long_ms, 1),
        "commit_one_revision_ms": round(short_ms, 1),
        "commit_history_ratio": round(long_ms / short_ms, 2),
    }


def _first_page_seconds(script: Path, env: dict[str, str]) -> float:
    """Seconds from starting `streamlit run` to the page's script having run once in a real browser."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port
    from playwright.sync_api import sync_playwright

    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)  # the server is not listening yet
            page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            elapsed = time.perf_counter() - start
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    return elapsed


def bench_startup() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "IPCEI_DATA_DIR": tmp}
        env.pop("IPCEI_DATABASE_URL", None)
        bare = Path(tmp) / "bare.py"
        bare.write_text("import streamlit as st\nst.title('Hallo')\n", encoding="utf-8")
        bare_s = _first_page_seconds(bare, env)
        app_s = _first_page_seconds(ROOT / "app.py", env)
    return {
        "app_first_page_s": round(app_s, 2),
        "bare_first_page_s": round(bare_s, 2),
        "startup_ratio": round(app_s / bare_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=40, help="timed reruns of each script (median)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up benchmark (needs Chromium)")
    args = parser.parse_args(argv)
    os.environ.setdefault("IPCEI_RENDER_WORKERS", "0")  # no PDF in these runs: keep the render workers out
    figures = bench_rerun(args.runs)
    figures.update(bench_commit(max(10, args.runs // 2)))
    if not args.no_startup:
        figures.update(bench_startup())
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            textwrap.dedent(f"""\
            wizard rerun (one answer changed): {figures["wizard_rerun_ms"]} ms
            baseline rerun (same widgets):     {figures["baseline_rerun_ms"]} ms
            ratio:                              {figures["rerun_ratio"]} (goal <= 1.5)
            wizard rerun, nothing changed:      {figures["unchanged_rerun_ms"]} ms
            baseline rerun, nothing changed:    {figures["unchanged_baseline_ms"]} ms
            ratio:                              {figures["unchanged_ratio"]} (goal <= 1.5)
            wizard step (answer + «Volgende»):  {figures["step_ms"]} ms
            baseline (text + a button):         {figures["step_baseline_ms"]} ms
            ratio:                              {figures["step_ratio"]}
            elements per step:                  {figures["elements"]}
            committed field, {figures["commit_revisions"]} revisions: {figures["commit_ms"]} ms median (goal < 150 ms)
            committed field, 1 revision:         {figures["commit_one_revision_ms"]} ms
            ratio (history / none):             {figures["commit_history_ratio"]}""")
        )
        if "startup_ratio" in figures:
            print(
                textwrap.dedent(f"""\
                streamlit run -> first page, app:  {figures["app_first_page_s"]} s
                streamlit run -> first page, bare: {figures["bare_first_page_s"]} s
                ratio:                              {figures["startup_ratio"]}""")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
