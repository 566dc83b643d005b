"""Model files: round trips, PyTorch compatibility, refusals, atomic writes, the checksum."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import re
import stat
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet import io
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network


def small_network(dtype: str = "float64", rng: int = 0) -> gn.Network:
    return gn.Network(
        [
            gn.Dense(3, 5, activation="tanh"),
            gn.Dense(5, 4, activation="leaky_relu", bias=False),
            gn.Dense(4, 2, activation="softmax"),
        ],
        optimizer=gn.Adam(lr=0.01, betas=(0.8, 0.99)),
        rng=rng,
        dtype=dtype,
    )


def trained_network(dtype: str = "float64") -> gn.Network:
    net = small_network(dtype)
    X = np.random.default_rng(1).normal(size=(20, 3))
    net.fit(X, (X[:, 0] > 0).astype(int), epochs=5)
    return net


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, gn.Network]:
    net = trained_network()
    path = tmp_path / "model.safetensors"
    gn.save(path, net, metadata={"columns": ["a", "b", "c"]})
    return path, net


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_save_load_predictions_are_bit_identical(tmp_path, dtype):
    net = trained_network(dtype)
    path = tmp_path / "net.safetensors"
    gn.save(path, net)
    loaded = gn.load(path)
    X = np.random.default_rng(2).normal(size=(50, 3))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert loaded.dtype == net.dtype
    assert loaded.predict(X).dtype == np.dtype(dtype)


def test_load_restores_architecture_and_settings(saved):
    path, net = saved
    loaded = gn.load(path)
    assert repr(loaded) == repr(net)
    assert loaded.init == net.init
    assert loaded.optimizer.get_config() == net.optimizer.get_config()
    for before, after in zip(net.layers, loaded.layers, strict=True):
        assert after.activation == before.activation
        np.testing.assert_array_equal(after.weights, before.weights)
        assert after.weights.flags.c_contiguous


def test_load_with_metadata_returns_callers_metadata(tmp_path):
    net = small_network()
    metadata = {
        "columns": ["x", "y", "z"],
        "scale": np.array([1.5, 2.0]),
        "classes": ("no", "yes"),
        "metrics": {"accuracy": np.float64(0.75), "n": np.int64(3)},
        "note": "ünïcode",
    }
    path = tmp_path / "m.safetensors"
    gn.save(path, net, metadata=metadata)
    _, read = gn.load_with_metadata(path)
    assert read == {
        "columns": ["x", "y", "z"],
        "scale": [1.5, 2.0],
        "classes": ["no", "yes"],
        "metrics": {"accuracy": 0.75, "n": 3},
        "note": "ünïcode",
    }


def test_read_metadata_describes_the_network(saved):
    path, net = saved
    document = io.read_metadata(path)
    assert document["format"] == "glassnet.network"
    assert document["format_version"] == 1
    assert document["glassnet_version"] == gn.__version__
    assert document["dtype"] == "float64"
    assert document["loss"] == "categorical_crossentropy"
    assert document["optimizer"] == {
        "name": "adam",
        "config": {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-8, "weight_decay": 0.0},
    }
    assert [layer["activation"] for layer in document["layers"]] == [
        "tanh",
        "leaky_relu",
        "softmax",
    ]
    assert document["layers"][1] == {
        "n_in": 5,
        "n_out": 4,
        "activation": "leaky_relu",
        "activation_config": {"negative_slope": 0.01},
        "bias": False,
    }
    assert document["n_parameters"] == net.n_parameters
    assert document["metadata"] == {"columns": ["a", "b", "c"]}


def test_tutorial_network_round_trip(tmp_path):
    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    path = tmp_path / "tutorial.safetensors"
    gn.save(path, net)
    loaded = gn.load(path)
    assert f"{loaded.predict([[1, 0, 0]])[0, 0]:.8f}" == "0.99993704"
    assert isinstance(loaded.optimizer, gn.SGD)
    assert loaded.optimizer.get_config() == net.optimizer.get_config()
    assert loaded.loss.name == "sse"


ACTIVATION_NAMES = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]


@st.composite
def networks(draw: st.DrawFn) -> gn.Network:
    widths = draw(st.lists(st.integers(1, 6), min_size=2, max_size=5))
    layers = [
        gn.Dense(
            n_in,
            n_out,
            activation=draw(st.sampled_from(ACTIVATION_NAMES)),
            bias=draw(st.booleans()),
        )
        for n_in, n_out in itertools.pairwise(widths)
    ]
    if layers[-1].activation.name == "softmax" and layers[-1].n_out == 1:
        layers[-1] = gn.Dense(layers[-1].n_in, 2, activation="softmax")  # 1-way softmax is refused
    optimizer = draw(
        st.sampled_from(
            [gn.SGD(lr=0.5, momentum=0.9, nesterov=True, weight_decay=1e-3), gn.Adam(), "sgd"]
        )
    )
    return gn.Network(
        layers,
        optimizer=optimizer,
        init=draw(st.sampled_from(["auto", "uniform", "glorot", "he"])),
        rng=draw(st.integers(0, 2**32 - 1)),
        dtype=draw(st.sampled_from(["float64", "float32"])),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(net=networks(), seed=st.integers(0, 2**32 - 1))
def test_round_trip_random_architectures(tmp_path, net, seed):
    path = tmp_path / "random.safetensors"
    gn.save(path, net)
    loaded = gn.load(path)
    X = np.random.default_rng(seed).normal(size=(7, net.n_inputs)) * 3
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert repr(loaded) == repr(net)


# -- PyTorch reads the same file ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_file_loads_into_torch_sequential(tmp_path, dtype):
    import torch
    from safetensors.torch import load_file

    net = trained_network(dtype)
    path = tmp_path / "torch.safetensors"
    gn.save(path, net)
    torch_dtype = torch.float64 if dtype == "float64" else torch.float32
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 5, dtype=torch_dtype),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 4, bias=False, dtype=torch_dtype),
        torch.nn.LeakyReLU(0.01),
        torch.nn.Linear(4, 2, dtype=torch_dtype),
        torch.nn.Softmax(dim=1),
    )
    model.load_state_dict(load_file(path), strict=True)
    X = np.random.default_rng(3).normal(size=(30, 3)).astype(dtype)
    with torch.no_grad():
        expected = model(torch.from_numpy(X)).numpy()
    tolerance = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(net.predict(X), expected, rtol=tolerance, atol=tolerance)


# -- refusals -----------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(gn.InputNotFoundError, match="does not exist") as caught:
        gn.load(tmp_path / "nope.safetensors")
    assert caught.value.exit_code == 66


def test_directory(tmp_path):
    with pytest.raises(gn.InputNotFoundError, match="is a directory"):
        gn.load(tmp_path)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_device_file():
    with pytest.raises(gn.InputNotFoundError, match="is a device"):
        gn.load("/dev/null")


def refuse(path: Path, data: bytes, match: str) -> gn.ModelFileError:
    path.write_bytes(data)
    with pytest.raises(gn.ModelFileError, match=match) as caught:
        gn.load(path)
    assert caught.value.exit_code == 65
    return caught.value


def test_empty_file(tmp_path):
    refuse(tmp_path / "empty.safetensors", b"", "not a glassnet model file: the file is empty")


def test_short_file(tmp_path):
    refuse(tmp_path / "short.safetensors", b"abc", "too short")


def test_random_bytes(tmp_path):
    data = np.random.default_rng(5).bytes(4096)
    refuse(tmp_path / "random.safetensors", data, "not a glassnet model file")


def test_text_file(tmp_path):
    refuse(
        tmp_path / "table.safetensors",
        b"0 0 1 0\n1 1 1 1\n" * 20,
        re.escape(
            "not a glassnet model file: it holds text (it starts '0 0 1 0'), perhaps a table"
        ),
    )
    long_line = "\ufeffsepal length,sepal width,petal length,species\n5.1,3.5,1.4,setosa\n"
    refuse(
        tmp_path / "iris.csv",
        long_line.encode(),
        "it starts 'sepal length,sepal width,petal length,sp…'",
    )


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickle_is_refused_without_running_it(tmp_path, protocol):
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Exploit(str(marker)), protocol=protocol)
    error = refuse(tmp_path / "model.pkl", payload, "looks like a pickle")
    assert "can run arbitrary code" in str(error)
    assert not marker.exists()


class _Exploit:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_tiny_pickle_is_refused(tmp_path):
    refuse(tmp_path / "none.pkl", pickle.dumps(None, protocol=2), "looks like a pickle")


def test_model_whose_header_length_looks_like_a_pickle_loads(tmp_path):
    # A header of 0x280 (or 0x380, ...) bytes starts the file as a pickle does: 0x80 0x02.
    net = gn.Network([gn.Dense(1, 1, bias=False)])
    path = tmp_path / "m.safetensors"
    gn.save(path, net, metadata={"pad": ""})
    (length,) = struct.unpack("<Q", path.read_bytes()[:8])
    target = min(size for size in (0x280, 0x380, 0x480, 0x580) if size >= length)
    padding = target - length  # safetensors pads the header with spaces to a multiple of 8
    gn.save(path, net, metadata={"pad": "x" * padding})
    assert path.read_bytes()[:1] == b"\x80"
    assert gn.load_with_metadata(path)[1] == {"pad": "x" * padding}


def test_torch_save_archive_is_refused(tmp_path):
    import torch

    path = tmp_path / "model.pt"
    torch.save({"0.weight": torch.zeros(2, 2)}, path)
    with pytest.raises(gn.ModelFileError, match="looks like a pickle"):
        gn.load(path)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_file(saved, keep):
    path, _ = saved
    data = path.read_bytes()
    refuse(path, data[: int(len(data) * keep)], "truncated|not a glassnet model file")


def test_truncated_in_tensor_data_says_truncated(saved):
    path, _ = saved
    data = path.read_bytes()
    refuse(path, data[:-3], "is truncated: expected")


def test_trailing_bytes(saved):
    path, _ = saved
    refuse(path, path.read_bytes() + b"\0\0", "unexpected bytes after the tensor data")


def raw_safetensors(tensors: dict[str, np.ndarray], metadata: dict[str, str] | None) -> bytes:
    from safetensors.numpy import save

    return save(tensors, metadata=metadata)


def saved_parts(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """A safetensors file's tensors and its string metadata, read back from the raw bytes."""
    from safetensors.numpy import load

    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])  # the header's length, little-endian u64
    header = json.loads(data[8 : 8 + length])
    return load(data), header["__metadata__"]


