"""``ipcei migrate FILE [-o OUT]``: write an assessment file in the current format (``ipcei-assessment/2``).

The per-answer ``sources`` of the questions (all a ``/1`` file has) move into the evidence register: one entry
of kind «bron» per distinct source (``S1``, ``S2`` …, never an id the register already uses), cited by every
question that listed it, and the per-answer fields are left out (``framework.evidence.move_sources``). That
changes the content and so its hash; ``--keep-sources`` writes the ``/2`` form with the sources left in place,
keeping the hash a sign-off names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from framework.formats import FORMAT


def migrated_data(path: str | Path, *, keep_sources: bool = False) -> dict[str, Any]:
    """The assessment in a file, validated against its own framework version and dumped in the current format,
    its per-answer sources moved into the register (unless ``keep_sources``: then the content, and so the
    content hash a sign-off names, stays the same)."""
    from framework import evidence, versions
    from framework.errors import InputError

    assessment, framework = versions.load_assessment(path)
    try:
        if not keep_sources:
            assessment = evidence.move_sources(framework, assessment)
    except ValueError as exc:
        raise InputError.single(str(path), str(exc), field="evidence") from exc
    data = assessment.model_dump(mode="json", exclude_defaults=True)
    data["format"] = FORMAT
    order = ["format", "framework", "meta", "answers", "qualifiers", "unknown", "none_stated", "evidence", "citations"]
    order += [key for key in data if key not in order]  # key_figures and whatever else /2 holds: nothing is lost
    return {key: data[key] for key in order if key in data}


def render(data: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def cmd_migrate(args: argparse.Namespace) -> int:
    data = migrated_data(args.file, keep_sources=args.keep_sources)
    as_json = Path(args.output or args.file).suffix.lower() == ".json"
    text = render(data, as_json)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({FORMAT})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("migrate", help=f"write an assessment file in the current format ({FORMAT})")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (YAML, or JSON for .json) instead of stdout")
    p.add_argument(
        "--keep-sources",
        action="store_true",
        help="leave the per-answer sources where they are (the content hash a sign-off names stays the same)",
    )
    p.set_defaults(func=cmd_migrate)
