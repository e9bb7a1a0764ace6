"""Two examples with different evidence registers, for the compare, revisions and «wat is er veranderd» tests."""

from __future__ import annotations

import copy

from framework.assessment import Assessment
from framework.loading import ROOT, assessment_from_data
from framework.models import Framework
from framework.yamlio import read_file

EXAMPLES = ROOT / "examples"
SOURCE = {
    "id": "B1",
    "kind": "bron",
    "title": "Kamerbrief strategisch en groen industriebeleid",
    "reference": "Kamerstuk 29 826, nr. 147",
    "date": "2022-07-08",
}
ASSUMPTION = {"id": "A1", "kind": "aanname", "title": "Drie Nederlandse bedrijven doen mee aan de call"}
LATER = {"id": "L1", "kind": "later_bekend", "title": "Uitkomst van de nationale call", "date": "2026"}
ONLY_B = {"id": "B2", "kind": "bron", "title": "Marktanalyse <b>cloud</b> & edge", "reference": "=HYPERLINK(1)"}

# A: B1, A1 (open), L1; q12 cites A1 and B1, q14 cites A1.
REGISTER_A = [SOURCE, ASSUMPTION, LATER]
CITATIONS_A = {"q12": ["A1", "B1"], "q14": ["A1"]}
# B: B1 the same, A1 confirmed, B2 only here (user text that looks like markup and a formula); q12 cites A1 only.
REGISTER_B = [SOURCE, {**ASSUMPTION, "status": "bevestigd"}, ONLY_B]
CITATIONS_B = {"q12": ["A1"], "q14": ["A1", "B2"]}


def data_with_register(name: str, register: list[dict], citations: dict[str, list[str]]) -> dict:
    data, _ = read_file(EXAMPLES / f"{name}.yaml")
    data["format"] = "ipcei-assessment/2"
    data["evidence"] = copy.deepcopy(register)
    data["citations"] = copy.deepcopy(citations)
    return data


def with_register(name: str, register: list[dict], citations: dict[str, list[str]]) -> tuple[Assessment, Framework]:
    return assessment_from_data(data_with_register(name, register, citations), f"{name}.yaml")


def pair() -> list[tuple[Assessment, Framework]]:
    """The waterstof example with register A, the cloud example with register B."""
    return [
        with_register("ipcei-waterstof", REGISTER_A, CITATIONS_A),
        with_register("ipcei-cloud", REGISTER_B, CITATIONS_B),
    ]
