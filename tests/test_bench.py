"""The benchmarks run end to end at toy sizes, so their code cannot rot (no timings checked).

The figures of bench/RESULTS.md and of the README come from committed JSON results through
``python -m bench.report``: the documents must match what it prints from those files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench import estimators, memory, mid, playground, report
from bench.run import main
from bench.tiny import FLOAT_LOOP

ROOT = Path(__file__).resolve().parents[1]
RESULTS = sorted((ROOT / "bench" / "results").glob("*.json"))


@pytest.fixture(scope="module")
def toy_report(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "report.json"
    argv = ["--only", "tiny,ensemble,mid,operations", "--repeats", "1", "--steps", "20"]
    argv += ["--sizes", "1,3", "--budget", "60", "--samples", "300", "--out", str(out)]
    assert main(argv) == 0
    return json.loads(out.read_text())


def test_bench_command_writes_every_figure(toy_report):
    names = [result["name"] for result in toy_report["results"]]
    assert names == [
        "tiny",
        "ensemble K=1",
        "ensemble K=3",
        "mid float32",
        "mid float64",
        "operations float32",
    ]
    tiny = toy_report["results"][0]
    assert set(tiny["medians"]) == {
        "glassnet fit",
        "ten-line program",
        FLOAT_LOOP,
        "torch manual",
        "torch autograd+SGD",
        "sklearn MLPClassifier",
    }
    assert all(value > 0 for value in tiny["medians"].values())
    assert tiny["largest_relative_difference"] <= 1e-12  # same weights as the loops
    for ensemble in toy_report["results"][1:3]:  # K = 1 and 3: the sketch's weights, every run
        assert ensemble["largest_relative_difference"] <= 1e-12, ensemble["name"]
    mid_result = toy_report["results"][3]
    assert "GEMM only (6 products)" not in mid_result["samples"]
    assert mid_result["flop_per_epoch"] == 300 * 2 * (2 * 784 * 128 + 3 * 128 * 10)
    assert mid_result["share_of_gemm_rate"] > 0
    operations = toy_report["results"][5]
    assert operations["sum_of_parts"] > 0
    assert "softmax + cross-entropy" in operations["samples"]


def test_bench_report_records_where_and_how_it_ran(toy_report):
    machine = toy_report["machine"]
    assert len(machine["commit"]) == 40
    assert isinstance(machine["changed_files"], list)
    assert len(machine["load_average"]) == len(toy_report["load_average_after"]) == 3
    assert machine["threads"] >= 1
    assert machine["blas"]


def test_report_prints_tables_targets_and_the_readme_paragraph(toy_report, tmp_path):
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(toy_report))
    tables = report.render([str(path)])
    assert "**tiny** (µs per step; median, min and max of 1 runs)" in tables
    assert f"| {FLOAT_LOOP} |" in tables
    assert "share of the whole step" in tables
    targets = report.render(["--kind", "targets", str(path), str(path)])
    assert targets.count("\n") == len(report.TARGETS) + 1
    assert "tiny: `fit` per step ≤ 1.0× the same loop on float arrays" in targets
    with pytest.raises(KeyError):  # the toy run has no K = 1,000 ensemble
        report.render(["--kind", "readme", str(path)])


def test_stale_generated_text_is_found_and_rewritten(toy_report, tmp_path):
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(toy_report))
    fresh = report.render(["--kind", "targets", str(path)])
    document = tmp_path / "doc.md"
    begin = f"<!-- python -m bench.report --kind targets {path} -->"
    document.write_text(f"# doc\n{begin}\n\n{fresh}\n\n{report.END}\ntail\n")
    assert report.main(["--check", str(document)]) == 0
    stale = fresh.replace("met", "nearly met", 1)
    document.write_text(f"# doc\n{begin}\n\n{stale}\n\n{report.END}\ntail\n")
    assert report.main(["--check", str(document)]) == 1
    assert report.main(["--update", str(document)]) == 0
    assert document.read_text() == f"# doc\n{begin}\n\n{fresh}\n\n{report.END}\ntail\n"


@pytest.mark.parametrize("document", ["README.md", "bench/RESULTS.md"])
def test_documents_show_what_the_committed_results_say(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    assert "<!-- python -m bench.report " in text
    assert report.regenerate(text) == text, f"run: python -m bench.report --update {document}"


def test_every_committed_result_says_where_and_how_it_ran():
    assert RESULTS, "bench/results/ holds no results"
    for path in RESULTS:
        found = json.loads(path.read_text(encoding="utf-8"))
        machine = found["machine"]
        assert len(machine["commit"]) == 40, path.name
        assert machine["changed_files"] == [], f"{path.name}: run on uncommitted changes"
        assert len(machine["load_average"]) == 3, path.name
        assert len(found["load_average_after"]) == 3, path.name
        assert found["command"].startswith("python -m bench"), path.name
        if "results" in found:
            assert machine["threads"] >= 1, path.name


def test_every_committed_result_is_used_by_a_document():
    text = "\n".join(
        (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "bench/RESULTS.md")
    )
    for path in RESULTS:
        assert f"bench/results/{path.name}" in text, f"{path.name} is in no generated block"


def test_estimators_split_zero_reproduces_the_committed_figures():
    committed = json.loads((ROOT / "bench/results/estimators.json").read_text(encoding="utf-8"))
    settings = committed["settings"]
    for name, entry in committed["data"].items():
        ours, theirs = estimators.accuracies(
            name, 0, tuple(settings["hidden"]), settings["max_iter"]
        )
        assert ours == entry["glassnet"][0], name
        assert theirs == entry["sklearn"][0], name


def test_memory_benchmark_runs_a_fresh_process():
    result = memory.run(repeats=1, n_samples=300, dtypes=("float32",), contenders=("glassnet fit",))
    (figures,) = result.extra["details"]["glassnet fit float32"]
    assert figures["data"] == 300 * (784 * 4 + 8)
    assert figures["peak"] >= figures["before"]


def test_mid_data_follows_a_learnable_rule():
    X, y = mid.make_data(500)
    assert X.dtype == "float32"
    assert X.shape == (500, 784)
    assert X.min() >= 0
    assert X.max() < 1
    assert len(set(y.tolist())) == 10


def test_playground_benchmark_measures_frames_steps_and_latency():
    results = playground.run(repeats=1, seconds=0.5, trials=2)
    assert [result.name for result in results] == [
        "playground frames",
        "playground steps",
        "playground latency",
    ]
    assert set(results[0].samples) == {"default speed (60 epochs/s)", "as fast as it goes"}
    assert set(results[1].samples) == {"playground, as fast as it goes", "Network.fit alone"}
    assert set(results[2].samples) == {"new learning rate", "pause"}
    assert results[2].extra["trials"] == {"new learning rate": 2, "pause": 2}
    assert min(results[2].extra["worst_ms"].values()) > 0
    assert all(value > 0 for result in results for values in result.samples.values()
               for value in values)  # fmt: skip


def test_the_tables_benchmark_reads_writes_predicts_and_solves_beside_its_peers(tmp_path):
    from bench import tables

    results = tables.run(repeats=1, rows=(400,), data=str(tmp_path))
    names = [result.name for result in results]
    assert names == [f"tables {task} 400 rows" for task in ("read", "write", "predict", "solve")]
    read, write, predict, solve = results
    assert list(read.samples)[:3] == [
        "glassnet read_table",
        "numpy.loadtxt",
        "numpy.loadtxt, tuned",
    ]
    assert set(write.samples) == {"glassnet write (rewrite)", "pandas to_csv"}
    assert all(seconds[0] > 0 for seconds in read.samples.values())
    assert all(peak[0] >= 0 for peak in read.extra["peak_mb"].values())
    assert set(solve.extra["accuracy"]) == {"glassnet solve", "pandas + scikit-learn"}
    assert all(0 <= score[0] <= 1 for score in solve.extra["accuracy"].values())
    assert (
        predict.extra["accuracy"]["glassnet predict (streamed)"]
        == solve.extra["accuracy"]["glassnet solve"]
    )  # the model trained on the same table with the same recipe answers alike
    markdown = tables.markdown({"results": [result.to_json() for result in results]})
    assert "| glassnet solve |" in markdown
    assert "accuracy on the '?' rows" in markdown
