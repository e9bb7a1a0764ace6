"""The wizard: one step per question of the framework, with guidance, checks and suggested conclusions."""

from __future__ import annotations

import streamlit as st

from framework import draft as drafting
from framework import memo
from framework.draft import META_STEP, StepState
from framework.i18n import format_datetime, t
from ui import conflict, findings, keyfigures_form, meta_form, persist, signoff, state, widgets
from ui import evidence as evidence_ui
from ui import phases as phasing
from ui import upgrade as upgrading
from ui.i18n import lang, tr
from ui.text import local_time, plain

ICONS = {
    StepState.EMPTY: ":material/radio_button_unchecked:",
    StepState.STARTED: ":material/clock_loader_40:",
    StepState.COMPLETE: ":material/check_circle:",
    StepState.FINDINGS: ":material/warning:",
}

d = state.require_draft()
if d is None:
    st.info(tr("ui_no_draft"), icon=":material/info:")
    st.page_link("views/overview.py", label=tr("ui_nav_overview"), icon=":material/list:")
    st.stop()

persist.restore_draft()  # a draft this browser kept before a reload (the database was down then)
state.flush()  # autosave: every committed change goes to the store at once, so a reload loses nothing
framework = upgrading.framework_or_stop(d)
assessment = drafting.assessment_from_data(d["data"])
check = memo.check(framework, assessment)  # kept by content: a rerun without a change reuses it
steps = drafting.steps(framework)
states = drafting.step_states(framework, assessment, check)
ids = [s.id for s in steps]
step_id = st.query_params.get("step") or st.session_state.get(state.STEP) or "q1"
step_id = step_id if step_id in ids else ids[min(1, len(ids) - 1)]
st.session_state[state.STEP] = step_id
if st.query_params.get("step") != step_id:
    st.query_params["step"] = step_id
position = ids.index(step_id)
target: str | None = None

# --- heading ---
meta = assessment.meta
block = signoff.edit_block(d)  # read-only: nobody stated, a role that does not edit, under review, signed off
signoff.edit_banner(d, block)  # «Wie werkt er?» (or why read-only) at the top of the page
st.title(plain(meta.title))
facts = [plain(meta.ipcei), framework.label("ecosystems", meta.ecosystem, lang()), t(f"status_{meta.status}", lang())]
st.caption(" · ".join(facts))
if meta.illustrative:
    st.info(t("illustrative", lang()), icon=":material/science:")
done, total = drafting.progress(states)
st.progress(done / total if total else 0.0, text=tr("ui_progress", done=done, total=total))
saved = tr(
    "ui_saved_at",
    when=format_datetime(local_time(state.saved_when(d))),
    who=plain(d["saved_by"]),
    revision=d["revision"],
)
st.caption(saved + (" · :material/warning: " + tr("ui_unsaved") if d["dirty"] else ""))
if error := st.session_state.get(state.SAVE_ERROR):
    key = "wf_frozen_error" if signoff.is_frozen(d) else "ui_save_failed"
    st.error(tr(key, detail=plain(error)), icon=":material/error:")
signoff.wizard_banner(d)
conflict.flash()
persist.notice()
frozen = block is not None
reviews = signoff.latest_reviews(d["id"])

# --- the step list ---
# A fixed style (no user text): step buttons read left-aligned, like a table of contents.
STEP_LIST_CSS = (
    "<style>.st-key-steps button {justify-content: flex-start; text-align: left;}"
    " .st-key-steps button div {justify-content: flex-start; text-align: left;}</style>"
)
with st.sidebar, st.container(key="steps"):
    st.html(STEP_LIST_CSS)
    st.subheader(tr("ui_steps"))
    group = None
    for step in steps:
        if step.group != group:
            group = step.group
            if step.group_title is not None:
                title = step.group_title(lang())
                st.caption(f"**{step.group}**" + ("" if title == step.group else f" · {title}"))
        step_state = states.get(step.id, StepState.EMPTY)
        st.button(  # on_click: the click's own run draws that step (no second run; see state.select_step)
            step.label(lang()),
            key=f"step|{step.id}",
            icon=ICONS[step_state],
            type="primary" if step.id == step_id else "tertiary",
            help=tr(f"ui_state_{step_state.value}"),
            on_click=state.select_step,
            args=(step.id,),
        )
    if st.button(tr("ui_to_review"), key="step|review", icon=":material/fact_check:", type="secondary"):
        target = "review"
    st.caption(tr("ui_legend"))

# --- the step ---
step = steps[position]
if st.session_state.get(state.CONFLICT):
    conflict.render(d, framework, step_id)
    st.stop()

