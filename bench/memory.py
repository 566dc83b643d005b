"""memory: peak resident memory while training the mid problem, relative to its data's size.

Each contender runs in a fresh process (``python -m bench.memory CONTENDER DTYPE N``) that
imports its libraries, notes its resident size, builds the data, trains one epoch and reports its
peak (VmHWM). Figure: (peak − size before the data) / bytes of X and y; 1.0 would mean training
needed nothing beyond the data itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from bench.common import Result

CONTENDERS = ("glassnet fit", "torch autograd+SGD", "sklearn MLPClassifier")


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def worker(contender: str, dtype: str, n_samples: int) -> dict[str, Any]:
    """Run in the child: train one epoch and return the memory figures in bytes."""
    from bench import mid

    run = {
        "glassnet fit": mid.glassnet_epoch,
        "torch autograd+SGD": mid.torch_epoch,
        "sklearn MLPClassifier": mid.sklearn_epoch,
    }[contender]
    if contender.startswith("torch"):
        import torch  # noqa: F401  (imported before the baseline, like the others' libraries)
    elif contender.startswith("sklearn"):
        import sklearn.neural_network  # noqa: F401
    else:
        import glassnet  # noqa: F401
    before = _status_kib("VmRSS") * 1024
    X, y = mid.make_data(n_samples)
    data = X.nbytes + y.nbytes
    run(X, y, dtype)()  # setup (e.g. torch's float64 copy) and one epoch
    peak = _status_kib("VmHWM") * 1024
    return {"before": before, "data": data, "peak": peak, "ratio": (peak - before) / data}


def run(
    repeats: int,
    n_samples: int = 60_000,
    dtypes: tuple[str, ...] = ("float32", "float64"),
    contenders: tuple[str, ...] = CONTENDERS,
    **_: Any,
) -> Result:
    """Peak training memory over data size, per contender and dtype (one process each)."""
    result = Result("memory", "× data size (peak RSS − RSS before the data)")
    details: dict[str, list[dict[str, Any]]] = {}
    for _ in range(max(1, min(repeats, 2))):
        for dtype in dtypes:
            for contender in contenders:
                name = f"{contender} {dtype}"
                output = subprocess.run(
                    [sys.executable, "-m", "bench.memory", contender, dtype, str(n_samples)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                ).stdout
                figures = json.loads(output.strip().splitlines()[-1])
                result.samples.setdefault(name, []).append(figures["ratio"])
                details.setdefault(name, []).append(figures)
    result.extra["details"] = details
    return result


if __name__ == "__main__":
    print(json.dumps(worker(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
