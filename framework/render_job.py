"""A document rendered in a worker process of its own: the job kinds, the limits, the wire, and one job.

A job is ``(kind, payload) -> bytes``: the kind names a function ``payload -> bytes`` (see :data:`KINDS`; the
advice PDF and the comparison PDF today, a Word document slots in the same way) and the payload is JSON. Every
job runs in a process of its own, never in the caller's, under :class:`RenderLimits`:

* wall clock: the caller stops waiting at the bound, kills the worker (``SIGKILL``) and gets a
  :class:`RenderError`; CPU time is capped a little above it in the worker as a backstop;
* memory: the worker's address space may grow by ``memory_mb`` from where it stood once its imports were done;
  a render that needs more fails with a clear message, and a worker that has grown by half of that is retired.

The wire between caller and worker: frames of a 4-byte big-endian length and that many bytes, a JSON header and,
for a result, the document. Workers end when their stdin closes (the caller exited), so none is left behind.
:func:`render_once` runs one job in a process started for it (cold); :mod:`framework.render_pool` keeps warm
workers. This module imports neither Streamlit nor WeasyPrint in the caller.
"""

from __future__ import annotations

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
from collections import deque
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


class Worker:
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


def document_of(kind: str, answer: dict, body: bytes) -> bytes:
    if answer.get("ok"):
        return body
    message = answer.get("error") or f"{WHAT.get(kind, kind)} could not be rendered"
    raise RenderError(message, answer.get("reason", "failed"))


def timeout_error(kind: str, limits: RenderLimits) -> RenderError:
    what = WHAT.get(kind, kind)
    return RenderError(f"rendering {what} took longer than {limits.seconds:g} s and was stopped", "timeout")


def crashed_error(kind: str, worker: Worker, limits: RenderLimits) -> RenderError:
    what = WHAT.get(kind, kind)
    return RenderError(
        f"the render process of {what} ended without a result ({worker.signal_name()}); it may be too large to "
        f"render within {limits.memory_mb} MB and {limits.seconds:g} s",
        "crashed",
    )


def render_once(kind: str, payload: dict[str, Any], limits: RenderLimits) -> bytes:
    """One job in a process started for it (cold: its imports are part of the job's time)."""
    deadline = time.monotonic() + limits.seconds
    worker = Worker(warm=False)
    try:
        answer, body = worker.run(kind, payload, limits, deadline)
    except TimeoutError:
        worker.kill()
        raise timeout_error(kind, limits) from None
    except OSError:
        worker.kill()
        raise crashed_error(kind, worker, limits) from None
    worker.stop()
    return document_of(kind, answer, body)
