"""Where a wizard step's server time goes: the app's script thread under cProfile, driven over the websocket.

Run with ``.venv/bin/python -m benchmarks.profile_wizard [--steps 8] [--top 40] [--no-profile]``.

Starts ``streamlit run app.py`` (SQLite in a temporary folder) with ``ScriptRunner._run_script`` wrapped: each
call (one click, with every run it causes: a run ended by ``st.rerun()`` is followed by the next in the same
call) is profiled with the CPU timer ``time.thread_time`` (waiting for the GIL or the disk is not counted), and
its runs and CPU are logged. One session then does what ``bench_capacity`` does: states a name and role, and
``--steps`` times types a new answer and presses «Volgende». Prints, per step, the runs of the page and the
script thread's CPU, then the functions with the most cumulative time over the steps (the session's first two
runs left out). ``--no-profile`` logs the runs and CPU without cProfile (whose overhead about doubles the cost
of Python code).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(out: Path, profile: bool, argv: list[str]) -> None:
    """The server side: streamlit's own command line, with the script thread wrapped."""
    import cProfile
    import threading

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web.cli import main

    run_script, execute = script_runner.ScriptRunner._run_script, script_runner.exec_func_with_error_handling
    local = threading.local()
    calls = [0]

    def counted(func, ctx):
        local.runs = getattr(local, "runs", 0) + 1
        return execute(func, ctx)

    def wrapped(self, rerun_data):
        local.runs = 0
        profiler = cProfile.Profile(time.thread_time)
        cpu = time.thread_time()
        if profile:
            profiler.enable()
        try:
            return run_script(self, rerun_data)
        finally:
            profiler.disable()
            cpu = time.thread_time() - cpu
            calls[0] += 1
            if profile:
                profiler.dump_stats(out / f"call{calls[0]:04d}.prof")
            with (out / "calls.log").open("a") as log:
                log.write(f"{calls[0]} {local.runs} {cpu * 1000:.1f}\n")

    script_runner.exec_func_with_error_handling = counted
    script_runner.ScriptRunner._run_script = wrapped
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *argv]
    main()


def drive(steps: int, profile: bool, top: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="ipcei-profile-"))
    try:
        return _drive(work, steps, profile, top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _drive(work: Path, steps: int, profile: bool, top: int) -> int:
    from benchmarks import bench_capacity as capacity

    out = work / "profile"
    out.mkdir()
    env = {**os.environ, "IPCEI_LANG": "nl", "IPCEI_DATA_DIR": str(work / "data"), "IPCEI_RENDER_WORKERS": "0"}
    env.pop("IPCEI_FRAMEWORK", None)
    url = f"sqlite:///{work / 'profile.db'}"
    env["IPCEI_DATABASE_URL"] = url
    ids = capacity.prepare(url, 1)
    port = capacity._free_port()
    args = [sys.executable, "-m", "benchmarks.profile_wizard", "--serve", str(out)]
    args += ["--no-profile"] if not profile else []
    args += ["--", "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    with (work / "server.log").open("w") as log:
        import subprocess
        import urllib.request

        server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("streamlit did not become healthy") from None
                    time.sleep(0.2)
            session = capacity.Session(port, ids[0])
            asyncio.run(capacity.drive(session, steps, 1.0, 0.0, time.monotonic() + 600))
        finally:
            server.terminate()
            server.wait(timeout=30)
    calls = [line.split() for line in (out / "calls.log").read_text().splitlines()][2:]  # first load, person
    print(f"{'step':>4} {'runs':>4} {'script CPU ms':>13} {'step s':>7}")
    for number, ((_call, runs, cpu), seconds) in enumerate(zip(calls, session.times, strict=False), 1):
        print(f"{number:>4} {runs:>4} {float(cpu):>13.1f} {seconds:>7.3f}")
    if session.errors:
        print("errors:", session.errors[:3])
    if profile:
        import pstats

        files = sorted(out.glob("call*.prof"))[2:]
        if files:
            stats = pstats.Stats(str(files[0]))
            for file in files[1:]:
                stats.add(str(file))
            stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:
        rest = argv[2:]
        profile = "--no-profile" not in rest
        rest = [a for a in rest if a != "--no-profile"]
        serve(Path(argv[1]), profile, rest[1:] if rest[:1] == ["--"] else rest)
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_wizard", description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8, help="steps (a new answer, «Volgende») to profile")
    parser.add_argument("--top", type=int, default=40, help="functions to print, by cumulative time")
    parser.add_argument("--no-profile", action="store_true", help="only the runs and CPU per step, no cProfile")
    args = parser.parse_args(argv)
    return drive(args.steps, not args.no_profile, args.top)


if __name__ == "__main__":
    sys.exit(main())
