"""The records export for the records office: what an e-depot ingests and checks (docs/records.md).

``export_records(store, folder)`` writes, per assessment, a folder ``<id>/`` with the advice PDF/A (signed when
a key is configured and the assessment is signed off), the assessment file, its revision history and its audit
trail; and beside them ``manifest.json`` and ``manifest.csv`` with identifiers, dates, status, content hashes
and the SHA-256 checksum of every file. A re-run exports only what changed since the manifest in the folder was
written (a new revision, status, archiving or audit entry); the rest is kept and stays in the manifest.

Every folder is written aside and renamed into place, the manifest last: an interrupted export leaves the
previous manifest describing files that are all there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from framework.advice import FINAL, advice_pdf
from framework.compare.export import safe_cell
from framework.errors import InputError
from framework.store import ListQuery, Store

MANIFEST_VERSION = 1
FILES = ("advice.pdf", "assessment.json", "revisions.json", "audit.json")
CSV_FIELDS = (
    "assessment_id", "title", "ipcei", "status", "archived", "revision", "framework", "created_at", "created_by",
    "updated_at", "signed_off_at", "signed_off_by", "content_hash", "audit_seq", "file", "sha256", "bytes",
    "exported_at",
)  # fmt: skip
PAGE = 200


@dataclass
class ExportReport:
    """What a run did: the ids exported anew, those kept unchanged, and how many the manifest lists."""

    folder: Path
    exported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "exported": self.exported, "unchanged": self.unchanged, "total": self.total}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_records(
    store: Store, folder: Path, *, signed_off_only: bool = True, lang: str | None = None
) -> ExportReport:
    """Export the assessments (only signed-off ones by default) into ``folder``; see the module docstring."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(str(folder), f"cannot be created ({exc.strerror})") from None
    previous = _previous_manifest(folder)
    report = ExportReport(folder)
    entries: dict[str, dict[str, Any]] = {}
    for summary in _summaries(store):
        if signed_off_only and summary.status not in FINAL:
            continue
        trail = store.audit(summary.id, limit=1)
        key = {
            "revision": summary.revision,
            "status": summary.status.value,
            "archived": summary.archived,
            "audit_seq": trail[0].seq if trail else 0,
        }
        old = previous.get(summary.id)
        if old is not None and all(old.get(k) == v for k, v in key.items()) and _intact(folder, old):
            entries[summary.id] = old
            report.unchanged.append(summary.id)
            continue
        entries[summary.id] = _export_one(store, folder, summary, key, lang)
        report.exported.append(summary.id)
    # an assessment exported earlier stays in the archive's manifest even when it no longer matches the filter
    for aid, old in previous.items():
        if aid not in entries and _intact(folder, old):
            entries[aid] = old
    _write_manifest(folder, entries)
    report.total = len(entries)
    return report


def _summaries(store: Store):
    offset = 0
    while True:
        page = store.list(ListQuery(include_archived=True, sort="created", descending=False, offset=offset, limit=PAGE))
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def _export_one(store: Store, folder: Path, summary: Any, key: dict[str, Any], lang: str | None) -> dict[str, Any]:
    aid = summary.id
    record = store.get(aid)
    signoff = store.signoff(aid)
    staging = folder / f".{aid}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    documents = {
        "advice.pdf": advice_pdf(store, aid, lang=lang, sign=None),
        "assessment.json": _json(record.assessment.model_dump(mode="json")),
        "revisions.json": _json([r.as_dict() for r in store.history(aid)]),
        "audit.json": _json([e.as_dict() for e in reversed(_whole_trail(store, aid))]),
    }
    for name, content in documents.items():
        with open(staging / name, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    target = folder / aid
    old = folder / f".{aid}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return {
        "assessment_id": aid,
        "title": record.assessment.meta.title,
        "ipcei": record.assessment.meta.ipcei,
        **key,
        "framework": record.framework_key,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
        "updated_at": record.updated_at.isoformat(),
        "signed_off_at": signoff.at.isoformat() if signoff else None,
        "signed_off_by": signoff.by if signoff else None,
        "signed_off_revision": signoff.revision if signoff else None,
        "content_hash": record.content_hash,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [
            {"name": f"{aid}/{name}", "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in documents.items()
        ],
    }


def _whole_trail(store: Store, aid: str) -> list[Any]:
    entries, offset = [], 0
    while True:
        batch = store.audit(aid, limit=500, offset=offset)
        entries += batch
        offset += len(batch)
        if len(batch) < 500:
            return entries


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _intact(folder: Path, entry: dict[str, Any]) -> bool:
    """Every file the manifest entry lists is there with its checksum (a damaged copy is exported again)."""
    try:
        return all(sha256_file(folder / f["name"]) == f["sha256"] for f in entry.get("files", []))
    except OSError:
        return False


def _previous_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["assessment_id"]: entry for entry in data["assessments"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # an unreadable manifest: everything is exported again


def _write_manifest(folder: Path, entries: dict[str, dict[str, Any]]) -> None:
    ordered = sorted(entries.values(), key=lambda e: (e["created_at"], e["assessment_id"]))
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checksum_algorithm": "SHA-256",
        "assessments": ordered,
    }
    rows = io.StringIO()
    writer = csv.DictWriter(rows, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for entry in ordered:
        for item in entry["files"]:
            row = {name: entry.get(name) for name in CSV_FIELDS}
            row.update(file=item["name"], sha256=item["sha256"], bytes=item["bytes"])
            writer.writerow({k: "" if v is None else safe_cell(str(v)) for k, v in row.items()})
    for name, content in (("manifest.csv", rows.getvalue().encode("utf-8")), ("manifest.json", _json(manifest))):
        partial = folder / f".{name}.partial"
        partial.write_bytes(content)
        partial.replace(folder / name)
