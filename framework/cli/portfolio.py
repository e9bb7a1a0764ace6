"""``ipcei portfolio``: all IPCEIs in the store per ecosystem and phase, as a PDF or a CSV (see the README).

The same figures as the app's Portefeuille page (:mod:`framework.portfolio`). ``--drafted-by NAME`` shows what
an author with that name sees in the app (only the assessments they drafted). Exit 0 on success, 1 on invalid
input (a year out of range, an unknown status), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framework.cli.output import write_file
from framework.i18n import LANGUAGES, default_language

EXIT_OK, EXIT_USAGE = 0, 2


def cmd_portfolio(args: argparse.Namespace) -> int:
    kind = "csv" if args.output == "-" else Path(args.output).suffix.lower().lstrip(".")
    if kind not in ("pdf", "csv"):
        print("ipcei portfolio: the output must end in .pdf or .csv (or be - for CSV on stdout)", file=sys.stderr)
        return EXIT_USAGE
    from framework.identity import visible_query
    from framework.portfolio import build, parse_filter
    from framework.portfolio.export import render_pdf, to_csv, to_csv_bytes
    from framework.store import open_store
    from framework.workflow import Role

    chosen = parse_filter(args.year, args.status, args.all)  # InputError: exit 1 with the problem
    query = chosen.list_query()
    if args.drafted_by is not None:
        query = visible_query(query, [Role.AUTHOR], args.drafted_by)
    lang = args.lang or default_language()
    parts = ("cells", "ipceis", "timeline") if kind == "pdf" else (args.table,)
    with open_store(args.database) as store:
        portfolio = build(store, chosen, query, parts=parts)
    if args.output == "-":
        sys.stdout.write(to_csv(portfolio, lang, args.table, newline="\n"))
        return EXIT_OK
    data = to_csv_bytes(portfolio, lang, args.table) if kind == "csv" else render_pdf(portfolio, lang)
    write_file(args.output, data)
    total = portfolio.total
    print(f"wrote {args.output} ({total.ipceis} IPCEIs in {len(portfolio.cells)} ecosystem and phase groups)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "portfolio",
        help="all IPCEIs per ecosystem and phase: amounts, advice, timeline (PDF or CSV)",
        description="The portfolio of the store: per ecosystem and phase the IPCEIs (each by its latest "
        "assessment), national budget, aid requested and advice; the PDF adds one row per IPCEI and the timeline.",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.csv", help="the file to write (- for CSV)")
    p.add_argument(
        "--table",
        choices=["cells", "ipceis", "timeline"],
        default="cells",
        help="the CSV's table: per ecosystem and phase (default), per IPCEI, or the timeline",
    )
    p.add_argument("--year", metavar="YYYY", help="only assessments of this year (of meta.created; 2014-2060)")
    p.add_argument("--status", metavar="STATUS", help="only assessments with this status, e.g. vastgesteld")
    p.add_argument("--all", action="store_true", help="include archived assessments")
    p.add_argument("--drafted-by", metavar="NAME", help="only what this author drafted (what they see in the app)")
    p.add_argument("--lang", choices=list(LANGUAGES), help="language of labels (default: IPCEI_LANG or nl)")
    p.add_argument("--database", metavar="URL", help="the store (default: IPCEI_DATABASE_URL, else data/ipcei.db)")
    p.set_defaults(func=cmd_portfolio)
