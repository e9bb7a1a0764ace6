"""Key figures (framework.keyfigures, format /2): ranges in plain words, the five rules firing and not firing,
the format (lowest form, hash), the compare rows, the advice PDF and the wizard's form (AppTest)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from gate_support import CLEAN_EXAMPLE
from pydantic import ValidationError
from pypdf import PdfReader

from framework import keyfigures
from framework.assessment import Assessment, canonical_json
from framework.compare.sides import build
from framework.formats import FORMAT_V1, lowest_form
from framework.keyfigures import KeyFigures, from_form
from framework.loading import load_assessment
from framework.rules import check

GOOD = {
    "cofinancing_pct": 60,
    "funding_gap_eur": 50_000_000,
    "aid_requested_eur": 35_000_000,
    "nl_direct_participants": 4,
    "nl_direct_smes": 1,
    "nl_indirect_partners": 12,
    "cost_share_rdi_pct": 40,
    "cost_share_fid_pct": 50.5,
    "cost_share_infrastructure_pct": 9.5,
    "start_date": "2023-01-01",
    "fid_date": "2024-06-30",
    "end_date": "2030-12-31",
    "eu_call_date": "2021-03-15",
}


def with_figures(**figures) -> Assessment:
    assessment, _ = load_assessment(CLEAN_EXAMPLE)
    data = assessment.model_dump(mode="json")
    data["key_figures"] = {**GOOD, **figures}
    return Assessment.model_validate(data)


def rule_ids(framework, assessment) -> set[str]:
    return {f.rule for f in check(framework, assessment).consistency if f.rule.startswith("kf-")}


def test_the_names_are_the_agreed_ones():
    assert keyfigures.NAMES == tuple(GOOD)
    assert set(KeyFigures.model_fields) == set(GOOD)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("aid_requested_eur", -1, "een bedrag is een heel aantal euro's van 0 of meer"),
        ("funding_gap_eur", 10**13, "een bedrag is een heel aantal euro's van 0 of meer"),
        ("cofinancing_pct", 101, "een percentage ligt tussen 0 en 100"),
        ("cost_share_rdi_pct", -0.5, "een percentage ligt tussen 0 en 100"),
        ("nl_direct_participants", -2, "een aantal is een heel getal van 0 of meer"),
        ("start_date", date(2013, 12, 31), "een datum ligt tussen 01-01-2014 en 31-12-2060"),
        ("eu_call_date", date(2061, 1, 1), "een datum ligt tussen 01-01-2014 en 31-12-2060"),
    ],
)
def test_a_figure_out_of_range_is_named_in_words(name, value, words):
    figures, errors = from_form({name: value}, "nl")
    assert figures is None and list(errors) == [name]
    assert words in errors[name] and keyfigures.label(name, "nl") in errors[name]
    data = with_figures().model_dump(mode="json")
    data["key_figures"][name] = value.isoformat() if isinstance(value, date) else value
    with pytest.raises(ValidationError, match=f"key_figures.{name}"):
        Assessment.model_validate(data)


def test_shares_over_100_and_more_smes_than_participants_are_refused():
    _, errors = from_form({"cost_share_rdi_pct": 60, "cost_share_fid_pct": 50}, "nl")
    assert "samen 110 %" in errors["cost_share_rdi_pct"]
    _, errors = from_form({"nl_direct_participants": 2, "nl_direct_smes": 3}, "en")
    assert "SMEs (3) is larger than the number of direct participants (2)" in errors["nl_direct_smes"]
    figures, errors = from_form({"cost_share_rdi_pct": 60, "cost_share_fid_pct": 40.0, "nl_direct_smes": 0}, "nl")
    assert errors == {} and figures.cost_share_fid_pct == 40.0


def test_the_rules_fire_and_do_not_fire(framework):
    assert rule_ids(framework, with_figures()) == set()  # the good figures: no finding
    fired = rule_ids(framework, with_figures(aid_requested_eur=60_000_000))
    assert fired == {"kf-aid-above-gap", "kf-budget-below-aid"}  # above the gap, and above the budget of 35 m
    assert rule_ids(framework, with_figures(aid_requested_eur=50_000_000, funding_gap_eur=50_000_000)) == {
        "kf-budget-below-aid"
    }
    assert rule_ids(framework, with_figures(aid_requested_eur=35_000_000)) == set()  # equal to the budget: fine
    assert rule_ids(framework, with_figures(end_date="2022-12-31")) == {"kf-end-before-start"}
    assert rule_ids(framework, with_figures(fid_date="2031-01-01")) == {"kf-fid-outside"}
    assert rule_ids(framework, with_figures(fid_date="2022-01-01")) == {"kf-fid-outside"}
    assert rule_ids(framework, with_figures(fid_date=None, start_date=None)) == set()
    assert rule_ids(framework, with_figures(cost_share_rdi_pct=0)) == {"kf-fid-without-rdi"}
    assert rule_ids(framework, with_figures(cost_share_rdi_pct=None)) == {"kf-fid-without-rdi"}
    assert rule_ids(framework, with_figures(cost_share_rdi_pct=0, cost_share_fid_pct=0)) == set()
    (finding,) = [
        f for f in check(framework, with_figures(end_date="2022-12-31")).consistency if f.rule.startswith("kf")
    ]
    assert finding.message("nl") == "De einddatum (31-12-2022) ligt vóór de startdatum (01-01-2023)."
    assert finding.field == "key_figures.end_date" and finding.severity.value == "error"


def test_key_figures_are_format_2_and_an_empty_block_changes_no_hash():
    plain, _ = load_assessment(CLEAN_EXAMPLE)
    assert plain.key_figures is None
    assert lowest_form(plain.model_dump(mode="json"))["format"] == FORMAT_V1
    figured = with_figures()
    assert lowest_form(figured.model_dump(mode="json"))["format"] == "ipcei-assessment/2"
    assert figured.content_hash() != plain.content_hash()
    data = figured.model_dump(mode="json")
    data["key_figures"] = {name: None for name in keyfigures.NAMES}
    emptied = Assessment.model_validate(data)
    assert emptied.key_figures is None and emptied.content_hash() == plain.content_hash()
    assert '"key_figures"' not in canonical_json(plain)
    again = Assessment.model_validate_json(canonical_json(figured))
    assert again.key_figures == figured.key_figures


def test_meta_dossier_decides_the_dossier(store):
    assessment, _ = load_assessment(CLEAN_EXAMPLE)
    named = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"dossier": "Hy2Tech"})})
    record = store.create(named, "A")
    assert store.dossier_of(record.id) == "hy2tech"
    assert lowest_form(named.model_dump(mode="json"))["format"] == "ipcei-assessment/2"


def test_compare_shows_key_figures_only_when_given(framework):
    plain, _ = load_assessment(CLEAN_EXAMPLE)
    assert not [r for r in build([(plain, framework), (plain, framework)]).meta if r.question_id == "key_figures"]
    comparison = build([(with_figures(), framework), (with_figures(aid_requested_eur=40_000_000), framework)])
    rows = {r.field_id: r for r in comparison.meta if r.question_id == "key_figures"}
    assert set(rows) == set(keyfigures.NAMES)
    assert rows["aid_requested_eur"].differs and not rows["funding_gap_eur"].differs
    assert [c.text for c in rows["aid_requested_eur"].cells] == ["€ 35.000.000", "€ 40.000.000"]
    assert [c.text for c in rows["start_date"].cells] == ["01-01-2023", "01-01-2023"]
    assert rows["cost_share_fid_pct"].cells[0].text == "50.5 %"


def test_the_advice_pdf_prints_the_key_figures(framework):
    from framework.report.render import render_pdf

    pdf = render_pdf(with_figures(), framework, lang="nl")
    layer = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kerncijfers" in layer
    assert "Gevraagde steun (EUR) € 35.000.000" in layer and "Einddatum 31-12-2030" in layer


def test_what_changed_since_names_the_key_figures(framework):
    from framework.compare.sides import Subject
    from framework.compare.since import since

    found = since(
        Subject(with_figures(), framework),
        Subject(with_figures(aid_requested_eur=30_000_000), framework),
        signed_on=date(2025, 1, 2),
        signed_by="C. Bakker",
    )
    assert [(c.label, c.was, c.now) for c in found.figures] == [
        ("Gevraagde steun (EUR)", "€ 35.000.000", "€ 30.000.000")
    ]


def _wizard_meta(record_id):
    from app_support import open_in_wizard, person_app

    return open_in_wizard(person_app(), record_id, "meta")


def _number(at, name):
    return next(n for n in at.number_input if n.key.endswith(f"|{name}"))


def test_the_wizard_form_saves_valid_key_figures_and_names_the_wrong_ones():
    from app_support import stored, texts

    from framework.draft import META_STEP
    from framework.store import open_store

    assert META_STEP == "meta"
    record = stored(by="A. de Vries")
    at = _wizard_meta(record.id)
    assert "Kerncijfers" in texts(at.subheader)
    _number(at, "nl_direct_participants").set_value(2)
    _number(at, "nl_direct_smes").set_value(3)
    at.form_submit_button[-1].click().run()
    assert not at.exception, at.exception
    assert any("niet opgeslagen" in e for e in texts(at.error))
    assert any("groter dan het aantal directe deelnemers" in m for m in texts(at.markdown))
    with open_store() as store:
        assert store.get(record.id).assessment.key_figures is None  # nothing invalid is stored
    _number(at, "nl_direct_smes").set_value(1)
    _number(at, "aid_requested_eur").set_value(20_000_000)
    at.form_submit_button[-1].click().run()
    assert not at.exception, at.exception
    with open_store() as store:
        saved = store.get(record.id).assessment.key_figures
    assert saved is not None and (saved.nl_direct_participants, saved.nl_direct_smes) == (2, 1)
    assert saved.aid_requested_eur == 20_000_000 and isinstance(saved.aid_requested_eur, int)
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Gevraagde steun (EUR): € 20.000.000" in texts(at.markdown)


def test_the_three_way_merge_keeps_key_figures_one_side_changed(framework):
    from framework import merge

    plain, _ = load_assessment(CLEAN_EXAMPLE)
    base, mine, theirs = (plain.model_dump(mode="json") for _ in range(3))
    mine["key_figures"] = {"aid_requested_eur": 20_000_000}
    theirs["answers"]["q1"]["answer"] = "Hun aanleiding."
    found = merge.changes(framework, base, mine, theirs)
    assert {c.key: c.side for c in found} == {
        "key_figures.aid_requested_eur": merge.Side.MINE,
        "q1.answer": merge.Side.THEIRS,
    }
    merged = merge.merge(theirs, found, set())
    assert merged["key_figures"] == {"aid_requested_eur": 20_000_000}
    assert Assessment.model_validate(merged).key_figures.aid_requested_eur == 20_000_000
    assert merged["answers"]["q1"]["answer"] == "Hun aanleiding."
