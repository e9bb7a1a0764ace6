"""A new user in a real Chromium: creates an assessment, answers every question, downloads the advice PDF.

Runs `streamlit run app.py` on a free port with a temporary data folder, drives Debian's Chromium through
Playwright, waits on Streamlit's script state, takes a screenshot of every page and runs axe-core on each.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    IDLE,
    Server,
    axe,
    browser_page,
    check_browser_prerequisites,
    settle,
    shot,
)
from playwright.sync_api import expect

from framework.assessment import is_empty
from framework.loading import default_framework, load_assessment
from framework.models import FieldType
from framework.report.filename import slug

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"
if not EXAMPLE.exists():  # until the examples land, the report's fixture is a complete assessment too
    EXAMPLE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    check_browser_prerequisites()
    running = Server(tmp_path_factory.mktemp("browser-data"), ARTIFACTS / "streamlit-browser.log")
    yield running
    running.stop()


@pytest.fixture
def page(server):
    with browser_page(1400, "zz-laatste-stand") as page:
        yield page


def open_store_of(server):
    from framework.store import open_store

    return open_store(f"sqlite:///{server.data_dir / 'ipcei.db'}")


def field(page, question: str, field_id: str):
    """The container of one answer field (its widget key is a|<id>|<gen>|<question>|<field>)."""
    return page.locator(f'div[class*="st-key-a-"][class*="-{question}-{field_id} "]')


def new_field(page, name: str):
    return page.locator(f"div.st-key-new-{name}")


def choose_one(page, container, label: str) -> None:
    container.locator("input").first.fill(label)  # typing filters the options and opens the list
    page.get_by_role("option", name=label, exact=True).click()
    settle(page)


def choose_options(page, container, labels: list[str]) -> None:
    for label in labels:
        search = container.locator("input").first
        search.fill(label)  # typing filters the options and opens the list
        page.get_by_role("option", name=label, exact=True).click()
        settle(page)
    page.keyboard.press("Escape")
    settle(page)


def commit_text(page, locator, text: str) -> None:
    locator.fill(text)
    locator.press("Tab")  # a text area commits its value when it loses focus
    settle(page)


def go_to_step(page, label: str, heading: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name=label).first.click()
    settle(page)
    page.get_by_role("heading", name=heading).first.wait_for()


def answer_question(page, question, answers: dict, lang: str = "nl") -> None:
    for answer_field in question.fields:
        value = answers.get(answer_field.id)
        if is_empty(value):
            continue
        box = field(page, question.id, answer_field.id)
        box.wait_for()
        match answer_field.type:
            case FieldType.TEXT:
                commit_text(page, box.locator("textarea"), value)
            case FieldType.LIST:
                commit_text(page, box.locator("textarea"), "\n".join(value))
            case FieldType.CHOICE | FieldType.SCALE:
                label = answer_field.option(value).label(lang)
                if box.locator('input[type="radio"]').count():
                    box.get_by_text(label, exact=True).click()
                    settle(page)
                else:
                    choose_one(page, box, label)
            case FieldType.MULTICHOICE:
                choose_options(page, box, [answer_field.option(v).label(lang) for v in value])
            case FieldType.AMOUNT:
                commit_text(page, box.locator("input"), str(value))
            case FieldType.SOURCES:
                pass  # the table editor is a canvas; sources are covered by the AppTest and draft tests


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def words(text: str, count: int = 6) -> str:
    return " ".join(re.sub(r"\s+", " ", text).split(" ")[:count])


def test_new_user_fills_in_an_assessment_and_downloads_the_advice(server, page):
    framework = default_framework()
    example, _ = load_assessment(EXAMPLE)
    meta = example.meta
    serious: dict[str, list] = {}

    # 1. the overview, empty
    page.goto(server.url)
    page.wait_for_selector(IDLE)
    page.get_by_role("heading", name="Beoordelingen").wait_for()
    shot(page, "01-overzicht-leeg")
    serious["overzicht-leeg"] = axe(page, "overzicht-leeg")

    # 2. a new assessment: first the messages beside the fields, then the data of the example
    page.get_by_role("button", name="Nieuwe beoordeling").click()
    settle(page)
    page.get_by_role("heading", name="Nieuwe beoordeling").wait_for()
    page.get_by_label("Uw naam").fill(meta.author)
    page.get_by_label("Uw naam").press("Enter")
    settle(page)
    choose_one(page, page.locator("div.st-key-user_role"), "Beleidsmedewerker")  # who works: name and role
    shot(page, "02-nieuw")
    serious["nieuw"] = axe(page, "nieuw")
    page.get_by_role("button", name="Aanmaken en beginnen").click()
    settle(page)
    page.get_by_text("Vul dit veld in.").first.wait_for()
    shot(page, "03-nieuw-meldingen")
    serious["nieuw-meldingen"] = axe(page, "nieuw-meldingen")
    new_field(page, "title").locator("input").fill(meta.title)
    new_field(page, "ipcei").locator("input").fill(meta.ipcei)
    new_field(page, "case_number").locator("input").fill(meta.case_number)
    new_field(page, "ministry").locator("input").fill(meta.ministry)
    choose_one(page, new_field(page, "ecosystem"), framework.label("ecosystems", meta.ecosystem))
    choose_one(page, new_field(page, "phase"), framework.label("phases", meta.phase))
    choose_options(
        page, new_field(page, "member_states"), [framework.label("member_states", m) for m in meta.member_states]
    )
    if meta.national_budget_eur is not None:
        new_field(page, "national_budget_eur").locator("input").fill(str(meta.national_budget_eur))
    page.get_by_role("button", name="Aanmaken en beginnen").click()
    settle(page)
    page.get_by_role("heading", name="Vraag 1. Aanleiding").wait_for()
    assert "id=" in page.url

    # 3. every question, step by step, with the example's answers
    questions = framework.questions()
    for index, question in enumerate(questions):
        answer_question(page, question, example.answers.get(question.id, {}))
        if question.id == "q4":
            # a contradiction: «no failure shown» next to a failure; the warning appears, then goes
            box = field(page, "q4", "failures")
            geen = question.field("failures").option("geen").label("nl")
            choose_options(page, box, [geen])
            alert = page.get_by_text("tegelijk «geen falen aangetoond»")
            alert.first.wait_for()
            shot(page, "05-bevinding-verschijnt")
            box.get_by_role("button", name=re.compile(re.escape(geen))).first.click()
            settle(page)
            assert alert.count() == 0
        shot(page, f"04-stap-{index + 1:02d}-{question.id}")
        serious[f"stap-{question.id}"] = axe(page, f"stap-{question.id}")
        if index + 1 < len(questions):
            page.get_by_role("button", name="Volgende").click()
            settle(page)
            page.get_by_role(
                "heading", name=re.compile(rf"^(Vraag|Conclusie) {questions[index + 1].number}\.")
            ).wait_for()

    # 4. reload: the text is still there (autosaved on every step change and in the URL's step)
    page.reload()
    page.wait_for_selector(IDLE)
    # a reload keeps who works (a cookie of the site): the wizard stays editable without stating it again
    expect(page.get_by_label("Uw naam")).to_have_value(meta.author)
    go_to_step(page, "1. Aanleiding", "Vraag 1. Aanleiding")
    assert field(page, "q1", "answer").locator("textarea").input_value() == example.answers["q1"]["answer"]
    shot(page, "06-na-herladen")

    # 5. the general data step, in English for a moment
    page.get_by_text("English", exact=True).click()
    settle(page)
    go_to_step(page, "General data", "General data")
    shot(page, "07-algemene-gegevens-en")
    serious["meta-en"] = axe(page, "meta-en")
    page.get_by_text("Nederlands", exact=True).click()
    settle(page)

    # 6. review, preview and download
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Controleren en PDF").click()
    settle(page)
    page.get_by_role("heading", name="Controleren en advies-PDF").wait_for()
    shot(page, "08-controle")
    serious["controle"] = axe(page, "controle")
    page.get_by_text("Voorbeeld van de PDF tonen").click()
    settle(page)
    page.locator(".st-key-review-pdf").first.wait_for()
    page.locator(".st-key-review-pdf canvas").first.wait_for()  # the viewer has drawn a page
    shot(page, "09-controle-pdf-voorbeeld")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Advies-PDF downloaden").click()
    download = download_info.value
    # advies-<case number>-r<revision>-concept.pdf (framework.report.filename): a concept never named as final
    case = slug(re.sub(r"\(.*?\)", "", meta.case_number))
    assert re.fullmatch(rf"advies-{re.escape(case)}-r\d+-concept\.pdf", download.suggested_filename)
    target = ARTIFACTS / download.suggested_filename
    download.save_as(target)
    text = pdf_text(target.read_bytes())
    for question_id in ("q1", "q7", "q13"):
        assert words(example.answers[question_id]["answer"]) in text, question_id
    assert words(meta.title, 4) in text
    events = [e.action for e in open_store_of(server).audit()]
    assert "exported" in events

    # 7. back in the overview, the assessment is listed
    page.get_by_role("link", name="Overzicht").click()
    settle(page)
    page.get_by_text(meta.title).first.wait_for()
    shot(page, "10-overzicht")
    serious["overzicht"] = axe(page, "overzicht")

    (ARTIFACTS / "axe" / "summary.json").write_text(json.dumps(serious, indent=2, ensure_ascii=False), "utf-8")
    ours = {name: found for name, found in serious.items() if found}
    assert not ours, f"serious or critical accessibility violations in our pages: {json.dumps(ours, indent=1)[:3000]}"
