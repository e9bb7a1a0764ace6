"""The warm render workers (issue #17): documents from a pool of bounded processes, replaced when they fail.

Real worker processes, real PDFs read back. Each test checks the process table afterwards: no worker outlives
its pool, and none outlives a caller killed with ``kill -9``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from store_support import make_assessment

from framework.assessment import canonical_json
from framework.loading import default_framework
from framework.render_pool import RenderError, RenderLimits, RenderPool, job_key, render_once
from framework.report.render import extract_assessment

ROOT = Path(__file__).resolve().parent.parent
GENEROUS = RenderLimits(seconds=240, memory_mb=1024)  # a loaded 2-core machine: only a stall fails


def payload(n: int = 1, lang: str = "nl") -> dict:
    return {
        "assessment": canonical_json(make_assessment(n)),
        "framework": default_framework().model_dump_json(),
        "sheet": None,
        "lang": lang,
        "sign": None,
    }


def running(pid: int) -> bool:
    """In the process table and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if running(p)]


@pytest.fixture
def pool():
    made: list[RenderPool] = []

    def make(size: int = 1, **kwargs) -> RenderPool:
        made.append(RenderPool(size, limits=GENEROUS, **kwargs))
        return made[-1]

    yield make
    for p in made:
        seen = p.pids()
        p.close()
        assert not wait_gone(seen), "a worker outlived its pool"


