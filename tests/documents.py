"""Run the code blocks of a Markdown document and compare what they print with what it shows.

A ```python block runs in one namespace shared by the whole document, like a notebook; when a
```text block follows it, that block is its expected output, and a python block that prints
something must be followed by one. A ```console block holds ``$ glassnet ...`` commands, each
followed by its expected output. A ```bash block holds shell command lines (``#`` comments
allowed): each runs, and a ```text block after it is their output. In a bash line, the steps
that install glassnet and what its tests need (``python3 -m venv``, activating it, ``pip
install``, ``scripts/test-deps``) are what the test environment already did, and
``scripts/check`` is the command that runs these tests: both are left out. ``glassnet
playground``, which serves until Ctrl-C, is started on a free port without a browser, must print
its URL, and is then stopped with Ctrl-C. Blocks run in the current folder, which callers make a
fresh one.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from glassnet.cli import main

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
INSTALLING = re.compile(
    r"^(python3? -m venv\b|\. \S+/bin/activate$|(python -m )?pip install\b|scripts/test-deps$)"
)
SERVES = re.compile(r"^glassnet playground\b")
SHELL = re.compile(r"[|<>;`$]")


@dataclass
class Block:
    kind: str
    code: str
    line: int
    expected: str | None = None  # the ```text block right after a python or bash block


def blocks(path: Path) -> list[Block]:
    """Return the document's code blocks, each runnable block paired with the output under it."""
    text = path.read_text(encoding="utf-8")
    found: list[Block] = []
    end_of_last = -1
    for match in FENCE.finditer(text):
        kind, body = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        between = text[end_of_last : match.start()] if end_of_last >= 0 else "x"
        if (
            kind == "text"
            and found
            and found[-1].kind in ("python", "bash")
            and not between.strip()
        ):
            found[-1].expected = body
        else:
            found.append(Block(kind, body, line))
        end_of_last = match.end()
    return found


def normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def run_glassnet(argv: list[str], where: str) -> str:
    """Run ``glassnet ARGV`` in this process; return its standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    assert code == 0, f"{where}: glassnet {shlex.join(argv)} exited {code}"
    return out.getvalue()


def run_console(block: Block) -> None:
    commands = re.split(r"^\$ ", block.code, flags=re.MULTILINE)
    assert commands[0] == "", f"line {block.line}: a console block starts with '$ glassnet'"
    for command in commands[1:]:
        line, _, expected = command.partition("\n")
        argv = shlex.split(line)
        assert argv[0] == "glassnet", f"line {block.line}: only glassnet commands run here"
        output = run_glassnet(argv[1:], f"line {block.line}")
        assert normal(output) == normal(expected), f"line {block.line}: {line}"


def commands(block: Block) -> list[str]:
    """The commands of a bash block that run here: comments and installation steps left out."""
    found = []
    for line in block.code.splitlines():
        line = line.split(" #", 1)[0].strip()
        steps = [step.strip() for step in line.split("&&")]
        steps = [step for step in steps if step and not INSTALLING.match(step)]
        found += [step for step in steps if step != "scripts/check"]
    return found


def _environment() -> dict[str, str]:
    """This environment's glassnet first on the PATH, and no browser to open."""
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    return {**os.environ, "PATH": path, "BROWSER": "true"}


def run_server(command: str, where: str) -> None:
    """Start a command that serves until Ctrl-C on a free port; check it prints its URL; stop it."""
    argv = [*shlex.split(command), "--port", "0", "--no-browser"]
    server = subprocess.Popen(
        [sys.executable, "-m", "glassnet", *argv[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline()  # printed once it listens
        assert url.startswith("http://127.0.0.1:"), f"{where}: printed {url!r}"
    finally:
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=60)
    assert server.returncode in (0, 130), f"{where}: exit {server.returncode}: {errors[-500:]}"


def run_bash(block: Block) -> None:
    output = []
    for command in commands(block):
        where = f"line {block.line}: {command}"
        argv = shlex.split(command)
        if SERVES.match(command):
            run_server(command, where)
            continue
        if argv[0] == "glassnet" and not SHELL.search(command):
            output.append(run_glassnet(argv[1:], where))
            continue
        # A pipe or redirection: the shell runs it, with this environment's glassnet first.
        done = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=600,
            env=_environment(),
            check=False,
        )
        assert done.returncode == 0, f"{where}: exit {done.returncode}: {done.stderr[-500:]}"
        output.append(done.stdout)
    if block.expected is not None:
        assert normal("".join(output)) == normal(block.expected), f"line {block.line}"


def run_document(path: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__document__"}
    for block in blocks(path):
        if block.kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.code, f"{path.name}:{block.line}", "exec"), namespace)
            printed = out.getvalue()
            assert block.expected is not None or not printed, (
                f"line {block.line}: the block prints, and no ```text block shows what"
            )
            if block.expected is not None:
                assert normal(printed) == normal(block.expected), f"line {block.line}"
        elif block.kind == "console":
            run_console(block)
        elif block.kind == "bash":
            run_bash(block)
        else:
            assert block.kind in ("", "text"), f"line {block.line}: a {block.kind} block cannot run"
