"""Results kept by content (framework.memo): reused while the content is the same, fresh after any change, and the
pages that use them show what another session did at the next run."""

from __future__ import annotations

import shutil

from app_support import app, full_assessment, open_in_wizard, person_app, texts
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable
from phase_support import chain, edit_next

from framework import memo, rules
from framework import workflow as wf
from framework.criteria import criteria_path
from framework.loading import default_framework
from framework.store import open_store

HIDDEN = "\u200b"  # a zero-width space: the hidden-character check names it


def _with_answer(assessment, text):
    answers = {**assessment.answers, "q2": {**assessment.answers["q2"], "answer": text}}
    return assessment.model_copy(update={"answers": answers})


def _hidden_findings(check):
    return [f for f in check.consistency if f.rule == "hidden-characters" and "q2" in f.questions]


def test_the_check_is_reused_for_the_same_content_and_fresh_after_a_change():
    framework = default_framework()
    memo.CHECKS.clear()
    clean = full_assessment()
    first = memo.check(framework, clean)
    assert memo.check(framework, clean.model_copy(deep=True)) is first  # equal content: the same entry
    assert (memo.CHECKS.hits, memo.CHECKS.misses) == (1, 1)
    assert first == rules.check(framework, clean)

    hidden = _with_answer(clean, f"Een{HIDDEN} probleem.")
    found = memo.check(framework, hidden)  # one answer changed: a new result, with the finding it causes
    assert found is not first and _hidden_findings(found) and not _hidden_findings(first)
    assert found == rules.check(framework, hidden)
    back = memo.check(framework, _with_answer(clean, clean.answers["q2"]["answer"]))
    assert not _hidden_findings(back)  # changed back: the finding is gone again


def test_a_changed_criteria_file_gives_a_fresh_check(tmp_path, monkeypatch):
    framework = default_framework()
    copy = tmp_path / "criteria.yaml"
    shutil.copy(criteria_path(), copy)
    monkeypatch.setenv("IPCEI_CRITERIA", str(copy))
    memo.CHECKS.clear()
    assessment = full_assessment()
    before = memo.check(framework, assessment)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text + "\n# een opmerking\n", encoding="utf-8")  # the same criteria in another file version
    assert memo.check(framework, assessment) is before and memo.CHECKS.misses == 1
    changed = text.replace("nl: Criteria van de Europese Commissie", "nl: Gewijzigde criteria van de Commissie", 1)
    assert changed != text
    copy.write_text(changed, encoding="utf-8")  # other criteria: computed again
    assert memo.check(framework, assessment) is not before and memo.CHECKS.misses == 2


def test_the_cache_forgets_the_least_recently_used_entry():
    cache = memo.ContentCache(size=2)
    assert cache.get("a", lambda: 1) == 1 and cache.get("b", lambda: 2) == 2
    assert cache.get("a", lambda: 99) == 1  # used: now the most recent
    assert cache.get("c", lambda: 3) == 3 and len(cache) == 2
    assert cache.get("b", lambda: 20) == 20  # forgotten, computed again
    assert cache.get("a", lambda: 99) == 99  # forgotten when b came back (a was least recently used)


def test_the_review_page_shows_a_change_made_in_another_session():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = app()
    at.query_params["id"] = ids[2]
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Ronde 2." in "\n".join(texts(at.markdown))
    with open_store() as store:  # another session adds a third round of edits to the same concept
        edit_next(store, ids[2], 3)
    at.run()
    assert not at.exception, at.exception
    assert "Ronde 3." in "\n".join(texts(at.markdown))


def test_the_wizard_shows_a_sign_off_made_in_another_session():
    with open_store() as store:
        record = wf.create(store, full_assessment(), AUTHOR)
    at = open_in_wizard(person_app(), record.id, "q2")
    assert not any("Vastgesteld op" in i for i in texts(at.info))
    assert not at.text_area(key=f"a|{record.id}|{at.session_state['draft']['gen']}|nl|q2|answer").disabled
    with open_store() as store:  # meanwhile: submitted, reviewed and signed off by others
        wf.submit(store, record.id, AUTHOR)
        wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
        wf.sign_off(store, record.id, APPROVER)
    at.run()
    assert not at.exception, at.exception
    assert any("Vastgesteld op" in i and "C. Bakker" in i for i in texts(at.info))
    assert at.text_area(key=f"a|{record.id}|{at.session_state['draft']['gen']}|nl|q2|answer").disabled
