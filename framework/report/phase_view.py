"""The phase blocks of the advice: «wat is er veranderd sinds het vastgestelde advies» and the carried-over marks.

The store knows which signed-off advice an assessment follows (:mod:`framework.phases`); the parafenlijst carries
what the advice must print of it (:class:`PhaseNotes`, in both languages, as plain strings), so that the PDF, and
every path that renders it from the store, shows the same. Nothing here reads the store.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from framework.i18n import t

Short = Annotated[str, StringConstraints(max_length=2000)]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SinceLine(Frozen):
    """One change: a verdict or figure (was → now), a finding (new or resolved), or an answer's word diff."""

    label: Short
    was: Annotated[str, StringConstraints(max_length=20000)] = ""
    now: Annotated[str, StringConstraints(max_length=20000)] = ""
    marker: Short = ""  # «nieuw» / «opgelost» for a finding
    note: Short = ""  # «12 woorden toegevoegd, 3 geschrapt»
    segments: list[tuple[Literal["equal", "insert", "delete"], str]] = Field(default=[], max_length=20000)


class SinceSection(Frozen):
    heading: Short
    kind: Literal["values", "findings", "texts"]
    lines: list[SinceLine] = Field(default=[], max_length=2000)


class SinceBlock(Frozen):
    """The whole view in one language, as the PDF prints it."""

    title: Short
    base: Short
    nothing: Short = ""  # «Er is niets veranderd …» when nothing changed
    sections: list[SinceSection] = Field(default=[], max_length=20)


class PhaseNotes(Frozen):
    """What the advice prints of the signed-off advice it follows: the changes per language, the carried answers."""

    signed_on: date
    since: dict[Literal["nl", "en"], SinceBlock] = {}
    carried: list[Annotated[str, StringConstraints(max_length=90)]] = Field(default=[], max_length=2000)

    def carried_note(self, lang: str) -> str:
        return t("phases_carried", lang, date=self.signed_on.strftime("%d-%m-%Y"))


CONTEXT = 90  # characters of unchanged text kept on either side of a change


def _elide(text: str) -> str:
    """A long unchanged run shortened to its ends, so the changes stand out: «… op basis daarvan … zijn zij»."""
    if len(text) <= 2 * CONTEXT + 20:
        return text
    head = text[:CONTEXT].rsplit(" ", 1)[0]
    tail = text[-CONTEXT:].split(" ", 1)[-1]
    return f"{head} … {tail}"


def since_block(found: Any) -> SinceBlock:
    """A :class:`framework.compare.since.Since` as plain strings for the template."""
    lang = found.lang
    sections = []
    for key, items in (("verdicts", found.verdicts), ("figures", found.figures)):
        if items:
            lines = [SinceLine(label=c.label, was=c.was, now=c.now) for c in items]
            sections.append(SinceSection(heading=t(f"phases_since_{key}", lang), kind="values", lines=lines))
    for name, items in found.extra.items():
        if items:
            lines = [SinceLine(label=c.label, was=c.was, now=c.now) for c in items]
            sections.append(SinceSection(heading=t(f"phases_since_{name}", lang), kind="values", lines=lines))
    if found.findings:
        lines = [
            SinceLine(
                label=f.text(lang),
                marker=t("phases_since_new_finding" if f.new else "phases_since_resolved_finding", lang),
            )
            for f in found.findings
        ]
        sections.append(SinceSection(heading=t("phases_since_findings", lang), kind="findings", lines=lines))
    if found.texts:
        lines = [
            SinceLine(
                label=c.label,
                note=t("phases_since_counts", lang, **c.counts),
                segments=[(s.op.value, _elide(s.text) if s.op.value == "equal" else s.text) for s in c.segments],
            )
            for c in found.texts
        ]
        sections.append(SinceSection(heading=t("phases_since_texts", lang), kind="texts", lines=lines))
    return SinceBlock(
        title=found.title(),
        base=found.base_line(),
        nothing=t("phases_since_nothing", lang) if found.empty else "",
        sections=sections,
    )
