"""The compare page's third mode (AppTest): «wat is er veranderd sinds het vastgestelde advies» for one assessment
of a phase chain, drawn as the review page draws it; an assessment that follows no signed-off advice says so."""

from __future__ import annotations

from app_support import texts
from compare_support import ROOT
from phase_support import chain
from streamlit.testing.v1 import AppTest

from framework.store import open_store

PAGE = str(ROOT / "views" / "compare.py")
NONE = "Deze beoordeling volgt geen vastgesteld advies op"


def since_page(record_id: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.radio(key="cmp_mode").set_value("since").run()
    at.selectbox(key="cmp_since_id").set_value(record_id).run()
    assert not at.exception, at.exception
    return at


def test_the_third_phase_shows_what_changed_since_the_second_was_signed_off():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = since_page(ids[2])
    assert any(h.startswith("Wat is er veranderd sinds het vastgestelde advies van") for h in texts(at.header))
    markdown = "\n".join(texts(at.markdown))
    # The second phase set «levensbedreigend» and € 40 mln; the third changed them: the base is the second phase.
    assert "~~Levensbedreigend~~ → Ernstig" in markdown
    assert "~~€ 40.000.000~~ → € 45.000.000" in markdown
    assert ":green[**" in markdown and "Ronde 2." in markdown
    assert any("vastgesteld door C. Bakker" in c for c in texts(at.caption))
    assert not any(NONE in i for i in texts(at.info))


def test_the_first_phase_follows_no_signed_off_advice():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = since_page(ids[0])
    assert not any("Wat is er veranderd" in h for h in texts(at.header))
    assert any(NONE in i for i in texts(at.info))
