"""The playground in a real browser: Debian's Chromium, driven by Playwright (never downloaded).

Each test serves a playground in this process and opens its page in Chromium: it plays, steps,
reads tables (given, uploaded, pasted, dropped, broken), downloads what the page offers and
checks every number against glassnet's own. The screenshots in the README are made here
(with GLASSNET_FIGURES=1).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

import glassnet as gn
from glassnet.cli import main
from glassnet.data.tutorial import TUTORIAL_TABLE
from glassnet.playground.sources import read_source
from tests.playground_helpers import BROKEN_AT, BROKEN_CSV, SMALL_CSV, served

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The README's screenshots are rewritten only on request (GLASSNET_FIGURES=1): a run pauses after
# a varying number of epochs, so each run's pictures differ a little.
DOCS_FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """Where the screenshots go: docs/figures on request, else a temporary folder."""
    if os.environ.get("GLASSNET_FIGURES") == "1":
        return DOCS_FIGURES
    return tmp_path_factory.mktemp("figures")


STATE = "window.glassnetPlayground"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Opened:
    """A page of the playground, and every script error and failed load it met."""

    def __init__(self, browser, server, hash_: str = "") -> None:
        self.context = browser.new_context(
            viewport={"width": 1360, "height": 1000}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"script: {error}"))
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        self.page.goto(server.url() + hash_)
        self.until(f"Boolean({STATE} && {STATE}.frame && {STATE}.frames > 0)")

    def frame(self) -> dict:
        return self.page.evaluate(f"{STATE}.frame")

    def run(self) -> dict:
        return self.page.evaluate(f"{STATE}.run")

    def wait(self, condition: str, timeout: float = 30) -> None:
        """Wait until ``condition`` holds in the page (``f``: the frame, ``r``: the run), and the
        frame it held for is the one on screen.

        Polled through ``evaluate``: Playwright's ``wait_for_function`` evaluates text inside
        the page, which the page's Content-Security-Policy rightly forbids.
        """
        names = f"const f = {STATE}.frame, r = {STATE}.run;"
        shown = f"{STATE}.drawn === f"
        self.until(f"(() => {{ {names} return Boolean(({condition}) && {shown}); }})()", timeout)

    def until(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {expression}")
            self.page.wait_for_timeout(25)

    def close(self) -> None:
        self.context.close()


@contextlib.contextmanager
def opened(browser, server, hash_: str = ""):
    page = Opened(browser, server, hash_)
    try:
        yield page
    finally:
        page.close()


def _explain_iteration(number: int) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", "--full", "--steps", str(number)]) == 0
    match = re.search(
        rf"^Iteration {number}\n.*?^  The loss, measured before.*?\n", out.getvalue(), re.M | re.S
    )
    return match.group(0)


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


# -- 1. it loads, plays, steps and answers the tutorial ------------------------------------------


def test_the_page_plays_steps_and_answers_the_tutorial_as_the_library(browser, figures):
    with served() as server, opened(browser, server) as page:
        before = _pixels(page.page.locator("#plane").screenshot())
        page.page.click("#play")
        page.wait("f.epoch >= 40")
        page.page.click("#play")
        page.wait("!f.playing")
        after = _pixels(page.page.locator("#plane").screenshot())
        changed = np.abs(np.asarray(before, int) - np.asarray(after, int)).sum(axis=2) > 30
        assert changed.mean() > 0.05  # the output's heat map moved
        page.page.click("#tutorial")
        page.wait("r.controls.data === 'tutorial'")
        assert page.page.locator("#answers-table td.answer").text_content() != "0.99993704"
        page.page.click("#step")
        page.wait("f.epoch === 1")
        page.until("document.getElementById('story').textContent.length > 0")
        assert page.page.locator("#story").text_content() == _explain_iteration(1)
        page.page.click("#step")
        page.until("document.getElementById('story').textContent.startsWith('Iteration 2')")
        assert page.page.locator("#story").text_content() == _explain_iteration(2)
        page.page.click("#play")
        page.wait("f.done && !f.playing")
        assert page.page.locator("#epoch").text_content() == "010,000"
        assert page.page.locator("#answers-table td.answer").text_content() == "0.99993704"
        model = gn.TableModel().fit(gn.parse_table(TUTORIAL_TABLE))
        assert page.frame()["weights"][0]["W"] == model.net_.layers[0].weights.tolist()
        page.page.locator("#links path.hit").nth(0).dispatch_event("click")
        page.until("document.getElementById('see-title').textContent.startsWith('weight')")
        page.page.screenshot(path=str(figures / "playground-tutorial.png"), full_page=True)
        assert page.errors == []


# -- 2. XOR with one hidden layer of 4 ----------------------------------------------------------


def test_xor_with_one_hidden_layer_of_four_learns_within_twenty_seconds(browser, figures):
    with served() as server, opened(browser, server, "#data=xor&hidden=4") as page:
        page.wait("r.controls.data === 'xor' && r.sizes.join() === '2,4,1'")
        started = time.monotonic()
        page.page.click("#play")
        page.wait("f.loss.test !== null && f.loss.test < 0.1", timeout=20)
        took = time.monotonic() - started
        page.page.click("#play")
        page.wait("!f.playing")
        assert took < 20
        assert float(page.page.locator("#test-loss").text_content()) < 0.1
        place = page.page.evaluate(
            """(() => {
                const plane = window.glassnetPlayground.run.plane;
                const box = document.getElementById("plane").getBoundingClientRect();
                const [x0, x1] = plane.x_range, [y0, y1] = plane.y_range;
                const x = (plane.points.x[0] - x0) / (x1 - x0);
                const y = (plane.points.y[0] - y0) / (y1 - y0);
                return [box.left + x * box.width, box.top + (1 - y) * box.height];
            })()"""
        )
        page.page.mouse.move(*place)
        page.until("document.getElementById('see-title').textContent === 'training row 1'")
        assert "error = target - output" in page.page.locator("#see-lines").text_content()
        plane = _pixels(page.page.locator("#plane").screenshot())
        width, height = plane.size
        right, bottom = width - 6, height - 6
        corners = {"top left": (5, 5), "top right": (right, 5),
                   "bottom left": (5, bottom), "bottom right": (right, bottom)}  # fmt: skip
        colours = {name: plane.getpixel(place) for name, place in corners.items()}
        # white (255, 255, 255) is neither class: a corner must lean one way by a clear margin
        blue = {name: colour[2] - colour[0] > 20 for name, colour in colours.items()}
        orange = {name: colour[0] - colour[2] > 20 for name, colour in colours.items()}
        # x1·x2 > 0 is class 1 (blue): top right and bottom left; the others are class 0 (orange)
        assert blue["top right"], colours
        assert blue["bottom left"], colours
        assert orange["top left"], colours
        assert orange["bottom right"], colours
        page.page.locator("#links path.hit").nth(2).dispatch_event("click")
        page.until("document.getElementById('see-lines').textContent.includes('new =')")
        page.page.screenshot(path=str(figures / "playground-xor.png"), full_page=True)
        assert page.errors == []


# -- 3. the user's table: from the command line, uploaded, pasted, dropped, broken -------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _answers(page: Opened) -> list[list[str]]:
    return page.page.evaluate(
        "[...document.querySelectorAll('#answers-table tr')].slice(1)"
        ".map((row) => [...row.children].slice(1).map((cell) => cell.textContent))"
    )


def test_a_csv_from_the_command_line_and_uploaded_pasted_or_dropped_works(
    browser, figures, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "small.csv", SMALL_CSV)
    with served(read_source("small.csv")) as server, opened(browser, server) as page:
        assert page.run()["table"] == "small.csv"
        page.wait("f.answers !== null")
        assert [cell for cell in page.page.locator("#answers-table th").all_text_contents()] == [
            "line", "width", "height", "colour", "fits"]  # fmt: skip
        page.page.click("#play")
        page.wait("f.done")
        command = shlex.split(page.page.locator("#command").text_content())
        assert command[:3] == ["glassnet", "solve", "small.csv"]
        assert command[command.index("--hidden") + 1] == "8"  # the recipe's 16, cut to 8
        capsys.readouterr()
        assert main(command[1:]) == 0  # the same run from the command line: the same answers
        solved = [line.split(",") for line in capsys.readouterr().out.splitlines()[-2:]]
        assert _answers(page) == solved
        page.page.screenshot(path=str(figures / "playground-table.png"), full_page=True)

        other = _write(tmp_path, "sizes.csv", "size,price\n1,10\n2,19\n3,31\n4,40\n5,?\n")
        page.page.set_input_files("#upload", str(other))
        page.wait("r.table === 'sizes.csv' && f.answers !== null")
        assert page.run()["task"] == "regression"
        assert _answers(page)[0][0] == "5"

        page.page.click("#paste-box summary")
        page.page.fill("#paste", "a b c\n0 1 1\n1 0 1\n1 1 0\n0 0 0\n0 1 ?\n")
        page.page.click("#paste-use")
        page.wait("r.table === 'pasted table' && f.answers !== null")
        assert page.run()["columns"] == ["a", "b", "c"]

        page.page.evaluate(
            """() => {
                const data = new DataTransfer();
                data.items.add(new File(["u,v\\n1,0\\n0,1\\n1,1\\n0,0\\n1,?\\n"], "dropped.csv"));
                const drop = new DragEvent("drop", {dataTransfer: data, bubbles: true});
                document.body.dispatchEvent(drop);
            }"""
        )
        page.wait("r.table === 'dropped.csv'")
        assert page.run()["columns"] == ["u", "v"]

        broken = _write(tmp_path, "broken.csv", BROKEN_CSV)
        page.page.set_input_files("#upload", str(broken))
        page.until("document.getElementById('message').textContent.startsWith('broken.csv:')")
        assert page.page.locator("#message").text_content() == BROKEN_AT
        assert page.run()["table"] == "dropped.csv"  # the run it had goes on
        assert [error for error in page.errors if "status of 400" not in error] == []
        assert len(page.errors) == 1


# -- 4. what the page gives out ------------------------------------------------------------------


def test_the_downloaded_model_and_the_shown_code_are_the_pages_run(browser, tmp_path, capsys):
    given = _write(tmp_path, "small.csv", SMALL_CSV)
    hash_ = f"#data=table&table={given}&hidden=3&activation=relu&epochs=150&batch=3"
    with served(read_source(str(given))) as server, opened(browser, server, hash_) as page:
        page.wait("r.sizes.join() === '4,3,1' && r.controls.batch === 3")
        page.page.click("#play")
        page.wait("f.done")
        answers = _answers(page)

        with page.page.expect_download() as download:
            page.page.click("#get-model")
        model_path = tmp_path / download.value.suggested_filename
        download.value.save_as(model_path)
        assert model_path.name == "playground.safetensors"
        capsys.readouterr()
        assert main(["info", str(model_path)]) == 0
        info = capsys.readouterr().out
        assert "layer 1: 4 -> 3 relu" in info
        assert main(["predict", str(model_path), str(given)]) == 0
        predicted = [line.split(",") for line in capsys.readouterr().out.splitlines()[-2:]]
        assert predicted == answers

        with page.page.expect_download() as download:
            page.page.click("#get-onnx")
        onnx_path = tmp_path / "playground.onnx"
        download.value.save_as(onnx_path)
        session = onnxruntime.InferenceSession(str(onnx_path))
        feeds = {"width": np.array([[2.2], [0.7]]), "height": np.array([[2.8], [0.6]]),
                 "colour": np.array([["blue"], ["red"]], dtype=object)}  # fmt: skip
        probabilities = session.run(["Y"], feeds)[0][:, 0]
        assert [f"{p:.8f}" for p in probabilities] == [row[-1] for row in answers]

        page.page.click("#get-program")
        page.until("document.getElementById('program').textContent.length > 0")
        code = page.page.locator("#program").text_content()
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "playground_run.py", "exec"), namespace)
        rebuilt = namespace["model"].net_.get_weights()
        downloaded = gn.TableModel.load(model_path).net_.get_weights()
        for mine, theirs in zip(rebuilt, downloaded, strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12)
        assert page.errors == []


def test_a_link_reproduces_the_run(browser):
    with served() as server:
        with opened(
            browser, server, "#data=spiral&hidden=3,2&features=x1,x2,sin(x1)&seed=7"
        ) as page:
            page.wait("r.controls.data === 'spiral'")
            page.page.click("#step")
            page.wait("f.epoch === 1")
            link = page.page.url
            weights = page.frame()["weights"]
        assert "token" not in link
        hash_ = link[link.index("#") :]
        assert "seed=7" in hash_
        with served() as again, opened(browser, again, hash_) as page:
            page.wait("r.controls.data === 'spiral' && r.sizes.join() === '3,3,2,1'")
            page.page.click("#step")
            page.wait("f.epoch === 1")
            assert page.frame()["weights"] == weights


# -- 5. another page in the same browser gets nothing ---------------------------------------------


class _Elsewhere(BaseHTTPRequestHandler):
    """A page from another origin that tries to use the playground with the browser's cookie."""

    target = 0

    def do_GET(self) -> None:
        page = f"""<!doctype html><script>
        const base = "http://127.0.0.1:{self.target}";
        const results = [];
        const attempt = async (name, request) => {{
          try {{ const r = await request(); results.push([name, r.type, r.status]); }}
          catch (error) {{ results.push([name, "blocked", 0]); }}
        }};
        (async () => {{
          await attempt("read", () => fetch(base + "/api/state", {{credentials: "include"}}));
          await attempt("play", () => fetch(base + "/api/action", {{method: "POST", mode: "no-cors",
            credentials: "include", body: JSON.stringify({{action: "play"}})}}));
          const weight = JSON.stringify({{layer: 0, row: 0, column: 0, value: 5}});
          await attempt("weight", () => fetch(base + "/api/weight", {{method: "POST",
            mode: "no-cors", credentials: "include", body: weight}}));
          window.results = results;
        }})();
        </script>"""
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_another_page_in_the_same_browser_gets_nothing(browser):
    with served() as server, opened(browser, server) as page:
        before = page.frame()
        _Elsewhere.target = server.port
        elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), _Elsewhere)
        thread = threading.Thread(target=elsewhere.serve_forever, daemon=True)
        thread.start()
        try:
            other = page.context.new_page()
            other.goto(f"http://127.0.0.1:{elsewhere.server_address[1]}/")
            deadline = time.monotonic() + 30
            while not other.evaluate("Boolean(window.results && window.results.length === 3)"):
                assert time.monotonic() < deadline
                other.wait_for_timeout(25)
            results = other.evaluate("window.results")
        finally:
            elsewhere.shutdown()
            elsewhere.server_close()
        assert results[0] == ["read", "blocked", 0]
        time.sleep(0.3)
        state = json.loads(page.page.evaluate("fetch('/api/state').then((r) => r.text())"))
        assert not state["frame"]["playing"]
        assert state["frame"]["weights"] == before["weights"]


def test_the_page_opens_through_the_private_file_glassnet_hands_the_browser(browser, monkeypatch):
    from glassnet.playground import launching

    handed: list[str] = []
    monkeypatch.setattr(
        launching.webbrowser, "open", lambda address: handed.append(address) or True
    )
    with served() as server:
        assert launching.open_browser(server.url())
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(handed[0])
            page.wait_for_url(f"http://127.0.0.1:{server.port}/**")  # the file sends it on
            page.wait_for_load_state()
            deadline = time.monotonic() + 30
            while not page.evaluate(f"Boolean(window.glassnetPlayground && {STATE}.frames > 0)"):
                assert time.monotonic() < deadline, page.content()[:300]
                page.wait_for_timeout(50)
            assert page.title() == "glassnet playground"
            assert "token" not in page.url  # the page took it out of the address bar
        finally:
            context.close()
