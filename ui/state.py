"""The draft being edited, kept in ``st.session_state`` (with ids only), and saved to the store.

The draft is a dict: ``id`` and ``revision`` of the record it came from, the assessment as JSON-like
``data``, ``dirty`` when it has changes not yet saved, and ``gen``, a number that changes whenever the draft
is replaced (so that widgets made for an older version start afresh).

Widgets have stable keys per assessment, language, question and field
(``a|<id>|<gen>|<lang>|<question>|<field>``). At the
start of every run, :func:`absorb` copies their values into the draft, so text survives reruns, steps and
page switches; widget state itself is dropped by Streamlit when a widget is not drawn.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import streamlit as st

from framework import draft as drafting
from framework import marks
from framework.assessment import Meta, is_empty
from framework.errors import ConflictError, IpceiError
from framework.models import FieldType
from ui import guard
from ui.i18n import lang, tr
from ui.services import framework_of

DRAFT = "draft"
CONFLICT = "conflict"
STEP = "step"
GEN = "draft_gen"
SAVE_ERROR = "save_error"
USER_NAME = "user_name"
USER_ROLE = "user_role"


def current() -> dict[str, Any] | None:
    return st.session_state.get(DRAFT)


def user_name(default: str = "") -> str:
    name = str(st.session_state.get(USER_NAME) or "").strip()
    return name or default


def actor() -> str:
    """Who acts: the name stated in the sidebar (or signed in); '' when nobody is, and the store then refuses the
    write. Never the author's name in their stead: an edit is attributed to who made it (see ``docs/signoff.md``)."""
    from ui import identity  # ui.identity imports this module

    who = identity.actor()
    return who.name if who is not None else ""


def record_id(raw: Any) -> Any:
    """An id from a URL or the draft as the store's id (a string)."""
    return str(raw)


def open_record(record: Any, step: str | None = None) -> dict[str, Any]:
    """Make a stored record the draft being edited."""
    gen = int(st.session_state.get(GEN, 0)) + 1
    st.session_state[GEN] = gen
    d = {
        "id": str(record.id),
        "revision": record.revision,
        "data": record.assessment.model_dump(mode="json"),
        "dirty": False,
        "gen": gen,
        "saved_at": _iso(getattr(record, "updated_at", None)),
        "saved_by": getattr(record, "updated_by", ""),
        "status": str(getattr(record, "status", "")),
        "framework_sha": getattr(record, "framework_sha256", None),
    }
    d["stored"] = content_key(d["data"])
    st.session_state[DRAFT] = d
    st.session_state.pop(CONFLICT, None)
    st.session_state.pop(SAVE_ERROR, None)
    st.session_state[STEP] = step or "q1"
    return d


def content_key(data: dict[str, Any]) -> str:
    """What a save would change, as one string: the data without the date of the last change (set on save)."""
    meta = {k: v for k, v in (data.get("meta") or {}).items() if k != "updated"}
    return json.dumps({**data, "meta": meta}, sort_keys=True, ensure_ascii=False, default=str)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value or "")


