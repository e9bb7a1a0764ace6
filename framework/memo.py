"""Results that depend only on content, kept by the content they were computed from.

The wizard and the review page compute, on every run, things that follow from the assessment and its framework
alone: the rules check (findings, suggestions, the criteria coverage, the hidden-character check), the plan of a
move to a later framework version, and «wat is er veranderd sinds het vastgestelde advies». A rerun in which the
content did not change (a step clicked, a comment read) need not compute them again, and a change of one answer
is one new entry.

The key is the content, never the time, the session or the user: the SHA-256 of the assessment as JSON, the
SHA-256 of the framework (a frozen model, so its digest is computed once per loaded framework) and whatever
else the result depends on (the criteria file's identity, the language, the signed-off advice compared with
and its sign-off). Two sessions with the same content share an entry; a change anywhere gives a new key, so a
stale entry is never returned, only forgotten when the cache is full (least recently used first). Entries are
shared: callers only read them.

Nothing here reads the database. What another session may change (a sign-off, the latest reviews, a newer
version) is read fresh by the caller, and goes into the key where a result depends on it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from framework.assessment import Assessment
from framework.models import Framework

T = TypeVar("T")

SIZE = 256  # entries per kind: each is a few kilobytes (a check, a plan, a diff of the texts)


class ContentCache:
    """A small thread-safe LRU keyed by content. ``get(key, compute)`` computes outside the lock (two sessions
    may compute the same entry once each; both results are equal, the last one is kept)."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assessment_digest(assessment: Assessment) -> str:
    """The SHA-256 of the assessment's content as JSON (an assessment can change: computed every time)."""
    return sha256(assessment.model_dump_json())


_FRAMEWORKS: OrderedDict[int, tuple[Framework, str]] = OrderedDict()
_FRAMEWORKS_LOCK = threading.Lock()


def framework_digest(framework: Framework) -> str:
    """The SHA-256 of the framework's content. A framework is frozen, so it is computed once per loaded object
    (kept by the object's id together with the object itself, so that the id cannot be reused meanwhile)."""
    with _FRAMEWORKS_LOCK:
        found = _FRAMEWORKS.get(id(framework))
        if found is not None and found[0] is framework:
            _FRAMEWORKS.move_to_end(id(framework))
            return found[1]
    digest = sha256(framework.model_dump_json())
    with _FRAMEWORKS_LOCK:
        _FRAMEWORKS[id(framework)] = (framework, digest)
        while len(_FRAMEWORKS) > 32:
            _FRAMEWORKS.popitem(last=False)
    return digest


CHECKS = ContentCache()
PLANS = ContentCache()
SINCE = ContentCache(64)


def check(framework: Framework, assessment: Assessment) -> Any:
    """:func:`framework.rules.check`, kept by the content of the framework and the assessment."""
    from framework import rules
    from framework.criteria.model import current_identity

    criteria = current_identity()  # the coverage depends on the criteria file too
    if criteria is None:  # unreadable: not kept, so that the check says why on every run
        return rules.check(framework, assessment)
    key = (framework_digest(framework), assessment_digest(assessment), criteria)
    return CHECKS.get(key, lambda: rules.check(framework, assessment))


def upgrade_plan(assessment: Assessment, framework: Framework, target: Framework) -> Any:
    """:func:`framework.upgrade.plan`, kept by the content of the assessment and of both framework versions."""
    from framework import upgrade

    key = (assessment_digest(assessment), framework_digest(framework), framework_digest(target))
    return PLANS.get(key, lambda: upgrade.plan(assessment, framework, target))


def changes_since(store: Any, record: Any, lang: str, ref: Any = None) -> Any:
    """:func:`framework.phases.changes_since` for a record just read and its reference, kept by their content:
    the record (id, revision, content and framework hashes), the signed-off advice (id, revision, content hash) and its
    sign-off (who, when), and the language."""
    from framework import phases

    ref = ref if ref is not None else phases.reference(store, record)  # the compare page does not know it yet
    if ref is None:
        return None
    signoff = ref.signoff
    key = (
        record.id,
        record.revision,
        record.content_hash,
        record.framework_sha256,
        ref.id,
        ref.revision,
        ref.how,
        framework_digest(ref.framework),
        signoff.content_hash,
        signoff.by,
        signoff.at.isoformat(),
        lang,
    )
    return SINCE.get(key, lambda: phases.changes_since(store, record, lang, ref))
