"""The tutorial runs: every code block executes, and what it prints is what the text shows.

How blocks run and what counts as their output: ``tests/documents.py``. Blocks run in a fresh
folder.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from glassnet.cli import main
from tests.datasets import write_iris
from tests.documents import blocks, run_document

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_tutorial_runs_and_prints_what_it_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_document(DOCS / "tutorial.md")


def test_tutorial_checks_its_numbers():
    found = blocks(DOCS / "tutorial.md")
    python = [block for block in found if block.kind == "python"]
    assert all(block.expected is not None for block in python), "every python block shows output"
    shown = "\n".join(block.expected or "" for block in python)
    assert "[0.99993704]" in shown
    assert "0.99993704" in shown.replace("[0.99993704]", "")
    assert any(block.kind == "console" and "glassnet explain" in block.code for block in found)


def test_tutorial_pictures_exist():
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 8
    for picture in pictures:
        assert (DOCS / picture).is_file(), picture


def test_docs_checker_catches_a_wrong_number(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(1 + 1)\n```\n\n```text\n3\n```\n")
    with pytest.raises(AssertionError, match="line 1"):
        run_document(page)
    page.write_text("```console\n$ glassnet solve\n0 0 1 0\n```\n")
    with pytest.raises(AssertionError, match="glassnet solve"):
        run_document(page)


def test_the_animate_examples_run_on_the_shipped_table(tmp_path, monkeypatch):
    """README and tutorial animate docs/xor.txt; the file is there and the command works."""
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    tutorial = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    commands = re.findall(r"glassnet animate \S+ --hidden 3 -o \S+?\.gif", readme + tutorial)
    assert len(commands) >= 2
    rows = (DOCS / "xor.txt").read_text(encoding="utf-8").split("\n")[1:5]
    assert rows == ["0 0 0", "0 1 1", "1 0 1", "1 1 0"]
    for command in commands:
        argv = shlex.split(command)[1:]
        table = argv[1] if argv[1].startswith("docs/") else "docs/" + argv[1]
        assert (DOCS.parent / table).is_file(), command
        argv[1] = str(DOCS.parent / table)
        argv[-1] = str(tmp_path / argv[-1])
        # fewer epochs and frames than written, to stay quick; the command is the same
        assert main([*argv, "--epochs", "20", "--frames", "3", "-q"]) == 0, command
        assert Path(argv[-1]).stat().st_size > 1000


def test_readme_pictures_exist():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert "docs/figures/iris-overview.png" in pictures
    for picture in pictures:
        assert (DOCS.parent / picture).is_file(), picture


def test_the_iris_story_and_its_length_in_the_readme_are_current(tmp_path):
    """docs/iris-explain.txt is what 'glassnet explain iris.csv' prints; README counts its lines."""
    table = write_iris(tmp_path)
    told = {}
    for name, extra in (("story", []), ("full", ["--full", "--max-examples", "8"])):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["explain", table, *extra]) == 0
        told[name] = out.getvalue()
    assert told["story"] == (DOCS / "iris-explain.txt").read_text(encoding="utf-8")
    readme = " ".join((DOCS.parent / "README.md").read_text(encoding="utf-8").split())
    shown, full = len(told["story"].splitlines()), len(told["full"].splitlines())
    assert f"is told in {shown} lines" in readme
    assert f"instead of {full:,} for every unit and weight of its first 8 examples" in readme
