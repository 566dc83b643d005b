"""tables: reading and solving big tables, beside NumPy, the csv module, pandas and scikit-learn.

The table: ``rows`` rows of 20 numbers (written as ``%.6g``) and a label among three that depends
on them, a fifth of the labels ``?`` (their true labels kept aside). At 100,000 rows it is about
19 MB of CSV. Each contender runs in a fresh process (``python -m bench.tables worker ...``) that
imports its libraries, notes its resident size, then does its work; it reports the seconds the
work took (imports not counted) and its peak resident memory above the size before (VmHWM −
VmRSS), so one contender's garbage never weighs on another's figure.

Reading (figure: seconds; memory: MB):

- ``glassnet read_table``: typed columns, missing cells, line numbers for messages;
- ``numpy.loadtxt``: the 20 number columns only, as it is usually called (``delimiter``,
  ``skiprows``, ``usecols``); ``numpy.loadtxt, tuned``: every column into one record a row
  (labels as bytes), no comment or quote handling, its quickest way to this table;
- ``csv module``: ``csv.reader`` into lists of strings, nothing typed;
- ``pandas.read_csv`` (C engine), and ``pyarrow.csv.read_csv`` when pyarrow is installed.

Solving (read, learn the known rows, fill the ``?`` labels, write the filled table):

- ``glassnet solve``: the command line, its default recipe (``glassnet solve FILE -o OUT -q``);
- ``pandas + scikit-learn``: ``read_csv``, ``StandardScaler``, ``MLPClassifier`` with 16 hidden
  neurons, batches of 200 and 20 epochs (``max_iter=20``), ``predict``, ``to_csv``.

Each solve also reports its accuracy on the ``?`` rows against the kept labels. Writing alone
(the filled table, as ``glassnet solve`` writes it, beside ``DataFrame.to_csv``) is timed too,
and ``glassnet predict`` (a model trained on the first size's table) over each table, read and
written a piece at a time: its peak memory should not grow with the table.

Usage: ``python -m bench --only tables`` or ``python -m bench.tables [--rows 100000,1000000]
[--repeats 3] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``bench`` importable from the repository
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Result

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_NUMBERS = 20
LABELS = ("alpha", "beta", "gamma")
READERS = (
    "glassnet read_table",
    "numpy.loadtxt",
    "numpy.loadtxt, tuned",
    "csv module",
    "pandas.read_csv",
)
SOLVERS = ("glassnet solve", "pandas + scikit-learn")
WRITERS = ("glassnet write (rewrite)", "pandas to_csv")
PREDICTORS = ("glassnet predict (streamed)",)


# -- the table -----------------------------------------------------------------------------------


def make_table(path: str, rows: int, seed: int = 0) -> None:
    """Write the table and, beside it (``path + ".truth.npy"``), every row's true label."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(N_NUMBERS, len(LABELS)))
    header = ",".join(f"x{j}" for j in range(N_NUMBERS)) + ",kind\n"
    truth = []
    with open(path + ".part", "w", encoding="utf-8") as handle:
        handle.write(header)
        for start in range(0, rows, 50_000):
            n = min(50_000, rows - start)
            X = rng.normal(size=(n, N_NUMBERS))  # (n, 20)
            logits = np.tanh(X @ weights) * 3 + rng.normal(scale=0.5, size=(n, len(LABELS)))
            y = np.array(LABELS)[logits.argmax(axis=1)]
            hidden = rng.random(n) < 0.2
            cells = np.char.mod("%.6g", X)
            written = np.where(hidden, "?", y)
            lines = [",".join(row) + "," + label for row, label in zip(cells, written, strict=True)]
            handle.write("\n".join(lines) + "\n")
            truth.append(y)
    np.save(path + ".truth.npy", np.concatenate(truth))
    os.replace(path + ".part", path)


# -- one contender, in its own process -----------------------------------------------------------


