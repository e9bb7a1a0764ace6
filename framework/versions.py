"""Where framework versions live, in one place.

1. **The current framework**: ``questions.yaml`` (or the file ``IPCEI_FRAMEWORK`` names). New assessments
   answer it.
2. **The folder of framework files**: ``IPCEI_FRAMEWORKS_DIR``, else ``frameworks/`` beside ``questions.yaml``;
   every ``*.yaml`` in it is another version (an earlier one, or a revision being prepared).
3. **The store**: every version an assessment was ever saved under is kept in the database, by the SHA-256 of
   its content, so that an assessment always opens, checks and renders under its own version even when no
   file of that version is left. Command-line commands on files look there too when a database is configured
   (``IPCEI_DATABASE_URL``) or the default SQLite file exists.

One id and version is one content: a file or copy that carries a known version with other content is refused
(:class:`~framework.errors.FrameworkCollisionError`), naming the file and the line of ``version``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from framework.assessment import Assessment
from framework.errors import FrameworkCollisionError, FrameworkUnavailableError, InputError, Problem
from framework.loading import (
    add_fallback,
    assessment_from_data,
    available_frameworks,
    default_framework,
    find_framework,
    framework_files,
    frameworks_dir,
)
from framework.models import Framework
from framework.yamlio import line_of, read_file

__all__ = [
    "collisions",
    "find",
    "frameworks_dir",
    "load_assessment",
    "newest",
    "require",
    "schema_framework",
    "stored_copy",
    "use_store_copies",
    "version_problem",
]


def _database_configured() -> str | None:
    """The URL of a store to consult, or None when none is configured and the default file does not exist."""
    url = os.environ.get("IPCEI_DATABASE_URL")
    if url:
        return url
    default = Path(os.environ.get("IPCEI_DATA_DIR") or "data") / "ipcei.db"
    return f"sqlite:///{default}" if default.is_file() else None


@cache
def _store(url: str) -> Any:
    from framework.store import open_store

    return open_store(url)


def stored_copy(framework_id: str, version: str) -> Framework | None:
    """The store's copy of a version, when a store is configured (see the module text); None otherwise."""
    url = _database_configured()
    if url is None:
        return None
    return _store(url).framework_named(framework_id, version)


def use_store_copies() -> None:
    """Let every look-up by id and version (``framework.loading.find_framework``) fall back to the store."""
    add_fallback(stored_copy)


def find(framework_id: str, version: str, extra: list[Framework] | None = None) -> Framework | None:
    """A version from ``extra``, the framework files, or the store; None when it is nowhere."""
    return find_framework(framework_id, version, extra) or stored_copy(framework_id, version)


def require(framework_id: str, version: str, source: str = "", extra: list[Framework] | None = None) -> Framework:
    """Like :func:`find`, but a version that is nowhere is an error naming it and where it was looked for."""
    found = find(framework_id, version, extra)
    if found is None:
        raise FrameworkUnavailableError.single(
            source or f"{framework_id}@{version}",
            f"the framework {framework_id}@{version} is not available: version {version} is neither the current "
            f"framework file, nor in {frameworks_dir()}/ (IPCEI_FRAMEWORKS_DIR), nor kept in the database",
            field="framework",
        )
    return found


def load_assessment(path: str | Path, extra: list[Framework] | None = None) -> tuple[Assessment, Framework]:
    """An assessment file checked against the version it names (from ``extra``, the files or the store)."""
    data, lines = read_file(path)
    ref = data.get("framework") if isinstance(data, dict) else None
    framework = None
    if isinstance(ref, dict) and isinstance(ref.get("id"), str) and isinstance(ref.get("version"), str):
        framework = find(ref["id"], ref["version"], extra)
    return assessment_from_data(data, str(path), lines, framework=framework)


def collisions(framework: Framework, path: str | Path) -> list[Problem]:
    """Where ``framework`` (read from ``path``) carries a known id and version with other content.

    Compared with the current framework, the framework files and, when configured, the store's copy.
    """
    line = line_of(read_file(path)[1], ("version",))
    problems = []
    here = Path(path).resolve()
    for other in framework_files():
        if other.resolve() == here or not other.is_file():
            continue
        try:
            candidate = _read(str(other), other.stat().st_mtime_ns)
        except InputError:
            continue
        if candidate.key == framework.key and candidate != framework:
            problems.append(Problem(str(path), line, "version", _collision(framework, str(other))))
    stored = stored_copy(framework.id, framework.version)
    if stored is not None and stored != framework and not any(f == stored for f in _files_quietly()):
        problems.append(Problem(str(path), line, "version", _collision(framework, "kept in the database")))
    return problems


def _collision(framework: Framework, where: str) -> str:
    return (
        f"version {framework.version} of {framework.id} is also {where}, with different content; "
        "give this revision a version of its own"
    )


@cache
def _read(path: str, mtime_ns: int) -> Framework:
    from framework.loading import load_framework

    return load_framework(path)


def _files_quietly() -> list[Framework]:
    try:
        return available_frameworks()
    except InputError:
        return []


def newest(framework_id: str) -> Framework | None:
    """The current framework when it has this id (the version to upgrade to by default)."""
    current = default_framework()
    return current if current.id == framework_id else None


def schema_framework(version: str | None) -> Framework:
    """The framework whose assessment schema ``ipcei schema --version`` prints (default: the current one)."""
    current = default_framework()
    if version is None or version == current.version:
        return current
    return require(current.id, version)


def version_problem(path: str | Path, framework: Framework) -> FrameworkCollisionError | None:
    """A collision of a framework file as one error (for ``ipcei validate``), or None."""
    found = collisions(framework, path)
    return FrameworkCollisionError(found) if found else None
