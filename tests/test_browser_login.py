"""A real OpenID Connect login in a real Chromium: the app signed in through a provider on localhost.

``oidc-provider-mock`` runs as the identity provider on a free port; the app runs with a temporary
``secrets.toml`` (``[auth]`` pointing at it, passed by ``--secrets.files``) and a roles file. Chromium goes
through the provider's own login form: nothing about the user is stubbed in the app. The tests check the name
and role shown, that an author sees only their own assessments (in the overview and by URL), and the idle
time-out.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    Server,
    browser_page,
    check_browser_prerequisites,
    free_port,
    settle,
    stop_process,
)
from playwright.sync_api import expect

from framework.loading import load_assessment
from framework.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"

PEOPLE = {  # the provider's users: subject -> claims
    "anna": {"email": "anna@example.org", "name": "Anna de Auteur"},
    "bram": {"email": "bram@example.org", "name": "Bram Beleid"},
    "rita": {"email": "rita@example.org", "name": "Rita Reviewer"},
    "otto": {"email": "otto@example.org", "name": "Otto Onbekend"},  # not in the roles file
}
ROLES_FILE = """\
people:
  - email: Anna@Example.org
    roles: [beleidsmedewerker]
  - email: bram@example.org
    roles: [author]
  - email: rita@example.org
    roles: [reviewer, approver]
"""
TITLES = {"anna": "Waterstof volgens Anna", "bram": "Waterstof volgens Bram"}
IDLE_MINUTES = 0.15  # 9 seconds: more than a run takes on a busy machine, so only real idleness counts


class Provider:
    """``python -m oidc_provider_mock`` on a free port with the users of :data:`PEOPLE`."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        claims = [json.dumps({"sub": sub, **values}) for sub, values in PEOPLE.items()]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port), "--host", "127.0.0.1",
             *(arg for c in claims for arg in ("--user-claims", c))],
            stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:  # polling the provider's discovery document while it starts, not waiting on a page
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc_provider_mock exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/.well-known/openid-configuration", timeout=1) as answer:
                    self.metadata = json.load(answer)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        stop_process(self.process, self._log, timeout=10)


