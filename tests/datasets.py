"""scikit-learn's bundled iris and diabetes tables written as CSV files, for the tests.

Nothing is downloaded: both ship inside scikit-learn. iris keeps its class names as labels in
the last column; diabetes keeps its measurements unscaled, the disease progression last.
"""

from __future__ import annotations

from pathlib import Path


def write_iris(folder: Path) -> str:
    """Write iris.csv (sepal_length, sepal_width, petal_length, petal_width, species)."""
    from sklearn.datasets import load_iris

    data = load_iris()
    path = folder / "iris.csv"
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for row, target in zip(data.data, data.target, strict=True):
        lines.append(",".join(f"{v:g}" for v in row) + "," + data.target_names[target])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def write_diabetes(folder: Path) -> str:
    """Write diabetes.csv: ten measurements, then the progression a year later."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    path = folder / "diabetes.csv"
    lines = [",".join([*data.feature_names, "progression"])]
    for row, target in zip(data.data, data.target, strict=True):
        lines.append(",".join(f"{v:g}" for v in [*row, target]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
