"""The phases of a dossier in the app: carried-over marks, «wat is er veranderd sinds het vastgestelde advies»,
and the form that starts the next phase (``framework.phases`` decides; this only draws and hands over)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import memo, phases
from framework.dossier import phase_rank
from framework.errors import IpceiError
from framework.gates import GateError
from framework.models import Framework
from ui import guard, identity, state
from ui.i18n import lang, tr
from ui.text import plain

REF_KEY = "phases|ref|{id}"  # the signed-off advice a draft follows, read once per draft (None: follows none)
NEXT_PAGE = "views/new_assessment.py"


def reference(d: dict[str, Any]) -> phases.Reference | None:
    """The signed-off advice the open draft follows (read from the store once per draft and kept)."""
    key = REF_KEY.format(id=d["id"])
    if key not in st.session_state:
        record = guard.use(lambda s: s.get(d["id"]))
        if record is None:  # the database is down: no marks now, try again on the next run
            return None
        st.session_state[key] = guard.use(lambda s: phases.reference(s, record))
    return st.session_state[key]


def carried_caption(d: dict[str, Any], assessment: Any, question_id: str, field_id: str) -> None:
    """«Overgenomen uit het vastgestelde advies van DATUM» under an answer that is still as it was carried over."""
    ref = reference(d)
    if ref is None or not ref.carries_over:
        return
    if (question_id, field_id) in phases.carried_over(ref, _only(assessment, question_id, field_id)):
        st.caption(f":material/history: {tr('phases_carried', date=ref.signed_on.strftime('%d-%m-%Y'))}")


def _only(assessment: Any, question_id: str, field_id: str) -> Any:
    """The assessment with just this one answer (the comparison of one field, not of all of them)."""
    value = assessment.value(question_id, field_id)
    return assessment.model_copy(update={"answers": {question_id: {field_id: value}}})


def since_section(d: dict[str, Any]) -> None:
    """The review page's «Wat is er veranderd sinds het vastgestelde advies van DATUM» (nothing when none)."""
    ref = reference(d)
    if ref is None:
        return
    draw_since(d["id"], ref)


def draw_since(record_id: str, ref: phases.Reference | None = None) -> bool | None:
    """Draw what changed in the stored assessment ``record_id`` since the signed-off advice it follows.

    ``ref`` is that advice when already known (the review page keeps it per draft); without it, it is read now
    (the compare page, where any assessment may be picked). Returns False when the assessment follows no
    signed-off advice (nothing drawn), None when the store could not be read (the guard said so), else True.
    """
    record = guard.use(lambda s: s.get(record_id))
    if record is None:
        return None
    found = guard.use(lambda s: memo.changes_since(s, record, lang(), ref), default=guard)  # kept by content
    if found is guard:  # the database went down between the two reads
        return None
    if found is None:
        return False
    with st.container(key="phases_since", border=True):
        st.header(found.title())
        st.caption(plain(found.base_line()))
        if found.empty:
            st.success(tr("phases_since_nothing"), icon=":material/check_circle:")
            return True
        empty = tr("phases_since_empty")
        for key, items in (("verdicts", found.verdicts), ("figures", found.figures), *found.extra.items()):
            if items:
                st.subheader(tr(f"phases_since_{key}"))
                for c in items:
                    st.markdown(f"**{plain(c.label)}**: ~~{plain(c.was or empty)}~~ → {plain(c.now or empty)}")
        if found.findings:
            st.subheader(tr("phases_since_findings"))
            for f in found.findings:
                mark = tr("phases_since_new_finding" if f.new else "phases_since_resolved_finding")
                st.markdown(f"**{mark}**: {plain(f.text(lang()))}")
        if found.texts:
            st.subheader(tr("phases_since_texts"))
            for c in found.texts:
                st.markdown(f"**{plain(c.label)}** · {tr('phases_since_counts', **c.counts)}")
                st.markdown(diff_markdown(c.segments))
    return True


def diff_markdown(segments: Any) -> str:
    """A word diff as Markdown: deleted words struck through in red, inserted words in green; all user text escaped.

    Long unchanged runs are shortened to their ends (as in the PDF).
    """
    from framework.report.phase_view import _elide

    out = []
    for s in segments:
        text = s.text.strip()
        if not text:
            continue
        if s.op.value == "delete":
            out.append(f":red[~~{plain(text)}~~]")
        elif s.op.value == "insert":
            out.append(f":green[**{plain(text)}**]")
        else:
            out.append(plain(_elide(text)))
    return " ".join(out)


def next_phase_form(source_id: str, framework: Framework) -> None:
    """On the new-assessment page (``?from=ID``): the phase of the new advice, and the button that starts it."""
    who = identity.actor()
    dossier = guard.use(lambda s: s.dossier_of(source_id))
    latest = guard.use(lambda s: s.latest_signed_off(dossier)) if dossier is not None else None
    if latest is None:
        st.info(tr("phases_no_signed_off", ipcei=plain(dossier or source_id)), icon=":material/info:")
        return
    when = latest.signed_off_at.strftime("%d-%m-%Y") if latest.signed_off_at else ""
    st.subheader(tr("phases_next_title"))
    st.caption(tr("phases_next_intro", title=plain(latest.title), date=when))
    current = phase_rank(framework, latest.phase)
    later = [e.id for e in framework.phases if current is None or phase_rank(framework, e.id) > current]
    if not later:
        st.info(tr("phases_no_next", phase=framework.label("phases", latest.phase, lang())), icon=":material/info:")
        return
    with st.form("next_phase", border=True, enter_to_submit=False):
        phase = st.selectbox(
            tr("phases_next_phase"),
            later,
            index=0,
            key="phases|next",
            format_func=lambda p: framework.label("phases", p, lang()),
        )
        started = st.form_submit_button(tr("phases_next_button"), type="primary", icon=":material/skip_next:")
    if not started:
        return
    try:
        record = guard.use(lambda s: phases.start_next_phase(s, latest.id, who, phase))
    except IpceiError as exc:
        text = exc.message(lang()) if isinstance(exc, GateError) else str(exc)
        st.error(plain(text), icon=":material/error:")
        return
    if record is None:  # the database is down: the guard said so
        return
    state.open_record(record, step="q1")
    st.switch_page("views/wizard.py", query_params={"id": str(record.id), "step": "q1"})


def next_phase_link(record: Any) -> None:
    """On a signed-off assessment: the way to the next phase of its dossier."""
    if phases.is_final(record.status):
        st.page_link(
            NEXT_PAGE,
            label=tr("phases_next_button"),
            icon=":material/skip_next:",
            query_params={"from": record.id},
        )
