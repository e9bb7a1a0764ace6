"""Review: all answers on one page, the open findings, a preview of the advice PDF and its download."""

from __future__ import annotations

import streamlit as st

from framework import advice, marks, memo, workflow
from framework import draft as drafting
from framework.assessment import Status, canonical_json, is_empty
from framework.errors import IpceiError
from framework.i18n import t
from framework.report.filename import DOCX_MIME, advice_filename
from ui import coverage, evidence, findings, guard, keyfigures_form, signoff, state
from ui import phases as phasing
from ui import upgrade as upgrading
from ui.i18n import lang, tr
from ui.services import pdf_bytes, pdf_viewer_available
from ui.text import plain

d = state.require_draft()
if d is None:
    st.info(tr("ui_no_draft"), icon=":material/info:")
    st.page_link("views/overview.py", label=tr("ui_nav_overview"), icon=":material/list:")
    st.stop()

state.flush()  # the review and the PDF show what is stored
framework = upgrading.framework_or_stop(d)
assessment = drafting.assessment_from_data(d["data"])
check = memo.check(framework, assessment)  # kept by content: a rerun without a change reuses it
meta = assessment.meta
target: str | None = None
# «Bewerken» only where the text can be edited (the wizard's own gate, ``signoff.edit_block``): a signed-off or
# submitted text, or a reader, opens it to read; someone who has not yet stated a name may edit what is not
# under review once they do (the wizard asks for it)
_block = signoff.edit_block(d)
_editable = _block is None or (_block == "gate_ui_who_is_working" and meta.status != Status.TER_REVIEW)
EDIT = tr("ui_edit") if _editable else tr("walk2_open_in_wizard")
EDIT_ICON = ":material/edit:" if _editable else ":material/visibility:"

st.title(tr("ui_review_title"))
st.caption(plain(meta.title) + " · " + t(f"status_{meta.status}", lang()))
if meta.illustrative:
    st.info(t("illustrative", lang()), icon=":material/science:")
signoff.flash()
phasing.since_section(d)  # «wat is er veranderd sinds het vastgestelde advies», when it follows one

# --- open findings ---
st.header(tr("ui_review_findings"))
if not check.findings:
    st.success(tr("ui_review_no_findings"), icon=":material/check_circle:")
if check.consistency:
    target = findings.show(framework, check.consistency, "review") or target
incomplete = dict.fromkeys(q for f in check.completeness for q in f.questions)
if incomplete:
    st.warning(tr("ui_review_incomplete", count=len(incomplete)), icon=":material/edit_note:")
    for question_id in incomplete:
        missing = ", ".join(findings.missing_fields(framework, check.completeness, question_id))
        left, right = st.columns([3, 1])
        left.markdown(f"{findings.question_label(framework, question_id)}: {plain(missing)}")
        if right.button(EDIT, key=f"fix|{question_id}", icon=EDIT_ICON, type="tertiary"):
            target = question_id

# --- deviations from the suggestions, with the author's motivation ---
if check.deviations:
    st.header(tr("checks_deviations"))
    for deviation in check.deviations:
        with st.container(border=True, key=f"deviation_{deviation.question}_{deviation.field}"):
            st.markdown(f"**{plain(deviation.heading(lang()))} · {plain(deviation.label(lang()))}**")
            values = tr("checks_deviation_values", value=deviation.value_label(lang()))
            suggested, reason = deviation.suggested_label(lang()), deviation.reason(lang())
            reason = tr("checks_deviation_from", suggested=suggested, reason=reason)
            st.markdown(f"{plain(values)} · {plain(reason)}")
            st.caption(tr("checks_motivation"))
            st.text(deviation.motivation or tr("checks_no_motivation"))
            key = f"deviation|{deviation.question}|{deviation.field}"
            if st.button(EDIT, key=key, icon=EDIT_ICON, type="tertiary"):
                target = deviation.question
deviating = {(d.question, d.field): d for d in check.deviations}