def _status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _read(contender: str, path: str) -> Callable[[], Any]:
    if contender == "glassnet read_table":
        from glassnet.data import read_table

        return lambda: read_table(path)
    if contender == "numpy.loadtxt":
        import numpy as np

        columns = range(N_NUMBERS)
        return lambda: np.loadtxt(path, delimiter=",", skiprows=1, usecols=columns)
    if contender == "numpy.loadtxt, tuned":
        import numpy as np

        # Every column, as glassnet reads them: one record a row, the labels as bytes; no
        # comment or quote handling. NumPy's quickest way to this table.
        dtype = [(f"x{j}", "f8") for j in range(N_NUMBERS)] + [("kind", "S8")]
        return lambda: np.loadtxt(
            path, delimiter=",", skiprows=1, dtype=dtype, comments=None, quotechar=None,
            encoding="ascii",
        )  # fmt: skip
    if contender == "csv module":
        import csv

        def read_csv_module() -> list[list[str]]:
            with open(path, newline="", encoding="utf-8") as handle:
                return list(csv.reader(handle))

        return read_csv_module
    if contender == "pandas.read_csv":
        import pandas as pd

        return lambda: pd.read_csv(path)
    if contender == "pyarrow.csv.read_csv":
        from pyarrow import csv as arrow_csv

        return lambda: arrow_csv.read_csv(path)
    raise ValueError(f"unknown reader {contender!r}")


def _solve(contender: str, path: str, out: str) -> Callable[[], Any]:
    if contender == "glassnet solve":
        from glassnet.cli import main

        def solve() -> None:
            if main(["solve", path, "-o", out, "-q"]) != 0:
                raise RuntimeError("glassnet solve failed")

        return solve
    if contender == "pandas + scikit-learn":
        import warnings

        import pandas as pd
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from sklearn.preprocessing import StandardScaler

        def pipeline() -> None:
            frame = pd.read_csv(path)
            known = (frame["kind"] != "?").to_numpy()
            X = frame.drop(columns="kind").to_numpy()
            y = frame["kind"].to_numpy()
            scaler = StandardScaler().fit(X[known])
            model = MLPClassifier(
                hidden_layer_sizes=(16,), batch_size=200, max_iter=20, random_state=0
            )
            with warnings.catch_warnings():  # 20 epochs stop short of convergence on purpose
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(scaler.transform(X[known]), y[known])
            frame.loc[~known, "kind"] = model.predict(scaler.transform(X[~known]))
            frame.to_csv(out, index=False)

        return pipeline
    raise ValueError(f"unknown solver {contender!r}")


def _write(contender: str, path: str, out: str) -> tuple[Callable[[], Any], Any]:
    """The filled table's writer, and what it writes (read before the clock starts)."""
    if contender == "glassnet write (rewrite)":
        import numpy as np

        from glassnet.data import read_table
        from glassnet.data.rewriting import rewrite_table
        from glassnet.io.atomic import write_atomically

        table = read_table(path)
        column = table.n_columns - 1
        missing = np.flatnonzero(table.missing(column))
        answers = {int(i): [LABELS[k % 3]] for k, i in enumerate(missing)}

        def write() -> None:  # as glassnet solve -o writes: the text, then an atomic rename
            text = rewrite_table(table, answers, [column])
            write_atomically(out, text.encode("utf-8"))

        return write, table
    if contender == "pandas to_csv":
        import pandas as pd

        frame = pd.read_csv(path)
        known = frame["kind"] != "?"
        frame.loc[~known, "kind"] = [LABELS[k % 3] for k in range(int((~known).sum()))]
        return (lambda: frame.to_csv(out, index=False)), frame
    raise ValueError(f"unknown writer {contender!r}")


def model_path(folder: str) -> str:
    """The model ``glassnet predict`` uses: trained on the first table by ``run``."""
    return os.path.join(folder, "model.safetensors")


def _predict(path: str, out: str) -> Callable[[], Any]:
    from glassnet.cli import main

    model = model_path(os.path.dirname(path))

    def predict() -> None:
        if main(["predict", model, path, "-o", out, "-q"]) != 0:
            raise RuntimeError("glassnet predict failed")

    return predict


