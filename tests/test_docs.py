"""Docs and code cannot drift: every command, setting and question is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from framework.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands(parser, prefix="ipcei"):
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            yield f"{prefix} {name}"
            if sub._subparsers:
                yield from _subcommands(sub, f"{prefix} {name}")


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "scripts/run" in first_block
    assert "scripts/test" in first_block
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text() or "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_is_documented():
    commands = list(_subcommands(build_parser()))
    assert "ipcei validate" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_setting_is_documented():
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("**/*.py") if ".venv" not in p.parts)
    settings = set(re.findall(r"\b(IPCEI_[A-Z_]+)\b", code))
    assert "IPCEI_DATABASE_URL" in settings or "IPCEI_LANG" in settings
    missing = sorted(s for s in settings if f"`{s}`" not in README)
    assert not missing, f"settings not documented in README.md: {missing}"


def test_every_question_is_documented(framework):
    missing = [q.id for q in framework.questions() if f"`{q.id}`" not in README]
    assert not missing, f"questions not documented in README.md: {missing}"
