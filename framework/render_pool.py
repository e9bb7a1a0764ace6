"""Documents rendered in worker processes: a warm, bounded pool for the app, or one process per job.

A job (its kinds, limits and wire) is described in :mod:`framework.render_job`. :class:`RenderPool` keeps ``size``
workers running with WeasyPrint and the templates' modules imported (and one small render done, so that fonts
are loaded): a job costs what the layout costs. A worker that hits a bound, crashes or is killed is replaced; a
job whose worker died under it (not by our bound) is tried once more on a fresh one within the same bound. Jobs
from one owner (a session) run one at a time and owners are served in turn, so ten previews from one session do
not make another session wait behind all ten. Results are cached by content: the SHA-256 of the kind and the
payload (for the advice: assessment, framework, language and sign-off sheet). Without a pool (the command line,
``IPCEI_RENDER_WORKERS=0``) :func:`render` starts one process per job: the same code, cold.
This module imports neither Streamlit nor WeasyPrint in the caller.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from collections import OrderedDict, deque
from typing import Any

from framework.errors import ReportError
from framework.render_job import (
    KINDS,
    WHAT,
    RenderError,
    RenderLimits,
    Worker,
    crashed_error,
    document_of,
    job_key,
    render_once,
    timeout_error,
)

WORKERS_ENV = "IPCEI_RENDER_WORKERS"


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
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._queue: deque[object] = deque()
        self._owners: dict[Any, list[Any]] = {}  # owner -> [lock, callers holding or waiting]
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cached = 0
        self._closed = False
        self.replaced = 0  # workers replaced after a bound, a crash or a retirement
        for _ in range(size):
            self._idle.append(Worker(warm=True))
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

    def _acquire(self, kind: str, limits: RenderLimits, deadline: float) -> Worker:
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

    def _release(self, worker: Worker, *, replace: bool) -> None:
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
                fresh = Worker(warm=True)
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
                raise timeout_error(kind, limits) from None
            except OSError:  # died under the job: killed, or crashed in the layout engine
                worker.kill()
                error = crashed_error(kind, worker, limits)
                self._release(worker, replace=True)
                if attempt == 2 or time.monotonic() >= deadline:
                    raise error from None
                continue
            self._release(worker, replace=answer.get("reason") in ("memory", "timeout"))
            return document_of(kind, answer, body)
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


__all__ = [
    "KINDS",
    "WHAT",
    "WORKERS_ENV",
    "RenderError",
    "RenderLimits",
    "RenderPool",
    "current_pool",
    "job_key",
    "render",
    "render_once",
    "start_pool",
    "workers_wanted",
]
