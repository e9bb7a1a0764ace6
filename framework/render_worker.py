"""A render worker (started by :mod:`framework.render_job`): imports once, then jobs from stdin until it closes.

Each job is a frame (4-byte big-endian length, then JSON ``{"kind", "payload", "seconds", "memory_mb"}``); the
answer is a JSON header frame (``ok``, or ``reason`` and ``error``) and, on success, a frame with the document.
Before each job the worker caps its own address space at what it held when ready plus ``memory_mb`` and its CPU
time at what it has used plus ``seconds`` (a backstop: the caller kills it at the wall-clock bound).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from framework.errors import IpceiError
from framework.render_job import FRAME_HEADER, KINDS, WHAT


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _limit(kind: int, soft: int) -> None:
    import resource

    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _job_function(kind: str) -> Any:
    import importlib

    module, _, name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def _warm_up() -> None:
    """One tiny document, so that fonts and WeasyPrint's caches are loaded before the first real job."""
    from weasyprint import HTML

    HTML(string="<p>warm</p>").write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)


def _send(out: Any, data: bytes) -> None:
    out.write(len(data).to_bytes(FRAME_HEADER, "big") + data)


def _receive(inp: Any) -> bytes | None:
    head = inp.read(FRAME_HEADER)
    if len(head) < FRAME_HEADER:
        return None
    data = inp.read(int.from_bytes(head, "big"))
    return data


def _one_job(job: dict[str, Any], base: int) -> tuple[dict[str, Any], bytes]:
    import resource

    kind, memory_mb = job["kind"], int(job["memory_mb"])
    _limit(resource.RLIMIT_AS, base + memory_mb * 2**20)
    used = resource.getrusage(resource.RUSAGE_SELF)
    _limit(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + float(job["seconds"])) + 5)
    what = WHAT.get(kind, kind)
    try:
        data = _job_function(kind)(job["payload"])
    except MemoryError:
        return {"ok": False, "reason": "memory", "error": f"rendering {what} needed more than the limit of "
                f"{memory_mb} MB and was stopped"}, b""  # fmt: skip
    except IpceiError as exc:
        return {"ok": False, "reason": "failed", "error": " ".join(str(exc).split())}, b""
    except Exception as exc:  # any failure becomes a message to the caller, like any failed render
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        return {"ok": False, "reason": "failed", "error": f"{what} could not be rendered ({detail})"}, b""
    return {"ok": True, "grown_mb": max(0, _address_space() - base) / 2**20}, data


def worker_main(warm: bool = True) -> int:
    """The worker: imports once, then jobs from stdin until it closes. Protocol: see the module docstring."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a stray print of a library goes to stderr, never into the protocol
    inp = sys.stdin.buffer
    import weasyprint  # noqa: F401 - imported before the limits, so that they bound the renders alone

    for kind in KINDS:
        _job_function(kind)
    if warm:
        _warm_up()
    base = _address_space()
    _send(out, json.dumps({"ready": True, "pid": os.getpid()}).encode())
    while True:
        frame = _receive(inp)
        if frame is None:
            return 0
        header, data = _one_job(json.loads(frame), base)
        _send(out, json.dumps(header).encode())
        if header["ok"]:
            _send(out, data)


if __name__ == "__main__":
    raise SystemExit(worker_main(warm="--cold" not in sys.argv))
