"""The domain services the pages use: the store (one per database URL), frameworks and the advice PDF."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import streamlit as st

from framework.assessment import Assessment
from framework.errors import FrameworkUnavailableError, IpceiError
from framework.loading import add_fallback
from framework.models import Framework
from ui.i18n import tr


@st.cache_resource(show_spinner=False)
def _open_store(url: str | None, data_dir: str | None) -> Any:
    # data_dir is part of the cache key only: open_store reads it from the environment itself.
    from framework.store import open_store

    return open_store(url)


def store() -> Any:
    """The store of this app: ``IPCEI_DATABASE_URL``, else SQLite under ``IPCEI_DATA_DIR``."""
    return _open_store(os.environ.get("IPCEI_DATABASE_URL"), os.environ.get("IPCEI_DATA_DIR"))


def _kept_copy(framework_id: str, version: str) -> Framework | None:
    """A version no file holds, from this app's store (for look-ups by id and version, e.g. an uploaded PDF)."""
    try:
        return store().framework_named(framework_id, version)
    except IpceiError:
        return None


add_fallback(_kept_copy)


def framework_of(d: dict[str, Any]) -> Framework:
    """The framework version of a draft: the store's copy its record was saved under, by content hash.

    Never another version: when no copy can be read, :class:`FrameworkUnavailableError` names the version (the
    pages then show the message and keep the assessment read-only). Data without a stored record (a dict with
    ``framework`` but no ``framework_sha``) is looked up by id and version: file, else the store's copy.
    """
    data = d.get("data", d)
    ref = data.get("framework") or {}
    key = f"{ref.get('id')}@{ref.get('version')}"
    sha = d.get("framework_sha")
    try:
        if sha:
            found = store().framework_by_sha(sha)
        else:
            found = store().framework_named(str(ref.get("id")), str(ref.get("version")))
    except IpceiError as exc:
        raise FrameworkUnavailableError.single(key, f"the framework version {key} cannot be read: {exc}") from exc
    if found is None:
        raise FrameworkUnavailableError.single(key, f"the framework version {key} is nowhere: not a file, not kept")
    if (found.id, found.version) != (ref.get("id"), ref.get("version")):
        raise FrameworkUnavailableError.single(key, f"the copy kept for {key} is {found.key}")
    return found


@st.cache_resource(show_spinner=False)
def render_pool() -> Any:
    """The app's warm render workers (``IPCEI_RENDER_WORKERS``, default 2), started once with the server."""
    from framework.render_pool import start_pool

    return start_pool()


def _session() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def _render(kind: str, payload: dict[str, Any]) -> bytes:
    """A document from the render workers, one job at a time per session; a failure as a message in the UI's
    language (:class:`framework.render_pool.RenderError`)."""
    from framework.render_pool import RenderError, RenderLimits, render

    limits = RenderLimits()
    try:
        return render(kind, payload, limits, owner=_session())
    except RenderError as exc:
        if exc.reason in ("busy", "timeout", "crashed", "memory"):
            raise RenderError(tr(f"perf_render_{exc.reason}", seconds=f"{limits.seconds:g}"), exc.reason) from exc
        raise


def pdf_bytes(
    canonical: str, lang: str, sheet: str | None = None, kind: str = "pdf", *, framework_sha: str | None = None
) -> bytes:
    """The advice PDF of an assessment given as canonical JSON, with its parafenlijst (JSON) if given.

    Rendered by the app's warm workers (:mod:`framework.render_pool`), each job bounded in time and memory and
    cached by content (assessment, framework, language, sheet): a huge advice neither slows the other sessions
    down nor stalls the server. A signed-off assessment is signed (PAdES) when ``IPCEI_SIGNING_KEY`` is set.
    """
    from framework.report.view import SignOffSheet

    assessment = Assessment.model_validate_json(canonical)
    signoff = SignOffSheet.model_validate_json(sheet) if sheet else None
    framework = framework_of({"data": assessment.model_dump(mode="json"), "framework_sha": framework_sha})
    payload = {
        "assessment": canonical,
        "framework": framework.model_dump_json(),
        "sheet": signoff.model_dump_json() if signoff is not None else None,
        "lang": lang,
        "sign": None,
        "kind": kind,
        "variant": "advies",
    }
    return _render("advice", payload)


def compare_pdf(comparison: Any, *, only: str = "", sources: bool = True) -> bytes:
    """The comparison as PDF: the HTML here (quick), the layout by a render worker, like the advice."""
    from framework.compare.export import render_html

    return _render("compare", {"html": render_html(comparison, only=only, sources=sources)})


def portfolio_pdf(html: str) -> bytes:
    """The portfolio as PDF (``framework.portfolio.export.render_html``), laid out by a render worker."""
    return _render("portfolio", {"html": html})


def pdf_viewer_available() -> bool:
    """``st.pdf`` needs the ``streamlit-pdf`` component (the ``streamlit[pdf]`` extra)."""
    return importlib.util.find_spec("streamlit_pdf") is not None
