"""The playground's server: who it answers, what it refuses, and that it keeps serving."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

import numpy as np
import onnx
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.playground import launching
from glassnet.playground.guards import Guard
from glassnet.playground.sources import read_source
from tests.playground_helpers import BROKEN_AT, BROKEN_CSV, SMALL_CSV, ask, ask_json, raw, served


@pytest.fixture(scope="module")
def server():
    with served() as running:
        yield running


def _status(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1))


# -- the token ------------------------------------------------------------------------------------


def test_page_and_api_refuse_a_request_without_the_token(server):
    for path in ("/", "/app.js", "/api/state", "/api/events", "/api/model", "/api/program"):
        status, _, body = ask(server, "GET", path, token=False)
        assert status == 403, path
        assert b"token" in body
    status, _, _ = ask(server, "GET", "/?token=" + "x" * 43, token=False)
    assert status == 403
    status, _, _ = ask(server, "POST", "/api/action", {"action": "play"}, token=False)
    assert status == 403


def test_the_token_in_the_url_sets_a_strict_cookie_that_carries_it_afterwards(server):
    status, headers, body = ask(server, "GET", f"/?token={server.guard.token}", token=False)
    assert status == 200
    assert b"<title>glassnet playground</title>" in body
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{server.guard.cookie_name}={server.guard.token};")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    status, _, _ = ask(server, "GET", "/api/state")  # the cookie alone
    assert status == 200


def test_every_answer_forbids_other_origins_scripts_and_frames(server):
    _, headers, _ = ask(server, "GET", "/")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


# -- Host and Origin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost.evil.example:{port}", ""],
)
def test_a_foreign_host_is_refused_even_with_the_token(server, host):
    headers = {"Host": host.format(port=server.port)}
    status, _, body = ask(server, "GET", f"/?token={server.guard.token}", headers=headers)
    assert status == 403
    assert b"Host" in body


def test_localhost_is_the_servers_own_name(server):
    status, _, _ = ask(server, "GET", "/api/state", headers={"Host": f"localhost:{server.port}"})
    assert status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "https://127.0.0.1:{port}"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_request_from_another_origin_is_refused(server, headers):
    headers = {name: value.format(port=server.port) for name, value in headers.items()}
    status, _, _ = ask(server, "POST", "/api/action", {"action": "pause"}, headers=headers)
    assert status == 403


def test_the_pages_own_origin_is_accepted(server):
    origin = {"Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"}
    status, _, _ = ask(server, "POST", "/api/action", {"action": "pause"}, headers=origin)
    assert status == 200


def test_the_url_opened_from_a_file_or_another_program_is_served(server):
    # A browser opened through glassnet's private file navigates from a file:// page: another
    # site, as Sec-Fetch-Site says; the token in the URL is what lets it in.
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    path = f"/?token={server.guard.token}"
    status, answer_headers, _ = ask(server, "GET", path, headers=headers, token=False)
    assert status == 200
    assert "Set-Cookie" in answer_headers
    status, _, _ = ask(server, "GET", "/", headers=headers)  # the cookie alone, from elsewhere
    assert status == 403


def test_guard_names_for_a_server_on_every_interface():
    guard = Guard("0.0.0.0", 8765)
    assert f"{socket.gethostname()}:8765".lower() in guard.hosts
    assert "127.0.0.1:8765" in guard.hosts
    assert "evil.example:8765" not in guard.hosts


# -- malformed requests ---------------------------------------------------------------------------


def _malformed(server) -> list[bytes]:
    host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
    cookie = f"Cookie: {server.guard.cookie_name}={server.guard.token}\r\n".encode()
    both = host + cookie

    def post(path: str, body: bytes, length: str | None = None) -> bytes:
        size = str(len(body)) if length is None else length
        return (f"POST {path} HTTP/1.1\r\n".encode() + both
                + f"Content-Length: {size}\r\n\r\n".encode() + body)  # fmt: skip

    return [
        b"\x00\xff\xfe garbage \x01\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/2.0\r\n" + both + b"\r\n",
        b"GET / HTTP/1.1 extra words\r\n\r\n",
        b"BREW /api/state HTTP/1.1\r\n" + both + b"\r\n",
        b"HEAD / HTTP/1.1\r\n" + both + b"\r\n",
        b"DELETE /api/state HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/state HTTP/1.1\r\n\r\n",  # no Host
        b"GET /../../etc/passwd HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /static/../../pyproject.toml HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/see?what=weight&layer=abc HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/see?what=weight&layer=99&row=0&column=0 HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/see?what=nothing HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/see?what=point&row=100000 HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/data?part=secrets HTTP/1.1\r\n" + both + b"\r\n",
        b"GET /api/state HTTP/1.1\r\n" + both + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"GET /api/state HTTP/1.1\r\n" + both + b"X: y\r\n" * 120 + b"\r\n",
        b"POST /api/controls HTTP/1.1\r\n" + both + b"\r\n{}",  # no Content-Length
        b"POST /api/controls HTTP/1.1\r\n"
        + both
        + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        post("/api/controls", b"{not json"),
        post("/api/controls", b"[1, 2, 3]"),
        post("/api/controls", b"\xff\xfe\xfd"),
        post("/api/controls", b"{}", length="-5"),
        post("/api/controls", b"{}", length="99999999"),
        post("/api/controls", b"{}", length="10"),  # promises more than it sends
        post("/api/controls", b'{"hidden": [1, 2, 3, 4, 5, 6, 7]}'),
        post("/api/controls", b'{"hidden": [9]}'),
        post("/api/controls", b'{"lr": -1}'),
        post("/api/controls", b'{"lr": "fast"}'),
        post("/api/controls", b'{"bogus": 1}'),
        post("/api/controls", b'{"data": "table", "table": "missing.csv"}'),
        post("/api/controls", b'{"features": []}'),
        post("/api/action", b'{"action": 42}'),
        post("/api/action", b'{"action": "explode"}'),
        post("/api/weight", b'{"layer": 0, "row": 0, "column": 0, "value": "x"}'),
        post("/api/weight", b'{"layer": 7, "row": 0, "column": 0, "value": 1}'),
        post("/api/weight", b'{"layer": 0, "row": 0, "column": 0, "value": 1e300}'),
        post("/api/table?name=bad.csv", b"\xff\xfe\x00 not utf-8"),
        post("/api/table?name=broken.csv", BROKEN_CSV.encode()),
        post("/api/table?name=empty.csv", b""),
    ]


def test_two_hundred_malformed_requests_get_4xx_and_leave_it_serving(server):
    requests = _malformed(server)
    answered = 0
    for index in range(200):
        answer = raw(server, requests[index % len(requests)])
        status = _status(answer)
        assert 400 <= status < 500, (requests[index % len(requests)][:80], answer[:300])
        assert b"Traceback" not in answer
        assert b'File "' not in answer
        answered += 1
    assert answered == 200
    assert ask_json(server, "GET", "/api/state")["frame"]["epoch"] >= 0
    status, _, body = ask(server, "GET", "/")
    assert status == 200
    assert b"glassnet playground" in body


def test_a_bug_in_a_request_is_a_500_with_one_line_and_no_traceback(server, monkeypatch, capsys):
    def broken() -> None:
        raise RuntimeError("a deliberate bug")

    monkeypatch.setattr(server.playground, "story", broken)
    status, _, body = ask(server, "GET", "/api/story")
    assert status == 500
    assert json.loads(body) == {"error": "internal error: RuntimeError"}
    assert "a deliberate bug" in capsys.readouterr().err
    monkeypatch.undo()
    assert ask(server, "GET", "/api/story")[0] == 200


# -- uploads --------------------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_refused_with_the_sizes():
    with served(max_upload=1000) as small:
        status, _, body = ask(small, "POST", "/api/table?name=big.csv", b"x,y\n" + b"1,2\n" * 600)
        assert status == 400
        message = json.loads(body)["error"]
        assert message == (
            "the table 'big.csv' is 2.3 kB; the playground takes at most 1000 bytes "
            "(glassnet playground --max-upload MB)"
        )
        status, _, _ = ask(small, "POST", "/api/table?name=ok.csv", SMALL_CSV.encode())
        assert status == 200


def test_a_broken_upload_names_its_file_line_and_column_and_changes_nothing(server):
    before = ask_json(server, "GET", "/api/state")["run"]["run"]
    status, _, body = ask(server, "POST", "/api/table?name=broken.csv", BROKEN_CSV.encode())
    assert status == 400
    assert json.loads(body)["error"] == BROKEN_AT
    assert ask_json(server, "GET", "/api/state")["run"]["run"] == before


def test_an_uploads_name_is_only_a_file_name(server):
    status, _, body = ask(
        server, "POST", "/api/table?name=../../etc/passwd%22%3Cx%3E", SMALL_CSV.encode()
    )
    assert status == 200
    assert json.loads(body)["run"]["table"] == "passwdx"
    ask_json(server, "POST", "/api/controls", {"data": "circle"})


# -- what it serves -------------------------------------------------------------------------------


def test_it_listens_on_the_loopback_address_only(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url().startswith(f"http://127.0.0.1:{server.port}/?token=")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # the address this machine would use to reach elsewhere (no packet is sent)
            probe.connect(("192.0.2.1", 9))
            outside = probe.getsockname()[0]
        except OSError:
            outside = None
    if outside and not outside.startswith("127."):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((outside, server.port), timeout=2).close()


def test_the_event_stream_sends_the_run_then_frames_while_playing(server):
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    request = (
        f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Cookie: {server.guard.cookie_name}={server.guard.token}\r\n\r\n"
    )
    connection.sendall(request.encode())
    ask_json(server, "POST", "/api/controls", {"data": "xor", "speed": 300})
    ask_json(server, "POST", "/api/action", {"action": "play"})
    received = b""
    deadline = time.monotonic() + 10
    while received.count(b"event: frame") < 5 and time.monotonic() < deadline:
        received += connection.recv(1 << 20)
    connection.close()
    ask_json(server, "POST", "/api/action", {"action": "pause"})
    assert received.startswith(b"HTTP/1.0 200 OK")
    assert b"Content-Type: text/event-stream" in received
    assert received.count(b"event: frame") >= 5
    runs = [
        json.loads(line[6:]) for line in received.split(b"\n") if line.startswith(b'data: {"run"')
    ]
    frames = [json.loads(line[6:]) for line in received.split(b"\n")
              if line.startswith(b"data: {\"playing\"")]  # fmt: skip
    assert runs[-1]["controls"]["data"] == "xor"
    epochs = [f["epoch"] for f in frames if f["run"] == runs[-1]["run"]]
    assert epochs == sorted(epochs)
    assert epochs[-1] > epochs[0]


def test_downloads_are_the_models_and_the_data(server, tmp_path):
    ask_json(server, "POST", "/api/controls", {"data": "gauss", "hidden": [3]})
    ask_json(server, "POST", "/api/action", {"action": "step"})
    status, headers, body = ask(server, "GET", "/api/model")
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="playground.safetensors"'
    path = tmp_path / "model.safetensors"
    path.write_bytes(body)
    model = gn.TableModel.load(path)
    assert model.metrics_["epochs"] == 1
    weights = ask_json(server, "GET", "/api/state")["frame"]["weights"]
    np.testing.assert_array_equal(model.net_.layers[0].weights, weights[0]["W"])
    status, _, body = ask(server, "GET", "/api/onnx")
    assert status == 200
    assert [i.name for i in onnx.load_from_string(body).graph.input] == ["x1", "x2"]
    status, headers, body = ask(server, "GET", "/api/data?part=test")
    assert headers["Content-Disposition"] == 'attachment; filename="gauss-test.csv"'
    assert gn.parse_table(body).n_rows == 250
    status, headers, body = ask(server, "GET", "/api/program?download=1")
    assert body.startswith(b'"""Rebuild a glassnet playground run: gauss')


