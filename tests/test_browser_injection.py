"""The injection corpus in a real Chromium: every payload in every text field, shown by the app, is only text.

Assessments carrying the corpus (tests/injection_corpus.py; fifteen payloads each, in every text field that the
models and the framework define), reviewer comments and names, and a second revision, are stored with
framework.store in the app's data folder. The app opens them on the overview, every wizard step, the review
page (with the PDF preview) and the compare pages. On every page: no dialog opened, ``window.__pwned`` stays
undefined, no element carries an injected ``inj-`` id or class, no link or source points at ``javascript:`` or
the canary server, no LaTeX was typeset, the canary server got no request and the browser asked nothing of any
other host; and the payloads are there, shown literally (so the checks are not vacuous).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, IDLE, Server, browser_page, check_browser_prerequisites, settle, shot
from injection_corpus import Carrier, canary_server, carrier, groups, text_fields, visible
from injection_corpus import payloads as all_payloads

from framework import workflow
from framework.loading import load_assessment
from framework.models import FieldType
from framework.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"
GROUP_SIZE = 15
AUTHOR = "A. Auteur"
# What Streamlit itself asks of other hosts (the page icon, a Material Symbol): not user text, allowed.
STREAMLIT_FETCHES = ("https://fonts.gstatic.com/s/i/short-term/release/materialsymbols",)

# Everything on the page (and in its frames) that user text must never make: run in the browser.
SCAN = """(canary) => {
  const found = [];  // an attribute that loads or links (a form's value or an aria-label may hold any text)
  const fetching = ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action', 'formaction', 'background',
                    'style', 'srcdoc', 'ping', 'content'];
  const all = document.querySelectorAll('*');
  for (const el of all) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = (attr.value || '').trim().toLowerCase();
      if ((name === 'id' || name === 'class') && /(^|\\s)inj-/.test(value)) found.push('marker ' + el.outerHTML);
      if (fetching.includes(name) && value.includes(canary)) found.push('canary ' + el.outerHTML);
      const bare = value.replace(/[\\s\\0]/g, '');
      const script = /^(javascript|vbscript|data:text\\/html)/.test(bare);
      if (fetching.includes(name) && script) found.push('url ' + el.outerHTML);
      if (name.startsWith('on') && /inj-|__pwned|alert/.test(value)) found.push('handler ' + el.outerHTML);
      if (name === 'srcdoc') found.push('srcdoc ' + el.outerHTML);
    }
  }
  for (const el of document.querySelectorAll('.katex, math, script:not([src]):not([type]), base, meta[http-equiv]')) {
    if (el.tagName === 'SCRIPT' && !/inj-|__pwned/.test(el.textContent)) continue;
    found.push('element ' + el.outerHTML);
  }
  return {found: found.map(s => s.slice(0, 300)), pwned: typeof window.__pwned, text: document.body.innerText};
}"""


class Watch:
    """What the browser did that it must not: dialogs, and requests to any host but the app's."""

    def __init__(self, page, app_url: str):
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.places = 0
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self._request(request.url, app_url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, url: str, app_url: str) -> None:
        if not url.startswith((app_url, "data:", "blob:", "about:", *STREAMLIT_FETCHES)):
            self.requests.append(url)

    def check(self, page, canary, where: str) -> str:
        """Scan the page and its frames; returns the visible text of the page."""
        self.places += 1
        text = ""
        for frame in page.frames:
            try:
                result = frame.evaluate(SCAN, canary.url.split("//", 1)[1])
            except Exception as exc:  # a frame that went away while we looked
                if "detached" in str(exc) or "destroyed" in str(exc):
                    continue
                raise
            assert result["found"] == [], (where, result["found"][:5])
            assert result["pwned"] == "undefined", (where, result["pwned"])
            if frame == page.main_frame:
                text = result["text"]
        assert self.dialogs == [], (where, self.dialogs)
        assert self.requests == [], (where, self.requests)
        assert canary.requests == [], (where, canary.requests)
        return visible(text)


def payloads(canary: str):
    """The corpus without the payloads that hold NUL: NUL is refused at the edge (test_terminal_safety), so no
    stored text can carry it; every other payload must reach the page as text."""
    return [p for p in all_payloads(canary) if "\x00" not in p.text]


