"""The building blocks of the strict models: a frozen model that refuses unknown keys, a text in both
languages, the identifiers, and the error that says where deep in a model a check failed."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

LANGUAGES = ("nl", "en")
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,59}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Text(Strict):
    """A text in both languages; the Dutch one is the official wording where the annex gives it."""

    nl: Annotated[str, Field(min_length=1, max_length=5000)]
    en: Annotated[str, Field(min_length=1, max_length=5000)]

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl

    def as_data(self, lang: str | None) -> str | dict[str, str]:
        """For an ``as_dict``: the text in ``lang``, or without a language both, ``{"nl": ..., "en": ...}``."""
        return self(lang) if lang else {"nl": self.nl, "en": self.en}


class Located(ValueError):
    """A validation failure deeper in the model than the validator that found it; ``path`` says where."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


def unique(ids: list[Any], what: str, template: tuple = ()) -> None:
    seen: set[Any] = set()
    for index, item in enumerate(ids):
        if item in seen:
            path = tuple(index if part == "{}" else part for part in template)
            raise (Located(path, f"duplicate {what} {item!r}") if path else ValueError(f"duplicate {what} {item!r}"))
        seen.add(item)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
