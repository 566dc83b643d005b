"""How glassnet tells and draws iris: `python docs/iris_checks.py > docs/iris-checks.txt`.

The figures behind the claims about iris (4 inputs, 16 hidden units, 3 classes): the length of
`glassnet explain iris.csv` by default, with every unit (`--full --max-examples 8`) and with
every number (`--full`), the size of its `--json`, and, for the default boundary and for the
first two inputs, the share of rows whose shaded class under the row's point is the network's
answer (sampled pixels, as tests/test_pictures_at_size.py measures it). Needs the `dev` extra.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' helpers: the iris table and the pixel sampling

from tests.datasets import write_iris  # noqa: E402
from tests.test_pictures_at_size import shaded_agreement  # noqa: E402

from glassnet.cli import main  # noqa: E402
from glassnet.data import read_table  # noqa: E402
from glassnet.tables.model import TableModel  # noqa: E402


def told(argv: list[str]) -> str:
    """What ``glassnet argv`` prints on stdout."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def report() -> None:
    """Print every figure, one per line."""
    with tempfile.TemporaryDirectory() as work:
        table = write_iris(Path(work))
        for name, extra in (
            ("glassnet explain iris.csv", []),
            (
                "glassnet explain iris.csv --full --max-examples 8",
                ["--full", "--max-examples", "8"],
            ),
            ("glassnet explain iris.csv --full", ["--full"]),
        ):
            print(f"{name}: {len(told(['explain', table, *extra]).splitlines())} lines")
        size = len(told(["explain", table, "--json"]).encode("utf-8"))
        print(f"glassnet explain iris.csv --json: {size} bytes")
        model = TableModel().fit(read_table(table))
        X, Y = model.encode(read_table(table))
        for name, inputs in (("default pair", None), ("inputs 1 2 (sepals)", (0, 1))):
            agreement, ax = shaded_agreement(model, X, Y, inputs)
            pair = f"{ax.get_xlabel().splitlines()[0]} and {ax.get_ylabel()}"
            print(f"boundary, {name} ({pair}): shade agrees with the network on {agreement:.1%}")


if __name__ == "__main__":
    report()
