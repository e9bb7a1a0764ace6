"""Overview: the assessments in the store, paged, with filters; open, duplicate, archive; new; import."""

from __future__ import annotations

from datetime import date

import streamlit as st

from framework import search
from framework.assessment import Status
from framework.errors import InputError, IpceiError
from framework.i18n import format_datetime, t
from framework.imports import import_bytes
from framework.loading import default_framework
from framework.store import ListQuery, Page
from ui import guard, identity, state
from ui.i18n import lang, tr
from ui.text import local_time, plain

PAGE_SIZE = 20
MAX_UPLOAD_MB = 5
IMPORTED = "ov_imported"

state.flush()  # leaving the wizard: autosave what was typed there
framework = default_framework()
advice_field = framework.question("q14").field("advice") if framework.question("q14") else None  # type: ignore[union-attr]
advice_labels = {o.id: o.label(lang()) for o in advice_field.options} if advice_field else {}
ecosystems = {e.id: e.label(lang()) for e in framework.ecosystems}
phases = {p.id: p.label(lang()) for p in framework.phases}
statuses = {s.value: t(f"status_{s.value}", lang()) for s in Status if s != Status.GEARCHIVEERD}

st.title(tr("ui_overview_title"))
st.caption(tr("ui_overview_intro"))
left, right = st.columns([1, 3], vertical_alignment="center")
if left.button(tr("ui_nav_new"), type="primary", icon=":material/add_circle:", key="ov_new"):
    st.switch_page("views/new_assessment.py")

# --- import a file ---
with right.expander(tr("ui_import_title"), icon=":material/upload_file:"):
    upload = st.file_uploader(
        tr("ui_import_label"),
        type=["yaml", "yml", "json", "pdf"],
        key="ov_upload",
        help=tr("ui_import_help", mb=MAX_UPLOAD_MB),
        max_upload_size=MAX_UPLOAD_MB,
    )
    who = identity.actor()
    if who is None:
        st.caption(tr("gate_ui_identify_to_import"))
    if st.button(
        tr("ui_import_button"), disabled=upload is None or who is None, key="ov_import", icon=":material/upload:"
    ):
        try:
            if who is None:  # a write needs its person (the button is disabled; a forged click still stops here)
                raise IpceiError(tr("gate_no_actor"))
            content, name = upload.getvalue(), upload.name  # type: ignore[union-attr]
            record = guard.use(lambda s: import_bytes(s, content, name, who.name))
        except InputError as exc:
            st.error(tr("ui_import_failed", name=plain(upload.name)), icon=":material/error:")  # type: ignore[union-attr]
            st.dataframe(
                [
                    {
                        tr("ui_import_line"): str(p.line or ""),
                        tr("ui_import_field"): p.field or tr("ui_import_whole_file"),
                        tr("ui_import_message"): p.text(lang()),  # Dutch where the domain has it
                    }
                    for p in exc.problems
                ],
                hide_index=True,
                width="stretch",
            )
        except IpceiError as exc:
            st.error(tr("ui_import_refused", name=plain(upload.name), detail=plain(exc)), icon=":material/error:")  # type: ignore[union-attr]
        else:
            if record is not None:  # None: the database is down, nothing was imported; the guard said so
                st.session_state[IMPORTED] = record.id
                entry = guard.use(lambda s: s.audit(record.id, limit=1), default=[])
                claimed = str(entry[0].detail.get("claimed_status", "concept")) if entry else "concept"
                st.session_state[IMPORTED + "|status"] = (record.status.value, claimed)
    if imported := st.session_state.get(IMPORTED):
        st.success(tr("ui_import_done"), icon=":material/check_circle:")
        stored, claimed = st.session_state.get(IMPORTED + "|status", ("concept", "concept"))
        if stored == Status.VASTGESTELD.value:
            st.info(tr("gate_ui_imported_signed"), icon=":material/verified:")
        elif claimed != Status.CONCEPT.value:
            st.info(tr("gate_ui_imported_as_concept", claimed=t(f"status_{claimed}", lang())), icon=":material/info:")
        if st.button(tr("ui_open"), key="ov_open_imported", type="primary"):
            st.session_state.pop(IMPORTED, None)
            if state.ensure(imported) is not None:
                st.switch_page("views/wizard.py", query_params={"id": imported, "step": "q1"})

# --- filters ---
with st.container(border=True):
    row1 = st.columns([3, 2, 2, 2])
    text = row1[0].text_input(tr("ui_filter_text"), key="ov_text", placeholder=tr("ui_ph_search"), max_chars=200)
    status = row1[1].selectbox(
        tr("ui_filter_status"), list(statuses), index=None, key="ov_status",
        format_func=statuses.__getitem__, placeholder=tr("ui_ph_all"),
    )  # fmt: skip
    ecosystem = row1[2].selectbox(
        tr("ui_meta_ecosystem"), list(ecosystems), index=None, key="ov_ecosystem",
        format_func=ecosystems.__getitem__, placeholder=tr("ui_ph_all"),
    )  # fmt: skip
    phase = row1[3].selectbox(
        tr("ui_meta_phase"), list(phases), index=None, key="ov_phase",
        format_func=phases.__getitem__, placeholder=tr("ui_ph_all"),
    )  # fmt: skip
    row2 = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    author = row2[0].text_input(tr("ui_filter_author"), key="ov_author", placeholder=tr("ui_ph_author_filter"))
    advice = row2[1].selectbox(
        tr("ui_filter_advice"), list(advice_labels), index=None, key="ov_advice",
        format_func=advice_labels.__getitem__, placeholder=tr("ui_ph_all"),
    )  # fmt: skip
    years = list(range(date.today().year, 2019, -1))
    year = row2[2].selectbox(tr("ui_filter_year"), years, index=None, key="ov_year", placeholder=tr("ui_ph_all"))
    archived = row2[3].toggle(tr("ui_filter_archived"), key="ov_archived", help=tr("ui_filter_archived_help"))