# --- the advice PDF ---
st.header(tr("ui_review_pdf"))
canonical = canonical_json(assessment)
sheet = guard.use(lambda s: workflow.parafenlijst(s, d["id"]).model_dump_json())
pdf_lang = meta.language
file_name = advice_filename(assessment, kind="pdf", revision=d["revision"], lang=pdf_lang)
word_name = advice_filename(assessment, kind="docx", revision=d["revision"], lang=pdf_lang)
# The database is down when there is no parafenlijst (the guard said so): no advice without it.
if sheet is not None:
    try:
        show_preview = st.toggle(tr("ui_pdf_preview"), key="review|preview", value=False)
        if show_preview:
            with st.spinner(tr("ui_pdf_rendering")):
                data = pdf_bytes(canonical, pdf_lang, sheet, framework_sha=d.get("framework_sha"))
            if pdf_viewer_available():
                st.pdf(data, height=720, alt=tr("ui_pdf_alt", title=meta.title), key="review-pdf")
            else:
                st.info(tr("ui_pdf_no_viewer"), icon=":material/info:")
        the_store, who, record, revision = guard.use(lambda s: s), state.actor(), d["id"], d["revision"]

        def _download(kind: str, name: str) -> bytes:
            """Runs when the button is clicked (on its own thread): render (cached), note the export and, for a
            signed-off advice PDF, record the issued file (its SHA-256) so that «Advies controleren» knows it."""
            content = pdf_bytes(canonical, pdf_lang, sheet, kind, framework_sha=d.get("framework_sha"))
            if who:  # the export is recorded under who works now; nobody stated: no name is made up
                the_store.record_event(record, "exported", who, {"file": name, "revision": revision})
            if kind == "pdf" and meta.status in advice.FINAL:
                advice.issue_advice(the_store, record, revision, assessment.content_hash(), content, who)
            return content

        with st.container(horizontal=True, gap="small"):
            st.download_button(
                tr("ui_pdf_download"),
                data=lambda: _download("pdf", file_name),
                file_name=file_name,
                mime="application/pdf",
                icon=":material/download:",
                type="primary",
                on_click="ignore",
                key="review|download",
            )
            st.download_button(
                tr("doc_word_download"),
                data=lambda: _download("docx", word_name),
                file_name=word_name,
                mime=DOCX_MIME,
                icon=":material/description:",
                on_click="ignore",
                key="review|download-docx",
            )
        st.caption(tr("ui_pdf_name", name=plain(file_name)) + " · " + plain(word_name))
    except (ImportError, IpceiError) as exc:
        st.error(tr("ui_pdf_failed", detail=plain(exc)), icon=":material/error:")

# --- the Commission's criteria (Communication 2021/C 528/02): how well the answers cover them ---
target = coverage.show(check.coverage, editable=_editable) or target

# --- all answers ---
reviews = signoff.latest_reviews(d["id"])
st.header(tr("ui_review_answers"))
with st.container(border=True):
    st.markdown(f"**{tr('ui_step_meta')}**")
    for name, label_key in (
        ("ipcei", "ui_meta_ipcei"),
        ("ecosystem", "ui_meta_ecosystem"),
        ("phase", "ui_meta_phase"),
        ("member_states", "ui_meta_member_states"),
        ("national_budget_eur", "ui_meta_budget"),
        ("case_number", "ui_meta_case_number"),
        ("ministry", "ui_meta_ministry"),
        ("author", "ui_meta_author"),
        ("coordinator", "format_meta_coordinator"),
        ("few_member_states_reason", "format_meta_few_member_states_reason"),
        ("reference_date", "format_meta_reference_date"),
        ("secondary_ecosystems", "format_meta_secondary_ecosystems"),
    ):
        shown = drafting.display_meta(framework, name, getattr(meta, name), lang())
        if name == "national_budget_eur" and not shown and meta.national_budget_unknown:
            shown = marks.unknown_text(meta.national_budget_unknown, lang())
        st.markdown(f"{tr(label_key)}: {plain(shown) if shown else '—'}")
    if st.button(EDIT, key="edit|meta", icon=EDIT_ICON, type="tertiary"):
        target = drafting.META_STEP
keyfigures_form.show(assessment)
for part in framework.parts:
    st.subheader(part.heading(lang(), " · "))
    for question in part.questions:
        with st.container(border=True):
            st.markdown(f"**{findings.heading(question)}**")
            answers = assessment.answers.get(question.id, {})
            if not any(marks.answered(assessment, question.id, f.id) for f in question.fields):
                st.caption(tr("ui_not_answered"))
            for answer_field in question.fields:
                value = answers.get(answer_field.id)
                marked = marks.mark_texts(assessment, question.id, answer_field.id, lang())
                if is_empty(value) and not marked:
                    continue
                st.caption(answer_field.label(lang()))
                if not is_empty(value):
                    st.text(drafting.display_value(answer_field, value, lang()))
                for text in marked:  # «onbekend (reden)», «geen», or the qualifier beside the verdict
                    st.text(text if is_empty(value) else f"{tr('format_qualifier_short')}: {text}")
                phasing.carried_caption(d, assessment, question.id, answer_field.id)
                if (deviation := deviating.get((question.id, answer_field.id))) is not None:
                    suggested = deviation.suggested_label(lang())
                    st.caption(f":material/call_split: {plain(tr('checks_deviation_short', suggested=suggested))}")
            evidence.cited_caption(assessment, question.id)
            if question.footnote:
                st.caption(question.footnote(lang()))
            signoff.question_comments(d, question.id, reviews)
            if st.button(EDIT, key=f"edit|{question.id}", icon=EDIT_ICON, type="tertiary"):
                target = question.id

evidence.register_table(framework, assessment)

# --- review and sign-off ---
signoff.panel(d, framework)

if target is not None:
    state.go_to(target)
    st.switch_page("views/wizard.py", query_params={"id": d["id"], "step": target})
