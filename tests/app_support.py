"""Helpers for the AppTest tests of the pages (tests/test_app_*.py): the app, the store, an example."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from framework.loading import load_assessment
from framework.store import open_store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"
FULL_EXAMPLE = EXAMPLE if EXAMPLE.exists() else FIXTURE

ENGLISH_DEFAULTS = ("Choose an option", "Choose options", "Type to search", "Select...", "Add options")


def app() -> AppTest:
    """The whole app (router and pages) as one AppTest, after a first run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def as_person(at: AppTest, name: str, role: str) -> AppTest:
    """State a name and role in the sidebar, as a person does (the wizard is read-only until then)."""
    from framework.i18n import t

    at.sidebar.text_input(key="user_name").set_value(name)
    # By position: AppTest compares a set value with the shown (translated) labels.
    roles = at.sidebar.selectbox(key="user_role")
    roles.select_index(roles.options.index(t(f"ui_role_{role}", "nl")))
    return at


def person_app(name: str = "A. de Vries", role: str = "beleidsmedewerker") -> AppTest:
    """The whole app, with a name and a role stated (who edits, as the gates require).

    Set in the session as the sidebar's widgets would (AppTest cannot keep a translated choice across a change
    of language; the sidebar itself is tested with :func:`as_person`).
    """
    at = app()
    at.session_state["user_name"] = name
    at.session_state["user_role"] = role
    at.run()
    assert not at.exception, at.exception
    return at


def full_assessment():
    """The complete example as a concept: what it is in a store that has not signed it off (nor seen it submitted)."""
    from framework.assessment import Status

    assessment, _framework = load_assessment(FULL_EXAMPLE)
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})


def stored(assessment=None, by: str = "Test"):
    """Put an assessment (a complete example by default) in the app's store; returns the record."""
    return open_store().create(assessment or full_assessment(), by)


def open_in_wizard(at: AppTest, record_id: str, step: str = "q1") -> AppTest:
    """Open an assessment in the wizard as a link from the overview would."""
    at.query_params["id"] = record_id
    at.query_params["step"] = step
    at.switch_page("views/wizard.py").run()
    assert not at.exception, at.exception
    return at


def open_in_review(at: AppTest, record_id: str) -> AppTest:
    """Open an assessment on the review page (Controleren en advies-PDF) as a link would."""
    at.query_params["id"] = record_id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    return at


def draft(at: AppTest) -> dict:
    return at.session_state["draft"]


def key(at: AppTest, question: str, field: str) -> str:
    d = draft(at)
    lang = at.session_state["lang"] if "lang" in at.session_state else "nl"
    return f"a|{d['id']}|{d['gen']}|{lang}|{question}|{field}"


def texts(elements) -> list[str]:
    """The values of elements as shown: without the backslashes that keep user text from being Markdown."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements]


def placeholders_we_set(at: AppTest) -> list[str]:
    """The placeholder of every widget that has one; none may be Streamlit's English default."""
    found = []
    for kind in ("selectbox", "multiselect", "text_area", "text_input", "number_input"):
        for widget in getattr(at, kind):
            found.append(getattr(widget.proto, "placeholder", ""))
    return found
