"""Feeding PyTorch from glassnet's reader: encoded batches from one shard of a table file.

``TableShards`` is a ``torch.utils.data.IterableDataset``. Given a trained table model and a
file, each process (``rank`` of ``world_size``) and each of its ``DataLoader`` workers reads
only its own byte range of the file (``glassnet.data.reading.shard_bounds``), a piece at a time
(``iter_shard``), encodes the rows whose outputs are known exactly as the model does
(``TableModel.encode``: filled, scaled, one-hot) and yields ``(X, Y)`` batches as tensors.
Memory is one piece of the file, whatever its size; errors name the file's own lines.

Importing this module imports torch (the rest of ``glassnet.export`` imports it only when used).

Examples
--------
>>> import torch
>>> loader = torch.utils.data.DataLoader(TableShards("big.csv", model, rank, world_size),
...                                      batch_size=None)  # doctest: +SKIP
>>> for X, Y in loader:  # X (batch, n_features), Y (batch, n_outputs)  # doctest: +SKIP
...     ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from glassnet.data import Typing
from glassnet.data.reading import iter_shard, shard_bounds
from glassnet.errors import ConfigurationError
from glassnet.tables.model import TableModel, _NothingKnownError

__all__ = ["TableShards"]


class TableShards(torch.utils.data.IterableDataset[tuple[Any, Any]]):
    """The encoded rows of one process's shard of a table file, in batches.

    Parameters
    ----------
    source : str or path
        A table file (standard input cannot be sharded: each process opens the file).
    model : TableModel
        A fitted table model: its columns and encodings turn cells into numbers.
    rank, world_size : int
        This process's shard, of ``world_size`` about equal byte ranges (for
        ``DistributedDataParallel``, ``torch.distributed.get_rank()`` and
        ``get_world_size()``). ``DataLoader`` workers split the shard further among themselves.
    batch_size : int
        Rows per batch; the last batch of a shard may be smaller (``drop_last`` drops it).
    drop_last : bool
    rows : int
        Rows read per piece of the file: the memory bound.
    sep, header
        As ``read_table``; the model's missing words and decimal mark are used.
    dtype : torch.dtype
        Of the tensors yielded (float64, glassnet's own, by default).

    Yields
    ------
    X : Tensor of shape (batch, n_features)
    Y : Tensor of shape (batch, n_outputs)
        Rows in the file's order; rows with a ``?`` output are skipped (they have nothing to
        learn from).
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        model: TableModel,
        rank: int = 0,
        world_size: int = 1,
        batch_size: int = 200,
        drop_last: bool = False,
        rows: int = 65536,
        sep: str | None = None,
        header: bool | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        if str(source) == "-":
            raise ConfigurationError("expected a table file to read in shards, got standard input")
        if world_size < 1 or not 0 <= rank < world_size:
            raise ConfigurationError(
                f"expected 0 <= rank < world_size, got rank {rank} of {world_size}"
            )
        if batch_size < 1 or rows < 1:
            raise ConfigurationError(
                f"expected batch_size and rows of at least 1, got {batch_size} and {rows}"
            )
        model._check_fitted()
        self.source, self.model = str(source), model
        self.rank, self.world_size = rank, world_size
        self.batch_size, self.drop_last, self.rows = batch_size, drop_last, rows
        self.sep, self.header, self.dtype = sep, header, dtype
        reading = model.reading_
        decimal = reading.get("decimal")
        self.typing = Typing(
            missing=tuple(reading.get("missing", ())),
            decimal=None if decimal is None else str(decimal),
        )

    def bounds(self, worker: int = 0, workers: int = 1) -> tuple[int, int]:
        """The byte range this process's ``worker`` (of ``workers``) reads."""
        shards = shard_bounds(self.source, self.world_size * workers)
        return shards[self.rank * workers + worker]

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        info = torch.utils.data.get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        start, stop = self.bounds(worker, workers)
        kept_X: list[np.ndarray[Any, Any]] = []  # rows waiting for a full batch
        kept_Y: list[np.ndarray[Any, Any]] = []
        waiting = 0
        pieces = iter_shard(self.source, start, stop, self.sep, self.header, self.typing, self.rows)
        for piece in pieces:
            try:
                X, Y = self.model.encode(piece, "to learn from")  # (n, n_features), (n, n_outputs)
            except _NothingKnownError:  # only '?' outputs in this piece
                continue
            kept_X.append(X)
            kept_Y.append(Y)
            waiting += len(X)
            if waiting < self.batch_size:
                continue
            X, Y = np.concatenate(kept_X), np.concatenate(kept_Y)
            full = len(X) - len(X) % self.batch_size
            for i in range(0, full, self.batch_size):
                yield self._tensors(X[i : i + self.batch_size], Y[i : i + self.batch_size])
            kept_X, kept_Y, waiting = [X[full:]], [Y[full:]], len(X) - full
        if waiting and not self.drop_last:
            yield self._tensors(np.concatenate(kept_X), np.concatenate(kept_Y))

    def _tensors(self, X: np.ndarray[Any, Any], Y: np.ndarray[Any, Any]) -> tuple[Any, Any]:
        return (
            torch.from_numpy(np.ascontiguousarray(X)).to(self.dtype),
            torch.from_numpy(np.ascontiguousarray(Y)).to(self.dtype),
        )
