"""Review and sign-off in the app: the workflow panel of the review page, and what the wizard shows of it.

Every step goes through :func:`framework.workflow.transition` (the same table and four-eyes rule as the CLI); this
module only draws the steps the person's role allows and shows the framework's refusal when it says no.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import gates, workflow
from framework.assessment import Status
from framework.errors import ConflictError, IpceiError, TransitionError
from framework.i18n import format_date, t
from framework.models import Framework
from framework.report.signing import configured_key
from ui import findings, guard, identity, state
from ui import phases as phasing
from ui.i18n import lang, tr
from ui.text import plain

FROZEN = (Status.VASTGESTELD.value, Status.GEARCHIVEERD.value)
VERDICT_ICONS = {
    workflow.Verdict.ACCEPTABLE: ":material/check_circle:",
    workflow.Verdict.TO_IMPROVE: ":material/edit_note:",
    workflow.Verdict.TO_CORRECT: ":material/error:",
}


def is_frozen(d: dict[str, Any]) -> bool:
    """Signed off (or filed after sign-off): the store refuses edits, so the wizard draws read-only."""
    return str(d.get("status")) in FROZEN


def _role_label(role: str) -> str:
    try:
        return tr(f"wf_role_{workflow.role_of(role).value}")
    except TransitionError:
        return plain(role)


def _open_version(assessment_id: str, message: str) -> None:
    st.session_state["wf|flash"] = message
    record = guard.use(lambda s: s.get(assessment_id))
    if record is not None:
        state.open_record(record, st.session_state.get(state.STEP))


def flash() -> None:
    """The outcome of the last workflow step, taken in a button callback before this run drew the page."""
    message = st.session_state.pop("wf|flash", None)
    if message:
        st.success(message, icon=":material/task_alt:")
    if refused := st.session_state.pop("wf|refused", None):
        st.error(refused, icon=":material/block:")


def wizard_banner(d: dict[str, Any]) -> None:
    """At the top of the wizard: frozen (with a new-version button), returned with comments, or replaced."""
    flash()
    older, newer = guard.use(lambda s: s.version_links(d["id"]), default=(None, None))
    if newer:
        st.warning(tr("wf_superseded", id=newer[:8]), icon=":material/history:")
    elif older:
        st.caption(tr("wf_replaces", id=older[:8]))
    if is_frozen(d):
        signed = guard.use(lambda s: s.signoff(d["id"]))
        who = plain(signed.by) if signed else "—"
        when = format_date(signed.at.date(), lang()) if signed else "—"
        st.info(tr("wf_frozen_banner", date=when, name=who), icon=":material/lock:")
        if not newer:
            new_version_button(d)
    elif d.get("status") == Status.TERUGGESTUURD.value:
        st.warning(tr("wf_returned_banner"), icon=":material/assignment_return:")


def edit_block(d: dict[str, Any]) -> str | None:
    """Why the wizard is read-only for who works now (a catalog key), or None when they may edit.

    The domain decides (:func:`framework.gates.edit_refusals`); this only says it on the page.
    """
    if is_frozen(d):
        return "frozen"
    who = identity.actor()
    if who is None:
        return "gate_ui_who_is_working"
    record = guard.use(lambda s: s.get(d["id"]))
    if record is None:  # the database is down (the guard said so): typing goes on; the save, gated, waits
        return None
    if record.status.value in FROZEN:  # signed off meanwhile, in another session: read-only, and the banner says so
        d["status"] = record.status.value
        return "frozen"
    refusals = gates.edit_refusals(record, who)
    if not refusals:
        return None
    return {
        "gate_edit_role": "gate_ui_read_only_role",
        "gate_edit_in_review_author": "gate_ui_in_review_author",
    }.get(refusals[0].key, "gate_ui_in_review")


def edit_banner(d: dict[str, Any], block: str | None) -> None:
    """At the top of the wizard: why it is read-only, with «Indiening intrekken» for the author under review."""
    if block is None or block == "frozen":
        return
    who = identity.actor()
    if block == "gate_ui_who_is_working":
        st.warning(tr(block), icon=":material/badge:")
        return
    role = identity.role_label(who.role) if who else ""
    st.info(tr(block, role=role), icon=":material/lock:")
    if block == "gate_ui_in_review_author" and who is not None:
        st.button(
            tr("gate_step_withdraw"),
            key="wf|withdraw|wizard",
            icon=":material/undo:",
            on_click=_take,
            args=(d, workflow.Step.WITHDRAW, who),
        )


def new_version_button(d: dict[str, Any]) -> None:
    who = identity.actor()
    if who is None or not st.button(tr("wf_new_version"), key="wf|new_version", icon=":material/content_copy:"):
        return
    try:
        record = guard.use(lambda s: workflow.new_version(s, d["id"], who))
    except IpceiError as exc:
        st.error(tr("wf_refused", reason=plain(exc)), icon=":material/block:")
        return
    if record is None:  # the database is down: the guard said so
        return
    _open_version(record.id, tr("wf_new_version_made", id=d["id"][:8]))
    st.switch_page("views/wizard.py", query_params={"id": record.id, "step": "q1"})


def latest_reviews(assessment_id: str) -> dict[str, Any]:
    """The newest verdict per question (one query per page run)."""
    return guard.use(lambda s: workflow.latest_reviews(s, assessment_id), default={})


def question_comments(d: dict[str, Any], question_id: str, reviews: dict[str, Any] | None = None) -> None:
    """The newest reviewer verdict on a question, where the author works on it."""
    reviews = latest_reviews(d["id"]) if reviews is None else reviews
    entry = reviews.get(question_id)
    if entry is None:
        return
    verdict = workflow.Verdict(entry.verdict)
    line = tr(
        "wf_review_comment",
        verdict=tr(f"wf_verdict_{verdict.value}"),
        name=plain(entry.by),
        date=format_date(entry.at.date(), lang()),
    )
    text = f"{VERDICT_ICONS[verdict]} **{line}**" + (f"  \n{plain(entry.comment)}" if entry.comment else "")
    if verdict is workflow.Verdict.ACCEPTABLE:
        st.caption(text)
    else:
        st.warning(text)


def panel(d: dict[str, Any], framework: Framework) -> None:
    """The review page's workflow section: status, parafenlijst, the actor's steps and the verdict form."""
    record = guard.use(lambda s: s.get(d["id"]))
    st.header(tr("wf_title"))
    if record is None:  # the database is down: the guard said so
        return
    st.markdown(tr("wf_status", status=f"**{t(f'status_{record.status}', lang())}**"))
    _parafenlijst(record.id)
    who = identity.actor()
    if who is None:
        st.info(tr("wf_identify_first"), icon=":material/badge:")
        return
    st.caption(tr("wf_acting_as", name=plain(who.name), role=_role_label(who.role)))
    reason, _ = guard.use(lambda s: workflow.submission_notes(s, record.id), default=("", {}))
    if reason and record.status in (Status.TER_REVIEW, Status.TERUGGESTUURD):
        st.warning(tr("gate_ui_submit_reason_shown", reason=plain(reason)), icon=":material/report:")
    steps = [step for step in workflow.steps_from(record.status) if who.role in step.roles]
    if who.role in workflow.BY_STEP[workflow.Step.RETURN].roles and record.status == Status.TER_REVIEW:
        own = guard.use(lambda s: workflow.review_four_eyes_problems(s, record, who), default=[])
        if own:  # no one reviews their own text: say so rather than offer a form the workflow refuses
            text = "; ".join(p.text(lang()) for p in own)
            st.warning(plain(text), icon=":material/visibility:")
        else:
            _verdict_form(d, framework, who)
    for step in steps:
        if step.step is workflow.Step.RETURN:
            continue  # in the verdict form
        if step.step is workflow.Step.SIGN_OFF:
            problems = guard.use(lambda s: workflow.four_eyes_problems(s, record, who), default=[])
            if problems:
                text = "; ".join(p.text(lang()) for p in problems)
                st.warning(tr("wf_four_eyes_note", problems=plain(text)), icon=":material/visibility:")
            _signoff_form(d, framework, record)
            st.caption(tr("wf_signed_pdf" if configured_key() else "wf_unsigned_pdf"))
        if step.step in (workflow.Step.SUBMIT, workflow.Step.RESUBMIT):
            _submit_form(d, framework, record)
        kind = "primary" if step.step in (workflow.Step.SUBMIT, workflow.Step.SIGN_OFF) else "secondary"
        label = "gate_step_withdraw" if step.step is workflow.Step.WITHDRAW else f"wf_step_{step.step.value}"
        st.button(
            tr(label),
            key=f"wf|{step.step.value}",
            type=kind,
            on_click=_take,
            args=(d, step.step, who),
        )
    if record.status in FROZEN and who.role in (workflow.Role.AUTHOR, workflow.Role.APPROVER):
        if guard.use(lambda s: s.version_links(record.id), default=(None, ""))[1] is None:
            new_version_button(d)
        phasing.next_phase_link(record)  # the next phase of the dossier starts from its latest signed-off advice
    elif not steps and who.role not in workflow.BY_STEP[workflow.Step.RETURN].roles:
        st.caption(tr("wf_no_steps"))


def _parafenlijst(assessment_id: str) -> None:
    sheet = guard.use(lambda s: workflow.parafenlijst(s, assessment_id))
    if sheet is None:  # the database is down: the guard said so
        return
    lines = [tr("wf_drafted", name=plain(sheet.drafted_by.name), date=format_date(sheet.drafted_by.date, lang()))]
    lines += [tr("wf_reviewed", name=plain(e.name), date=format_date(e.date, lang())) for e in sheet.reviewed_by]
    if sheet.approved_by is not None:
        approved = sheet.approved_by
        lines.append(tr("wf_approved", name=plain(approved.name), date=format_date(approved.date, lang())))
    else:
        lines.append(tr("wf_not_approved"))
    with st.container(border=True):
        st.markdown(f"**{tr('wf_parafen')}**")
        st.markdown("\n".join(f"- {line}" for line in lines))
        signed = guard.use(lambda s: s.signoff(assessment_id))
        if signed is not None:
            st.caption(tr("wf_content_hash", hash=signed.content_hash))


def _refuse(exc: IpceiError) -> None:
    key = "wf_refused" if isinstance(exc, TransitionError | ConflictError) else "ui_save_failed"
    text = exc.message(lang()) if isinstance(exc, gates.GateError) else str(exc)
    st.session_state["wf|refused"] = tr(key, reason=plain(text), detail=plain(text))


REASON_KEY = "wf|reason|{id}"
ACCEPT_KEY = "wf|accept|{id}|{finding}"


def _submit_form(d: dict[str, Any], framework: Framework, record: Any) -> None:
    """With open errors or empty required fields: say so, and ask for the reason to submit anyway."""
    blockers = gates.submit_blockers(framework, record.assessment)
    if not blockers:
        return
    st.warning(tr("gate_ui_submit_blocked", count=len(blockers)), icon=":material/report:")
    st.text_area(tr("gate_ui_reason"), key=REASON_KEY.format(id=d["id"]), max_chars=gates.MAX_REASON, height=80)


def _signoff_form(d: dict[str, Any], framework: Framework, record: Any) -> None:
    """What sign-off needs, shown before the button: the review state, open errors, a reason per open warning."""
    state = guard.use(lambda s: gates.review_state(s, record, framework))
    if state is None:  # the database is down: the guard said so
        return
    if state.missing:
        st.warning(tr("gate_ui_review_missing", questions=", ".join(state.missing)), icon=":material/rate_review:")
    elif state.complete:
        names = ", ".join(sorted({plain(e.by) for e in state.verdicts.values()}))
        st.caption(tr("gate_ui_review_complete", names=names))
    errors, warnings = gates.open_findings(framework, record.assessment)
    if errors:
        listed = "; ".join(f"{gates.finding_key(f)}: {f.message(lang())}" for f in errors)
        st.error(tr("gate_ui_errors_open", findings=plain(listed)), icon=":material/error:")
    if warnings:
        st.markdown(f"**{tr('gate_ui_accept_title')}**")
        for finding in warnings:
            key = gates.finding_key(finding)
            st.caption(f"`{plain(key)}` · {plain(finding.message(lang()))}")
            st.text_input(
                tr("gate_ui_accept_reason", finding=plain(key)),
                key=ACCEPT_KEY.format(id=d["id"], finding=key),
                max_chars=gates.MAX_REASON,
            )


def _take(d: dict[str, Any], step: workflow.Step, who: workflow.Actor) -> None:
    """Button callback (runs before the page is drawn, so the page shows the new status at once)."""
    extra: dict[str, Any] = {}
    if step in (workflow.Step.SUBMIT, workflow.Step.RESUBMIT):
        extra["reason"] = st.session_state.get(REASON_KEY.format(id=d["id"])) or None
    if step is workflow.Step.SIGN_OFF:
        prefix = ACCEPT_KEY.format(id=d["id"], finding="")
        extra["accepted"] = {
            k.removeprefix(prefix): v
            for k, v in st.session_state.items()
            if isinstance(k, str) and k.startswith(prefix) and v
        }
    try:
        record = guard.use(lambda s: workflow.transition(s, d["id"], step, who, based_on=d["revision"], **extra))
    except IpceiError as exc:  # a gate's refusal speaks the user's language (see _refuse)
        _refuse(exc)
        return
    if record is None:  # the database is down: nothing changed; the guard's message says so
        return
    done = "gate_done_withdraw" if step is workflow.Step.WITHDRAW else f"wf_done_{step.value}"
    _open_version(record.id, tr(done))


def _verdict_form(d: dict[str, Any], framework: Framework, who: workflow.Actor) -> None:
    """A reviewer's verdict and comment per question; saved, or saved and returned to the author."""
    options = [v.value for v in workflow.Verdict]
    prefix = f"wf|{d['id']}|{d['revision']}"
    with st.expander(tr("wf_verdict") + " · " + tr("wf_title").lower(), expanded=True, icon=":material/rate_review:"):
        st.caption(tr("wf_review_intro"))
        with st.form(key=f"{prefix}|form", border=False):
            for question in framework.questions():
                st.markdown(f"**{findings.heading(question)}**")
                left, right = st.columns([2, 3])
                left.radio(
                    tr("wf_verdict"),
                    options,
                    index=None,
                    key=f"{prefix}|{question.id}|verdict",
                    format_func=lambda v: tr(f"wf_verdict_{v}"),
                    horizontal=True,
                )
                right.text_input(
                    tr("wf_comment"),
                    key=f"{prefix}|{question.id}|comment",
                    max_chars=workflow.MAX_COMMENT,
                    placeholder=tr("wf_ph_comment"),
                )
            save, send_back = st.columns(2)
            save.form_submit_button(
                tr("wf_save_verdicts"),
                icon=":material/save:",
                on_click=_review,
                args=(d, framework, who, prefix, False),
            )
            send_back.form_submit_button(
                tr("wf_return_with_verdicts"),
                icon=":material/assignment_return:",
                on_click=_review,
                args=(d, framework, who, prefix, True),
            )


def _review(d: dict[str, Any], framework: Framework, who: workflow.Actor, prefix: str, send_back: bool) -> None:
    """Form callback: the verdicts given, saved; with ``send_back`` the assessment goes back to its author."""
    verdicts = {
        question.id: (value, str(st.session_state.get(f"{prefix}|{question.id}|comment") or ""))
        for question in framework.questions()
        if (value := st.session_state.get(f"{prefix}|{question.id}|verdict"))
    }
    if not verdicts and not send_back:
        st.session_state["wf|refused"] = tr("wf_no_verdicts")
        return
    try:
        done = guard.use(lambda s: workflow.review(s, d["id"], who, verdicts, send_back=send_back) or True)
    except IpceiError as exc:
        _refuse(exc)
        return
    if done is None:  # the database is down: nothing was recorded; the guard's message says so
        return
    if send_back:
        _open_version(d["id"], tr("wf_done_return"))
    else:
        st.session_state["wf|flash"] = tr("wf_verdicts_saved", count=len(verdicts))
