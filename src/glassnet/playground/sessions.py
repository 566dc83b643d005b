"""The playground's state: the tables it has, the controls, the run, and the training thread.

``Playground`` is what the server's requests act on. A thread trains the run while the page
plays, publishing a frame about 30 times a second on a ``FrameBoard``, which the server streams
to the page. A request (a changed control, a step, a weight typed in) first asks the thread to
stop after its current epoch, so it takes effect at once; a change the run can take in its
stride (learning rate, L2, speed, epoch limit, plane) is made to the running network, any other
starts a new run. Every method returns plain JSON values or bytes.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from glassnet.data import parse_table
from glassnet.errors import ConfigurationError
from glassnet.nn.history import History
from glassnet.playground.controls import LIVE, TABLE_DATA, Controls, changed_controls
from glassnet.playground.frames import describe_run, frame
from glassnet.playground.planes import output_span, plane_of
from glassnet.playground.programs import program
from glassnet.playground.replays import LastStep, last_step, tell_last_step
from glassnet.playground.runs import Run, recipe_controls
from glassnet.playground.seeing import see
from glassnet.playground.sources import TUTORIAL, Source, run_data, tutorial_source
from glassnet.tables.training import Run as TrainedRun
from glassnet.tables.training import training_metrics

__all__ = ["FPS", "FrameBoard", "Playground"]

FPS = 30  # frames a second while training runs
#: Of each frame's time, the share spent training when the page asks for all the speed there is;
#: the rest builds and sends the frame, and leaves the page and the requests room.
TRAINING_SHARE = 0.6
MAX_TABLES = 8  # uploaded tables kept in memory (the latest ones)
_FOREVER = 10**9  # epochs asked for when training runs as fast as it can, until time is up


class FrameBoard:
    """The latest description of the run and the latest frame, as JSON text, for any reader.

    Readers wait for a frame newer than the one they last saw; a slow reader skips frames.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.number = 0  # of the latest frame
        self.run_text = ""
        self.frame_text = ""
        self.closed = False

    def publish(self, frame_text: str, run_text: str | None = None) -> None:
        """Make ``frame_text`` (and a new run's description) the latest."""
        with self._changed:
            if run_text is not None:
                self.run_text = run_text
            self.frame_text = frame_text
            self.number += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, str, str]:
        """Wait up to ``timeout`` seconds for a frame after ``seen``; return the latest."""
        with self._changed:
            self._changed.wait_for(lambda: self.number > seen or self.closed, timeout)
            return self.number, self.run_text, self.frame_text

    def close(self) -> None:
        """Wake every reader for good."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class Playground:
    """The state of one playground and the thread that trains its run.

    Parameters
    ----------
    source : Source, optional
        The table given on the command line; without it the page starts with a 2-D set.
    start : bool, default=True
        Start the training thread (``close`` stops it).
    """

    def __init__(self, source: Source | None = None, start: bool = True) -> None:
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._quiet = threading.Event()  # set while no request waits for the lock
        self._quiet.set()
        self._waiting = 0
        self._waiting_lock = threading.Lock()
        self.board = FrameBoard()
        self.sources: dict[str, Source] = {}
        self.given = source
        self.controls = Controls()
        self.playing = False
        self.closed = False
        self._runs = 0
        self._last: LastStep | None = None
        self._carry = 0.0
        if source is not None:
            self.sources[source.name] = source
            self.controls = self._table_controls(
                Controls(), {"data": "table", "table": source.name}
            )
        self._start_run(self.controls)
        self._thread = threading.Thread(target=self._train, name="glassnet-training", daemon=True)
        if start:
            self._thread.start()

    # -- requests -----------------------------------------------------------------------------

    @contextmanager
    def _request(self) -> Iterator[None]:
        """Hold the state for one request; training stops after its current epoch meanwhile."""
        with self._waiting_lock:
            self._waiting += 1
            self._quiet.clear()
        try:
            with self._lock:
                yield
                self._wake.notify_all()
        finally:
            with self._waiting_lock:
                self._waiting -= 1
                if self._waiting == 0:
                    self._quiet.set()

    def state(self) -> dict[str, Any]:
        """Everything the page needs to draw itself now."""
        with self._request():
            return {
                "run": json.loads(self.board.run_text),
                "frame": json.loads(self.board.frame_text),
            }

    def change(self, values: dict[str, Any]) -> dict[str, Any]:
        """Apply changed controls; a change a run cannot take starts a new run.

        Raises
        ------
        ConfigurationError, TableFormatError
            A bad value, or controls the table model refuses; the run goes on unchanged.
        """
        with self._request():
            controls = self._table_controls(self.controls, values)
            moved = {key for key in values if getattr(controls, key) != getattr(self.controls, key)}
            if moved <= LIVE and (controls.data, controls.table) == (
                self.controls.data,
                self.controls.table,
            ):
                self._change_live(controls, moved)
            else:
                self._start_run(controls)
            return self.state()

    def act(self, action: str) -> dict[str, Any]:
        """Play, pause, step, reset, or regenerate a 2-D set's points; return the state.

        A step also returns its story: the step in ``glassnet explain``'s sentences.
        """
        with self._request():
            story = None
            if action == "play":
                self.playing = not self.run.done
            elif action == "pause":
                self.playing = False
            elif action == "step":
                self.playing = False
                self._advance(1)
                story = self._story()
                self._publish()
            elif action == "reset":
                self.playing = False
                self._start_run(self.controls)
            elif action == "regenerate":
                if self.controls.is_table:
                    raise ConfigurationError("regenerate makes new points for a 2-D set only")
                seed = secrets.randbelow(2**31)
                self._start_run(replace(self.controls, data_seed=seed))
            else:
                raise ConfigurationError(
                    f"unknown action {action!r}; choose from play, pause, step, reset, regenerate"
                )
            if action in ("play", "pause"):
                self._publish()
            return {**self.state(), "story": story}

    def load_table(self, name: str, data: bytes) -> dict[str, Any]:
        """Read an uploaded table and start a run on it with its recipe.

        Raises
        ------
        TableFormatError
            The text is not a table; the message names the file, line and column.
        """
        table = parse_table(data, name)
        source = Source(table, data.decode("utf-8-sig"))
        with self._request():
            self.sources.pop(name, None)
            self.sources[name] = source  # the latest upload last
            uploads = [key for key in self.sources if self.given is None or key != self.given.name]
            for old in uploads[:-MAX_TABLES]:
                if old != self.controls.table:
                    del self.sources[old]
            self._start_run(self._table_controls(self.controls, {"data": "table", "table": name}))
            return self.state()

    def set_weight(self, layer: int, row: int | None, column: int, value: float) -> dict[str, Any]:
        """Set one weight (a bias with ``row=None``) by hand; every view follows."""
        with self._request():
            self.run.set_weight(layer, row, column, value)
            self._publish()
            return self.state()

    def see(self, what: str, place: dict[str, int]) -> dict[str, Any]:
        """The numbers of a weight, bias, neuron or point, formulas filled in (``seeing``)."""
        with self._request():
            return see(self.run, self._last_step(), what, place).to_json()

    def story(self) -> str | None:
        """The last step in ``glassnet explain``'s sentences; None before the first."""
        with self._request():
            return self._story()

    def program(self) -> str:
        """The Python program that rebuilds the run (``programs``)."""
        with self._request():
            return program(self.run)

    def model_file(self) -> bytes:
        """The run's model as ``glassnet train -o`` writes it: one ``.safetensors`` file."""
        with self._request(), tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.safetensors"
            self._finished_model().save(path)
            return path.read_bytes()

    def onnx_file(self) -> bytes:
        """The run's model as ONNX, its encodings in the graph (``glassnet export``'s)."""
        from glassnet.export.onnx import table_model_to_onnx

        with self._request(), tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.onnx"
            table_model_to_onnx(self._finished_model(), path)
            return path.read_bytes()

    def data_file(self, part: str) -> tuple[str, str]:
        """A file name and the CSV text of the run's ``train`` or ``test`` rows, or its table."""
        with self._request():
            two_d, source = self.run.data.two_d, self.run.data.source
            if two_d is not None and part in ("train", "test"):
                text = two_d.train_csv if part == "train" else two_d.test_csv
                return f"{self.controls.data}-{part}.csv", text
            if source is not None and part == "table":
                name = "tutorial.txt" if source.name == TUTORIAL else Path(source.name).name
                return name, source.text
            raise ConfigurationError(f"this run has no {part!r} rows to download")

    def close(self) -> None:
        """Stop training for good and wake every reader."""
        with self._request():
            self.closed = True
        self.board.close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    # -- what requests do ------------------------------------------------------------------------

    def _table_controls(self, current: Controls, values: dict[str, Any]) -> Controls:
        """``changed_controls``, with the recipe of a table (or output column) newly chosen."""
        data = values.get("data", current.data)
        table = "" if data == "tutorial" else values.get("table", current.table)
        same = (data, table) == (current.data, current.table)
        target = values.get("target", current.target if same else "")
        recipe = None
        if data in TABLE_DATA and (data, table, target) != (
            current.data,
            current.table,
            current.target,
        ):
            base = replace(Controls(), data=data, table=table, target=target, train=100)
            recipe = recipe_controls(run_data(base, self._source(base)))
        return changed_controls(current, values, recipe)

    def _source(self, controls: Controls) -> Source | None:
        if controls.data == "tutorial":
            return tutorial_source()
        if controls.data == "table":
            found = self.sources.get(controls.table)
            if found is None:
                raise ConfigurationError(
                    f"the playground has no table named {controls.table!r}: upload it (the "
                    f"tables it has: {', '.join(sorted(self.sources)) or 'none'})"
                )
            return found
        return None

    def _start_run(self, controls: Controls) -> None:
        """Build a run for ``controls`` (the current run stays if that fails) and show it."""
        data = run_data(controls, self._source(controls))
        run = Run(data, controls)
        span = output_span(run.model, run.Y)
        plane = plane_of(run.model, data, span, controls.plane)
        self.controls, self.run, self.plane, self.span = controls, run, plane, span
        self._runs += 1
        self._last = None
        self._carry = 0.0
        self._publish(new_run=True)

    def _change_live(self, controls: Controls, moved: set[str]) -> None:
        """Apply changes the running network takes: rates, speed, epoch limit, plane."""
        for name in ("lr", "l2"):
            if name in moved:
                self.run.set_rate(name, getattr(controls, name))
        self.controls = controls
        self.run.limit = controls.epochs
        new_plane = "plane" in moved
        if new_plane:
            self.plane = plane_of(self.run.model, self.run.data, self.span, controls.plane)
        self._publish(new_run=new_plane)

    def _advance(self, epochs: int, stop: Any = lambda: False) -> None:
        if self.run.advance(epochs, stop):
            self._last = None

    def _last_step(self) -> LastStep | None:
        run = self.run
        if self._last is None and run.before is not None and run.after is not None:
            self._last = last_step(
                run.before, run.X, run.Y, run.batch_size, run.shuffle, run.epoch, run.after
            )
        return self._last

    def _story(self) -> str | None:
        last = self._last_step()
        return None if last is None else tell_last_step(last)

    def _finished_model(self) -> Any:
        """The run's table model, with its settings and scores as of the current epoch."""
        run = self.run
        model = run.model
        model.settings_ = replace(model.settings_, epochs=run.epoch)
        model.history_ = History(loss=list(run.train_loss[1:]))
        # The scores glassnet train writes, of the network as it is now.
        model.metrics_ = training_metrics(
            TrainedRun(model.net_, model.history_, run.X, run.Y),
            model.task_,
            model.outputs_,
            model.classes_,
        )
        return model

    def _publish(self, new_run: bool = False) -> None:
        state = {"playing": self.playing, "run": self._runs, "controls": self.controls.to_json()}
        text = json.dumps(frame(self.run, self.plane, self.span, state), allow_nan=False)
        described = None
        if new_run:
            described = json.dumps(
                describe_run(self.run, self.plane, self._runs, sorted(self.sources)),
                allow_nan=False,
            )
        self.board.publish(text, described)

    # -- the training thread --------------------------------------------------------------------

    def _train(self) -> None:
        """Train while playing, a frame's worth of epochs at a time, until closed."""
        next_frame = time.monotonic()
        while True:
            self._quiet.wait()
            with self._lock:
                while not self.closed and not (self.playing and not self.run.done):
                    self._wake.wait()
                if self.closed:
                    return
                try:
                    self._train_frame()
                except Exception as error:  # a bug: stop playing and say so in the page
                    self.playing = False
                    self.run.failure = f"internal error while training: {error!r}"
                    self._publish()
            next_frame = max(next_frame + 1 / FPS, time.monotonic())
            time.sleep(max(0.0, next_frame - time.monotonic()))

    def _train_frame(self) -> None:
        """Train one frame's epochs (by the speed control) and publish the frame."""
        speed = self.controls.speed
        if speed:
            self._carry += speed / FPS
            epochs = int(self._carry)
            self._carry -= epochs
            stop = self._interrupted
        else:
            deadline = time.monotonic() + TRAINING_SHARE / FPS
            epochs = _FOREVER

            def stop() -> bool:
                return self._interrupted() or time.monotonic() > deadline

        if epochs:
            self._advance(epochs, stop)
            if self.run.done:
                self.playing = False
            self._publish()

    def _interrupted(self) -> bool:
        """Whether a request waits: training stops after the epoch it is in."""
        return not self._quiet.is_set()
