"""The suggestion chain (framework.suggestions): the advice reads A and B as filled in, the suggested value where
they are not, and shows the other line where they differ; deviations from the suggestions with the motivation.

Two properties over random assessments (hypothesis, derandomized): the chain never contradicts itself, and
accepting every suggestion never produces an error finding that the answers themselves did not already raise.
"""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_support import FRAMEWORK, example

from framework.assessment import Assessment, is_empty
from framework.cli.main import main
from framework.loading import assessment_from_data
from framework.models import FieldType, Severity
from framework.rules import check
from framework.suggestions import deviations, suggestions

CONCLUDING = ("conclusion_a", "conclusion_b", "q14")
A1, A2 = "conclusion_a.government_role", "conclusion_a.european_cooperation"
B1, B2 = "conclusion_b.only_via_ipcei", "conclusion_b.national_participation"
AB = (A1, A2, B1, B2)
ADVICE = "q14.advice"
PROPERTY = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def build(data: dict, changes: dict | None = None) -> Assessment:
    data = copy.deepcopy(data)
    for ref, value in (changes or {}).items():
        owner, field_id = ref.split(".", 1)
        target = data["meta"] if owner == "meta" else data["answers"].setdefault(owner, {})
        if value is None:
            target.pop(field_id, None)
        else:
            target[field_id] = value
    return assessment_from_data(data, "test", framework=FRAMEWORK)[0]


def by_target(assessment: Assessment) -> dict:
    return {f"{s.question}.{s.field}": s for s in suggestions(FRAMEWORK, assessment)}


def advice_from(values: dict[str, str | None]) -> str | None:
    """What the advice rule means: any «nee» -> niet; all «ja» -> deelnemen; all ja/deels -> onder voorwaarden."""
    found = [values.get(ref) for ref in AB]
    if "nee" in found:
        return "niet_deelnemen"
    if all(v == "ja" for v in found):
        return "deelnemen"
    if all(v in ("ja", "deels") for v in found):
        return "deelnemen_onder_voorwaarden"
    return None


# --- the chain, by example ------------------------------------------------------------------------------------


def test_the_issue_case_shows_both_lines():
    """B1 «ja» against Q9 «not necessary»: B1 is suggested «nee»; the advice follows the officer's B1, and says
    what it would be following the suggested B1, instead of «all A and B are yes» without a word."""
    found = by_target(build(example("ipcei-micro-elektronica"), {"q9.state_aid_necessary": "nee"}))
    assert found[B1].value == "nee"
    advice = found[ADVICE]
    assert advice.value == "deelnemen" and advice.note is None
    assert advice.alternative is not None and advice.alternative.value == "niet_deelnemen"
    assert advice.alternative.explanation("nl") == (
        "Ten minste één van de concluderende vragen A en B is «nee». Dit volgt uit de voorgestelde conclusies "
        "(«Is dit initiatief alleen mogelijk via IPCEI?» = «Nee») in plaats van de ingevulde."
    )
    data = advice.as_dict("en")
    assert data["alternative"]["value"] == "niet_deelnemen"
    assert "«Is this initiative only possible through an IPCEI?» = «No»" in data["alternative"]["note"]


def test_unanswered_conclusions_are_reckoned_with_their_suggestion():
    found = by_target(build(example("ipcei-micro-elektronica"), {"q9.state_aid_necessary": "nee", B1: None}))
    advice = found[ADVICE]
    assert advice.value == "niet_deelnemen" and advice.alternative is None
    assert advice.note.nl == (
        "Nog niet ingevuld; hier gerekend met het voorstel: «Is dit initiatief alleen mogelijk via IPCEI?» = «Nee»."
    )
    assert advice.explanation("nl").startswith("Ten minste één van de concluderende vragen A en B is «nee». Nog niet")


def test_no_alternative_when_the_conclusions_follow_the_suggestions():
    for name in ("ipcei-micro-elektronica", "ipcei-cloud", "ipcei-negatief-advies", "ipcei-waterstof"):
        found = by_target(build(example(name)))
        assert all(s.alternative is None and s.note is None for s in found.values()), name


# --- deviations ----------------------------------------------------------------------------------------------


