"""The report's compiled templates kept between processes (framework.report.render._BytecodeCache): reused while
the template is the same, compiled again after a change, and no cache at all when it cannot be read."""

from __future__ import annotations

import jinja2

from framework.report.render import _BytecodeCache, environment


def _env(templates, cache_dir) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), bytecode_cache=_BytecodeCache(str(cache_dir), "%s.cache")
    )


def _no_compile(env: jinja2.Environment, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", refuse)


def test_a_second_process_reuses_the_compiled_template_and_a_change_is_compiled_again(tmp_path, monkeypatch):
    templates, cache_dir = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir(), cache_dir.mkdir()
    (templates / "a.html").write_text("Hallo {{ x }}", encoding="utf-8")
    assert _env(templates, cache_dir).get_template("a.html").render(x=1) == "Hallo 1"
    assert len(list(cache_dir.iterdir())) == 1

    again = _env(templates, cache_dir)  # as a new process: a fresh environment, the same folder
    _no_compile(again, monkeypatch)
    assert again.get_template("a.html").render(x=2) == "Hallo 2"

    (templates / "a.html").write_text("Dag {{ x }}", encoding="utf-8")  # the template changed
    changed = _env(templates, cache_dir)
    assert changed.get_template("a.html").render(x=3) == "Dag 3"


def test_a_damaged_or_unwritable_cache_is_no_cache(tmp_path):
    templates, cache_dir = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir(), cache_dir.mkdir()
    (templates / "a.html").write_text("Hallo {{ x }}", encoding="utf-8")
    _env(templates, cache_dir).get_template("a.html")
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(entry.read_bytes()[:40])  # cut short
    assert _env(templates, cache_dir).get_template("a.html").render(x=1) == "Hallo 1"
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")  # nothing can be written under it
    assert _env(templates, not_a_folder).get_template("a.html").render(x=2) == "Hallo 2"


def test_the_report_environment_has_the_cache_under_a_name_of_its_own():
    cache = environment().bytecode_cache
    assert isinstance(cache, _BytecodeCache) and cache.pattern.startswith("__ipcei_")
