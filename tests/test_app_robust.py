"""Nothing lost without a word (AppTest): a database that goes away, over-long text, the limits shown up front.

The outage tests run the app on a PostgreSQL server of their own (``scripts/postgres``) and stop it with
``pg_ctl -m immediate`` (like a crash) in the middle of the work, then start it again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from app_support import app, full_assessment, key, open_in_wizard, person_app, stored, texts
from store_support import PrivateServer, pg_bindir, postgres_base_url
from streamlit.testing.v1 import AppTest

from framework import workflow as wf
from framework.assessment import Status
from framework.i18n import t
from framework.imports import import_bytes
from framework.store import DatabaseError, open_store

DOWN = t("robust_db_down", "nl")


def as_person(at: AppTest, name: str, role: str) -> AppTest:
    at.sidebar.text_input(key="user_name").set_value(name)
    roles = at.sidebar.selectbox(key="user_role")
    roles.select_index(roles.options.index(t(f"ui_role_{role}", "nl")))
    return at


def shown(at: AppTest) -> str:
    """Every text the page shows (alerts, captions, markdown, widget values and labels)."""
    parts = []
    for kind in ("error", "warning", "info", "success", "caption", "markdown", "text", "title", "header"):
        parts += texts(getattr(at, kind))
    parts += [str(w.value) for w in (*at.text_area, *at.text_input)]
    return "\n".join(parts)


@pytest.fixture
def private_pg(monkeypatch):
    postgres_base_url()  # skipped locally / failed in CI without PostgreSQL, like the other PostgreSQL tests
    if pg_bindir() is None:
        pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql")
    server = PrivateServer(Path(tempfile.mkdtemp(prefix="ipcei-pg-app-")))
    monkeypatch.setenv("IPCEI_DATABASE_URL", server.url)
    yield server
    server.remove()


def _secrets(server: PrivateServer) -> list[str]:
    """What the user must never see: the database's user, host, port and name."""
    return ["postgres@", "127.0.0.1", f":{server.port}", "ipcei_test", "psycopg", "connection refused"]


@pytest.mark.postgres
def test_an_outage_during_a_save_keeps_the_page_text_and_name_and_saves_when_back(private_pg):
    record = open_store(private_pg.url).create(full_assessment(), "A. de Vries")
    at = open_in_wizard(as_person(app(), "A. de Vries", "beleidsmedewerker"), record.id, "q2")
    text = "Geschreven terwijl de database weg was: deze tekst mag niet verloren gaan, ook niet na een storing."

    private_pg.stop()
    at.text_area(key=key(at, "q2", "answer")).input(text).run()
    assert not at.exception, at.exception
    page = shown(at)
    assert page.count(DOWN) == 1, page  # one message, in Dutch
    for secret in _secrets(private_pg):
        assert secret not in page, secret
    assert at.text_area(key=key(at, "q2", "answer")).value == text  # the text stays on screen
    assert at.session_state["draft"]["dirty"]
    assert at.sidebar.text_input(key="user_name").value == "A. de Vries"  # and the name
    assert [b for b in at.sidebar.button if b.key == "step|q3"] and at.button(key="nav|save")  # and the page
    at.button(key="nav|next").click().run()  # moving on while it is down loses nothing either
    assert not at.exception, at.exception
    assert at.session_state["draft"]["data"]["answers"]["q2"]["answer"] == text

    private_pg.start()
    at.run()  # the next run (the retry fragment's, or any interaction): saved, without a reload
    assert not at.exception, at.exception
    assert DOWN not in shown(at)
    assert not at.session_state["draft"]["dirty"]
    assert open_store(private_pg.url).get(record.id).assessment.value("q2", "answer") == text


@pytest.mark.postgres
def test_an_outage_during_a_sign_off_changes_nothing_and_says_so(private_pg):
    store = open_store(private_pg.url)
    example = full_assessment()
    meta = example.meta.model_copy(update={"status": Status.CONCEPT, "author": "A. de Vries"})
    record = store.create(example.model_copy(update={"meta": meta}), "A. de Vries")
    wf.submit(store, record.id, wf.Actor.of("A. de Vries", "beleidsmedewerker"))
    at = as_person(app(), "C. Bakker", "vaststeller")
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    sign_off = next(b for b in at.button if b.key == "wf|sign_off")

    private_pg.stop()
    sign_off.click().run()
    assert not at.exception, at.exception
    page = shown(at)
    assert page.count(DOWN) == 1, page
    for secret in _secrets(private_pg):
        assert secret not in page, secret
    assert at.sidebar.text_input(key="user_name").value == "C. Bakker"

    private_pg.start()
    assert open_store(private_pg.url).get(record.id).status == Status.TER_REVIEW  # nothing half-done
    at.run()
    assert not at.exception and DOWN not in shown(at)


