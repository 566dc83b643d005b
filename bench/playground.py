"""playground: frames per second, training steps per second and control latency of the playground.

The playground runs as ``glassnet playground`` does, in its own process; this process is the
page: it reads the Server-Sent Events stream and sends the controls, as a browser would. The data
is the default 2-D problem (circle, 250 training rows, batches of 10, two hidden layers of 4
tanh neurons, a 50×50 heat map for every neuron). Figures:

- frames a second the stream delivers while training plays, at the default speed (60 epochs a
  second) and as fast as the machine goes (targets: at least 20 each);
- training steps a second while playing as fast as it goes, beside ``Network.fit`` alone on the
  same network and rows in this process (the peer: what is left of glassnet's speed while the
  playground also draws 30 frames a second);
- milliseconds from sending a control (a new learning rate, pause, play) to the first frame that
  shows it, while training plays as fast as it goes (target: at most 100).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.common import Result, alternate

STEPS_PER_EPOCH = 25  # 250 training rows in batches of 10


class Playground:
    """A ``glassnet playground`` process, and a page's connection to it."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "glassnet", "playground", "--no-browser", "--port", "0"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)\n", line)
        assert match, f"unexpected first line: {line!r}"
        self.port, self.token = int(match.group(1)), match.group(2)
        self.cookie = f"glassnet-playground-{self.port}={self.token}"
        self.stream = Stream(self.port, self.cookie)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode()
        headers = {"Cookie": self.cookie, "Content-Type": "application/json"}
        connection.request("POST", path, data, headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        connection.close()
        assert response.status == 200, answer
        return answer

    def close(self) -> None:
        self.stream.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


class Stream:
    """The page's Server-Sent Events connection: frames as they arrive, with their arrival time."""

    def __init__(self, port: int, cookie: str) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=30)
        request = f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n"
        self.socket.sendall(request.encode())
        self.buffer = b""

    def next_frame(self, timeout: float = 10.0) -> tuple[float, dict[str, Any]]:
        """The next frame event: the time it arrived and its data."""
        deadline = time.monotonic() + timeout
        while True:
            end = self.buffer.find(b"\n\n")
            if end >= 0:
                event, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
                if event.startswith(b"event: frame\ndata: "):
                    return time.perf_counter(), json.loads(event[len(b"event: frame\ndata: ") :])
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no frame arrived")
            self.socket.settimeout(left)
            try:
                self.buffer += self.socket.recv(1 << 20)
            except TimeoutError:
                raise TimeoutError("no frame arrived") from None

    def close(self) -> None:
        self.socket.close()


def play(playground: Playground, controls: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """Start a new run with ``controls`` playing; its first frame while playing, and when."""
    playground.post("/api/controls", {"data": "circle", **controls})
    run = playground.post("/api/action", {"action": "reset"})["run"]["run"]
    playground.post("/api/action", {"action": "play"})
    while True:
        arrived, frame = playground.stream.next_frame()
        if frame["run"] == run and frame["playing"]:
            return arrived, frame


def frames_per_second(playground: Playground, speed: int, seconds: float) -> float:
    """Frames a second received while playing for ``seconds`` at ``speed``."""
    first, _ = play(playground, {"speed": speed})
    count, last = 0, first
    while last - first < seconds:
        last, _ = playground.stream.next_frame()
        count += 1
    playground.post("/api/action", {"action": "pause"})
    _drain(playground)
    return count / (last - first)


def steps_per_second(playground: Playground, seconds: float) -> float:
    """Training steps a second while playing as fast as it goes (epochs from the frames)."""
    start, frame = play(playground, {"speed": 0})
    first_epoch, end = frame["epoch"], start
    while end - start < seconds:
        end, frame = playground.stream.next_frame()
    playground.post("/api/action", {"action": "pause"})
    _drain(playground)
    return (frame["epoch"] - first_epoch) * STEPS_PER_EPOCH / (end - start)


def fit_alone(seconds: float) -> float:
    """Training steps a second of ``Network.fit`` on the same network and rows, in this process."""
    import glassnet as gn
    from glassnet.playground.datasets import two_d_tables

    data = two_d_tables("circle")
    model = gn.TableModel(preset="standard", hidden=(4, 4), activation="tanh", loss="mse",
                          lr=0.03, l2=0.0, seed=1, batch_size=10, validation=0.0, scale=False,
                          epochs=0).fit(data.train)  # fmt: skip
    X, Y = model.encode(data.train)
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        model.net_.fit(X, Y, epochs=50, batch_size=10)
        epochs += 50
    return epochs * STEPS_PER_EPOCH / (time.perf_counter() - start)


def latency(playground: Playground, control: str, trials: int, every: list[float]) -> float:
    """Median milliseconds from sending ``control`` to the first frame that shows it.

    Every trial's delay is also added to ``every``, for the worst one.
    """
    play(playground, {"speed": 0, "lr": 0.03})
    delays = []
    for trial in range(trials):
        playground.stream.next_frame()  # training is under way
        if control == "lr":
            value = 0.03 + 0.001 * (trial + 1)
            sent = time.perf_counter()
            playground.post("/api/controls", {"lr": value})
            shown = lambda frame, value=value: frame["lr"] == value  # noqa: E731
        else:
            sent = time.perf_counter()
            playground.post("/api/action", {"action": "pause"})
            shown = lambda frame: not frame["playing"]  # noqa: E731
        while True:
            arrived, frame = playground.stream.next_frame()
            if shown(frame):
                delays.append((arrived - sent) * 1000)
                break
        if control == "pause":
            playground.post("/api/action", {"action": "play"})
    playground.post("/api/action", {"action": "pause"})
    _drain(playground)
    every.extend(delays)
    return statistics.median(delays)


def _drain(playground: Playground) -> None:
    """Read frames until the stream is quiet for a moment (the pause has arrived)."""
    try:
        while True:
            playground.stream.next_frame(timeout=0.3)
    except (TimeoutError, OSError):
        pass


def run(repeats: int = 5, seconds: float = 3.0, trials: int = 15) -> list[Result]:
    """Start a playground and measure; one Result per figure."""
    playground = Playground()
    try:
        fps = Result("playground frames", "frames per second", lower_is_better=False)
        fps.samples = alternate(
            {
                "default speed (60 epochs/s)": lambda: frames_per_second(playground, 60, seconds),
                "as fast as it goes": lambda: frames_per_second(playground, 0, seconds),
            },
            repeats,
            warmup=False,
        )
        steps = Result("playground steps", "training steps per second", lower_is_better=False)
        steps.samples = alternate(
            {
                "playground, as fast as it goes": lambda: steps_per_second(playground, seconds),
                "Network.fit alone": lambda: fit_alone(seconds),
            },
            repeats,
            warmup=False,
        )
        delay = Result("playground latency", "ms from control to frame")
        every: dict[str, list[float]] = {"new learning rate": [], "pause": []}
        delay.samples = alternate(
            {
                "new learning rate": lambda: latency(
                    playground, "lr", trials, every["new learning rate"]
                ),
                "pause": lambda: latency(playground, "pause", trials, every["pause"]),
            },
            repeats,
            warmup=False,
        )
        delay.extra["worst_ms"] = {name: max(delays) for name, delays in every.items()}
        delay.extra["trials"] = {name: len(delays) for name, delays in every.items()}
    finally:
        playground.close()
    return [fps, steps, delay]
