"""What every benchmark shares: alternating timed runs, medians and ratios, machine facts.

A figure is the median over repeats; in each repeat every contender runs once, in an order that
rotates from repeat to repeat, so a burst of load from elsewhere falls on all of them alike.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """One benchmark's figures: per contender, every repeat and their median."""

    name: str
    unit: str
    lower_is_better: bool = True
    samples: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def median(self, contender: str) -> float:
        return statistics.median(self.samples[contender])

    def ratio(self, ours: str, peer: str) -> float:
        """Median of ``ours`` over median of ``peer``: below 1 means ours is faster."""
        return self.median(ours) / self.median(peer)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "medians": {name: self.median(name) for name in self.samples},
            "samples": self.samples,
            **self.extra,
        }


def alternate(
    contenders: dict[str, Callable[[], float]], repeats: int, warmup: bool = True
) -> dict[str, list[float]]:
    """Run each contender ``repeats`` times, rotating the order; each call returns its figure."""
    names = list(contenders)
    if warmup:
        for name in names:
            contenders[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(contenders[name]())
    return samples


def seconds(function: Callable[[], Any]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def table(result: Result, ours: str, digits: int = 2) -> str:
    """A plain-text table: contender, median, min, max, and ours / contender."""
    width = max(len(name) for name in result.samples) + 2
    lines = [
        f"{result.name}  ({result.unit}, median of {len(next(iter(result.samples.values())))})",
        f"  {'contender':<{width}} {'median':>10} {'min':>10} {'max':>10} {'ours/it':>8}",
    ]
    for name, values in result.samples.items():
        ratio = result.ratio(ours, name)
        lines.append(
            f"  {name:<{width}} {statistics.median(values):>10.{digits}f} "
            f"{min(values):>10.{digits}f} {max(values):>10.{digits}f} {ratio:>8.3f}"
        )
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    """The machine, Python, library versions and the BLAS kernels in use (threadpoolctl)."""
    import numpy as np
    from threadpoolctl import threadpool_info

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "numpy": np.__version__,
        **source_state(),
        "env": {
            key: os.environ.get(key)
            for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
        },
    }
    for module in ("glassnet", "torch", "sklearn", "threadpoolctl"):
        try:
            info[module] = __import__(module).__version__
        except ImportError:
            info[module] = None
    info["blas"] = [
        {key: pool.get(key) for key in ("internal_api", "prefix", "version", "architecture")}
        | {"num_threads": pool.get("num_threads"), "filepath": pool.get("filepath")}
        for pool in threadpool_info()
    ]
    return info


def source_state() -> dict[str, Any]:
    """The commit the benchmarks ran at, and the files that differed from it (if any)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout

    changed = git("status", "--porcelain", "--untracked-files=no")
    commit = git("rev-parse", "HEAD")
    return {
        "commit": None if commit is None else commit.strip(),
        "changed_files": None if changed is None else [line[3:] for line in changed.splitlines()],
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_json(path: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON, atomically."""
    write_text(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file beside it, renamed over it."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