def test_a_deviation_carries_both_sides_and_the_motivation():
    assessment = build(example("ipcei-micro-elektronica"), {"q9.state_aid_necessary": "nee"})
    (deviation,) = deviations(FRAMEWORK, assessment)
    assert (deviation.question, deviation.field, deviation.value, deviation.suggested) == (
        "conclusion_b", "only_via_ipcei", "ja", "nee",
    )  # fmt: skip
    assert deviation.motivation == assessment.value("conclusion_b", "answer").strip()
    sentence = deviation.sentence("nl")
    assert sentence.startswith(
        "Conclusie B, «Is dit initiatief alleen mogelijk via IPCEI?»: ingevuld «Ja», voorgesteld «Nee» "
        "(Het project valt niet binnen de IPCEI-categorieën (vraag 8), staatssteun is niet nodig (vraag 9) of er "
        "is een beter instrument (vraag 10)). Motivering: Het initiatief is alleen via een IPCEI mogelijk"
    )
    assert sentence.endswith(" …") and "\n" not in sentence
    assert deviation.sentence("en").startswith("Conclusion B, «Is this initiative only possible through an IPCEI?»")


def test_a_deviation_without_motivation_says_so():
    changes = {"q9.state_aid_necessary": "nee", "conclusion_b.answer": None}
    (deviation,) = deviations(FRAMEWORK, build(example("ipcei-micro-elektronica"), changes))
    assert deviation.motivation == ""
    assert deviation.sentence("nl").endswith("Geen motivering ingevuld.")


def test_no_deviation_where_the_answers_follow_or_are_not_given():
    assert deviations(FRAMEWORK, build(example("ipcei-waterstof"))) == []
    open_b_and_advice = {"q9.state_aid_necessary": "nee", B1: None, ADVICE: None}
    assert deviations(FRAMEWORK, build(example("ipcei-waterstof"), open_b_and_advice)) == []


def test_the_advice_deviates_from_the_line_of_the_officers_own_conclusions():
    """The advice is held against the suggestion that follows the officer's own A and B: one cause, one line."""
    changes = {"q9.state_aid_necessary": "nee", ADVICE: "deelnemen_onder_voorwaarden"}
    found = deviations(FRAMEWORK, build(example("ipcei-micro-elektronica"), changes))
    assert [(d.question, d.value, d.suggested) for d in found] == [
        ("conclusion_b", "ja", "nee"),
        ("q14", "deelnemen_onder_voorwaarden", "deelnemen"),
    ]


