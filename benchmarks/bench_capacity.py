"""Server capacity without browsers: N sessions speak Streamlit's own websocket protocol to the app.

Run with ``.venv/bin/python -m benchmarks.bench_capacity [--db sqlite|postgres|both] [--sessions 1,2,4,8]
[--interval 3] [--steps 6] [--instances 1,2]``.

Each session is a websocket client in one asyncio loop (no browser, no layout, no JavaScript): it opens the
wizard on an assessment of its own (``/invullen?id=..&step=q1``) and then, every ``--interval`` seconds (spread
so that the sessions do not move in lock step), does what a user does on a step: types a new short answer and
presses «Volgende» (a ``rerun_script`` with the text area's value and the button's trigger). The step time is
from sending that message to the server's ``script_finished``: the server's work (the run, the committed
field, the store) and nothing of a browser. The first load of each session, and the run in which it states a
name and role in the sidebar (sent again with every step, as a browser does), are not counted. «runs/step» is
the number of runs of the page a step causes (each ``script_finished``, a run cut short by ``st.rerun()``
included): one click should cause one run.

For each database and number of app instances (``streamlit run app.py`` processes on the same database;
sessions are spread over them) it raises N along ``--sessions`` and prints the median and p95 step time; the
capacity is the largest N whose p95 stays under one second (goal). PostgreSQL: ``IPCEI_TEST_POSTGRES_URL``,
else ``/work/pg/URL``, with a schema of the benchmark's own (dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95 = 1.0
RELATIVE = 2.0  # on a loaded machine: the largest N whose p95 stays within this factor of one session's
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
PERSON, ROLE = "Benchmark", "beleidsmedewerker"  # who edits (the gates: every write has its person)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """One ``streamlit run app.py`` on the given database."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = _free_port()
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """The server process's resident memory now (MB): steady when no full collection runs after each run."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@dataclass
class Session:
    port: int
    assessment_id: str
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)  # runs of the page per counted step (one click: one run)
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id, of the last run
    last_runs: int = 0


async def _run(ws, message, session: Session) -> float:
    """Send one rerun and read until the run is finished; remember the widgets it drew."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.perf_counter()
    await ws.send(message.SerializeToString())
    widgets: dict[str, str] = {}
    session.last_runs = 0
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=120)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which in ("button", "text_area", "text_input", "selectbox"):
                widget = getattr(element, which)
                widgets.setdefault(f"{which}:{widget.label}", widget.id)
            elif which == "exception":
                session.errors.append(element.exception.message[:200])
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            session.last_runs += 1
            session.widgets = widgets  # a run that ends in st.rerun() is followed by the one that draws
            return time.perf_counter() - start
        elif kind == "script_finished":
            session.last_runs += 1
            widgets = {}


def _rerun(session: Session, states: list[tuple[str, str, object]] = ()):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.query_string = f"id={session.assessment_id}"
    message.rerun_script.page_name = "invullen"
    for widget_id, kind, value in states:
        state = message.rerun_script.widget_states.widgets.add()
        state.id = widget_id
        setattr(state, kind, value)
    return message


def _person(session: Session) -> list[tuple[str, str, object]]:
    """The sidebar's name and role (the wizard is read-only until a person is stated), sent with every run as a
    browser does; empty when the run did not draw them."""
    from framework.i18n import t

    name = session.widgets.get(f"text_input:{t('ui_your_name', 'nl')}")
    role = session.widgets.get(f"selectbox:{t('ui_your_role', 'nl')}")
    if name is None or role is None:
        return []
    return [(name, "string_value", PERSON), (role, "string_value", t(f"ui_role_{ROLE}", "nl"))]


async def drive(session: Session, steps: int, interval: float, delay: float, stop_at: float) -> None:
    import websockets

    url = f"ws://127.0.0.1:{session.port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=2**26) as ws:
        first = _rerun(session)
        first.rerun_script.query_string = f"id={session.assessment_id}&step=q1"
        await _run(ws, first, session)  # the first load: not counted
        person = _person(session)
        if not person:
            session.errors.append("no name and role fields in the sidebar")
            return
        await _run(ws, _rerun(session, person), session)  # the person states a name and role: not counted
        await asyncio.sleep(delay)
        for number in range(steps):
            started = time.monotonic()
            text = next((i for label, i in session.widgets.items() if label.startswith("text_area:")), None)
            step_back = number % 5 == 4  # back to question 1 now and then, so that the walk stays in the wizard
            button = "button:1. Aanleiding" if step_back else "button:Volgende"
            states: list[tuple[str, str, object]] = list(person)
            if text:
                states.append((text, "string_value", f"Antwoord {uuid.uuid4().hex[:8]} bij stap {number}"))
            if button in session.widgets:
                states.append((session.widgets[button], "trigger_value", True))
            session.times.append(await _run(ws, _rerun(session, states), session))
            session.runs.append(session.last_runs)
            if time.monotonic() > stop_at:
                return
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))


async def level(apps: list[App], ids: list[str], n: int, steps: int, interval: float) -> list[Session]:
    sessions = [Session(apps[i % len(apps)].port, ids[i]) for i in range(n)]
    stop_at = time.monotonic() + steps * interval * 4 + 120
    await asyncio.gather(*(drive(s, steps, interval, random.uniform(0, interval), stop_at) for s in sessions))
    return sessions


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def postgres_url() -> str:
    url = os.environ.get("IPCEI_TEST_POSTGRES_URL") or (Path("/work/pg/URL").read_text().strip())
    return url