filters = (text, status, ecosystem, phase, author, advice, year, archived)
if st.session_state.get("ov_filters") != filters:  # other filters: back to the first page
    st.session_state["ov_filters"] = filters
    st.session_state["ov_page"] = 1
page_number = int(st.session_state.get("ov_page", 1))
query = ListQuery(
    status=status,
    ecosystem=ecosystem,
    phase=phase,
    advice=advice,
    author=(author or "").strip() or None,
    year=year,
    text=(text or "").strip() or None,
    include_archived=archived,
    offset=(page_number - 1) * PAGE_SIZE,
    limit=PAGE_SIZE,
)
allowed = identity.visible(query)  # a signed-in author sees only what they drafted
empty = Page(items=[], total=0)
result = guard.use(lambda s: s.list(allowed), default=empty) if allowed is not None else empty
if note := search.feedback(query.text):
    st.caption(tr(note, count=search.MAX_TERMS))
ids = [item.id for item in result.items]
hits = guard.use(lambda s: s.search_hits(ids, query.text), default={}) if query.text and ids else {}

# --- the list ---
if result.total == 0:
    st.info(tr("ui_overview_empty") if not any(filters) else tr("ui_overview_none_match"), icon=":material/info:")
else:
    first, last = query.offset + 1, query.offset + len(result.items)
    st.caption(tr("ui_overview_count", first=first, last=last, total=result.total))
    widths = [5, 2, 2, 1.5, 2, 4]
    head = st.columns(widths)
    for col, key in zip(
        head,
        ("ui_col_title", "ui_filter_advice", "ui_meta_author", "ui_filter_status", "ui_col_updated", "ui_col_actions"),
        strict=True,
    ):
        col.markdown(f"**{tr(key)}**")
    action: tuple[str, str] | None = None
    for item in result.items:
        with st.container(border=True):
            cols = st.columns(widths, vertical_alignment="center")
            where = " · ".join((ecosystems.get(item.ecosystem, item.ecosystem), phases.get(item.phase, item.phase)))
            cols[0].markdown(f"**{plain(item.title)}**  \n{plain(item.ipcei)}  \n:gray[{plain(where)}]")
            for hit in hits.get(item.id, []):  # where the search words were found
                label = search.part_label(hit.part, framework, lang())
                cols[0].caption(f"{plain(label)}: {plain(hit.snippet)}")
            cols[1].write(advice_labels.get(item.advice or "", "—"))
            cols[2].markdown(plain(item.author))
            cols[3].write(tr("ui_archived") if item.archived else t(f"status_{item.status.value}", lang()))
            cols[4].write(format_datetime(local_time(item.updated_at)))
            with cols[5].container(horizontal=True, gap="small"):
                if st.button(tr("ui_open"), key=f"open|{item.id}", type="primary", disabled=item.archived):
                    action = ("open", item.id)
                if st.button(tr("ui_duplicate"), key=f"dup|{item.id}", help=tr("ui_duplicate_help")):
                    action = ("duplicate", item.id)
                if item.archived:
                    if st.button(tr("ui_restore"), key=f"restore|{item.id}"):
                        action = ("restore", item.id)
                elif st.button(tr("ui_archive"), key=f"archive|{item.id}", help=tr("ui_archive_help")):
                    action = ("archive", item.id)
    pages = max(1, -(-result.total // PAGE_SIZE))
    if pages > 1:
        st.pagination(pages, key="ov_page")
    if action is not None:
        kind, assessment_id = action
        try:
            if kind == "open":
                if state.ensure(assessment_id) is not None:
                    st.switch_page("views/wizard.py", query_params={"id": assessment_id, "step": "q1"})
            elif kind == "duplicate":
                if guard.use(lambda s: s.duplicate(assessment_id, state.actor())) is None:
                    st.stop()  # the database is down: the guard said so
                st.toast(tr("ui_duplicated"), icon=":material/content_copy:")
            elif kind == "archive":
                if (d := state.current()) is not None and d["id"] == assessment_id:
                    state.close()
                if guard.use(lambda s: s.archive(assessment_id, state.actor())) is None:
                    st.stop()
                st.toast(tr("ui_archived_done"), icon=":material/archive:")
            else:
                if guard.use(lambda s: s.restore(assessment_id, state.actor())) is None:
                    st.stop()
                st.toast(tr("ui_restored_done"), icon=":material/unarchive:")
        except IpceiError as exc:
            st.error(plain(exc), icon=":material/error:")
        else:
            st.rerun()
