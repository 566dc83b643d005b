"""The README's Python tour runs as written and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_tour_runs_and_prints_the_tutorial_answer():
    blocks = python_blocks()
    assert blocks, "README has no python block"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(blocks[0], "README.md", "exec"), {})
    assert "[[0.99993704]]" in output.getvalue()


def test_readme_shows_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install -e . && glassnet solve" in text
    assert 'pip install torch==2.13.0 -e ".[dev]" && scripts/check' in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/check" in ci
