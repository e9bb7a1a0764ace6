"""Benchmark of the coverage of the Commission's criteria, as a ratio against a baseline timed in the same run.

The coverage is computed with the rules on every rerun of the wizard and the review page. Baseline: the rules
without it (completeness, consistency and the suggestion chain, the rest of ``framework.rules.check``) on the
same assessment. Goal: the coverage adds at most half of that (ratio at most 0.5).

Run: ``.venv/bin/python -m benchmarks.bench_criteria [--json]``. Reads the examples; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 0.5


def _best(function, number: int = 50, repeat: int = 7) -> float:
    """The best time of one call, in milliseconds (the least disturbed of several runs)."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1000


def measure() -> dict[str, float]:
    from framework.criteria import coverage
    from framework.loading import load_assessment
    from framework.rules import completeness, consistency, hidden_characters
    from framework.suggestions import deviations, suggestions

    figures: dict[str, float] = {}
    for name in ("ipcei-waterstof", "ipcei-onvolledig"):
        assessment, framework = load_assessment(ROOT / "examples" / f"{name}.yaml")

        def rules_without(assessment=assessment, framework=framework) -> None:
            found = suggestions(framework, assessment)
            completeness(framework, assessment)
            hidden_characters(assessment)
            consistency(framework, assessment)
            deviations(framework, assessment, found)

        coverage(framework, assessment)  # the criteria file read and checked once, as in a running app
        base = _best(rules_without)
        covered = _best(lambda assessment=assessment, framework=framework: coverage(framework, assessment))
        figures[f"{name}.rules_ms"] = round(base, 3)
        figures[f"{name}.coverage_ms"] = round(covered, 3)
        figures[f"{name}.ratio"] = round(covered / base, 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure()
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
    worst = max(v for k, v in figures.items() if k.endswith(".ratio"))
    print(f"coverage / rules: {worst} (goal at most {GOAL})")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
