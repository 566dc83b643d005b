"""Who may use the playground: the checks every request passes before it is served.

A playground listens on the loopback address and answers only requests that (1) name the
server itself in their ``Host`` header, so that a site whose name was re-pointed at this machine
(DNS rebinding) is refused; (2) come from no other web origin (``Origin`` and
``Sec-Fetch-Site``), so that another page open in the same browser is refused; and (3) carry
the random token of this server, in the URL it printed or in the cookie the first page load
sets, so that another user of the machine is refused. ``Guard`` holds the token and the
allowed names; it decides, and says why in one line.
"""

from __future__ import annotations

import hmac
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

__all__ = ["LOOPBACK", "Guard", "Verdict"]

#: The addresses that mean "this machine only".
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Verdict:
    """What a guard decided: whether to serve, why not, and whether to set the cookie."""

    allowed: bool
    reason: str = ""
    set_cookie: bool = False


@dataclass
class Guard:
    """The checks for one server: its port, the names it answers to, and its token.

    Parameters
    ----------
    host : str
        The address the server listens on.
    port : int
    token : str, optional
        Random by default (32 bytes, URL-safe).
    """

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def __post_init__(self) -> None:
        names = {"127.0.0.1", "localhost", "[::1]", _bracketed(self.host)}
        if self.host in ("0.0.0.0", "::", ""):  # every interface: the machine's own names too
            names |= {socket.gethostname(), socket.getfqdn()}
        self.hosts = frozenset(f"{name}:{self.port}".lower() for name in names)
        self.origins = frozenset(f"http://{name}" for name in self.hosts)

    @property
    def cookie_name(self) -> str:
        """The cookie's name; one per port, as several playgrounds may run side by side."""
        return f"glassnet-playground-{self.port}"

    def cookie(self) -> str:
        """The ``Set-Cookie`` value: the token, for this server only, never sent cross-site."""
        return f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict"

    def check(self, path: str, headers: Mapping[str, str]) -> Verdict:
        """Decide whether a request for ``path`` with ``headers`` may be served."""
        host = (headers.get("Host") or "").strip().lower()
        if host not in self.hosts:
            return Verdict(False, f"the Host {host or '(none)'!r} is not this playground's")
        origin = headers.get("Origin")
        if origin is not None and origin.lower().rstrip("/") not in self.origins:
            return Verdict(False, f"requests from {origin!r} are not accepted")
        given = parse_qs(urlsplit(path).query).get("token", [""])[-1]
        if given and self._matches(given):  # whoever has the URL may (opened from a file, say)
            return Verdict(True, set_cookie=True)
        # The cookie goes with any request this browser makes, so it counts only from the page.
        if (headers.get("Sec-Fetch-Site") or "same-origin") not in ("same-origin", "none"):
            return Verdict(False, "requests from other sites are not accepted")
        if self._matches(self._cookie_token(headers.get("Cookie") or "")):
            return Verdict(True)
        return Verdict(False, "a valid token is needed: open the URL glassnet playground printed")

    def _matches(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def _cookie_token(self, header: str) -> str:
        try:
            cookies = SimpleCookie(header)
        except CookieError:
            return ""
        found = cookies.get(self.cookie_name)
        return "" if found is None else found.value


def _bracketed(host: str) -> str:
    """An IPv6 address in brackets, as a Host header writes it."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
