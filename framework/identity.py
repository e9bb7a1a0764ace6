"""Who may do what in a deployment: the roles file, the idle time-out, and which assessments a person may see.

In a deployment the identity provider (OpenID Connect, through Streamlit's ``st.login``) says who someone is;
the roles file ``IPCEI_ROLES_FILE`` says what they may do. It is read with :mod:`framework.yamlio`, so every
mistake in it names the file and line::

    people:
      - email: a.devries@minezk.nl
        name: A. de Vries          # optional: the name the provider does not give
        roles: [author]            # author, reviewer, approver, records_officer, reader (or their Dutch names)
      - email: b.jansen@minezk.nl
        roles: [reviewer, approver]

A person who is not in the file (or has ``roles: []``) has no access. Authors see only the assessments they
drafted (named as author, or created by them); every other role sees all. See ``docs/identity.md``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from framework.errors import InputError, Problem, TransitionError
from framework.loading import problems_from_validation
from framework.store import ListQuery
from framework.transitions import Role, role_of, same_person
from framework.yamlio import line_of, read_file

ROLES_FILE_ENV = "IPCEI_ROLES_FILE"
IDLE_ENV = "IPCEI_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30.0
MAX_NAME = 120
MAX_EMAIL = 254
# Roles that see every assessment; an author sees only their own.
SEE_ALL = frozenset({Role.REVIEWER, Role.APPROVER, Role.RECORDS_OFFICER, Role.READER})


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=MAX_EMAIL)
    name: str = Field(default="", max_length=MAX_NAME)
    roles: list[Role]

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        local, at, domain = value.partition("@")
        if not (local and at and domain) or any(ch.isspace() for ch in value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: object) -> object:
        if not isinstance(value, list):
            return value  # pydantic names the wrong type
        roles = []
        for item in value:
            try:
                roles.append(role_of(item) if isinstance(item, str) else item)
            except TransitionError:
                raise ValueError(f"unknown role {item!r}; use one of: {', '.join(r.value for r in Role)}") from None
        return roles


class _RolesFileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    people: list[_Entry]


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in the roles file: their e-mail address (as the identity provider gives it), name and roles."""

    email: str
    name: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True)
class RolesFile:
    """The people of a roles file, by e-mail address (compared without regard to case)."""

    source: str
    people: dict[str, Person]

    def person(self, email: str | None) -> Person | None:
        return self.people.get(str(email or "").strip().casefold())

    def roles_for(self, email: str | None) -> tuple[Role, ...]:
        found = self.person(email)
        return found.roles if found else ()


def parse_roles(data: object, source: str, lines: dict | None = None) -> RolesFile:
    """The roles file from parsed YAML; raises InputError naming file, line and field for every problem."""
    lines = lines or {}
    try:
        model = _RolesFileModel.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, lines)) from None
    people: dict[str, Person] = {}
    problems = []
    for index, entry in enumerate(model.people):
        key = entry.email.casefold()
        if key in people:
            where = ("people", index, "email")
            problems.append(Problem(source, line_of(lines, where), f"people[{index}].email", f"{entry.email} twice"))
            continue
        people[key] = Person(entry.email, entry.name, tuple(dict.fromkeys(entry.roles)))
    if problems:
        raise InputError(problems)
    return RolesFile(source, people)


def load_roles(path: str | Path) -> RolesFile:
    """Read a roles file (YAML or JSON) with the safe loader; raises InputError naming file and line."""
    data, lines = read_file(path)
    return parse_roles(data, str(path), lines)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> RolesFile:
    return load_roles(path)  # mtime and size are the cache key: an edited file is read again


def roles_file_path() -> Path | None:
    """The roles file ``IPCEI_ROLES_FILE`` names, or None when it is not set."""
    value = os.environ.get(ROLES_FILE_ENV, "").strip()
    return Path(value) if value else None


def current_roles() -> RolesFile | None:
    """The configured roles file (read again when it changes); None when ``IPCEI_ROLES_FILE`` is not set."""
    path = roles_file_path()
    if path is None:
        return None
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError.single(str(path), f"no such file (set by {ROLES_FILE_ENV})") from None
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def roles_for(email: str | None, roles_file: RolesFile | None = None) -> tuple[Role, ...]:
    """The roles of the person with this e-mail address in the roles file (empty when unknown or no file)."""
    roles_file = roles_file if roles_file is not None else current_roles()
    return roles_file.roles_for(email) if roles_file is not None else ()


def idle_minutes() -> float:
    """``IPCEI_IDLE_MINUTES``: after how many minutes without use a signed-in session is signed out (default 30)."""
    raw = os.environ.get(IDLE_ENV, "").strip()
    if not raw:
        return DEFAULT_IDLE_MINUTES
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 60:
        raise InputError.single(IDLE_ENV, f"{raw!r} is not a number of minutes between 0 and 1440")
    return value


def idle_expired(last_activity: float | None, now: float, minutes: float) -> bool:
    """Whether a session last used at ``last_activity`` (seconds) has been idle longer than ``minutes`` at ``now``."""
    return last_activity is not None and now - last_activity > minutes * 60


def may_view(roles: Iterable[Role | str], person_name: str, assessment_author: str, created_by: str) -> bool:
    """Whether a person may open an assessment: every role but author sees all; an author what they drafted."""
    held = {role_of(r) for r in roles}
    if held & SEE_ALL:
        return True
    if Role.AUTHOR not in held or not " ".join(str(person_name or "").split()):
        return False
    return any(same_person(person_name, name) for name in (assessment_author or "", created_by or ""))


def visible_query(query: ListQuery, roles: Iterable[Role | str], person_name: str) -> ListQuery | None:
    """``query`` narrowed to what the person may see (by the store's filter); None when they may see nothing."""
    held = {role_of(r) for r in roles}
    if held & SEE_ALL:
        return query
    name = " ".join(str(person_name or "").split())
    if Role.AUTHOR not in held or not name:
        return None
    return replace(query, drafted_by=name)


__all__ = [
    "DEFAULT_IDLE_MINUTES",
    "IDLE_ENV",
    "ROLES_FILE_ENV",
    "SEE_ALL",
    "Person",
    "RolesFile",
    "current_roles",
    "idle_expired",
    "idle_minutes",
    "load_roles",
    "may_view",
    "parse_roles",
    "roles_file_path",
    "roles_for",
    "visible_query",
]
