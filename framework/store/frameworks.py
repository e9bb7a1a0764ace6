"""The framework versions the store has seen, kept in the database so that old assessments still open.

A framework is identified by the SHA-256 of its canonical JSON (so a comment-only edit of the YAML is the
same framework). The text kept is the original YAML file where one with equal content is found, else the
canonical JSON (which is YAML too).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from threading import Lock

from pydantic import BaseModel
from sqlalchemy import Engine, select

from framework.assessment import answer_model
from framework.errors import FrameworkCollisionError, InputError
from framework.loading import find_framework_file, framework_files, framework_from_data, load_framework, version_line
from framework.models import Framework
from framework.store.tables import frameworks
from framework.yamlio import parse_bytes


def identity(framework: Framework) -> str:
    data = framework.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_text(framework: Framework) -> str:
    """The YAML file this framework was read from, if it is still there unchanged; else canonical JSON."""
    for path in framework_files():
        try:
            if _framework_file(str(path), path.stat().st_mtime_ns) == framework:
                return path.read_text(encoding="utf-8")
        except (InputError, OSError):
            continue
    return json.dumps(framework.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)


@lru_cache(maxsize=16)
def _framework_file(path: str, mtime_ns: int) -> Framework:
    return load_framework(path)


def _same_file(path: Path, framework: Framework) -> bool:
    try:
        return _framework_file(str(path), path.stat().st_mtime_ns) == framework
    except (InputError, OSError):
        return False


def parse_stored(text: str, key: str) -> Framework:
    data, lines = parse_bytes(text.encode("utf-8"), f"database:frameworks/{key}")
    return framework_from_data(data, f"database:frameworks/{key}", lines)


class FrameworkRegistry:
    """Looks up frameworks in the files and the database, and keeps each one used in the database."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._lock = Lock()
        self._sha_of: dict[int, tuple[Framework, str]] = {}  # id(framework) -> (framework, sha); holds a ref
        self._by_sha: dict[str, Framework] = {}
        self._stored: set[str] = set()
        self._answer_models: dict[str, type[BaseModel]] = {}

    def answer_model(self, framework: Framework, sha: str) -> type[BaseModel]:
        """The answers model of a framework, cached by its hash (hashing the frozen model itself is slow)."""
        model = self._answer_models.get(sha)
        if model is None:
            model = self._answer_models[sha] = answer_model(framework)
        return model

    def sha(self, framework: Framework) -> str:
        with self._lock:
            cached = self._sha_of.get(id(framework))
            if cached is not None and cached[0] is framework:
                return cached[1]
        sha = identity(framework)
        with self._lock:
            if len(self._sha_of) > 64:
                self._sha_of.clear()
            self._sha_of[id(framework)] = (framework, sha)
            self._by_sha.setdefault(sha, framework)
        return sha

    def current(self, framework_id: str, version: str) -> tuple[Framework, str] | None:
        """The framework an assessment naming this id and version is checked against now.

        The file (``questions.yaml`` or ``frameworks/*.yaml``) wins; else the latest copy in the database.
        """
        live = find_framework_file(framework_id, version)
        if live is not None:
            return live, self.sha(live)
        with self._engine.connect() as conn:
            row = conn.execute(
                select(frameworks.c.sha256, frameworks.c.text)
                .where(frameworks.c.key == f"{framework_id}@{version}")
                .order_by(frameworks.c.first_seen_at.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return self.by_sha(row.sha256, row.text), row.sha256

    def _refuse_collision(self, framework: Framework, sha: str) -> None:
        """A version is one content: another content under a stored id and version is refused, naming the file.

        A copy stored by an older program whose hash differs only because the model grew (an optional key added)
        is equal as a framework and no collision.
        """
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(frameworks.c.sha256, frameworks.c.text).where(
                    frameworks.c.key == framework.key, frameworks.c.sha256 != sha
                )
            ).all()
        for row in rows:
            try:
                stored = self.by_sha(row.sha256, row.text)
            except InputError:
                continue  # a copy this program can no longer read cannot be compared
            if stored != framework:
                path = next((p for p in framework_files() if _same_file(p, framework)), None)
                raise FrameworkCollisionError.single(
                    str(path) if path else framework.key,
                    f"version {framework.version} of {framework.id} is stored already with different content "
                    f"(sha256 {row.sha256[:12]}); give this revision a version of its own",
                    line=version_line(path) if path else None,
                    field="version",
                )

    def by_sha(self, sha: str, text: str | None = None) -> Framework:
        with self._lock:
            known = self._by_sha.get(sha)
        if known is not None:
            return known
        if text is None:
            with self._engine.connect() as conn:
                text = conn.execute(select(frameworks.c.text).where(frameworks.c.sha256 == sha)).scalar_one()
        framework = parse_stored(text, sha[:12])
        with self._lock:
            self._by_sha[sha] = framework
        return framework

    def ensure_stored(self, framework: Framework, sha: str) -> None:
        """Insert the framework's row once (its own short transaction; a race inserts it once)."""
        if sha in self._stored:
            return
        with self._engine.connect() as conn:
            if conn.execute(select(frameworks.c.sha256).where(frameworks.c.sha256 == sha)).first() is not None:
                self._stored.add(sha)
                return
        self._refuse_collision(framework, sha)
        row = {
            "sha256": sha,
            "key": framework.key,
            "framework_id": framework.id,
            "version": framework.version,
            "text": source_text(framework),
            "first_seen_at": datetime.now(UTC),
        }
        if self._engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(frameworks).values(row).on_conflict_do_nothing(index_elements=["sha256"])
        with self._engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                conn.execute(statement)
        self._stored.add(sha)
