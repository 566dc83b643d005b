"""Starting a playground: a server on a port, the page opened in a browser, stopped by Ctrl-C.

``start`` builds the playground and its server (on the port asked for, or a free one when the
default port is taken); ``open_browser`` opens the page through a small file only this user can
read, so the token never appears on a command line other users can list; ``serve`` does both
and serves until Ctrl-C.
"""

from __future__ import annotations

import atexit
import errno
import html
import os
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path
from typing import TextIO

from glassnet.errors import ConfigurationError
from glassnet.playground.guards import LOOPBACK
from glassnet.playground.server import MAX_UPLOAD, PlaygroundServer, make_server
from glassnet.playground.sessions import Playground
from glassnet.playground.sources import Source

__all__ = ["DEFAULT_PORT", "open_browser", "serve", "start"]

DEFAULT_PORT = 8765


def start(
    source: Source | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    max_upload: int = MAX_UPLOAD,
) -> tuple[Playground, PlaygroundServer]:
    """Build a playground and a server for it; ``port=None`` is 8765, or a free port if taken.

    Raises
    ------
    ConfigurationError
        The port is taken (when asked for by number) or the address is not this machine's.
    """
    playground = Playground(source)
    try:
        try:
            server = make_server(
                playground, host, DEFAULT_PORT if port is None else port, max_upload
            )
        except OSError as error:
            if port is not None or error.errno != errno.EADDRINUSE:
                raise
            server = make_server(playground, host, 0, max_upload)
    except OSError as error:
        playground.close()
        reason = error.strerror or str(error)
        raise ConfigurationError(
            f"cannot listen on {host}:{port if port is not None else DEFAULT_PORT}: {reason}; "
            "choose another --port (0 picks a free one) or --host"
        ) from None
    return playground, server


def open_browser(url: str) -> bool:
    """Open ``url`` in a browser, through a file that only this user can read; True if opened.

    A browser started with the URL itself would show the token in the process list, which
    every user of the machine can read.
    """
    folder = Path(tempfile.mkdtemp(prefix="glassnet-playground-"))  # readable by this user only
    page = folder / "open.html"
    address = html.escape(url, quote=True)
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" '
            f'content="0;url={address}"><title>glassnet playground</title>'
            f'<p><a href="{address}">Open the glassnet playground</a></p>'
        )
    try:
        return webbrowser.open(page.as_uri())
    except webbrowser.Error:
        return False
    finally:  # the browser reads it at once; it goes after a while, or when glassnet ends
        atexit.register(_remove, page, folder)
        timer = threading.Timer(30.0, _remove, (page, folder))
        timer.daemon = True
        timer.start()


def _remove(page: Path, folder: Path) -> None:
    page.unlink(missing_ok=True)
    if folder.exists():
        folder.rmdir()


def serve(
    source: Source | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    browser: bool = True,
    max_upload: int = MAX_UPLOAD,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> None:
    """Start a playground, print its URL on one line, open it, and serve until Ctrl-C."""
    out, err = out or sys.stdout, err or sys.stderr
    playground, server = start(source, host, port, max_upload)
    try:
        if host not in LOOPBACK:
            print(
                f"glassnet: warning: listening on {host}, not only on this machine: anyone who "
                "can reach it and has the URL can use the playground",
                file=err,
            )
        print(server.url(), file=out, flush=True)
        if browser and not open_browser(server.url()):
            print("glassnet: note: no browser could be opened; open the URL above", file=err)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("glassnet: playground stopped", file=err)
    finally:
        playground.close()
        server.server_close()
