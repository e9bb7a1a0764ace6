"""``ipcei upgrade ID --to VERSION``: move a stored assessment to another framework version, explicitly.

Registered through :data:`framework.cli.main.COMMAND_MODULES`. The plan (new, changed and dropped questions,
answers that cannot be carried over) is printed first; ``--dry-run`` stops there. Exit 0 on success, 1 when
the version is unknown or the assessment is signed off (make a new version first), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json

from framework.cli.db import _name, default_user

EXIT_OK = 0
_CHANGES = {
    "title": "title",
    "text": "question text",
    "guidance": "guidance",
    "footnote": "footnote",
    "fields": "fields",
}


def print_plan(plan) -> None:
    print(f"from {plan.source} to {plan.target}")
    if plan.note is not None:
        print(f"note: {plan.note('nl')}")
    print(f"new ({len(plan.new)}):")
    for q in plan.new:
        print(f"  + {q.id}  {q.label('nl')}")
    print(f"changed ({len(plan.changed)}):")
    for q in plan.changed:
        print(f"  ~ {q.id}  {q.label('nl')}  [{', '.join(_CHANGES[c] for c in q.changes)}]")
    print(f"dropped ({len(plan.dropped)}):")
    for q in plan.dropped:
        print(f"  - {q.id}  {q.label('nl')}")
    print(f"answers carried over: {len(plan.carried)}")
    for ref, why in plan.lost:
        print(f"  not carried over: {ref}: {why}")


def cmd_upgrade(args: argparse.Namespace) -> int:
    from framework import upgrade, versions
    from framework.store import open_store

    with open_store(args.database) as store:
        assessment_id = store.resolve(args.id)
        record = store.get(assessment_id)
        ref = record.assessment.framework
        target = versions.require(ref.id, args.to)
        the_plan = upgrade.plan(record.assessment, store.framework_for(record), target)
        if args.json:
            print(json.dumps({**the_plan.as_dict(), "dry_run": args.dry_run}, ensure_ascii=False, indent=2))
        else:
            print_plan(the_plan)
        if args.dry_run:
            return EXIT_OK
        saved, _ = upgrade.upgrade(store, assessment_id, target, args.by)
    if not args.json:
        print(f"upgraded {assessment_id} to {target.key} (revision {saved.revision})")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("upgrade", help="move a stored assessment to another framework version (shows the plan first)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--to", required=True, metavar="VERSION", help="the framework version to move to")
    p.add_argument("--dry-run", action="store_true", help="only show what would change")
    p.add_argument("--json", action="store_true", help="the plan as JSON")
    p.add_argument("--database", metavar="URL", help="database URL (default: IPCEI_DATABASE_URL, else data/ipcei.db)")
    p.add_argument("--by", metavar="NAME", type=_name, default=default_user(), help="who acts (default: IPCEI_USER)")
    p.set_defaults(func=cmd_upgrade)
