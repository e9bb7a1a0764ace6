"""The Commission's criteria for an IPCEI (Communication 2021/C 528/02) as data, and their coverage.

``criteria.yaml`` (beside ``questions.yaml``; ``IPCEI_CRITERIA`` names another file) lists the criteria;
:mod:`framework.criteria.model` reads and checks it, :mod:`framework.criteria.coverage` says per criterion how
well an assessment covers it. :func:`framework.rules.check` carries the coverage and its findings.
"""

from framework.criteria.coverage import (
    STATUSES,
    Coverage,
    CriterionCoverage,
    Evidence,
    Status,
    compute,
    coverage,
    key_figure,
)
from framework.criteria.model import (
    KEY_FIGURES,
    Criteria,
    Criterion,
    Kind,
    criteria_for,
    criteria_from_data,
    criteria_path,
    identity,
    load_criteria,
    reference_problems,
    sha_of,
)

__all__ = [
    "KEY_FIGURES",
    "STATUSES",
    "Coverage",
    "Criteria",
    "Criterion",
    "CriterionCoverage",
    "Evidence",
    "Kind",
    "Status",
    "compute",
    "coverage",
    "criteria_for",
    "criteria_from_data",
    "criteria_path",
    "identity",
    "key_figure",
    "load_criteria",
    "reference_problems",
    "sha_of",
]
