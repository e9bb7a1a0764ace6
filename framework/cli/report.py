"""``ipcei render`` and ``ipcei extract``: the advice PDF from an assessment, and the assessment from the PDF.

Registered through :data:`framework.cli.COMMAND_MODULES`. Exit 0 on success, 1 on invalid input (one line per
problem), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from framework.assessment import Assessment, terminal_text
from framework.cli.output import json_text, write_file
from framework.errors import InputError
from framework.formats import lowest_form
from framework.i18n import LANGUAGES, default_language, t
from framework.models import Framework
from framework.yamlio import dump_yaml

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def is_store_id(ref: str) -> bool:
    """An id (or its first characters) of a stored assessment rather than a file name."""
    return not Path(ref).exists() and re.fullmatch(r"[0-9a-fA-F]{4,32}", ref) is not None


def resolve_assessment(ref: str) -> tuple[Assessment, Framework]:
    """The assessment in a YAML or JSON file (a stored assessment is rendered by :func:`cmd_render` itself)."""
    path = Path(ref)
    if path.exists():
        from framework import versions

        return versions.load_assessment(path)
    raise InputError.single(ref, "no such file (nor an assessment id in the store)")


def output_kind(output: str) -> str | None:
    """``pdf`` or ``docx`` by the extension of ``-o`` (a folder: PDF unless ``--docx``); None for another one."""
    suffix = Path(output).suffix.lower()
    return {".pdf": "pdf", ".docx": "docx"}.get(suffix)


def output_path(output: str, assessment: Assessment, kind: str, variant: str, lang: str, revision: int | None) -> str:
    """``-o`` as given, or inside that folder the name :func:`framework.report.filename.advice_filename` gives."""
    from framework.report.filename import advice_filename

    if output.endswith(("/", "\\")) or Path(output).is_dir():
        name = advice_filename(assessment, kind=kind, revision=revision, variant=variant, lang=lang)
        return str(Path(output) / name)
    return output


def cmd_render(args: argparse.Namespace) -> int:
    if not args.output and not args.html:
        print("ipcei render: give -o OUT.pdf, -o OUT.docx or -o FOLDER/, and/or --html OUT.html", file=sys.stderr)
        return EXIT_USAGE
    is_folder = bool(args.output) and (args.output.endswith(("/", "\\")) or Path(args.output).is_dir())
    kind = ("docx" if args.docx else "pdf") if is_folder else output_kind(args.output) if args.output else "pdf"
    if kind is None:
        print("ipcei render: -o must end in .pdf or .docx, or be a folder", file=sys.stderr)
        return EXIT_USAGE
    if args.variant != "advies" and kind != "docx":
        print("ipcei render: --variant beslisnota is a Word document; use -o OUT.docx", file=sys.stderr)
        return EXIT_USAGE
    from framework.report.render import ReportOptions, render_html, render_pdf

    if is_store_id(args.file):
        return _render_stored(args, kind)
    assessment, framework = resolve_assessment(args.file)
    # A file has no sign-off in a store: whatever status it claims, it is printed as a concept (CONCEPT watermark).
    options = ReportOptions.of(args.lang or default_language(), include_guidance=not args.no_guidance, from_file=True)
    if args.html:
        write_file(args.html, render_html(assessment, framework, options=options).encode("utf-8"))
        print(f"wrote {args.html}")
    if args.output:
        target = output_path(args.output, assessment, kind, args.variant, options.lang, None)
        if kind == "docx":
            from framework.report.docx import render_docx

            guidance = options.include_guidance
            variant = args.variant
            data = render_docx(assessment, framework, lang=options.lang, include_guidance=guidance, variant=variant)
        else:
            data = render_pdf(assessment, framework, options=options)
        write_file(target, data)
        print(f"wrote {target}")
    return EXIT_OK


def _render_stored(args: argparse.Namespace, kind: str) -> int:
    """A stored assessment: with its parafenlijst, and signed when it is signed off and a key is configured."""
    from framework.advice import advice_document
    from framework.cli.db import default_user
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
            write_file(args.html, html.encode("utf-8"))
            print(f"wrote {args.html}")
        if args.output:
            target = output_path(args.output, record.assessment, kind, args.variant, lang, record.revision)
            by = args.by or default_user()
            data = advice_document(store, assessment_id, lang=lang, sign=None, kind=kind, variant=args.variant, by=by)
            write_file(target, data)
            store.record_event(assessment_id, "exported", by, {"file": target})
            print(f"wrote {terminal_text(target)}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from framework.cli.workflow import verdict_of
    from framework.i18n import default_language
    from framework.report.render import extract_assessment_file

    verdict = verdict_of(args.file, trust=args.trust, use_store=args.store, database=args.database)
    if not verdict.in_order:
        lang = default_language()
        print(f"{terminal_text(args.file)}: {verdict.headline.text(lang)}", file=sys.stderr)
        for line in verdict.lines(lang):
            print(f"  - {line}", file=sys.stderr)
        if not args.force:
            print(t("verify_extract_refused", lang), file=sys.stderr)
            if verdict.status == "vastgesteld" and not verdict.store_checked and not verdict.damage:
                # says it is signed off and is unchanged, but nothing confirmed it: the store may
                print(t("newuser_extract_try_store", lang), file=sys.stderr)
            return EXIT_INVALID
        print(t("verify_extract_forced", lang), file=sys.stderr)
    assessment = extract_assessment_file(args.file)
    content = lowest_form(assessment.model_dump(mode="json"))  # as hashed: /1 when it holds no /2 content
    as_json = args.json or (args.output or "").lower().endswith(".json")
    text = json_text(content) + "\n" if as_json else dump_yaml(content)
    if args.output:
        write_file(args.output, text.encode("utf-8"))
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="the advice as PDF/A-3b or Word (and/or HTML), from a file or the store")
    p.add_argument("file", metavar="FILE|ID", help="assessment file (YAML or JSON), or the id of a stored one")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.pdf|OUT.docx|FOLDER/",
        help="write the PDF (.pdf) or Word document (.docx) here; a folder: named by case, revision and status",
    )
    p.add_argument("--docx", action="store_true", help="with -o FOLDER/: write Word instead of PDF")
    p.add_argument(
        "--variant",
        choices=["advies", "beslisnota"],
        default="advies",
        help="Word only: the whole advice (default) or a beslisnota (Advies, Kernpunten, Toelichting, Bijlage)",
    )
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
    p.add_argument("--force", action="store_true", help="extract also from a PDF that is not in order (with a warning)")
    p.add_argument("--trust", action="append", metavar="CERT", help="a certificate (PEM/DER) to trust; repeatable")
    p.add_argument("--store", action="store_true", help="check the PDF against the store (like ipcei verify --store)")
    p.add_argument("--database", metavar="URL", help="database URL (implies --store)")
    p.set_defaults(func=cmd_extract)
