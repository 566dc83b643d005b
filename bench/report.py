"""Print a JSON report from ``python -m bench`` as Markdown tables (as in bench/RESULTS.md).

Usage: ``python -m bench.report bench/results/FILE.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
from typing import Any

OURS = {"tiny": "glassnet fit", "ensemble": "glassnet Ensemble", "mid": "glassnet fit"}


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    blas = "; ".join(
        f"{pool['prefix']} {pool['version']} {pool.get('architecture') or ''} "
        f"{pool['num_threads']} thread(s)".replace("  ", " ")
        for pool in machine["blas"]
    )
    lines = [
        f"Command: `{report['command'].strip()}`",
        "",
        f"Machine: {machine['cpu']}, {machine['cpu_count']} cores, load average "
        f"{machine['load_average'][0]:.2f} before and {report['load_average_after'][0]:.2f} "
        f"after; Python {machine['python']}, NumPy {machine['numpy']}, torch {machine['torch']}, "
        f"scikit-learn {machine['sklearn']}, threads per contender {machine['threads']}; "
        f"BLAS: {blas}; cleared: {machine['cleared'] or 'nothing was set'}.",
    ]
    for result in report["results"]:
        kind = result["name"].split()[0]
        samples = result["samples"]
        ours = OURS.get(kind, next(iter(samples)))
        n = len(next(iter(samples.values())))
        lines += [
            "",
            f"**{result['name']}** ({result['unit']}; median, min and max of {n} runs)",
            "",
            "| contender | median | min | max | glassnet / it |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, values in samples.items():
            ratio = statistics.median(samples[ours]) / statistics.median(values)
            lines.append(
                f"| {name} | {_fmt(statistics.median(values))} | {_fmt(min(values))} | "
                f"{_fmt(max(values))} | {ratio:.2f} |"
            )
        if "worst_ms" in result:
            worst = ", ".join(f"{k} {v:.1f} ms" for k, v in result["worst_ms"].items())
            lines += ["", f"Worst single trial: {worst}."]
        if "gflops" in result:
            rates = ", ".join(f"{k} {v:.1f}" for k, v in result["gflops"].items())
            share = ", ".join(f"{k}: {v:.0%}" for k, v in result["fraction_of_gemm_rate"].items())
            lines += ["", f"GFLOP/s (6 × samples × weights / median): {rates}.", ""]
            lines.append(f"glassnet's rate as a share of the GEMM-only rate: {share}.")
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            print(markdown(json.load(handle)))
            print()
