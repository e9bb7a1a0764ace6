"""XSRF protection stays on: in the configuration Streamlit reads, and against a live upload in Chromium.

The browser's own upload (token in cookie and header) goes through; the same request to the same live session
without the token, with half of it, or with a forged one is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import ARTIFACTS, IDLE, Server, browser_page, check_browser_prerequisites, settle

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    check_browser_prerequisites()
    running = Server(tmp_path_factory.mktemp("xsrf-data"), ARTIFACTS / "streamlit-browser-xsrf.log")
    yield running
    running.stop()


def effective_streamlit_option(name: str):
    """The value Streamlit itself reads for an option when started in the project (config file and environment)."""
    import subprocess
    import sys

    script = (
        "from streamlit import config; from streamlit.web.server.server_util import is_xsrf_enabled;"
        f" config.get_config_options(force_reparse=True); print(repr(config.get_option({name!r})), is_xsrf_enabled())"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_xsrf_protection_stays_on_in_the_config():
    import tomllib

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert settings.get("server", {}).get("enableXsrfProtection", True) is True
    assert settings.get("server", {}).get("enableCORS", True) is True  # CORS off would invite turning XSRF off
    option, enabled = effective_streamlit_option("server.enableXsrfProtection")
    assert (option, enabled) == ("True", "True")
    run = (ROOT / "scripts" / "run").read_text("utf-8")
    assert "enableXsrfProtection" not in run and "STREAMLIT_SERVER_ENABLE_XSRF" not in run


def test_an_upload_without_the_xsrf_token_is_refused(server):
    """Streamlit 1.67 uploads with PUT /_stcore/upload_file/<session>/<file>; POST is not a route there."""
    import urllib.error
    import urllib.request

    def call(method: str, path: str, headers: dict | None = None) -> int:
        boundary = "xsrfprobe"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.yaml"\r\n'
            f"Content-Type: application/x-yaml\r\n\r\nformat: x\r\n--{boundary}--\r\n"
        ).encode()
        request = urllib.request.Request(server.url + path, data=body, method=method, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", **(headers or {})})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # A real browser session: its upload goes through (the token is in its cookie and header) ...
    with browser_page(1400, "a11y-zz-xsrf") as page:
        page.goto(server.url)
        page.wait_for_selector(IDLE)
        page.get_by_text("Bestand importeren").click()
        settle(page)
        with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT") as info:
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(ROOT / "examples" / "ipcei-cloud.yaml")
            )
        upload = info.value
        assert upload.status in (200, 204), upload.status
        cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
        path = upload.url.removeprefix(server.url)
        # ... and the same request to the same live session is refused without the token, or with a wrong one.
        assert call("PUT", path) == 403
        assert call("PUT", path, {"Cookie": f"_streamlit_xsrf={cookie}"}) == 403  # cookie without header
        assert call("PUT", path, {"X-Xsrftoken": cookie}) == 403  # header without cookie
        forged = "2|00000000|" + "0" * 64 + "|1700000000"
        assert call("PUT", path, {"X-Xsrftoken": forged, "Cookie": f"_streamlit_xsrf={cookie}"}) == 403
        assert call("PUT", path, {"X-Xsrftoken": cookie, "Cookie": f"_streamlit_xsrf={cookie}"}) in (200, 204)
        assert call("POST", path) in (403, 405)  # no upload by POST at all