def prepare(url: str, count: int) -> list[str]:
    from framework.assessment import Status
    from framework.loading import load_assessment
    from framework.store import open_store

    assessment, _ = load_assessment(EXAMPLE)  # as a concept: the example is under review, and then read-only
    assessment = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})
    with open_store(url) as store:
        return [str(store.create(assessment, "Benchmark").id) for _ in range(count)]


def measure(db: str, instances: int, counts: list[int], steps: int, interval: float, work: Path) -> list[dict]:
    env = {**os.environ, "IPCEI_LANG": "nl", "IPCEI_DATA_DIR": str(work / "data")}
    env.pop("IPCEI_FRAMEWORK", None)
    schema = None
    if db == "postgres":
        from sqlalchemy import create_engine, text

        base = postgres_url()
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    else:
        url = f"sqlite:///{work / f'capacity-{instances}.db'}"
    env["IPCEI_DATABASE_URL"] = url
    ids = prepare(url, max(counts))
    apps = [App(env, work / f"{db}-{instances}-{i}.log") for i in range(instances)]
    rows = []
    try:
        asyncio.run(level(apps, ids, len(apps), 1, interval))  # warm every instance once, not counted
        for n in counts:
            cpu_before = sum(app.cpu_seconds() for app in apps)
            sessions = asyncio.run(level(apps, ids, n, steps, interval))
            cpu = sum(app.cpu_seconds() for app in apps) - cpu_before  # the sessions' two first runs included
            times = [t for s in sessions for t in s.times]
            errors = [e for s in sessions for e in s.errors]
            runs = [r for s in sessions for r in s.runs]
            row = {
                "db": db, "instances": instances, "sessions": n, "steps": len(times),
                "median": statistics.median(times), "p95": p95(times), "errors": len(errors),
                "cpu_ms": 1000 * cpu / max(1, len(times)), "rss_mb": max(app.rss_mb() for app in apps),
                "runs": sum(runs) / max(1, len(runs)),
            }  # fmt: skip
            rows.append(row)
            print(
                f"{db:<8} {instances:>9} {n:>8} {row['steps']:>6} {row['median']:>8.2f} {row['p95']:>6.2f} "
                f"{row['errors']:>6} {row['cpu_ms']:>10.0f} {row['rss_mb']:>7.0f} {row['runs']:>9.2f}",
                flush=True,
            )
            if errors:
                print("   first error:", errors[0])
            if row["p95"] > max(GOAL_P95, RELATIVE * rows[0]["p95"]) * 1.5:
                break  # well past both measures: larger N only takes longer to say so
        from framework.store import open_store

        with open_store(url) as store:  # every step typed an answer: it must have been saved
            saved = sum(store.get(i).revision - 1 for i in ids)
        print(f"   revisions saved by the steps: {saved} (steps taken: {sum(r['steps'] for r in rows) + len(apps)})")
    finally:
        for app in apps:
            app.stop()
        if schema:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
    return rows


def cpu_bound(rows: list[dict], interval: float) -> float:
    """Sessions one server process could carry if it had a core to itself (the GIL: one core per process):
    the step interval over the server's median CPU time per step, at 70 % use to leave room for bursts."""
    per_step = statistics.median(r["cpu_ms"] for r in rows) / 1000
    return 0.7 * interval / per_step if per_step else 0.0


def capacity(rows: list[dict]) -> tuple[int, int]:
    """The largest N with p95 under the goal, and the largest with p95 within RELATIVE x that of the first row
    (one session: what the machine gives one user now; measured in the same run, so a loaded machine shows)."""
    good = [r["sessions"] for r in rows if r["p95"] < GOAL_P95 and not r["errors"]]
    alone = rows[0]["p95"] if rows else 0.0
    relative = [r["sessions"] for r in rows if r["p95"] <= RELATIVE * alone and not r["errors"]]
    return max(good, default=0), max(relative, default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_capacity", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sessions", default="1,2,4,6,8,12,16", help="numbers of sessions to try, ascending")
    parser.add_argument("--instances", default="1,2", help="app instances (PostgreSQL only for more than one)")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between a session's steps")
    parser.add_argument("--steps", type=int, default=6, help="counted steps per session and level")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.sessions.split(",")]
    instances = [int(x) for x in args.instances.split(",")]
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    work = Path(tempfile.mkdtemp(prefix="ipcei-capacity-"))
    print(
        f"{'db':<8} {'instances':>9} {'sessions':>8} {'steps':>6} {'median s':>8} {'p95 s':>6} {'errors':>6} "
        f"{'CPU ms/step':>10} {'RSS MB':>7} {'runs/step':>9}"
    )
    results: dict[tuple[str, int], tuple[int, int]] = {}
    cpu: dict[tuple[str, int], float] = {}
    try:
        for db in dbs:
            for count in instances:
                if count > 1 and db == "sqlite":
                    continue
                rows = measure(db, count, counts, args.steps, args.interval, work)
                results[(db, count)] = capacity(rows)
                cpu[(db, count)] = cpu_bound(rows, args.interval) * count
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    for (db, count), (n, relative) in results.items():
        print(
            f"capacity {db}, {count} instance(s): {n} sessions with p95 step < {GOAL_P95:g} s (goal); "
            f"{relative} within {RELATIVE:g}x the p95 of one session; CPU bound: about {cpu[(db, count)]:.0f} "
            f"sessions stepping every {args.interval:g} s with a core per instance"
        )
    one, two = results.get(("postgres", 1)), results.get(("postgres", 2))
    if one and two:
        for index, what in ((0, "under the goal"), (1, "relative")):
            if one[index]:
                print(f"PostgreSQL, a second instance ({what}): {two[index] / one[index]:.2f}x the sessions of one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
