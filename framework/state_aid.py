"""The state-aid answer (question 9) held against itself and the key figures.

Question 9 asks two things: is state aid necessary (``state_aid_necessary``), and is there a demonstrable funding
gap (``funding_gap``). A funding gap is the part of a project's costs that its own returns do not cover; aid is
given up to that gap (Communication 2021/C 528/02, section 4.1). So an answer «staatssteun niet noodzakelijk»
contradicts the same assessment when it also records

- a funding gap «aantoonbaar» in question 9 itself,
- aid requested in the key figures (asking for aid it calls unnecessary), or
- a funding gap in euros in the key figures, unless question 9 says that gap is «niet aangetoond» (a gap the
  applicants claim but the officer does not accept is no contradiction).

That is an error (README, «Severities: one principle»: one answer contradicts itself), reported once at question
9 with every piece of evidence named.

Two warnings on the aid in the key figures (:func:`aid_findings`):

- ``aid-without-participants``: aid requested while the number of Dutch direct participants is 0 (not unknown):
  only direct participants named in the Commission's decision receive aid (in the Netherlands the Titel 3.27
  module), so the aid has no one to go to;
- ``start-before-call``: the projects start before the date of the European call (the open, transparent design
  through which every member state could join): work begun before the call could be applied for casts doubt on
  the incentive effect the aid must have (section 4.1).

The framework file holds its rules as data, but ``questions.yaml`` is a versioned, hashed text (``2022-07-r2``): a
rule added there would change that version's content, so these rules are code, like the key-figure rules of
:mod:`framework.keyfigures`, and hold for every framework version that asks question 9 with these fields. Run by
:func:`framework.rules.check`, so they count for submission and sign-off on every path (app, CLI, import, a
direct call).
"""

from __future__ import annotations

from typing import Any

from framework.i18n import format_eur, t

LANGS = ("nl", "en")
RULE = "state-aid-denied-but-gap"
AID_WITHOUT_PARTICIPANTS = "aid-without-participants"
START_BEFORE_CALL = "start-before-call"


def _evidence(assessment: Any, lang: str) -> list[str]:
    """What the assessment records that speaks of a funding gap or of aid, in ``lang``; empty when nothing does."""
    gap_verdict = assessment.value("q9", "funding_gap")
    figures = getattr(assessment, "key_figures", None)
    found = []
    if gap_verdict == "aangetoond":
        found.append(t("newuser_state_aid_gap_demonstrated", lang))
    if figures is not None:
        gap, aid = figures.funding_gap_eur, figures.aid_requested_eur
        if gap and gap_verdict != "niet_aangetoond":
            found.append(t("newuser_state_aid_gap_figure", lang, gap=format_eur(gap, lang)))
        if aid:
            found.append(t("newuser_state_aid_aid_figure", lang, aid=format_eur(aid, lang)))
    return found


def findings(assessment: Any) -> list[Any]:
    """The rules of the module docstring: the error at question 9 (or none), then the warnings on the aid."""
    from framework.models import Severity, Text
    from framework.rules import Finding

    found = aid_findings(assessment)
    if assessment.value("q9", "state_aid_necessary") != "nee":
        return found
    texts = {}
    for lang in LANGS:
        evidence = _evidence(assessment, lang)
        if not evidence:
            return found
        joined = evidence[-1]
        if len(evidence) > 1:
            joined = t("newuser_and", lang, first=", ".join(evidence[:-1]), last=evidence[-1])
        texts[lang] = t("newuser_state_aid_denied_but_gap", lang, evidence=joined)
    return [Finding(RULE, Severity.ERROR, ("q9",), Text(**texts), "q9.state_aid_necessary"), *found]


def aid_findings(assessment: Any) -> list[Any]:
    """The two warnings on the aid in the key figures (module docstring); none without a key figures block."""
    from framework.i18n import format_date
    from framework.models import Severity, Text
    from framework.rules import Finding

    figures = getattr(assessment, "key_figures", None)
    if figures is None:
        return []
    found = []
    aid, participants = figures.aid_requested_eur, figures.nl_direct_participants
    if aid and participants == 0:
        text = Text(**{lang: t("newuser_aid_without_participants", lang, aid=format_eur(aid, lang)) for lang in LANGS})
        found.append(
            Finding(AID_WITHOUT_PARTICIPANTS, Severity.WARNING, ("q12",), text, "key_figures.nl_direct_participants")
        )
    start, call = figures.start_date, figures.eu_call_date
    if start is not None and call is not None and start < call:
        text = Text(
            **{
                lang: t("newuser_start_before_call", lang, start=format_date(start, lang), call=format_date(call, lang))
                for lang in LANGS
            }
        )
        found.append(Finding(START_BEFORE_CALL, Severity.WARNING, ("q9",), text, "key_figures.start_date"))
    return found
