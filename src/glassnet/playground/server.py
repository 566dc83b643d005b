"""The playground's web server: the page, its JSON requests and the stream of frames.

Python's own ``ThreadingHTTPServer`` serves one page (``static/``, read from the package, no
other file), a few JSON requests that act on the ``Playground``, downloads, and a Server-Sent
Events stream of frames. Every request passes the ``Guard`` first; a bad one gets a 4xx status
and one line, never a traceback; a bug gets 500 and one line. ``make_server`` builds it,
``serve`` runs it until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urlsplit

from glassnet.errors import ConfigurationError, GlassnetError
from glassnet.playground.guards import Guard
from glassnet.playground.sessions import Playground

__all__ = ["MAX_UPLOAD", "PlaygroundServer", "make_server"]

MAX_UPLOAD = 10 * 2**20  # bytes of an uploaded table, by default
MAX_JSON = 64 * 2**10  # bytes of any other request body
HEARTBEAT = 15.0  # seconds between keep-alive comments on a quiet event stream

#: The page's files: the only files the server reads, all of them package data.
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}

#: Sent with every response: nothing from elsewhere, no framing, no referrer, no caching.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class PlaygroundServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its playground, its guard and its page."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], playground: Playground, max_upload: int = MAX_UPLOAD
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.playground = playground
        self.max_upload = max_upload
        self.guard = Guard(address[0], self.server_address[1])
        package = resources.files("glassnet.playground") / "static"
        self.assets = {path: (package / name).read_bytes() for path, (name, _) in ASSETS.items()}

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    def url(self, host: str | None = None) -> str:
        """The page's address with the token: the one line ``glassnet playground`` prints."""
        name = host or self.guard.host
        if name in ("0.0.0.0", "::", ""):
            name = socket.gethostname()
        if ":" in name:
            name = f"[{name}]"
        return f"http://{name}:{self.port}/?token={self.guard.token}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request handler failed outside its own error handling: one line, no traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            print(f"glassnet: playground: a request failed: {error!r}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    """One request: check it with the guard, then route it."""

    server: PlaygroundServer
    server_version = "glassnet-playground"
    sys_version = ""
    timeout = 60  # seconds a connection may sit without sending or reading

    # -- what the standard library's handler calls ---------------------------------------------

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method: 405, not the 501 of the standard handler
            return lambda: self._fail(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are used")
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer with a status and one line of text (a malformed request line is a 400)."""
        if code >= 500 and code != HTTPStatus.INTERNAL_SERVER_ERROR:
            code = HTTPStatus.BAD_REQUEST  # the request line named an HTTP version we do not speak
        if self.request_version == "HTTP/0.9":  # a request line past reading: answer with a status
            self.request_version = "HTTP/1.0"
        self._fail(code, message or HTTPStatus(code).phrase)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing per request: the terminal shows only the URL and errors."""

    # -- routing --------------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        verdict = self.server.guard.check(self.path, dict(self.headers.items()))
        if not verdict.allowed:
            self._fail(HTTPStatus.FORBIDDEN, verdict.reason)
            return
        path = urlsplit(self.path).path
        route = ROUTES.get((method, path))
        if route is None and method == "GET" and path in ASSETS:
            self._asset(path, verdict.set_cookie)
            return
        if route is None:
            known = any(path == where for _, where in ROUTES) or path in ASSETS
            status = HTTPStatus.METHOD_NOT_ALLOWED if known else HTTPStatus.NOT_FOUND
            self._fail(status, f"no {method} {path} here")
            return
        try:
            route(self)
        except (GlassnetError, ValueError) as error:
            self._fail(HTTPStatus.BAD_REQUEST, str(error))
        except ImportError as error:
            self._fail(HTTPStatus.BAD_REQUEST, f"this needs an optional package: {error}")
        except (ConnectionError, TimeoutError):
            pass  # the page went away
        except Exception as error:  # a bug: one line for the page, no traceback
            print(f"glassnet: playground: internal error: {error!r}", file=sys.stderr)
            self._fail(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(error).__name__}")

    def _asset(self, path: str, set_cookie: bool) -> None:
        headers = {"Set-Cookie": self.server.guard.cookie()} if set_cookie else {}
        self._send(HTTPStatus.OK, self.server.assets[path], ASSETS[path][1], headers)

    # -- answers --------------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, document: Any, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(document, allow_nan=False).encode()
        self._send(status, body, "application/json")

    def _fail(self, status: int, message: str) -> None:
        """An error the page shows: its status and one line of JSON, then close."""
        self.close_connection = True
        line = " ".join(str(message).split())
        with contextlib.suppress(ConnectionError, TimeoutError, ValueError):
            self._json({"error": line}, status)

    def _download(self, name: str, body: bytes, content_type: str) -> None:
        disposition = f'attachment; filename="{_safe_file_name(name)}"'
        self._send(HTTPStatus.OK, body, content_type, {"Content-Disposition": disposition})

    # -- reading requests -----------------------------------------------------------------------

    def _query(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(urlsplit(self.path).query).items()}

    def _body(self, limit: int, what: str) -> bytes:
        if "Transfer-Encoding" in self.headers:
            raise ConfigurationError("expected a request with a Content-Length, not chunked")
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.strip().isdigit():
            raise ConfigurationError(f"expected a Content-Length, got {length_text!r}")
        length = int(length_text)
        if length > limit:
            raise ConfigurationError(
                f"{what} is {_size(length)}; the playground takes at most {_size(limit)}"
                + (" (glassnet playground --max-upload MB)" if what.startswith("the table") else "")
            )
        data = self.rfile.read(length)
        if len(data) != length:
            raise ConfigurationError(f"expected {length} bytes of {what}, got {len(data)}")
        return data

    def _json_body(self) -> dict[str, Any]:
        data = self._body(MAX_JSON, "the request")
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigurationError(
                f"expected a JSON object, got text that is not: {error}"
            ) from None
        if not isinstance(document, dict):
            raise ConfigurationError(f"expected a JSON object, got {type(document).__name__}")
        return document

    # -- the requests ---------------------------------------------------------------------------

    def _state(self) -> None:
        self._json(self.server.playground.state())

    def _controls(self) -> None:
        self._json(self.server.playground.change(self._json_body()))

    def _action(self) -> None:
        action = self._json_body().get("action")
        self._json(self.server.playground.act(str(action)))

    def _table(self) -> None:
        name = _safe_file_name(self._query().get("name") or "pasted table")
        data = self._body(self.server.max_upload, f"the table {name!r}")
        self._json(self.server.playground.load_table(name, data))

    def _weight(self) -> None:
        body = self._json_body()
        row = body.get("row")
        place = [_integer(body.get(key), key) for key in ("layer", "column")]
        value = body.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigurationError(f"expected the weight as a number, got {value!r}")
        playground = self.server.playground
        row_index = None if row is None else _integer(row, "row")
        self._json(playground.set_weight(place[0], row_index, place[1], float(value)))

    def _see(self) -> None:
        query = self._query()
        names = ("layer", "row", "column", "example")
        place: dict[str, int] = {key: _integer(query[key], key) for key in names if key in query}
        self._json(self.server.playground.see(query.get("what", ""), place))

    def _story(self) -> None:
        self._json({"story": self.server.playground.story()})

    def _program(self) -> None:
        text = self.server.playground.program().encode()
        if self._query().get("download"):
            self._download("playground_run.py", text, "text/x-python; charset=utf-8")
        else:
            self._send(HTTPStatus.OK, text, "text/plain; charset=utf-8")

    def _model(self) -> None:
        body = self.server.playground.model_file()
        self._download("playground.safetensors", body, "application/octet-stream")

    def _onnx(self) -> None:
        body = self.server.playground.onnx_file()
        self._download("playground.onnx", body, "application/octet-stream")

    def _data(self) -> None:
        name, text = self.server.playground.data_file(self._query().get("part", "train"))
        self._download(name, text.encode(), "text/csv; charset=utf-8")

    def _events(self) -> None:
        """Stream the description of the run and its frames as Server-Sent Events."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        board = self.server.playground.board
        self.wfile.write(b"retry: 1000\n\n")
        seen, shown_run = 0, ""
        while not board.closed:
            number, run_text, frame_text = board.wait(seen, HEARTBEAT)
            if number == seen:
                self.wfile.write(b": still here\n\n")
            else:
                if run_text != shown_run:
                    self.wfile.write(f"event: run\ndata: {run_text}\n\n".encode())
                    shown_run = run_text
                self.wfile.write(f"event: frame\ndata: {frame_text}\n\n".encode())
                seen = number
            self.wfile.flush()


ROUTES: dict[tuple[str, str], Callable[[Handler], None]] = {
    ("GET", "/api/state"): Handler._state,
    ("GET", "/api/events"): Handler._events,
    ("GET", "/api/see"): Handler._see,
    ("GET", "/api/story"): Handler._story,
    ("GET", "/api/program"): Handler._program,
    ("GET", "/api/model"): Handler._model,
    ("GET", "/api/onnx"): Handler._onnx,
    ("GET", "/api/data"): Handler._data,
    ("POST", "/api/controls"): Handler._controls,
    ("POST", "/api/action"): Handler._action,
    ("POST", "/api/table"): Handler._table,
    ("POST", "/api/weight"): Handler._weight,
}


def _integer(value: Any, name: str) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"expected {name} as a whole number, got {value!r}") from None


def _size(n_bytes: int) -> str:
    if n_bytes >= 2**20:
        return f"{n_bytes / 2**20:.1f} MB"
    return f"{n_bytes / 2**10:.1f} kB" if n_bytes >= 2**10 else f"{n_bytes} bytes"


def _safe_file_name(name: str) -> str:
    """A file name to show and offer: its last part, printable, without quotes, at most 100."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(char for char in base if char.isprintable() and char not in "\"'<>")
    return cleaned[:100] or "table"


def make_server(
    playground: Playground,
    host: str = "127.0.0.1",
    port: int = 0,
    max_upload: int = MAX_UPLOAD,
) -> PlaygroundServer:
    """Return a server for ``playground`` listening on ``host:port`` (0: a free port).

    Raises
    ------
    OSError
        The address cannot be listened on (taken, or not this machine's).
    """
    return PlaygroundServer((host, port), playground, max_upload)
