"""Support for the browser tests: `streamlit run` on a free port, Debian's Chromium, Streamlit's state, axe-core.

The tests wait on Streamlit's own state (``data-test-script-state``), never on sleeps. Screenshots and the
accessibility report go to ``test-artifacts/`` (kept after the run).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_DIR = ROOT / "tests" / "browser"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` with its data in a temporary folder.

    Args:
        env: extra environment variables for the app (e.g. ``IPCEI_ROLES_FILE``).
        args: extra ``streamlit run`` options (e.g. ``["--secrets.files", path]``).
        port: the port to listen on (default: a free one), for settings that must name it beforehand.
    """

    def __init__(
        self, data_dir: Path, log: Path, *, env: dict[str, str] | None = None, args: list[str] | None = None,
        port: int | None = None,
    ):  # fmt: skip
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        environment = {**os.environ, "IPCEI_DATA_DIR": str(data_dir), "IPCEI_LANG": "nl"}
        environment.pop("IPCEI_DATABASE_URL", None)
        environment.pop("IPCEI_FRAMEWORK", None)
        environment.update(env or {})
        self.started = time.monotonic()
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *(args or [])],
            cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.ready_after = self._wait_healthy()

    def _wait_healthy(self, limit: float = 60.0) -> float:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.05)  # polling the server's health while it starts, not waiting on the page
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        stop_process(self.process, self._log)


def stop_process(process: subprocess.Popen, log: Any, timeout: float = 15) -> None:
    """Stop a server the test started (terminate, then kill after ``timeout`` s) and close its log."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def ensure_axe() -> Path:
    """axe-core from the npm registry, pinned by tests/browser/package-lock.json."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core (Debian package npm)")
        subprocess.run([npm, "ci", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund"], check=True)
    return AXE_JS


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished the run an action caused (if it caused one)."""
    try:
        page.wait_for_selector(RUNNING, timeout=1_500)
    except Exception:  # the run was over before we looked, or the action caused none
        pass
    page.wait_for_selector(IDLE, timeout=timeout)


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main area, so a full-page shot needs a window as tall as that area.
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 80, 8000))})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


# Violations inside Streamlit's own widgets that we cannot change from the app; reported, not failed.
STREAMLIT_OWNED = (
    "stDataFrame",
    "stDataEditor",
    "glide",
    "dvn-",
    "stToolbar",
    "stMainMenu",
    "stSidebarCollapse",
    "stBaseButton-headerNoPadding",
    "stMultiSelect",
    "stSelectbox",
    "stPagination",
    "data-baseweb",
    "stTopNav",
    "stNavSection",
    "stFileUploader",
    "stIFrame",
    "stCustomComponentV2",
)


def axe(page, name: str) -> list[dict]:
    """Run axe-core on the page; record every violation in test-artifacts/axe/<name>.json.

    Returns the critical and serious ones outside Streamlit's own widgets (``ours``: must be none); the rest,
    minor and moderate ones and those inside Streamlit's widgets, are listed under ``remaining`` for the report.
    """
    page.add_script_tag(path=str(ensure_axe()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    ours, remaining = [], []
    for violation in result["violations"]:
        serious = violation.get("impact") in ("critical", "serious")
        for node in violation["nodes"]:
            entry = {
                "rule": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "target": node["target"],
                "html": node["html"][:300],
            }
            where = json.dumps(node["target"]) + node["html"] + " ".join(node.get("ancestry") or [])
            owned = any(marker in where for marker in STREAMLIT_OWNED) or _inside_streamlit_widget(page, node)
            entry["owner"] = "streamlit" if owned else "app"
            (ours if serious and not owned else remaining).append(entry)
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps({"ours": ours, "remaining": remaining}, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return ours


def _inside_streamlit_widget(page, node: dict) -> bool:
    target = node["target"][0] if node.get("target") else None
    if not isinstance(target, str):
        return False
    selector = json.dumps(target)
    script = (
        "() => { const e = document.querySelector(" + selector + "); if (!e) return false;"
        " return !!e.closest('[data-testid=stDataFrame],[data-testid=stDataFrameResizable],"
        "[data-testid=stHeader],[data-testid=stToolbar],[data-baseweb],[data-testid=stCustomComponentV2]'); }"
    )
    try:
        return bool(page.evaluate(script))
    except Exception:
        return False


def check_browser_prerequisites() -> None:
    """Chromium from Debian and axe-core from npm; a clear failure when either is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps (Debian package chromium)")
    ensure_axe()
    ARTIFACTS.mkdir(exist_ok=True)


@contextlib.contextmanager
def browser_page(width: int, last_shot: str):
    """A fresh headless Chromium page; a screenshot of what it showed when the test ended, also on a failure."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            shot(page, last_shot)
            context.close()
            browser.close()
