"""The Portefeuille page in a real Chromium: the charts drawn by the Vega Streamlit serves itself (no request
leaves the app's host), each with its accessible name, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import ARTIFACTS, IDLE, Server, axe, browser_page, check_browser_prerequisites, shot
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, example
from store_support import make_assessment

from framework import workflow as wf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    check_browser_prerequisites()
    data = tmp_path_factory.mktemp("portfolio-data")
    from framework.store import open_store

    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    signed = store.create(example(), AUTHOR.name).id  # signed off: a decision on the timeline
    wf.submit(store, signed, AUTHOR)
    wf.review(store, signed, REVIEWER, all_acceptable(store, signed))
    wf.sign_off(store, signed, APPROVER)
    store.create(make_assessment(1, national_budget_eur=600_000_000), "Browsertest")
    store.create(
        make_assessment(2, ipcei="Hy2Use", phase="pre_notificatie", national_budget_eur=783_500_000), "Browsertest"
    )
    store.create(make_assessment(3, ipcei="ME/CT", ecosystem="elektronica", phase="notificatie"), "Browsertest")
    store.close()
    running = Server(data, ARTIFACTS / "streamlit-browser-portfolio.log")
    yield running
    running.stop()


def test_portfolio_page_charts_offline_and_accessible(server):
    requested: list[str] = []
    with browser_page(1400, "portfolio-zz-last") as page:
        page.on("request", lambda request: requested.append(request.url))
        page.goto(server.url + "/portefeuille")
        page.wait_for_selector(IDLE)
        page.get_by_role("heading", name="Portefeuille van IPCEI's").wait_for()
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.nth(2).wait_for()  # the page draws its charts one by one: wait for the third, then count
        assert charts.count() == 3
        page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
        names = [charts.nth(i).get_attribute("aria-label") or "" for i in range(3)]  # the text alternative
        assert names[0].startswith("Staafdiagram: per ecosysteem"), names
        assert names[2].startswith("Tijdlijn:"), names
        shot(page, "portfolio-nl")
        found = axe(page, "a11y-portfolio-nl")
    hosts = {urlsplit(url).netloc for url in requested if url.startswith("http")}
    assert hosts == {urlsplit(server.url).netloc}, f"requests to other hosts: {sorted(hosts)}"
    assert not found, f"critical or serious violations: {json.dumps(found, indent=1)[:3000]}"


def test_the_timeline_csv_downloads_at_the_first_click_with_each_assessments_own_date(server):
    """The download reads the portfolio (from the cache) only when it is asked for, outside the script's run."""
    import csv
    import io

    from gate_support import CLEAN_EXAMPLE

    from framework.loading import load_assessment

    own = load_assessment(CLEAN_EXAMPLE)[0].meta.created.isoformat()
    with browser_page(1400, "portfolio-download") as page:
        page.goto(server.url + "/portefeuille")
        page.wait_for_selector(IDLE)
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="CSV van de tijdlijn").click()
        data = Path(info.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["IPCEI", "Fase", "Eerste beoordeling"]
    started = {r[0]: r[2] for r in rows[1:]}
    assert {"Hy2Infra", "Hy2Use", "ME/CT"} <= set(started) and started["Hy2Use"] == "2024-03-01"
    assert own in started.values()  # the signed-off example of 2022 stands at its own date, not today's
