"""The IPCEI dossier an assessment belongs to, and the order of its phases.

An IPCEI runs for years through phases (the framework's ``phases`` list, in order: verkenning, pre-notificatie,
notificatie, uitvoering, afgerond). Each phase has its own advice; the assessments of one IPCEI form a
«dossier». The dossier of an assessment is its ``meta.dossier`` when one is given (format /2), else its IPCEI
name folded: lower case, without accents, white space and punctuation, so that «Hy2Infra», «HY2 INFRA »
and «hy2-infra» are one dossier («hy2infra»). The store keeps this key in an indexed column on every save
(:func:`dossier_key` from the document, so ``verify`` recomputes it) and :mod:`framework.phases` reads it.

Nothing here touches the store: pure functions over a document and a framework.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from framework.models import Framework

MAX_KEY = 200
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def fold_name(name: str) -> str:
    """A name as a dossier key: NFKD, accents dropped, lower case, only letters and digits (``hy2infra``)."""
    decomposed = unicodedata.normalize("NFKD", str(name or "").replace("\x00", ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _SEPARATORS.sub("", plain)[:MAX_KEY]


def dossier_key(meta: dict[str, Any]) -> str:
    """The dossier of an assessment, from its ``meta`` as JSON data: ``meta.dossier`` if given, else the IPCEI."""
    given = meta.get("dossier")
    if isinstance(given, str) and given.strip():
        return fold_name(given)
    return fold_name(str(meta.get("ipcei") or ""))


def phase_ids(framework: Framework) -> list[str]:
    """The phases of the framework, in the order an IPCEI goes through them."""
    return [entry.id for entry in framework.phases]


def phase_rank(framework: Framework, phase: str) -> int | None:
    """The position of ``phase`` in the framework's order (0 first); None for a phase not (yet) chosen or unknown."""
    ids = phase_ids(framework)
    return ids.index(phase) if phase in ids else None


def next_phase_of(framework: Framework, phase: str) -> str | None:
    """The phase after ``phase``; None after the last one, or for an unknown phase."""
    rank = phase_rank(framework, phase)
    ids = phase_ids(framework)
    if rank is None or rank + 1 >= len(ids):
        return None
    return ids[rank + 1]
