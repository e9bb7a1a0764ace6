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
9 with every piece of evidence named. The framework file holds its rules as data, but ``questions.yaml`` is a
versioned, hashed text (``2022-07-r2``): a rule added there would change that version's content, so this rule is
code, like the key-figure rules of :mod:`framework.keyfigures`, and holds for every framework version that asks
question 9 with these fields. Run by :func:`framework.rules.check`, so it counts for submission and sign-off on
every path (app, CLI, import, a direct call).
"""

from __future__ import annotations

from typing import Any

from framework.i18n import format_eur, t

RULE = "state-aid-denied-but-gap"


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
    """The rule of the module docstring: one error finding at question 9, or none."""
    from framework.models import Severity, Text
    from framework.rules import Finding

    if assessment.value("q9", "state_aid_necessary") != "nee":
        return []
    texts = {}
    for lang in ("nl", "en"):
        evidence = _evidence(assessment, lang)
        if not evidence:
            return []
        joined = evidence[-1]
        if len(evidence) > 1:
            joined = t("newuser_and", lang, first=", ".join(evidence[:-1]), last=evidence[-1])
        texts[lang] = t("newuser_state_aid_denied_but_gap", lang, evidence=joined)
    return [Finding(RULE, Severity.ERROR, ("q9",), Text(**texts), "q9.state_aid_necessary")]
