"""The ``ipcei`` command: the same functions as the app, without the UI.

Exit codes: 0 success, 1 invalid input (one ``FILE:LINE: field: message`` line per problem), 2 usage error.
Further command groups (``db``, ``render`` ...) register themselves through :data:`COMMAND_MODULES` and name their
commands in :data:`COMMANDS`, so that running one imports only its own module (and a module imports the heavy
layers, database or PDF, inside the functions that need them: see ``tests/test_cli_imports.py``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from framework.assessment import terminal_text
from framework.cli.output import json_text, safe_output
from framework.errors import InputError, IpceiError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Modules with a ``register(subparsers)`` function that add their own sub-commands.
COMMAND_MODULES: list[str] = [
    "framework.cli.db",
    "framework.cli.report",
    "framework.cli.compare",
    "framework.cli.workflow",
    "framework.cli.versions",
    "framework.cli.portfolio",
    "framework.cli.phases",
    "framework.cli.migrate",
]
# Which module registers which command: a command runs with only its own module imported (no database layer
# for a file render, no WeasyPrint for validate). A command not named here makes every module load, so a new
# command works before it is listed; tests/test_cli_imports.py checks that the list matches the modules.
COMMANDS: dict[str, str] = {
    "db": "framework.cli.db",
    **dict.fromkeys(["render", "extract"], "framework.cli.report"),
    "compare": "framework.cli.compare",
    "upgrade": "framework.cli.versions",
    "portfolio": "framework.cli.portfolio",
    **dict.fromkeys(["next-phase", "dossier"], "framework.cli.phases"),
    "migrate": "framework.cli.migrate",
    **dict.fromkeys(
        ["submit", "review", "signoff", "withdraw", "new-version", "file", "sign", "verify", "demo-key"],
        "framework.cli.workflow",
    ),
}
CORE = ("validate", "check", "schema")  # defined here, they need no command module


def cmd_validate(args: argparse.Namespace) -> int:
    """Framework files first, then the assessments: those that name a framework given here are checked against it."""
    from framework import versions
    from framework.loading import kind_of, validate_file
    from framework.yamlio import read_file

    failed, given = False, []
    kinds = {}
    for name in args.files:
        try:
            kinds[name] = kind_of(read_file(name)[0])
        except InputError:
            kinds[name] = "unknown"
    ordered = [n for n in args.files if kinds[n] == "framework"] + [n for n in args.files if kinds[n] != "framework"]
    for name in ordered:
        try:
            if kinds[name] == "assessment":
                versions.load_assessment(name, extra=given)
                kind = "assessment"
            else:
                kind, found = validate_file(name)
                if kind == "framework":
                    if problem := versions.version_problem(name, found):
                        raise problem
                    given.append(found)
        except InputError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        if not args.quiet:
            print(f"{name}: valid {kind}")
    return EXIT_INVALID if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from framework import versions
    from framework.i18n import t
    from framework.rules import check

    assessment, framework = versions.load_assessment(args.file)
    result = check(framework, assessment)
    if args.json:
        print(json_text(result.as_dict(args.lang)))
        return EXIT_OK
    lang = args.lang or assessment.meta.language
    print(f"{args.file}: {terminal_text(assessment.meta.title)}")
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
        print(f"  {deviation.question}.{deviation.field}: {terminal_text(deviation.sentence(lang))}")
    if result.coverage is not None:
        from framework.criteria.coverage import summary_lines

        print("\n" + "\n".join(summary_lines(result.coverage, lang)))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from framework.schema import SCHEMA_DIR, assessment_schema, schemas, write_schemas

    if args.write:
        for path in write_schemas(Path(args.dir) if args.dir else SCHEMA_DIR):
            print(f"wrote {path}")
        return EXIT_OK
    if args.version and args.which == "assessment":
        from framework import versions

        schema = assessment_schema(versions.schema_framework(args.version))
    else:
        schema = schemas()[args.which]
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given the command to run, only with that command's module."""
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
    p.add_argument("--write", action="store_true", help="write all schemas to schema/")
    p.add_argument("--version", metavar="V", help="the assessment schema of this framework version (default: current)")
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_schema)

    if command in CORE:
        modules: list[str] = []
    elif command in COMMANDS:
        modules = [COMMANDS[command]]
    else:
        modules = COMMAND_MODULES
    for module_name in modules:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from framework import logs

    logs.configure()  # events on stderr at IPCEI_LOG_LEVEL (default WARNING: none)
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    from framework import versions

    versions.use_store_copies()  # a version no file holds is read from the database, when one is configured
    try:
        with safe_output():
            return _run(func, args)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except IpceiError as exc:
        print(f"ipcei: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
