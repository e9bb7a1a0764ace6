"""Benchmark of hostile files: how fast, and in how much memory, each is refused (or shown safely).

Run with ``.venv/bin/python -m benchmarks.bench_hostile [--paths check,upload,import] [--markdown FILE]``.

Each kind of ``tests/hostile_support.py`` (YAML alias bomb, 50 MB file, deep nesting, ``!!python`` tag, NUL bytes,
invalid UTF-8, right-to-left override, zero-width characters) goes through the paths a user takes: ``ipcei check``,
the upload path (``read_import`` with the bytes) and ``ipcei db import`` on a SQLite file, in a fresh process
capped at 1 GiB of address space. The baseline, timed in the same run through the same paths, is the valid
example the hostile files are made from (``examples/ipcei-waterstof.yaml``). Reported per kind and path: the
seconds of the call itself, its ratio to the baseline, the process's peak RSS and how much the call added to it.
Goal: every hostile file handled within a second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_support import EXAMPLE, KINDS, run_capped  # noqa: E402 - tests/ is put on the path just above

GOAL_SECONDS = 1.0


def measure(paths: tuple[str, ...]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        files = {"baseline (valid example)": EXAMPLE}
        for kind in KINDS.values():
            files[kind.name] = Path(folder) / kind.filename
            files[kind.name].write_bytes(kind.build())
        for name, path in files.items():
            database = f"sqlite:///{folder}/{name.split()[0]}.db"
            for mode, result in run_capped(path, paths, database=database).items():
                rows.append(
                    {
                        "kind": name,
                        "path": mode,
                        "exit": result.exit_code,
                        "seconds": result.seconds,
                        "peak_mib": result.peak_mib,
                        "growth_mib": result.peak_mib - result.baseline_mib,
                    }
                )
    baseline = {row["path"]: row["seconds"] for row in rows if row["kind"].startswith("baseline")}
    for row in rows:
        row["ratio"] = row["seconds"] / baseline[row["path"]]
    return rows


def markdown(rows: list[dict]) -> str:
    today = date.today().isoformat()
    lines = [
        "| test | figure | date measured | how to rerun |",
        "|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| hostile file `{row['kind']}` via `{row['path']}` (exit {row['exit']}) | {row['seconds']:.3f} s "
            f"({row['ratio']:.2f}x the valid example), peak RSS {row['peak_mib']:.0f} MiB "
            f"(+{row['growth_mib']:.0f} MiB during the call) | {today} | "
            "`.venv/bin/python -m benchmarks.bench_hostile` |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_hostile", description=__doc__.split("\n")[0])
    parser.add_argument("--paths", default="check,upload,import", help="comma-separated: check, upload, import")
    parser.add_argument("--markdown", metavar="FILE", help="also write the figures as a Markdown table")
    args = parser.parse_args(argv)
    rows = measure(tuple(args.paths.split(",")))
    header = f"{'kind':<26} {'path':<7} {'exit':>4} {'seconds':>8} {'ratio':>6} {'peak MiB':>8} {'+MiB':>5}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['kind']:<26} {row['path']:<7} {row['exit']:>4} {row['seconds']:>8.3f} {row['ratio']:>6.2f} "
            f"{row['peak_mib']:>8.0f} {row['growth_mib']:>5.0f}"
        )
    hostile = [row for row in rows if not row["kind"].startswith("baseline")]
    worst = max(hostile, key=lambda row: row["seconds"])
    verdict = "met" if worst["seconds"] <= GOAL_SECONDS else "NOT met"
    print(
        f"\nslowest hostile file: {worst['kind']} via {worst['path']}, {worst['seconds']:.3f} s "
        f"(goal ≤ {GOAL_SECONDS:.0f} s): {verdict}"
    )
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows), encoding="utf-8")
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