def test_safetensors_without_glassnet_metadata(tmp_path):
    data = raw_safetensors({"weight": np.zeros((2, 2))}, None)
    refuse(tmp_path / "other.safetensors", data, "safetensors file but not a glassnet model")


def test_safetensors_with_other_metadata(tmp_path):
    data = raw_safetensors({"weight": np.zeros((2, 2))}, {"format": "pt"})
    refuse(tmp_path / "other.safetensors", data, "no 'glassnet' metadata entry")


def rewrite(path: Path, edit, checksum: bool = True) -> bytes:
    """The file's bytes with its JSON document changed by ``edit`` (tensors kept).

    With ``checksum`` the document's checksum is brought up to date, as a deliberate forger (or a
    buggy writer) would; without it the edit looks like damage.
    """
    tensors, metadata = saved_parts(path)
    document = json.loads(metadata["glassnet"])
    edit(document)
    if checksum and isinstance(document, dict):
        document["document_sha256"] = io.document_checksum(document)
    return raw_safetensors(tensors, {"glassnet": json.dumps(document)})


def test_wrong_format_name(saved):
    path, _ = saved
    data = rewrite(path, lambda d: d.update(format="glassnet.table"))
    refuse(path, data, "not a glassnet network model: expected format 'glassnet.network'")


