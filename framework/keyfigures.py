"""Key figures of an IPCEI (format /2, the top-level ``key_figures`` block): the numbers Brussels decides on.

Co-financing by the beneficiaries, the funding gap and the aid requested, the Dutch direct participants (of which
SMEs) and indirect partners, the split of the eligible costs over R&D&I, first industrial deployment and
infrastructure, and the start, FID and end dates and the date of the European call (open and transparent design).
Sources: Communication 2021/C 528/02 (section 3.2.1 co-financing and openness, section 3.2.3 points 23-24 first
industrial deployment, section 4.1 aid up to the funding gap); see ``../shared/domain/ipcei.md``.

The names are fixed (other modules and the JSON Schema read them): :data:`NAMES`. Every figure is optional.
Ranges: amounts whole euros of 0 or more, percentages 0 to 100, the three cost shares together at most 100,
counts 0 or more with the SMEs at most the direct participants, dates between 2014 and 2060.
:func:`value_problems` names each figure out of range in words (catalog ``phases_kf_*``); the model refuses such a
block from a file, and the wizard's form shows the same messages beside the fields.

:func:`findings` are the rules on the figures (each a named :class:`framework.rules.Finding`, run by
:func:`framework.rules.check`): aid requested above the funding gap; the national budget below the aid
requested; the end before the start; the FID outside start..end; a first-industrial-deployment share without any
R&D&I share. Fewer than four member states without a justification is the framework's own rule
(``too-few-member-states`` in ``questions.yaml``), not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, model_validator

from framework.i18n import format_date, format_eur, t
from framework.models import Located

AMOUNTS = ("funding_gap_eur", "aid_requested_eur")
PERCENTAGES = ("cofinancing_pct", "cost_share_rdi_pct", "cost_share_fid_pct", "cost_share_infrastructure_pct")
SHARES = ("cost_share_rdi_pct", "cost_share_fid_pct", "cost_share_infrastructure_pct")
COUNTS = ("nl_direct_participants", "nl_direct_smes", "nl_indirect_partners")
DATES = ("start_date", "fid_date", "end_date", "eu_call_date")
NAMES = (
    "cofinancing_pct",
    "funding_gap_eur",
    "aid_requested_eur",
    "nl_direct_participants",
    "nl_direct_smes",
    "nl_indirect_partners",
    "cost_share_rdi_pct",
    "cost_share_fid_pct",
    "cost_share_infrastructure_pct",
    "start_date",
    "fid_date",
    "end_date",
    "eu_call_date",
)
FIRST_DAY, LAST_DAY = date(2014, 1, 1), date(2060, 12, 31)
MAX_AMOUNT = 1_000_000_000_000  # EUR; the framework's own bound on an amount
MAX_COUNT = 100_000


class KeyFigures(BaseModel):
    """The key figures block; every figure optional (None: not known yet)."""

    model_config = ConfigDict(extra="forbid")

    cofinancing_pct: StrictInt | StrictFloat | None = None
    funding_gap_eur: StrictInt | None = None
    aid_requested_eur: StrictInt | None = None
    nl_direct_participants: StrictInt | None = None
    nl_direct_smes: StrictInt | None = None
    nl_indirect_partners: StrictInt | None = None
    cost_share_rdi_pct: StrictInt | StrictFloat | None = None
    cost_share_fid_pct: StrictInt | StrictFloat | None = None
    cost_share_infrastructure_pct: StrictInt | StrictFloat | None = None
    start_date: date | None = None
    fid_date: date | None = None
    end_date: date | None = None
    eu_call_date: date | None = None

    @model_validator(mode="after")
    def _in_range(self) -> KeyFigures:
        problems = value_problems(self.model_dump())
        if problems:
            texts = [t(key, "en", **{**params, "field": f"key_figures.{name}"}) for name, key, params in problems]
            joined = "; ".join(text.rstrip(".") for text in texts) + "."
            if len(problems) == 1:  # one figure out of range: a file's problem names its line, not the block's
                raise Located((problems[0][0],), joined)
            raise ValueError(joined)  # several: one line at the block, naming each figure
        return self

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in NAMES)


def label(name: str, lang: str) -> str:
    """The label of a key figure (``phases_kf_<name>``)."""
    return t(f"phases_kf_{name}", lang)


def message(lang: str, key: str, **params: Any) -> str:
    return t(key, lang, **{k: (label(v, lang) if k.startswith("field") else v) for k, v in params.items()})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _whole(value: Any, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= high


def value_problems(values: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every figure out of range: ``(name, catalog key, params)``; ``params`` naming a field use ``field*`` keys."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    families: list[tuple[tuple[str, ...], str, Callable[[Any], bool]]] = [
        (AMOUNTS, "phases_kf_bad_amount", lambda v: _whole(v, MAX_AMOUNT)),
        (PERCENTAGES, "phases_kf_bad_pct", lambda v: _number(v) and 0 <= v <= 100),
        (COUNTS, "phases_kf_bad_count", lambda v: _whole(v, MAX_COUNT)),
        (DATES, "phases_kf_bad_date", lambda v: isinstance(v, date) and FIRST_DAY <= v <= LAST_DAY),
    ]
    for names, key, fits in families:
        for name in names:
            value = values.get(name)
            if value is not None and not fits(value):
                found.append((name, key, {"field": name}))
    bad = {name for name, _, _ in found}
    shares = [values.get(n) for n in SHARES if values.get(n) is not None and n not in bad]
    if sum(shares) > 100:
        total = f"{sum(shares):g}"
        found.append(("cost_share_rdi_pct", "phases_kf_shares_over", {"total": total}))
    direct, smes = values.get("nl_direct_participants"), values.get("nl_direct_smes")
    if direct is not None and smes is not None and not {"nl_direct_participants", "nl_direct_smes"} & bad:
        if smes > direct:
            found.append(("nl_direct_smes", "phases_kf_smes_over", {"smes": smes, "direct": direct}))
    return found


def from_form(values: dict[str, Any], lang: str) -> tuple[KeyFigures | None, dict[str, str]]:
    """The wizard form's values (None for an empty field) as key figures, or the messages per field."""
    clean = {name: values.get(name) for name in NAMES}
    for name in AMOUNTS + COUNTS:  # a number input hands a float when a step is fractional; whole numbers here
        value = clean[name]
        if isinstance(value, float) and value.is_integer():
            clean[name] = int(value)
    problems = value_problems(clean)
    if problems:
        errors: dict[str, str] = {}
        for name, key, params in problems:
            errors.setdefault(name, message(lang, key, **params))
        return None, errors
    return KeyFigures.model_validate(clean), {}


