"""A realistic revision of the framework, built in a temporary folder (tests/test_framework_revision.py).

Version 2026-01 adds a named part C «Economische veiligheid» before the conclusions, with a fifteenth question
that records a percentage (a number with a unit), a decision date, the aid requested and the funding gap;
two rules (an ``lt`` on the percentage, and the aid requested compared with the funding gap); and it rewords
the guidance of question 2. No code changes: only this file.
"""

from __future__ import annotations

import copy
from pathlib import Path

from framework.yamlio import dump_yaml, read_file

ROOT = Path(__file__).resolve().parent.parent
NEW_VERSION = "2026-01"
Q2_GUIDANCE = "Herziene toelichting: beschrijf het probleem met feiten en cijfers, en de termijn waarop het speelt."


def _text(nl: str, en: str) -> dict:
    return {"nl": nl, "en": en}


OLD_VERSION_FILE = ROOT / "frameworks" / "afwegingskader-2022-07.yaml"  # the version the examples answer


def revised_data() -> dict:
    """A revision of 2022-07 (the version of the examples), so that the plan shows only what this one changes."""
    data, _ = read_file(OLD_VERSION_FILE)
    data = copy.deepcopy(data)
    data["version"] = NEW_VERSION
    q2 = next(q for p in data["parts"] for q in p["questions"] if q["id"] == "q2")
    q2["guidance"] = _text(Q2_GUIDANCE, "Revised guidance: describe the problem with facts and figures.")
    part_c = {
        "id": "c",
        "code": "C",
        "name": _text("Economische veiligheid", "Economic security"),
        "title": _text("Is de waardeketen weerbaar?", "Is the value chain resilient?"),
        "questions": [
            {
                "id": "q15",
                "number": "15",
                "title": _text("Economische veiligheid", "Economic security"),
                "fields": [
                    {"id": "answer", "type": "text", "label": _text("Beknopt antwoord", "Concise answer")},
                    {
                        "id": "share_nl",
                        "type": "number",
                        "label": _text("Aandeel Nederlandse deelnemers", "Share of Dutch participants"),
                        "min": 0,
                        "max": 100,
                        "step": 0.5,
                        "unit": "%",
                    },
                    {
                        "id": "staff",
                        "type": "integer",
                        "label": _text("Betrokken medewerkers", "Staff involved"),
                        "min": 0,
                        "unit": "fte",
                    },
                    {"id": "decision_date", "type": "date", "label": _text("Besluitdatum", "Decision date")},
                    {"id": "aid_requested_eur", "type": "amount", "label": _text("Gevraagde steun", "Aid requested")},
                    {"id": "funding_gap_eur", "type": "amount", "label": _text("Financieringstekort", "Funding gap")},
                ],
            }
        ],
    }
    data["parts"].insert(len(data["parts"]) - 1, part_c)
    data["rules"]["consistency"] = [
        *data["rules"]["consistency"],
        {
            "id": "share-low",
            "severity": "warning",
            "questions": ["q15"],
            "when": {"field": "q15.share_nl", "lt": 10},
            "message": _text("Het Nederlandse aandeel is klein (minder dan 10%).", "The Dutch share is small."),
        },
        {
            "id": "aid-above-gap",
            "severity": "error",
            "questions": ["q15", "q9"],
            "when": {"field": "q15.aid_requested_eur", "gt": {"field": "q15.funding_gap_eur"}},
            "message": _text(
                "De gevraagde steun is groter dan het financieringstekort.",
                "The aid requested exceeds the funding gap.",
            ),
        },
    ]
    return data


def write_revision(folder: Path, data: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"afwegingskader-{NEW_VERSION}.yaml"
    path.write_text(dump_yaml(data or revised_data()), encoding="utf-8")
    return path


def new_answers() -> dict:
    return {
        "answer": "De keten is afhankelijk van twee leveranciers buiten de EU; deelname vergroot de weerbaarheid.",
        "share_nl": 7.5,
        "staff": 12,
        "decision_date": "2026-03-31",
        "aid_requested_eur": 50_000_000,
        "funding_gap_eur": 35_000_000,
    }
