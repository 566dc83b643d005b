"""``glassnet export``: model files as ONNX graphs and PyTorch programs, through main([...])."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime
import pytest
import torch

import glassnet as gn
from glassnet.cli import main
from tests.test_export import random_network, raw_feeds, table_text


@pytest.fixture
def table_model_file(rng, tmp_path):
    table = gn.parse_table(table_text(rng, "multiclass"))
    model = gn.TableModel(epochs=20).fit(table)
    path = tmp_path / "table.safetensors"
    model.save(path)
    return path, model, table


@pytest.fixture
def network_file(rng, tmp_path):
    net = random_network(rng, "relu", "sigmoid", "float64")
    path = tmp_path / "net.safetensors"
    gn.save(path, net)
    return path, net


def run_onnx(path, feeds):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def test_export_table_model_onnx_reads_raw_columns(table_model_file, tmp_path, capsys):
    path, model, table = table_model_file
    out = tmp_path / "table.onnx"
    assert main(["export", str(path), "-o", str(out)]) == 0
    assert capsys.readouterr().out == (
        f"wrote {out} (onnx, float64): inputs size, colour, weight; outputs Y, label\n"
    )
    probabilities, labels = run_onnx(out, raw_feeds(table))
    np.testing.assert_allclose(probabilities, model.predict(table), rtol=1e-12, atol=1e-12)
    assert labels.tolist() == [answer[0] for answer in model.answers(table)]


def test_export_network_onnx_float32_json(network_file, tmp_path, capsys):
    path, net = network_file
    out = tmp_path / "net.onnx"
    assert main(["export", str(path), "--format", "onnx", "--dtype", "float32", "-o", str(out),
                 "--json"]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "command": "export",
        "model": str(path),
        "format": "onnx",
        "output": str(out),
        "dtype": "float32",
        "table_model": False,
        "inputs": ["X"],
        "outputs": ["Y"],
    }
    X = np.random.default_rng(0).normal(size=(6, net.n_inputs))
    (Y,) = run_onnx(out, {"X": X.astype(np.float32)})
    assert Y.dtype == np.float32
    np.testing.assert_allclose(Y, net.predict(X), rtol=1e-5, atol=1e-6)


def test_export_torch_program_matches_predict(network_file, tmp_path, capsys):
    path, net = network_file
    out = tmp_path / "net.pt2"
    assert main(["export", str(path), "--format", "torch", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"wrote {out} (torch, float64): inputs X; outputs Y\n"
    assert captured.err == ""
    module = torch.export.load(str(out)).module()
    for n_rows in (1, 5):
        X = np.random.default_rng(n_rows).normal(size=(n_rows, net.n_inputs))
        with torch.no_grad():
            got = module(torch.from_numpy(X)).numpy()
        np.testing.assert_allclose(got, net.predict(X), rtol=1e-12, atol=1e-15)


def test_export_torch_of_a_table_model_notes_the_encoded_inputs(table_model_file, tmp_path, capsys):
    path, _, _ = table_model_file
    assert main(["export", str(path), "--format", "torch", "-o", str(tmp_path / "t.pt2")]) == 0
    assert "takes the encoded inputs" in capsys.readouterr().err


def test_export_errors_exit_codes(network_file, tmp_path, capsys):
    path, _ = network_file
    not_a_model = tmp_path / "junk.safetensors"
    not_a_model.write_bytes(b"not a model")
    cases = [
        (["export", str(tmp_path / "missing.safetensors"), "-o", str(tmp_path / "m.onnx")], 66),
        (["export", str(not_a_model), "-o", str(tmp_path / "m.onnx")], 65),
        (["export", str(path), "-o", str(tmp_path / "no" / "dir" / "m.onnx")], 73),
        (["export", str(path), "--format", "keras", "-o", str(tmp_path / "m.h5")], 2),
        (["export", str(path)], 2),  # -o is required
    ]
    for argv, code in cases:
        assert main(argv) == code, argv
        assert capsys.readouterr().err.startswith(("glassnet: error:", "usage:")), argv
