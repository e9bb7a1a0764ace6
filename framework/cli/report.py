"""``ipcei render`` and ``ipcei extract``: the advice PDF from an assessment, and the assessment from the PDF.

Registered through :data:`framework.cli.COMMAND_MODULES`. Exit 0 on success, 1 on invalid input (one line per
problem), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from framework.assessment import Assessment
from framework.cli.db import default_user
from framework.errors import InputError, ReportError
from framework.formats import lowest_form
from framework.i18n import LANGUAGES, default_language
from framework.loading import load_assessment
from framework.models import Framework
from framework.yamlio import dump_yaml

EXIT_OK, EXIT_USAGE = 0, 2


def is_store_id(ref: str) -> bool:
    """An id (or its first characters) of a stored assessment rather than a file name."""
    return not Path(ref).exists() and re.fullmatch(r"[0-9a-fA-F]{4,32}", ref) is not None


def resolve_assessment(ref: str) -> tuple[Assessment, Framework]:
    """The assessment in a YAML or JSON file (a stored assessment is rendered by :func:`cmd_render` itself)."""
    path = Path(ref)
    if path.exists():
        return load_assessment(path)
    raise InputError.single(ref, "no such file (nor an assessment id in the store)")


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None


def cmd_render(args: argparse.Namespace) -> int:
    if not args.output and not args.html:
        print("ipcei render: give -o OUT.pdf and/or --html OUT.html", file=sys.stderr)
        return EXIT_USAGE
    from framework.report.render import ReportOptions, html_to_pdf, render_html

    if is_store_id(args.file):
        return _render_stored(args)
    assessment, framework = resolve_assessment(args.file)
    options = ReportOptions.of(args.lang or default_language(), include_guidance=not args.no_guidance)
    html = render_html(assessment, framework, options=options)
    if args.html:
        _write(args.html, html.encode("utf-8"))
        print(f"wrote {args.html}")
    if args.output:
        _write(args.output, html_to_pdf(html, assessment, lang=options.lang))
        print(f"wrote {args.output}")
    return EXIT_OK


def _render_stored(args: argparse.Namespace) -> int:
    """A stored assessment: with its parafenlijst, and signed when it is signed off and a key is configured."""
    from framework.advice import advice_pdf
    from framework.report.render import render_html
    from framework.store import open_store
    from framework.workflow import parafenlijst

    with open_store(args.database) as store:
        assessment_id = store.resolve(args.file)
        record = store.get(assessment_id)
        lang = args.lang or record.assessment.meta.language
        if args.html:
            sheet = parafenlijst(store, assessment_id)
            html = render_html(record.assessment, store.framework_for(record), lang=lang, signoff=sheet)
            _write(args.html, html.encode("utf-8"))
            print(f"wrote {args.html}")
        if args.output:
            _write(args.output, advice_pdf(store, assessment_id, lang=lang, sign=None))
            store.record_event(assessment_id, "exported", args.by or default_user(), {"file": args.output})
            print(f"wrote {args.output}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from framework.report.render import extract_assessment_file

    assessment = extract_assessment_file(args.file)
    content = lowest_form(assessment.model_dump(mode="json"))  # as hashed: /1 when it holds no /2 content
    as_json = args.json or (args.output or "").lower().endswith(".json")
    text = json.dumps(content, ensure_ascii=False, indent=2) + "\n" if as_json else dump_yaml(content)
    if args.output:
        _write(args.output, text.encode("utf-8"))
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="the advice as PDF/A-3b (and/or HTML), with the assessment embedded")
    p.add_argument("file", metavar="FILE|ID", help="assessment file (YAML or JSON), or the id of a stored one")
    p.add_argument("-o", "--output", metavar="OUT.pdf", help="write the PDF here")
    p.add_argument("--database", metavar="URL", help="for an id: database URL (default: IPCEI_DATABASE_URL/SQLite)")
    p.add_argument("--by", metavar="NAME", help="for an id: who exports, for the audit log (default: IPCEI_USER)")
    p.add_argument("--html", metavar="OUT.html", help="also (or only) write the HTML here")
    p.add_argument("--lang", choices=list(LANGUAGES), help="language of the fixed texts (default: IPCEI_LANG or nl)")
    p.add_argument("--no-guidance", action="store_true", help="leave out the guidance text of each question")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("extract", help="the assessment embedded in an advice PDF, as YAML (or JSON)")
    p.add_argument("file", metavar="ADVICE.pdf")
    p.add_argument("-o", "--output", metavar="FILE.yaml", help="write here (JSON if it ends in .json); default stdout")
    p.add_argument("--json", action="store_true", help="JSON instead of YAML")
    p.set_defaults(func=cmd_extract)
