"""No lost update: many writers at once, in threads and in processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from store_support import edited, make_assessment, save_loop, save_loop_in_process

from framework.errors import ConflictError

WORKERS, SAVES = 8, 20


def _check_nothing_lost(store, assessment_id, outcomes, attempts):
    successes = [s for ok, _ in outcomes for s in ok]
    refused = sum(r for _, r in outcomes)
    assert len(successes) + refused == attempts
    history = store.history(assessment_id)
    # every successful save is in the history, once, with the content it saved; nothing else is
    assert len(history) == 1 + len(successes)
    assert sorted(number for number, _ in successes) == list(range(2, len(history) + 1))
    hashes = {r.number: r.content_hash for r in history}
    assert all(hashes[number] == content for number, content in successes)
    assert store.get(assessment_id).revision == len(history)
    assert store.verify() == []
    return successes, refused


def test_threads_lose_no_update(store):
    record = store.create(make_assessment(), "start")
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(save_loop, store, record.id, f"thread {w}", SAVES) for w in range(WORKERS)]
        outcomes = [f.result() for f in futures]
    successes, _ = _check_nothing_lost(store, record.id, outcomes, WORKERS * SAVES)
    assert successes


def test_processes_lose_no_update(store, store_url):
    record = store.create(make_assessment(), "start")
    store.engine.dispose()  # forked workers open their own store; none of our pooled connections go along
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(save_loop_in_process, store_url, record.id, f"process {w}", SAVES) for w in range(WORKERS)
        ]
        outcomes = [f.result() for f in futures]
    successes, _ = _check_nothing_lost(store, record.id, outcomes, WORKERS * SAVES)
    assert successes


def test_writers_from_the_same_revision_exactly_one_wins(store):
    record = store.create(make_assessment(), "start")
    for round_ in range(5):
        base = store.get(record.id)
        barrier = threading.Barrier(WORKERS)

        def attempt(w, base=base, barrier=barrier, round_=round_):
            mine = edited(base.assessment, f"round {round_} writer {w}")
            barrier.wait()
            try:
                return store.save(record.id, mine, f"writer {w}", based_on=base.revision)
            except ConflictError as exc:
                assert exc.theirs.revision == base.revision + 1 and exc.mine == mine
                return None

        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(attempt, range(WORKERS)))
        winners = [r for r in results if r is not None]
        assert len(winners) == 1
        assert store.get(record.id).assessment == winners[0].assessment
    assert len(store.history(record.id)) == 6
    assert store.verify() == []
