"""The locked dependency set has no known vulnerabilities: scripts/audit (pip-audit on uv.lock's export).

Needs PyPI's vulnerability data over the package registry; skipped, with the reason, only when that data cannot
be reached (scripts/audit exits 2). Vulnerabilities found fail the test with pip-audit's list.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_locked_dependencies_have_no_known_vulnerabilities():
    if shutil.which("uv") is None:
        pytest.skip("uv is not installed (scripts/setup installs it)")
    run = subprocess.run([str(ROOT / "scripts" / "audit")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    report = run.stdout + run.stderr
    print(report)
    if run.returncode == 2:
        pytest.skip(f"the vulnerability data could not be reached: {report.strip().splitlines()[-1]}")
    assert run.returncode == 0, report
    assert "no known vulnerabilities" in report
