"""Identity: the roles file (errors name file and line), the access rule, the store's filter for it, the idle
time-out setting, and the two modes of the app (stated name and role; sign-in when ``[auth]`` is configured).

The real OpenID Connect flow in Chromium is in tests/test_browser_login.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from app_support import texts
from store_support import make_assessment
from streamlit.testing.v1 import AppTest

from framework import identity
from framework.errors import InputError
from framework.i18n import t
from framework.store import ListQuery
from framework.workflow import Role

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
people:
  - email: A.deVries@MinEZK.nl
    name: A. de Vries
    roles: [beleidsmedewerker]
  - email: b.jansen@minezk.nl
    roles: [reviewer, vaststeller, reviewer]
  - email: c.archief@minezk.nl
    roles: [archivaris]
  - email: weg@minezk.nl
    roles: []
"""


def write(tmp_path: Path, text: str, name: str = "rollen.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the roles file ---------------------------------------------------------------------------------------------


def test_roles_file_maps_people_to_roles(tmp_path):
    roles = identity.load_roles(write(tmp_path, GOOD))
    assert roles.roles_for("a.devries@minezk.nl") == (Role.AUTHOR,)  # e-mail without regard to case
    assert roles.person(" A.DEVRIES@minezk.nl ").name == "A. de Vries"
    assert roles.roles_for("b.jansen@minezk.nl") == (Role.REVIEWER, Role.APPROVER)  # aliases; once each
    assert roles.roles_for("c.archief@minezk.nl") == (Role.RECORDS_OFFICER,)
    assert roles.roles_for("weg@minezk.nl") == ()  # listed without roles: no access
    assert roles.roles_for("onbekend@minezk.nl") == ()
    assert roles.roles_for(None) == ()


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("people:\n  - email: a@b.nl\n    roles: [author, baas]\n", 3, "people[0].roles", "unknown role 'baas'"),
        ("people:\n  - email: a@b.nl\n    roles: [author]\n  - email: A@B.nl\n    roles: [reader]\n", 4,
         "people[1].email", "A@B.nl twice"),
        ("people:\n  - email: a@b.nl\n    roles: [author]\n    afdeling: DGBI\n", 4, "people[0].afdeling",
         "unknown field"),
        ("people:\n  - email: geen-adres\n    roles: [author]\n", 2, "people[0].email", "not an e-mail address"),
        ("people:\n  - email: a@b.nl\n", 2, "people[0].roles", "required field is missing"),
        ("people:\n  - email: a@b.nl\n    roles: author\n", 3, "people[0].roles", "valid list"),
        ("mensen: []\n", 1, "mensen", "unknown field"),
    ],
)  # fmt: skip
def test_roles_file_errors_name_file_line_and_field(tmp_path, text, line, field, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        identity.load_roles(path)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"{path}:{line}: {field}: ") and message in p for p in problems), problems


def test_roles_file_is_read_safely(tmp_path):
    path = write(tmp_path, "people: !!python/object:os.system [echo]\n")
    with pytest.raises(InputError) as caught:
        identity.load_roles(path)
    assert str(caught.value).startswith(f"{path}:1")


