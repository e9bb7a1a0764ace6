"""PDF/A-3b around WeasyPrint: tidying its output, reading embedded files, and checking what can be checked.

There is no veraPDF in Debian, so :func:`pdfa_problems` checks what a PDF/A-3b archive needs and what our own
process could get wrong: the XMP identification, the output intent, embedded fonts, tagging, the document
language, metadata that agrees between the Info dictionary and XMP, and embedded files that are associated
(``/AF``) with a relationship. It runs ``qpdf --check`` when qpdf is installed. The signing step runs it again
on the signed file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

import pydyf

if TYPE_CHECKING:  # pypdf is imported where a PDF is read, not by every render
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, StreamObject

RESOURCE_KINDS = ("Pattern", "Shading", "ExtGState", "XObject")
NAME_TREE_DEPTH = 10
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


class EmbeddedFileTooLarge(ValueError):
    """An embedded file is larger than the caller allows."""


# --- while writing (a WeasyPrint finisher step) -------------------------------------------------------------


def remove_empty_resources(pdf: pydyf.PDF) -> int:
    """Drop empty ``/Pattern``, ``/Shading``, ``/ExtGState`` and ``/XObject`` resource dictionaries.

    WeasyPrint writes them on every page whether used or not; validators (and pikepdf's PDF/A check) stop at
    them. Returns how many were removed.
    """
    removed = 0
    for pdf_object in pdf.objects:
        holders = [pdf_object] if isinstance(pdf_object, dict) else []
        if isinstance(pdf_object, pydyf.Stream) and isinstance(pdf_object.extra.get("Resources"), dict):
            holders.append(pdf_object.extra["Resources"])
        for holder in holders:
            for kind in RESOURCE_KINDS:
                value = holder.get(kind)
                if isinstance(value, dict) and not value:
                    del holder[kind]
                    removed += 1
    return removed


STREAM_LEVEL = 6  # zlib's default: pydyf's level 9 costs 4-8x the time for 2-3 % fewer bytes on our streams


def compress_streams(pdf: pydyf.PDF, level: int = STREAM_LEVEL) -> int:
    """Compress every stream pydyf would compress, once, now, at ``level``; returns how many.

    pydyf compresses a stream each time its bytes are asked for, at level 9, and with a file identifier (which
    PDF/A needs) it asks twice: once to write the object, once more for the identifier's hash. For the 18-page
    example that was 0.2 s of zlib; at level 6, once, the same streams take about 0.02 s and 1.4 % more bytes
    (docs/performance.md, «The render, third round»). The stream is left holding its compressed bytes with
    ``/FlateDecode``, which is what pydyf would have written; a stream that already has a filter (an image) is
    not touched.
    """
    to_bytes = getattr(pydyf, "_to_bytes", None)  # how pydyf's Stream.data turns an item into bytes
    if to_bytes is None:  # another pydyf: leave the compression to it, as before
        return 0
    compressed = 0
    for pdf_object in pdf.objects:
        if not isinstance(pdf_object, pydyf.Stream) or not pdf_object.compress or "Filter" in pdf_object.extra:
            continue
        data = b"\n".join(to_bytes(item) for item in pdf_object.stream)
        pdf_object.stream = [zlib.compress(data, level)]
        pdf_object.extra["Filter"] = "/FlateDecode"
        pdf_object.compress = False
        compressed += 1
    return compressed


# --- reading -------------------------------------------------------------------------------------------------


def open_pdf(pdf_bytes: bytes) -> Any:
    """A pypdf reader of bytes that may be damaged or hostile, in strict mode.

    pypdf's lenient mode repairs a damaged file by re-parsing from guesses; a single flipped byte in the offsets of
    an object stream then makes it recurse to Python's limit over and over, for minutes and gigabytes (found by
    flipping random bytes of a signed advice). A file we issue is read the same either way; a damaged one fails at
    once, which is the answer a check of an official record needs: it is not the file that was issued.
    """
    from pypdf import PdfReader

    return PdfReader(BytesIO(pdf_bytes), strict=True)


@dataclass
class EmbeddedFile:
    name: str
    filespec: DictionaryObject

    @property
    def stream(self) -> StreamObject:
        return self.filespec["/EF"]["/F"].get_object()

    @property
    def relationship(self) -> str | None:
        value = self.filespec.get("/AFRelationship")
        return str(value) if value is not None else None

    def read(self, limit: int) -> bytes:
        """The bytes; :class:`EmbeddedFileTooLarge` when the declared, stored or decoded size is over ``limit``."""
        stream = self.stream
        declared = stream.get("/Params", {}).get("/Size") if isinstance(stream.get("/Params"), dict) else None
        stored = stream.get("/Length")
        for size in (declared, stored):
            if isinstance(size, int) and size > limit:
                raise EmbeddedFileTooLarge(size)
        data = stream.get_data()  # pypdf caps decompression itself (75 MB by default)
        if len(data) > limit:
            raise EmbeddedFileTooLarge(len(data))
        return data


def _name_tree_leaves(node: Any, depth: int = 0) -> list[tuple[str, Any]]:
    node = node.get_object()
    if depth > NAME_TREE_DEPTH or not isinstance(node, dict):
        return []
    names = node.get("/Names")
    leaves: list[tuple[str, Any]] = []
    if names is not None:
        names = names.get_object()
        leaves += [(str(names[i]), names[i + 1].get_object()) for i in range(0, len(names) - 1, 2)]
    for kid in node.get("/Kids", []) or []:
        leaves += _name_tree_leaves(kid, depth + 1)
    return leaves


def embedded_files(reader: PdfReader) -> list[EmbeddedFile]:
    """The files in the document's ``/EmbeddedFiles`` name tree (not those of file annotations)."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return []
    found = []
    for key, filespec in _name_tree_leaves(tree):
        name = str(filespec.get("/UF") or filespec.get("/F") or key)
        found.append(EmbeddedFile(name, filespec))
    return found


