"""``ipcei migrate FILE [-o OUT]``: write an assessment file in the current format (``ipcei-assessment/2``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from framework.formats import FORMAT


def migrated_data(path: str | Path) -> dict[str, Any]:
    """The assessment in a file, validated against its own framework version and dumped in the current format."""
    from framework import versions

    assessment, _ = versions.load_assessment(path)
    data = assessment.model_dump(mode="json", exclude_defaults=True)
    data["format"] = FORMAT
    order = ["format", "framework", "meta", "answers", "qualifiers", "unknown", "none_stated", "evidence", "citations"]
    return {key: data[key] for key in order if key in data}


def render(data: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def cmd_migrate(args: argparse.Namespace) -> int:
    data = migrated_data(args.file)
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
    p.set_defaults(func=cmd_migrate)
