"""The portfolio (framework.portfolio): aggregates in SQL on SQLite and PostgreSQL, filters, visibility, CSV, PDF,
the ``ipcei portfolio`` command and migration 6's back-fill of the amounts."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, example
from sqlalchemy import text
from store_support import make_assessment

from framework import workflow as wf
from framework.cli.main import main
from framework.errors import InputError
from framework.identity import visible_query
from framework.portfolio import NO_ADVICE, build, parse_filter
from framework.portfolio.export import csv_rows, render_pdf, to_csv
from framework.store import open_store
from framework.store.migrations import MIGRATIONS
from framework.store.rows import columns_from_data, portfolio_figures
from framework.workflow import Role

B = 1_000_000


def _figure(n: int, advice: str | None, **meta) -> object:
    assessment = make_assessment(n, **meta)
    q14 = {"answer": "Conclusie."} | ({"advice": advice} if advice else {})
    return assessment.model_copy(update={"answers": {**assessment.answers, "q14": q14}})


@pytest.fixture
def filled(store):
    """Four IPCEIs of known figures: one signed off, one with two phases, one without budget or advice."""
    signed = example(author="A. de Vries")
    meta = signed.meta.model_copy(update={"ipcei": "Hy2Tech", "national_budget_eur": 35 * B})
    record = store.create(signed.model_copy(update={"meta": meta}), AUTHOR.name)
    wf.submit(store, record.id, AUTHOR)
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    wf.sign_off(store, record.id, APPROVER)
    ids = {"Hy2Tech": record.id}
    ids["infra1"] = store.create(
        _figure(1, "deelnemen", ipcei="Hy2Infra", national_budget_eur=600 * B), "A. de Vries"
    ).id
    ids["infra2"] = store.create(
        _figure(
            2, "deelnemen_onder_voorwaarden", ipcei="Hy2Infra", phase="pre_notificatie", national_budget_eur=650 * B
        ),
        "A. de Vries",
    ).id
    ids["Hy2Use"] = store.create(
        _figure(3, "niet_deelnemen", ipcei="Hy2Use", phase="pre_notificatie", national_budget_eur=783_500_000,
                author="B. Jansen", created="2023-05-01"),
        "Invoerder",
    ).id  # fmt: skip
    ids["ME/CT"] = store.create(
        _figure(4, None, ipcei="ME/CT", ecosystem="elektronica", phase="notificatie", author="B. Jansen",
                created="2023-06-01"),
        "Invoerder",
    ).id  # fmt: skip
    return store, ids


def _portfolio(store, year=None, status=None, archived=False, who=None):
    chosen = parse_filter(year, status, archived)
    query = chosen.list_query() if who is None else visible_query(chosen.list_query(), [Role.AUTHOR], who)
    return build(store, chosen, query)


def test_per_ecosystem_and_phase_each_ipcei_once_by_its_latest_assessment(filled):
    store, ids = filled
    p = _portfolio(store)
    cells = {(c.ecosystem, c.phase): c for c in p.cells}
    assert [(c.ecosystem, c.phase) for c in p.cells] == [
        ("elektronica", "notificatie"),
        ("hernieuwbare_energie", "pre_notificatie"),
        ("hernieuwbare_energie", "notificatie"),
    ]
    pre = cells["hernieuwbare_energie", "pre_notificatie"]  # Hy2Infra (its 2nd assessment) and Hy2Use
    assert (pre.ipceis, pre.budget, pre.budget_known) == (2, 650 * B + 783_500_000, 2)
    assert pre.advice == {"deelnemen": 0, "deelnemen_onder_voorwaarden": 1, "niet_deelnemen": 1, NO_ADVICE: 0}
    signed = cells["hernieuwbare_energie", "notificatie"]
    assert (signed.ipceis, signed.budget, signed.advice["deelnemen"]) == (1, 35 * B, 1)
    mect = cells["elektronica", "notificatie"]
    assert (mect.ipceis, mect.budget, mect.budget_known, mect.advice[NO_ADVICE]) == (1, None, 0, 1)
    assert (p.total.ipceis, p.total.budget, p.total.budget_known) == (4, 35 * B + 650 * B + 783_500_000, 3)
    assert p.total.aid is None and p.total.aid_known == 0  # no document has key figures yet: unknown, not zero

    rows = {r.ipcei: r for r in p.ipceis}
    assert list(rows) == ["Hy2Infra", "Hy2Tech", "Hy2Use", "ME/CT"]
    assert (rows["Hy2Infra"].assessment_id, rows["Hy2Infra"].assessments) == (ids["infra2"], 2)
    assert rows["Hy2Infra"].advice == "deelnemen_onder_voorwaarden" and rows["ME/CT"].advice is None
    assert rows["Hy2Tech"].status == "vastgesteld" and rows["Hy2Tech"].signed_at is not None
    assert rows["Hy2Use"].signed_at is None

    timeline = [(r.ipcei, r.phase, r.decided is not None, r.assessments) for r in p.timeline]
    assert timeline == [
        ("Hy2Infra", "verkenning", False, 1),
        ("Hy2Infra", "pre_notificatie", False, 1),
        ("Hy2Tech", "notificatie", True, 1),
        ("Hy2Use", "pre_notificatie", False, 1),
        ("ME/CT", "notificatie", False, 1),
    ]


def test_aid_requested_is_summed_where_known(filled):
    store, ids = filled
    with store.engine.begin() as conn:  # as a format /2 document's key figures will fill it on save
        for key, amount in (("infra2", 500 * B), ("Hy2Use", 700 * B)):
            conn.execute(
                text("UPDATE assessments SET aid_requested_eur = :a WHERE id = :i"), {"a": amount, "i": ids[key]}
            )
    p = _portfolio(store)
    pre = next(c for c in p.cells if c.phase == "pre_notificatie")
    assert (pre.aid, pre.aid_known) == (1_200 * B, 2)
    assert (p.total.aid, p.total.aid_known) == (1_200 * B, 2)


def test_filters_by_year_and_status(filled):
    store, _ = filled
    assert sorted(r.ipcei for r in _portfolio(store, year=2023).ipceis) == ["Hy2Use", "ME/CT"]
    only_2024 = _portfolio(store, year="2024")
    assert [(r.ipcei, r.assessments) for r in only_2024.ipceis] == [("Hy2Infra", 2)]
    signed = _portfolio(store, status="vastgesteld")
    assert [r.ipcei for r in signed.ipceis] == ["Hy2Tech"] and signed.total.budget == 35 * B
    assert _portfolio(store, status="concept").total.ipceis == 3
    assert _portfolio(store, year=2030).empty


def test_archived_assessments_only_on_request(filled):
    store, ids = filled
    store.archive(ids["Hy2Use"], "Invoerder")
    assert "Hy2Use" not in {r.ipcei for r in _portfolio(store).ipceis}
    assert "Hy2Use" in {r.ipcei for r in _portfolio(store, archived=True).ipceis}


def test_an_author_sees_only_the_ipceis_they_drafted(filled):
    store, _ = filled
    mine = _portfolio(store, who="A. de Vries")
    assert mine.restricted and sorted(r.ipcei for r in mine.ipceis) == ["Hy2Infra", "Hy2Tech"]
    assert mine.total.budget == 650 * B + 35 * B
    other = _portfolio(store, who="b. jansen")
    assert sorted(r.ipcei for r in other.ipceis) == ["Hy2Use", "ME/CT"]
    assert {r.ipcei for r in other.timeline} == {"Hy2Use", "ME/CT"}
    assert not _portfolio(store).restricted
    nobody = build(store, parse_filter(), None)
    assert nobody.empty and nobody.restricted


@pytest.mark.parametrize(
    ("year", "status", "field", "says"),
    [
        (1999, None, "year", "'1999' is not a year from 2014 to 2060"),
        ("2061", None, "year", "from 2014 to 2060"),
        ("twintig", None, "year", "'twintig' is not a year"),
        (None, "klaar", "status", "'klaar' is not a status; use one of: concept, ter_review"),
    ],
)
def test_a_bad_filter_is_named(year, status, field, says):
    with pytest.raises(InputError) as caught:
        parse_filter(year, status)
    [problem] = caught.value.problems
    assert problem.field == field and says in problem.message
    assert problem.text("nl") != problem.message  # a Dutch message for the page


def test_a_valid_filter_passes():
    chosen = parse_filter("2014", "vastgesteld", True)
    assert (chosen.year, chosen.status, chosen.include_archived) == (2014, "vastgesteld", True)
    assert parse_filter("", "").list_query().year is None


def test_figures_read_defensively_from_the_document():
    data = {"meta": {"national_budget_eur": 35 * B}, "key_figures": {"aid_requested_eur": 20 * B}}
    assert portfolio_figures(data) == {"national_budget_eur": 35 * B, "aid_requested_eur": 20 * B}
    assert portfolio_figures({"meta": {}}) == {"national_budget_eur": None, "aid_requested_eur": None}
    for odd in (True, -1, "35000000", 2**63, 1.5, None):
        assert portfolio_figures({"meta": {"national_budget_eur": odd}, "key_figures": {"aid_requested_eur": odd}}) == {
            "national_budget_eur": None,
            "aid_requested_eur": None,
        }
    assert portfolio_figures({"meta": "x", "key_figures": [1]})["aid_requested_eur"] is None
    assert columns_from_data(data)["aid_requested_eur"] == 20 * B


def test_csv_tables(filled):
    store, ids = filled
    p = _portfolio(store)
    rows = list(csv.reader(io.StringIO(to_csv(p, "nl", "cells"))))
    assert rows[0][:4] == ["Ecosysteem", "Fase", "Aantal IPCEI's", "Nationaal budget (EUR)"]
    assert rows[0][7:] == ["Advies: Deelnemen", "Advies: Deelnemen onder voorwaarden", "Advies: Niet deelnemen",
                           "Advies: Nog geen advies"]  # fmt: skip
    assert rows[2][2:8] == ["2", "1433500000", "2", "", "0", "0"]
    assert rows[1][3] == "" and rows[1][-1] == "1"  # ME/CT: budget unknown (empty, not 0), no advice yet
    assert rows[-1][:5] == ["Totaal", "", "4", "1468500000", "3"]
    ipceis = csv_rows(p, "en", "ipceis")
    assert ipceis[0][:5] == ["IPCEI", "Latest assessment", "Ecosystem", "Phase", "Advice"]
    infra = next(r for r in ipceis if r[0] == "Hy2Infra")
    assert infra[4:9] == ["Participate under conditions", "Draft", "650000000", "", "2"]
    assert infra[-1] == ids["infra2"]
    timeline = csv_rows(p, "nl", "timeline")
    assert len(timeline) == 6 and timeline[3][0] == "Hy2Tech" and timeline[3][3][:2] == "20"


def test_csv_cells_that_look_like_formulas_are_quoted(store):
    store.create(_figure(1, None, ipcei="=HYPERLINK(1)"), "A. de Vries")
    rows = csv_rows(_portfolio(store), "nl", "ipceis")
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_pdf_read_back(filled, tmp_path):
    store, _ = filled
    path = tmp_path / "p.pdf"
    path.write_bytes(render_pdf(_portfolio(store), "nl"))
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    shown = " ".join(shown.split())  # a heading may wrap in its column
    for expected in ("Portefeuille van IPCEI's", "Per ecosysteem en fase", "€ 1.433.500.000", "€ 1.468.500.000",
                     "Hy2Infra", "ME/CT", "Deelnemen onder voorwaarden", "Tijdlijn van fasen en besluiten",
                     "laatst aangemaakte beoordeling"):  # fmt: skip
        assert expected in shown, expected


def test_cli_writes_csv_and_pdf_and_refuses_bad_input(filled, tmp_path, capsys):
    store, _ = filled
    url = str(store.engine.url.render_as_string(hide_password=False))
    out = tmp_path / "p.csv"
    assert main(["portfolio", "--database", url, "-o", str(out), "--year", "2023"]) == 0
    assert "wrote" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[-1][:4] == ["Totaal", "", "2", "783500000"]
    assert main(["portfolio", "--database", url, "-o", "-", "--table", "ipceis", "--drafted-by", "A. de Vries"]) == 0
    printed = capsys.readouterr().out
    assert "Hy2Tech" in printed and "Hy2Use" not in printed
    pdf = tmp_path / "p.pdf"
    assert main(["portfolio", "--database", url, "-o", str(pdf), "--status", "vastgesteld", "--lang", "en"]) == 0
    shown = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Portfolio of IPCEIs" in shown and "Hy2Tech" in shown and "Hy2Use" not in shown
    capsys.readouterr()
    assert main(["portfolio", "--database", url, "-o", str(out), "--year", "1999", "--status", "klaar"]) == 1
    err = capsys.readouterr().err
    assert "year: '1999' is not a year from 2014 to 2060" in err and "status: 'klaar' is not a status" in err
    assert main(["portfolio", "--database", url, "-o", str(tmp_path / "p.txt")]) == 2
    assert "must end in .pdf or .csv" in capsys.readouterr().err


def test_migration_fills_the_amounts_from_the_documents(store_url):
    number = next(n for n, name, _ in MIGRATIONS if name.startswith("portfolio figures"))
    opened = open_store(store_url)
    aid = opened.create(make_assessment(1, national_budget_eur=35 * B), "A").id
    other = opened.create(make_assessment(2, ipcei="Hy2Use"), "A").id
    with opened.engine.begin() as conn:  # the database as the migration before left it
        conn.execute(text("DROP INDEX ix_assessments_ipcei_created"))
        conn.execute(text("ALTER TABLE assessments DROP COLUMN national_budget_eur"))
        conn.execute(text("ALTER TABLE assessments DROP COLUMN aid_requested_eur"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = :n"), {"n": number})
    opened.close()
    reopened = open_store(store_url)
    with reopened.engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, national_budget_eur FROM assessments")).all())
    assert found == {aid: 35 * B, other: None}
    assert reopened.verify() == []  # the head rows agree with their documents again
    assert _portfolio(reopened).total.budget == 35 * B
    reopened.close()


def test_the_version_changes_with_every_save_archive_and_sign_off(store):
    seen = {store.portfolio_version()}
    record = store.create(example(), AUTHOR.name)
    seen.add(store.portfolio_version())
    wf.submit(store, record.id, AUTHOR)
    seen.add(store.portfolio_version())
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    wf.sign_off(store, record.id, APPROVER)
    seen.add(store.portfolio_version())
    other = store.create(make_assessment(1), "A").id
    seen.add(store.portfolio_version())
    store.archive(other, "A")
    seen.add(store.portfolio_version())
    assert len(seen) == 6
    assert store.portfolio_version() == store.portfolio_version()  # and nothing else changes it