@pytest.fixture(scope="module")
def canary():
    with canary_server() as server:
        yield server


@pytest.fixture(scope="module")
def stored(canary, tmp_path_factory):
    """The corpus in the store: one assessment per group, and one with comments, hostile names and two revisions."""
    check_browser_prerequisites()
    example, framework = load_assessment(EXAMPLE)
    fields = text_fields(framework, example)
    corpus = payloads(canary.url)
    parts = groups(corpus, GROUP_SIZE)
    data = tmp_path_factory.mktemp("injection-browser-data")
    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    carriers: dict[str, Carrier] = {}
    for group in parts:
        made = carrier(example, framework, fields, group, status="concept")
        carriers[store.create(made.assessment, AUTHOR).id] = made

    # The reviewed one: a hostile reviewer (name and comments), returned to its author, then edited by a hostile
    # editor into a second revision (the revision compare draws a word diff of the two).
    names = [p.text for p in corpus if len(p.text) <= 120 and not re.search(r"[\x00-\x1f\x7f]", p.text)]
    first = carrier(example, framework, fields, parts[0], status="concept")
    record = store.create(first.assessment, AUTHOR)
    reason = "het injectiekorpus draagt zijn eigen bevindingen"  # kept only when findings are open
    workflow.submit(store, record.id, workflow.Actor.of(AUTHOR, "author"), reason=reason)
    reviewer = workflow.Actor.of(names[0], "reviewer")
    to_improve = workflow.Verdict.TO_IMPROVE.value
    verdicts = {q.id: (to_improve, corpus[i].text) for i, q in enumerate(framework.questions())}
    record = workflow.review(store, record.id, reviewer, verdicts, send_back=True)
    second = carrier(example, framework, fields, parts[1], status=record.assessment.meta.status)
    record = store.save(record.id, second.assessment, names[1], based_on=record.revision)
    carriers[record.id] = second
    store.close()
    return data, carriers, record.id, framework, fields


@pytest.fixture(scope="module")
def server(stored):
    running = Server(stored[0], ARTIFACTS / "streamlit-browser-injection.log")
    yield running
    running.stop()


