"""Format /2 marks beside answers: a qualifier, «onbekend» with a reason, «geen»; checked, and shown everywhere."""

from __future__ import annotations

import copy
import re
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from framework.assessment import Assessment
from framework.errors import InputError
from framework.loading import assessment_from_data, load_assessment
from framework.marks import NONE, QUALIFIER, UNKNOWN, mark_of, set_mark
from framework.report.render import render_html, render_pdf
from framework.rules import check

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-micro-elektronica.yaml"
QUALIFIER_TEXT = "ja, voor het Europese project"
REASON = "volgt uit de nationale call"


def marked() -> tuple[Assessment, object]:
    """Micro-electronics with a qualifier on Q9, the private investment of Q12 «onbekend», Q13 drawbacks «geen»."""
    assessment, _ = load_assessment(EXAMPLE)
    data = assessment.model_dump(mode="json")
    del data["answers"]["q12"]["private_investment_eur"]
    del data["answers"]["q13"]["drawbacks"]
    data["qualifiers"] = {"q9": {"state_aid_necessary": QUALIFIER_TEXT}}
    data["unknown"] = {"q12": {"private_investment_eur": REASON}}
    data["none_stated"] = {"q13": ["drawbacks"]}
    return assessment_from_data(data, "marked")


def squash(text: str) -> str:
    return " ".join(text.split())


def test_marks_load_and_change_the_hash():
    assessment, _ = marked()
    assert assessment.qualifier("q9", "state_aid_necessary") == QUALIFIER_TEXT
    assert assessment.unknown_reason("q12", "private_investment_eur") == REASON
    assert assessment.stated_none("q13", "drawbacks")
    assert assessment.unknown_reason("q12", "companies") is None and not assessment.stated_none("q14", "conditions")
    plain, _ = load_assessment(EXAMPLE)
    assert assessment.content_hash() != plain.content_hash()


def test_onbekend_and_geen_are_answers_for_completeness():
    assessment, framework = marked()
    required = [f.field for f in check(framework, assessment).completeness if f.rule == "required"]
    assert "q13.drawbacks" not in required
    data = assessment.model_dump(mode="json")
    del data["none_stated"]
    bare, _ = assessment_from_data(data, "bare")
    assert "q13.drawbacks" in [f.field for f in check(framework, bare).completeness if f.rule == "required"]


def test_geen_conditions_under_conditions_still_fires():
    """«geen voorwaarden» is an answer, so an advice «onder voorwaarden» with it still contradicts."""
    assessment, framework = load_assessment(EXAMPLE)
    data = assessment.model_dump(mode="json")
    data["answers"]["q14"]["advice"] = "deelnemen_onder_voorwaarden"
    del data["answers"]["q14"]["conditions"]
    data["none_stated"] = {"q14": ["conditions"]}
    stated, _ = assessment_from_data(data, "x")
    assert "conditions-missing" in [f.rule for f in check(framework, stated).consistency]
    assert "q14.conditions" not in [f.field for f in check(framework, stated).completeness]


BAD = [
    ({"qualifiers": {"q9": {"answer": "x"}}}, "qualifiers.q9.answer", "beside a choice or scale"),
    ({"qualifiers": {"q9": {"state_aid_necessary": "x" * 301}}}, "qualifiers.q9.state_aid_necessary", "at most 300"),
    ({"qualifiers": {"q99": {"x": "y"}}}, "qualifiers.q99", "no such question"),
    ({"qualifiers": {"q9": {"nope": "y"}}}, "qualifiers.q9.nope", "has no field 'nope'"),
    ({"unknown": {"q9": {"state_aid_necessary": "r"}}}, "unknown.q9.state_aid_necessary", "only an amount"),
    ({"unknown": {"q12": {"private_investment_eur": "r"}}}, "unknown.q12.private_investment_eur", "give one"),
    ({"none_stated": {"q14": ["conditions"]}}, "none_stated.q14[0]", "give one"),
    ({"none_stated": {"q14": ["advice"]}}, "none_stated.q14[0]", "only a list"),
    (
        {"unknown": {"q12": {"private_investment_eur": ""}}},
        "unknown.q12.private_investment_eur",
        "empty: write something here",
    ),
]


