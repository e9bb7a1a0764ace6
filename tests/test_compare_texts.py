"""Every fixed text of the comparison exists in nl and en, and every text in compare.yaml is used."""

from __future__ import annotations

import re
from pathlib import Path

from framework.compare.sides import META_ROWS, RowStatus
from framework.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *(ROOT / "framework" / "compare").glob("*.py"),
    ROOT / "framework" / "cli" / "compare.py",
    ROOT / "views" / "compare.py",
    ROOT / "ui" / "compare_matrix.py",  # the verdict matrix, counts and chart of the comparison page
    ROOT / "report_templates" / "compare.html",
    ROOT / "report_templates" / "_compare_register.html",
    ROOT / "report_templates" / "landscape.html",  # the page frame compare.html extends (its page numbers)
    ROOT / "ui" / "diff_text.py",  # the word diff of two revisions on the comparison page
    ROOT / "app.py",
]
RESERVED = {"compare_nav"}  # the page's title in app.py's st.navigation
DYNAMIC = {
    "compare_meta_": [*META_ROWS, "advice"],
    "compare_status_": [s.value for s in RowStatus],
    "compare_mode_": ["assessments", "revisions"],
}


def _used() -> set[str]:
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    return set(re.findall(r"[\"'](compare_[a-z_]+)", code))


def test_every_text_used_exists_and_every_text_is_used():
    texts = catalog()
    keys = {k for k in texts if k.startswith("compare_")}
    dynamic = {prefix + name for prefix, names in DYNAMIC.items() for name in names if prefix + name in keys}
    used = _used() - set(DYNAMIC)
    assert not sorted(used - keys), "used but not in framework/texts/compare.yaml"
    assert not sorted(keys - used - dynamic - RESERVED), "in compare.yaml but not used"
    for prefix, names in DYNAMIC.items():
        missing = [n for n in names if prefix + n not in keys and n != "advice"]
        assert not missing, (prefix, missing)
