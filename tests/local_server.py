"""A local HTTP server for tests, on a 127.0.0.x address: ``route(handler)`` answers every GET and POST.

Used by tests/test_fetch.py and tests/test_watch.py (fetch with ``allow_private_networks`` on), and by
tests/test_monitor_deliver.py as a webhook receiver (``posted`` holds the POST bodies). ``free_port`` and
``open_local`` serve the tests that start servers of their own (``marsad serve``, an SMTP server).
"""

from __future__ import annotations

import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The tests' own servers are asked directly: urllib sends a request for 127.0.0.1 through $http_proxy too (unless
# $no_proxy names it), so where a proxy is configured every such request failed (refused or answered by the proxy).
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def open_local(url: str, *, timeout: float):
    """``urllib.request.urlopen`` for a server on this machine, never through a proxy."""
    return _DIRECT.open(url, timeout=timeout)


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a server that must be given one (it may be taken again before the server
    binds it; the kernel hands out ephemeral ports in turn, so another taker soon after is unlikely)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """Serves ``route`` on ``host``:``port`` (0: any free port; https with ``tls``) in a thread;
    ``requests`` lists (path, headers)."""

    def __init__(self, route: Callable[[BaseHTTPRequestHandler], None], host: str = "127.0.0.1", port: int = 0,
                 *, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.posted: list[bytes] = []
        self.release = threading.Event()  # set at close: slow and hanging routes wait on it, so they end
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up on a slow route, as it should
                    pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                server.posted.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.do_GET()

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.port = self.httpd.server_address[1]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.base = f"{'https' if tls else 'http'}://{host}:{self.port}"
        # A short poll interval: shutdown() waits up to one interval, for every test that starts a server.
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()  # joins the handler threads: every route must end once released


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def trickle(h: BaseHTTPRequestHandler, release: threading.Event, *, head: bytes, byte: bytes, every_s: float) -> None:
    """Write ``head``, then ``byte`` every ``every_s`` seconds until ``release`` is set."""
    h.wfile.write(head)
    while not release.wait(every_s):
        h.wfile.write(byte)
        h.wfile.flush()
