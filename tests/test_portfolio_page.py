"""The Portefeuille page (AppTest on views/portfolio.py, temporary SQLite store): figures, filters, charts with
text alternatives and fixed advice colours, downloads, a bad filter in the URL, and what an author sees."""

from __future__ import annotations

import json

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from app_support import ROOT, texts
from store_support import make_assessment
from streamlit.testing.v1 import AppTest

from framework.portfolio import ADVICE_COLOURS
from framework.store import open_store
from framework.workflow import Actor, Role

PAGE = str(ROOT / "views" / "portfolio.py")
B = 1_000_000


def page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


@pytest.fixture
def stored():
    store = open_store()
    store.create(make_assessment(1, ipcei="Hy2Infra", national_budget_eur=600 * B), "A. de Vries")
    store.create(
        make_assessment(2, ipcei="Hy2Use", ecosystem="digitaal", phase="notificatie", national_budget_eur=35 * B,
                        author="B. Jansen", created="2023-02-01"),
        "Invoerder",
    )  # fmt: skip
    store.close()


def test_empty_store_says_so():
    at = page()
    assert texts(at.title) == ["Portefeuille van IPCEI's"]
    assert "Geen beoordelingen binnen deze filters." in texts(at.info)


def test_figures_charts_with_text_alternatives_and_downloads(stored):
    at = page()
    assert metrics(at) == ["2", "€ 635.000.000", "—"]
    assert any("laatst aangemaakte beoordeling" in c for c in texts(at.caption))  # the rule is said on the page
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3
    for chart in charts:  # each with an accessible name, said in a caption too
        assert chart.proto.alt and chart.proto.alt in texts(at.caption)
    for chart in charts:  # drawn without Altair's validation on every rerun: valid Vega-Lite, checked here
        validate_jsonschema(json.loads(chart.proto.spec), load_schema())
    spec = json.loads(charts[0].proto.spec)
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"] == list(ADVICE_COLOURS.values())  # same advice, same colour
    assert scale["domain"][:3] == ["Deelnemen", "Deelnemen onder voorwaarden", "Niet deelnemen"]
    assert len(at.dataframe) >= 5  # the two tables and one per chart
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["PDF downloaden", "CSV per ecosysteem en fase", "CSV per IPCEI", "CSV van de tijdlijn"]


def test_year_and_status_filters(stored):
    at = page()
    at.selectbox(key="pf_year").set_value(2023).run()
    assert metrics(at)[:2] == ["1", "€ 35.000.000"]
    at.selectbox(key="pf_status").set_value("vastgesteld").run()
    assert "Geen beoordelingen binnen deze filters." in texts(at.info)


def test_filters_from_the_url_and_a_bad_one_named(stored):
    at = page(jaar="2023")
    assert at.selectbox(key="pf_year").value == 2023 and metrics(at)[0] == "1"
    bad = page(jaar="1999", status="klaar")
    [error] = texts(bad.error)
    assert "Jaar: '1999' is geen jaartal van 2014 tot en met 2060" in error
    assert "Status: 'klaar' is geen status" in error
    assert metrics(bad)[0] == "2"  # the page still shows everything, unfiltered


def test_a_signed_in_author_sees_only_what_they_drafted(stored, monkeypatch):
    from ui import identity

    monkeypatch.setattr(identity, "is_authenticated", lambda: True)
    monkeypatch.setattr(identity, "actor", lambda: Actor("B. Jansen", Role.AUTHOR))
    monkeypatch.setattr(identity, "person_roles", lambda: (Role.AUTHOR,))
    at = page()
    assert metrics(at)[:2] == ["1", "€ 35.000.000"]
    assert "U ziet alleen de IPCEI's van de beoordelingen die u zelf hebt opgesteld." in texts(at.info)
    monkeypatch.setattr(identity, "actor", lambda: None)
    nobody = page()
    assert "U mag geen beoordelingen zien; vraag de beheerder om een rol." in texts(nobody.info)


def test_a_rerun_shows_what_changed_since(stored):
    at = page()
    assert metrics(at)[0] == "2"
    store = open_store()
    store.create(make_assessment(3, ipcei="ME/CT", national_budget_eur=5 * B), "Invoerder")
    at.run()
    assert metrics(at)[:2] == ["3", "€ 640.000.000"]
    hy2use = next(s for s in store.list().items if s.ipcei == "Hy2Use")
    store.archive(hy2use.id, "Invoerder")  # archiving changes no date: the page sees it all the same
    store.close()
    at.run()
    assert metrics(at)[:2] == ["2", "€ 605.000.000"]
