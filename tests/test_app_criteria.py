"""The review page shows the coverage of the Commission's criteria, with a way to the questions still open."""

from __future__ import annotations

from pathlib import Path

from app_support import app, open_in_review, stored, texts

from framework.loading import load_assessment

ROOT = Path(__file__).resolve().parent.parent


def test_the_review_page_shows_the_coverage_and_jumps_to_an_open_question():
    assessment, _ = load_assessment(ROOT / "examples" / "ipcei-onvolledig.yaml")
    record = stored(assessment)
    at = open_in_review(app(), record.id)
    assert "Dekking van de criteria van de Europese Commissie" in texts(at.header)
    shown = texts(at.markdown)
    assert "1 gedekt, 12 deels gedekt, 4 niet gedekt (van 17)" in "\n".join(shown)
    cofinancing = next(m for m in shown if "Belangrijke cofinanciering door de begunstigden" in m)
    assert "niet gedekt" in cofinancing and "afdeling 3.2.1 · cumulatief criterium" in cofinancing
    captions = "\n".join(texts(at.caption))
    assert "Ontbreekt: vraag 12 · Is het bedrijfsleven bereid te investeren?" in captions
    assert "Tegenspraak: Vraag 4 noemt geen markt- of transformatiefalen." in captions
    assert "Ingevuld: deelnemende lidstaten: Frankrijk, Italië" in captions
    # the finding of the cumulative criterion is among the open findings (a note in verkenning)
    assert any("Cumulatief criterium 3.2.1 «Belangrijke cofinanciering" in i for i in texts(at.info))
    at.button(key="review|criterion|cofinancing").click().run()
    assert not at.exception, at.exception
    assert at.session_state["step"] == "q12"