def test_check_and_cli_show_the_deviations(capsys, tmp_path):
    data = example("ipcei-micro-elektronica")
    data["answers"]["q9"]["state_aid_necessary"] = "nee"
    path = tmp_path / "afwijking.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Afwijkingen van de voorstellen: 1" in out
    assert "  conclusion_b.only_via_ipcei: Conclusie B, «Is dit initiatief alleen mogelijk via IPCEI?»: ingevuld" in out
    assert "q14.advice = deelnemen: Alle concluderende vragen A en B zijn «ja»." in out
    assert "    volgens de voorgestelde conclusies: q14.advice = niet_deelnemen: Ten minste één" in out
    assert main(["check", "--json", "--lang", "en", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    (deviation,) = result["deviations"]
    assert deviation["question"] == "conclusion_b" and deviation["suggested"] == "nee"
    assert deviation["sentence"].startswith("Conclusion B, «Is this initiative only possible through an IPCEI?»")
    assert result["suggestions"][-1]["alternative"]["value"] == "niet_deelnemen"


# --- properties over random assessments ------------------------------------------------------------------------

BASE = example("ipcei-micro-elektronica")


def _verdicts() -> list[tuple[str, str, FieldType, tuple[str, ...]]]:
    fields = []
    for question in FRAMEWORK.questions():
        for answer_field in question.fields:
            if answer_field.type in (FieldType.CHOICE, FieldType.SCALE, FieldType.MULTICHOICE):
                options = tuple(o.id for o in answer_field.options)
                fields.append((question.id, answer_field.id, answer_field.type, options))
    return fields


VERDICTS = _verdicts()


@st.composite
def assessments(draw: st.DrawFn, with_conclusions: bool) -> Assessment:
    """Any verdicts for questions 1-13 (or none), any phase, budget and member states; the conclusions at random
    or left open."""
    data = copy.deepcopy(BASE)
    for question_id, field_id, kind, options in VERDICTS:
        concluding = question_id in CONCLUDING
        if concluding and not with_conclusions:
            data["answers"][question_id].pop(field_id, None)
            continue
        if kind == FieldType.MULTICHOICE:
            value = draw(st.none() | st.lists(st.sampled_from(options), unique=True, min_size=1))
        else:
            value = draw(st.none() | st.sampled_from(options))
        if value is None:
            data["answers"][question_id].pop(field_id, None)
        else:
            data["answers"][question_id][field_id] = value
    data["meta"]["phase"] = draw(st.sampled_from([p.id for p in FRAMEWORK.phases]))
    budget = draw(st.none() | st.integers(min_value=0, max_value=10**9))
    data["meta"].pop("national_budget_eur", None)
    if budget is not None:
        data["meta"]["national_budget_eur"] = budget
    states = [s.id for s in FRAMEWORK.member_states]
    data["meta"]["member_states"] = draw(st.lists(st.sampled_from(states), unique=True, max_size=8))
    return assessment_from_data(data, "random", framework=FRAMEWORK)[0]


def accept_all(assessment: Assessment) -> Assessment:
    """Take every suggestion, in the order of the chain (A and B first, then the advice that follows from them)."""
    for rule in FRAMEWORK.rules.suggestions:
        suggestion = by_target(assessment).get(rule.target)
        if suggestion is not None:
            question_id, field_id = rule.target.split(".", 1)
            answers = copy.deepcopy(assessment.answers)
            answers.setdefault(question_id, {})[field_id] = suggestion.value
            assessment = assessment.model_copy(update={"answers": answers})
    return assessment


def errors(assessment: Assessment) -> set[str]:
    return {f.rule for f in check(FRAMEWORK, assessment).consistency if f.severity == Severity.ERROR}


@PROPERTY
@given(assessments(with_conclusions=False))
def test_with_open_conclusions_the_advice_follows_the_suggested_a_and_b(assessment):
    found = by_target(assessment)
    suggested = {ref: s.value for ref, s in found.items()}
    expected = advice_from(suggested)
    assert suggested.get(ADVICE) == expected
    if expected is not None:
        advice = found[ADVICE]
        assert advice.alternative is None
        assumed = [ref for ref in AB if ref in suggested]
        assert advice.note is not None or not assumed


@PROPERTY
@given(assessments(with_conclusions=True))
def test_the_advice_follows_the_officers_conclusions_and_shows_the_suggested_line(assessment):
    found = by_target(assessment)
    own = {ref: assessment.value(*ref.split(".", 1)) for ref in AB}
    suggested = {ref: s.value for ref, s in found.items() if ref in AB}
    effective = {ref: own[ref] if not is_empty(own[ref]) else suggested.get(ref) for ref in AB}
    advice = found.get(ADVICE)
    assert (advice.value if advice else None) == advice_from(effective)
    if advice is None:
        return
    line = advice_from(suggested)
    deviating = [ref for ref in AB if not is_empty(own[ref]) and ref in suggested and own[ref] != suggested[ref]]
    if advice.alternative is not None:
        # The suggested line may also hold a conclusion that is suggested only from other suggestions (the chain),
        # which the officer's own line shows no suggestion for; so the model's line can lack it (None).
        assert advice.alternative.value in (line, "deelnemen_onder_voorwaarden", "niet_deelnemen", "deelnemen")
        assert advice.alternative.value != advice.value
        assert line is None or advice.alternative.value == line
        assert deviating
    else:
        assert line in (None, advice.value) or not deviating


@PROPERTY
@given(assessments(with_conclusions=False))
def test_accepting_every_suggestion_never_produces_an_error(assessment):
    before = errors(assessment)  # what the answers of questions 1-13 raise themselves (e.g. Q4 «geen» and a failure)
    accepted = accept_all(assessment)
    assert errors(accepted) <= before
    assert deviations(FRAMEWORK, accepted) == []


@PROPERTY
@given(assessments(with_conclusions=True))
def test_accepting_every_suggestion_over_the_officers_answers_never_produces_an_error(assessment):
    open_conclusions = assessment.model_copy(
        update={"answers": {q: f for q, f in assessment.answers.items() if q not in CONCLUDING}}
    )
    accepted = accept_all(assessment.model_copy(update={"answers": copy.deepcopy(assessment.answers)}))
    for ref in (*AB, ADVICE):
        question_id, field_id = ref.split(".", 1)
        suggestion = by_target(accepted).get(ref)
        if suggestion is not None:
            assert accepted.value(question_id, field_id) == suggestion.value
    if all(ref in by_target(accepted) for ref in (*AB, ADVICE)):  # else an officer's value is left standing
        assert errors(accepted) <= errors(open_conclusions)