def test_metadata_entry_not_json(saved):
    path, _ = saved
    data = raw_safetensors({"0.weight": np.zeros((1, 1))}, {"glassnet": "{not json"})
    refuse(path, data, "metadata entry is not valid JSON")


@pytest.mark.parametrize("checksum", [True, False], ids=["checksum-updated", "checksum-stale"])
def test_newer_format_version(saved, checksum):
    path, _ = saved
    data = rewrite(path, lambda d: d.update(format_version=2, layers="new"), checksum=checksum)
    error = refuse(path, data, r"written by a newer glassnet \(format 2")
    assert "upgrade glassnet" in str(error)


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, None, True])
def test_invalid_format_version(saved, version):
    path, _ = saved
    refuse(path, rewrite(path, lambda d: d.update(format_version=version)), "format_version")


def test_missing_tensor(saved):
    path, _ = saved
    tensors, metadata = saved_parts(path)
    del tensors["4.bias"]
    refuse(path, raw_safetensors(tensors, metadata), "missing tensors 4.bias")


def test_extra_tensor(saved):
    path, _ = saved
    tensors, metadata = saved_parts(path)
    tensors["2.bias"] = np.zeros(4)
    refuse(path, raw_safetensors(tensors, metadata), "unexpected tensors 2.bias")


