"""The domain services the pages use: the store (one per database URL), frameworks and the advice PDF."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import streamlit as st

from framework.assessment import Assessment
from framework.loading import default_framework, find_framework
from framework.models import Framework


@st.cache_resource(show_spinner=False)
def _open_store(url: str | None, data_dir: str | None) -> Any:
    # data_dir is part of the cache key only: open_store reads it from the environment itself.
    from framework.store import open_store

    return open_store(url)


def store() -> Any:
    """The store of this app: ``IPCEI_DATABASE_URL``, else SQLite under ``IPCEI_DATA_DIR``."""
    return _open_store(os.environ.get("IPCEI_DATABASE_URL"), os.environ.get("IPCEI_DATA_DIR"))


def framework_of(data: dict[str, Any]) -> Framework:
    """The framework version that assessment data (a dict) names; the current one if it is not available."""
    ref = data.get("framework") or {}
    return find_framework(str(ref.get("id")), str(ref.get("version"))) or default_framework()


@st.cache_data(max_entries=16, show_spinner=False)
def pdf_bytes(canonical: str, lang: str, sheet: str | None = None, kind: str = "pdf") -> bytes:
    """The advice PDF of an assessment given as canonical JSON, with its parafenlijst (JSON) if given.

    The arguments are the cache key: rendered once per content. A signed-off assessment is signed (PAdES) when
    ``IPCEI_SIGNING_KEY`` is configured. The render runs in a process of its own with a time and memory limit,
    so that a huge advice neither slows the other sessions down nor stalls the server. ``kind="docx"``: the
    editable Word document, through the same bounded process.
    """
    from framework.advice import RenderLimits, render_advice
    from framework.report.view import SignOffSheet

    assessment = Assessment.model_validate_json(canonical)
    signoff = SignOffSheet.model_validate_json(sheet) if sheet else None
    framework = framework_of(assessment.model_dump(mode="json"))
    return render_advice(assessment, framework, signoff, lang=lang, limits=RenderLimits(), kind=kind)


def pdf_viewer_available() -> bool:
    """``st.pdf`` needs the ``streamlit-pdf`` component (the ``streamlit[pdf]`` extra)."""
    return importlib.util.find_spec("streamlit_pdf") is not None
