"""A bigger network's story keeps to its budget, and every number it shows is the trace's.

iris (4 inputs, 16 hidden units, 3 classes, 150 rows) is told in full in thousands of lines;
``glassnet explain`` tells it in at most 150. These tests read that story line by line: a line
without an elision is a line of the full story, every number is a number of the ``--json``
trace, each bracketed rest of a sum makes the sum add up, and each "the largest" names the
largest of what was left out.
"""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from glassnet.cli import main
from glassnet.explain.details import LADDER, Detail, first
from glassnet.explain.explanations import explain
from glassnet.explain.narration import narrate
from tests.datasets import write_iris

NUMBER = re.compile(r"(?<![\w.^])-?\d+(?:\.\d+)?(?:e[+-]\d+)?(?![\w.])")
UNIT = re.compile(r"^(x|h|out)(\d*)$")


def six(value: float) -> str:
    text = f"{float(value):.6g}"
    return "0" if text == "-0" else text


def numbers(tree) -> set[str]:
    """Every number of a JSON document, written as the story writes numbers."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float | int) and not isinstance(item, bool):
            found.add(six(item))
    return found


def run(capsys, argv: list[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def iris(tmp_path_factory) -> str:
    return write_iris(tmp_path_factory.mktemp("iris"))


@pytest.fixture(scope="module")
def told(iris) -> dict[str, object]:
    """The default story, the full story and the JSON trace of one iris run."""
    from contextlib import redirect_stdout
    from io import StringIO

    outputs = {}
    runs = (
        ("story", []),
        ("full", ["--full", "--max-examples", "8"]),
        ("everything", ["--full"]),
        ("trace", ["--json"]),
    )
    for name, extra in runs:
        out = StringIO()
        with redirect_stdout(out):
            assert main(["explain", iris, *extra]) == 0
        outputs[name] = out.getvalue()
    outputs["trace"] = json.loads(str(outputs["trace"]))
    return outputs


def logical_lines(text: str) -> list[str]:
    """The story's lines, with the continuation lines of a wrapped sum joined to their start."""
    joined: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        # A wrapped sum goes on after a "+"; a wrapped "... and" line is indented 4 more.
        wrapped = joined and joined[-1].rstrip().endswith(("+", "×"))
        if wrapped or (joined and stripped and _continues(joined[-1], line)):
            joined[-1] = joined[-1].rstrip() + " " + stripped
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` continues the elision sentence or listing on ``previous``."""
    indent = len(line) - len(line.lstrip())
    prev_indent = len(previous) - len(previous.lstrip())
    return previous.lstrip().startswith("... and") and indent == prev_indent + 4


def unit_index(name: str) -> int:
    match = UNIT.match(name)
    assert match, name
    return int(match.group(2) or 1) - 1


def test_iris_story_keeps_to_its_budget(told):
    story = str(told["story"])
    assert len(story.splitlines()) <= 150
    assert len(str(told["everything"]).splitlines()) > 20_000  # every example, every unit
    assert max(len(line) for line in story.splitlines()) <= 100
    assert story.rstrip().endswith("--json gives them all as\ndata.")
    assert "Shortened to fit 150 lines" in story


def test_iris_story_lines_are_the_full_storys_lines(told):
    """A line that leaves nothing out is word for word a line (or listed cell) of the full story."""
    full_lines = logical_lines(str(told["full"]))
    full = set(full_lines)
    cells = {cell.strip().rstrip(";") for line in full_lines for cell in line.split(";  ")}
    checked = 0
    for line in logical_lines(str(told["story"])):
        if "[" in line or line.lstrip().startswith(("... and", "Shortened", "data.")):
            continue
        listed = ";  " in line or re.fullmatch(r"\s+(\w+->\w+|bias of \w+) = \S+", line)
        if listed:
            for cell in line.split(";  "):
                assert cell.strip().rstrip(";") in cells, cell
        else:
            assert line in full, line
        checked += 1
    assert checked > 60


def test_every_number_of_the_iris_story_is_the_traces(told):
    trace = told["trace"]
    known = numbers(trace)
    story = str(told["story"])
    story = story[story.index("Starting weights") :]  # the notes before it are the table's
    sums = set()
    for line in logical_lines(story):
        for bracket in re.findall(r"\[\d+ more terms: (\S+)\]", line):
            sums.add(bracket)
    for token in NUMBER.findall(story):
        if "." not in token and "e" not in token:
            continue  # counts and exact integers: the verbatim lines cover them
        # The story tells deltas, errors and adjustments as the tutorial does: minus dZ, dA, dW.
        negated = token[1:] if token.startswith("-") else "-" + token
        assert token in known or negated in known or token in sums, token


def test_the_rest_of_each_sum_adds_up(told):
    """``a × b + ... + [13 more terms: s] + bias = z``: the bracket is what the others add."""
    checked = 0
    for line in logical_lines(str(told["story"])):
        match = re.search(r": (?:z|error) = (.*) = (\S+)$", line)
        if not match or "more terms" not in line:
            continue
        parts = match.group(1).split(" + ")
        total = 0.0
        scale = 0.0
        for part in parts:
            part = part.strip()
            bracket = re.fullmatch(r"\[\d+ more terms: (\S+)\]", part)
            if bracket:
                value = float(bracket.group(1))
            elif " × " in part:
                a, b = (float(v.strip("()")) for v in part.split(" × "))
                value = a * b
            else:
                value = float(part.strip("()"))
            total += value
            scale += abs(value)
        assert total == pytest.approx(float(match.group(2)), abs=1e-5 * max(scale, 1e-3)), line
        checked += 1
    assert checked >= 3


class Claim:
    """One "... and N more ...; the largest ..." line, with what was shown before it."""

    def __init__(self, section, layer, example, count, name, value, shown, text):
        self.section, self.layer, self.example = section, layer, example
        self.count, self.name, self.value, self.shown, self.text = count, name, value, shown, text


def largest_claims(story: str) -> list[Claim]:
    """Each "the largest" line of ``story``, with the names shown in its table before it."""
    claims = []
    section, layer, example, shown = "", 0, None, set()
    for line in logical_lines(story):
        text = line.strip()
        heading = re.match(r"(Forward|Backward|Adjusting the weights of) layer (\d+)", text)
        heading = heading or re.match(r"(Forward|Backward), layer (\d+)", text)
        if heading:
            section, layer, example, shown = (
                heading.group(1).split()[0],
                int(heading.group(2)),
                None,
                set(),
            )
        elif text.startswith(("Starting weights", "Final weights")):
            section = text.split()[0]
        elif section in ("Starting", "Final") and re.match(r"layer \d+ \(", text):
            layer, shown = int(text.split()[1]), set()
        elif re.match(r"example \d+", text):
            example, shown = int(re.match(r"example (\d+)", text).group(1)) - 1, set()
        if not text.startswith("... and"):
            shown |= set(re.findall(r"(\w+->\w+)(?: = |: )", text))
            shown |= {"bias of " + n for n in re.findall(r"bias of (\w+)(?: = |: )", text)}
            unit = re.match(r"(\w+): (?:z|error|delta) = ", text)
            if unit:
                shown.add(unit.group(1))
            continue
        found = re.search(
            r"the largest(?: weighted sum| delta| change)?, (.+?)(?::| =|,) "
            r"(?:z = )?([+-]?[\d.e-]+)",
            text,
        )
        if found:
            count = sum(int(n) for n in re.findall(r"(\d+) more", text))
            claims.append(
                Claim(
                    section, layer, example, count, found.group(1), found.group(2), set(shown), text
                )
            )
    return claims


def _left_out(labels: list[str], values: np.ndarray, claim: Claim) -> np.ndarray:
    """The values whose label the story did not show before ``claim``; checks the count."""
    hidden = np.array([label not in claim.shown for label in labels])
    assert hidden.sum() == claim.count, claim.text
    assert claim.name in [label for label, h in zip(labels, hidden, strict=True) if h], claim.text
    return values[hidden]


def _labels(names_in: list[str], names_out: list[str]) -> list[str]:
    return [f"{a}->{b}" for a in names_in for b in names_out]


def test_each_largest_is_the_largest_left_out(told):
    trace = told["trace"]
    layers = trace["steps"][0]["layers"]
    params = trace["network"]["parameters"]
    units = [["x1", "x2", "x3", "x4"], [f"h{j}" for j in range(1, 17)], ["out1", "out2", "out3"]]
    claims = largest_claims(str(told["story"]))
    assert {claim.section for claim in claims} == {
        "Starting",
        "Forward",
        "Backward",
        "Adjusting",
        "Final",
    }
    for claim in claims:
        k = claim.layer - 1
        ls = layers[k]
        if claim.section in ("Forward", "Backward"):
            values = np.array(ls["Z"] if claim.section == "Forward" else ls["dZ"])[claim.example]
            values = values if claim.section == "Forward" else -values
            labels = units[k + 1]
        elif claim.section == "Adjusting":
            values = np.concatenate([np.ravel(ls["update"]), ls["bias_update"]])
            labels = _labels(units[k], units[k + 1]) + [f"bias of {u}" for u in units[k + 1]]
        else:
            tensors = trace["start" if claim.section == "Starting" else "final"]
            if claim.name.startswith("bias of"):
                values = np.array(tensors[params[2 * k + 1]])
                labels = [f"bias of {u}" for u in units[k + 1]]
            else:
                values = np.ravel(tensors[params[2 * k]])
                labels = _labels(units[k], units[k + 1])
        left_out = _left_out(labels, values, claim)
        named = values[labels.index(claim.name)]
        assert six(named) == claim.value.lstrip("+"), claim.text
        assert abs(named) == np.abs(left_out).max(), claim.text
        spread = re.search(r"from (\S+) to (\S+);", claim.text)
        if spread:
            assert (spread.group(1), spread.group(2)) == (six(left_out.min()), six(left_out.max()))


def test_a_small_network_is_told_in_full(capsys):
    """The tutorial fits its budget at every detail: the story is the full one."""
    story = run(capsys, ["explain"])
    assert story == run(capsys, ["explain", "--full"])
    assert "Shortened" not in story
    assert "... and" not in story


def test_lines_widens_the_story(iris, capsys):
    default = run(capsys, ["explain", iris])
    wider = run(capsys, ["explain", iris, "--lines", "400"])
    assert 150 < len(wider.splitlines()) <= 400
    assert "example 3, inputs" in wider
    assert "example 2, inputs" not in default
    tiny = run(capsys, ["explain", iris, "--lines", "20"])
    assert "Shortened as far as it goes (" in " ".join(tiny.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lines", "100", "--full"], "--lines shortens the story and --full tells every number"),
        (["--json", "--lines", "100"], "--json holds every number whatever the story's length"),
        (["--json", "--full"], "leave out --full"),
        (["--lines", "0"], "argument --lines: expected a number >= 1, got 0"),
    ],
    ids=["lines-and-full", "json-lines", "json-full", "zero-lines"],
)
def test_story_length_options_that_conflict_are_refused(capsys, argv, message):
    assert main(["explain", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_solve_explain_keeps_to_the_budget_too(iris, capsys):
    out = run(capsys, ["solve", iris, "--explain", "--lines", "120", "-q"])
    story = out.split("\nsepal_length")[0]
    assert len(story.splitlines()) <= 120
    assert main(["solve", iris, "--lines", "120"]) == 2
    assert "--lines needs --explain" in capsys.readouterr().err


def test_the_ladder_steps_down():
    """Each level caps everything at most as much as the one before; the first caps nothing."""
    assert LADDER[0] == Detail()
    assert LADDER[0].everything
    for wider, narrower in itertools.pairwise(LADDER):
        for field in ("examples", "units", "terms", "weights", "predictions", "summaries"):
            a, b = getattr(wider, field), getattr(narrower, field)
            assert a is None or (b is not None and b <= a), field
    assert first(10, 3) == 3


def test_python_narrate_follows_the_same_budget():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12))
    import glassnet as gn

    net = gn.Network(
        [gn.Dense(12, 30, activation="tanh"), gn.Dense(30, 4, activation="softmax")], rng=0
    )
    story = explain(net, X, rng.integers(0, 4, 40), epochs=20, every=1, X_new=X[:6])
    short = story.narrate()
    assert len(short.splitlines()) <= 150
    assert "... and 5 more rows predicted the same way" in short
    assert "more progress lines between these" in short
    full = narrate(story, lines=None, max_examples=None)
    assert "example 40, inputs" in full
    assert len(narrate(story, lines=60).splitlines()) > 60  # the least detail, however long
