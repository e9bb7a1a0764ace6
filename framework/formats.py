"""Versions of the assessment file format and the migration between them.

``ipcei-assessment/1`` is the first format; ``ipcei-assessment/2`` adds qualifiers beside choices, explicit
«onbekend» and «geen» answers, and more metadata (see the README). A /1 document is migrated to /2 when it is
read (:func:`migrate`), so old files still validate, import and render; ``ipcei migrate FILE`` writes the /2 form.

The content hash of an assessment (what a sign-off and a signed PDF name) is taken over the *lowest* format that
holds its content (:func:`lowest_form`): a /1 document read as /2 keeps the hash it was signed with, and an
assessment that uses nothing of /2 hashes the same whatever format label its file carried.
"""

from __future__ import annotations

import copy
from typing import Any

FORMAT_V1 = "ipcei-assessment/1"
FORMAT_V2 = "ipcei-assessment/2"
FORMAT = FORMAT_V2
FORMATS = (FORMAT_V1, FORMAT_V2)

# Member-state codes as the EU writes them (Interinstitutional Style Guide): Greece is EL. Format /1 and the first
# framework file used the ISO code GR; both are read, EL is stored.
STATE_ALIASES = {"gr": "el"}
_V1_STATE = {"el": "gr"}

# Keys that exist only in /2, at the top level and in ``meta``, with their empty values.
V2_KEYS: dict[str, Any] = {
    "qualifiers": {},
    "unknown": {},
    "none_stated": {},
    "evidence": [],
    "citations": {},
    "key_figures": None,
}
V2_META_KEYS: dict[str, Any] = {
    "coordinator": "",
    "few_member_states_reason": "",
    "reference_date": None,
    "secondary_ecosystems": [],
    "national_budget_unknown": "",
    "dossier": "",
}


def normal_state(code: Any) -> Any:
    """The EU code of a member state (``gr`` becomes ``el``); anything else unchanged."""
    return STATE_ALIASES.get(code, code) if isinstance(code, str) else code


def migrate(data: Any) -> Any:
    """A /1 document as /2 (a new dict; the input is not changed). Other input is returned as it is."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_V1:
        return data
    new = copy.deepcopy(data)
    new["format"] = FORMAT_V2
    meta = new.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("member_states"), list):
        meta["member_states"] = [normal_state(s) for s in meta["member_states"]]
    return new


def uses_v2(data: dict[str, Any]) -> bool:
    """Whether a dumped /2 document holds anything that format /1 cannot."""
    if any(data.get(key) not in (None, empty) for key, empty in V2_KEYS.items()):
        return True
    meta = data.get("meta") or {}
    return any(meta.get(key) not in (None, empty) for key, empty in V2_META_KEYS.items())


# Keys added to /2 after its first release (phases and key figures): left out of a /2 document while empty, so
# that a document written before them keeps its content hash.
LATER_V2_KEYS: dict[str, Any] = {"key_figures": None}
LATER_V2_META_KEYS: dict[str, Any] = {"dossier": ""}


def _without_later_empty(data: dict[str, Any]) -> dict[str, Any]:
    if all(data.get(k, e) != e for k, e in LATER_V2_KEYS.items()) and all(
        (data.get("meta") or {}).get(k, e) != e for k, e in LATER_V2_META_KEYS.items()
    ):
        return data
    new = {k: v for k, v in data.items() if not (k in LATER_V2_KEYS and v == LATER_V2_KEYS[k])}
    if isinstance(data.get("meta"), dict):
        meta = data["meta"]
        new["meta"] = {k: v for k, v in meta.items() if not (k in LATER_V2_META_KEYS and v == LATER_V2_META_KEYS[k])}
    return new


def lowest_form(data: dict[str, Any]) -> dict[str, Any]:
    """A dumped /2 document in the lowest format that holds it: /1 when it uses nothing of /2 (for the hash)."""
    if uses_v2(data):
        return _without_later_empty(data)
    old = {k: v for k, v in data.items() if k not in V2_KEYS}
    old["format"] = FORMAT_V1
    meta = {k: v for k, v in (data.get("meta") or {}).items() if k not in V2_META_KEYS}
    if isinstance(meta.get("member_states"), list):
        meta["member_states"] = [_V1_STATE.get(s, s) for s in meta["member_states"]]
    old["meta"] = meta
    return old
