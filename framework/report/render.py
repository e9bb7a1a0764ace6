"""The advice report: an assessment as HTML (Jinja2) and as a tagged PDF/A-3b (WeasyPrint) that carries itself.

The PDF embeds the assessment as ``assessment.json`` (canonical JSON, relationship ``Data``), so that
:func:`extract_assessment` brings back an assessment equal to the one rendered.

Security model: user text is data, never markup. Templates are autoescaped; paragraphs and line breaks come
from :func:`framework.report.view.paragraphs`, which escapes. WeasyPrint gets a URL fetcher that serves only
``data:`` URLs and files inside ``report_templates/``; anything else is refused and recorded. The only
attachment is the one built here; a finisher makes sure of that before the file is written.

Reproducibility: nothing reads the clock. The PDF's dates come from the assessment (``meta.created`` and
``meta.updated``), clamped to ``SOURCE_DATE_EPOCH`` when that is set, so two renders are byte-identical.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from mimetypes import guess_type
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup

from framework.assessment import Assessment, canonical_json, reveal_hidden
from framework.errors import ReportError
from framework.i18n import LANGUAGES, t
from framework.loading import ROOT, assessment_from_bytes
from framework.models import Framework
from framework.report.pdfa import (
    EmbeddedFileTooLarge,
    compress_streams,
    embedded_files,
    file_annotations,
    open_pdf,
    remove_empty_resources,
)
from framework.report.view import SignOffEntry, SignOffSheet, build_view, paragraphs
from framework.report.watermark import watermark_url

__all__ = [
    "ReportError",
    "ReportOptions",
    "SignOffEntry",
    "SignOffSheet",
    "extract_assessment",
    "render_html",
    "render_pdf",
]

LOGGER = logging.getLogger(__name__)
TEMPLATES_DIR = ROOT / "report_templates"
ATTACHMENT_NAME = "assessment.json"
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_JSON_BYTES = 5 * 1024 * 1024
# The options of every render; the benchmark gives bare WeasyPrint the same.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


@dataclass(frozen=True)
class ReportOptions:
    """How to render: language of the fixed texts, whether to print the guidance, and the sign-off sheet."""

    lang: str = "nl"
    include_guidance: bool = True
    signoff: SignOffSheet | None = None
    from_file: bool = False  # a file without a sign-off in a store: always CONCEPT, status «concept (bestand)»

    @classmethod
    def of(
        cls, lang: str = "nl", include_guidance: bool = True, signoff: Any = None, *, from_file: bool = False
    ) -> ReportOptions:
        if lang not in LANGUAGES:
            raise ReportError(f"unknown report language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        if signoff is not None and not isinstance(signoff, SignOffSheet):
            signoff = SignOffSheet.model_validate(signoff)
        return cls(lang, include_guidance, signoff, from_file)


# --- HTML ----------------------------------------------------------------------------------------------------


def css_string(value: str) -> Markup:
    """A fixed text as a CSS string literal (for page margin boxes), safe inside ``<style>``."""
    escaped = re.sub(r"[^\w .,:;!?()\-«»…]", lambda m: f"\\{ord(m.group()):x} ", str(value))
    return Markup(f'"{escaped}"')  # noqa: S704 - every character outside a safe set is CSS-escaped above


def _reveal(value: Any) -> Any:
    """Every printed text shows its hidden characters (a right-to-left override, a zero-width space) as
    ``[U+202E]``, so the PDF reads as what is stored; the embedded assessment keeps them as they are."""
    if isinstance(value, Markup):
        return Markup(reveal_hidden(str(value)))  # noqa: S704 - the markers are plain letters, digits and brackets
    if isinstance(value, str):
        return reveal_hidden(value)
    return value


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept between processes, so that a command that renders once (``ipcei render``)
    does not parse and compile the report's templates again (about a tenth of its CPU time).

    Jinja's own folder for it (``_jinja2-cache-<uid>`` in the temporary folder, created 0700 and refused when
    another user owns it), files written atomically; an entry is used only while the template's source is
    unchanged (Jinja checks its checksum) and for this Python (the marshal format). The file names carry a
    digest of this environment's settings, as Jinja's key does not. A cache that cannot be read or written is
    no cache: the template is compiled as before."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):  # damaged: compile
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


_ENV_SETTINGS = "autoescape,StrictUndefined,trim_blocks,lstrip_blocks,keep_trailing_newline,_reveal;1"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    digest = hashlib.sha256(f"{TEMPLATES_DIR}|{_ENV_SETTINGS}".encode()).hexdigest()[:16]
    try:
        return _BytecodeCache(pattern=f"__ipcei_{digest}_%s.cache")
    except (OSError, RuntimeError):  # no safe temporary folder: compile every time
        return None


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_reveal,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["css_string"] = css_string
    return env


def document_dates(assessment: Assessment) -> tuple[datetime, datetime]:
    """Creation and modification time of the PDF: the assessment's dates, clamped to ``SOURCE_DATE_EPOCH``."""
    meta = assessment.meta
    created = datetime.combine(meta.created, time(), tzinfo=UTC)
    modified = max(created, datetime.combine(meta.updated or meta.created, time(), tzinfo=UTC))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        limit = datetime.fromtimestamp(int(epoch), UTC)
        created, modified = min(created, limit), min(modified, limit)
    return created, modified


