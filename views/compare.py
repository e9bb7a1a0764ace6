"""Compare: two to six assessments side by side, two revisions of one assessment with a word-level diff, or one
assessment against the signed-off advice it follows («wat is er veranderd», drawn by ``ui.phases``).

The page draws what :mod:`framework.compare.sides` returns; user text is shown escaped (``ui.text.plain``), never as
HTML. ``?ids=ID&ids=ID`` in the URL preselects assessments (a link from elsewhere in the app), and the page
keeps the URL in step with what is chosen, so a comparison can be bookmarked or sent; opening it shows only what
the person may open. The verdict matrix comes first (``ui.compare_matrix``), the prose after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from framework.assessment import Status
from framework.compare import revisions as compare_revisions
from framework.compare import sides as compare
from framework.compare.matrix import filtered as filtered_rows
from framework.errors import IpceiError
from framework.i18n import format_date, format_datetime, t
from framework.loading import default_framework
from framework.store import ListQuery, Page
from ui import compare_matrix as compare_view
from ui import guard, identity, state
from ui import phases as phasing
from ui.diff_text import diff_markdown
from ui.i18n import lang, tr
from ui.services import store  # reads below the list: a fault ends the page through guard.run_page
from ui.text import local_time, plain

LIST_LIMIT = 100  # assessments offered in the picker; filters narrow it down
MAX_ATTRIBUTION_STEPS = 50  # revisions read to say who changed a field last
MAX_VERSIONS = 20  # versions of one assessment followed back and forth
IDS, LABELS, MODE, ONLY = "cmp_ids", "cmp_labels", "cmp_mode", "cmp_only_diff"
ONLY_VERDICTS, NO_SOURCES = "cmp_only_verdicts", "cmp_no_sources"
REV_ID, REV_OLD, REV_NEW, SINCE_ID = "cmp_rev_id", "cmp_rev_old", "cmp_rev_new", "cmp_since_id"
VERDICT_KINDS = ("choice", "scale", "multichoice", "amount", "number", "integer", "date")
BADGES = {"same": "gray", "different": "orange", "not_applicable": "violet"}

state.flush()  # leaving the wizard: autosave what was typed there
L = lang()
framework = default_framework()
labels: dict[str, str] = st.session_state.setdefault(LABELS, {})

st.title(tr("compare_title"))
st.caption(tr("compare_intro"))
modes = {m: tr(f"compare_mode_{m}") for m in ("assessments", "revisions")} | {"since": tr("since_compare_mode")}
mode = st.radio(tr("compare_mode"), list(modes), key=MODE, horizontal=True, format_func=modes.__getitem__)


# --- picking from the store -----------------------------------------------------------------------------------


def _label(item: Any) -> str:
    day = format_date(local_time(item.updated_at), L)
    return " · ".join((item.title, item.ipcei, t(f"status_{item.status.value}", L), day))


def filtered() -> list[str]:
    """The ids of the assessments that match the filters (at most LIST_LIMIT); their labels remembered."""
    advice_field = framework.question("q14").field("advice") if framework.question("q14") else None  # type: ignore[union-attr]
    advices = {o.id: o.label(L) for o in advice_field.options} if advice_field else {}
    ecosystems = {e.id: e.label(L) for e in framework.ecosystems}
    phases = {p.id: p.label(L) for p in framework.phases}
    statuses = {s.value: t(f"status_{s.value}", L) for s in Status if s != Status.GEARCHIVEERD}
    with st.expander(tr("compare_filters"), icon=":material/filter_list:", expanded=True):
        row = st.columns([3, 2, 2, 2, 2, 1.5])
        text = row[0].text_input(tr("compare_filter_text"), key="cmp_f_text", max_chars=200)
        choose: dict[str, Any] = {}
        for col, name, options in (
            (row[1], "ecosystem", ecosystems), (row[2], "phase", phases),
            (row[3], "status", statuses), (row[4], "advice", advices),
        ):  # fmt: skip
            choose[name] = col.selectbox(
                tr(f"compare_meta_{name}") if name != "advice" else tr("compare_advice"), list(options),
                index=None, key=f"cmp_f_{name}", format_func=options.__getitem__, placeholder=tr("compare_filter_all"),
            )  # fmt: skip
        years = list(range(date.today().year, 2019, -1))
        year = row[5].selectbox(
            tr("compare_filter_year"), years, index=None, key="cmp_f_year", placeholder=tr("compare_filter_all")
        )
    query = ListQuery(**choose, year=year, text=(text or "").strip() or None, limit=LIST_LIMIT)
    allowed = identity.visible(query)  # a signed-in author compares only what they may open
    empty = Page(items=[], total=0)
    page = guard.use(lambda s: s.list(allowed), default=empty) if allowed is not None else empty
    for item in page.items:
        labels[item.id] = _label(item)
    key = "compare_matches_more" if page.total > len(page.items) else "compare_matches"
    key = "compare_matches_one" if page.total == 1 else key
    st.caption(tr(key, total=page.total, shown=len(page.items)))
    return [item.id for item in page.items]


def subject(record_id: str, revision: int | None = None) -> compare.Subject:
    """An assessment from the store (its latest revision, or the one asked for) with its framework."""
    record = store().get(record_id)
    fw = store().framework_for(record)
    if revision is None or revision == record.revision:
        return compare.Subject(record.assessment, fw, ref=record_id, revision=record.revision)
    assessment = store().revision(record_id, revision)
    fw = store().framework_of_revision(record_id, revision)  # the version that revision answers, never another
    return compare.Subject(assessment, fw, ref=record_id, revision=revision)


# --- drawing a comparison -------------------------------------------------------------------------------------


def badge(status: compare.RowStatus) -> str:
    """A status as a badge that reads without colour: the sign and the word."""
    return f":{BADGES[status.value]}-badge[{status.marker()} {tr(f'compare_status_{status.value}')}]"


def draw_cell(cell: compare.Cell, kind: str) -> None:
    if not cell.applicable:
        st.caption(f"{tr('compare_na_short')} ({tr('compare_not_applicable')})")
    elif cell.empty:
        st.caption(tr("compare_not_answered"))
    elif kind in VERDICT_KINDS or kind == compare.META:
        st.markdown(f"**{plain(cell.text)}**" if kind in VERDICT_KINDS else plain(cell.text))
        if cell.deviation:
            st.caption(f":material/call_split: {plain(cell.deviation)}")
    else:
        st.markdown(plain(cell.preview))
        if cell.folded:
            with st.expander(tr("compare_show_full")):
                st.markdown(plain(cell.text))


def draw_rows(comparison: compare.Comparison, rows: tuple[compare.Row, ...]) -> None:
    widths = [2.2] + [3] * len(comparison.columns)
    for row in rows:
        cols = st.columns(widths)
        cols[0].markdown(f"{plain(row.label)}  \n{badge(row.status)}")
        for col, cell in zip(cols[1:], row.cells, strict=True):
            with col:
                draw_cell(cell, row.kind)


def draw_header(comparison: compare.Comparison) -> None:
    cols = st.columns([2.2] + [3] * len(comparison.columns))
    for col, column in zip(cols[1:], comparison.columns, strict=True):
        col.markdown(f"**{plain(column.heading)}**  \n{plain(column.ipcei)}")


def draw_question(comparison: compare.Comparison, q: compare.QuestionBlock) -> None:
    with st.container(border=True, key=f"cmp_q_{q.id}"):
        icon = "⚖️ " if q.advice else ""
        st.markdown(f"{icon}**{plain(q.heading)}** · {plain(q.title)}  \n{badge(q.status)}")
        if q.rows:
            draw_rows(comparison, q.rows)
        else:
            st.caption(tr("compare_all_same"))
        if q.footnote:
            st.caption(plain(q.footnote))


def side_by_side() -> None:
    matches = filtered()
    seeded = st.query_params.get_all("ids")
    if IDS not in st.session_state and seeded:
        st.session_state[IDS] = list(dict.fromkeys(seeded))[: compare.MAX_SUBJECTS]
    chosen = [i for i in st.session_state.get(IDS, []) if i in labels or _remember(i)]
    options = chosen + [i for i in matches if i not in chosen]
    if not options:
        st.info(tr("compare_empty_store"), icon=":material/info:")
        return
    picked = st.multiselect(
        tr("compare_pick"), options, key=IDS, max_selections=compare.MAX_SUBJECTS,
        format_func=lambda i: labels.get(i, i), placeholder=tr("compare_pick_placeholder"),
        help=tr("compare_pick_help", limit=LIST_LIMIT), select_all=False,  # no English «Select all»
    )  # fmt: skip
    if len(picked) < compare.MIN_SUBJECTS:
        st.info(tr("compare_pick_more"), icon=":material/info:")
        return
    try:
        comparison = compare.build([subject(i) for i in picked], lang=L)
    except IpceiError as exc:
        st.error(tr("compare_load_failed", detail=plain(exc)), icon=":material/error:")
        return
    st.query_params["ids"] = picked  # the URL carries the comparison: bookmark it, send it
    cols = st.columns(3)
    only_diff = cols[0].toggle(tr("compare_only_differences"), key=ONLY)
    only_verdicts = cols[1].toggle(tr("doc_only_verdicts"), key=ONLY_VERDICTS)
    sources = not cols[2].toggle(tr("doc_without_sources"), key=NO_SOURCES)
    only = "verdicts" if only_verdicts else "differences" if only_diff else ""
    st.header(tr("doc_matrix_title"))
    compare_view.draw_matrix(comparison)
    compare_view.draw_counts(comparison)
    if comparison.frameworks_differ:
        st.info(tr("compare_frameworks_differ"), icon=":material/difference:")
    compare_view.downloads(comparison, only, sources)
    st.caption(tr("compare_legend"))
    meta, questions = filtered_rows(comparison, only=only, sources=sources)
    if only and not meta and not questions:
        st.success(tr("compare_nothing_differs"), icon=":material/check_circle:")

    st.header(tr("compare_chart_title"))
    chart = compare_view.verdict_chart(comparison)
    if chart is not None:
        st.altair_chart(chart, width="stretch", alt=tr("compare_chart_alt", count=len(comparison.columns)))
        st.caption(tr("compare_chart_caption"))

    draw_header(comparison)
    if meta:
        st.header(tr("compare_meta"))
        with st.container(border=True, key="cmp_meta"):
            draw_rows(comparison, meta)
    concluding = [q for q in questions if q.concluding]
    if concluding:
        st.header(tr("compare_conclusions"))
        for q in concluding:
            draw_question(comparison, q)
    part = None
    for q in questions:
        if q.concluding:
            continue
        if q.part != part:
            part = q.part
            st.header(plain(part))
        draw_question(comparison, q)
    compare_view.draw_register(comparison, bool(only))


def _remember(record_id: str) -> bool:
    """Label an id that came from the URL or an earlier filter; False when the store does not know it."""
    try:
        record = guard.use(lambda s: s.get(record_id))
    except IpceiError:
        return False
    if record is None:  # the database is down: the guard said so
        return False
    if not identity.may_open(record):  # an id in the URL does not get round the roles
        return False
    m = record.assessment.meta
    day = format_date(local_time(record.updated_at), L)
    labels[record_id] = " · ".join((m.title, m.ipcei, t(f"status_{record.status.value}", L), day))
    return True


# --- revisions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rev:
    """One revision in the chain of versions of an assessment (a new version supersedes a signed-off one)."""

    key: str  # "<id>@<number>"
    version: int
    id: str
    number: int
    by: str
    at: Any
    status: Status


def chain(record_id: str) -> list[str]:
    """The ids of the versions of an assessment, oldest first: what it supersedes, itself, what supersedes it."""
    links = getattr(store(), "version_links", None)
    ids = [record_id]
    while links is not None and len(ids) < MAX_VERSIONS and (older := links(ids[0])[0]) and older not in ids:
        ids.insert(0, older)
    while links is not None and len(ids) < MAX_VERSIONS and (newer := links(ids[-1])[1]) and newer not in ids:
        ids.append(newer)
    return ids


def revisions_of(ids: list[str]) -> list[Rev]:
    return [
        Rev(f"{aid}@{r.number}", version, aid, r.number, r.by, r.at, r.status)
        for version, aid in enumerate(ids, start=1)
        for r in store().history(aid)
    ]


def _pick_pair(old: str, new: str) -> None:
    st.session_state[REV_OLD], st.session_state[REV_NEW] = old, new


def pick_one(key: str) -> str | None:
    """One assessment from the filtered list (the one picked before stays offered); None until one is picked."""
    matches = filtered()
    current = st.session_state.get(key)
    options = ([current] if current and current not in matches and _remember(current) else []) + matches
    if not options:
        st.info(tr("compare_empty_store"), icon=":material/info:")
        return None
    return st.selectbox(
        tr("compare_pick_one"), options, index=None, key=key, format_func=lambda i: labels.get(i, i),
        placeholder=tr("compare_pick_one_placeholder"),
    )  # fmt: skip


def since_signed_off() -> None:
    """«Wat is er veranderd sinds het vastgestelde advies» for one assessment, drawn as on the review page."""
    record_id = pick_one(SINCE_ID)
    if record_id is not None and phasing.draw_since(record_id) is False:
        st.info(tr("since_compare_none"), icon=":material/info:")


def revisions() -> None:
    record_id = pick_one(REV_ID)
    if record_id is None:
        return
    ids = chain(record_id)
    revs = revisions_of(ids)
    if len(revs) < 2:
        st.info(tr("compare_revision_single"), icon=":material/info:")
        return
    by_key = {r.key: r for r in revs}
    keys = [r.key for r in reversed(revs)]
    if len(ids) > 1:
        st.caption(tr("compare_versions", count=len(ids)))

    def rev_label(key: str) -> str:
        r = by_key[key]
        status = t(f"status_{r.status.value}", L)
        text = t(
            "compare_revision_label", L, number=r.number, by=r.by, at=format_datetime(local_time(r.at)), status=status
        )
        return f"{t('compare_version', L, number=r.version)} · {text}" if len(ids) > 1 else text

    def short(key: str) -> str:
        r = by_key[key]
        if len(ids) > 1:
            return t("compare_rev_short", L, version=r.version, number=r.number)
        return t("compare_rev_short_single", L, number=r.number)

    if st.session_state.get(REV_OLD) not in by_key or st.session_state.get(REV_NEW) not in by_key:
        _pick_pair(keys[1], keys[0])
    for old_rev, new_rev in compare_revisions.signed_off_pairs(revs):
        st.button(
            tr("compare_signed_off_pair", old=short(old_rev.key), new=short(new_rev.key)),
            key=f"cmp_pair_{old_rev.key}_{new_rev.key}", on_click=_pick_pair, args=(old_rev.key, new_rev.key),
            icon=":material/verified:", type="tertiary",
        )  # fmt: skip
    cols = st.columns(2)
    old_key = cols[0].selectbox(tr("compare_revision_old"), keys, key=REV_OLD, format_func=rev_label)
    new_key = cols[1].selectbox(tr("compare_revision_new"), keys, key=REV_NEW, format_func=rev_label)
    if old_key == new_key:
        st.info(tr("compare_revision_same"), icon=":material/info:")
        return
    old, new = by_key[old_key], by_key[new_key]
    older, newer = subject(old.id, old.number), subject(new.id, new.number)
    comparison = compare.build([older, newer], lang=L)
    changes = compare_revisions.changes(comparison)
    if not changes:
        st.success(tr("compare_no_changes"), icon=":material/check_circle:")
        return
    st.caption(tr("compare_changes_count", count=len(changes), old=short(old_key), new=short(new_key)))
    st.caption(tr("compare_diff_legend"))
    first, last = revs.index(old), revs.index(new)
    steps = revs[first + 1 : last + 1]
    who: dict[str, compare_revisions.Attribution] = {}
    if 0 < len(steps) <= MAX_ATTRIBUTION_STEPS:
        loaded = [(r, newer.assessment if r is new else store().revision(r.id, r.number)) for r in steps]
        who = compare_revisions.attribute([c.row.key for c in changes], older.assessment, loaded)
    for change in changes:
        with st.container(border=True, key=f"cmp_change_{change.row.key.replace('.', '_')}"):
            where = change.question.heading if change.question else tr("compare_meta")
            if change.register:  # an entry of the evidence register: added, removed or changed
                where = f"{tr('evid_register')} ({tr(f'evid_{change.register}')})"
            st.markdown(f"**{plain(where)}** · {plain(change.row.label)}")
            if (by := who.get(change.row.key)) is not None:
                at = format_datetime(local_time(by.at))
                st.caption(tr("compare_changed_by", revision=short(by.revision.key), by=plain(by.by), at=at))
            if change.row.kind in (*VERDICT_KINDS, compare.META) and "\n" not in change.row.cells[1].text:
                was, now = (c.text or tr("compare_not_answered") for c in change.row.cells)
                st.markdown(
                    f"{tr('compare_diff_old_value')}: :red[~~{plain(was)}~~] → "
                    f"{tr('compare_diff_new_value')}: :green[**{plain(now)}**]"
                )
            else:
                st.markdown(diff_markdown(change.segments))


if mode == "revisions":
    revisions()
elif mode == "since":
    since_signed_off()
else:
    side_by_side()
