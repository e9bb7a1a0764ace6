"""The wizard in Chromium: read-only with «Wie werkt er?» at the top until a name and a role are stated; the
author under review sees why the text is fixed and may withdraw the submission (screenshots in the artifacts)."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, Server, browser_page, check_browser_prerequisites, settle, shot
from gate_support import AUTHOR, example

from framework import workflow as wf
from framework.store import open_store

pytestmark = pytest.mark.browser


def test_read_only_until_someone_works_then_under_review_withdraw(tmp_path):
    from playwright.sync_api import expect

    check_browser_prerequisites()
    data = tmp_path / "data"
    data.mkdir()
    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    record = store.create(example(), AUTHOR.name)
    server = Server(data, ARTIFACTS / "streamlit-browser-gates.log")
    try:
        with browser_page(1300, "gates-laatste-stand") as page:
            page.goto(f"{server.url}/invullen?id={record.id}&step=q1")
            settle(page)
            page.locator("[data-testid=stMain]").get_by_text("Wie werkt er?").first.wait_for()
            answer = page.locator('div[class*="st-key-a-"][class*="-q1-answer "] textarea')
            assert answer.is_disabled()
            shot(page, "gates-01-wie-werkt-er")
            page.get_by_label("Uw naam").fill(AUTHOR.name)
            page.get_by_label("Uw naam").press("Enter")
            settle(page)
            page.locator("div.st-key-user_role input").first.fill("Beleidsmedewerker")
            page.get_by_role("option", name="Beleidsmedewerker", exact=True).click()
            settle(page)
            assert (
                not answer.is_disabled()
                and not page.locator("[data-testid=stMain]").get_by_text("Wie werkt er?").count()
            )
            wf.submit(store, record.id, AUTHOR)  # submitted (as from another window): the text is now fixed
            page.reload()
            settle(page)
            page.get_by_text("trek dan de indiening in").first.wait_for()
            # a reload keeps who works (a cookie of the site): no need to state it again
            expect(page.get_by_label("Uw naam")).to_have_value(AUTHOR.name)
            assert answer.is_disabled()
            shot(page, "gates-02-ter-review")
            page.get_by_role("button", name="Indiening intrekken").click()
            settle(page)
            page.get_by_text("Indiening ingetrokken").first.wait_for()
            assert not answer.is_disabled()
            assert store.get(record.id).status.value == "concept"
    finally:
        server.stop()
        store.close()
