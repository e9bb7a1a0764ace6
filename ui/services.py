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


@st.cache_data(max_entries=16, show_spinner=False)
def pdf_bytes(canonical: str, lang: str, sheet: str | None = None, framework_sha: str | None = None) -> bytes:
    """The advice PDF of an assessment given as canonical JSON, with its parafenlijst (JSON) if given.

    The arguments are the cache key: rendered once per content and framework version (``framework_sha``, the
    content hash of the version the record was saved under; without it, the version the assessment names).
    A signed-off assessment is signed (PAdES) when
    ``IPCEI_SIGNING_KEY`` is configured. The render runs in a process of its own with a time and memory limit,
    so that a huge advice neither slows the other sessions down nor stalls the server.
    """
    from framework.advice import RenderLimits, render_advice
    from framework.report.view import SignOffSheet

    assessment = Assessment.model_validate_json(canonical)
    signoff = SignOffSheet.model_validate_json(sheet) if sheet else None
    data = assessment.model_dump(mode="json")
    framework = framework_of({"data": data, "framework_sha": framework_sha})
    return render_advice(assessment, framework, signoff, lang=lang, limits=RenderLimits())


def pdf_viewer_available() -> bool:
    """``st.pdf`` needs the ``streamlit-pdf`` component (the ``streamlit[pdf]`` extra)."""
    return importlib.util.find_spec("streamlit_pdf") is not None