def file_annotations(reader: PdfReader) -> int:
    """How many ``/FileAttachment`` annotations the pages carry."""
    count = 0
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                count += 1
    return count


# --- checking ------------------------------------------------------------------------------------------------


def _xmp_values(xmp: bytes) -> dict[str, str]:
    """A flat map of the XMP properties we compare: attributes and simple or first-item values."""
    root = ET.fromstring(xmp)  # noqa: S314 - our own metadata stream, bounded by the PDF size limit
    values: dict[str, str] = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for key, value in description.attrib.items():
            values[key] = value
        for child in description:
            items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
            values[child.tag] = ", ".join(items) if items else (child.text or "")
    return values


def _pdf_date(value: str) -> str:
    """The comparable part (YYYYMMDDHHmmSS) of a PDF date or an XMP (W3C) date."""
    digits = "".join(c for c in value.removeprefix("D:").split("Z")[0].split("+")[0] if c.isdigit())
    return digits[:14].ljust(8, "0")


def _fonts(resources: Any, seen: set[int], depth: int = 0) -> list[Any]:
    if resources is None or depth > 8:
        return []
    resources = resources.get_object()
    fonts = [f.get_object() for f in (resources.get("/Font") or {}).values()]
    for xobject in (resources.get("/XObject") or {}).values():
        key = id(xobject.get_object())
        if key not in seen:
            seen.add(key)
            fonts += _fonts(xobject.get_object().get("/Resources"), seen, depth + 1)
    return fonts


def _font_problem(font: Any) -> str | None:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return None
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts") or []
        font = descendants[0].get_object() if descendants else {}
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        return f"font {font.get('/BaseFont')} is not embedded"
    return None


def _empty_resources(resources: Any, where: str) -> list[str]:
    resources = resources.get_object() if resources is not None else {}
    return [
        f"{where}: empty {kind} resource dictionary"
        for kind in ("/Pattern", "/Shading")
        if kind in resources and not resources[kind].get_object()
    ]