if step.id == META_STEP:
    st.header(tr("ui_step_meta"))
    st.caption(tr("ui_meta_intro"))
    key = lambda name: state.meta_key(d, name)  # noqa: E731
    meta_values = meta_form.values_of(d["data"]["meta"])
    current = {name: st.session_state.get(key(name), value) for name, value in meta_values.items()}
    _meta, errors = drafting.meta_from_form(current, framework, lang(), base=meta)
    meta_form.fields(framework, key, meta_values, errors, disabled=frozen)
    keyfigures_form.form(d, disabled=frozen)  # the key figures (format /2), saved with their own button
else:
    question = framework.question(step.id)
    assert question is not None
    part = framework.part_of(question.id)
    if part is not None:
        st.caption(part.heading(lang(), " · "))
    st.header(findings.heading(question))
    if question.text:
        st.markdown(question.text(lang()))
    for correction in question.corrections:
        st.caption(tr("ui_corrected", original=correction.original, corrected=correction.corrected))
    if question.guidance:
        with st.expander(tr("ui_guidance"), icon=":material/menu_book:"):
            st.markdown(question.guidance(lang()))
    signoff.question_comments(d, question.id, reviews)
    targets = {rule.target for rule in framework.rules.suggestions}
    concluding = any(ref.startswith(f"{question.id}.") for ref in targets)
    if concluding and check.consistency:
        st.markdown(f"**{tr('ui_all_findings')}**")
        target = findings.show(framework, check.consistency, "all", here=question.id) or target
    for answer_field in question.fields:
        ref = f"{question.id}.{answer_field.id}"
        suggestion = check.suggestion(question.id, answer_field.id)
        value = assessment.value(question.id, answer_field.id)
        if suggestion is not None:
            option = answer_field.option(suggestion.value)
            with st.container(border=True):
                st.markdown(
                    f":material/lightbulb: **{tr('ui_suggested', field=answer_field.label(lang()))}:** "
                    f"{option.label(lang()) if option else suggestion.value}"
                )
                st.caption(suggestion.explanation(lang()))
                if (other := suggestion.alternative) is not None:
                    shown = answer_field.option(other.value)
                    label = shown.label(lang()) if shown else other.value
                    st.caption(f":material/call_split: {tr('checks_alternative_caption', value=label)}")
                    st.caption(other.explanation(lang()))
                if value == suggestion.value:
                    st.caption(f":material/check: {tr('ui_suggestion_taken')}")
                else:
                    if value is not None:  # an instruction to whoever may edit; a statement to a reader
                        st.caption(
                            f":material/info: {tr('ui_suggestion_deviated' if frozen else 'ui_suggestion_deviates')}"
                        )
                    if not frozen and st.button(tr("ui_accept"), key=f"accept|{ref}", icon=":material/done:"):
                        state.set_field(d, question.id, answer_field.id, suggestion.value)
                        st.rerun()
        elif ref in targets:
            st.caption(tr("ui_no_suggestion_yet", field=answer_field.label(lang())))
        widgets.answer_field(d, question, answer_field, disabled=frozen)
        phasing.carried_caption(d, assessment, question.id, answer_field.id)
    evidence_ui.citations(d, question, disabled=frozen)  # format /2: the register entries this answer cites
    evidence_ui.register_form(d, disabled=frozen)
    if question.footnote:
        st.caption(question.footnote(lang()))
    own = [f for f in check.consistency if question.id in f.questions]
    if own and not concluding:  # below the answers, where the eye is when a finding appears
        target = findings.show(framework, own, "own", here=question.id) or target
    missing = findings.missing_fields(framework, check.completeness, question.id)
    if missing:
        st.caption(tr("ui_missing", fields=", ".join(missing)))
    st.caption(tr("ui_required_note"))

# --- back, save, next ---
st.divider()
back, save, forward = st.columns([1, 1, 1])
if position > 0:
    back.button(tr("ui_back"), icon=":material/arrow_back:", key="nav|back", on_click=state.select_step,
                args=(ids[position - 1],))  # fmt: skip
if save.button(tr("ui_save"), icon=":material/save:", key="nav|save", disabled=frozen):
    result = state.save()
    if result == "saved":
        st.toast(tr("ui_saved"), icon=":material/check:")
    elif result == "unchanged":
        st.toast(tr("ui_nothing_to_save"), icon=":material/check:")
    st.rerun()
if position + 1 < len(ids):
    forward.button(tr("ui_next"), icon=":material/arrow_forward:", type="primary", key="nav|next",
                   on_click=state.select_step, args=(ids[position + 1],))  # fmt: skip
elif forward.button(tr("ui_to_review"), icon=":material/fact_check:", type="primary", key="nav|review"):
    target = "review"

if target == "review":
    state.flush()
    st.switch_page("views/review.py", query_params={"id": d["id"]})
elif target is not None:
    state.go_to(target)
    st.rerun()