def _w3c(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_html(
    assessment: Assessment,
    framework: Framework,
    *,
    lang: str = "nl",
    include_guidance: bool = True,
    signoff: SignOffSheet | dict | None = None,
    options: ReportOptions | None = None,
    continued: tuple[tuple[int, int], ...] = (),
) -> str:
    """The advice as one HTML document (print stylesheet linked from ``report_templates/``).

    ``continued`` holds ``(page, next page)`` pairs: the summary pages whose footer says «vervolg op pagina N».
    """
    options = options or ReportOptions.of(lang, include_guidance, signoff)
    view = advice_view(assessment, framework, options)
    view["t"] = lambda key, **params: t(key, options.lang, **params)
    view["watermark_url"] = watermark_url(t("report_watermark", options.lang)) if view["watermark"] else ""
    view["continued"] = [(int(page), int(next_page)) for page, next_page in continued]
    return environment().get_template("advice.html").render(view)


def advice_view(assessment: Assessment, framework: Framework, options: ReportOptions) -> dict[str, Any]:
    """What the advice shows (:func:`framework.report.view.build_view`); the PDF and the Word document share it."""
    created, modified = document_dates(assessment)
    return build_view(
        assessment,
        framework,
        lang=options.lang,
        include_guidance=options.include_guidance,
        signoff=options.signoff,
        timestamps=(_w3c(created), _w3c(modified)),
        from_file=options.from_file,
    )


# --- PDF -----------------------------------------------------------------------------------------------------


class URLRefused(ValueError):
    """WeasyPrint asked for a URL outside what the report may load."""


@cache
def _fetcher_class() -> type:
    """WeasyPrint's URLFetcher narrowed down (imported on first use: WeasyPrint loads Pango)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def __init__(self, roots: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False)
            self.roots = tuple(Path(r).resolve() for r in roots)
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                self.fetched.append(url[:40])
                return super().fetch(url, headers)  # decoded by urllib's DataHandler, no I/O
            path = self._local_path(url) if scheme == "file" else None
            if path is None:
                self.refused.append(url)
                LOGGER.warning("report: refused to fetch %r", url)
                raise URLRefused(f"the report may not load {url!r}")
            self.fetched.append(url)
            mime = guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

        def _local_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
                return None
            path = Path(url2pathname(unquote(parts.path))).resolve()
            inside = any(path.is_relative_to(root) for root in self.roots)
            return path if inside and path.is_file() else None

    return LocalFetcher


def local_fetcher(roots: tuple[Path, ...] = (TEMPLATES_DIR,)) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and files inside ``roots``, and nothing else.

    Every URL asked for is recorded in its ``fetched`` or ``refused`` list; a refusal raises
    :class:`URLRefused`, which WeasyPrint logs and skips. No network, no redirects, no ``file://`` elsewhere.
    """
    return _fetcher_class()(roots)


def _finisher(document: Any, pdf: Any) -> None:
    """Last look before the PDF is written: tidy resources for PDF/A, and allow no attachment but ours; then
    compress the streams once (:func:`framework.report.pdfa.compress_streams`)."""
    remove_empty_resources(pdf)
    names = []
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, dict) and pdf_object.get("Type") == "/Filespec":
            names.append(str(pdf_object.get("UF", "")))
        if isinstance(pdf_object, dict) and pdf_object.get("Subtype") == "/FileAttachment":
            raise ReportError("the report would carry a file annotation; refusing to write it")
    if len(names) != 1:
        raise ReportError(f"the report must carry exactly one attachment, not {len(names)}")
    compress_streams(pdf)


def assessment_attachment(assessment: Assessment, lang: str, fetcher: Any) -> Any:
    """The one attachment: the assessment as canonical JSON, dated from the assessment, never the clock."""
    from weasyprint import Attachment

    created, modified = document_dates(assessment)
    return Attachment(
        string=canonical_json(assessment).encode("utf-8"),
        name=ATTACHMENT_NAME,
        description=t("report_hash_explained", lang),
        relationship="Data",
        created=created,
        modified=modified,
        url_fetcher=fetcher,
    )


