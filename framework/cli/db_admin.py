"""``ipcei db backup | restore | ping | export-records``: running the store as a ministry would (docs/deployment.md).

Registered by :mod:`framework.cli.db` under ``ipcei db``. ``ping`` is the readiness check: exit 0 when the
database answers and its schema is this program's, 1 otherwise (for a systemd or load-balancer health check).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from framework.errors import IpceiError
from framework.store import open_store
from framework.store.backup import backup, restore

EXIT_OK, EXIT_INVALID = 0, 1


def cmd_backup(args: argparse.Namespace) -> int:
    start = time.monotonic()
    info = backup(args.database, Path(args.output))
    size = f"{info.size:,}".replace(",", ".")
    print(f"wrote {info.path} ({info.kind}, schema version {info.schema_version}, {size} bytes, "
          f"{time.monotonic() - start:.1f} s)")  # fmt: skip
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    start = time.monotonic()
    info = restore(Path(args.file), args.database)
    with open_store(args.database) as store:  # brings an older backup's schema up to date
        counts = store.row_counts()
        where = store.where
    print(
        f"restored {info.path} into {where}: {counts['assessments']} assessments, {counts['revisions']} revisions, "
        f"{counts['audit_log']} audit entries, {counts['signoffs']} sign-offs ({time.monotonic() - start:.1f} s); "
        "check it with `ipcei db verify`"
    )
    return EXIT_OK


def cmd_ping(args: argparse.Namespace) -> int:
    """Ready when the database answers and has this program's schema (no migration is run)."""
    start = time.monotonic()
    try:
        with open_store(args.database, upgrade=False, timeout_ms=2000) as store:
            store.row_counts()
            where = store.where
    except IpceiError as exc:
        result = {"ready": False, "problem": str(exc)}
    else:
        result = {"ready": True, "database": where, "ms": round((time.monotonic() - start) * 1000)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif result["ready"]:
        print(f"ready: {result['database']} answered in {result['ms']} ms")
    else:
        print(f"not ready: {result['problem']}", file=sys.stderr)
    return EXIT_OK if result["ready"] else EXIT_INVALID


def cmd_export_records(args: argparse.Namespace) -> int:
    from framework.records import export_records

    with open_store(args.database) as store:
        report = export_records(store, Path(args.output), signed_off_only=args.signed_off, lang=args.lang)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(
            f"{args.output}: {len(report.exported)} exported, {len(report.unchanged)} unchanged, "
            f"{report.total} in the manifest"
        )
    return EXIT_OK


def register(add, *, person: argparse.ArgumentParser, as_json: argparse.ArgumentParser) -> None:
    """Add the commands to ``ipcei db`` (``add`` is :func:`framework.cli.db.register`'s helper)."""
    p = add("backup", "a consistent backup of the database while it is in use", cmd_backup, [])
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the backup file to write")

    add("ping", "readiness: does the database answer, with this program's schema? (exit 0 or 1)", cmd_ping, [as_json])


def register_records(parser: argparse.ArgumentParser) -> None:
    """The ``--all`` form of ``ipcei db export``: the records export (see docs/records.md)."""
    parser.add_argument("--all", action="store_true", help="records export of all assessments into -o FOLDER")
    parser.add_argument("--signed-off", action="store_true", help="with --all: only signed-off assessments")
    parser.add_argument("--lang", choices=["nl", "en"], help="with --all: language of the advice PDFs")