def test_misshaped_tensor(saved):
    path, _ = saved
    tensors, metadata = saved_parts(path)
    tensors["0.weight"] = np.ascontiguousarray(tensors["0.weight"].T)  # (3, 5) instead of (5, 3)
    refuse(path, raw_safetensors(tensors, metadata), r"0.weight.*shape \(5, 3\)")


def test_wrong_dtype_tensor(saved):
    path, _ = saved
    tensors, metadata = saved_parts(path)
    tensors["0.bias"] = tensors["0.bias"].astype(np.float32)
    refuse(path, raw_safetensors(tensors, metadata), "should be float64")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(layers=[{"n_in": 3}]),
        lambda d: d["layers"][0].update(activation="swish"),
        lambda d: d["layers"][0].update(n_in=-3),
        lambda d: d["layers"][0].update(bias="yes"),
        lambda d: d.update(loss="hinge"),
        lambda d: d.update(dtype="float16"),
        lambda d: d.update(init="zeros"),
        lambda d: d["optimizer"].update(name="rmsprop"),
        lambda d: d["optimizer"]["config"].update(lr=-1),
        lambda d: d.update(metadata=[1, 2]),
        lambda d: d.pop("optimizer"),
    ],
    ids=[
        "layer-fields",
        "activation",
        "negative-width",
        "bias-flag",
        "loss",
        "dtype",
        "init",
        "optimizer",
        "learning-rate",
        "metadata",
        "no-optimizer",
    ],
)
def test_invalid_architecture(saved, edit):
    path, _ = saved
    refuse(path, rewrite(path, edit), "is corrupt")


# -- the checksum -------------------------------------------------------------------------------


def test_flipped_byte_in_tensor_data_is_caught(saved):
    path, _ = saved
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # inside the last tensor's bytes, a change safetensors cannot notice
    refuse(path, bytes(data), "is corrupt: the checksum of its tensors does not match")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["metadata"].update(columns=["a", "b", "d"]),
        lambda d: d["optimizer"]["config"].update(lr=0.02),
        lambda d: d["layers"][0].update(activation="sigmoid"),
        lambda d: d.pop("document_sha256"),
    ],
    ids=["metadata", "learning-rate", "activation", "no-checksum"],
)
def test_edited_document_is_caught(saved, edit):
    path, _ = saved
    refuse(path, rewrite(path, edit, checksum=False), "metadata entry does not match its checksum")


