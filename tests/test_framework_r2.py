"""Framework revision 2022-07-r2: Q11's scales gain «positief»; assessments of 2022-07 keep their own version.

The official Dutch text of the annex is the same in both versions; only our own answer options, the rules that
read them, the version id and the revision note differ. A new assessment answers r2; an old one opens, checks and
renders under 2022-07 and moves to r2 only through ``ipcei upgrade`` (every answer carried over).
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from framework import draft as drafting
from framework import upgrade
from framework.assessment import Meta, Status
from framework.cli import EXIT_OK, main
from framework.errors import InputError
from framework.loading import (
    DEFAULT_FRAMEWORK,
    ROOT,
    assessment_from_data,
    default_framework,
    load_assessment,
    load_framework,
)
from framework.rules import consistency
from framework.suggestions import suggestions
from framework.yamlio import read_file

OLD_FILE = ROOT / "frameworks" / "afwegingskader-2022-07.yaml"
EXAMPLE = ROOT / "examples" / "ipcei-micro-elektronica.yaml"
Q11_SCALES = ("impact_broad_welfare", "impact_productivity", "impact_employment", "impact_knowledge")
B2 = "conclusion_b.national_participation"


@pytest.fixture(scope="module")
def r1():
    return load_framework(OLD_FILE)


@pytest.fixture(scope="module")
def r2():
    return load_framework(DEFAULT_FRAMEWORK)


def _as_r2(changes: dict[str, object]):
    """The example as an answer to r2, with ``{"q11.impact_knowledge": "positief", ...}`` applied."""
    data, _ = read_file(EXAMPLE)
    data = copy.deepcopy(data)
    data["framework"]["version"] = "2022-07-r2"
    for ref, value in changes.items():
        question_id, field_id = ref.split(".")
        if value is None:
            data["answers"].setdefault(question_id, {}).pop(field_id, None)
        else:
            data["answers"].setdefault(question_id, {})[field_id] = value
    return assessment_from_data(data, "test", framework=load_framework(DEFAULT_FRAMEWORK))[0]


def test_r2_is_current_and_differs_from_2022_07_only_in_our_own_options(r1, r2):
    assert (r1.version, r2.version) == ("2022-07", "2022-07-r2") and default_framework().version == "2022-07-r2"
    assert r1.revision_note is None and "2022-07" in r2.revision_note.nl and "«Positief»" in r2.revision_note.nl
    assert [q.id for q in r1.questions()] == [q.id for q in r2.questions()]
    for old, new in zip(r1.questions(), r2.questions(), strict=True):
        # the official wording is quoted exactly in both versions
        assert (old.title, old.text, old.guidance, old.footnote) == (new.title, new.text, new.guidance, new.footnote)
        if old.id != "q11":
            assert old.fields == new.fields, old.id
    for field_id in Q11_SCALES:
        before = [o.id for o in r1.question("q11").field(field_id).options]
        after = [o.id for o in r2.question("q11").field(field_id).options]
        assert before == ["negatief", "geen", "beperkt", "significant"]
        assert after == ["negatief", "geen", "beperkt", "positief", "significant"]
        assert r2.question("q11").field(field_id).option("positief").label.nl == "Positief"


def test_a_2022_07_assessment_opens_checks_and_renders_under_its_own_version(r1):
    from framework.report.render import render_html

    assessment, framework = load_assessment(EXAMPLE)
    assert framework.version == "2022-07" and framework == r1
    html = render_html(assessment, framework, lang="nl")
    assert "afwegingskader-ipcei 2022-07 ·" in html and "2022-07-r2" not in html
    assert main(["validate", str(EXAMPLE)]) == EXIT_OK


def test_positief_is_refused_in_a_2022_07_assessment_naming_question_and_field(tmp_path):
    data, _ = read_file(EXAMPLE)
    data["answers"]["q11"]["impact_knowledge"] = "positief"
    with pytest.raises(InputError) as caught:
        assessment_from_data(data, "oud.yaml")
    problem = caught.value.problems[0]
    assert problem.field == "answers.q11.impact_knowledge" and "significant" in problem.message


def test_a_new_assessment_answers_r2_and_takes_positief(r2):
    meta = Meta(
        title="Deelname aan IPCEI Test",
        ipcei="IPCEI Test",
        ecosystem="digitaal",
        phase="verkenning",
        author="A. de Vries",
        created=date(2026, 1, 5),
    )
    new = drafting.new_assessment(default_framework(), meta)
    assert new.framework.version == "2022-07-r2"
    data = new.model_dump(mode="json")
    data["answers"] = {"q11": {field_id: "positief" for field_id in Q11_SCALES}}
    assessment, framework = assessment_from_data(data, "nieuw.yaml")
    assert framework == r2 and assessment.value("q11", "impact_employment") == "positief"
    assert drafting.display_value(r2.question("q11").field("impact_employment"), "positief", "nl") == "Positief"


@pytest.mark.parametrize(
    ("impact", "wanted"),
    [("significant", "ja"), ("positief", "ja"), ("beperkt", "deels"), ("geen", "deels")],
)
def test_the_b2_suggestion_treats_positief_like_significant(impact, wanted):
    """Willing companies and benefits that outweigh: a (significantly) positive impact suggests «ja»; only a
    limited one «deels». The suggestion does not flip between «positief» and «significant»."""
    changes = {f"q11.{f}": "geen" for f in Q11_SCALES} | {"q11.impact_knowledge": impact}
    changes |= {"q12.willingness": "ja", "q13.balance": "voordelen_groter", B2: None}
    found = {f"{s.question}.{s.field}": s for s in suggestions(load_framework(DEFAULT_FRAMEWORK), _as_r2(changes))}
    assert found[B2].value == wanted


@pytest.mark.parametrize(("impact", "fires"), [("positief", True), ("significant", True), ("geen", False)])
def test_denying_participation_against_a_positive_impact_is_an_error(impact, fires):
    changes = {f"q11.{f}": "geen" for f in Q11_SCALES} | {"q11.impact_productivity": impact}
    changes |= {"q12.willingness": "ja", "q13.balance": "voordelen_groter", B2: "nee"}
    rules = [f.rule for f in consistency(load_framework(DEFAULT_FRAMEWORK), _as_r2(changes))]
    assert ("participation-denied-against-answers" in rules) is fires


def test_positief_is_a_positive_impact_for_participation_desirable():
    changes = {f"q11.{f}": "geen" for f in Q11_SCALES} | {"q11.impact_broad_welfare": "positief", B2: "ja"}
    rules = [f.rule for f in consistency(load_framework(DEFAULT_FRAMEWORK), _as_r2(changes))]
    assert "participation-without-impact" not in rules
    changes["q11.impact_broad_welfare"] = "geen"
    rules = [f.rule for f in consistency(load_framework(DEFAULT_FRAMEWORK), _as_r2(changes))]
    assert "participation-without-impact" in rules


def test_upgrade_from_2022_07_to_r2_carries_every_answer_and_the_qualifiers(r1, r2, capsys):
    from framework.store import open_store

    old, _ = load_assessment(EXAMPLE)
    old = old.model_copy(
        update={
            "meta": old.meta.model_copy(update={"status": Status.CONCEPT}),
            "qualifiers": {"q11": {"impact_knowledge": "vooral voor de chipketen"}},
        }
    )
    the_plan = upgrade.plan(old, r1, r2)
    assert [q.id for q in the_plan.changed] == ["q11"] and the_plan.changed[0].changes == ("fields",)
    assert the_plan.new == () and the_plan.dropped == () and the_plan.lost == ()
    assert the_plan.note == r2.revision_note and the_plan.as_dict()["note"]["nl"].startswith("Herziening")

    store = open_store()
    record = store.create(old, "Tester")
    code = main(["upgrade", record.id, "--to", "2022-07-r2", "--dry-run", "--by", "T"])
    out = capsys.readouterr().out
    assert code == EXIT_OK and "note: Herziening van versie 2022-07" in out and "~ q11" in out
    assert store.get(record.id).framework_key.endswith("@2022-07")  # a dry run changes nothing
    saved, _ = upgrade.upgrade(store, record.id, r2, "Tester")
    moved = store.get(record.id)
    assert saved.revision == 2 and moved.framework_key == "afwegingskader-ipcei@2022-07-r2"
    assert moved.assessment.answers == old.answers
    assert moved.assessment.qualifier("q11", "impact_knowledge") == "vooral voor de chipketen"
    assert store.framework_of_revision(record.id, 1).version == "2022-07"  # the first revision keeps its version
    edited = moved.assessment.model_copy(
        update={
            "answers": {
                **moved.assessment.answers,
                "q11": {**moved.assessment.answers["q11"], "impact_knowledge": "positief"},
            }
        }
    )
    assert store.save(record.id, edited, "Tester", based_on=2).revision == 3


def test_upgrade_drops_the_marks_of_a_field_that_is_gone(r1):
    """A qualifier beside a field the target no longer has is not carried (it would not validate there)."""
    data = r1.model_dump(mode="json", by_alias=True)
    data["version"] = "2099-01"
    q11 = next(q for p in data["parts"] for q in p["questions"] if q["id"] == "q11")
    q11["fields"] = [f for f in q11["fields"] if f["id"] != "impact_knowledge"]
    rules = data["rules"]  # and the rules that read it
    rules["consistency"] = [r for r in rules["consistency"] if "impact_knowledge" not in json.dumps(r)]
    for rule in rules["suggestions"]:
        rule["cases"] = [c for c in rule["cases"] if "impact_knowledge" not in json.dumps(c)]
    from framework.loading import framework_from_data

    target = framework_from_data(data, "test")
    old, _ = load_assessment(EXAMPLE)
    old = old.model_copy(update={"qualifiers": {"q11": {"impact_knowledge": "weg", "impact_employment": "blijft"}}})
    moved = upgrade.upgraded(old, target, upgrade.plan(old, r1, target))
    assert moved.qualifiers == {"q11": {"impact_employment": "blijft"}}
