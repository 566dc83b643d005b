"""Shards of a table file: byte ranges that read every row once, and PyTorch batches from them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassnet as gn
from glassnet.data.reading import iter_shard, read_shard, shard_bounds
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.export.torch_data import TableShards


def write_table(path, n_rows=500, bad_line=None, crlf=False):
    """A table with a comment, missing cells, a label input and some '?' outputs."""
    rng = np.random.default_rng(3)
    lines = ["# measured by hand", "x1,x2,colour,kind"]
    for i in range(n_rows):
        x1 = "NA" if i % 13 == 5 else f"{rng.normal():.4f}"
        colour = ["red", "green", "blue"][i % 3]
        kind = "?" if i % 40 == 9 else ("big" if rng.random() > 0.5 else "small")
        lines.append(f"{x1},{rng.uniform(0, 9):.2f},{colour},{kind}")
    if bad_line is not None:  # a line number of the file
        lines[bad_line - 1] = "0.5,oops,red,big"
    end = "\r\n" if crlf else "\n"
    path.write_bytes((end.join(lines) + end).encode())
    return path


@pytest.mark.parametrize("shards", [1, 2, 3, 7, 600])
@pytest.mark.parametrize("crlf", [False, True])
def test_shards_read_every_row_once_with_the_files_line_numbers(tmp_path, shards, crlf):
    path = write_table(tmp_path / "t.csv", crlf=crlf)
    whole = gn.read_table(path)
    bounds = shard_bounds(path, shards)
    assert len(bounds) == shards
    assert all(a <= b for a, b in bounds)
    assert [b for _, b in bounds[:-1]] == [a for a, _ in bounds[1:]]  # no gap, no overlap
    tables = [read_shard(path, a, b) for a, b in bounds]
    lines = np.concatenate([t.lines for t in tables])
    assert lines.tolist() == whole.lines.tolist()
    assert [row for t in tables for row in t.rows] == whole.rows
    assert all(t.names == whole.names for t in tables)
    x2 = np.concatenate([t.numbers(1) for t in tables])
    np.testing.assert_array_equal(x2, whole.numbers(1))


def test_a_shard_read_in_pieces_is_the_shard(tmp_path):
    path = write_table(tmp_path / "t.csv", n_rows=20_000)
    for start, stop in shard_bounds(path, 2):
        shard = read_shard(path, start, stop)
        pieces = list(iter_shard(path, start, stop, rows=2000))
        assert len(pieces) > 1
        assert np.concatenate([p.lines for p in pieces]).tolist() == shard.lines.tolist()
        assert [row for p in pieces for row in p.rows] == shard.rows


def test_a_bad_cell_in_a_later_shard_is_named_as_reading_the_whole_file_names_it(tmp_path):
    path = write_table(tmp_path / "t.csv", n_rows=400, bad_line=350)
    with pytest.raises(TableFormatError) as whole:
        gn.read_table(path)
    first, second = shard_bounds(path, 2)
    read_shard(path, *first)  # the first half is fine
    with pytest.raises(TableFormatError) as shard:
        read_shard(path, *second)
    said = f"{path}:350:2: expected a number in column 'x2' as in "
    assert str(whole.value).startswith(said)
    assert str(shard.value).startswith(said)  # "as in N other rows": the shard's rows
    assert str(shard.value).endswith("other rows, found 'oops'")


def test_a_range_that_does_not_start_a_line_is_refused(tmp_path):
    path = write_table(tmp_path / "t.csv")
    (start, stop), _ = shard_bounds(path, 2)
    with pytest.raises(TableFormatError, match=r"expected a shard that starts a line, got byte"):
        read_shard(path, start + 3, stop)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = write_table(tmp_path_factory.mktemp("shards") / "t.csv", n_rows=1000)
    model = gn.TableModel(hidden=[4], epochs=3).fit(gn.read_table(path))
    return path, model


@pytest.mark.parametrize("world_size", [1, 2, 3])
def test_the_shards_batches_are_the_models_encoding_of_every_known_row(fitted, world_size):
    path, model = fitted
    X, Y = model.encode(gn.read_table(path))  # (n_known, n_features), (n_known, 2)
    got_X, got_Y = [], []
    for rank in range(world_size):
        shards = TableShards(path, model, rank, world_size, batch_size=64, rows=100)
        batches = list(shards)
        assert all(len(b[0]) == 64 for b in batches[:-1])
        assert 0 < len(batches[-1][0]) <= 64
        got_X += [b[0] for b in batches]
        got_Y += [b[1] for b in batches]
    assert got_X[0].dtype == torch.float64
    np.testing.assert_array_equal(torch.cat(got_X).numpy(), X)
    np.testing.assert_array_equal(torch.cat(got_Y).numpy(), Y)


def test_drop_last_and_data_loader_workers_split_a_shard_further(fitted):
    path, model = fitted
    X, _ = model.encode(gn.read_table(path))
    dropped = list(TableShards(path, model, batch_size=100, drop_last=True))
    assert [len(b[0]) for b in dropped] == [100] * (len(X) // 100)
    shards = TableShards(path, model, 1, 2, batch_size=50, dtype=torch.float32)
    loader = torch.utils.data.DataLoader(shards, batch_size=None, num_workers=2)
    rows = torch.cat([b[0] for b in loader])
    assert rows.dtype == torch.float32
    half = len(torch.cat([b[0] for b in TableShards(path, model, 1, 2)]))
    assert len(rows) == half  # the two workers read the shard's two halves, nothing twice
    in_X = {tuple(np.round(r, 5)) for r in X[len(X) - half :].astype(np.float32)}
    assert {tuple(np.round(r, 5)) for r in rows.numpy()} <= in_X


def test_wrong_shard_settings_are_refused(fitted):
    path, model = fitted
    with pytest.raises(ConfigurationError, match="expected 0 <= rank < world_size, got rank 2"):
        TableShards(path, model, rank=2, world_size=2)
    with pytest.raises(ConfigurationError, match="standard input"):
        TableShards("-", model)
    with pytest.raises(ConfigurationError, match="batch_size and rows of at least 1"):
        TableShards(path, model, batch_size=0)
    with pytest.raises(gn.NotFittedError):
        TableShards(path, gn.TableModel())