def test_flipped_byte_in_document_is_caught(saved):
    path, _ = saved
    original = path.read_bytes()
    position = original.index(b"leaky_relu") + 2
    data = bytearray(original)
    data[position] ^= 0x01  # "leaky_relu" -> "lejky_relu", still valid JSON
    refuse(path, bytes(data), "does not match its checksum")


def test_every_data_byte_is_covered(saved):
    path, _ = saved
    original = path.read_bytes()
    (length,) = struct.unpack("<Q", original[:8])
    start = 8 + length
    for position in range(start, len(original), 7):
        data = bytearray(original)
        data[position] ^= 0x80
        refuse(path, bytes(data), "checksum")


def test_checksum_definition_is_as_documented():
    import hashlib

    W = np.arange(6, dtype=np.float64).reshape(2, 3)
    b = np.array([0.5, -1.0], dtype=np.float32)
    manual = hashlib.sha256()
    for name, dtype, shape, array in [("0.bias", "F32", "2", b), ("0.weight", "F64", "2,3", W)]:
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        manual.update(f"{name}\0{dtype}\0{shape}\0".encode())
        manual.update(len(data).to_bytes(8, "little"))
        manual.update(data)
    assert io.tensor_checksum({"0.weight": W, "0.bias": b}) == manual.hexdigest()
    big_endian = W.astype(">f8")
    assert io.tensor_checksum({"0.weight": big_endian, "0.bias": b}) == manual.hexdigest()


def test_checksums_match_stored_values(saved):
    from safetensors.numpy import load

    path, _ = saved
    document = io.read_metadata(path)
    assert document["tensors_sha256"] == io.tensor_checksum(load(path.read_bytes()))
    assert document["document_sha256"] == io.document_checksum(document)


def test_document_checksum_definition_is_as_documented():
    import hashlib

    document = {"b": [1, 2.5], "a": "ü", "document_sha256": "ignored"}
    expected = hashlib.sha256('{"a":"ü","b":[1,2.5]}'.encode()).hexdigest()
    assert io.document_checksum(document) == expected


# -- atomic writes ------------------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_failed_replace_leaves_existing_file_untouched(saved, monkeypatch):
    path, net = saved
    before = path.read_bytes()

    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    net.layers[0].weights += 1.0
    with pytest.raises(gn.OutputError, match="No space left on device") as caught:
        gn.save(path, net)
    assert caught.value.exit_code == 73
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_failed_write_midway_leaves_existing_file_untouched(saved, monkeypatch):
    path, net = saved
    before = path.read_bytes()

    def broken_fsync(descriptor):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(gn.OutputError, match="Input/output error"):
        gn.save(path, net)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_interrupt_removes_temporary_file(saved, monkeypatch):
    path, net = saved
    before = path.read_bytes()

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        gn.save(path, net)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_directory_nobody_can_write():
    # /proc refuses new files even to root, so this runs everywhere Linux does.
    with pytest.raises(gn.OutputError, match=r"cannot write /proc/model\.safetensors") as caught:
        gn.save("/proc/model.safetensors", small_network())
    assert caught.value.exit_code == 73


def test_unwritable_directory_simulated(saved, monkeypatch):
    path, net = saved
    before = path.read_bytes()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(gn.OutputError, match="Permission denied"):
        gn.save(path, net)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_missing_directory(tmp_path):
    with pytest.raises(gn.OutputError, match="does not exist"):
        gn.save(tmp_path / "no" / "such" / "model.safetensors", small_network())


def test_target_is_a_directory(tmp_path):
    with pytest.raises(gn.OutputError, match="is a directory"):
        gn.save(tmp_path, small_network())


