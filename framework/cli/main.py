"""The ``ipcei`` command: the same functions as the app, without the UI.

Exit codes: 0 success, 1 invalid input (one ``FILE:LINE: field: message`` line per problem), 2 usage error.
Further command groups (``db``, ``render`` ...) register themselves through :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from framework.assessment import reveal_hidden
from framework.errors import InputError, IpceiError
from framework.i18n import t
from framework.loading import load_assessment, validate_file
from framework.rules import check
from framework.schema import SCHEMA_DIR, schemas, write_schemas

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Modules with a ``register(subparsers)`` function that add their own sub-commands.
COMMAND_MODULES: list[str] = [
    "framework.cli.db",
    "framework.cli.report",
    "framework.cli.compare",
    "framework.cli.workflow",
    "framework.cli.migrate",
]


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for name in args.files:
        try:
            kind, _ = validate_file(name)
        except InputError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        if not args.quiet:
            print(f"{name}: valid {kind}")
    return EXIT_INVALID if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    assessment, framework = load_assessment(args.file)
    result = check(framework, assessment)
    if args.json:
        print(json.dumps(result.as_dict(args.lang), ensure_ascii=False, indent=2))
        return EXIT_OK
    lang = args.lang or assessment.meta.language
    print(f"{args.file}: {reveal_hidden(assessment.meta.title)}")
    sections = (("Volledigheid", "Completeness"), ("Consistentie", "Consistency"))
    for (nl, en), findings in zip(sections, (result.completeness, result.consistency), strict=True):
        print(f"\n{en if lang == 'en' else nl}: {len(findings)}")
        for finding in findings:
            print(f"  [{finding.severity.value}] {', '.join(finding.questions)}: {finding.message(lang)}")
    print("\n" + ("Suggested conclusions:" if lang == "en" else "Voorgestelde conclusies:"))
    for suggestion in result.suggestions:
        print(f"  {suggestion.question}.{suggestion.field} = {suggestion.value}: {suggestion.explanation(lang)}")
        if (other := suggestion.alternative) is not None:
            print(f"    {t('checks_alternative_line', lang)}: {other.question}.{other.field} = {other.value}: ", end="")
            print(other.explanation(lang))
    print(f"\n{t('checks_deviations', lang)}: {len(result.deviations)}")
    for deviation in result.deviations:
        print(f"  {deviation.question}.{deviation.field}: {reveal_hidden(deviation.sentence(lang))}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.write:
        for path in write_schemas(Path(args.dir)):
            print(f"wrote {path}")
        return EXIT_OK
    print(json.dumps(schemas()[args.which], ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipcei", description="The IPCEI afwegingskader (Kamerstuk 29 826, nr. 147) on the command line."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="validate framework and assessment files (YAML or JSON)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("check", help="completeness, consistency and suggested conclusions of an assessment")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=["nl", "en"], help="language of the messages (default: the assessment's)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("schema", help="print or write the JSON Schemas of the file formats")
    p.add_argument("which", nargs="?", choices=["assessment", "framework"], default="assessment")
    p.add_argument("--write", action="store_true", help=f"write all schemas to {SCHEMA_DIR.name}/")
    p.add_argument("--dir", default=str(SCHEMA_DIR), help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_schema)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except IpceiError as exc:
        print(f"ipcei: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
