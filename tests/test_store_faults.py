"""Faults: kill -9 in the middle of saves, a read-only file, a locked database, a full disk, a server that goes away.

In each case: a clear StoreError, the caller's unsaved assessment handed back, nothing committed half.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from store_support import PrivateServer, edited, make_assessment, pg_bindir, postgres_base_url

from framework.store import DatabaseError, open_store

KILLS = 200  # issue #8 asks for at least 200 (issue #4 for 100)


# --- kill -9 ------------------------------------------------------------------------------------------------


def _child(url: str, ids: list[str], out: int) -> None:
    """Save, create and log continuously until killed; report each commit on the pipe."""
    rng = random.Random(os.getpid())
    store = open_store(url)
    os.write(out, b"ready\n")
    n = 0
    while True:
        n += 1
        aid = rng.choice(ids)
        roll = rng.random()
        if roll < 0.8:
            current = store.get(aid)
            saved = store.save(aid, edited(current.assessment, f"{os.getpid()}-{n}"), "child", current.revision)
            os.write(out, f"saved {aid} {saved.revision} {saved.content_hash}\n".encode())
        elif roll < 0.9:
            created = store.create(make_assessment(n), "child")
            os.write(out, f"created {created.id} 1 {created.content_hash}\n".encode())
        else:
            store.record_event(aid, "exported", "child", {"n": n})


def _run_and_kill(url: str, ids: list[str], rng: random.Random) -> list[str]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 1
        try:
            os.close(read_end)
            _child(url, ids, write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    received = b""
    while received.count(b"\n") < 2:  # "ready" and a first commit: the child is in its saving loop
        ready, _, _ = select.select([read_end], [], [], 30)
        assert ready, "the child did not start saving"
        chunk = os.read(read_end, 65536)
        assert chunk, "the child ended before it was killed"
        received += chunk
    time.sleep(rng.uniform(0.005, 0.05))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), "the child ended by itself: it failed before it was killed"
    while chunk := os.read(read_end, 65536):
        received += chunk
    os.close(read_end)
    lines = received.decode().splitlines()
    assert lines[0] == "ready"
    return lines[1:]


@pytest.mark.slow
def test_kill_9_in_the_middle_of_saves(store, store_url):
    ids = [store.create(make_assessment(i), "parent").id for i in range(3)]
    store.close()
    rng = random.Random(20240301)
    reported = []
    for _ in range(KILLS):
        reported += _run_and_kill(store_url, ids, rng)
    reopened = open_store(store_url)
    if reopened.backend == "sqlite":
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert reopened.verify() == []
    saves = [line.split() for line in reported]
    assert len(saves) >= KILLS  # each kill came after the child's first commit, in the middle of its saves
    for _, aid, revision, content_hash in saves:  # every save the child saw committed is there, whole
        history = {r.number: r for r in reopened.history(aid)}
        assert history[int(revision)].content_hash == content_hash
    for summary in reopened.list().items:  # each head is exactly its last revision
        record = reopened.get(summary.id)
        assert record.revision == reopened.history(summary.id)[-1].number
        assert record.content_hash == record.assessment.content_hash()
    reopened.close()


# --- a read-only database -----------------------------------------------------------------------------------


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder that can be made read-only: a tmpfs remounted read-only as root, else chmod."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: (os.chmod(folder / "store.db", 0o444), os.chmod(folder, 0o555))
        os.chmod(folder, 0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to make a read-only disk: {mounted.stderr.decode().strip()}")
    try:
        yield folder, lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_sqlite_file(read_only_folder):
    folder, make_read_only = read_only_folder
    url = f"sqlite:///{folder / 'store.db'}"
    with open_store(url) as store:
        record = store.create(make_assessment(), "Anna")
    make_read_only()
    store = open_store(url)
    assert store.read_only
    assert store.get(record.id).revision == 1 and store.list().total == 1  # reading still works
    mine = edited(record.assessment, "my unsaved text")
    with pytest.raises(DatabaseError) as caught:
        store.save(record.id, mine, "Anna", based_on=1)
    assert caught.value.kind == "read_only" and "read-only" in str(caught.value)
    assert "nothing was saved" in str(caught.value)
    assert caught.value.unsaved == mine
    with pytest.raises(DatabaseError, match="read-only"):
        store.create(make_assessment(1), "Anna")
    assert store.get(record.id).revision == 1 and store.verify() == []
    store.close()


@pytest.mark.postgres
def test_read_only_postgres(pg_schemas):
    """PostgreSQL's read-only case: a standby, or a role whose transactions are read-only."""
    schema, url = pg_schemas.create()
    try:
        with open_store(url) as store:
            record = store.create(make_assessment(), "Anna")
        read_only = open_store(f"{url}%20-cdefault_transaction_read_only%3Don")
        mine = edited(record.assessment, "my unsaved text")
        with pytest.raises(DatabaseError) as caught:
            read_only.save(record.id, mine, "Anna", based_on=1)
        assert caught.value.kind == "read_only" and "read-only" in str(caught.value)
        assert caught.value.unsaved == mine
        assert read_only.get(record.id).revision == 1 and read_only.verify() == []
        read_only.close()
    finally:
        pg_schemas.drop(schema)


