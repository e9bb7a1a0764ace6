"""Comparing assessments: ``sides`` (two to six side by side), ``revisions`` (revisions of one assessment),
``diff`` (word-level differences) and ``export`` (CSV and PDF)."""
