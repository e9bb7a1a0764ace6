"""100 submit or sign-off calls racing on one assessment (threads, real SQLite file and PostgreSQL): exactly one
wins, every other gets a clear refusal, and nothing is stored half (verify finds no problem)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gate_support import AUTHOR, example, reviewed

from framework import workflow as wf
from framework.assessment import Status
from framework.errors import ConflictError, StoreError, TransitionError

RACERS = 100


def _race(call) -> tuple[list, list[Exception]]:
    wins, refusals = [], []

    def one(i: int):
        try:
            return call(i), None
        except (TransitionError, ConflictError, StoreError) as exc:
            return None, exc

    with ThreadPoolExecutor(max_workers=16) as pool:
        for won, refused in pool.map(one, range(RACERS)):
            (wins if refused is None else refusals).append(won if refused is None else refused)
    return wins, refusals


def _clear(exc: Exception) -> bool:
    """A refusal that says why: a gate (the status moved on), signed off already, or someone saved first."""
    text = str(exc)
    said = ("ter_review" in text, "ter review" in text, "signed off" in text, isinstance(exc, ConflictError))
    return bool(text) and any(said)


@pytest.mark.slow
def test_100_concurrent_submits_one_wins(store):
    record = store.create(example(), AUTHOR.name)
    wins, refusals = _race(lambda i: wf.submit(store, record.id, AUTHOR))
    assert len(wins) == 1 and len(refusals) == RACERS - 1
    assert all(_clear(e) for e in refusals), {type(e).__name__: str(e) for e in refusals}
    assert store.get(record.id).status == Status.TER_REVIEW and store.get(record.id).revision == 2
    assert [e.action for e in store.audit(record.id)].count("submitted") == 1
    assert store.verify() == []


@pytest.mark.slow
def test_100_concurrent_sign_offs_one_wins(store):
    aid = reviewed(store)
    approvers = [wf.Actor.of(f"Vaststeller {i}", "vaststeller") for i in range(RACERS)]
    wins, refusals = _race(lambda i: wf.sign_off(store, aid, approvers[i]))
    assert len(wins) == 1 and len(refusals) == RACERS - 1
    assert all(_clear(e) for e in refusals), {type(e).__name__: str(e) for e in refusals}
    signed = store.signoff(aid)
    assert signed is not None and signed.by == wins[0].updated_by
    assert [e.action for e in store.audit(aid, limit=500)].count("signed_off") == 1
    assert store.get(aid).status == Status.VASTGESTELD
    assert store.verify() == []