@pytest.mark.postgres
def test_an_outage_during_an_import_stores_nothing(private_pg):
    store = open_store(private_pg.url, timeout_ms=1000)
    before = store.row_counts()
    content = (Path(__file__).parent / "fixtures" / "report_assessment.yaml").read_bytes()
    private_pg.stop()
    with pytest.raises(DatabaseError) as caught:
        import_bytes(store, content, "report_assessment.yaml", "A. de Vries")
    assert caught.value.kind == "unreachable"
    private_pg.start()
    assert open_store(private_pg.url).row_counts() == before  # nothing half-stored
    assert import_bytes(open_store(private_pg.url), content, "report_assessment.yaml", "A. de Vries").revision == 1


@pytest.mark.parametrize("length", [30_000, 1_000_000])
def test_over_long_paste_stays_on_screen_with_the_limit_named_and_is_not_saved(length):
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q1")
    before = record.assessment.value("q1", "answer")
    limit = 20_000
    counter = [c for c in texts(at.caption) if " van 20.000 tekens" in c]
    assert counter, texts(at.caption)  # the limit is shown up front
    pasted = ("Een lange plak. " * (length // 16 + 1))[:length]
    at.text_area(key=key(at, "q1", "answer")).input(pasted).run()
    assert not at.exception, at.exception
    assert at.text_area(key=key(at, "q1", "answer")).value == pasted  # never reverts, never cut
    errors = " ".join(texts(at.error))
    assert f"{length:,}".replace(",", ".") in errors and f"{limit:,}".replace(",", ".") in errors, errors
    assert open_store().get(record.id).assessment.value("q1", "answer") == before  # not saved, not cut
    at.run()  # it stays through reruns
    assert at.text_area(key=key(at, "q1", "answer")).value == pasted
    short = pasted[: limit - 1]
    at.text_area(key=key(at, "q1", "answer")).input(short).run()  # shortened: saved, message gone
    assert not texts(at.error)
    assert open_store().get(record.id).assessment.value("q1", "answer") == short.strip()


def test_an_amount_out_of_range_is_refused_in_dutch_and_multiselects_have_no_english_select_all():
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q12")
    amount_key = key(at, "q12", "private_investment_eur")
    before = record.assessment.value("q12", "private_investment_eur")
    proto = at.number_input(key=amount_key).proto
    assert not proto.has_min and not proto.has_max  # so Streamlit's English range error cannot appear
    at.number_input(key=amount_key).set_value(-5).run()
    assert not at.exception, at.exception
    assert any("niet negatief" in e for e in texts(at.error)), texts(at.error)
    assert open_store().get(record.id).assessment.value("q12", "private_investment_eur") == before  # not clamped
    at.number_input(key=amount_key).set_value(7_000_000).run()
    assert not texts(at.error)
    assert open_store().get(record.id).assessment.value("q12", "private_investment_eur") == 7_000_000
    at.query_params["step"] = "q4"
    at.switch_page("views/wizard.py").run()
    assert at.multiselect, "q4 has a multichoice field"
    for widget in at.multiselect:
        assert not widget.proto.select_all, widget.label  # no English «Select all»


def test_every_store_call_of_the_pages_goes_through_the_guard():
    """No page or view helper calls the store but through ui.guard (compare's deeper reads: guard.run_page)."""
    root = Path(__file__).resolve().parent.parent
    allowed = {"ui/services.py", "ui/guard.py", "views/compare.py"}
    direct = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("views", "ui")
        for path in sorted((root / folder).glob("*.py"))
        if str(path.relative_to(root)) not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "store()" in line or "import store" in line
    ]
    assert direct == []
    app_text = (root / "app.py").read_text(encoding="utf-8")
    assert "guard.run_page(" in app_text and "guard.slot()" in app_text
