"""Turn committed benchmark results (JSON) into the Markdown of bench/RESULTS.md and the README.

Usage::

    python -m bench.report [--kind KIND] FILE...   # print the Markdown for these result files
    python -m bench.report --check DOC...          # exit 1 if a generated block of DOC is stale
    python -m bench.report --update DOC...         # rewrite the generated blocks of DOC

Kinds: ``tables`` (each file's tables, the default), ``targets`` (the targets, one column per
file), ``readme`` (the README's speed paragraph, from a one-thread file), ``real-data`` and
``estimators`` (the scikit-learn comparisons written by bench/real_data.py and
bench/estimators.py). In a Markdown file, a generated block is the text between a line
``<!-- python -m bench.report ARGS -->`` and the line ``<!-- end of generated text -->``; it must
equal what ``python -m bench.report ARGS`` prints, so every figure there comes from the JSON files
named in the line above it.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import write_text

ROOT = Path(__file__).resolve().parents[1]
OURS = {
    "tiny": "glassnet fit",
    "ensemble": "glassnet Ensemble",
    "mid": "glassnet fit",
    "operations": "whole step (TrainingStep)",
}
FLOAT_LOOP = "ten-line program (float arrays)"
BEGIN = re.compile(r"^<!-- python -m bench\.report (?P<args>.+) -->$")
END = "<!-- end of generated text -->"


def load(path: str | Path) -> dict[str, Any]:
    """Read one JSON report, its path relative to the repository kept for the text."""
    with open(ROOT / path, encoding="utf-8") as handle:
        report: dict[str, Any] = json.load(handle)
    report["path"] = str(path)
    return report


# -- per-file tables ---------------------------------------------------------------------------


def tables(report: dict[str, Any]) -> str:
    """Every table of one report: where and how it ran, then one table per result."""
    if report.get("kind") == "real_data":
        return real_data(report)
    if report.get("kind") == "estimators":
        return estimators(report)
    if report.get("kind") == "tables":
        from bench.tables import markdown_report

        return "\n".join([*_provenance(report), *markdown_report(report)])
    lines = _provenance(report)
    for result in report["results"]:
        lines += ["", *_result_table(result)]
    return "\n".join(lines)


def _provenance(report: dict[str, Any]) -> list[str]:
    machine = report["machine"]
    blas = "; ".join(
        f"{pool['prefix']} {pool['version']} {pool.get('architecture') or ''} "
        f"{pool['num_threads']} thread(s)".replace("  ", " ")
        for pool in machine["blas"]
    )
    after = report.get("load_average_after")
    load_line = f"load average {_load(machine['load_average'])} before"
    load_line += f" and {_load(after)} after" if after else ""
    return [
        f"Command: `{report['command'].strip()}`; results: `{report['path']}`.",
        "",
        f"Source: commit {_commit(machine)}. Machine: {machine['cpu']}, "
        f"{machine['cpu_count']} cores, {load_line} (1, 5 and 15 minutes); Python "
        f"{machine['python']}, NumPy {machine['numpy']}, torch {machine.get('torch')}, "
        f"scikit-learn {machine.get('sklearn')}, {_threads(machine.get('threads'))} per "
        f"contender; BLAS: {blas or 'not reported'}; cleared: "
        f"{machine.get('cleared') or 'nothing was set'}.",
    ]


def _commit(machine: dict[str, Any]) -> str:
    commit = machine.get("commit")
    if not commit:
        return "unknown"
    changed = machine.get("changed_files") or []
    return commit[:10] + (f" with changes to {', '.join(changed)}" if changed else "")


def _threads(count: int | None) -> str:
    return "threads not set" if count is None else f"{count} thread" + ("" if count == 1 else "s")


def _load(values: Sequence[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _result_table(result: dict[str, Any]) -> list[str]:
    kind = result["name"].split()[0]
    samples = result["samples"]
    ours = OURS.get(kind, next(iter(samples)))
    n = len(next(iter(samples.values())))
    last = "share of the whole step" if kind == "operations" else "glassnet / it"
    lines = [
        f"**{result['name']}** ({result['unit']}; median, min and max of {n} runs)",
        "",
        f"| contender | median | min | max | {last} |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in samples.items():
        if kind == "operations":
            ratio = f"{statistics.median(values) / statistics.median(samples[ours]):.0%}"
        else:
            ratio = f"{statistics.median(samples[ours]) / statistics.median(values):.2f}"
        lines.append(
            f"| {name} | {fmt(statistics.median(values))} | {fmt(min(values))} | "
            f"{fmt(max(values))} | {ratio} |"
        )
    if "worst_ms" in result:
        worst = ", ".join(f"{k} {v:.1f} ms" for k, v in result["worst_ms"].items())
        lines += ["", f"Worst single trial: {worst}."]
    if "gflops" in result:
        rates = ", ".join(f"{k} {v:.1f}" for k, v in result["gflops"].items())
        lines += [
            "",
            f"GFLOP/s ({result['flop_per_epoch'] / 1e9:.1f} GFLOP an epoch: five products per "
            f"batch): {rates}. glassnet's rate is {result['share_of_gemm_rate']:.1%} of the "
            "GEMM-only rate.",
        ]
    if "sum_of_parts" in result:
        lines += ["", f"The parts add up to {fmt(result['sum_of_parts'])} µs."]
    if "largest_relative_difference" in result:
        lines += [
            "",
            f"Largest relative difference between the final weights: "
            f"{result['largest_relative_difference']:.1e}.",
        ]
    return lines


def fmt(value: float) -> str:
    """Three significant digits below 100, whole numbers above."""
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


# -- the targets -------------------------------------------------------------------------------


@dataclass
class Target:
    """One promise, the result it reads, and how to tell whether a report keeps it."""

    text: str
    result: str
    measure: Callable[[dict[str, Any]], tuple[str, bool]]


def _median(result: dict[str, Any], name: str) -> float:
    return float(statistics.median(result["samples"][name]))


def _at_most(ours: str, peer: str, limit: float) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def measure(result: dict[str, Any]) -> tuple[str, bool]:
        ratio = _median(result, ours) / _median(result, peer)
        text = f"{ratio:.2f}× ({fmt(_median(result, ours))} vs {fmt(_median(result, peer))})"
        return text, ratio <= limit

    return measure


def _faster(ours: str, peer: str, factor: float) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def measure(result: dict[str, Any]) -> tuple[str, bool]:
        speedup = _median(result, peer) / _median(result, ours)
        return f"{speedup:.1f}× ({fmt(_median(result, peer))})", speedup >= factor

    return measure


def _value_at_most(name: str, limit: float) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def measure(result: dict[str, Any]) -> tuple[str, bool]:
        value = _median(result, name)
        return fmt(value), value <= limit

    return measure


def _gemm_share(limit: float) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def measure(result: dict[str, Any]) -> tuple[str, bool]:
        share = float(result["share_of_gemm_rate"])
        return f"{share:.1%}", share >= limit

    return measure


def _frames(result: dict[str, Any]) -> tuple[str, bool]:
    rates = {name: _median(result, name) for name in result["samples"]}
    text = " and ".join(f"{fmt(rate)} ({name})" for name, rate in rates.items())
    return text, min(rates.values()) >= 20


def _latency(result: dict[str, Any]) -> tuple[str, bool]:
    worst = result["worst_ms"]
    text = ", ".join(f"{name} {_median(result, name):.0f} ms" for name in result["samples"])
    trials = sum(result["trials"].values())
    text += f"; worst of {trials} trials {max(worst.values()):.0f} ms"
    return text, max(worst.values()) <= 100


def _memory(result: dict[str, Any]) -> tuple[str, bool]:
    ratios = [_median(result, f"glassnet fit {dtype}") for dtype in ("float32", "float64")]
    return " and ".join(f"{ratio:.2f}×" for ratio in ratios), max(ratios) <= 1.5


TARGETS = [
    Target(
        "tiny: `fit` per step ≤ 1.0× the ten-line program (integer arrays, as written)",
        "tiny",
        _at_most("glassnet fit", "ten-line program", 1.0),
    ),
    Target(
        "tiny: `fit` per step ≤ 1.0× the same loop on float arrays",
        "tiny",
        _at_most("glassnet fit", FLOAT_LOOP, 1.0),
    ),
    Target(
        "tiny: ≥ 5× faster than PyTorch autograd + SGD",
        "tiny",
        _faster("glassnet fit", "torch autograd+SGD", 5.0),
    ),
    Target(
        "tiny: ≥ 5× faster than scikit-learn",
        "tiny",
        _faster("glassnet fit", "sklearn MLPClassifier", 5.0),
    ),
    Target(
        "ensemble K = 1,000, float64: ≤ 1.0× the NumPy batched sketch",
        "ensemble K=1000",
        _at_most("glassnet Ensemble", "numpy batched sketch", 1.0),
    ),
    Target(
        "ensemble K = 1,000, float32: ≤ 1.0× the NumPy batched sketch",
        "ensemble K=1000",
        _at_most("glassnet Ensemble float32", "numpy batched sketch float32", 1.0),
    ),
    Target(
        "ensemble K = 1,000, float64: ≤ 1.0× PyTorch batched",
        "ensemble K=1000",
        _at_most("glassnet Ensemble", "torch batched", 1.0),
    ),
    Target(
        "ensemble K = 1,000: ≤ 15 ns per network-step (float64)",
        "ensemble K=1000",
        _value_at_most("glassnet Ensemble", 15.0),
    ),
    Target(
        "ensemble K = 1,000: ≤ 15 ns per network-step (float32)",
        "ensemble K=1000",
        _value_at_most("glassnet Ensemble float32", 15.0),
    ),
    Target(
        "mid float32: ≤ 0.5× PyTorch autograd's epoch",
        "mid float32",
        _at_most("glassnet fit", "torch autograd+SGD", 0.5),
    ),
    Target(
        "mid float32: ≥ 2× faster than scikit-learn",
        "mid float32",
        _faster("glassnet fit", "sklearn MLPClassifier", 2.0),
    ),
    Target(
        "mid float32: ≥ 70 % of the GEMM-only rate (the 5 products glassnet computes)",
        "mid float32",
        _gemm_share(0.7),
    ),
    Target("memory: peak training memory ≤ 1.5× the data (float32 and float64)", "memory", _memory),
    Target("playground: ≥ 20 frames a second while training plays", "playground frames", _frames),
    Target(
        "playground: a changed control shows within 100 ms (median; every trial)",
        "playground latency",
        _latency,
    ),
]


def targets(reports: Sequence[dict[str, Any]]) -> str:
    """One row per target, one column per report: the figure and whether it is met."""
    header = " | ".join(
        f"`{report['path']}` ({_threads(report['machine'].get('threads'))})" for report in reports
    )
    lines = [f"| target | {header} |", "|---" * (len(reports) + 1) + "|"]
    for target in TARGETS:
        cells = []
        for report in reports:
            found = {result["name"]: result for result in report["results"]}
            if target.result not in found:
                cells.append("not run")
                continue
            text, met = target.measure(found[target.result])
            cells.append(f"{text}: {'met' if met else '**not met**'}")
        lines.append(f"| {target.text} | {' | '.join(cells)} |")
    return "\n".join(lines)


# -- the README's speed paragraph --------------------------------------------------------------


def readme(reports: Sequence[dict[str, Any]]) -> str:
    """The README's paragraph on speed: tiny, ensemble K=1000 and mid float32, from the reports.

    A result found in several reports is taken from the last one (say, a longer run of one size).
    """
    found: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for report in reports:
        for result in report["results"]:
            found[result["name"]] = result
            where[result["name"]] = report["path"]
    tiny, ensemble, mid = found["tiny"], found["ensemble K=1000"], found["mid float32"]

    def ratio(result: dict[str, Any], ours: str, peer: str) -> float:
        return _median(result, ours) / _median(result, peer)

    machine = reports[0]["machine"]
    files = ", ".join(f"`{path}`" for path in dict.fromkeys(where.values()))
    return (
        f"On {machine['cpu_count']} cores of an {machine['cpu']} "
        f"({_threads(machine.get('threads'))} per contender, load average "
        f"{machine['load_average'][0]:.2f} at the start; {files}): the tutorial's "
        f"`fit` takes {ratio(tiny, 'glassnet fit', 'ten-line program'):.2f}× the ten-line "
        f"program's time per step and {ratio(tiny, 'glassnet fit', FLOAT_LOOP):.2f}× that of "
        f"the same loop on float arrays ({fmt(_median(tiny, 'glassnet fit'))} µs), and is "
        f"{ratio(tiny, 'torch autograd+SGD', 'glassnet fit'):.0f}× faster than PyTorch "
        f"autograd and {ratio(tiny, 'sklearn MLPClassifier', 'glassnet fit'):.0f}× faster than "
        f"scikit-learn; an MNIST-sized epoch (784-128-10, float32) takes "
        f"{ratio(mid, 'glassnet fit', 'torch autograd+SGD'):.2f}× PyTorch's time and is "
        f"{ratio(mid, 'sklearn MLPClassifier', 'glassnet fit'):.1f}× faster than "
        f"scikit-learn's `MLPClassifier`; 1,000 tutorial neurons train at "
        f"{fmt(_median(ensemble, 'glassnet Ensemble'))} ns per network-step, "
        f"{ratio(ensemble, 'glassnet Ensemble', 'numpy batched sketch'):.2f}× the time of the "
        f"same step batched by hand in NumPy ({fmt(_median(ensemble, 'glassnet Ensemble float32'))}"
        f" ns in float32, where PyTorch's batched version takes "
        f"{fmt(_median(ensemble, 'torch batched float32'))} ns; median of "
        f"{len(ensemble['samples']['glassnet Ensemble'])} runs)."
    )


# -- scikit-learn comparisons ------------------------------------------------------------------


def real_data(report: dict[str, Any]) -> str:
    """The table of bench/real_data.py: glassnet's table model against scikit-learn's MLPs."""
    settings = report["settings"]
    n = settings["seeds"]
    blank = settings.get("blank", 0.0)
    rows = [
        f"| data | metric | glassnet, seed 0 | scikit-learn, seed 0 | glassnet, mean of {n} "
        f"| scikit-learn, mean of {n} | glassnet ≥ scikit-learn |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in report["data"].values():
        theirs = entry["sklearn"]
        ours = entry.get("glassnet")
        label = f"{entry['title']} ({entry['rows']} rows, {entry['outputs']})"
        if ours is None:
            cells = ["—", f"{theirs[0]:.4f}", "—", f"{statistics.mean(theirs):.4f}", "—"]
        else:
            wins = sum(a >= b for a, b in zip(ours, theirs, strict=True))
            cells = [
                f"{ours[0]:.4f}",
                f"{theirs[0]:.4f}",
                f"{statistics.mean(ours):.4f}",
                f"{statistics.mean(theirs):.4f}",
                f"{wins} of {n} splits",
            ]
        rows.append(f"| {label} | {entry['metric']} | {' | '.join(cells)} |")
    note = f"From `{report['path']}` (`{report['command']}`, commit {_commit(report['machine'])})"
    if blank:
        note += (
            f"; {blank:.0%} of the input cells blank: scikit-learn fills them with a "
            "SimpleImputer (column means) before its scaler, glassnet's table model in its own way"
        )
    refusals = {
        entry["glassnet_refused"]
        for entry in report["data"].values()
        if "glassnet_refused" in entry
    }
    if refusals:
        note += "; glassnet refused the tables: " + "; ".join(
            f"`{text}`" for text in sorted(refusals)
        )
    return "\n".join([*rows, "", note + "."])


def estimators(report: dict[str, Any]) -> str:
    """The table of bench/estimators.py: GlassClassifier against MLPClassifier, split by split."""
    settings = report["settings"]
    n = settings["splits"]
    rows = [
        f"| data | GlassClassifier, mean of {n} | MLPClassifier, mean of {n} | difference "
        "(points) | GlassClassifier ≥ MLPClassifier |",
        "|---|---|---|---|---|",
    ]
    for entry in report["data"].values():
        ours, theirs = entry["glassnet"], entry["sklearn"]
        wins = sum(a >= b for a, b in zip(ours, theirs, strict=True))
        difference = 100 * (statistics.mean(ours) - statistics.mean(theirs))
        rows.append(
            f"| {entry['title']} ({entry['rows']} rows, {entry['classes']} classes) | "
            f"{statistics.mean(ours):.4f} | {statistics.mean(theirs):.4f} | {difference:+.2f} | "
            f"{wins} of {n} splits |"
        )
    return "\n".join(
        [
            *rows,
            "",
            f"From `{report['path']}` (`{report['command']}`, commit "
            f"{_commit(report['machine'])}): accuracy on the test quarter of {n} stratified "
            f"splits, StandardScaler then hidden_layer_sizes={tuple(settings['hidden'])}, "
            f"max_iter={settings['max_iter']}, random_state=0 and every other parameter at "
            "its default, on both sides.",
        ]
    )


# -- the command -------------------------------------------------------------------------------

KINDS: dict[str, Callable[[Sequence[dict[str, Any]]], str]] = {
    "tables": lambda reports: "\n\n".join(tables(report) for report in reports),
    "targets": targets,
    "readme": readme,
    "real-data": lambda reports: "\n\n".join(real_data(report) for report in reports),
    "estimators": lambda reports: "\n\n".join(estimators(report) for report in reports),
}


def render(argv: Sequence[str]) -> str:
    """What ``python -m bench.report ARGV`` prints."""
    args = _parser().parse_args(argv)
    return KINDS[args.kind]([load(path) for path in args.files])


def regenerate(text: str) -> str:
    """Return ``text`` with every generated block replaced by its regeneration."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        match = BEGIN.match(line)
        if not match:
            continue
        end = lines.index(END, index)  # ValueError: a block that never ends
        out += ["", render(shlex.split(match["args"])), "", END]
        index = end + 1
    return "\n".join(out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("--kind", choices=sorted(KINDS), default="tables")
    parser.add_argument("files", nargs="+", help="JSON results, paths from the repository root")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Print Markdown for result files, or check or update the generated blocks of documents."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("--check", "--update"):
        stale = []
        for path in argv[1:]:
            text = Path(path).read_text(encoding="utf-8")
            fresh = regenerate(text)
            if fresh != text:
                stale.append(path)
                if argv[0] == "--update":
                    write_text(path, fresh)
        verb = "updated" if argv[0] == "--update" else "stale"
        for path in stale:
            print(f"{verb}: {path}", file=sys.stderr)
        return 1 if stale and argv[0] == "--check" else 0
    print(render(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
