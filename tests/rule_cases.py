"""The cases of the consistency rules of questions.yaml (read by tests/test_rules.py): for every rule a case on
which it fires and its negation, further ways a rule fires, and further ways it stays quiet."""

from __future__ import annotations

from rule_support import DELETE

# rule id -> (example, changes under which it fires, changes under which it stays quiet)
# The quiet case differs from the firing one in one condition of the rule, so both sides of the rule are tested.
# Examples: micro-elektronica (pre-notificatie, every verdict «ja», advice deelnemen), waterstof (notificatie, the
# same), cloud (pre-notificatie, B1 «deels», funding gap not shown, deelnemen onder voorwaarden), negatief-advies.
A1, A2 = "answers.conclusion_a.government_role", "answers.conclusion_a.european_cooperation"
B1, B2 = "answers.conclusion_b.only_via_ipcei", "answers.conclusion_b.national_participation"
ADVICE, BUDGET, PHASE = "answers.q14.advice", "meta.national_budget_eur", "meta.phase"
Q4 = "answers.q4.verdict"
IMPACTS = [f"answers.q11.impact_{name}" for name in ("broad_welfare", "productivity", "employment", "knowledge")]
RULE_CASES = {
    "advice-against-conclusion-a": (
        "ipcei-micro-elektronica",
        {A1: "nee"},
        {A1: "nee", ADVICE: "niet_deelnemen"},
    ),
    "advice-against-conclusion-b": (
        "ipcei-micro-elektronica",
        {B2: "nee"},
        {B2: "deels"},
    ),
    "negative-advice-but-b-positive": (
        "ipcei-micro-elektronica",
        {ADVICE: "niet_deelnemen"},
        {ADVICE: "niet_deelnemen", B1: "deels"},
    ),
    "advice-unconditional-on-partial-conclusions": (
        "ipcei-micro-elektronica",
        {A2: "deels"},
        {A2: "deels", ADVICE: "deelnemen_onder_voorwaarden"},
    ),
    "conditions-missing": (
        "ipcei-cloud",
        {"answers.q14.conditions": []},
        {"answers.q14.conditions": [], ADVICE: "deelnemen"},
    ),
    "government-role-against-q4": (
        "ipcei-micro-elektronica",
        {"answers.q4.verdict": "nee"},
        {"answers.q4.verdict": "nee", A1: "deels"},
    ),
    "government-role-denied-against-q4": (
        "ipcei-micro-elektronica",
        {A1: "nee"},
        {A1: "nee", "answers.q4.verdict": "deels"},
    ),
    "government-role-without-failure": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["geen"]},
        {"answers.q4.failures": ["geen"], A1: "deels"},
    ),
    "paracetamol-but-active-role": (
        "ipcei-waterstof",
        {"answers.q2.severity": "paracetamol"},
        {"answers.q2.severity": "beperkt"},
    ),
    "government-role-outside-priorities": (
        "ipcei-micro-elektronica",
        {"answers.q5.fit": "nee"},
        {"answers.q5.fit": "deels"},
    ),
    "failure-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["marktfalen", "geen"]},
        {"answers.q4.failures": ["marktfalen", "transformatiefalen"]},
    ),
    "advice-against-q4": (
        "ipcei-micro-elektronica",
        {"answers.q4.verdict": "nee", A1: "deels"},
        {"answers.q4.verdict": "nee", A1: "deels", ADVICE: "niet_deelnemen"},
    ),
    "european-cooperation-against-q6": (
        "ipcei-waterstof",
        {"answers.q6.verdict": "nee"},
        {"answers.q6.verdict": "deels"},
    ),
    "european-cooperation-denied-against-q6": (
        "ipcei-micro-elektronica",
        {A2: "nee"},
        {A2: "nee", "answers.q6.verdict": "deels"},
    ),
    "european-cooperation-without-support": (
        "ipcei-micro-elektronica",
        {"answers.q7.common_interest": "nee"},
        {"answers.q7.common_interest": "deels"},
    ),
    "advice-against-q6": (
        "ipcei-micro-elektronica",
        {"answers.q6.verdict": "nee", A2: "deels"},
        {"answers.q6.verdict": "nee", A2: "deels", ADVICE: "niet_deelnemen"},
    ),
    "category-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q8.categories": ["rdi", "geen"]},
        {"answers.q8.categories": ["rdi", "industriele_toepassing"]},
    ),
    "only-ipcei-against-q8": (
        "ipcei-micro-elektronica",
        {"answers.q8.fits": "nee"},
        {"answers.q8.fits": "deels"},
    ),
    "only-ipcei-against-q9": (
        "ipcei-micro-elektronica",
        {"answers.q9.state_aid_necessary": "nee"},
        {"answers.q9.state_aid_necessary": "deels"},
    ),
    "only-ipcei-but-better-alternative": (
        "ipcei-waterstof",
        {"answers.q10.ipcei_best_instrument": "nee"},
        {"answers.q10.ipcei_best_instrument": "deels"},
    ),
    "only-ipcei-partly-fits": (
        "ipcei-micro-elektronica",
        {"answers.q8.fits": "deels"},
        {"answers.q8.fits": "deels", B1: "deels"},
    ),
    "only-ipcei-state-aid-partly": (
        "ipcei-micro-elektronica",
        {"answers.q9.state_aid_necessary": "deels"},
        {"answers.q9.state_aid_necessary": "deels", B1: "deels"},
    ),
    "only-ipcei-partly-best-instrument": (
        "ipcei-micro-elektronica",
        {"answers.q10.ipcei_best_instrument": "deels"},
        {"answers.q10.ipcei_best_instrument": "deels", B1: "deels"},
    ),
    "only-ipcei-denied-against-answers": (
        "ipcei-micro-elektronica",
        {B1: "nee"},
        {B1: "nee", "answers.q10.ipcei_best_instrument": "deels"},
    ),
    "advice-without-ipcei-category": (
        "ipcei-cloud",
        {"answers.q8.fits": "nee"},
        {"answers.q8.fits": "nee", B1: "ja"},
    ),
    "advice-without-state-aid": (
        "ipcei-cloud",
        {"answers.q9.state_aid_necessary": "nee"},
        {"answers.q9.state_aid_necessary": "nee", B1: "ja"},
    ),
    "advice-against-q10": (
        "ipcei-cloud",
        {"answers.q10.ipcei_best_instrument": "nee"},
        {"answers.q10.ipcei_best_instrument": "nee", B1: "ja"},
    ),
    "advice-without-funding-gap": (
        "ipcei-cloud",
        {},
        {"answers.q9.funding_gap": "aannemelijk"},
    ),
    "funding-gap-still-plausible": (
        "ipcei-waterstof",
        {"answers.q9.funding_gap": "aannemelijk"},
        {"answers.q9.funding_gap": "aannemelijk", PHASE: "pre_notificatie"},
    ),
    "participation-against-q12": (
        "ipcei-waterstof",
        {"answers.q12.willingness": "nee"},
        {"answers.q12.willingness": "deels"},
    ),
    "participation-against-q13": (
        "ipcei-waterstof",
        {"answers.q13.balance": "nadelen_groter"},
        {"answers.q13.balance": "in_evenwicht"},
    ),
    "participation-without-impact": (
        "ipcei-waterstof",
        dict.fromkeys(IMPACTS, "geen"),
        {**dict.fromkeys(IMPACTS, "geen"), IMPACTS[-1]: "beperkt"},
    ),
    "participation-denied-against-answers": (
        "ipcei-waterstof",
        {B2: "nee"},
        {B2: "nee", "answers.q13.balance": "in_evenwicht"},
    ),
    "advice-companies-unwilling": (
        "ipcei-waterstof",
        {"answers.q12.willingness": "nee", B2: "deels"},
        {"answers.q12.willingness": "nee", B2: "ja"},
    ),
    "advice-drawbacks-outweigh": (
        "ipcei-waterstof",
        {"answers.q13.balance": "nadelen_groter", B2: "deels"},
        {"answers.q13.balance": "nadelen_groter", B2: "ja"},
    ),
    "too-few-member-states": (
        "ipcei-micro-elektronica",
        {"meta.member_states": ["nl", "de", "fr"]},
        {"meta.member_states": ["nl", "de", "fr", "it"]},
    ),
    "few-member-states-noted": (
        "ipcei-negatief-advies",
        {},
        {"meta.member_states": ["fr", "it", "pt", "es"]},
    ),
    "advice-without-budget": (
        "ipcei-waterstof",
        {BUDGET: DELETE},
        {BUDGET: DELETE, PHASE: "pre_notificatie"},
    ),
    "advice-without-budget-early": (
        "ipcei-micro-elektronica",
        {BUDGET: DELETE},
        {BUDGET: DELETE, PHASE: "notificatie"},
    ),
    "negative-advice-with-budget": (
        "ipcei-micro-elektronica",
        {ADVICE: "niet_deelnemen"},
        {ADVICE: "niet_deelnemen", BUDGET: DELETE},
    ),
}

