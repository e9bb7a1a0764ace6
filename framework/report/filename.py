"""The file name of an advice: concept or vastgesteld, case number, revision and kind, in one place.

The app's download buttons and ``ipcei render -o FOLDER/`` both name files with :func:`advice_filename`, so a
concept and the approved advice never share a name, and a name says which case and which revision it holds.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from framework.assessment import Status

FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)
KINDS = ("pdf", "docx")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_WORDS = {
    "nl": {"advies": "advies", "beslisnota": "beslisnota", "final": "vastgesteld", "draft": "concept"},
    "en": {"advies": "advice", "beslisnota": "decision-note", "final": "approved", "draft": "draft"},
}


def slug(text: str, limit: int = 60) -> str:
    """Letters, digits and hyphens only: ``EZK/KE/IPCEI-H2/2022-009`` -> ``EZK-KE-IPCEI-H2-2022-009``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def advice_filename(
    assessment: Any, *, kind: str = "pdf", revision: int | None = None, variant: str = "advies", lang: str = "nl"
) -> str:
    """``advies-EZK-KE-IPCEI-H2-2022-009-r3-concept.pdf``: document, case (else title), revision, state, kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    meta = assessment.meta
    words = _WORDS["en" if lang == "en" else "nl"]
    case = slug(re.sub(r"\(.*?\)", "", meta.case_number)) or slug(meta.title) or "ipcei"
    parts = [words.get(variant, words["advies"]), case]
    if revision is not None:
        parts.append(f"r{int(revision)}")
    parts.append(words["final"] if meta.status in FINAL else words["draft"])
    return "-".join(parts) + "." + kind
