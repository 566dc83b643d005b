"""Outgrow one process: continue training a glassnet model with PyTorch DistributedDataParallel.

glassnet trains a small regression network, saves it as a model file, and hands it to two
PyTorch processes that keep training it with ``DistributedDataParallel`` (gloo backend, on
127.0.0.1). The trained weights come back into glassnet, and are checked against what glassnet
itself computes by continuing full-batch training in one process: they agree to 1e-10.

Why they agree: the loss is a mean (``mse``, as ``torch.nn.MSELoss``). Split n rows into two
equal shards; each process computes the mean loss of its own n/2 rows and its gradient, and DDP
averages the two gradients across processes. The average of two shard means over equal shards is
the mean over all n rows, so every step uses exactly the full-batch gradient (up to rounding), and
plain or momentum SGD then takes the same step everywhere. With unequal shards, or a summed loss,
the average would be off by the shard sizes.

``--table`` does the same from a table file, the way a table too big for one machine would go:
glassnet learns the table's encodings (and a first network) from it, and each process then reads
only its own byte range of the file (``glassnet.export.torch_data.TableShards``), encoded as the
model encodes. Byte ranges hold unequal numbers of rows, so each process weighs its summed loss
by ``world_size / n`` (n the rows of all shards, summed across processes first); DDP's average of
the gradients is then the full-batch gradient again.

Run it with ``python examples/ddp.py`` or ``python examples/ddp.py --table`` (each takes a few
seconds); ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import numpy as np

import glassnet as gn

# Training settings shared by the processes and the single-process reference.
LEARNING_RATE = 0.05
MOMENTUM = 0.9


def make_data(n_samples: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """A smooth two-output regression problem, the same in every process."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 3))
    Y = np.column_stack([np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2], X[:, 0] - X[:, 2] ** 2])
    return X, Y


def make_network() -> gn.Network:
    """The glassnet model: 3 inputs, two tanh layers, 2 linear outputs, mse, momentum SGD."""
    return gn.Network(
        [gn.Dense(3, 16, "tanh"), gn.Dense(16, 8, "tanh"), gn.Dense(8, 2)],
        loss="mse",
        optimizer=gn.SGD(lr=LEARNING_RATE, momentum=MOMENTUM),
        rng=0,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process_group(rank: int, world_size: int, port: int) -> Iterator[None]:
    """Join the gloo process group on 127.0.0.1 as ``rank``; leave it on the way out."""
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=60),
    )
    try:
        yield
        # Leave together: a process that tears down while another still talks to it can make
        # gloo abort the other ("terminate called without an active exception").
        dist.barrier()
    finally:
        dist.destroy_process_group()


def largest_difference(a: gn.Network, b: gn.Network) -> float:
    """The largest difference between two networks' parameters."""
    return max(
        float(np.abs(got - expected).max())
        for (_, got, _), (_, expected, _) in zip(a.parameters(), b.parameters(), strict=True)
    )


def worker(
    rank: int, world_size: int, port: int, model_path: str, result_path: str, steps: int
) -> None:
    """One DDP process: load the glassnet model file, train on this rank's shard, save (rank 0)."""
    import torch
    from safetensors.torch import load_file, save_file
    from torch.nn.parallel import DistributedDataParallel

    with process_group(rank, world_size, port):
        # The same architecture (fresh weights), then the weights from the glassnet model file,
        # whose tensors are named and shaped as nn.Sequential expects.
        module = gn.to_torch(make_network())
        module.load_state_dict(load_file(model_path))
        model = DistributedDataParallel(module)  # CPU: no device_ids
        X, Y = (torch.from_numpy(array) for array in make_data())
        X_shard = X.chunk(world_size)[rank]  # equal, contiguous shards
        Y_shard = Y.chunk(world_size)[rank]
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        loss_fn = torch.nn.MSELoss()  # a mean over this shard
        for _ in range(steps):
            optimizer.zero_grad()
            loss_fn(model(X_shard), Y_shard).backward()  # DDP averages gradients across ranks
            optimizer.step()
        if rank == 0:
            save_file({k: v.contiguous() for k, v in module.state_dict().items()}, result_path)


def run(pretrain_epochs: int = 100, steps: int = 30, world_size: int = 2) -> dict[str, Any]:
    """Pre-train in glassnet, continue with DDP and in glassnet, and compare.

    Returns
    -------
    dict
        ``network`` (the DDP-trained weights back in glassnet), ``reference`` (glassnet's own
        full-batch continuation), ``max_difference`` between their parameters, and the losses.
    """
    import torch.multiprocessing as mp
    from safetensors.torch import load_file

    X, Y = make_data()
    if X.shape[0] % world_size:
        raise ValueError(f"expected rows divisible by {world_size} processes, got {X.shape[0]}")
    net = make_network()
    net.fit(X, Y, epochs=pretrain_epochs)  # full batch
    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, "model.safetensors")
        result_path = os.path.join(folder, "ddp.safetensors")
        gn.save(model_path, net)
        mp.spawn(
            worker,
            args=(world_size, free_port(), model_path, result_path, steps),
            nprocs=world_size,
            join=True,
        )
        module = gn.to_torch(net)
        module.load_state_dict(load_file(result_path))
    # Back into glassnet, ready to train, predict, save or export.
    trained = gn.from_torch(module, loss="mse", optimizer=gn.SGD(lr=LEARNING_RATE))

    # The single-process reference: glassnet continues with full-batch steps. A fresh optimizer,
    # as in the worker processes (a model file keeps the optimizer's settings, not its state).
    reference = net.copy()
    reference.optimizer.reset()
    reference.fit(X, Y, epochs=steps)

    return {
        "network": trained,
        "reference": reference,
        "max_difference": largest_difference(trained, reference),
        "loss_before": net.evaluate(X, Y),
        "loss_after": trained.evaluate(X, Y),
    }