def display(name: str, value: Any, lang: str) -> str:
    """A figure as people read it: € 1.000.000, 35 %, 01-07-2024, 12."""
    if value is None or value == "":
        return ""
    if name in AMOUNTS:
        return format_eur(int(value), lang)
    if name in PERCENTAGES:
        return f"{float(value):g} %"
    if name in DATES:
        return format_date(value if isinstance(value, date) else str(value), lang)
    return str(value)


def rows(figures: KeyFigures | None, lang: str) -> list[tuple[str, str, str]]:
    """``(name, label, shown value)`` of every figure given, in the order of :data:`NAMES`."""
    if figures is None:
        return []
    data = figures.model_dump()
    return [(n, label(n, lang), display(n, data[n], lang)) for n in NAMES if data[n] is not None]


# --- rules ------------------------------------------------------------------------------------------------------


def findings(assessment: Any) -> list[Any]:
    """The rules on the key figures (see the module docstring), each a named Finding in both languages."""
    from framework.models import Severity, Text
    from framework.rules import Finding

    figures: KeyFigures | None = getattr(assessment, "key_figures", None)
    if figures is None:
        return []
    found = []

    def add(rule: str, severity: Severity, questions: tuple[str, ...], field: str, **params: Any) -> None:
        key = "phases_rule_" + rule.removeprefix("kf-").replace("-", "_")
        text = Text(nl=t(key, "nl", **_shown(params, "nl")), en=t(key, "en", **_shown(params, "en")))
        found.append(Finding(rule, severity, questions, text, f"key_figures.{field}"))

    gap, aid = figures.funding_gap_eur, figures.aid_requested_eur
    if gap is not None and aid is not None and aid > gap:
        add("kf-aid-above-gap", Severity.ERROR, ("q9",), "aid_requested_eur", aid=("eur", aid), gap=("eur", gap))
    budget = assessment.meta.national_budget_eur
    if budget is not None and aid is not None and budget < aid:
        add(
            "kf-budget-below-aid",
            Severity.WARNING,
            ("q9", "q14"),
            "aid_requested_eur",
            budget=("eur", budget),
            aid=("eur", aid),
        )
    start, fid, end = figures.start_date, figures.fid_date, figures.end_date
    if start is not None and end is not None and end < start:
        add("kf-end-before-start", Severity.ERROR, ("q3",), "end_date", start=("date", start), end=("date", end))
    elif fid is not None and ((start is not None and fid < start) or (end is not None and fid > end)):
        add(
            "kf-fid-outside",
            Severity.WARNING,
            ("q3",),
            "fid_date",
            fid=("date", fid),
            start=("date", start),
            end=("date", end),
        )
    if figures.cost_share_fid_pct and not figures.cost_share_rdi_pct:
        add(
            "kf-fid-without-rdi",
            Severity.WARNING,
            ("q8",),
            "cost_share_fid_pct",
            share=("pct", figures.cost_share_fid_pct),
        )
    return found


def _shown(params: dict[str, tuple[str, Any]], lang: str) -> dict[str, str]:
    shown = {}
    for name, (kind, value) in params.items():
        if value is None:
            shown[name] = "—"
        elif kind == "eur":
            shown[name] = format_eur(value, lang)
        elif kind == "date":
            shown[name] = format_date(value, lang)
        else:
            shown[name] = f"{float(value):g} %"
    return shown
