"""``ipcei compare``: two to six assessments side by side, as a PDF or a CSV (see docs/compare.md).

Each ``REF`` is an assessment file (YAML or JSON, or an advice PDF made by ``ipcei render``), or the id of an
assessment in the store (``--database URL``, else ``IPCEI_DATABASE_URL``, else the SQLite file under
``IPCEI_DATA_DIR``), shortened to its first characters (at least 4) when unambiguous, optionally with a
revision: ``ID@3``. Exit 0 on success, 1 on invalid input or an unknown id, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from framework import versions
from framework.cli.output import write_file
from framework.compare.sides import MAX_SUBJECTS, MIN_SUBJECTS, Subject, build
from framework.errors import InputError, IpceiError, Problem
from framework.i18n import LANGUAGES, default_language
from framework.loading import find_framework

EXIT_OK, EXIT_USAGE = 0, 2
_STORE_REF = re.compile(r"^(?P<id>[0-9a-fA-F]{4,32})(?:@(?P<revision>[1-9][0-9]{0,8}))?$")


class _Stores:
    """The store, opened only when a reference is not a file, and once."""

    def __init__(self, url: str | None):
        self.url = url
        self.opened: Any = None

    def get(self) -> Any:
        if self.opened is None:
            from framework.store import open_store

            self.opened = open_store(self.url)
        return self.opened

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()


def resolve(ref: str, stores: _Stores) -> Subject:
    """The assessment ``ref`` names: a file if one exists there, else an id (``ID`` or ``ID@REVISION``)."""
    path = Path(ref)
    if path.is_file():
        if path.suffix.lower() == ".pdf":
            from framework.report.render import extract_assessment_file

            assessment = extract_assessment_file(path)
            framework = find_framework(assessment.framework.id, assessment.framework.version)
            if framework is None:  # extract_assessment validated against it, so it exists
                raise InputError.single(ref, f"the framework {assessment.framework.key} is not available")
            return Subject(assessment, framework, ref=ref)
        assessment, framework = versions.load_assessment(path)
        return Subject(assessment, framework, ref=ref)
    match = _STORE_REF.match(ref)
    if match is None:
        raise InputError.single(ref, "no such file, and not an assessment id (4 to 32 characters 0-9, a-f)")
    store = stores.get()
    assessment_id = store.resolve(match["id"])
    record = store.get(assessment_id)
    framework = store.framework_for(record)
    if match["revision"] is None:
        return Subject(record.assessment, framework, ref=assessment_id, revision=record.revision)
    number = int(match["revision"])
    assessment = store.revision(assessment_id, number)
    framework = store.framework_of_revision(assessment_id, number)
    return Subject(assessment, framework, ref=assessment_id, revision=number)


def _since_signed_off(args: argparse.Namespace) -> tuple[list[Subject], Any]:
    """The signed-off advice the one stored assessment follows, and the assessment: the subjects and the changes."""
    from framework import phases

    stores = _Stores(args.database)
    try:
        store = stores.get()
        record = store.get(store.resolve(args.refs[0]))
        ref = phases.reference(store, record)
        if ref is None:
            why = "follows no signed-off advice (no earlier phase or version signed off)"
            raise InputError.single(args.refs[0], why)
        found = phases.changes_since(store, record, args.lang or default_language(), ref)
        current = Subject(record.assessment, store.framework_for(record), ref=record.id, revision=record.revision)
    finally:
        stores.close()
    base = Subject(ref.assessment, ref.framework, ref=ref.id, revision=ref.revision)
    return [base, current], found


def cmd_compare(args: argparse.Namespace) -> int:
    if args.since_signed_off and len(args.refs) != 1:
        print("ipcei compare: --since-signed-off takes one stored assessment (ID)", file=sys.stderr)
        return EXIT_USAGE
    if not args.since_signed_off and not MIN_SUBJECTS <= len(args.refs) <= MAX_SUBJECTS:
        print(
            f"ipcei compare: give {MIN_SUBJECTS} to {MAX_SUBJECTS} assessments, not {len(args.refs)}", file=sys.stderr
        )
        return EXIT_USAGE
    if args.output is None and not args.json:
        print("ipcei compare: give -o OUT.pdf|OUT.csv, or --json for the comparison as JSON on stdout", file=sys.stderr)
        return EXIT_USAGE
    kind = Path(args.output).suffix.lower().lstrip(".") if args.output else "json"
    if args.output == "-":
        kind = "csv"
    if args.output == "-" and args.json:
        print("ipcei compare: --json writes to stdout; give -o a file (or leave it out)", file=sys.stderr)
        return EXIT_USAGE
    if kind not in ("pdf", "csv", "json"):
        print("ipcei compare: the output must end in .pdf or .csv (or be - for CSV on stdout)", file=sys.stderr)
        return EXIT_USAGE
    since = None
    if args.since_signed_off:
        subjects, since = _since_signed_off(args)
        return _write(args, kind, build(subjects, lang=args.lang or default_language()), since)
    stores = _Stores(args.database)
    problems = []
    subjects = []
    try:
        for ref in args.refs:
            try:
                subjects.append(resolve(ref, stores))
            except InputError as exc:
                problems += exc.problems
            except IpceiError as exc:  # an unknown or ambiguous id, a database that cannot be opened
                problems.append(Problem(source=ref, line=None, field="id", message=str(exc)))
        if problems:
            raise InputError(problems)
    finally:
        stores.close()
    return _write(args, kind, build(subjects, lang=args.lang or default_language()), since)


def _write(args: argparse.Namespace, kind: str, comparison: Any, since: Any) -> int:
    """Write the comparison; with ``since`` (a ``framework.compare.since.Since``) print it and put it in the PDF.

    With ``--json`` the comparison (and ``since``) goes to stdout as JSON and every other line to stderr.
    """
    from framework.assessment import terminal_text
    from framework.compare.export import render_pdf, to_csv, to_csv_bytes
    from framework.compare.sections import register_counts
    from framework.i18n import t
    from framework.report.phase_view import since_block

    if args.output == "-":
        sys.stdout.write(to_csv(comparison, only_differences=args.only_differences))
        return EXIT_OK
    say = sys.stderr if args.json else sys.stdout
    if since is not None and not args.json:
        print("\n".join(terminal_text(line) for line in since.lines()))
    if args.json:
        from framework.cli.output import json_text
        from framework.compare.data import comparison_data

        data = comparison_data(comparison)
        if since is not None:
            data["since"] = since.lines()
        print(json_text(data))
        if kind == "json":
            return EXIT_OK
    if kind == "csv":
        data = to_csv_bytes(comparison, only_differences=args.only_differences)
    else:
        block = since_block(since) if since is not None else None
        data = render_pdf(comparison, only_differences=args.only_differences, since=block)
    write_file(args.output, data)
    summary = comparison.summary
    print(f"wrote {args.output} ({summary.different} of {summary.questions} questions differ)", file=say)
    if comparison.register:
        print(terminal_text(t("evid_summary", comparison.lang, **register_counts(comparison.register))), file=say)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="two to six assessments side by side, as PDF (landscape) or CSV",
        description="Compare two to six assessments: files (YAML, JSON, advice PDF) or store ids (ID or ID@REV).",
    )
    p.add_argument("refs", nargs="+", metavar="ID|FILE", help="an assessment file, or a store id (ID or ID@REVISION)")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.pdf|OUT.csv",
        help="the file to write (- for CSV on stdout); may be left out with --json",
    )
    p.add_argument("--json", action="store_true", help="the comparison as JSON on stdout (with the evidence register)")
    p.add_argument(
        "--lang", choices=list(LANGUAGES), help="language of labels and fixed texts (default: IPCEI_LANG or nl)"
    )
    p.add_argument("--only-differences", action="store_true", help="leave out what all assessments agree on")
    p.add_argument(
        "--since-signed-off",
        action="store_true",
        help="one stored ID against the signed-off advice it follows: what changed since (printed, and in the PDF)",
    )
    p.add_argument("--database", metavar="URL", help="the store (default: IPCEI_DATABASE_URL, else data/ipcei.db)")
    p.set_defaults(func=cmd_compare)