# -- the command ----------------------------------------------------------------------------------


def _start_command(*arguments: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "glassnet", "playground", "--no-browser", *arguments]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_command_prints_one_url_serves_and_stops_cleanly_on_ctrl_c(tmp_path):
    table = tmp_path / "small.csv"
    table.write_text(SMALL_CSV)
    process = _start_command(str(table), "--port", "0")
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{43})\n", line)
        assert match, line
        port, token = int(match.group(1)), match.group(2)
        request = f"GET /api/state?token={token} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        answer = b""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(request.encode())
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 200 OK")
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["run"]["table"] == str(table)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert out == ""
    assert err == "glassnet: playground stopped\n"


def test_the_command_warns_when_it_listens_beyond_this_machine():
    process = _start_command("--port", "0", "--host", "0.0.0.0")
    try:
        assert process.stdout.readline().startswith(f"http://{socket.gethostname()}:")
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert err.startswith("glassnet: warning: listening on 0.0.0.0, not only on this machine")
    assert process.returncode == 0


def test_the_command_refuses_a_broken_or_missing_table_and_a_taken_port(tmp_path, capsys):
    broken = tmp_path / "broken.csv"
    broken.write_text(BROKEN_CSV)
    assert main(["playground", str(broken), "--no-browser"]) == 65
    assert capsys.readouterr().err == f"glassnet: error: {tmp_path}/{BROKEN_AT}\n"
    assert main(["playground", str(tmp_path / "none.csv"), "--no-browser"]) == 66
    assert capsys.readouterr().err == f"glassnet: error: {tmp_path}/none.csv: no such file\n"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["playground", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"glassnet: error: cannot listen on 127.0.0.1:{port}: ")
    assert "choose another --port (0 picks a free one)" in err
    assert main(["playground", "--port", "70000"]) == 2


