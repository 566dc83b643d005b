"""The tutorial runs: every code block executes, and what it prints is what the text shows.

A ```python block runs in one namespace shared by the whole document, like a notebook; when a
```text block follows it, that block is its expected output. A ```console block holds
``$ glassnet ...`` commands, each followed by its expected output. Blocks run in a fresh folder.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from glassnet.cli import main
from tests.datasets import write_iris

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    kind: str
    code: str
    line: int
    expected: str | None = None  # the ```text block right after a python block


def blocks(path: Path) -> list[Block]:
    """Return the document's code blocks, each python block paired with the output under it."""
    text = path.read_text(encoding="utf-8")
    found: list[Block] = []
    end_of_last = -1
    for match in FENCE.finditer(text):
        kind, body = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        between = text[end_of_last : match.start()] if end_of_last >= 0 else "x"
        if kind == "text" and found and found[-1].kind == "python" and not between.strip():
            found[-1].expected = body
        else:
            found.append(Block(kind, body, line))
        end_of_last = match.end()
    return found


def normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def run_console(block: Block) -> None:
    commands = re.split(r"^\$ ", block.code, flags=re.MULTILINE)
    assert commands[0] == "", f"line {block.line}: a console block starts with '$ glassnet'"
    for command in commands[1:]:
        line, _, expected = command.partition("\n")
        argv = shlex.split(line)
        assert argv[0] == "glassnet", f"line {block.line}: only glassnet commands run here"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(argv[1:])
        assert code == 0, f"line {block.line}: {line} exited {code}"
        assert normal(out.getvalue()) == normal(expected), f"line {block.line}: {line}"


def run_document(path: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__tutorial__"}
    for block in blocks(path):
        if block.kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.code, f"{path.name}:{block.line}", "exec"), namespace)
            if block.expected is not None:
                assert normal(out.getvalue()) == normal(block.expected), f"line {block.line}"
        elif block.kind == "console":
            run_console(block)
        else:
            assert block.kind in ("", "text"), f"line {block.line}: a {block.kind} block cannot run"


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
