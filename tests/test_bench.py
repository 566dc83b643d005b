"""The benchmarks run end to end at toy sizes, so their code cannot rot (no timings checked)."""

from __future__ import annotations

import json

from bench import memory, mid, playground
from bench.run import main


def test_bench_command_writes_every_figure(tmp_path, capsys):
    out = tmp_path / "report.json"
    argv = ["--only", "tiny,ensemble,mid", "--repeats", "1", "--steps", "20"]
    argv += ["--sizes", "1,3", "--budget", "60", "--samples", "300", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "BLAS:" in printed
    assert "fraction of GEMM-only" in printed
    report = json.loads(out.read_text())
    names = [result["name"] for result in report["results"]]
    assert names == ["tiny", "ensemble K=1", "ensemble K=3", "mid float32", "mid float64"]
    tiny = report["results"][0]["medians"]
    assert set(tiny) == {
        "glassnet fit",
        "ten-line program",
        "torch manual",
        "torch autograd+SGD",
        "sklearn MLPClassifier",
    }
    assert all(value > 0 for value in tiny.values())
    assert report["machine"]["blas"]
    assert report["results"][3]["fraction_of_gemm_rate"]["6 products"] > 0


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
