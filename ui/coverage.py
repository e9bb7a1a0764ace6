"""The coverage of the Commission's criteria on the review page: the counts, then each criterion with its answers.

Drawn from ``Check.coverage`` (computed with the rules, from the assessment in memory): no store call.
"""

from __future__ import annotations

import streamlit as st

from framework.criteria import Coverage, Evidence, Status
from ui.i18n import lang, tr
from ui.text import plain

_ICON = {
    Status.COVERED: ":material/check_circle:",
    Status.PARTLY: ":material/radio_button_partial:",
    Status.NOT_COVERED: ":material/radio_button_unchecked:",
}


def show(coverage: Coverage | None, context: str = "review", editable: bool = True) -> str | None:
    """Draw the coverage; returns the question to jump to when one of its buttons was clicked (labelled «Bewerken»
    only when the text can be edited, else «Bekijken in de wizard»)."""
    if coverage is None:
        return None
    here = lang()
    target = None
    label = tr("ui_edit") if editable else tr("walk2_open_in_wizard")
    icon = ":material/edit:" if editable else ":material/visibility:"
    st.header(tr("criteria_title"))
    counts = coverage.counts()
    st.markdown(f"**{plain(tr('criteria_counts', total=len(coverage.items), **counts))}**")
    st.caption(plain(tr("criteria_intro")))
    with st.expander(plain(coverage.criteria.title(here)), expanded=counts[Status.NOT_COVERED.value] > 0):
        for item in coverage.items:
            criterion = item.criterion
            with st.container(border=True, key=f"{context}_criterion_{criterion.id}"):
                kind = tr(f"criteria_kind_{criterion.kind.value}")
                reference = tr("criteria_section", reference=criterion.reference(here))
                st.markdown(
                    f"{_ICON[item.status]} **{plain(criterion.name(here))}** · {plain(item.status_label(here))}  \n"
                    f"{plain(reference)} · {plain(kind)}"
                )
                if item.answered:
                    answered = "; ".join(_evidence(e) for e in item.answered)
                    st.caption(plain(tr("criteria_answered_by", items=answered)))
                if item.missing:
                    st.caption(plain(tr("criteria_missing", items="; ".join(e.label(here) for e in item.missing))))
                for reason in item.contradictions:
                    st.caption(plain(tr("criteria_contradicted", reason=reason(here))))
                first = next((e.question for e in item.missing if e.question), None)
                key = f"{context}|criterion|{criterion.id}"
                if first and st.button(label, key=key, icon=icon, type="tertiary"):
                    target = first
    return target


def _evidence(evidence: Evidence) -> str:
    label = evidence.label(lang())
    return f"{label}: {evidence.value(lang())}" if evidence.has_value else label
