"""The layout the architecture page describes: every path and name it gives exists, and the
package keeps the shape it promises (few top-level modules, none too long)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SPANS = sorted(set(re.findall(r"`([^`\s]+)`", PAGE)))
PATHS = [
    span for span in SPANS if re.match(r"(src|tests|docs|bench|scripts)/|pyproject\.toml", span)
]
NAMES = [span.rstrip("()") for span in SPANS if re.fullmatch(r"glassnet(\.\w+)+", span)]


def test_the_page_names_paths_and_names():
    assert len(PATHS) >= 20
    assert len(NAMES) >= 40


@pytest.mark.parametrize("path", PATHS)
def test_every_path_on_the_page_exists(path):
    assert (ROOT / path).exists(), path


def resolve(name: str) -> object:
    """Import the longest module prefix of a dotted name, then follow attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(name)


@pytest.mark.parametrize("name", NAMES)
def test_every_name_on_the_page_exists(name):
    resolve(name)


def test_every_layer_is_on_the_page():
    layers = sorted(
        p.name for p in (ROOT / "src" / "glassnet").iterdir() if (p / "__init__.py").exists()
    )
    for layer in layers:
        assert f"`src/glassnet/{layer}`" in PAGE, layer


def test_at_most_twelve_modules_at_the_top_of_the_package():
    top = {p.name for p in (ROOT / "src" / "glassnet").glob("*.py")}
    assert len(top - {"__init__.py", "__main__.py", "_version.py"}) <= 12, sorted(top)


@pytest.mark.parametrize("module", sorted((ROOT / "src" / "glassnet").rglob("*.py")), ids=str)
def test_no_module_is_over_600_lines(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 600