def goto(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(IDLE)
    settle(page)


def placed_texts(made: Carrier, corpus_text: dict[str, str]) -> list[str]:
    return [corpus_text[m] for m, names in made.placed.items() if names]


def test_the_corpus_in_every_field_is_only_text_in_the_app(canary, stored, server):
    data_dir, carriers, reviewed, framework, fields = stored
    corpus_text = {p.marker: p.text for p in payloads(canary.url)}
    comments = review_comments(data_dir, reviewed)
    with browser_page(1400, "injectie-zz-laatste-stand") as page:
        watch = Watch(page, server.url)

        # the overview: every assessment's title, IPCEI and author, as typed
        goto(page, f"{server.url}/overzicht")
        text = watch.check(page, canary, "overview")
        for made in carriers.values():
            meta = made.assessment.meta
            for value in (meta.title, meta.ipcei, meta.author):
                assert_shown(value, text, "overview")
        shot(page, "injectie-01-overzicht")
        # who works: the wizard is read-only until a name and a role are stated (kept in a cookie across pages)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_label("Uw naam").fill("I. Injectietoets")
        sidebar.get_by_label("Uw naam").press("Enter")
        settle(page)
        sidebar.locator("div.st-key-user_role input").first.fill("Beleidsmedewerker")
        page.get_by_role("option", name="Beleidsmedewerker", exact=True).click()
        settle(page)

        # the wizard, every step, of the reviewed one (comments at the questions); the first question of the others
        steps = ["meta", *[q.id for q in framework.questions()]]
        for record_id, made in carriers.items():
            for index, step in enumerate(steps if record_id == reviewed else steps[1:2]):
                if index == 0:
                    goto(page, f"{server.url}/invullen?id={record_id}&step={step}")
                else:  # the next step, as a user goes: no reload
                    page.get_by_role("button", name="Volgende").click()
                    settle(page)
                    number = framework.question(step).number
                    page.get_by_role("heading", name=re.compile(rf"^(Vraag|Conclusie) {number}\.")).wait_for()
                    settle(page)
                text = watch.check(page, canary, f"wizard {record_id[:8]} {step}")
                assert_shown(made.assessment.meta.title, text, f"wizard title {step}")
                if step != "meta":
                    check_text_areas(page, framework, made, step)
                if record_id == reviewed and step in comments:
                    assert_shown(comments[step], text, f"wizard comment {step}")
            if record_id == reviewed:
                shot(page, "injectie-02-wizard-opmerkingen")

        # the review page: every payload the assessment holds appears, literally
        for record_id, made in carriers.items():
            goto(page, f"{server.url}/controle?id={record_id}")
            text = watch.check(page, canary, f"review {record_id[:8]}")
            for payload_text in placed_texts(made, corpus_text):
                assert_shown(payload_text, text, f"review {record_id[:8]}")
            if record_id == reviewed:
                for comment in comments.values():
                    assert_shown(comment, text, "review comment")
                page.get_by_text("Voorbeeld van de PDF tonen").click()
                settle(page)
                page.locator(".st-key-review-pdf canvas").first.wait_for(timeout=120_000)
                watch.check(page, canary, "review pdf preview")
                shot(page, "injectie-03-controle-pdf")

        # compare, side by side: six at a time
        ids = list(carriers)
        for start in range(0, len(ids), 6):
            chunk = ids[start : start + 6]
            if len(chunk) < 2:
                chunk = ids[-2:]
            goto(page, f"{server.url}/vergelijken?" + "&".join(f"ids={i}" for i in chunk))
            page.locator('[data-testid="stMetric"]').first.wait_for()
            text = watch.check(page, canary, f"compare {start}")
            for record_id in chunk:
                assert_shown(carriers[record_id].assessment.meta.ipcei, text, f"compare {record_id[:8]}")
            shot(page, f"injectie-04-vergelijken-{start}")

        # compare, two revisions of the reviewed one: a word diff of hostile text
        goto(page, f"{server.url}/vergelijken")
        page.get_by_text("Revisies van één beoordeling", exact=True).click()
        settle(page)
        picker = page.locator("div.st-key-cmp_rev_id")
        picker.locator("input").first.fill("Teruggestuurd")  # the only one returned by its reviewer
        page.get_by_role("option", name=re.compile("Teruggestuurd")).first.click()
        settle(page)
        page.locator('[class*="st-key-cmp_change_"]').nth(len(fields) // 2 - 1).wait_for()  # drawn one by one
        assert page.locator('[class*="st-key-cmp_change_"]').count() >= len(fields) // 2
        watch.check(page, canary, "compare revisions")
        shot(page, "injectie-05-revisies")

    figures = ARTIFACTS / "injection-browser.txt"
    figures.write_text(f"places checked: {watch.places}\nassessments: {len(carriers)}\n", encoding="utf-8")


def assert_shown(value: str, text: str, where: str) -> None:
    """``value`` is in the page's text as typed (white space and hidden characters aside)."""
    expected = visible(value)
    if expected not in text:
        at = text.find(expected[:12])
        pytest.fail(f"{where}: {expected[:300]!r} not shown as typed; the page has {text[at : at + 300]!r}")


def check_text_areas(page, framework, made: Carrier, step: str) -> None:
    """The text answers of the step hold the payloads as stored (the widgets show the text, not markup)."""
    question = framework.question(step)
    for answer_field in question.fields:
        if answer_field.type != FieldType.TEXT:
            continue
        box = page.locator(f'div[class*="st-key-a-"][class*="-{step}-{answer_field.id} "] textarea')
        stored_text = made.assessment.value(step, answer_field.id).replace("\r\n", "\n").replace("\r", "\n")
        assert box.input_value() == stored_text, (step, answer_field.id)  # a browser keeps "\n" line breaks only


def review_comments(data_dir: Path, record_id: str) -> dict[str, str]:
    store = open_store(f"sqlite:///{data_dir / 'ipcei.db'}")
    try:
        return {q: entry.comment for q, entry in workflow.latest_reviews(store, record_id).items() if entry.comment}
    finally:
        store.close()
