"""K networks of one shape as stacked arrays: their weights, and one step of all of them at once.

Every weight array gains a member axis, so one NumPy call computes all K members. Member k's
arithmetic is exactly its own ``Network``'s (to rounding: one big matrix product may sum in
another order than K small ones). Layout: activations are (n, K, o), so the first layer is one
matrix product ``X @ W`` with W stored as (i, K, o) and viewed as (i, K·o); the other layers'
weights are (K, i, o). Letters as in ``layers.py``. The public face of this is
``glassnet.nn.ensembles.Ensemble``; the loop over epochs is ``ensemble_training``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from glassnet._types import Array, Call
from glassnet.errors import ConfigurationError
from glassnet.nn.history import History
from glassnet.nn.initializers import as_rng
from glassnet.nn.layers import Dense
from glassnet.nn.losses import sum_of_squares_call
from glassnet.nn.network import Network
from glassnet.nn.optimizers import Optimizer
from glassnet.nn.training_steps import bound_step

__all__ = ["StackedNetworks"]

_LOSSES = ("sse", "mse", "binary_crossentropy", "categorical_crossentropy")


class StackedNetworks:
    """The weights of K networks of one architecture, stacked, and their joint step.

    Parameters and attributes are those of ``Ensemble``, which adds training and answers.
    """

    def __init__(
        self,
        layers: Sequence[Dense],
        seeds: int | Sequence[Any],
        loss: Any = None,
        optimizer: Optimizer | str | None = None,
        init: str = "auto",
        dtype: str = "float64",
    ) -> None:
        self.template = Network(copy.deepcopy(list(layers)), loss, optimizer, init, 0, dtype)
        if self.template.loss.name not in _LOSSES or (
            self.template.loss.fused_activation is not None and not self.template.fused
        ):
            raise ConfigurationError(
                f"an ensemble needs sse, mse, or cross-entropy after its matching output "
                f"activation; got {self.template.loss.name!r} after "
                f"{self.template.layers[-1].activation.name!r}"
            )
        if isinstance(seeds, int | np.integer) and not isinstance(seeds, bool):
            seeds = range(int(seeds))
        seeds = list(seeds)  # type: ignore[arg-type]
        if not seeds:
            raise ConfigurationError("an ensemble needs at least one member, got 0 seeds")
        self.n_members = K = len(seeds)
        self.rngs = [as_rng(seed) for seed in seeds]
        self.optimizer = copy.deepcopy(self.template.optimizer)
        self.dtype = self.template.dtype
        shapes = [(layer.n_in, layer.n_out) for layer in self.template.layers]
        # The first layer is stored (i, K, o) so that X @ W is one product; the rest (K, i, o).
        first_i, first_o = shapes[0]
        self._W0 = np.empty((first_i, K, first_o), dtype=self.dtype)
        self.weights: list[Array] = [self._W0.transpose(1, 0, 2)]
        self.weights += [np.empty((K, i, o), dtype=self.dtype) for i, o in shapes[1:]]
        self.biases: list[Array | None] = [
            np.zeros((K, o), dtype=self.dtype) if layer.bias is not None else None
            for layer, (_, o) in zip(self.template.layers, shapes, strict=True)
        ]
        draw = copy.deepcopy(self.template.layers)
        for k, rng in enumerate(self.rngs):  # each member draws exactly as its Network would
            for index, layer in enumerate(draw):
                layer.initialize(rng, init, self.dtype.name)
                self.weights[index][k] = layer.weights
        self.diverged = np.zeros(K, dtype=int)
        self.history: History | None = None
        # One step per shape of batch, as bound calls: (its X, its Y, run), for this optimizer;
        # and the step bound to the caller's own full-batch arrays.
        self._programs: dict[tuple[int, ...], tuple[Array, Array, Callable[[], float]]] = {}
        self._bound: tuple[Array, Array, Callable[[], float]] | None = None
        self._programs_optimizer = self.optimizer
        self._W0_wide = self._W0.reshape(first_i, K * first_o)  # a view: (i, K·o)
        self._WT = [W.transpose(0, 2, 1) for W in self.weights]  # (K, o, i) views
        self._loss_name = self.template.loss.name
        self._grads, self._pairs = self._gradients()

    def _gradients(self) -> tuple[list[dict[str, Array]], list[tuple[Array, Array]]]:
        """Zeroed gradients per layer ("W" shaped as stored, "b") and the (param, grad) pairs."""
        grads: list[dict[str, Array]] = []
        pairs: list[tuple[Array, Array]] = []  # in Network order
        for index, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            param = self._W0 if index == 0 else W
            grad = {"W": np.zeros_like(param)}
            pairs.append((param, grad["W"]))
            if index == 0:
                grad["W3"] = grad["W"].transpose(1, 0, 2)  # (K, i, o) view of (i, K, o)
                grad["Ww"] = grad["W"].reshape(param.shape[0], -1)  # (i, K·o)
            if b is not None:
                grad["b"] = np.zeros_like(b)
                pairs.append((b, grad["b"]))
            grads.append(grad)
        return grads, pairs

    @property
    def layers(self) -> list[Dense]:
        """The template's layers: the architecture every member shares."""
        return self.template.layers

    def parameters(self) -> list[tuple[Array, int]]:
        """Return (param, member axis) for every stacked parameter, in ``Network`` order."""
        found: list[tuple[Array, int]] = []
        for index, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            found.append((self._W0, 1) if index == 0 else (W, 0))
            if b is not None:
                found.append((b, 0))
        return found

    def _forward(self, X: Array, keep: list[tuple[Array, Array, Array]] | None = None) -> Array:
        """All members' outputs (n, K, o) for ``X`` (n, i) shared or (K, n, i) per member."""
        A = X
        for index, (layer, W, b) in enumerate(
            zip(self.template.layers, self.weights, self.biases, strict=True)
        ):
            if index == 0 and A.ndim == 2:
                n = A.shape[0]
                Z = np.dot(A, self._W0.reshape(layer.n_in, -1)).reshape(n, self.n_members, -1)
            elif index == 0:  # per-member rows: (K, n, i) @ (K, i, o)
                Z = np.matmul(A, W).transpose(1, 0, 2)
            else:
                Z = np.matmul(A.transpose(1, 0, 2), W).transpose(1, 0, 2)  # (n, K, o)
            Z = np.ascontiguousarray(Z)
            if b is not None:
                Z += b
            n, K, o = Z.shape
            A_next = layer.activation.forward(Z.reshape(n * K, o)).reshape(n, K, o)
            if keep is not None:
                keep.append((A, Z, A_next))
            A = A_next
        return A

    def _losses(self, Z: Array, A: Array, Y: Array) -> Array:
        """Each member's loss (K,) from the output layer's Z and A (n, K, o); Y (n, 1, o)."""
        name = self.template.loss.name
        n, _, o = A.shape
        if name in ("sse", "mse"):
            E = A - Y
            total = np.einsum("nko,nko->k", E, E)
            return 0.5 * total if name == "sse" else total / (n * o)
        if name == "binary_crossentropy":
            terms = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
            return terms.sum(axis=(0, 2)) / (n * o)
        shift = Z.max(axis=2, keepdims=True)  # (n, K, 1)
        lse = np.log(np.exp(Z - shift).sum(axis=2, keepdims=True)) + shift
        return (Y * (lse - Z)).sum(axis=(0, 2)) / n

    def _buffers(self, X: Array) -> list[dict[str, Any]]:
        """Per-layer arrays (n, K, o) for batches shaped like ``X``, and views of them.

        "f" views are (n·K, o), one row per sample and member, as the activations expect;
        "T" views are (K, n, o), the layout of per-member products; "Zw" is (n, K·o).
        """
        n, K = X.shape[-2], self.n_members
        found: list[dict[str, Any]] = []
        for layer in self.template.layers:
            o = layer.n_out
            buf: dict[str, Any] = {
                name: np.empty((n, K, o), self.dtype) for name in ("Z", "A", "dA", "dZ")
            }
            for name in ("Z", "A", "dA", "dZ"):
                buf[name + "f"] = buf[name].reshape(n * K, o)
                buf[name + "T"] = buf[name].transpose(1, 0, 2)
            buf["Zw"] = buf["Z"].reshape(n, K * o)
            buf["shape"] = (n, K, o)
            buf["activation"] = layer.activation
            found.append(buf)
        return found

    def _step(self, X: Array, Y: Array) -> float:
        """One step of every member on ``X`` (n, i) or (K, n, i); returns the mean loss before it.

        Member k's arithmetic is its own network's; ``_losses`` gives each one's value. The step
        for each shape of batch is strung together once, as bound NumPy calls (as ``TrainingStep``
        does for one network), and the batch copied into its arrays unless it is already there.
        """
        self._check_optimizer()
        bound = self._bound
        if bound is not None and X is bound[0] and Y is bound[1]:
            return bound[2]()
        program = self._programs.get(X.shape)
        if program is None:  # on arrays of its own, never on the caller's
            program = self._programs[X.shape] = self._build(X.copy(), Y.copy())
        else:
            np.copyto(program[0], X)
            np.copyto(program[1], Y)
        return program[2]()

    def bind(self, X: Array, Y: Array) -> Callable[[], float]:
        """Return the step on these very arrays (full-batch training: nothing is copied)."""
        self._check_optimizer()
        self._bound = self._build(X, Y)
        return self._bound[2]

    def _check_optimizer(self) -> None:
        # Replaying epochs (``Rewind``) swaps in a copy of the optimizer's saved state.
        if self.optimizer is not self._programs_optimizer:
            self._programs.clear()
            self._bound = None
            self._programs_optimizer = self.optimizer

    def _build(self, X: Array, Y: Array) -> tuple[Array, Array, Callable[[], float]]:
        """String one step on ``X`` and ``Y`` together as bound calls, in ``_step``'s order."""
        bufs = self._buffers(X)
        before: list[Call] = []
        A = X
        inputs: list[Array] = []
        for index, buf in enumerate(bufs):
            inputs.append(A)
            if index == 0 and A.ndim == 2:  # one product for every member: (n, i) @ (i, K·o)
                before.append(partial(np.dot, A, self._W0_wide, buf["Zw"]))
            elif index == 0:  # each member its own rows: (K, n, i) @ (K, i, o)
                before.append(partial(np.matmul, A, self.weights[0], out=buf["ZT"]))
            else:
                before.append(
                    partial(np.matmul, A.transpose(1, 0, 2), self.weights[index], out=buf["ZT"])
                )
            b = self.biases[index]
            if b is not None:
                before.append(partial(np.add, buf["Z"], b, buf["Z"]))
            calls, A_flat = buf["activation"].forward_calls(buf["Zf"], buf["Af"])
            before += calls
            A = A_flat.reshape(buf["shape"])  # a view: Z itself for the identity
        loss_calls, value, scale, after, dZ = self._loss_calls(A, Y, bufs[-1])
        before += loss_calls
        for index in range(len(bufs) - 1, -1, -1):
            A_in, grad = inputs[index], self._grads[index]
            if index == 0 and A_in.ndim == 2:
                after.append(partial(np.dot, A_in.T, dZ.reshape(A_in.shape[0], -1), grad["Ww"]))
            elif index == 0:
                after.append(
                    partial(
                        np.matmul,
                        A_in.transpose(0, 2, 1),
                        dZ.transpose(1, 0, 2),
                        out=grad["W3"],
                    )
                )
            else:
                after.append(
                    partial(
                        np.matmul, A_in.transpose(1, 2, 0), dZ.transpose(1, 0, 2), out=grad["W"]
                    )
                )
            if "b" in grad:
                after.append(partial(np.add.reduce, dZ, 0, None, grad["b"]))  # (K, o)
            if index == 0:
                break
            below = bufs[index - 1]
            after.append(
                partial(
                    np.matmul, dZ.transpose(1, 0, 2), self._WT[index], out=below["dAT"]
                )  # (K, n, i)
            )
            calls, dZ_flat = below["activation"].backward_calls(
                below["Zf"], below["Af"], below["dAf"], below["dZf"]
            )
            after += calls
            dZ = dZ_flat.reshape(below["shape"])
        after += self.optimizer.step_calls(self._pairs)
        return X, Y, bound_step(before, value, scale, after)

    def _loss_calls(
        self, A: Array, Y: Array, buf: dict[str, Any]
    ) -> tuple[list[Call], Callable[[], Any], float, list[Call], Array]:
        """The loss's calls, its value and scale, the output layer's backward calls, and its dZ.

        The value is the members' mean loss, and dZ (n, K, o) the output layer's ∂L/∂Z.
        """
        name = self._loss_name
        n, K, o = buf["shape"]
        if name not in ("sse", "mse"):
            return [], partial(self._cross_entropy, A, Y, buf), 1.0, [], buf["dZ"]
        dA = buf["dA"]
        after: list[Call] = []
        if name == "mse":
            after.append(partial(np.multiply, 2.0 / (n * o), dA, dA))
        backward, dZ_flat = buf["activation"].backward_calls(
            buf["Zf"], A.reshape(n * K, o), buf["dAf"], buf["dZf"]
        )
        scale = 0.5 / K if name == "sse" else 1.0 / (n * o * K)
        calls: list[Call] = [partial(np.subtract, A, Y, dA)]
        return calls, sum_of_squares_call(dA), scale, after + backward, dZ_flat.reshape(n, K, o)

    def _cross_entropy(self, A: Array, Y: Array, buf: dict[str, Any]) -> float:
        """Write cross-entropy's ∂L/∂Z (n, K, o) into ``buf["dZ"]``; return the members' mean."""
        n, _, o = buf["shape"]
        Z, dZ = buf["Z"], buf["dZ"]
        if self._loss_name == "binary_crossentropy":
            np.subtract(A, Y, dZ)
            np.divide(dZ, n * o, dZ)
        else:
            np.multiply(A, Y.sum(axis=2, keepdims=True), dZ)
            np.subtract(dZ, Y, dZ)
            np.divide(dZ, n, dZ)
        return float(self._losses(Z, A, Y).mean())

    def evaluate_members(self, X: Any, y: Any) -> Array:
        """Return each member's loss on ``X``, ``y``, shape (n_members,)."""
        X = self.template.check_X(X)
        Y = self.template.check_y(y, X.shape[0])
        keep: list[tuple[Array, Array, Array]] = []
        A = self._forward(X, keep)
        return self._losses(keep[-1][1], A, Y[:, None, :])
