"""The portfolio page's rerun (AppTest): its tables and chart specs are built once per data key and language, again
after any save, and never shared between people who may see different things."""

from __future__ import annotations

import streamlit as st
from app_support import ROOT
from store_support import make_assessment
from streamlit.testing.v1 import AppTest

from framework.store import open_store
from framework.workflow import Actor, Role
from ui import identity, portfolio_data

PAGE = str(ROOT / "views" / "portfolio.py")


def _metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def test_a_rerun_builds_nothing_again_until_the_data_changes(monkeypatch):
    store = open_store()
    store.create(make_assessment(1, ipcei="Hy2Infra"), "A. de Vries")
    store.create(make_assessment(2, ipcei="Hy2Use", author="B. Jansen"), "Invoerder")
    st.cache_data.clear()
    built: list[str] = []
    real = portfolio_data.page_view
    monkeypatch.setattr(portfolio_data, "page_view", lambda p, lang: built.append(lang) or real(p, lang))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.run()
    at.run()
    assert built == ["nl"] and _metrics(at)[0] == "2"  # three runs, one build
    store.create(make_assessment(3, ipcei="ME/CT"), "Invoerder")
    at.run()
    assert built == ["nl", "nl"] and _metrics(at)[0] == "3"  # a save: built again, never stale
    monkeypatch.setattr(identity, "is_authenticated", lambda: True)
    monkeypatch.setattr(identity, "actor", lambda: Actor("B. Jansen", Role.AUTHOR))
    monkeypatch.setattr(identity, "person_roles", lambda: (Role.AUTHOR,))
    author = AppTest.from_file(PAGE, default_timeout=60)
    author.run()
    assert not author.exception, author.exception
    assert _metrics(author)[0] == "1" and len(built) == 3  # another query, another key: not the cached view
    store.close()