def layout(html: str, fetcher: Any) -> Any:
    """WeasyPrint's laid-out document of the final HTML."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES_DIR / "advice.html"), url_fetcher=fetcher).render(**PDF_OPTIONS)


def write(document: Any, assessment: Assessment, *, lang: str, fetcher: Any) -> bytes:
    """Write a laid-out advice as PDF/A-3b with the assessment embedded and no other attachment."""
    attachment = assessment_attachment(assessment, lang, fetcher)
    document.metadata.attachments = []  # never one from the HTML (<link rel=attachment>)
    return document.write_pdf(finisher=_finisher, attachments=[attachment], **PDF_OPTIONS)


def html_to_pdf(html: str, assessment: Assessment, *, lang: str = "nl", fetcher: Any = None) -> bytes:
    """Lay out the final HTML and write the PDF/A-3b with the assessment embedded."""
    fetcher = fetcher if fetcher is not None else local_fetcher()
    return write(layout(html, fetcher), assessment, lang=lang, fetcher=fetcher)


def summary_overflow(document: Any) -> tuple[tuple[int, int], ...]:
    """The summary pages after which it continues: ``(page, page + 1)`` for each but its last (1-based)."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for name in page.anchors:
            pages.setdefault(name, number)  # where it starts (a section box continued on a later page repeats)
    first, last = pages.get("summary"), pages.get("summary-end")
    if first is None or last is None:
        return ()
    return tuple((page, page + 1) for page in range(first, last))


def render_pdf(
    assessment: Assessment,
    framework: Framework,
    *,
    lang: str = "nl",
    include_guidance: bool = True,
    signoff: SignOffSheet | dict | None = None,
    options: ReportOptions | None = None,
) -> bytes:
    """The advice as PDF/A-3b bytes: tagged, with bookmarks, metadata, and the assessment attached."""
    options = options or ReportOptions.of(lang, include_guidance, signoff)
    fetcher = local_fetcher()
    document = layout(render_html(assessment, framework, options=options), fetcher)
    continued = summary_overflow(document)
    if continued:  # the summary runs over: lay out again with «vervolg op pagina N» in those pages' footers
        document = layout(render_html(assessment, framework, options=options, continued=continued), fetcher)
    return write(document, assessment, lang=options.lang, fetcher=fetcher)


# --- reading back --------------------------------------------------------------------------------------------


def extract_assessment(pdf_bytes: bytes, *, source: str = "PDF", framework: Framework | None = None) -> Assessment:
    """The assessment embedded in an advice PDF, validated like any assessment file.

    Raises:
        ReportError: not a PDF, unreadable, too large, or without our ``assessment.json``.
        InputError: the embedded data does not validate (one problem per field).
    """
    if len(pdf_bytes) > MAX_PDF_BYTES:
        raise _too_large(source, len(pdf_bytes))
    if b"%PDF-" not in pdf_bytes[:1024]:
        raise ReportError(f"{source}: not a PDF file")
    try:
        reader = open_pdf(pdf_bytes)
        found = [f for f in embedded_files(reader) if f.name == ATTACHMENT_NAME]
        data = found[0].read(MAX_JSON_BYTES) if found else None
    except EmbeddedFileTooLarge as exc:
        raise ReportError(
            f"{source}: the embedded {ATTACHMENT_NAME} is {exc.args[0]:,} bytes; "
            f"the limit is {MAX_JSON_BYTES:,} bytes".replace(",", ".")
        ) from None
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ReportError(f"{source}: the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if data is None:
        raise ReportError(
            f"{source}: the PDF carries no embedded {ATTACHMENT_NAME}; only advice PDFs made by this tool "
            "(`ipcei render`) can be read back"
        )
    assessment, _ = assessment_from_bytes(data, f"{source}#{ATTACHMENT_NAME}", framework=framework)
    return assessment


def extract_assessment_file(path: str | Path, *, framework: Framework | None = None) -> Assessment:
    """:func:`extract_assessment` on a file, its size checked before it is read."""
    source = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_PDF_BYTES:
            raise _too_large(source, size)
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ReportError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise ReportError(f"{source}: is a folder, not a file") from None
    except PermissionError:
        raise ReportError(f"{source}: cannot be read (permission denied)") from None
    return extract_assessment(data, source=source, framework=framework)


def _too_large(source: str, size: int) -> ReportError:
    return ReportError(f"{source}: the PDF is {size:,} bytes; the limit is {MAX_PDF_BYTES:,} bytes".replace(",", "."))


def count_file_annotations(pdf_bytes: bytes) -> int:
    """For tests and checks: file attachment annotations in a PDF (ours has none)."""
    return file_annotations(open_pdf(pdf_bytes))
