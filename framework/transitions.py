"""The workflow as data: the roles and their aliases, the reviewer's verdicts, the steps and the transitions
between statuses that :mod:`framework.workflow` takes, and who acts (:class:`Actor`).

Roles are stated (single-machine mode) or come from the roles file (deployment, see ``docs/signoff.md``);
the names the UI offers (beleidsmedewerker, vaststeller …) map to the workflow roles by :data:`ROLE_ALIASES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from framework import gates
from framework.assessment import Status


class Role(StrEnum):
    AUTHOR = "author"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    RECORDS_OFFICER = "records_officer"  # files a signed-off advice in the archive
    READER = "reader"  # management: reads and compares, takes no workflow step


# Role names people state (or a roles file uses) for the workflow roles.
ROLE_ALIASES: dict[str, Role] = {
    "author": Role.AUTHOR,
    "auteur": Role.AUTHOR,
    "beleidsmedewerker": Role.AUTHOR,
    "reviewer": Role.REVIEWER,
    "approver": Role.APPROVER,
    "vaststeller": Role.APPROVER,
    "records_officer": Role.RECORDS_OFFICER,
    "records officer": Role.RECORDS_OFFICER,
    "archivaris": Role.RECORDS_OFFICER,
    "reader": Role.READER,
    "lezer": Role.READER,
    "management": Role.READER,
}


def role_of(name: str | Role | None) -> Role:
    """The workflow role for a stated role name; raises a GateError (a TransitionError) for an unknown one."""
    if isinstance(name, Role):
        return name
    key = " ".join(str(name or "").split()).lower()
    if key not in ROLE_ALIASES:
        raise gates.refuse("gate_bad_role", role=str(name or ""), known=", ".join(sorted(ROLE_ALIASES)))
    return ROLE_ALIASES[key]


class Verdict(StrEnum):
    """A reviewer's verdict on one answer."""

    ACCEPTABLE = "acceptable"
    TO_IMPROVE = "to_improve"
    TO_CORRECT = "to_correct"


class Step(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    RESUBMIT = "resubmit"
    SIGN_OFF = "sign_off"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Transition:
    """One allowed step: from which status to which, who may take it, and what the audit log calls it."""

    step: Step
    source: Status
    target: Status
    roles: frozenset[Role]
    action: str
    four_eyes: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.SUBMIT, Status.CONCEPT, Status.TER_REVIEW, frozenset({Role.AUTHOR}), "submitted"),
    Transition(
        Step.RETURN, Status.TER_REVIEW, Status.TERUGGESTUURD, frozenset({Role.REVIEWER, Role.APPROVER}), "returned"
    ),
    Transition(Step.RESUBMIT, Status.TERUGGESTUURD, Status.TER_REVIEW, frozenset({Role.AUTHOR}), "resubmitted"),
    Transition(
        Step.SIGN_OFF, Status.TER_REVIEW, Status.VASTGESTELD, frozenset({Role.APPROVER}), "signed_off", four_eyes=True
    ),
    Transition(
        Step.ARCHIVE, Status.VASTGESTELD, Status.GEARCHIVEERD, frozenset({Role.APPROVER, Role.RECORDS_OFFICER}), "filed"
    ),
    Transition(Step.WITHDRAW, Status.TER_REVIEW, Status.CONCEPT, frozenset({Role.AUTHOR}), "withdrawn"),
)
BY_STEP = {t.step: t for t in TRANSITIONS}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a name and a workflow role (stated, or from the identity provider and the roles file)."""

    name: str
    role: Role

    def __post_init__(self) -> None:
        if isinstance(self.role, str) and not isinstance(self.role, Role):
            object.__setattr__(self, "role", role_of(self.role))
        gates.check_actor(self)  # a blank name or a role outside the list is refused, however the actor is made

    @classmethod
    def of(cls, name: str, role: str | Role) -> Actor:
        name = " ".join(str(name or "").split())
        if not name:
            raise gates.refuse("gate_no_name")
        return cls(name, role_of(role))


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def steps_from(status: Status | str) -> list[Transition]:
    """The transitions that leave ``status``."""
    return [t for t in TRANSITIONS if t.source == Status(status)]
