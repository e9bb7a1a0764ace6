"""``ipcei next-phase ID --phase X`` and ``ipcei dossier ID``: the phases of an IPCEI dossier (framework.phases).

``next-phase`` starts the advice for the next phase from the dossier's latest signed-off assessment (answers
carried over); a phase that is not after the signed-off one is refused and nothing is stored. ``dossier`` lists
the assessments of the dossier with their phase, status and sign-off date. What changed since the signed-off
advice: ``ipcei compare ID --since-signed-off -o OUT.pdf``. Exit 0 on success, 1 when refused, 2 on a usage error.
"""

from __future__ import annotations

import argparse

from framework.assessment import terminal_text
from framework.cli.workflow import _actor, _who

EXIT_OK = 0


def cmd_next_phase(args: argparse.Namespace) -> int:
    from framework import phases
    from framework.store import open_store

    actor = _actor(args)
    with open_store(args.database) as store:
        record = phases.start_next_phase(store, store.resolve(args.id), actor, args.phase)
        link = store.phase_link(record.id)
        based_on = link.based_on if link else "?"
        print(f"{record.id}: {record.status}, phase {record.assessment.meta.phase}, started from {based_on}")
    return EXIT_OK


def cmd_dossier(args: argparse.Namespace) -> int:
    from framework.i18n import format_date
    from framework.localtime import to_local
    from framework.store import open_store

    with open_store(args.database) as store:
        dossier = store.dossier_of(store.resolve(args.id))
        print(f"dossier {terminal_text(dossier) or '-'}")
        for entry in store.dossier(dossier, include_archived=True):
            signed = format_date(to_local(entry.signed_off_at)) if entry.signed_off_at else "-"
            print(f"  {entry.id}  {entry.phase or '-':<16} {entry.status.value:<13} {signed:<10} ", end="")
            print(terminal_text(entry.title))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("next-phase", help="start the next phase of a dossier from its latest signed-off advice")
    _who(p, "author")
    p.add_argument("--phase", metavar="PHASE", help="the phase of the new advice (default: the next one)")
    p.set_defaults(func=cmd_next_phase)

    p = sub.add_parser("dossier", help="the assessments of the IPCEI dossier of an assessment, by phase")
    p.add_argument("id", metavar="ID", help="an assessment of the dossier (or its first characters)")
    p.add_argument("--database", metavar="URL", help="database URL (default: IPCEI_DATABASE_URL or SQLite)")
    p.set_defaults(func=cmd_dossier)