def test_configured_roles_file_is_read_again_when_it_changes(tmp_path, monkeypatch):
    monkeypatch.delenv(identity.ROLES_FILE_ENV, raising=False)
    assert identity.current_roles() is None
    assert identity.roles_for("a.devries@minezk.nl") == ()

    path = write(tmp_path, GOOD)
    monkeypatch.setenv(identity.ROLES_FILE_ENV, str(path))
    assert identity.roles_for("a.devries@minezk.nl") == (Role.AUTHOR,)
    path.write_text(GOOD.replace("[beleidsmedewerker]", "[beleidsmedewerker, lezer]"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later edit, even on a coarse clock
    assert identity.roles_for("a.devries@minezk.nl") == (Role.AUTHOR, Role.READER)

    monkeypatch.setenv(identity.ROLES_FILE_ENV, str(tmp_path / "weg.yaml"))
    with pytest.raises(InputError, match=r"weg\.yaml: .*no such file"):
        identity.current_roles()


# --- idle time-out ----------------------------------------------------------------------------------------------


def test_idle_minutes_setting(monkeypatch):
    monkeypatch.delenv(identity.IDLE_ENV, raising=False)
    assert identity.idle_minutes() == 30
    monkeypatch.setenv(identity.IDLE_ENV, "0.05")
    assert identity.idle_minutes() == 0.05
    for wrong in ("dertig", "0", "-5", "nan", "100000"):
        monkeypatch.setenv(identity.IDLE_ENV, wrong)
        with pytest.raises(InputError, match="IPCEI_IDLE_MINUTES"):
            identity.idle_minutes()


def test_idle_expired():
    assert not identity.idle_expired(None, 10_000.0, 30)  # a session that has not acted yet
    assert not identity.idle_expired(1_000.0, 1_000.0 + 30 * 60, 30)  # exactly the limit is still allowed
    assert identity.idle_expired(1_000.0, 1_000.0 + 30 * 60 + 0.5, 30)
    assert identity.idle_expired(1_000.0, 1_004.0, 0.05)


# --- who may see what -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "person", "author", "created_by", "allowed"),
    [
        ([Role.AUTHOR], "A. de Vries", "A. de Vries", "Iemand", True),  # named as author
        ([Role.AUTHOR], "a.  DE vries", "A. de Vries", "Iemand", True),  # case and spaces do not matter
        ([Role.AUTHOR], "A. de Vries", "B. Jansen", "A. de Vries", True),  # created it for someone else
        ([Role.AUTHOR], "A. de Vries", "B. Jansen", "B. Jansen", False),
        (["beleidsmedewerker"], "A. de Vries", "B. Jansen", "B. Jansen", False),  # stated names work too
        ([Role.AUTHOR], "", "", "", False),  # no name: nothing
        ([Role.REVIEWER], "R. Eviewer", "B. Jansen", "B. Jansen", True),
        ([Role.APPROVER], "V. Aststeller", "B. Jansen", "B. Jansen", True),
        ([Role.RECORDS_OFFICER], "Archief", "B. Jansen", "B. Jansen", True),
        ([Role.READER], "Management", "B. Jansen", "B. Jansen", True),
        ([Role.AUTHOR, Role.REVIEWER], "A. de Vries", "B. Jansen", "B. Jansen", True),  # any role that sees all
        ([], "A. de Vries", "A. de Vries", "A. de Vries", False),  # no role: no access at all
    ],
)  # fmt: skip
def test_may_view(roles, person, author, created_by, allowed):
    assert identity.may_view(roles, person, author, created_by) is allowed


def test_visible_query_filters_in_the_store(store):
    """The overview's list, narrowed by the store itself (a page of summaries; no document is read)."""
    own = store.create(make_assessment(1, author="A. de Vries"), "A. de Vries").id
    for_her = store.create(make_assessment(2, author="B. Jansen"), "a. de vries").id  # created by her
    other = store.create(make_assessment(3, author="B. Jansen"), "B. Jansen").id
    store.create(make_assessment(4, author="A. de Vriesland"), "C. Anders")  # a longer name is another person

    def ids(query):
        return {s.id for s in store.list(query).items} if query is not None else set()

    everything = ListQuery(limit=50)
    assert ids(identity.visible_query(everything, [Role.AUTHOR], "A. de Vries")) == {own, for_her}
    assert ids(identity.visible_query(everything, [Role.AUTHOR], "  a. DE  vries ")) == {own, for_her}
    assert len(ids(identity.visible_query(everything, [Role.READER], "M. Anager"))) == 4
    assert identity.visible_query(everything, [], "A. de Vries") is None
    assert identity.visible_query(everything, [Role.AUTHOR], "") is None
    # Combined with the overview's own filters, and counted by the store.
    narrowed = identity.visible_query(ListQuery(text="waterstofketen 2", limit=50), [Role.AUTHOR], "A. de Vries")
    assert ids(narrowed) == {for_her}
    page = store.list(identity.visible_query(ListQuery(limit=1), [Role.AUTHOR], "A. de Vries"))
    assert page.total == 2 and len(page.items) == 1
    assert other not in ids(identity.visible_query(everything, ["beleidsmedewerker"], "A. de Vries"))


# --- the app: stated mode and the sign-in gate (AppTest) --------------------------------------------------------


def _who_script(root: str):
    """The app's sidebar, then who acts (the app's own modules, as app.py imports them)."""
    import sys

    import streamlit as st

    if root not in sys.path:
        sys.path.insert(0, root)
    from ui import chrome, identity

    chrome.sidebar()
    who = identity.actor()
    st.session_state["who"] = (who.name, who.role.value) if who else None
    st.session_state["signed_in"] = identity.is_authenticated()
    st.write("pagina")


def who_app() -> AppTest:
    at = AppTest.from_function(_who_script, args=(str(ROOT),), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_stated_mode_has_no_actor_until_name_and_role_are_stated():
    at = who_app()
    assert at.session_state["who"] is None
    assert at.session_state["signed_in"] is False
    assert any("geen inlog of authenticatie" in c.value for c in at.sidebar.caption)  # says it is no login

    at.sidebar.text_input(key="user_name").set_value("  A.  de Vries ").run()
    assert at.session_state["who"] is None  # a name alone is not enough

    roles = at.sidebar.selectbox(key="user_role")
    assert t("ui_role_archivaris", "nl") in roles.options
    roles.select_index(roles.options.index(t("ui_role_beleidsmedewerker", "nl"))).run()
    assert at.session_state["who"] == ("A. de Vries", "author")
    assert at.session_state["signed_in"] is False  # stated is never authenticated

    roles.select_index(roles.options.index(t("ui_role_archivaris", "nl"))).run()
    assert at.session_state["who"] == ("A. de Vries", "records_officer")

    at.sidebar.text_input(key="user_name").set_value("   ").run()
    assert at.session_state["who"] is None


def test_with_auth_configured_nobody_acts_before_signing_in(tmp_path, monkeypatch):
    monkeypatch.setenv(identity.ROLES_FILE_ENV, str(write(tmp_path, GOOD)))
    at = AppTest.from_function(_who_script, args=(str(ROOT),), default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "ipcei",
        "client_secret": "geheim",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception, at.exception
    assert "who" not in at.session_state  # the gate stopped the run before any page
    assert [b.label for b in at.button] == ["Aanmelden"]
    assert not at.sidebar.text_input  # no stated name in a deployment
    assert not [m for m in at.markdown if m.value == "pagina"]


def test_with_auth_configured_a_broken_roles_file_is_named(tmp_path, monkeypatch):
    path = write(tmp_path, "people:\n  - email: a@b.nl\n    roles: [baas]\n")
    monkeypatch.setenv(identity.ROLES_FILE_ENV, str(path))
    at = AppTest.from_function(_who_script, args=(str(ROOT),), default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.run()
    assert not at.exception, at.exception
    assert any(f"{path}:3: people[0].roles: unknown role 'baas'" in e for e in texts(at.error))
    assert "who" not in at.session_state
