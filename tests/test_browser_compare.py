"""The compare page in a real Chromium: pick three stored assessments, toggle, see the chart, download CSV and PDF.

Runs `streamlit run` on a free port with a temporary data folder holding three examples: the app with the
page under its URL path once app.py routes to views/compare.py, else the page file alone. Waits on
Streamlit's script state, takes screenshots and runs axe-core.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    IDLE,
    ROOT,
    Server,
    axe,
    browser_page,
    check_browser_prerequisites,
    free_port,
    settle,
    shot,
)

from framework.loading import load_assessment

pytestmark = pytest.mark.browser

NAMES = ("ipcei-micro-elektronica", "ipcei-waterstof", "ipcei-negatief-advies")
TITLES = {
    "ipcei-micro-elektronica": "Deelname aan de IPCEI Micro-elektronica en communicatietechnologieën",
    "ipcei-waterstof": "Deelname aan de IPCEI Waterstof",
    "ipcei-negatief-advies": "Verkenning deelname aan een IPCEI Digitale Winkelstraat (fictief)",
}


class CompareServer(Server):
    """`streamlit run` of the app (when it routes to the compare page) or of the page file itself."""

    def __init__(self, data_dir: Path, log: Path):
        app = (ROOT / "app.py").read_text(encoding="utf-8")
        routed = re.search(r'st\.Page\(\s*"views/compare\.py"[^)]*url_path="([^"]+)"', app)
        script, self.path = ("app.py", f"/{routed[1]}") if routed else ("views/compare.py", "/")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        env = {**os.environ, "IPCEI_DATA_DIR": str(data_dir), "IPCEI_LANG": "nl"}
        env.pop("IPCEI_DATABASE_URL", None)
        env.pop("IPCEI_FRAMEWORK", None)
        self.started = time.monotonic()
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.ready_after = self._wait_healthy()


def as_concept(assessment):
    """An example as a concept: «vastgesteld» comes only from a sign-off in the store, never from a file."""
    from framework.assessment import Status

    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    check_browser_prerequisites()
    data = tmp_path_factory.mktemp("compare-browser-data")
    from framework.store import open_store

    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    for name in NAMES:
        store.create(as_concept(load_assessment(ROOT / "examples" / f"{name}.yaml")[0]), "Browsertest")
    store.close()
    running = CompareServer(data, ARTIFACTS / "streamlit-browser-compare.log")
    yield running
    running.stop()


@pytest.fixture
def page(server):
    with browser_page(1500, "compare-zz-laatste-stand") as page:
        yield page


def pick(page, title: str) -> None:
    picker = page.locator("div.st-key-cmp_ids")
    picker.locator("input").first.fill(title[:30])  # typing filters the options and opens the list
    page.get_by_role("option", name=re.compile(re.escape(title))).first.click()
    settle(page)
    page.keyboard.press("Escape")  # close the list, which hides the rest of the page from clicks and readers


def test_pick_toggle_chart_and_download(server, page):
    from playwright.sync_api import expect

    page.goto(server.url + server.path)
    page.wait_for_selector(IDLE)
    page.get_by_text("3 beoordelingen voldoen aan de filters.").wait_for()
    page.get_by_text("Kies ten minste twee beoordelingen om ze te vergelijken.").wait_for()
    for name in NAMES:
        pick(page, TITLES[name])
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("15 / 16").first.wait_for()  # questions whose verdicts differ
    page.get_by_role("heading", name="Oordelen naast elkaar").wait_for()  # the verdict matrix first
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    assert page.url.count("ids=") == 3  # the URL carries the comparison
    main.get_by_text(f"A. {TITLES['ipcei-micro-elektronica']}").first.wait_for()
    main.get_by_text("Niet deelnemen", exact=True).first.wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.wait_for()
    chart.locator("canvas, svg").first.wait_for()
    assert page.locator("details").count() > 10  # long answers folded
    shot(page, "compare-01-naast-elkaar")
    assert axe(page, "compare-naast-elkaar") == []

    rows_before = page.get_by_text("= gelijk", exact=True).count()
    assert rows_before > 0
    toggle = page.get_by_role("switch", name="Alleen vragen die verschillen")
    toggle.focus()  # by keyboard: a click can land on Streamlit's sticky header when the toggle is scrolled under it
    page.keyboard.press("Space")
    settle(page)
    expect(page.get_by_text("= gelijk", exact=True)).to_have_count(0)  # rows that agree are gone
    expect(main.get_by_text("Versie van het afwegingskader")).to_have_count(0)
    shot(page, "compare-02-alleen-verschillen")

    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Vergelijking als CSV")).click()
    data = Path(info.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][6:] == [f"{letter}. {TITLES[n]} (rev. 1)" for letter, n in zip("ABC", NAMES, strict=True)]
    assert {r[5] for r in rows[1:]} == {"verschilt"}  # the toggle: only what differs
    advice = next(r for r in rows if r[1] == "q14" and r[3] == "advice")
    assert advice[6:] == ["Deelnemen", "Deelnemen", "Niet deelnemen"]

    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("Vergelijking als PDF")).click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Vergelijking van 3 beoordelingen" in text and TITLES["ipcei-waterstof"] in text
    (ARTIFACTS / "vergelijking-browser.pdf").write_bytes(pdf)
