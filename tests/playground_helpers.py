"""Running a playground server in the test process, and talking to it over raw HTTP."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from glassnet.playground import Playground, PlaygroundServer, make_server
from glassnet.playground.sources import Source

BROKEN_CSV = "x1,x2,y\n0.5,1.0,1\n0.1,2.0,0\n0.3,1.5,1\n0.2,oops,0\n"
BROKEN_AT = "broken.csv:5:2: expected a number in column 'x2' as in 3 other rows, found 'oops'"
#: A small table with two number inputs, a label input and two rows to answer.
SMALL_CSV = """\
width,height,colour,fits
1.0,2.0,red,0
2.0,1.5,blue,1
3.0,3.5,red,1
0.5,0.5,blue,0
2.5,2.0,red,1
1.5,0.5,blue,0
3.5,1.0,red,1
0.8,1.9,blue,0
2.2,2.8,blue,?
0.7,0.6,red,?
"""


@contextmanager
def served(
    source: Source | None = None, max_upload: int = 10 * 2**20
) -> Iterator[PlaygroundServer]:
    """A playground and its server on a free port, serving in a thread, closed afterwards."""
    playground = Playground(source)
    server = make_server(playground, "127.0.0.1", 0, max_upload)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        playground.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def ask(
    server: PlaygroundServer,
    method: str,
    path: str,
    body: bytes | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    token: bool = True,
) -> tuple[int, dict[str, str], bytes]:
    """One request with the server's own Host and (by default) its cookie; the status, headers
    and body of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sent = {"Host": f"127.0.0.1:{server.port}"}
    if token:
        sent["Cookie"] = f"{server.guard.cookie_name}={server.guard.token}"
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    if data is not None:
        sent["Content-Length"] = str(len(data))
    sent.update(headers or {})
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.endheaders(data)
    response = connection.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return answer


def ask_json(server: PlaygroundServer, method: str, path: str, body: Any = None) -> Any:
    status, _, data = ask(server, method, path, body)
    assert status == 200, data
    return json.loads(data)


def raw(server: PlaygroundServer, data: bytes) -> bytes:
    """Send bytes as they are and return all the server answers before closing."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