def _accuracy(path: str, out: str) -> float:
    """Accuracy of the filled labels on the table's '?' rows."""
    import numpy as np
    import pandas as pd

    given = pd.read_csv(path, usecols=["kind"])["kind"].to_numpy()
    filled = pd.read_csv(out, usecols=["kind"])["kind"].to_numpy()
    truth = np.load(path + ".truth.npy")
    asked = given == "?"
    return float(np.mean(filled[asked] == truth[asked]))


def worker(task: str, contender: str, path: str) -> dict[str, Any]:
    """Run one contender once in this process; its seconds and peak memory above the start."""
    out = tempfile.mktemp(suffix=".csv", dir=os.path.dirname(path))
    kept: Any = None
    if task == "read":
        work = _read(contender, path)
    elif task == "predict":
        work = _predict(path, out)
    elif task == "solve":
        work = _solve(contender, path, out)
    else:
        work, kept = _write(contender, path, out)
    before = _status_bytes("VmRSS")
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = _status_bytes("VmHWM") - before
    del result, kept
    figures: dict[str, Any] = {"seconds": seconds, "peak_bytes": peak}
    if task in ("solve", "predict"):
        figures["accuracy"] = _accuracy(path, out)
    if os.path.exists(out):
        os.remove(out)
    return figures