def test_bad_metadata_changes_nothing(saved):
    path, net = saved
    before = path.read_bytes()
    with pytest.raises(gn.ConfigurationError, match="plain JSON"):
        gn.save(path, net, metadata={"loss": float("nan")})
    with pytest.raises(gn.ConfigurationError, match="plain JSON"):
        gn.save(path, net, metadata={"when": object()})
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_diverged_network_is_not_saved(saved):
    path, net = saved
    before = path.read_bytes()
    net.layers[1].weights[0, 0] = np.nan
    with pytest.raises(gn.ShapeError, match="NaN or infinite"):
        gn.save(path, net)
    assert path.read_bytes() == before


def test_overwrite_replaces_and_keeps_permissions(saved):
    path, net = saved
    path.chmod(0o640)
    net.layers[0].weights += 1.0
    gn.save(path, net)
    np.testing.assert_array_equal(gn.load(path).layers[0].weights, net.layers[0].weights)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o640
    assert leftovers(path.parent) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_save_through_symlink_replaces_the_target(saved):
    path, net = saved
    link = path.parent / "link.safetensors"
    link.symlink_to(path)
    net.layers[0].weights += 1.0
    gn.save(link, net)
    assert link.is_symlink()
    np.testing.assert_array_equal(gn.load(path).layers[0].weights, net.layers[0].weights)


def test_unsupported_components_are_refused_before_writing(tmp_path):
    class Custom(gn.SGD):
        pass

    net = gn.Network([gn.Dense(2, 1)], optimizer=Custom())
    with pytest.raises(gn.ConfigurationError, match="cannot save optimizer Custom"):
        gn.save(tmp_path / "x.safetensors", net)
    assert list(tmp_path.iterdir()) == []


# -- damaged files never load wrongly -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> tuple[bytes, gn.Network]:
    net = gn.Network([gn.Dense(2, 3, activation="relu"), gn.Dense(3, 1)], rng=4)
    path = tmp_path_factory.mktemp("small") / "small.safetensors"
    gn.save(path, net, metadata={"columns": ["x", "y", "t"]})
    return path.read_bytes(), net


def load_or_refuse(path: Path, data: bytes, net: gn.Network) -> None:
    """Loading ``data`` either refuses with ModelFileError or gives back exactly ``net``."""
    path.write_bytes(data)
    try:
        loaded, metadata = gn.load_with_metadata(path)
    except gn.ModelFileError:
        return
    X = np.array([[0.5, -1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert metadata == {"columns": ["x", "y", "t"]}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(0, 10**6), bit=st.integers(0, 7))
def test_any_flipped_bit_is_refused_or_harmless(tmp_path, small_file, position, bit):
    data, net = small_file
    damaged = bytearray(data)
    damaged[position % len(data)] ^= 1 << bit
    load_or_refuse(tmp_path / "flipped.safetensors", bytes(damaged), net)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keep=st.integers(0, 10**6))
def test_any_truncation_is_refused(tmp_path, small_file, keep):
    data, _ = small_file
    path = tmp_path / "cut.safetensors"
    path.write_bytes(data[: keep % len(data)])
    with pytest.raises(gn.ModelFileError):
        gn.load(path)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused(tmp_path, data):
    path = tmp_path / "junk.safetensors"
    path.write_bytes(data)
    with pytest.raises(gn.ModelFileError):
        gn.load(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.one_of(
        st.text(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=10,
        ),
    )
)
def test_arbitrary_headers_are_refused(tmp_path, header):
    text = header if isinstance(header, str) else json.dumps(header)
    raw = text.encode()
    path = tmp_path / "header.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(gn.ModelFileError):
        gn.load(path)


def test_saving_to_a_device_writes_through_and_keeps_the_device(tmp_path):
    # Renaming a temporary file over /dev/null would replace the device with a plain file. The
    # test uses its own copy of the null device (root may create one), never the real one.
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    before = os.stat(device)
    gn.save(device, small_network())
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_saving_to_a_named_pipe_writes_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    net = small_network()
    gn.save(fifo, net)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    saved = tmp_path / "model.safetensors"
    gn.save(saved, net)
    assert received == [saved.read_bytes()]