JUSTIFIED = "meta.few_member_states_reason"

# Further ways a rule fires: the other branch of an «any», or the other value of an «in».
MORE_FIRING = [
    ("advice-against-conclusion-a", "ipcei-cloud", {A2: "nee"}),
    ("advice-against-conclusion-b", "ipcei-cloud", {B1: "nee"}),
    ("advice-unconditional-on-partial-conclusions", "ipcei-waterstof", {B2: "deels"}),
    ("advice-without-ipcei-category", "ipcei-cloud", {"answers.q8.categories": ["geen"]}),
    ("only-ipcei-against-q8", "ipcei-waterstof", {"answers.q8.categories": ["geen"]}),
    ("failure-contradiction", "ipcei-waterstof", {"answers.q4.failures": ["transformatiefalen", "geen"]}),
    ("too-few-member-states", "ipcei-waterstof", {"meta.member_states": ["nl"]}),
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], PHASE: "verkenning"}),
    # a justification for fewer than four member states (format /2) turns the warning into this info
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], JUSTIFIED: "Aard project"}),
    ("european-cooperation-without-support", "ipcei-waterstof", {"answers.q7.member_state_support": "geen"}),
    ("advice-without-funding-gap", "ipcei-waterstof", {"answers.q9.funding_gap": "niet_aangetoond"}),
    ("advice-without-funding-gap", "ipcei-cloud", {B1: "ja", ADVICE: "niet_deelnemen"}),
    ("funding-gap-still-plausible", "ipcei-cloud", {"answers.q9.funding_gap": "aannemelijk", PHASE: "uitvoering"}),
    ("advice-without-budget", "ipcei-cloud", {BUDGET: DELETE, PHASE: "afgerond"}),
    ("advice-without-budget-early", "ipcei-waterstof", {BUDGET: DELETE, PHASE: "verkenning"}),
]

# Further ways a rule stays quiet, where another rule already speaks of the same cause (one cause, one finding).
MORE_QUIET = [
    ("government-role-without-failure", "ipcei-waterstof", {"answers.q4.failures": ["geen"], Q4: "nee"}),
    ("government-role-without-failure", "ipcei-micro-elektronica", {"answers.q4.failures": ["marktfalen", "geen"]}),
    ("advice-without-funding-gap", "ipcei-cloud", {"answers.q9.state_aid_necessary": "nee"}),
    ("advice-without-funding-gap", "ipcei-cloud", {ADVICE: "niet_deelnemen"}),
    ("advice-without-ipcei-category", "ipcei-cloud", {"answers.q8.categories": ["rdi", "geen"]}),
    ("only-ipcei-denied-against-answers", "ipcei-micro-elektronica", {B1: "nee", "answers.q8.categories": ["geen"]}),
    ("too-few-member-states", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], PHASE: "verkenning"}),
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"]}),
    ("too-few-member-states", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], JUSTIFIED: "Aard project"}),
]