def qpdf_problems(pdf_bytes: bytes) -> list[str]:
    """``qpdf --check`` on the bytes; no problems when qpdf is not installed."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf_bytes)
        handle.flush()
        run = subprocess.run([qpdf, "--check", handle.name], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        lines = (run.stdout + run.stderr).strip().splitlines()
        return [f"qpdf --check (exit {run.returncode}): {line}" for line in lines if line][-10:]
    return []


def pdfa_problems(pdf_bytes: bytes, *, qpdf: bool = True) -> list[str]:
    """What keeps the bytes from being the PDF/A-3b archive we promise; an empty list when nothing does."""
    problems: list[str] = []
    if not pdf_bytes.startswith(b"%PDF-1."):
        return ["no PDF 1.x header"]
    second_line = pdf_bytes.split(b"\n", 2)[1] if pdf_bytes.count(b"\n") >= 2 else b""
    if not (second_line.startswith(b"%") and sum(b > 127 for b in second_line[1:5]) == 4):
        problems.append("the header lacks the binary comment line")
    try:
        reader = open_pdf(pdf_bytes)
        root = reader.trailer["/Root"].get_object()
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else {}
    except Exception as exc:  # pypdf raises many kinds
        return [f"not a readable PDF: {exc}"]
    if reader.is_encrypted:
        problems.append("the PDF is encrypted")
    if len(reader.trailer.get("/ID") or []) != 2:
        problems.append("the trailer has no file identifier (/ID)")

    # XMP identification and metadata that agrees with the Info dictionary
    xmp: dict[str, str] = {}
    if "/Metadata" not in root:
        problems.append("no XMP metadata stream in the catalog")
    else:
        try:
            xmp = _xmp_values(root["/Metadata"].get_object().get_data())
        except ET.ParseError as exc:
            problems.append(f"the XMP metadata is not well-formed XML: {exc}")
    part, conformance = xmp.get(f"{{{NS['pdfaid']}}}part"), xmp.get(f"{{{NS['pdfaid']}}}conformance")
    if (part, conformance) != ("3", "B"):
        problems.append(f"XMP identifies PDF/A part {part!r} conformance {conformance!r}, not 3 B")
    if not xmp.get(f"{{{NS['dc']}}}title"):
        problems.append("no dc:title in the XMP metadata")
    pairs = {
        "/Title": f"{{{NS['dc']}}}title",
        "/Author": f"{{{NS['dc']}}}creator",
        "/Subject": f"{{{NS['dc']}}}description",
        "/Keywords": f"{{{NS['pdf']}}}Keywords",
        "/Producer": f"{{{NS['pdf']}}}Producer",
    }
    for info_key, xmp_key in pairs.items():
        if info_key in info and str(info[info_key]) != xmp.get(xmp_key):
            problems.append(f"Info {info_key} {str(info[info_key])!r} differs from XMP {xmp.get(xmp_key)!r}")
    for info_key, xmp_key in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        if info_key in info and _pdf_date(str(info[info_key])) != _pdf_date(xmp.get(f"{{{NS['xmp']}}}{xmp_key}", "")):
            problems.append(f"Info {info_key} differs from XMP xmp:{xmp_key}")

    # Colour: an output intent with an ICC profile
    intents = [i.get_object() for i in (root.get("/OutputIntents") or [])]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        problems.append("no PDF/A output intent (/GTS_PDFA1 with an ICC profile)")

    # Tagging and language
    if not (root.get("/MarkInfo") or {}).get("/Marked"):
        problems.append("not marked as tagged (/MarkInfo /Marked true)")
    if "/StructTreeRoot" not in root:
        problems.append("no structure tree (/StructTreeRoot)")
    if not str(root.get("/Lang") or ""):
        problems.append("no document language (/Lang)")

    # Fonts embedded; no empty pattern or shading resources
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        for font in _fonts(page.get("/Resources"), seen):
            if (problem := _font_problem(font)) and problem not in problems:
                problems.append(problem)
        for problem in _empty_resources(page.get("/Resources"), f"page {number}"):
            if problem.split(": ", 1)[1] not in " ".join(problems):
                problems.append(problem)

    # Actions that PDF/A forbids
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append("the document contains JavaScript")
    if "/AA" in root:
        problems.append("the catalog has additional actions (/AA)")

    # Embedded files: associated (/AF) with a relationship, with MIME type and modification date
    associated = {id(a.get_object()) for a in (root.get("/AF") or [])}
    for embedded in embedded_files(reader):
        if embedded.relationship is None:
            problems.append(f"embedded file {embedded.name!r} has no /AFRelationship")
        if id(embedded.filespec) not in associated:
            problems.append(f"embedded file {embedded.name!r} is not listed in the catalog's /AF")
        stream = embedded.stream
        if "/Subtype" not in stream:
            problems.append(f"embedded file {embedded.name!r} has no MIME type (/Subtype)")
        params = stream.get("/Params")
        if not isinstance(params, dict) or "/ModDate" not in params:
            problems.append(f"embedded file {embedded.name!r} has no modification date")

    if qpdf:
        problems += qpdf_problems(pdf_bytes)
    return problems