@pytest.mark.parametrize(("extra", "where", "message"), BAD, ids=[b[1] + "-" + b[2] for b in BAD])
def test_a_bad_mark_is_refused_with_where_and_what(extra, where, message):
    assessment, _ = load_assessment(EXAMPLE)
    data = {**assessment.model_dump(mode="json"), **extra}
    with pytest.raises(InputError) as caught:
        assessment_from_data(data, "a.yaml")
    problems = [p for p in caught.value.problems if p.field == where]
    assert problems and message in problems[0].message, caught.value.problems


def test_set_mark_in_draft_data():
    data: dict = {}
    assert set_mark(data, QUALIFIER, "q9", "state_aid_necessary", "  kort  ")
    assert mark_of(data, QUALIFIER, "q9", "state_aid_necessary") == "kort"
    assert not set_mark(data, QUALIFIER, "q9", "state_aid_necessary", "kort")
    assert set_mark(data, QUALIFIER, "q9", "state_aid_necessary", "x" * 400)
    assert len(data["qualifiers"]["q9"]["state_aid_necessary"]) == 300
    assert set_mark(data, QUALIFIER, "q9", "state_aid_necessary", "")
    assert "qualifiers" not in data
    assert set_mark(data, NONE, "q14", "conditions", True) and data["none_stated"] == {"q14": ["conditions"]}
    assert mark_of(data, NONE, "q14", "conditions") and not mark_of(data, NONE, "q13", "drawbacks")
    assert set_mark(data, NONE, "q14", "conditions", False) and "none_stated" not in data
    assert set_mark(data, UNKNOWN, "q12", "private_investment_eur", REASON)
    assert mark_of(data, UNKNOWN, "q12", "private_investment_eur") == REASON


def test_the_pdf_shows_qualifier_onbekend_and_geen():
    assessment, framework = marked()
    html = render_html(assessment, framework)
    at_q9 = html.split('id="q9"', 1)[1].split('id="q10"', 1)[0]
    assert QUALIFIER_TEXT in at_q9
    pdf = render_pdf(assessment, framework, lang="nl")
    text = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    assert f"toelichting: {QUALIFIER_TEXT}" in text
    assert f"onbekend ({REASON})" in text
    assert re.search(r"nadelen en risico.s geen", text, re.IGNORECASE)  # the label is set in capitals
    at_q13 = html.split('id="q13"', 1)[1].split('id="q14"', 1)[0]
    assert '<p class="none-stated">geen</p>' in at_q13


def test_the_plain_pdf_has_no_marks():
    assessment, framework = load_assessment(EXAMPLE)
    html = render_html(assessment, framework)
    assert 'class="qualifier"' not in html and 'class="unknown"' not in html and 'class="none-stated"' not in html


def test_marks_are_not_shared_between_copies():
    assessment, _ = marked()
    other = copy.deepcopy(assessment)
    assert other.qualifiers == assessment.qualifiers


def test_the_compare_shows_the_marks_and_a_changed_qualifier_differs():
    from framework.compare import sides
    from framework.compare.export import render_html as compare_html

    assessment, framework = marked()
    plain, _ = load_assessment(EXAMPLE)
    comparison = sides.build([(plain, framework), (assessment, framework)])
    q9 = comparison.row("q9", "state_aid_necessary")
    assert q9.cells[1].qualifier == QUALIFIER_TEXT and f"toelichting: {QUALIFIER_TEXT}" in q9.cells[1].text
    assert q9.cells[0].qualifier == "" and q9.differs  # same verdict, but one is qualified
    unknown = comparison.row("q12", "private_investment_eur").cells[1]
    assert not unknown.empty and unknown.text == f"onbekend ({REASON})"
    assert comparison.row("q13", "drawbacks").cells[1].text == "geen"
    html = compare_html(comparison)
    assert QUALIFIER_TEXT in html and f"onbekend ({REASON})" in html
    same = sides.build([(assessment, framework), (assessment, framework)])
    assert not same.row("q9", "state_aid_necessary").differs


