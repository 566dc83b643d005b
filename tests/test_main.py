"""``python -m glassnet`` runs the same command line as the ``glassnet`` script."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_runs_solve():
    result = subprocess.run(
        [sys.executable, "-m", "glassnet", "solve"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 0 0 0.99993704"


def test_python_dash_m_reports_usage_errors_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "glassnet", "solve", "--epochs", "-5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("glassnet: error:")
