"""The page «Advies controleren» (AppTest): one headline per PDF, green only for an advice in order, details in
the user's language, never a contradiction.

Real PDFs from a real store (tests/verify_support.py): the advice signed with the demo key this store recorded,
the same unsigned, a concept, the forged advice of issue 12, a changed byte, a PDF from elsewhere, a replaced
version. Each test runs the app on a copy of that store, so no test changes what another sees.
"""

from __future__ import annotations

import pytest
from app_support import app, texts
from gate_support import REVIEWER, all_acceptable
from streamlit.testing.v1 import AppTest
from verify_support import AUTHOR, altered, flip_in_object, forged, make_world, page_content_marker

from framework import workflow as wf
from framework.loading import default_framework
from framework.report.render import render_pdf
from framework.store import open_store


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("page"))


@pytest.fixture(scope="module")
def forgery(world, tmp_path_factory):
    return forged(world.signed, tmp_path_factory.mktemp("forger"))


@pytest.fixture
def app_store(world, tmp_path, monkeypatch):
    """The app's database: a copy of the world's."""
    from pathlib import Path

    copy = tmp_path / "app.db"
    copy.write_bytes(Path(world.url.removeprefix("sqlite:///")).read_bytes())
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("IPCEI_DATABASE_URL", url)
    return url


def checked(pdf: bytes, name: str = "advies.pdf") -> AppTest:
    at = app()
    at.switch_page("views/verify.py").run()
    assert not at.exception, at.exception
    at.file_uploader(key="verify_upload").set_value((name, pdf, "application/pdf")).run()
    assert not at.exception, at.exception
    return at


def headlines(at: AppTest) -> list[tuple[str, str]]:
    """Every coloured box on the page: (colour, text)."""
    boxes = [("green", x) for x in texts(at.success)] + [("red", x) for x in texts(at.error)]
    return boxes + [("orange", x) for x in texts(at.warning)] + [("blue", x) for x in texts(at.info)]


def details(at: AppTest) -> str:
    return " ".join(texts(at.markdown))


def test_a_signed_advice_from_this_store_is_green(world, app_store):
    at = checked(world.signed)
    assert headlines(at) == [
        ("green", "In orde: digitaal ondertekend door een vertrouwde ondertekenaar en sindsdien ongewijzigd.")
    ]
    page = details(at)
    assert "C. Bakker (demo)" in page and "dit certificaat is vertrouwd" in page
    assert "Dit is de laatste vastgestelde versie in deze database." in page
    assert len(at.get("page_link")) == 1  # the signed-off assessment


def test_the_unsigned_advice_this_store_issued_is_green_without_contradiction(world, app_store):
    at = checked(world.unsigned)
    assert headlines(at) == [
        ("green", "In orde: vastgesteld in deze database en ongewijzigd; niet digitaal ondertekend.")
    ]
    page = details(at)
    assert "Niet digitaal ondertekend." in page and "Dit is de laatste vastgestelde versie in deze database." in page
    assert "geen vastgesteld advies" not in page and "Nee" not in page


def test_the_forged_advice_is_never_green(forgery, app_store):
    at = checked(forgery)
    assert headlines(at) == [
        (
            "red",
            "Niet in orde: ondertekend door een onbekende ondertekenaar. Wie dit certificaat maakte, "
            "is niet na te gaan; een naam in een certificaat bewijst niets.",
        )
    ]
    assert "dit certificaat is niet vertrouwd" in details(at)
    assert not at.get("page_link")


def test_a_concept_is_not_an_advice(world, app_store):
    at = checked(world.concept)
    assert headlines(at) == [("orange", "Geen advies: dit is een concept, geen vastgesteld advies.")]
    assert "Status volgens de ingesloten beoordeling: Concept." in details(at)


def test_one_changed_byte_in_a_page_is_found(world, app_store):
    at = checked(flip_in_object(world.unsigned, page_content_marker(world.unsigned)))
    assert headlines(at) == [("red", "Niet in orde: gewijzigd of beschadigd.")]
    assert "het bestand verschilt van de PDF die deze database heeft uitgegeven" in details(at)


def test_one_changed_byte_in_the_embedded_data_is_found_and_said_in_dutch(world, app_store):
    at = checked(flip_in_object(world.unsigned, b"/Type /EmbeddedFile"))
    assert headlines(at) == [("red", "Niet in orde: gewijzigd of beschadigd.")]
    assert "De ingesloten gegevens (assessment.json) ontbreken of zijn onleesbaar." in details(at)
    assert "Error" not in details(at) and "pyHanko" not in details(at)


def test_a_signed_advice_with_a_changed_byte_is_broken(world, app_store):
    at = checked(flip_in_object(world.signed, page_content_marker(world.signed)))
    assert headlines(at) == [("red", "Niet in orde: gewijzigd of beschadigd.")]
    assert "De handtekening is gebroken: het bestand is na ondertekening gewijzigd." in details(at)


def test_a_file_that_is_not_a_pdf_or_truncated(world, app_store):
    for data in (b"this is not a PDF at all", world.signed[: len(world.signed) // 2]):
        at = checked(data, "niet-een-pdf.pdf")
        assert headlines(at) == [("red", "Niet in orde: gewijzigd of beschadigd.")]
        assert "geen leesbare PDF" in details(at) or "onleesbaar" in details(at)


def test_an_advice_from_elsewhere_is_unknown(world, app_store):
    at = checked(render_pdf(altered(world.unsigned), default_framework()))
    assert headlines(at) == [("orange", "Niet bevestigd: deze database kent geen vastgesteld advies met deze inhoud.")]


def test_a_replaced_version_says_so_and_links_the_newer(world, app_store):
    store = open_store()
    newer = wf.new_version(store, world.record_id, AUTHOR)
    at = checked(world.signed)  # a new version in the making replaces nothing yet
    assert headlines(at)[0][0] == "green"
    assert f"Een nieuwe versie ({newer.id}) is in bewerking maar nog niet vastgesteld" in details(at)
    wf.submit(store, newer.id, AUTHOR)
    wf.review(store, newer.id, REVIEWER, all_acceptable(store, newer.id))
    wf.sign_off(store, newer.id, wf.Actor.of("C. Bakker", "vaststeller"))
    at = checked(world.signed)
    assert headlines(at) == [
        ("orange", "Vervangen: dit advies is vervangen door een nieuwere versie in deze database.")
    ]
    assert f"Vervangen door versie {newer.id}." in details(at)
    assert len(at.get("page_link")) == 2  # the signed-off one and the newer one


def test_in_english_on_request(world, app_store, monkeypatch):
    monkeypatch.setenv("IPCEI_LANG", "en")
    at = checked(world.unsigned)
    assert headlines(at) == [("green", "In order: signed off in this database and unchanged; not digitally signed.")]
    assert "Not digitally signed." in details(at)
