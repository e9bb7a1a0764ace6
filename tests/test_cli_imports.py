"""A lean command line (issue #17): each ``ipcei`` sub-command imports only what it needs.

Facts, not timings: which packages a fresh interpreter has loaded after running a command (the time they cost
is in ``benchmarks/bench_cli.py``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli.main import COMMAND_MODULES, COMMANDS, CORE, build_parser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
HEAVY = ("sqlalchemy", "psycopg", "weasyprint", "pyhanko", "jinja2", "pypdf", "streamlit")


def loaded_after(code: str, tmp_path: Path) -> set[str]:
    """The top-level packages among HEAVY that a fresh interpreter holds after running ``code``."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def run_cli(*argv: str) -> str:
    return f"from framework.cli.main import main\nassert main({list(argv)!r}) == 0"


@pytest.mark.parametrize("command", ["validate", "check"])
def test_validate_and_check_load_neither_the_database_nor_the_pdf_layer(command, tmp_path):
    assert loaded_after(run_cli(command, str(EXAMPLE)), tmp_path) == set()


def test_rendering_a_file_loads_no_database_layer_and_no_signing(tmp_path):
    loaded = loaded_after(run_cli("render", str(EXAMPLE), "-o", str(tmp_path / "advies.pdf")), tmp_path)
    assert loaded == {"weasyprint", "jinja2"}, loaded  # the layout engine and the template, nothing more
    assert (tmp_path / "advies.pdf").read_bytes().startswith(b"%PDF-")


def test_the_full_parser_is_built_for_help_and_an_unknown_word(tmp_path):
    assert "sqlalchemy" in loaded_after(run_cli("--help").replace("== 0", "in (0, None)"), tmp_path)


def test_the_command_table_names_the_module_of_every_command():
    def commands_of(parser: argparse.ArgumentParser) -> set[str]:
        return set(next(a for a in parser._actions if a.dest == "command").choices)

    everything = commands_of(build_parser())
    assert everything == set(CORE) | set(COMMANDS), "a command is missing from (or extra in) COMMANDS"
    assert set(COMMANDS.values()) == set(COMMAND_MODULES)
    for module_name in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        importlib.import_module(module_name).register(sub)
        assert {c for c, m in COMMANDS.items() if m == module_name} == commands_of(parser), module_name
    for command in COMMANDS:  # a command's own parser knows it, and only its module's commands besides the core
        assert command in commands_of(build_parser(command))


def test_the_render_pool_imports_neither_streamlit_nor_weasyprint_in_the_caller(tmp_path):
    assert loaded_after("import framework.render_pool, framework.advice", tmp_path) == set()
