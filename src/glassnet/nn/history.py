"""What a training run recorded: the loss of every epoch, and how the run ended.

``History`` is a plain record, returned by ``fit`` and kept as ``Network.history``; it holds no
weights and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


@dataclass
class History:
    """What one ``fit`` recorded, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Training loss of each epoch: the batch losses seen during it, averaged (summed for "sse").
    val_loss : list of float
        Validation loss after each epoch; empty without validation data.
    best_epoch : int or None
        1-based epoch with the lowest monitored loss (validation if present, else training), when
        ``patience`` is set.
    stopped_early : bool
        Whether ``patience`` ended training.
    interrupted : bool
        Whether Ctrl-C ended training.
    kept_epoch : int or None
        The 1-based epoch whose weights the network ended with, when ``fit`` went back to them
        (``patience`` with ``restore_best``); None when it kept the last epoch's.
    diverged_epoch : int or None
        The 1-based epoch whose loss became inf or NaN (not in ``loss``); training stopped there.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    interrupted: bool = False
    kept_epoch: int | None = None
    diverged_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of epochs completed."""
        return len(self.loss)

    def __repr__(self) -> str:
        last = f", last loss {self.loss[-1]:.6g}" if self.loss else ""
        val = f", last val_loss {self.val_loss[-1]:.6g}" if self.val_loss else ""
        flags = "".join(
            f", {name}" for name in ("stopped_early", "interrupted") if getattr(self, name)
        )
        return f"History({self.epochs} epochs{last}{val}{flags})"