def busy_worker(p: RenderPool, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with p._cond:
            if p._busy:
                return next(iter(p._busy))
        time.sleep(0.02)
    raise AssertionError("no worker became busy")


def test_the_pool_renders_the_advice_and_the_comparison_and_caches_by_content(pool):
    p = pool(1)
    job = payload(1)
    pdf = p.render("advice", job)
    assert pdf.startswith(b"%PDF-") and extract_assessment(pdf) == make_assessment(1)
    worker = p._idle[0]
    assert p.render("advice", dict(job)) is pdf  # the same content: from the cache, no job
    assert worker.jobs == 1
    other = p.render("advice", payload(1, lang="en"))  # another language is another document
    assert other != pdf and worker.jobs == 2
    assert job_key("advice", job) != job_key("advice", payload(1, lang="en"))
    compared = p.render("compare", {"html": "<html><body><h1>Vergelijking</h1></body></html>"})
    assert compared.startswith(b"%PDF-") and worker.jobs == 3
    assert p.replaced == 0 and p.pids() == [worker.pid]


def test_an_unknown_kind_and_a_failing_job_give_a_clear_error_and_keep_the_worker(pool):
    p = pool(1)
    with pytest.raises(RenderError, match="unknown document kind 'odt'"):
        p.render("odt", {})
    with pytest.raises(RenderError, match=r"the advice could not be rendered \(KeyError"):
        p.render("advice", {"lang": "nl"})
    assert p.render("advice", payload(2)).startswith(b"%PDF-")
    assert p.replaced == 0


def test_a_worker_killed_mid_render_is_replaced_and_the_job_still_gives_the_pdf(pool):
    p = pool(1)
    p.render("advice", payload(3))  # the worker is warm and ready
    result: dict = {}

    def preview() -> None:
        try:
            result["pdf"] = p.render("advice", payload(4))
        except Exception as exc:  # reported below
            result["error"] = exc

    thread = threading.Thread(target=preview)
    thread.start()
    victim = busy_worker(p)
    time.sleep(0.2)
    os.kill(victim.pid, signal.SIGKILL)
    thread.join(GENEROUS.seconds)
    assert "error" not in result, result.get("error")
    assert extract_assessment(result["pdf"]) == make_assessment(4)
    assert p.replaced == 1 and victim.pid not in p.pids()
    assert not wait_gone([victim.pid], 5), "the killed worker was not reaped"


def test_a_render_past_its_time_bound_stops_in_time_and_the_worker_is_replaced(pool):
    p = pool(1)
    p.render("advice", payload(5))
    first = p.pids()[0]
    start = time.monotonic()
    with pytest.raises(RenderError, match=r"took longer than 0\.3 s and was stopped") as stopped:
        p.render("advice", payload(6), limits=RenderLimits(seconds=0.3, memory_mb=1024))
    assert stopped.value.reason == "timeout"
    assert time.monotonic() - start < 5, "the caller waited well past the bound"
    assert not wait_gone([first], 5) and first not in p.pids() and p.replaced == 1
    assert p.render("advice", payload(6)).startswith(b"%PDF-")  # the next job, on the fresh worker


def test_a_render_past_its_memory_bound_fails_clearly_and_the_worker_is_replaced(pool):
    p = pool(1)
    p.render("advice", payload(7))
    with pytest.raises(RenderError, match=r"needed more than the limit of 8 MB") as stopped:
        p.render("advice", payload(8), limits=RenderLimits(seconds=120, memory_mb=8))
    assert stopped.value.reason == "memory" and p.replaced == 1
    assert p.render("advice", payload(8)).startswith(b"%PDF-")


def test_a_busy_pool_says_so_within_the_bound(pool):
    p = pool(1)
    p.render("advice", payload(9))
    thread = threading.Thread(target=p.render, args=("advice", payload(10)), kwargs={"owner": "a"})
    thread.start()
    busy_worker(p)
    start = time.monotonic()
    with pytest.raises(RenderError, match="render workers stayed busy") as refused:
        p.render("advice", payload(11), limits=RenderLimits(seconds=0.2, memory_mb=1024), owner="b")
    assert refused.value.reason == "busy" and time.monotonic() - start < 3
    thread.join(GENEROUS.seconds)


def test_ten_previews_of_one_session_do_not_make_another_session_wait_behind_them(pool):
    p = pool(2)
    for worker in list(p._idle):
        worker.wait_ready(time.monotonic() + GENEROUS.seconds)
    done: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def preview(owner: str, n: int) -> None:
        try:
            pdf = p.render("advice", payload(n), owner=owner)
            assert extract_assessment(pdf) == make_assessment(n)
        except Exception as exc:
            errors.append(exc)
            return
        with lock:
            done.append(owner)

    flood = [threading.Thread(target=preview, args=("a", 100 + i)) for i in range(10)]
    for thread in flood:
        thread.start()
    busy_worker(p)
    other = threading.Thread(target=preview, args=("b", 200))
    other.start()
    for thread in [*flood, other]:
        thread.join(GENEROUS.seconds)
    assert not errors, errors
    assert sorted(done) == ["a"] * 10 + ["b"]
    # Session a runs one job at a time: session b is served next to it, not after its ten.
    assert done.index("b") <= 2, done


def test_no_worker_outlives_a_caller_killed_with_kill_9():
    script = (
        "import sys, time\n"
        "from framework.render_pool import RenderPool\n"
        "p = RenderPool(2)\n"
        "print(' '.join(map(str, p.pids())), flush=True)\n"
        "time.sleep(600)\n"
    )
    caller = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(x) for x in caller.stdout.readline().split()]
        assert len(pids) == 2 and all(running(pid) for pid in pids)
    finally:
        caller.kill()
        caller.wait()
    assert not wait_gone(pids, 120), "workers outlived their caller"


def test_one_job_without_a_pool_runs_in_a_process_of_its_own_and_leaves_none():
    before = set(_children())
    pdf = render_once("advice", payload(12), GENEROUS)
    assert extract_assessment(pdf) == make_assessment(12)
    assert set(_children()) <= before


def _children() -> list[int]:
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == me and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("reason", ["busy", "timeout", "crashed", "memory"])
def test_each_reason_the_app_reports_has_its_text_in_both_languages(reason):
    from framework.i18n import t

    for lang in ("nl", "en"):
        text = t(f"perf_render_{reason}", lang, seconds="300")
        assert "PDF" in text and "{" not in text