def test_a_taken_default_port_falls_back_to_a_free_one(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(launching, "DEFAULT_PORT", taken.getsockname()[1])
        playground, server = launching.start()
        try:
            assert server.port != taken.getsockname()[1]
        finally:
            playground.close()
            server.server_close()


def test_the_browser_is_opened_through_a_private_file_not_the_url(monkeypatch):
    opened = []

    def fake_open(address: str) -> bool:
        page = Path(address.removeprefix("file://"))
        opened.append((address, page.stat().st_mode & 0o777, page.read_text()))
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    url = "http://127.0.0.1:8765/?token=secret-token"
    assert launching.open_browser(url)
    (address, mode, text) = opened[0]
    assert address.startswith("file:///")
    assert "secret-token" not in address
    assert mode == 0o600
    assert 'content="0;url=http://127.0.0.1:8765/?token=secret-token"' in text


def test_a_table_read_for_the_command_keeps_its_text_and_path(tmp_path):
    table = tmp_path / "small.csv"
    table.write_bytes(b"\xef\xbb\xbf" + SMALL_CSV.encode())
    source = read_source(str(table))
    assert source.text == SMALL_CSV
    assert source.path == os.path.abspath(table)
    assert source.table.names == ["width", "height", "colour", "fits"]


def test_serve_prints_the_url_warns_and_stops_on_ctrl_c(monkeypatch):
    from glassnet.playground.server import PlaygroundServer

    def interrupted(self, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(PlaygroundServer, "serve_forever", interrupted)
    monkeypatch.setattr(launching, "open_browser", lambda url: False)
    out, err = io.StringIO(), io.StringIO()
    launching.serve(host="0.0.0.0", port=0, out=out, err=err)
    assert re.fullmatch(r"http://\S+:\d+/\?token=[A-Za-z0-9_-]{43}\n", out.getvalue())
    assert err.getvalue().splitlines() == [
        "glassnet: warning: listening on 0.0.0.0, not only on this machine: anyone who can reach "
        "it and has the URL can use the playground",
        "glassnet: note: no browser could be opened; open the URL above",
        "glassnet: playground stopped",
    ]
