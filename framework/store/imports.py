"""Reading a file to import: YAML or JSON (the assessment format), or an advice PDF with its data embedded.

Everything here is untrusted input: YAML and JSON go through the strict, bounded reader of
:mod:`framework.yamlio`; a PDF goes to ``framework.report.render.extract_assessment`` (when that module is
installed), and whatever fails becomes one :class:`~framework.errors.InputError` naming the file.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from framework.assessment import Assessment
from framework.errors import InputError, IpceiError
from framework.i18n import t
from framework.loading import assessment_from_bytes, assessment_from_data
from framework.models import Framework
from framework.yamlio import MAX_BYTES, parse_bytes

MAX_PDF_BYTES = 20 * 1024 * 1024
FrameworkLookup = Callable[[str, str], Framework | None]


def _size_error(source: str, size: int, limit: int) -> InputError:
    shown = {"size": f"{size:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
    return InputError.single(
        source, t("robust_err_size", "en", **shown).replace(",", "."), nl=t("robust_err_size", "nl", **shown)
    )


def is_pdf(content: bytes, source: str) -> bool:
    return content[:5] == b"%PDF-" or source.lower().endswith(".pdf")


def _framework_named(data: Any, lookup: FrameworkLookup) -> Framework | None:
    ref = data.get("framework") if isinstance(data, dict) else None
    if isinstance(ref, dict) and isinstance(ref.get("id"), str) and isinstance(ref.get("version"), str):
        return lookup(ref["id"], ref["version"])
    return None


def read_import(content: bytes, source: str, lookup: FrameworkLookup) -> tuple[Assessment, str]:
    """The validated assessment in an import file, and its format (``yaml``, ``json`` or ``pdf``).

    Args:
        content: the file's bytes.
        source: the file name, for messages.
        lookup: finds the framework an assessment names (files or the database), or None.
    """
    if not isinstance(content, bytes | bytearray):
        raise InputError.single(source, "expected the bytes of a file")
    limit = MAX_PDF_BYTES if is_pdf(content, source) else MAX_BYTES
    if len(content) > limit:  # before any copy of a file that may be very large
        raise _size_error(source, len(content), limit)
    content = bytes(content)
    if not content.strip():
        raise InputError.single(source, "the file is empty", nl=t("robust_err_empty", "nl"))
    if is_pdf(content, source):
        return _read_pdf(content, source, lookup), "pdf"
    data, lines = parse_bytes(content, source)
    fmt = "json" if source.lower().endswith(".json") or content.lstrip()[:1] == b"{" else "yaml"
    assessment, _ = assessment_from_data(data, source, lines, framework=_framework_named(data, lookup))
    return assessment, fmt


def _read_pdf(content: bytes, source: str, lookup: FrameworkLookup) -> Assessment:
    if len(content) > MAX_PDF_BYTES:
        raise _size_error(source, len(content), MAX_PDF_BYTES)
    if not content.startswith(b"%PDF-"):
        raise InputError.single(source, "the name says PDF but the file is not a PDF", nl=t("robust_err_not_pdf", "nl"))
    try:
        report = importlib.import_module("framework.report.render")
    except ModuleNotFoundError as exc:
        if exc.name not in ("framework.report.render", "framework"):
            raise
        report = None
    extract = getattr(report, "extract_assessment", None)
    if extract is None:
        raise InputError.single(
            source,
            "importing an advice PDF needs the report module (framework.report.render), which this installation "
            "lacks; import the assessment's YAML or JSON file instead",
        )
    takes_source = "source" in inspect.signature(extract).parameters
    try:
        result = extract(content, source=source) if takes_source else extract(content)
    except InputError:
        raise
    except IpceiError as exc:
        raise InputError.single(source, f"no assessment could be read from the PDF: {exc}") from None
    except Exception as exc:  # a hostile PDF may break the PDF reader in any way
        raise InputError.single(
            source, f"the PDF cannot be read ({type(exc).__name__})", nl=t("robust_err_pdf_unreadable", "nl")
        ) from None
    if isinstance(result, tuple) and result:
        result = result[0]
    if isinstance(result, bytes | str):
        raw = result.encode("utf-8") if isinstance(result, str) else result
        data, _ = parse_bytes(raw, source)
        return assessment_from_bytes(raw, f"{source} (embedded data)", framework=_framework_named(data, lookup))[0]
    if isinstance(result, Assessment):
        result = result.model_dump(mode="json")
    if not isinstance(result, dict):
        raise InputError.single(source, "the PDF carries no assessment data", nl=t("robust_err_no_data", "nl"))
    return assessment_from_data(result, f"{source} (embedded data)", framework=_framework_named(result, lookup))[0]