def _in_process(task: str, contender: str, path: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.tables", "worker", task, contender, path],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if output.returncode != 0:
        raise RuntimeError(f"{task} {contender} failed:\n{output.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return figures


# -- the benchmark ---------------------------------------------------------------------------------


def _train(path: str, model: str) -> None:
    import contextlib
    import io

    from glassnet.cli import main

    with contextlib.redirect_stdout(io.StringIO()):  # its summary: not a figure here
        trained = main(["train", path, "-o", model, "-q"])
    if trained != 0:
        raise RuntimeError("glassnet train failed")


def _have(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _measure(
    task: str, contenders: Sequence[str], path: str, repeats: int, rows: int, ours: str
) -> Result:
    unit = "seconds (memory: peak MB above the start)"
    result = Result(f"tables {task} {rows:,} rows", unit)
    memory: dict[str, list[float]] = {name: [] for name in contenders}
    accuracy: dict[str, list[float]] = {name: [] for name in contenders}
    for repeat in range(repeats):
        shift = repeat % len(contenders)
        for name in [*contenders[shift:], *contenders[:shift]]:
            figures = _in_process(task, name, path)
            result.samples.setdefault(name, []).append(figures["seconds"])
            memory[name].append(figures["peak_bytes"] / 1e6)
            if "accuracy" in figures:
                accuracy[name].append(figures["accuracy"])
            print(f"  {task} {rows:,} {name}: {figures}", file=sys.stderr, flush=True)
    result.samples = {name: result.samples[name] for name in contenders}
    result.extra["peak_mb"] = memory
    result.extra["ours"] = ours
    result.extra["rows"] = rows
    result.extra["file_mb"] = os.path.getsize(path) / 1e6
    if any(accuracy.values()):
        result.extra["accuracy"] = accuracy
    return result


def run(
    repeats: int = 3,
    rows: Sequence[int] = (100_000, 1_000_000),
    solve_rows: Sequence[int] | None = None,
    data: str | None = None,
    predict_rows: Sequence[int] = (),
    **_: Any,
) -> list[Result]:
    """Read, write, predict and solve at each size; one Result per task and size.

    ``predict_rows`` are further sizes where only ``glassnet predict`` runs (its memory bound).
    """
    readers = [*READERS, *(["pyarrow.csv.read_csv"] if _have("pyarrow") else [])]
    folder = data or os.path.join(tempfile.gettempdir(), "glassnet-bench-tables")
    os.makedirs(folder, exist_ok=True)
    results = []
    for n in [*rows, *predict_rows]:  # the model for predict: trained on the first table
        path = os.path.join(folder, f"table-{n}.csv")
        if not os.path.exists(path + ".truth.npy") or not os.path.exists(path):
            print(f"  writing {path}", file=sys.stderr, flush=True)
            make_table(path, n)
        if not os.path.exists(model_path(folder)):
            _train(path, model_path(folder))
        if n not in rows:
            results.append(_measure("predict", PREDICTORS, path, 1, n, PREDICTORS[0]))
            continue
        results.append(_measure("read", readers, path, repeats, n, "glassnet read_table"))
        results.append(_measure("write", WRITERS, path, repeats, n, "glassnet write (rewrite)"))
        results.append(_measure("predict", PREDICTORS, path, 1, n, PREDICTORS[0]))
        if solve_rows is None or n in solve_rows:
            solves = max(1, min(repeats, 3))
            results.append(_measure("solve", SOLVERS, path, solves, n, "glassnet solve"))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the table benchmark alone and write its JSON (``python -m bench.tables``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["worker"]:
        print(json.dumps(worker(*arguments[1:4])))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench.tables", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated table sizes")
    parser.add_argument("--predict-rows", help="sizes to time glassnet predict alone at, too")
    parser.add_argument("--solve-rows", help="sizes to solve at (default: every size)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", help="folder for the generated tables (kept between runs)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "tables.json"))
    args = parser.parse_args(arguments)
    from bench import common

    sizes = [int(n) for n in args.rows.split(",") if n]  # --rows "": predict sizes alone
    solve = None if args.solve_rows is None else [int(n) for n in args.solve_rows.split(",")]
    predict = [int(n) for n in args.predict_rows.split(",")] if args.predict_rows else []
    machine = common.machine_info()
    machine["threads"] = os.cpu_count() or 1  # each contender's libraries choose their own
    produced = run(args.repeats, sizes, solve, args.data, predict)
    for result in produced:
        print("\n" + common.table(result, result.extra["ours"], 3))
        peaks = ", ".join(f"{k}: {min(v):.0f}" for k, v in result.extra["peak_mb"].items())
        print(f"  peak MB (least of the repeats): {peaks}")
        if "accuracy" in result.extra:
            scores = ", ".join(f"{k}: {v[0]:.4f}" for k, v in result.extra["accuracy"].items())
            print(f"  accuracy on the '?' rows: {scores}")
    report = {
        "kind": "tables",
        "command": "python -m bench.tables " + " ".join(arguments),
        "machine": machine,
        "results": [result.to_json() for result in produced],
        "load_average_after": list(os.getloadavg()),
    }
    common.write_json(args.out, report)
    print(f"\nwrote {args.out}")
    return 0


def markdown_report(report: dict[str, Any]) -> list[str]:
    """What ``python -m bench.report`` prints for a ``tables`` report, after its provenance."""
    return ["", markdown(report).rstrip()]


if __name__ == "__main__":
    sys.exit(main())


def markdown(report: dict[str, Any]) -> str:
    """The Markdown of a ``tables`` report: per task and size, each contender's figures."""
    lines = []
    for result in report["results"]:
        ours = result["ours"]
        medians = result["medians"]
        accuracy = result.get("accuracy", {})
        head = "| contender | seconds (median) | ours / it | peak MB |"
        rule = "|---|---:|---:|---:|"
        if accuracy:
            head, rule = head + " accuracy on the '?' rows |", rule + "---:|"
        size = f"{result['file_mb']:.0f}" if result["file_mb"] >= 10 else f"{result['file_mb']:.1f}"
        lines += [f"**{result['name']}** ({size} MB of CSV)", "", head, rule]
        for name, seconds in medians.items():
            peak = min(result["peak_mb"][name])
            row = f"| {name} | {seconds:.2f} | {medians[ours] / seconds:.2f} | {peak:.0f} |"
            if accuracy:
                row += f" {accuracy[name][0]:.4f} |"
            lines.append(row)
        lines.append("")
    return "\n".join(lines)
