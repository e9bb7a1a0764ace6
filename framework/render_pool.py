"""Documents rendered in worker processes: a warm, bounded pool for the app, or one process per job.

A job is ``(kind, payload) -> bytes``: the kind names a function ``payload -> bytes`` (see :data:`KINDS`; the
advice PDF and the comparison PDF today, a Word document slots in the same way) and the payload is JSON. Every
job runs in a process of its own, never in the caller's, under :class:`RenderLimits`:

* wall clock: the caller stops waiting at the bound, kills the worker (``SIGKILL``) and gets a
  :class:`RenderError`; CPU time is capped a little above it in the worker as a backstop;
* memory: the worker's address space may grow by ``memory_mb`` from where it stood once its imports were done;
  a render that needs more fails with a clear message, and a worker that has grown by half of that is retired.

:class:`RenderPool` keeps ``size`` workers running with WeasyPrint and the templates' modules imported (and one
small render done, so that fonts are loaded): a job costs what the layout costs. A worker that hits a bound,
crashes or is killed is replaced; a job whose worker died under it (not by our bound) is tried once more on a
fresh one within the same bound. Jobs from one owner (a session) run one at a time and owners are served in
turn, so ten previews from one session do not make another session wait behind all ten. Results are cached by
content: the SHA-256 of the kind and the payload (for the advice: assessment, framework, language and sign-off
sheet). Without a pool (the command line, ``IPCEI_RENDER_WORKERS=0``) :func:`render` starts one process per job:
the same code, cold.

The wire between caller and worker: frames of a 4-byte big-endian length and that many bytes, a JSON header and,
for a result, the document. Workers end when their stdin closes (the caller exited), so none is left behind.
This module imports neither Streamlit nor WeasyPrint in the caller.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from framework.errors import ReportError

# kind -> "module:function" that turns a payload into the document's bytes; imported once by each worker.
KINDS: dict[str, str] = {
    "advice": "framework.advice:render_job",
    "compare": "framework.compare.export:render_job",
    "portfolio": "framework.portfolio.export:render_job",
}
WHAT = {"advice": "the advice", "compare": "the comparison", "portfolio": "the portfolio"}
WORKERS_ENV = "IPCEI_RENDER_WORKERS"
FRAME_HEADER = 4
_MAX_FRAME = 512 * 2**20


@dataclass(frozen=True)
class RenderLimits:
    """Bounds of a render in a process of its own: wall-clock seconds, and memory it may add (MB of address space).

    The largest assessment the model allows renders in about a minute and adds about 300 MB (see
    ``benchmarks/bench_render_limits.py``); the defaults leave room for a busy machine and stop a stall.
    """

    seconds: float = 300.0
    memory_mb: int = 1536


class RenderError(ReportError):
    """A job that gave no document; ``reason`` is one of busy, timeout, crashed, memory, failed."""

    def __init__(self, message: str, reason: str = "failed"):
        super().__init__(message)
        self.reason = reason


def job_key(kind: str, payload: dict[str, Any]) -> str:
    """The content key of a job: SHA-256 of its kind and its payload as sorted JSON."""
    blob = json.dumps([kind, payload], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --- the caller's side of one worker -------------------------------------------------------------------------


class _Worker:
    """One worker process and its pipes; used by one caller at a time."""

    def __init__(self, *, warm: bool):
        command = [sys.executable, "-m", "framework.render_worker"] + ([] if warm else ["--cold"])
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        self.ready = False
        self.jobs = 0
        self.grown_mb = 0.0
        self._stderr: deque[str] = deque(maxlen=20)
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _drain_stderr(self) -> None:
        """Keep the worker's stderr pipe empty (a full pipe would block it); remember the last lines."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def alive(self) -> bool:
        return self.process.poll() is None

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        """``size`` bytes from the worker, ``None`` at end of file; :class:`TimeoutError` past the deadline."""
        assert self.process.stdout is not None
        fd, chunks, got = self.process.stdout.fileno(), [], 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def read_frame(self, deadline: float) -> bytes | None:
        head = self._read_exact(FRAME_HEADER, deadline)
        if head is None:
            return None
        size = int.from_bytes(head, "big")
        if size > _MAX_FRAME:
            raise OSError(f"frame of {size} bytes")
        return self._read_exact(size, deadline) if size else b""

    def wait_ready(self, deadline: float) -> None:
        if self.ready:
            return
        frame = self.read_frame(deadline)
        if frame is None or not json.loads(frame).get("ready"):
            raise BrokenPipeError("the worker ended while starting")
        self.ready = True

    def run(self, kind: str, payload: dict[str, Any], limits: RenderLimits, deadline: float) -> tuple[dict, bytes]:
        """Send one job and read its answer: (header, document). Raises TimeoutError, or OSError if it died."""
        self.wait_ready(deadline)
        seconds = max(1.0, deadline - time.monotonic())
        job = {"kind": kind, "payload": payload, "seconds": seconds, "memory_mb": limits.memory_mb}
        data = json.dumps(job, ensure_ascii=False).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(len(data).to_bytes(FRAME_HEADER, "big") + data)
        self.process.stdin.flush()
        self.jobs += 1
        header = self.read_frame(deadline)
        if header is None:
            raise BrokenPipeError("the worker ended during the job")
        answer = json.loads(header)
        body = self.read_frame(deadline) if answer.get("ok") else b""
        if body is None:
            raise BrokenPipeError("the worker ended during the job")
        self.grown_mb = float(answer.get("grown_mb", 0.0))
        return answer, body

    def kill(self) -> None:
        """End the worker now and reap it (its process group: nothing it started survives it)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        """Ask the worker to end (stdin closed), then make sure of it."""
        with contextlib.suppress(OSError):
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if pipe:
                    pipe.close()

    def signal_name(self) -> str:
        code = self.process.returncode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return signal.Signals(-code).name
        return f"exit code {code}"

    def last_error(self) -> str:
        return self._stderr[-1] if self._stderr else ""


def _answer(kind: str, answer: dict, body: bytes) -> bytes:
    if answer.get("ok"):
        return body
    message = answer.get("error") or f"{WHAT.get(kind, kind)} could not be rendered"
    raise RenderError(message, answer.get("reason", "failed"))


def _timeout(kind: str, limits: RenderLimits) -> RenderError:
    what = WHAT.get(kind, kind)
    return RenderError(f"rendering {what} took longer than {limits.seconds:g} s and was stopped", "timeout")


def _crashed(kind: str, worker: _Worker, limits: RenderLimits) -> RenderError:
    what = WHAT.get(kind, kind)
    return RenderError(
        f"the render process of {what} ended without a result ({worker.signal_name()}); it may be too large to "
        f"render within {limits.memory_mb} MB and {limits.seconds:g} s",
        "crashed",
    )


def render_once(kind: str, payload: dict[str, Any], limits: RenderLimits) -> bytes:
    """One job in a process started for it (cold: its imports are part of the job's time)."""
    deadline = time.monotonic() + limits.seconds
    worker = _Worker(warm=False)
    try:
        answer, body = worker.run(kind, payload, limits, deadline)
    except TimeoutError:
        worker.kill()
        raise _timeout(kind, limits) from None
    except OSError:
        worker.kill()
        raise _crashed(kind, worker, limits) from None
    worker.stop()
    return _answer(kind, answer, body)


# --- the pool ------------------------------------------------------------------------------------------------


class RenderPool:
    """``size`` warm workers shared by all sessions of the app; see the module docstring."""

    def __init__(
        self,
        size: int = 2,
        *,
        limits: RenderLimits | None = None,
        max_jobs: int = 200,
        cache_mb: int = 64,
    ):
        if size < 1:
            raise ValueError("a render pool needs at least one worker")
        self.size = size
        self.limits = limits or RenderLimits()
        self.max_jobs = max_jobs
        self.cache_bytes = cache_mb * 2**20
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._queue: deque[object] = deque()
        self._owners: dict[Any, list[Any]] = {}  # owner -> [lock, callers holding or waiting]
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cached = 0
        self._closed = False
        self.replaced = 0  # workers replaced after a bound, a crash or a retirement
        for _ in range(size):
            self._idle.append(_Worker(warm=True))
        atexit.register(self.close)

    # -- what callers use --

    def render(
        self, kind: str, payload: dict[str, Any], *, limits: RenderLimits | None = None, owner: Any = None
    ) -> bytes:
        """The document of a job: from the cache, or rendered by a worker within ``limits`` (the pool's default)."""
        if kind not in KINDS:
            raise RenderError(f"unknown document kind {kind!r}")
        limits = limits or self.limits
        key = job_key(kind, payload)
        with self._cond:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        deadline = time.monotonic() + limits.seconds
        with self._turn(owner, kind, limits, deadline):
            data = self._run(kind, payload, limits, deadline)
        self._remember(key, data)
        return data

    def pids(self) -> list[int]:
        with self._cond:
            return [w.pid for w in [*self._idle, *self._busy]]

    def close(self) -> None:
        """Stop every worker (also run at exit); a closed pool renders no more."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.stop()
        with contextlib.suppress(Exception):
            atexit.unregister(self.close)

    # -- inside --

    @contextlib.contextmanager
    def _turn(self, owner: Any, kind: str, limits: RenderLimits, deadline: float):
        """One job at a time per owner, owners first come first served; wait at most until the deadline."""
        with self._cond:
            entry = self._owners.setdefault(owner, [threading.Lock(), 0]) if owner is not None else None
            if entry is not None:
                entry[1] += 1
        try:
            if entry is not None and not entry[0].acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise self._busy_error(kind, limits)
            try:
                yield
            finally:
                if entry is not None:
                    entry[0].release()
        finally:
            if entry is not None:
                with self._cond:
                    entry[1] -= 1
                    if entry[1] == 0:
                        self._owners.pop(owner, None)

    def _busy_error(self, kind: str, limits: RenderLimits) -> RenderError:
        return RenderError(
            f"all {self.size} render workers stayed busy for {limits.seconds:g} s; {WHAT.get(kind, kind)} was not "
            "rendered, try again",
            "busy",
        )

    def _acquire(self, kind: str, limits: RenderLimits, deadline: float) -> _Worker:
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._idle):
                    if self._closed:
                        raise RenderError("the render pool is closed", "busy")
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._cond.wait(left):
                        if not (self._queue[0] is ticket and self._idle):
                            raise self._busy_error(kind, limits)
                worker = self._idle.pop(0)
                self._busy.add(worker)
                return worker
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()

    def _release(self, worker: _Worker, *, replace: bool) -> None:
        if replace or not worker.alive():
            worker.kill()
        elif worker.jobs >= self.max_jobs or worker.grown_mb > self.limits.memory_mb / 2:
            worker.stop()  # retired: grown too much or served long enough
            replace = True
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                fresh = None
            elif replace or not worker.alive():
                fresh = _Worker(warm=True)
                self.replaced += 1
            else:
                fresh = worker
            if fresh is not None:
                self._idle.append(fresh)
            self._cond.notify_all()
        if self._closed and fresh is None and worker.alive():
            worker.stop()

    def _run(self, kind: str, payload: dict[str, Any], limits: RenderLimits, deadline: float) -> bytes:
        for attempt in (1, 2):
            worker = self._acquire(kind, limits, deadline)
            try:
                answer, body = worker.run(kind, payload, limits, deadline)
            except TimeoutError:
                self._release(worker, replace=True)
                raise _timeout(kind, limits) from None
            except OSError:  # died under the job: killed, or crashed in the layout engine
                worker.kill()
                error = _crashed(kind, worker, limits)
                self._release(worker, replace=True)
                if attempt == 2 or time.monotonic() >= deadline:
                    raise error from None
                continue
            self._release(worker, replace=answer.get("reason") in ("memory", "timeout"))
            return _answer(kind, answer, body)
        raise AssertionError("unreachable")

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.cache_bytes:
            return
        with self._cond:
            if key in self._cache:
                return
            self._cache[key] = data
            self._cached += len(data)
            while self._cached > self.cache_bytes:
                _, old = self._cache.popitem(last=False)
                self._cached -= len(old)


# --- the process-wide pool -----------------------------------------------------------------------------------

_POOL: RenderPool | None = None
_POOL_LOCK = threading.Lock()


def workers_wanted() -> int:
    """``IPCEI_RENDER_WORKERS`` (default 2): the size of the app's pool; 0 renders each job in a fresh process."""
    raw = os.environ.get(WORKERS_ENV, "2").strip() or "2"
    try:
        return max(0, min(16, int(raw)))
    except ValueError:
        raise ReportError(f"{WORKERS_ENV}={raw!r}: give a whole number of render workers (0 to 16)") from None


def start_pool(size: int | None = None) -> RenderPool | None:
    """Start the process-wide pool (once; the app calls this at start-up). ``None`` when the size is 0."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL._closed:
            size = workers_wanted() if size is None else size
            _POOL = RenderPool(size) if size > 0 else None
        return _POOL


def current_pool() -> RenderPool | None:
    return _POOL if _POOL is not None and not _POOL._closed else None


def render(kind: str, payload: dict[str, Any], limits: RenderLimits | None = None, *, owner: Any = None) -> bytes:
    """A document in a worker: the running pool's if there is one, else a process of its own."""
    pool = current_pool()
    if pool is not None:
        return pool.render(kind, payload, limits=limits, owner=owner)
    return render_once(kind, payload, limits or RenderLimits())
