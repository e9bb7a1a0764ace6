"""One exception tree for the domain.

Every failure that comes from outside input (a YAML or JSON file, a PDF, form text) becomes one of these
errors, and each names the place: the file and line where there is one, and the field or question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at one place.

    Args:
        source: the file name (or another label for where the input came from).
        line: the 1-based line in that file, when known.
        field: the dotted path of the field concerned, e.g. ``answers.q2.severity``.
        message: what is wrong, in plain words (English, as the command line prints it).
        nl: the same in Dutch, for the app's Dutch interface ('' where no Dutch text exists yet).
    """

    source: str
    line: int | None
    field: str
    message: str
    nl: str = ""

    def text(self, lang: str) -> str:
        """The message in ``lang`` (nl or en), English where no Dutch text exists."""
        return self.nl if lang == "nl" and self.nl else self.message

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.field or '(file)'}: {self.message}"

    def as_dict(self) -> dict:
        return {"source": self.source, "line": self.line, "field": self.field, "message": self.message}


class IpceiError(Exception):
    """Base of every error the domain raises on purpose."""


class InputError(IpceiError):
    """Input that cannot be accepted; carries one or more problems, each naming its place."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, source: str, message: str, *, line: int | None = None, field: str = "", nl: str = "") -> InputError:
        return cls([Problem(source=source, line=line, field=field, message=message, nl=nl)])


class FrameworkMismatchError(InputError):
    """An assessment names a framework id or version that is not available."""


class FrameworkCollisionError(InputError):
    """A framework carries the id and version of another one (a file, or a copy in the store) with other content."""


class FrameworkUnavailableError(FrameworkMismatchError):
    """The framework version an assessment answers is nowhere: not a file, not kept in the store."""


class StoreError(IpceiError):
    """The store could not do what was asked; nothing was committed half."""


class ConflictError(StoreError):
    """A save was based on a revision that is no longer the latest."""


class TransitionError(IpceiError):
    """A status change that the workflow does not allow (or the four-eyes rule forbids)."""


class ReportError(IpceiError):
    """The advice report could not be rendered or read back."""
