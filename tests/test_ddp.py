"""The scale-out example: DistributedDataParallel on two processes equals full-batch training."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

import glassnet as gn

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_ddp_example_matches_single_process_full_batch_training(monkeypatch):
    # The spawned processes import the example by name, so its folder goes on sys.path (which
    # multiprocessing hands to the children).
    monkeypatch.syspath_prepend(str(EXAMPLES))
    ddp = importlib.import_module("ddp")
    result = ddp.run(pretrain_epochs=20, steps=10, world_size=2)
    assert result["max_difference"] <= 1e-10
    assert result["loss_after"] < result["loss_before"]
    trained, reference = result["network"], result["reference"]
    assert isinstance(trained, gn.Network)
    assert [repr(layer) for layer in trained.layers] == [repr(layer) for layer in reference.layers]
    X, _ = ddp.make_data()
    np.testing.assert_allclose(trained.predict(X), reference.predict(X), rtol=0, atol=1e-10)


def test_ddp_on_shards_of_a_table_file_matches_single_process_full_batch_training(monkeypatch):
    # Three processes, each reading only its byte range of the file: unequal numbers of rows,
    # which the example weighs so that DDP's average is the full-batch gradient.
    monkeypatch.syspath_prepend(str(EXAMPLES))
    ddp = importlib.import_module("ddp")
    result = ddp.run_table(pretrain_epochs=10, steps=10, world_size=3)
    assert sum(result["shard_rows"]) == result["rows"]
    assert len(set(result["shard_rows"])) > 1
    assert result["max_difference"] <= 1e-10
    assert result["loss_after"] < result["loss_before"]