def signed_in_app(folder: Path, provider: Provider, name: str, idle_minutes: float | None = None) -> Server:
    """The app with ``[auth]`` secrets for the provider, a roles file, and two stored assessments."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "ipcei-wizard"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "rollen.yaml"
    roles.write_text(ROLES_FILE, encoding="utf-8")
    data = folder / "data"
    data.mkdir(exist_ok=True)
    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    example = load_assessment(EXAMPLE)[0]
    ids = {}
    for sub, title in TITLES.items():
        meta = example.meta.model_copy(update={"title": title, "author": PEOPLE[sub]["name"]})
        ids[sub] = store.create(example.model_copy(update={"meta": meta}), PEOPLE[sub]["name"]).id
    store.close()
    env = {"IPCEI_ROLES_FILE": str(roles)}
    if idle_minutes is not None:
        env["IPCEI_IDLE_MINUTES"] = str(idle_minutes)
    server = Server(data, ARTIFACTS / f"streamlit-login-{name}.log", env=env, port=port,
                    args=["--secrets.files", str(secrets_file)])  # fmt: skip
    server.ids = ids
    return server


@pytest.fixture(scope="module")
def provider():
    check_browser_prerequisites()
    running = Provider(ARTIFACTS / "oidc-provider.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    server = signed_in_app(tmp_path_factory.mktemp("login"), provider, "app")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def idle_app(provider, tmp_path_factory):
    server = signed_in_app(tmp_path_factory.mktemp("login-idle"), provider, "idle", idle_minutes=IDLE_MINUTES)
    yield server
    server.stop()


def sign_in(page, server: Server, subject: str) -> float:
    """Open the app, press «Aanmelden», and sign in on the provider's own form as ``subject``.

    Returns the seconds from pressing «Aanmelden» to the signed-in page (provider form filled at once).
    """
    page.goto(server.url)
    settle(page)
    started = time.monotonic()
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_selector('input[name="sub"]')  # the provider's authorisation form
    page.fill('input[name="sub"]', subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    settle(page)
    return time.monotonic() - started


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def test_an_author_signs_in_and_sees_only_their_own(app, provider):
    with browser_page(1400, "login-auteur") as page:
        elapsed = sign_in(page, app, "anna")
        print(f"figure: OpenID Connect sign-in round trip (app -> provider -> callback -> page) {elapsed:.2f} s")
        side = sidebar(page)
        # The name from the provider, the role from the roles file (e-mail compared without regard to case).
        assert side.get_by_text("Aangemeld als").first.inner_text().strip() == "Aangemeld als Anna de Auteur"
        expect(side.get_by_text("Uw rol: Beleidsmedewerker")).to_be_visible()
        expect(side.get_by_text(re.compile(r"^anna@\W?example\.org$"))).to_be_visible()  # \W: a word joiner, if any
        expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
        expect(side.get_by_text("geen inlog of authenticatie")).to_have_count(0)  # the stated-identity stub is gone

        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(TITLES["anna"])).to_be_visible()
        expect(main.get_by_text(TITLES["bram"])).to_have_count(0)
        expect(main.get_by_text("1–1 van 1")).to_be_visible()  # counted by the store, not hidden on the page

        # Bram's assessment by its URL: refused, and nothing of it shown.
        page.goto(f"{app.url}/invullen?id={app.ids['bram']}&step=q1")
        settle(page)
        expect(main.get_by_text("U hebt geen toegang tot deze beoordeling")).to_be_visible()
        assert TITLES["bram"] not in main.inner_text()

        # Her own opens.
        page.goto(f"{app.url}/invullen?id={app.ids['anna']}&step=q1")
        settle(page)
        expect(main.get_by_text(TITLES["anna"]).first).to_be_visible()
        expect(main.get_by_text("U hebt geen toegang")).to_have_count(0)

        # The compare page offers her own only, also when the URL names Bram's.
        page.goto(f"{app.url}/vergelijken?ids={app.ids['bram']}&ids={app.ids['anna']}")
        settle(page)
        expect(main.get_by_text("1 beoordeling voldoet aan de filters.")).to_be_visible()
        picker = main.get_by_test_id("stMultiSelect")
        expect(picker.get_by_text(TITLES["anna"])).to_be_visible()  # chosen from the URL: her own
        picker.get_by_role("combobox").click()  # the list offers nothing more: Bram's is not among the options
        expect(page.get_by_role("listbox")).to_be_visible()
        expect(page.get_by_role("option").filter(has_text=TITLES["bram"])).to_have_count(0)
        page.keyboard.press("Escape")
        assert TITLES["bram"] not in page.get_by_test_id("stApp").inner_text()


def test_a_reviewer_sees_all_and_chooses_the_active_role(app, provider):
    with browser_page(1400, "login-reviewer") as page:
        sign_in(page, app, "rita")
        side = sidebar(page)
        assert side.get_by_text("Aangemeld als").first.inner_text().strip() == "Aangemeld als Rita Reviewer"
        expect(side.get_by_text("Werkt nu als")).to_be_visible()  # two roles: a choice of the active one
        main = page.get_by_test_id("stMain")
        for title in TITLES.values():
            expect(main.get_by_text(title)).to_be_visible()
        page.goto(f"{app.url}/invullen?id={app.ids['bram']}&step=q1")
        settle(page)
        expect(main.get_by_text(TITLES["bram"]).first).to_be_visible()


def test_someone_without_a_role_gets_no_access(app, provider):
    with browser_page(1400, "login-geen-rol") as page:
        sign_in(page, app, "otto")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("u hebt geen rol in deze wizard")).to_be_visible()
        for title in TITLES.values():
            assert title not in main.inner_text()
        page.goto(f"{app.url}/invullen?id={app.ids['anna']}&step=q1")
        settle(page)
        assert TITLES["anna"] not in main.inner_text()


def test_an_idle_session_is_signed_out_at_its_next_action(idle_app, provider):
    with browser_page(1400, "login-inactief") as page:
        sign_in(page, idle_app, "bram")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(TITLES["bram"])).to_be_visible()
        search = main.get_by_label("Zoeken")
        search.fill("Waterstof")  # an action within the time-out: still signed in
        search.press("Enter")
        settle(page)
        expect(sidebar(page).get_by_text("Aangemeld als")).to_be_visible()
        # the title, and again in the full-text search's snippet of the match («Gegevens: ...»)
        expect(main.get_by_text(TITLES["bram"]).first).to_be_visible()
        # Waiting is what is tested here: the session must stay unused for longer than the time-out.
        page.wait_for_timeout(IDLE_MINUTES * 60 * 1000 + 1500)
        page.get_by_role("link", name="Nieuwe beoordeling").click()  # the next action
        # Streamlit clears its cookie and sends the browser to the provider's end-session page.
        page.wait_for_url(f"{provider.url}/**")
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{idle_app.url}/**")
        settle(page)
        expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()
        expect(main.get_by_text("minuten niets doet, wordt bij de volgende handeling afgemeld")).to_be_visible()
        assert TITLES["bram"] not in main.inner_text()
        # The cookie is gone: a fresh page is not signed in either.
        page.reload()
        settle(page)
        expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()
        expect(main.get_by_text(TITLES["bram"])).to_have_count(0)
