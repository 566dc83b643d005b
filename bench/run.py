"""Run glassnet's benchmarks and report medians, ratios and the machine they ran on.

Usage: ``python -m bench`` (or ``python bench/run.py``)
[--only tiny,ensemble,mid,memory,operations,playground] [--repeats N] [--quick] [--threads N]
[--out FILE].
Every contender gets the same number of threads. The command clears OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for itself (re-running itself before NumPy loads) so that NumPy's BLAS picks its
own kernels; the kernel in use is reported. Results are printed and written as JSON (default:
bench/results/), with the commit, the machine, its load average before and after, and the
threads; ``python -m bench.report`` turns them into the tables of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``bench`` importable from the repository
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BENCHMARKS = ("tiny", "ensemble", "mid", "memory", "operations", "playground", "tables")


def reexec_without_blas_overrides() -> None:
    """Start this command again without the OpenBLAS overrides, if they are set.

    They only take effect when the BLAS library loads, so the process must restart before
    NumPy is imported. The original values are kept in the report.
    """
    found = {key: os.environ[key] for key in BLAS_OVERRIDES if key in os.environ}
    if not found or "numpy" in sys.modules:
        return
    env = {key: value for key, value in os.environ.items() if key not in BLAS_OVERRIDES}
    env["GLASSNET_BENCH_CLEARED"] = ",".join(f"{key}={value}" for key, value in found.items())
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help="comma-separated subset of " + ", ".join(BENCHMARKS),
    )
    parser.add_argument("--repeats", type=int, default=5, help="alternating runs per figure")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a first look")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="for everyone")
    parser.add_argument("--out", help="JSON file to write (default: bench/results/<time>.json)")
    parser.add_argument("--steps", type=int, help="tiny: training steps per run")
    parser.add_argument("--sizes", help="ensemble: comma-separated K values")
    parser.add_argument("--budget", type=int, help="ensemble: network-steps per timed run")
    parser.add_argument("--samples", type=int, help="mid and memory: rows of data")
    parser.add_argument("--seconds", type=float, help="playground: seconds per measurement")
    parser.add_argument("--rows", type=int, help="tables: rows of the table")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    return args


def _settings(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    quick = args.quick
    sizes = (1, 10, 100, 1000) if quick else (1, 10, 100, 1000, 10_000)
    if args.sizes:
        sizes = tuple(int(size) for size in args.sizes.split(","))
    samples = args.samples or (6_000 if quick else 60_000)
    return {
        "tiny": {"steps": args.steps or (1_000 if quick else 10_000)},
        "ensemble": {"sizes": sizes, "budget": args.budget or (20_000 if quick else 200_000)},
        "mid": {"n_samples": samples},
        "memory": {"n_samples": samples},
        "operations": {"n_samples": samples, "calls": 20 if quick else 200},
        "playground": {"seconds": args.seconds or (1.0 if quick else 3.0)},
        # A million rows take half an hour: ``python -m bench.tables`` runs them on its own.
        "tables": {"rows": (args.rows or (10_000 if quick else 100_000),)},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks; print tables; write the JSON report. Returns 0."""
    args = parse_args(argv)
    import numpy  # noqa: F401  (loaded before the limits below, so that they reach its BLAS)
    from threadpoolctl import threadpool_limits

    from bench import common

    for optional in ("sklearn.neural_network", "torch"):  # their BLAS and OpenMP too
        with contextlib.suppress(ImportError):
            __import__(optional)
    limits = threadpool_limits(args.threads)  # every BLAS and OpenMP pool loaded by now
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # for the memory benchmark's processes
    settings = _settings(args)
    machine = common.machine_info()
    machine["threads"] = args.threads
    machine["cleared"] = os.environ.get("GLASSNET_BENCH_CLEARED", "")
    print(_describe(machine), flush=True)
    report: dict[str, Any] = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine,
        "settings": {name: settings[name] for name in args.only},
        "results": [],
    }
    ours = {"tiny": "glassnet fit", "ensemble": "glassnet Ensemble", "mid": "glassnet fit"}
    for name in args.only:
        module = __import__(f"bench.{name}", fromlist=["run"])
        produced = module.run(repeats=args.repeats, **settings[name])
        for result in produced if isinstance(produced, list) else [produced]:
            first = next(iter(result.samples))
            print("\n" + common.table(result, ours.get(name, first), 3), flush=True)
            if "worst_ms" in result.extra:
                worst = ", ".join(f"{k}: {v:.1f}" for k, v in result.extra["worst_ms"].items())
                print(f"  worst of {sum(result.extra['trials'].values())} trials (ms): {worst}")
            if "gflops" in result.extra:
                rates = ", ".join(f"{k}: {v:.1f}" for k, v in result.extra["gflops"].items())
                print(f"  GFLOP/s: {rates}")
                share = result.extra["share_of_gemm_rate"]
                print(f"  glassnet's rate as a share of GEMM-only (5 products): {share:.0%}")
            report["results"].append(result.to_json())
    report["load_average_after"] = list(os.getloadavg())
    limits.restore_original_limits()
    path = args.out or os.path.join(
        os.path.dirname(os.path.abspath(__file__)),
        "results",
        time.strftime("bench-%Y%m%d-%H%M%S.json"),
    )
    common.write_json(path, report)
    print(f"\nwrote {path}")
    return 0


def _describe(machine: dict[str, Any]) -> str:
    blas = "; ".join(
        f"{pool['prefix']} {pool['version']} {pool.get('architecture') or ''} "
        f"({pool['num_threads']} threads)".replace("  ", " ")
        for pool in machine["blas"]
    )
    return (
        f"{machine['cpu']} ({machine['cpu_count']} cores), load {machine['load_average']}\n"
        f"Python {machine['python']}, numpy {machine['numpy']}, glassnet {machine['glassnet']}, "
        f"torch {machine['torch']}, scikit-learn {machine['sklearn']}; "
        f"threads {machine['threads']}\n"
        f"BLAS: {blas}\n"
        f"cleared for this run: {machine['cleared'] or 'nothing (not set)'}"
    )


if __name__ == "__main__":
    reexec_without_blas_overrides()
    sys.exit(main())
