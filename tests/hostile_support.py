"""Hostile files, and a child process that feeds one to a real path of the tool under a memory cap.

Used by ``tests/test_hostile_files.py`` and ``benchmarks/bench_hostile.py``. Each kind is a file a user could
hand the tool (YAML alias bomb, a 50 MB file, deep nesting, a ``!!python`` tag, NUL bytes, invalid UTF-8, a
right-to-left override or zero-width characters in text). :func:`run_capped` runs one path on it (the ``ipcei``
command's ``check``, ``db import`` or ``render``, or the upload path ``read_import`` with the bytes) in a fresh
Python process whose address space is capped (``RLIMIT_AS``, 1 GiB), and returns what the child measured around
the call itself (seconds, peak RSS) besides its exit code and output.

Run as a script it is that child: ``python tests/hostile_support.py FILE DATABASE_URL OUT_PDF MODE...``; the modes
run in turn, each measured on its own (its peak RSS is the process's peak so far, so a later mode shows a
growth only when it needs more than the earlier ones did).
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024**3  # bytes of address space for the child
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
MODES = ("check", "import", "upload", "render")

BILLION_LAUGHS = (
    "format: ipcei-assessment/1\na: &a ["
    + ", ".join(['"lol"'] * 9)
    + "]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)  # nine to the ninth "lol" once expanded


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def _with_title(title: str) -> bytes:
    text = example_text()
    old = next(line for line in text.splitlines() if line.startswith("  title: "))
    return text.replace(old, f"  title: {json.dumps(title)}", 1).encode("utf-8")


def _with_answer_text(needle: str, inserted: str) -> bytes:
    text = example_text()
    assert needle in text, needle
    return text.replace(needle, needle + inserted, 1).encode("utf-8")


def _line_after(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@dataclass(frozen=True)
class Kind:
    """A hostile file, how it is named, and what the tool must say (part of the message, and the line)."""

    name: str
    filename: str
    build: Callable[[], bytes]
    refused: bool  # refused (exit 1, a message naming the place) or accepted and shown safely
    message: str  # part of the refusal, or of the finding when accepted
    line: int | None = None  # the line the refusal names (None: the whole file)


def _fifty_megabytes() -> bytes:
    return example_text().encode("utf-8") + b"# " + b"x" * (50 * 1024 * 1024) + b"\n"


def _deep() -> bytes:
    return b"format: ipcei-assessment/1\nmeta:\n  title: " + b"[" * 1_000_000 + b"]" * 1_000_000 + b"\n"


PYTHON_TAG_MARKER = Path(tempfile.gettempdir()) / "ipcei-hostile-python-tag-ran"  # exists only if the tag ran


def _python_tag() -> bytes:
    tag = f"  q1: !!python/object/apply:os.system ['touch {PYTHON_TAG_MARKER}']\n"
    return example_text().replace("answers:\n", "answers:\n" + tag).encode("utf-8")


TEXT = example_text()
TAG_LINE = _line_after(TEXT, "answers:") + 1
NUL_AT = TEXT.index("  ipcei: ")

KINDS = {
    kind.name: kind
    for kind in [
        Kind("alias-bomb", "alias-bomb.yaml", lambda: BILLION_LAUGHS.encode(), True, "anchors and aliases", 2),
        Kind("50-megabytes", "big.yaml", _fifty_megabytes, True, "bytes", None),
        Kind("deep-nesting", "deep.yaml", _deep, True, "nesting", 3),
        Kind(
            "python-tag", "python-tag.yaml", _python_tag, True, "python/object/apply", _line_after(TEXT, "answers:") + 1
        ),
        Kind(
            "nul-bytes",
            "nul.yaml",
            lambda: (TEXT[:NUL_AT] + "  note: a\x00b\n" + TEXT[NUL_AT:]).encode("utf-8"),
            True,
            "NUL byte",
            _line_after(TEXT, "  ipcei: "),
        ),
        Kind(
            "invalid-utf8",
            "latin1.yaml",
            lambda: TEXT.replace("Waterstof", "Waterstof caf\xe9", 1).encode("latin-1", "replace"),
            True,
            "not valid UTF-8",
            _line_after(TEXT, "Waterstof"),
        ),
        Kind(
            "rtl-override",
            "rtl.yaml",
            lambda: _with_title("Deelname aan IPCEI Waterstof: \u202enemlednee tein\u202c advies"),
            False,
            "U+202E",
        ),
        Kind(
            "zero-width",
            "zero-width.yaml",
            lambda: _with_answer_text("  q2:\n    answer: ", "Zero\u200bwidth\u200d \u2060joiners\ufeff "),
            False,
            "U+200B",
        ),
    ]
}


@dataclass(frozen=True)
class Result:
    """What one capped child did: its exit code, output, and what it measured around the call."""

    exit_code: int
    seconds: float  # the call itself, in the child
    peak_mib: float  # the child's peak resident memory (ru_maxrss), imports included
    baseline_mib: float  # its peak before the call (after the imports)
    stdout: str
    stderr: str
    wall: float  # the whole child, start-up included, seen from the parent


def run_capped(path: Path, modes: tuple[str, ...], *, database: str = "", output: str = "") -> dict[str, Result]:
    """Run each of ``modes`` on ``path``, in turn, in one fresh Python process capped at :data:`MEMORY_CAP`.

    Args:
        path: the hostile file.
        modes: some of :data:`MODES`.
        database: the database URL for ``import``.
        output: the PDF to write for ``render``.
    """
    assert set(modes) <= set(MODES), modes

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, __file__, str(path), database, output, *modes],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120 * len(modes),
        preexec_fn=cap,  # a fresh child, before it starts any thread
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    wall = time.perf_counter() - started
    lines = run.stdout.strip().splitlines()
    assert run.returncode == 0 and lines, f"the child failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    return {
        mode: Result(r["exit"], r["seconds"], r["peak_mib"], r["baseline_mib"], r["stdout"], r["stderr"], wall)
        for mode, r in json.loads(lines[-1]).items()
    }


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _child(path: str, database: str, output: str, modes: list[str]) -> dict[str, dict]:
    from framework.cli import main
    from framework.errors import InputError
    from framework.imports import read_import
    from framework.loading import find_framework

    def upload() -> int:
        try:
            assessment, _ = read_import(Path(path).read_bytes(), Path(path).name, find_framework)
        except InputError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 1
        print(f"{Path(path).name}: {assessment.meta.title}")
        return 0

    calls: dict[str, Callable[[], int]] = {
        "check": lambda: main(["check", path]),
        "import": lambda: main(["db", "import", path, "--database", database, "--by", "Hostile Tester"]),
        "upload": upload,
        "render": lambda: main(["render", path, "-o", output]),
    }
    reports = {}
    for mode in modes:
        baseline = _peak_mib()
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(err):
            code = calls[mode]()
        seconds = time.perf_counter() - started
        reports[mode] = {
            "exit": code,
            "seconds": seconds,
            "peak_mib": _peak_mib(),
            "baseline_mib": baseline,
            "stdout": out.getvalue(),
            "stderr": err.getvalue(),
        }
    return reports


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])))
