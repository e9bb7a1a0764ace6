"""Operations (issue #18, item 5): migrations exactly once when instances start together, the readiness check,
one log line per event without user text, and nothing that trusts a forwarded client address."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from store_support import BACKENDS, ROOT, make_assessment

from framework.cli.main import main
from framework.store import open_store
from framework.store.migrations import LATEST
from framework.yamlio import dump_yaml

INSTANCES = 3


_INSTANCE = """
import json, sys, time
from framework.store.engine import busy_timeout_ms, make_engine, parse_url
from framework.store.migrations import migrate

engine = make_engine(parse_url(sys.argv[1]), timeout_ms=busy_timeout_ms(30_000))
while time.time() < float(sys.argv[2]):  # all instances start their migration at the same moment
    time.sleep(0.005)
try:
    print(json.dumps(["ok", migrate(engine)]))
except Exception as exc:
    print(json.dumps(["error", repr(exc)]))
finally:
    engine.dispose()
"""


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_instances_starting_together_migrate_exactly_once(store_url):
    # Separate interpreters, as separate app instances are (not multiprocessing: its spawn re-runs whatever
    # script an earlier test left as __main__ in this worker).
    start_at = time.time() + 8
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _INSTANCE, store_url, str(start_at)],
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(INSTANCES)
    ]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert [kind for kind, _ in outcomes] == ["ok"] * INSTANCES, outcomes
    applied = sorted(number for _, numbers in outcomes for number in numbers)
    assert applied == list(range(1, LATEST + 1))  # each migration once, by whichever instance got the lock
    assert sum(1 for _, numbers in outcomes if numbers) == 1  # one instance ran them all, under the lock
    with open_store(store_url) as store:
        assert store.verify() == []


def _ipcei(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "framework", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT, check=False)


def test_ping_is_ready_only_on_a_migrated_database_that_answers(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["db", "ping", "--database", url]) == 1  # nothing migrated yet: an instance would not be ready
    err = capsys.readouterr().err
    assert err.startswith("not ready: ") and f"schema version 0, this program needs {LATEST}" in err
    open_store(url).close()
    assert main(["db", "ping", "--database", url]) == 0
    assert capsys.readouterr().out.startswith("ready: ")
    gone = "postgresql+psycopg://nobody@127.0.0.1:9/nothing"
    assert main(["db", "ping", "--json", "--database", gone]) == 1
    assert '"ready": false' in capsys.readouterr().out


def test_one_log_line_per_event_and_never_user_text(tmp_path):
    source = tmp_path / "secret-title.yaml"
    secret = "Geheime titel 7f3a"
    source.write_text(dump_yaml(make_assessment(title=secret).model_dump(mode="json")), encoding="utf-8")
    env = {"IPCEI_DATA_DIR": str(tmp_path / "data"), "IPCEI_LOG_LEVEL": "info", "IPCEI_USER": "A. de Vries"}
    result = _ipcei("db", "import", str(source), env=env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if " ipcei.event " in line]
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO ipcei\.event action=imported by="A\. de Vries" '
        r"assessment=[0-9a-f]{32} revision=1 seq=1",
        lines[0],
    ), lines[0]
    assert secret not in result.stderr and "secret-title" not in result.stderr
    quiet = _ipcei("db", "list", env={**env, "IPCEI_LOG_LEVEL": ""})
    again = _ipcei("db", "import", str(source), env={**env, "IPCEI_LOG_LEVEL": ""})
    assert quiet.returncode == 0 and " ipcei.event " not in again.stderr  # default level WARNING: no events


def test_no_code_trusts_a_forwarded_client_address():
    """The app decides nothing by client address: no X-Forwarded-For, Forwarded, X-Real-IP or ip_address read."""
    pattern = re.compile(r"x-forwarded|forwarded|x-real-ip|ip_address|remote_ip", re.IGNORECASE)
    sources = [ROOT / "app.py", *ROOT.glob("framework/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("views/**/*.py")]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sources for n, line in enumerate(p.read_text().splitlines(), 1)
             if pattern.search(line)]  # fmt: skip
    assert found == []
    # the proxy overwrites what a client sends (it never appends to a client's own X-Forwarded-For)
    config = (ROOT / "deploy" / "nginx" / "ipcei.conf.template").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config
    assert "$proxy_add_x_forwarded_for" not in config