def saved_when(d: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(d["saved_at"])
    except (TypeError, ValueError):
        return None


def ensure(assessment_id: Any) -> dict[str, Any] | None:
    """The draft of this assessment: the one in the session, else loaded from the store (raises if unknown);
    None while the database is down (the guard says so)."""
    d = current()
    if d is not None and d["id"] == str(assessment_id):
        return d
    flush()
    record = guard.use(lambda s: s.get(record_id(assessment_id)))
    if record is None:  # the database is down (the guard said so): keep what the session has
        return None
    return open_record(record)


def close() -> None:
    flush()
    for key in (DRAFT, CONFLICT, STEP, SAVE_ERROR):
        st.session_state.pop(key, None)


def field_key(d: dict[str, Any], question_id: str, field_id: str) -> str:
    """The widget key of an answer field; with the language in it, a language switch makes fresh widgets."""
    return f"a|{d['id']}|{d['gen']}|{lang()}|{question_id}|{field_id}"


def meta_key(d: dict[str, Any], name: str) -> str:
    return f"m|{d['id']}|{d['gen']}|{lang()}|{name}"


def mark_key(widget_key: str, kind: str) -> str:
    """The widget key of a field's format /2 mark (qualifier, «onbekend», «geen»): the field's key and the kind."""
    return f"{widget_key}|{kind}"


def base_key(widget_key: str) -> str:
    """Where the rows a table editor started from are kept (its widget state holds only the edits)."""
    return f"base|{widget_key}"


def set_field(d: dict[str, Any], question_id: str, field_id: str, value: Any) -> None:
    """Set an answer in the draft and in its widget (call before the widget is drawn in this run)."""
    if drafting.set_answer(d["data"], question_id, field_id, value):
        d["dirty"] = True
    framework = framework_of(d)
    answer_field = framework.question(question_id).field(field_id)  # type: ignore[union-attr]
    st.session_state[field_key(d, question_id, field_id)] = drafting.to_form(answer_field, value)


def apply_editor_edits(base: list[dict[str, Any]], edits: Any) -> list[dict[str, Any]]:
    """The rows of a ``st.data_editor`` from its starting rows and the edits in its widget state."""
    rows = [dict(r) for r in base]
    if not isinstance(edits, dict):
        return rows
    for index, changes in (edits.get("edited_rows") or {}).items():
        if 0 <= int(index) < len(rows):
            rows[int(index)].update(changes)
    rows += [dict(r) for r in edits.get("added_rows") or []]
    for index in sorted((int(i) for i in edits.get("deleted_rows") or []), reverse=True):
        if 0 <= index < len(rows):
            del rows[index]
    return rows


def absorb() -> None:
    """Copy the values of this draft's widgets into the draft (run first, before any page draws)."""
    d = current()
    if d is None:
        return
    answer_prefix = f"a|{d['id']}|{d['gen']}|"
    meta_prefix = f"m|{d['id']}|{d['gen']}|"
    keys = [k for k in st.session_state if isinstance(k, str) and k.startswith((answer_prefix, meta_prefix))]
    if not keys:
        return
    try:
        framework = framework_of(d)
    except IpceiError:  # the page says so and keeps the assessment read-only
        return
    meta_values: dict[str, Any] = {}
    mark_values: list[tuple[str, str, str, Any]] = []
    for key in keys:
        if key.startswith(meta_prefix):
            meta_values[key.removeprefix(meta_prefix).split("|", 1)[1]] = st.session_state[key]
            continue
        question_id, field_id = key.removeprefix(answer_prefix).split("|", 2)[1:]
        field_id, _, kind = field_id.partition("|")
        question = framework.question(question_id)
        answer_field = question.field(field_id) if question else None
        if answer_field is None:
            continue
        if kind:
            if kind in marks.kinds_for(answer_field):
                mark_values.append((kind, question_id, field_id, st.session_state[key]))
            continue
        raw = st.session_state[key]
        if answer_field.type == FieldType.SOURCES:
            raw = apply_editor_edits(st.session_state.get(base_key(key), []), raw)
        over = drafting.over_limit(answer_field, raw)
        if over is not None:  # never cut: the text stays on screen, unsaved, with a message naming the limit
            d.setdefault("over", {})[f"{question_id}.{field_id}"] = over
            continue
        d.get("over", {}).pop(f"{question_id}.{field_id}", None)
        if drafting.set_answer(d["data"], question_id, field_id, drafting.from_form(answer_field, raw)):
            d["dirty"] = True
    for kind, question_id, field_id, value in mark_values:
        # «onbekend» and «geen» are kept only while the field itself is empty (the widget says so)
        if kind != marks.QUALIFIER and not is_empty(d["data"].get("answers", {}).get(question_id, {}).get(field_id)):
            value = ""
        if marks.set_mark(d["data"], kind, question_id, field_id, value):
            d["dirty"] = True
    if meta_values:
        meta, _errors = drafting.meta_from_form(
            meta_values, framework, lang(), base=Meta.model_validate(d["data"]["meta"])
        )
        if meta is not None:
            new = meta.model_dump(mode="json")
            if new != d["data"]["meta"]:
                d["data"]["meta"] = new
                d["dirty"] = True


def save() -> str:
    """Save the draft if it changed: 'saved', 'unchanged', 'conflict' or 'error' (message in SAVE_ERROR)."""
    d = current()
    if d is None or not d["dirty"]:
        return "unchanged"
    if st.session_state.get(CONFLICT):
        return "conflict"
    if d.get("stored") == content_key(d["data"]):  # marked changed, but equal to what is stored: no revision
        d["dirty"] = False
        return "unchanged"
    from framework import workflow
    from framework.gates import GateError
    from ui import identity  # ui.identity imports this module

    who = identity.actor()
    if who is None:  # every write has its person: nothing is saved until a name and a role are stated
        st.session_state[SAVE_ERROR] = tr("gate_no_actor")
        return "error"
    d["data"]["meta"]["updated"] = date.today().isoformat()
    assessment = drafting.assessment_from_data(d["data"])
    try:
        record = guard.use(lambda s: workflow.save(s, record_id(d["id"]), assessment, who, based_on=d["revision"]))
    except GateError as exc:  # the role or the status forbids the edit: say why, in the user's language
        st.session_state[SAVE_ERROR] = exc.message(lang())
        return "error"
    except ConflictError as exc:
        theirs = getattr(exc, "theirs", None)
        st.session_state[CONFLICT] = {"id": d["id"], "theirs": getattr(theirs, "revision", None)}
        return "conflict"
    except IpceiError as exc:
        st.session_state[SAVE_ERROR] = str(exc)
        return "error"
    if record is None:  # the database is down: the guard showed why; the draft stays dirty and is kept
        st.session_state.pop(SAVE_ERROR, None)
        return "error"
    st.session_state.pop(SAVE_ERROR, None)
    d.update(
        revision=record.revision,
        dirty=False,
        stored=content_key(d["data"]),
        saved_at=_iso(getattr(record, "updated_at", None)),
        saved_by=getattr(record, "updated_by", ""),
        status=str(getattr(record, "status", d["status"])),
        framework_sha=getattr(record, "framework_sha256", d.get("framework_sha")),
    )
    return "saved"


def flush() -> None:
    """Autosave: save the open draft if it has changes (when leaving a step or a page)."""
    save()


def go_to(step_id: str) -> None:
    """Autosave, then show another step of the wizard (and remember it in the URL)."""
    save()
    select_step(step_id)


def select_step(step_id: str) -> None:
    """A step button's ``on_click``: show that step in the very run the click causes (one run per click).

    Streamlit calls it before the run, so the page draws the chosen step at once instead of drawing the old one,
    then ``st.rerun()`` for the new one. Nothing is skipped: the answer sent with the click is taken into the draft
    (:func:`absorb`) and saved by the wizard's autosave (:func:`flush`, at the top of the page) before the step
    is drawn, as :func:`go_to` saves before it moves.
    """
    st.session_state[STEP] = step_id
    st.query_params["step"] = step_id


def require_draft() -> dict[str, Any] | None:
    """The draft this page shows: the one named in the URL (``?id=``), else the one in the session.

    An assessment the signed-in person may not see (``framework.identity.may_view``) is refused with a message.
    """
    from ui import identity  # ui.identity imports this module

    wanted = st.query_params.get("id")
    d = current()
    if wanted and (d is None or d["id"] != wanted):
        try:
            if identity.is_authenticated():
                found = guard.use(lambda s: s.get(record_id(wanted)))
                if found is None:  # database down: the guard said so
                    return None
                if not identity.may_open(found):
                    st.error(tr("ui_access_refused"), icon=":material/block:")
                    return None
            d = ensure(wanted)
        except (IpceiError, KeyError, LookupError):
            return None
    if d is not None and st.query_params.get("id") != d["id"]:
        st.query_params["id"] = d["id"]
    return d
