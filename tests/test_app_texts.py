"""Every UI text the code asks for exists in nl and en, and every text in ui.yaml is used."""

from __future__ import annotations

import re
from pathlib import Path

from framework.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "app.py",
    ROOT / "framework" / "draft.py",
    *(ROOT / "views").glob("*.py"),
    *(ROOT / "ui").glob("*.py"),
]
DYNAMIC = ("ui_meta_", "ui_role_", "ui_state_")  # keys built from a prefix and an id


def _used() -> set[str]:
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    return set(re.findall(r"[\"'](ui_[a-z_]+)", code))


def test_every_text_used_exists():
    texts = catalog()
    missing = sorted(k for k in _used() if k not in texts and k not in DYNAMIC)
    assert not missing, f"UI texts used but not in framework/texts/ui.yaml: {missing}"


def test_every_text_in_ui_yaml_is_used():
    used = _used()
    keys = [k for k in catalog() if k.startswith("ui_")]
    unused = [k for k in keys if k not in used and not k.startswith(DYNAMIC)]
    assert not unused, f"texts in ui.yaml that no code uses: {unused}"


def test_dynamic_texts_cover_their_ids():
    from framework.draft import StepState

    roles = re.search(r"ROLES = \(([^)]*)\)", (ROOT / "ui" / "chrome.py").read_text(encoding="utf-8"))
    assert roles
    ROLES = re.findall(r'"([a-z_]+)"', roles.group(1))

    texts = catalog()
    assert all(f"ui_state_{s.value}" in texts for s in StepState)
    assert all(f"ui_role_{r}" in texts for r in ROLES)