# -- from a table file ----------------------------------------------------------------------------


def write_table(path: str, n_rows: int = 600) -> None:
    """A messy classification table: a label input, missing input cells, '?' outputs."""
    rng = np.random.default_rng(1)
    x1, x2 = rng.normal(size=n_rows), rng.uniform(0, 10, size=n_rows)
    colour = rng.choice(["red", "green", "blue"], size=n_rows)
    score = x1 + 0.3 * x2 + (colour == "red") - 1.5
    kind = np.where(score > 0.8, "high", np.where(score < -0.5, "low", "mid"))
    lines = ["x1,x2,colour,kind"]
    for i in range(n_rows):
        a = "" if i % 17 == 3 else f"{x1[i]:.4f}"  # a missing cell now and then
        lines.append(f"{a},{x2[i]:.3f},{colour[i]},{'?' if i % 50 == 7 else kind[i]}")
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")


def table_worker(
    rank: int, world_size: int, port: int, paths: tuple[str, str, str], steps: int
) -> None:
    """One DDP process: the model file's network, trained on this rank's shard of the table."""
    import torch
    import torch.distributed as dist
    from safetensors.torch import save_file
    from torch.nn.parallel import DistributedDataParallel

    from glassnet.export.torch_data import TableShards

    table_path, model_path, result_path = paths
    with process_group(rank, world_size, port):
        model = gn.TableModel.load(model_path)
        module = gn.to_torch(model.net_)
        ddp = DistributedDataParallel(module)
        # This rank's rows only: its byte range of the file, read and encoded in pieces.
        batches = list(TableShards(table_path, model, rank, world_size, batch_size=128))
        X = torch.cat([X for X, _ in batches])  # (n_shard, n_features)
        Y = torch.cat([Y for _, Y in batches])  # (n_shard, n_classes), one-hot
        n_rows = torch.tensor([X.shape[0]], dtype=torch.float64)
        dist.all_reduce(n_rows)  # the rows of every shard
        optimizer = torch.optim.SGD(ddp.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        for _ in range(steps):
            optimizer.zero_grad()
            P = ddp(X)  # softmax probabilities, as glassnet's network gives
            loss = -(Y * torch.log(P)).sum() * (world_size / n_rows[0])
            loss.backward()  # DDP averages: Σ over all rows / n, the full-batch gradient
            optimizer.step()
        if rank == 0:
            save_file({k: v.contiguous() for k, v in module.state_dict().items()}, result_path)


def run_table(pretrain_epochs: int = 30, steps: int = 30, world_size: int = 2) -> dict[str, Any]:
    """Learn a table in glassnet, continue on sharded reads with DDP and in glassnet; compare.

    Returns
    -------
    dict
        As ``run``, and ``shard_rows``: the known rows each process read.
    """
    import torch.multiprocessing as mp
    from safetensors.torch import load_file

    from glassnet.export.torch_data import TableShards

    with tempfile.TemporaryDirectory() as folder:
        paths = tuple(
            os.path.join(folder, name) for name in ("table.csv", "model.safetensors", "ddp.st")
        )
        write_table(paths[0])
        table = gn.read_table(paths[0])
        model = gn.TableModel(
            hidden=[8], optimizer="momentum", lr=LEARNING_RATE, epochs=pretrain_epochs,
            batch_size=0, validation=0.0,
        ).fit(table)  # fmt: skip
        model.save(paths[1])
        shard_rows = [
            sum(len(X) for X, _ in TableShards(paths[0], model, rank, world_size))
            for rank in range(world_size)
        ]
        mp.spawn(
            table_worker,
            args=(world_size, free_port(), paths, steps),
            nprocs=world_size,
            join=True,
        )
        module = gn.to_torch(model.net_)
        module.load_state_dict(load_file(paths[2]))
        X, Y = model.encode(table)  # every known row, in one process
    net = model.net_
    trained = gn.from_torch(module, loss=net.loss.name, optimizer=gn.SGD(lr=LEARNING_RATE))
    reference = net.copy()
    reference.optimizer = gn.SGD(lr=LEARNING_RATE, momentum=MOMENTUM)
    reference.fit(X, Y, epochs=steps)  # full batch
    return {
        "network": trained,
        "reference": reference,
        "max_difference": largest_difference(trained, reference),
        "loss_before": net.evaluate(X, Y),
        "loss_after": trained.evaluate(X, Y),
        "shard_rows": shard_rows,
        "rows": int(X.shape[0]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the example and print what happened; exit 1 if the two results disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pretrain-epochs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=30, help="DDP steps (default: 30)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--table", action="store_true", help="train on shards of a table file, read per process"
    )
    args = parser.parse_args(argv)
    if args.table:
        result = run_table(args.pretrain_epochs, args.steps, args.processes)
        shards = ", ".join(str(n) for n in result["shard_rows"])
        print(f"rows read by each process: {shards} (of {result['rows']} known rows)")
    else:
        result = run(args.pretrain_epochs, args.steps, args.processes)
    print(f"loss after glassnet pre-training: {result['loss_before']:.6f}")
    print(f"loss after {args.steps} DDP steps on {args.processes} processes: "
          f"{result['loss_after']:.6f}")  # fmt: skip
    print(f"largest difference from single-process full-batch training: "
          f"{result['max_difference']:.2e}")  # fmt: skip
    return 0 if result["max_difference"] <= 1e-10 else 1


if __name__ == "__main__":
    sys.exit(main())
