"""The README runs as written: every code block, with what it prints compared to what it shows.

Blocks run in order in a fresh folder holding the files the command-line examples name
(``data.csv``, ``new.csv``, ``test.csv`` and ``docs/xor.txt``); how each kind of block runs is in
``tests/documents.py``. The installation steps are what this environment already did.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.documents import blocks, commands, run_document

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _example_tables(folder: Path) -> None:
    """The tables the README's commands read: a few '?' outputs to fill, and known ones to score."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 2))
    kind = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    rows = [f"{float(a):.4f},{float(b):.4f}" for a, b in X]
    header = "length,width,bought\n"
    answers = ["?" if i % 8 == 0 else k for i, k in enumerate(kind)]
    data = [f"{row},{answer}" for row, answer in zip(rows, answers, strict=True)]
    (folder / "data.csv").write_text(header + "\n".join(data) + "\n")
    (folder / "new.csv").write_text(header + "".join(f"{row},?\n" for row in rows[:5]))
    (folder / "test.csv").write_text(
        header + "".join(f"{row},{k}\n" for row, k in zip(rows[:20], kind[:20], strict=True))
    )
    (folder / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "xor.txt", folder / "docs" / "xor.txt")


@pytest.mark.slow  # it trains every example, the README's animation included (~30 s)
def test_every_readme_block_runs_and_prints_what_it_shows(tmp_path, monkeypatch):
    _example_tables(tmp_path)
    monkeypatch.chdir(tmp_path)
    run_document(README)
    assert (tmp_path / "iris.onnx").stat().st_size > 0  # written by the scikit-learn example
    assert (tmp_path / "model.safetensors").stat().st_size > 0
    assert (tmp_path / "training.gif").stat().st_size > 0


def test_readme_blocks_are_all_checked():
    """Every block runs or is an output shown under one; every printing block shows it."""
    found = blocks(README)
    kinds = {block.kind for block in found}
    assert kinds <= {"python", "bash", "text"}, kinds
    for block in found:
        if block.kind == "python":
            assert block.expected is not None or "print(" not in block.code, block.line
    python = [block for block in found if block.kind == "python"]
    assert len(python) >= 3
    assert "[[0.99993704]]" in (python[0].expected or "")
    run = [command for block in found if block.kind == "bash" for command in commands(block)]
    assert "glassnet solve" in run
    assert any(command.startswith("cat data.csv | glassnet solve -") for command in run)


def test_readme_shows_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install -e . && glassnet solve" in text
    assert 'pip install torch==2.13.0 -e ".[dev]" && scripts/check' in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/check" in ci