# --- a locked database --------------------------------------------------------------------------------------


def test_locked_database(store, store_url):
    record = store.create(make_assessment(), "Anna")
    impatient = open_store(store_url, timeout_ms=200)
    mine = edited(record.assessment, "my unsaved text")
    if store.backend == "sqlite":
        holder = sqlite3.connect(store.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        release = holder.rollback
    else:
        holder = store.engine.connect()
        holder.begin()
        holder.execute(text("SELECT * FROM assessments WHERE id = :id FOR UPDATE"), {"id": record.id})
        release = holder.rollback
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError) as caught:
            impatient.save(record.id, mine, "Anna", based_on=1)
        assert time.monotonic() - started < 5
        assert caught.value.kind == "locked" and "locked" in str(caught.value)
        assert caught.value.unsaved == mine
        assert impatient.get(record.id).revision == 1  # reading is not blocked
    finally:
        release()
        holder.close()
    assert impatient.save(record.id, mine, "Anna", based_on=1).revision == 2
    impatient.close()
    assert store.verify() == []


# --- a full disk --------------------------------------------------------------------------------------------


def test_full_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 1 MB tmpfs: {mounted.stderr.decode().strip()}")
    try:
        store = open_store(f"sqlite:///{folder / 'store.db'}")
        record = store.create(make_assessment(), "Anna")
        big = {f"q{i}": {"answer": f"{i} " + "x" * 19_990} for i in range(1, 14)}
        failure = None
        for n in range(200):
            mine = record.assessment.model_copy(update={"answers": {**big, "q14": {"answer": f"save {n}"}}})
            try:
                record = store.save(record.id, mine, "Anna", based_on=record.revision)
            except DatabaseError as exc:
                failure = exc
                break
        assert failure is not None, "the disk never filled up"
        assert failure.kind in ("full", "io") and "full" in str(failure)
        assert failure.unsaved == mine
        assert store.get(record.id).revision == record.revision == len(store.history(record.id))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert store.verify() == []
        store.close()
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_disk_on_postgres_is_not_simulated():
    pytest.skip(
        "a full disk under PostgreSQL would need the server's data directory on a tiny filesystem; the server "
        "then stops (PANIC), which test_postgres_server_goes_away covers"
    )


# --- PostgreSQL that goes away ------------------------------------------------------------------------------


@pytest.fixture
def private_server():
    postgres_base_url()  # skip locally / fail in CI without PostgreSQL, like the other PostgreSQL tests
    if pg_bindir() is None:
        pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql")
    folder = Path(tempfile.mkdtemp(prefix="ipcei-pg-away-"))
    server = PrivateServer(folder)
    yield server
    server.remove()


@pytest.mark.postgres
def test_postgres_server_goes_away(private_server):
    url = private_server.url
    store = open_store(url, timeout_ms=1000)
    record = store.create(make_assessment(), "Anna")
    record = store.save(record.id, edited(record.assessment, "twee"), "Anna", based_on=1)

    def stop_mid_save(conn, cursor, statement, *args):  # after the head row is updated, before the revision
        if statement.startswith("INSERT INTO revisions"):
            private_server.stop()

    event.listen(store.engine, "before_cursor_execute", stop_mid_save)
    mine = edited(record.assessment, "my unsaved text")
    try:
        with pytest.raises(DatabaseError) as caught:
            store.save(record.id, mine, "Anna", based_on=2)
    finally:
        event.remove(store.engine, "before_cursor_execute", stop_mid_save)
    assert caught.value.kind == "unreachable", caught.value
    assert "cannot be reached" in str(caught.value) and "nothing was saved" in str(caught.value)
    assert caught.value.unsaved == mine

    with pytest.raises(DatabaseError, match="cannot be reached") as down:  # while it is down
        store.get(record.id)
    assert down.value.kind == "unreachable"
    with pytest.raises(DatabaseError, match="cannot be reached"):
        open_store(url)

    private_server.start()
    assert store.get(record.id).revision == 2  # the half-done save left nothing behind
    assert store.verify() == []
    assert store.save(record.id, mine, "Anna", based_on=2).revision == 3
    store.close()
