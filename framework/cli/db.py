"""``ipcei db …``: the store on the command line (see docs/storage.md).

The database is ``--database URL``, else ``IPCEI_DATABASE_URL``, else the SQLite file under ``IPCEI_DATA_DIR``.
Where a person acts, ``--by NAME`` names them (default: ``IPCEI_USER``, else the login name). An id may be
shortened to its first characters (at least 4) when that is unambiguous.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from framework import search
from framework.assessment import Assessment, Status, terminal_text
from framework.cli.output import json_text
from framework.errors import InputError
from framework.formats import lowest_form
from framework.i18n import default_language, t
from framework.imports import MAX_PDF_BYTES, import_bytes
from framework.loading import default_framework
from framework.store import DuplicateImportError, ListQuery, Store, open_store
from framework.store.records import SORT_KEYS
from framework.yamlio import dump_yaml

EXIT_OK, EXIT_INVALID = 0, 1


def default_user() -> str:
    name = os.environ.get("IPCEI_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        return ""


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.database)


def _id(store: Store, given: str) -> str:
    return store.resolve(given)


def _print_json(data: Any) -> None:
    print(json_text(data))


def _document(assessment: Assessment, as_json: bool) -> str:
    data = lowest_form(assessment.model_dump(mode="json"))  # as hashed: /1 when it holds no /2 content
    return json_text(data) + "\n" if as_json else dump_yaml(data)


def cmd_import(args: argparse.Namespace) -> int:
    failed = False
    with _store(args) as store:
        for name in args.files:
            path = Path(name)
            try:
                if not path.is_file():
                    raise InputError.single(name, "no such file")
                size = path.stat().st_size
                if size > MAX_PDF_BYTES:
                    raise InputError.single(name, f"file is {size:,} bytes; too large to import".replace(",", "."))
                record = import_bytes(store, path.read_bytes(), name, args.by)
            except InputError as exc:
                failed = True
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                continue
            except DuplicateImportError as exc:
                failed = True
                print(exc, file=sys.stderr)
                continue
            except OSError as exc:
                failed = True
                print(f"{name}: cannot be read ({exc.strerror})", file=sys.stderr)
                continue
            title = terminal_text(record.assessment.meta.title)
            print(f"{name}: imported as {record.id} ({title}); {_status_note(store, record)}")
    return EXIT_INVALID if failed else EXIT_OK


def _status_note(store: Store, record: Any) -> str:
    """The stored status, and the one the file claimed when it differs (status comes only from a sign-off)."""
    entries = [e for e in store.audit(record.id, limit=5) if e.action == "imported"]
    claimed = str(entries[0].detail.get("claimed_status", "")) if entries else ""
    if record.status is Status.VASTGESTELD:
        return f"status {record.status.value} (signed by a trusted signer: {entries[0].detail.get('signed_by', '?')})"
    if claimed and claimed != record.status.value:
        return f"status {record.status.value} (the file claimed {claimed}; only a sign-off in this store sets it)"
    return f"status {record.status.value}"


def cmd_list(args: argparse.Namespace) -> int:
    query = ListQuery(
        status=args.status,
        ecosystem=args.ecosystem,
        phase=args.phase,
        advice=args.advice,
        author=args.author,
        year=args.year,
        text=args.text,
        include_archived=args.all,
        archived_only=args.archived,
        sort=args.sort,
        descending=not args.ascending,
        offset=args.offset,
        limit=args.limit,
    )
    with _store(args) as store:
        page = store.list(query)
        hits = store.search_hits([s.id for s in page.items], args.text) if args.text else {}
    if note := search.feedback(args.text):
        print(t(note, count=search.MAX_TERMS), file=sys.stderr)
    if args.json:
        items = [
            {**s.as_dict(), "matches": [{"part": h.part, "snippet": h.snippet} for h in hits.get(s.id, [])]}
            for s in page.items
        ]
        _print_json({"total": page.total, "offset": page.offset, "items": items})
        return EXIT_OK
    framework, lang = default_framework(), default_language()
    # columns as wide as the longest id shown (ids are what --ecosystem and --advice take: never cut one short)
    eco_width = max([18, *(len(s.ecosystem) for s in page.items)])
    advice_width = max([9, *(len(s.advice or "-") for s in page.items)])
    for s in page.items:
        mark = " [archived]" if s.archived else ""
        print(
            f"{s.id[:12]}  {s.status.value:<13} {s.updated_at:%Y-%m-%d}  {s.ecosystem:<{eco_width}} "
            f"{(s.advice or '-'):<{advice_width}} {terminal_text(s.title)}{mark}"
        )
        for hit in hits.get(s.id, []):
            where = search.part_label(hit.part, framework, lang)
            print(f"              {terminal_text(where)}: {terminal_text(hit.snippet)}")
    shown = f"{page.offset + 1}-{page.offset + len(page.items)}" if page.items else "none"
    print(f"({shown} of {page.total})")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get(_id(store, args.id))
    if args.json:
        _print_json(record.as_dict())
        return EXIT_OK
    meta = record.assessment.meta
    rows = [
        ("id", record.id),
        ("title", meta.title),
        ("ipcei", meta.ipcei),
        ("status", record.status.value + (" (archived)" if record.archived else "")),
        ("ecosystem", meta.ecosystem),
        ("phase", meta.phase),
        ("advice", record.assessment.value("q14", "advice") or "-"),
        ("author", meta.author),
        ("framework", record.framework_key),
        ("revision", str(record.revision)),
        ("created", f"{record.created_at:%Y-%m-%d %H:%M} UTC by {record.created_by}"),
        ("updated", f"{record.updated_at:%Y-%m-%d %H:%M} UTC by {record.updated_by}"),
        ("content hash", record.content_hash),
    ]
    for label, value in rows:
        print(f"{label + ':':<14}{terminal_text(value)}")
    if args.document:
        print()
        print(_document(record.assessment, as_json=False), end="")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.all:
        from framework.cli.db_admin import cmd_export_records

        return cmd_export_records(args)
    if args.id is None or args.signed_off or args.lang:
        print("ipcei db export: give an ID, or --all for the records export (--signed-off, --lang)", file=sys.stderr)
        return 2
    with _store(args) as store:
        aid = _id(store, args.id)
        as_json = args.output.lower().endswith(".json")
        assessment = store.export(aid, revision=args.revision)
        text = _document(assessment, as_json)
        if args.output == "-":
            sys.stdout.write(text)
        else:
            target = Path(args.output)
            partial = target.with_name(f".{target.name}.partial")
            try:
                partial.write_text(text, encoding="utf-8")
                partial.replace(target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise InputError.single(args.output, f"cannot be written ({exc.strerror})") from None
        detail = {"revision": args.revision, "file": Path(args.output).name, "format": "json" if as_json else "yaml"}
        store.record_event(aid, "exported", args.by, detail)
    if args.output != "-":
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        history = store.history(_id(store, args.id))
    if args.json:
        _print_json([r.as_dict() for r in history])
        return EXIT_OK
    for r in history:
        when = f"{r.at:%Y-%m-%d %H:%M:%S} UTC"
        print(f"#{r.number:<4} {when}  {r.kind:<15} {r.status.value:<13} {r.hash[:16]}  {terminal_text(r.by)}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entries = store.audit(_id(store, args.id) if args.id else None, limit=args.limit)
    if args.json:
        _print_json([e.as_dict() for e in entries])
        return EXIT_OK
    for e in entries:
        target = f"{e.assessment_id[:12]}" + (f" #{e.revision}" if e.revision else "") if e.assessment_id else "-"
        print(f"{e.seq:>6}  {e.at:%Y-%m-%d %H:%M:%S} UTC  {e.action:<15} {target:<18} {terminal_text(e.by)}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    with _store(args) as store:
        problems = store.verify()
        counts = store.row_counts()
        last = store.audit(limit=1)
    anchor = {"seq": last[0].seq, "hash": last[0].hash} if last else {"seq": 0, "hash": ""}
    if args.json:
        _print_json({"intact": not problems, "problems": problems, "counts": counts, "audit_head": anchor})
    else:
        for problem in problems:
            print(problem)
        state = f"{len(problems)} problem(s) found" if problems else "intact"
        print(
            f"{state}: {counts['assessments']} assessments, {counts['revisions']} revisions, "
            f"{counts['audit_log']} audit entries, {counts['signoffs']} sign-offs; "
            f"last audit entry #{anchor['seq']} {anchor['hash']}",
            file=sys.stderr if problems else sys.stdout,
        )
    return EXIT_INVALID if problems else EXIT_OK


def _act(args: argparse.Namespace, verb: str) -> int:
    if verb == "restore" and Path(args.id).is_file():  # `ipcei db restore FILE`: a backup into an empty database
        from framework.cli.db_admin import cmd_restore

        args.file = args.id
        return cmd_restore(args)
    with _store(args) as store:
        aid = _id(store, args.id)
        record = getattr(store, verb)(aid, args.by)
    messages = {
        "duplicate": f"created {record.id} from {aid}",
        "archive": f"archived {aid}",
        "restore": f"restored {aid}",
    }
    print(messages[verb])
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from framework.store.migrations import schema_version

    with _store(args) as store:
        version = schema_version(store.engine)
        counts = store.row_counts()
        info = {"database": store.where, "backend": store.backend, "schema_version": version, "counts": counts}
    if args.json:
        _print_json(info)
    else:
        print(f"database:       {info['database']}")
        print(f"schema version: {version}")
        for name, count in counts.items():
            print(f"{name + ':':<16}{count}")
    return EXIT_OK


def _name(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("a name is required (set IPCEI_USER or give --by NAME)")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ipcei db`` and its sub-commands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database", metavar="URL", help="database URL (default: IPCEI_DATABASE_URL, else data/ipcei.db)"
    )
    person = argparse.ArgumentParser(add_help=False)
    person.add_argument(
        "--by", metavar="NAME", type=_name, default=default_user(), help="who acts (default: IPCEI_USER or login)"
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="machine-readable output")

    db = sub.add_parser("db", help="the assessment database: import, list, show, export, history, verify …")
    commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str, func, parents: list) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, parents=[common, *parents])
        parser.set_defaults(func=func)
        return parser

    p = add("import", "import assessment files (YAML, JSON or an advice PDF)", cmd_import, [person])
    p.add_argument("files", nargs="+", metavar="FILE")

    p = add("list", "list assessments (newest first)", cmd_list, [as_json])
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--ecosystem", metavar="ID")
    p.add_argument("--phase", metavar="ID")
    p.add_argument("--advice", metavar="ID", help="the advice of question 14, e.g. deelnemen")
    p.add_argument("--author", help="part of the author's name (any case, accents ignored)")
    p.add_argument("--year", type=int)
    p.add_argument(
        "--text", help="words in anything written (answers, sources, names ...), all of them, accents ignored"
    )
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--all", action="store_true", help="include archived assessments")
    shown.add_argument("--archived", action="store_true", help="only archived assessments")
    p.add_argument("--sort", choices=SORT_KEYS, default="updated")
    p.add_argument("--ascending", action="store_true")
    p.add_argument("--limit", type=int, default=50, help="at most this many (1-500; default 50)")
    p.add_argument("--offset", type=int, default=0)

    p = add("show", "show one assessment", cmd_show, [as_json])
    p.add_argument("id", metavar="ID")
    p.add_argument("--document", action="store_true", help="also print the whole assessment as YAML")

    p = add("export", "an assessment to a YAML or JSON file; --all: the records for the archive", cmd_export,
            [person, as_json])  # fmt: skip
    p.add_argument("id", metavar="ID", nargs="?")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.yaml, FILE.json, - or (--all) FOLDER")
    p.add_argument("--revision", type=int, help="an earlier revision (default: the latest)")
    from framework.cli.db_admin import register_records

    register_records(p)

    p = add("history", "the revisions of an assessment", cmd_history, [as_json])
    p.add_argument("id", metavar="ID")

    p = add("audit", "the audit log (newest first), of one assessment or all", cmd_audit, [as_json])
    p.add_argument("id", metavar="ID", nargs="?")
    p.add_argument("--limit", type=int, default=200)

    add("verify", "recompute the hash chains of revisions and audit log, and check every sign-off", cmd_verify,
        [as_json])  # fmt: skip
    add("info", "database, schema version and row counts", cmd_info, [as_json])

    for verb, help_text in (
        ("duplicate", "a new assessment (concept) from an existing one"),
        ("archive", "archive an assessment (hidden from lists, no longer editable)"),
        ("restore", "restore an archived assessment (ID), or a backup FILE into an empty database"),
    ):
        p = add(verb, help_text, lambda args, verb=verb: _act(args, verb), [person])
        p.add_argument("id", metavar="ID" if verb != "restore" else "ID|FILE")

    from framework.cli import db_admin

    db_admin.register(add, person=person, as_json=as_json)