def test_the_report_view_carries_the_format_2_metadata():
    import datetime

    from framework.report.view import build_view

    assessment, framework = load_assessment(EXAMPLE)
    meta = assessment.meta.model_copy(
        update={
            "coordinator": "el",
            "member_states": ["nl", "el", "de"],
            "few_member_states_reason": "Drie gespecialiseerde lidstaten volstaan.",
            "reference_date": datetime.date(2024, 3, 1),
            "secondary_ecosystems": ["digitaal"],
            "national_budget_eur": None,
            "national_budget_unknown": "volgt na de call",
        }
    )
    view = build_view(
        assessment.model_copy(update={"meta": meta}),
        framework,
        lang="nl",
        include_guidance=False,
        signoff=None,
        timestamps=("", ""),
    )
    doc = view["doc"]
    assert (doc["coordinator"], doc["reference_date"]) == ("Griekenland", "01-03-2024")
    assert doc["secondary_ecosystems"] == ["digitale sector"]
    assert doc["few_member_states_reason"] == "Drie gespecialiseerde lidstaten volstaan."
    assert doc["budget"] == "onbekend (volgt na de call)"
    severities = {f["severity"] for f in view["summary"]["consistency"] if "vier" in f["message"]}
    assert severities == {"info"}  # justified: fewer than four is a note, not a warning


def test_a_conflict_on_a_mark_is_listed_and_merged():
    from framework import merge

    assessment, framework = load_assessment(EXAMPLE)
    base = assessment.model_dump(mode="json")
    theirs = assessment.model_dump(mode="json")
    mine = assessment.model_dump(mode="json")
    set_mark(mine, QUALIFIER, "q9", "state_aid_necessary", QUALIFIER_TEXT)
    mine["meta"]["coordinator"] = "nl"
    found = merge.changes(framework, base, mine, theirs)
    assert [c.key for c in found] == ["meta.coordinator", "q9.state_aid_necessary|qualifier"]
    assert merge.to_choose(found) == []  # only I changed them: taken without asking
    merged = merge.merge(theirs, found, take_mine=set())
    assert merged["qualifiers"] == {"q9": {"state_aid_necessary": QUALIFIER_TEXT}}
    assert merged["meta"]["coordinator"] == "nl"
    # both changed the qualifier differently: the user chooses, field by field
    set_mark(theirs, QUALIFIER, "q9", "state_aid_necessary", "ja, voor Nederland beperkt")
    found = merge.changes(framework, base, mine, theirs)
    assert [c.key for c in merge.to_choose(found)] == ["q9.state_aid_necessary|qualifier"]
    kept = merge.merge(theirs, found, take_mine=set())
    assert kept["qualifiers"]["q9"]["state_aid_necessary"] == "ja, voor Nederland beperkt"
    chosen = merge.merge(theirs, found, take_mine={"q9.state_aid_necessary|qualifier"})
    assert chosen["qualifiers"]["q9"]["state_aid_necessary"] == QUALIFIER_TEXT


def test_a_qualifier_and_a_reason_are_searched_in_their_question():
    from framework.search import parts

    assessment, _ = marked()
    found = dict(parts(assessment.model_dump(mode="json")))
    assert QUALIFIER_TEXT in found["q9"]
    assert REASON in found["q12"]
    assert QUALIFIER_TEXT not in found.get("other", "")


def test_the_compare_shows_the_format_2_metadata_rows():
    import datetime

    from framework.compare import sides

    plain, framework = load_assessment(EXAMPLE)
    empty = {r.field_id: r for r in sides.build([(plain, framework), (plain, framework)]).meta}
    assert empty["coordinator"].cells[0].empty and not empty["coordinator"].differs
    meta = plain.meta.model_copy(update={"coordinator": "nl", "reference_date": datetime.date(2024, 3, 1)})
    richer = plain.model_copy(update={"meta": meta})
    comparison = sides.build([(plain, framework), (richer, framework)])
    rows = {r.field_id: r for r in comparison.meta}
    assert rows["coordinator"].cells[1].text == "Nederland" and rows["coordinator"].differs
    assert rows["reference_date"].cells[1].text == "01-03-2024"
    assert rows["secondary_ecosystems"].cells[1].empty
