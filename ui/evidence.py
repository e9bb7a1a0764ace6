"""The evidence register in the wizard: add an entry, and per question pick the entries its answers cite.

The register and the citations live in the draft (``evidence``, ``citations``, format /2); a change marks the
draft dirty and the page's autosave stores it. An entry is checked as the file format checks it
(``framework.evidence.EvidenceEntry``) and an id already in the register is refused beside the form.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from framework.evidence import AssumptionStatus, EvidenceEntry, Kind
from framework.models import Question
from ui import state
from ui.i18n import tr
from ui.text import plain
from ui.widgets import shown_list

FORM = "evidence_form"


def _entries(d: dict[str, Any]) -> list[dict[str, Any]]:
    return list(d["data"].get("evidence") or [])


def _cite_key(d: dict[str, Any], question_id: str) -> str:
    return f"ev|{d['id']}|{d['gen']}|{question_id}"


def _set_citations(d: dict[str, Any], question_id: str, key: str) -> None:
    chosen = [str(i) for i in st.session_state.get(key) or []]
    citations = d["data"].setdefault("citations", {})
    if citations.get(question_id, []) == chosen:
        return
    if chosen:
        citations[question_id] = chosen
    else:
        citations.pop(question_id, None)
    if not citations:
        d["data"].pop("citations", None)
    d["dirty"] = True


def citations(d: dict[str, Any], question: Question, *, disabled: bool) -> None:
    """A multiselect of the register's entries that this question's answers cite."""
    entries = _entries(d)
    titles = {e["id"]: e.get("title", "") for e in entries}
    key = _cite_key(d, question.id)
    if key not in st.session_state:
        st.session_state[key] = [i for i in (d["data"].get("citations") or {}).get(question.id, []) if i in titles]
    st.multiselect(
        tr("evidence_cite_label"),
        options=list(titles),
        default=shown_list(list(titles), key),
        format_func=lambda i: f"[{i}] {titles.get(i, '')}",
        key=key,
        disabled=disabled or not entries,
        help=tr("evidence_cite_help"),
        placeholder=tr("evidence_cite_placeholder"),
        select_all=False,  # Streamlit's «Select all» is English only
        on_change=_set_citations,
        args=(d, question.id, key),
    )


def register_form(d: dict[str, Any], *, disabled: bool) -> None:
    """The register as it stands, and a form to add an entry."""
    entries = _entries(d)
    with st.expander(tr("evidence_register_title", count=len(entries)), icon=":material/library_books:"):
        for e in entries:
            status = f" ({tr('evidence_status_' + e['status'])})" if e.get("status") else ""
            st.markdown(f"- **[{plain(e['id'])}]** {tr('evidence_kind_' + e['kind'])}{status}: {plain(e['title'])}")
        if disabled:
            return
        with st.form(FORM, clear_on_submit=True):
            left, right = st.columns([1, 3])
            entry_id = left.text_input(tr("evidence_id"), key="ev_new|id", max_chars=20)
            title = right.text_input(tr("evidence_entry"), key="ev_new|title", max_chars=500)
            kind = left.selectbox(
                tr("evidence_kind"),
                [k.value for k in Kind],
                format_func=lambda k: tr(f"evidence_kind_{k}"),
                key="ev_new|kind",
            )
            status = left.selectbox(
                tr("evidence_status_label"),
                [s.value for s in AssumptionStatus],
                format_func=lambda s: tr(f"evidence_status_{s}"),
                key="ev_new|status",
                help=tr("evidence_status_help"),
            )
            reference = right.text_input(tr("evidence_reference"), key="ev_new|reference", max_chars=500)
            date = right.text_input(tr("evidence_date"), key="ev_new|date", placeholder="2024-03-01")
            supports = st.text_input(tr("evidence_supports"), key="ev_new|supports", max_chars=1000)
            if st.form_submit_button(tr("evidence_add"), icon=":material/add:"):
                error = _add(d, entry_id, kind, title, reference, date, supports, status)
                if error:
                    st.markdown(f":red[{plain(error)}]")
                else:
                    state.flush()  # stored at once, and the citation pickers offer it from the next run
                    st.rerun()


def _add(d: dict[str, Any], entry_id: str, kind: str, title: str, ref: str, day: str, note: str, status: str) -> str:
    """Add an entry to the draft's register; the error to show, or '' when it was added."""
    entry_id = entry_id.strip()
    if entry_id in {e["id"] for e in _entries(d)}:
        return tr("evidence_duplicate", id=entry_id)
    try:
        entry = EvidenceEntry(
            id=entry_id,
            kind=kind,
            title=title.strip(),
            reference=ref.strip(),
            date=day.strip(),
            supports=note.strip(),
            status=status if kind == Kind.AANNAME else None,
        )
    except ValidationError as exc:
        where = ", ".join(str(e["loc"][0]) for e in exc.errors(include_url=False) if e["loc"])
        return tr("evidence_invalid", fields=where or "-")
    d["data"].setdefault("evidence", []).append(entry.model_dump(mode="json", exclude_none=True))
    d["dirty"] = True
    return ""


def cited_caption(assessment: Any, question_id: str) -> None:
    """On the review page, under a question: the register entries its answers cite (nothing when none)."""
    cited = assessment.citations.get(question_id) or []
    if cited:
        st.caption(f"{tr('evidence_cites')}: " + ", ".join(f"[{plain(c)}]" for c in cited))


def register_table(framework: Any, assessment: Any) -> None:
    """On the review page: the register with the questions that cite each entry, as the PDF's annex prints it."""
    from framework.report.annex import evidence_annex
    from ui.i18n import lang

    rows = evidence_annex(framework, assessment, lang())
    if not rows:
        return
    st.subheader(tr("evidence_annex_title"))
    table = [
        {
            tr("evidence_id"): f"[{e['id']}]",
            tr("evidence_kind"): e["kind"],
            tr("evidence_entry"): " · ".join(x for x in (e["title"], e["reference"], e["date"]) if x),
            tr("evidence_supports"): e["supports"],
            tr("evidence_cited_by"): ", ".join(q["label"] for q in e["cited_by"]) or tr("evidence_not_cited"),
        }
        for e in rows
    ]
    st.dataframe(table, hide_index=True, width="stretch")
