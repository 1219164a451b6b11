"""HTTP fetching for ingest and watch: the one place a URL is checked and downloaded (and, for monitors' webhooks,
posted to: :func:`post`).

A feed's links are chosen by whoever publishes the feed, so a fetch is built not to be turned against the user:

- Only http(s) URLs are fetched, redirects included, and at most ``MAX_REDIRECTS`` of them.
- The host is resolved once, every address is checked (:mod:`marsad.ingest.addresses`: no loopback, private,
  link-local or multicast address unless ``settings.allow_private_networks``), and the connection goes to the
  checked address, so a second DNS answer (DNS rebinding) cannot swap it. Each redirect is checked the same way.
  Proxies from the environment are not used: a proxy would resolve and connect where this check cannot see.
- Every fetch has a total deadline (``settings.fetch_timeout_s``) covering DNS, connecting, headers and body:
  a per-read socket timeout alone lets a server trickle a byte at a time forever. The body is capped at
  ``settings.fetch_max_bytes`` while it streams.
- Conditional GET: pass the ETag / Last-Modified of the last response and an unchanged resource costs a 304.

Every refusal and failure is a :class:`FetchError` whose message is one line naming the URL and the reason.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from marsad.config import Settings
from marsad.errors import FetchError
from marsad.ingest.addresses import allowed_with_private, refusal

LOGGER = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
READ_CHUNK = 64 * 1024
# Browsers follow 20; a feed or an article page needs one or two (http→https, a short link).
MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
# Characters left as they are when a URL's path and query are percent-encoded for the request line
# (an Arabic path or a space would otherwise be refused by http.client); "%" keeps existing escapes.
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


def is_http_url(url: object) -> bool:
    """True for a string that is an http(s) URL with a host (anything else is a path or refused)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)


@dataclass
class FetchResult:
    status: int  # 2xx or 304
    data: bytes = b""
    etag: str = ""
    last_modified: str = ""
    url: str = ""  # final URL after redirects


def fetch(url: str, *, settings: Settings, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` within the time, size, redirect and address limits above; status 304 when unchanged."""
    url = url.strip() if isinstance(url, str) else url
    if not is_http_url(url):
        raise FetchError(f"{url}: only http(s) URLs are fetched")
    headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = _Deadline(settings.fetch_timeout_s)
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            conn = _connect(current, settings=settings, deadline=deadline, origin=url)
            try:
                with _get(conn, current, headers) as resp:  # closed here: it may hold the socket
                    location = resp.getheader("Location", "").strip()
                    if resp.status in REDIRECT_CODES and location:
                        current = urljoin(current, location)
                        if not is_http_url(current):
                            raise FetchError(f"{url}: redirect to a non-http(s) URL refused: {current}")
                        continue
                    if resp.status == 304:
                        return FetchResult(304, etag=etag, last_modified=last_modified, url=current)
                    if not 200 <= resp.status < 300:
                        raise FetchError(f"{url}: HTTP {resp.status} {resp.reason}")
                    data = _read_body(resp, url=url, limit=settings.fetch_max_bytes)
                    deadline.check(url)  # a body cut short by the deadline must not pass for a whole one
                    return FetchResult(resp.status, data, resp.getheader("ETag", ""), resp.getheader("Last-Modified", ""),
                                       current)
            finally:
                conn.close()
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        deadline.check(url)
        raise FetchError(f"{url}: fetch failed ({_reason(exc)})", detail=repr(exc)) from exc
    finally:
        deadline.cancel()


# A webhook's answer is read only to finish the exchange cleanly: its body says nothing we keep.
MAX_POST_REPLY_BYTES = 64 * 1024


def post(url: str, data: bytes, *, settings: Settings, content_type: str = "application/json") -> int:
    """POST ``data`` to ``url`` (a webhook) under the same address checks and total deadline as :func:`fetch`;
    the 2xx status, else ``FetchError``. Redirects are not followed: a POST redirected elsewhere would carry the
    alert to a place nobody configured."""
    url = url.strip() if isinstance(url, str) else url
    if not is_http_url(url):
        raise FetchError(f"{url}: only http(s) URLs are posted to")
    headers = {"User-Agent": settings.user_agent, "Content-Type": content_type, "Accept-Encoding": "identity"}
    deadline = _Deadline(settings.fetch_timeout_s)
    try:
        conn = _connect(url, settings=settings, deadline=deadline, origin=url)
        try:
            conn.request("POST", _target(url), body=data, headers=headers)
            with conn.getresponse() as resp:
                resp.read(MAX_POST_REPLY_BYTES)
                deadline.check(url)
                if not 200 <= resp.status < 300:
                    raise FetchError(f"{url}: HTTP {resp.status} {resp.reason}")
                return resp.status
        finally:
            conn.close()
    except (OSError, http.client.HTTPException, ValueError) as exc:
        deadline.check(url)
        raise FetchError(f"{url}: post failed ({_reason(exc)})", detail=repr(exc)) from exc
    finally:
        deadline.cancel()


# -- one hop ----------------------------------------------------------------------------------------
def _connect(url: str, *, settings: Settings, deadline: _Deadline, origin: str) -> _PinnedHTTPConnection:
    """A connection to ``url``'s host, opened on an address that passed :func:`refusal`."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    port = parts.port or DEFAULT_PORTS[scheme]  # .port raises ValueError on a bad port: "fetch failed"
    where = "" if url == origin else f" redirect to {url}"
    addresses = _resolve(host, port, deadline=deadline, url=origin)
    reasons = {address: refusal(address, allow_private=settings.allow_private_networks) for address in addresses}
    allowed = [address for address, reason in reasons.items() if reason is None]
    if not allowed:
        address, reason = next(iter(reasons.items()))
        shown = host if address == host.strip("[]") else f"{host} ({address})"
        hint = " and allow_private_networks is off" if allowed_with_private(reason) else ""
        raise FetchError(f"{origin}:{where} refused: {shown} is {reason}{hint}")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, addresses=allowed, timeout=settings.fetch_timeout_s)
    deadline.watch(conn)
    try:
        conn.connect_within(deadline.remaining(origin))
        deadline.check(origin)
    except BaseException:
        conn.close()  # a socket opened before a failed handshake or the deadline is not left to the GC
        raise
    return conn


def _target(url: str) -> str:
    parts = urlsplit(url)
    return quote(parts.path or "/", safe=URL_SAFE) + (f"?{quote(parts.query, safe=URL_SAFE)}" if parts.query else "")


def _get(conn: _PinnedHTTPConnection, url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn.request("GET", _target(url), headers=headers)
    return conn.getresponse()


def _read_body(resp: http.client.HTTPResponse, *, url: str, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` bytes (announced or streamed)."""
    length = resp.getheader("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        raise FetchError(f"{url}: {int(length)} bytes exceeds the fetch limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while chunk := resp.read1(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: response exceeds the fetch limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _resolve(host: str, port: int, *, deadline: _Deadline, url: str) -> list[str]:
    """The host's addresses, looked up once (in a thread, so a hanging resolver cannot outlast the deadline)."""
    found: list[object] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    worker = threading.Thread(target=lookup, name="marsad-resolve", daemon=True)
    worker.start()
    worker.join(deadline.remaining(url))
    if not found:
        deadline.check(url, force=True)
    result = found[0]
    if isinstance(result, Exception):
        raise FetchError(f"{url}: cannot resolve {host} ({_reason(result)})", detail=repr(result))
    return list(dict.fromkeys(str(info[4][0]) for info in result))  # type: ignore[union-attr]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):  # its .reason is only "CERTIFICATE_VERIFY_FAILED"
        return f"TLS certificate not accepted: {exc.verify_message}"
    return str(getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc) or type(exc).__name__


# -- connections pinned to checked addresses ----------------------------------------------------------
class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to one of ``addresses`` (already checked) instead of resolving ``host`` again; ``host`` still
    names the server in the Host header (and, for https, in SNI and certificate checks)."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses
        # http.client drops self.sock once a response will close the connection, while the response still
        # reads from it: this reference lets the deadline shut it down all the same.
        self.opened: socket.socket | None = None

    def connect_within(self, seconds: float) -> None:
        error: OSError | None = None
        for address in self.addresses:
            try:
                self.sock = socket.create_connection((address, self.port), timeout=seconds)
                break
            except OSError as exc:
                error = exc
        else:
            raise error or OSError("no address to connect to")
        self.sock.settimeout(self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.opened = self.sock

    def connect(self) -> None:
        raise ConnectionError("connection was closed")  # never reconnect without the address check


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect_within(self, seconds: float) -> None:
        super().connect_within(seconds)
        context = ssl.create_default_context()
        # Handshake after self.sock is the TLS socket, so the deadline can shut it down mid-handshake too.
        self.sock = self.opened = context.wrap_socket(self.sock, server_hostname=self.host,
                                                      do_handshake_on_connect=False)
        self.sock.do_handshake()


# -- the deadline ------------------------------------------------------------------------------------
class _Deadline:
    """The whole fetch's time limit: when it passes, the open connection is shut down, which ends any read
    blocked on it (headers or body), and :meth:`check` turns the resulting error into a clear message."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = threading.Event()
        self._conn: _PinnedHTTPConnection | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, conn: _PinnedHTTPConnection) -> None:
        self._conn = conn

    def remaining(self, url: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            self.check(url, force=True)
        return left

    def check(self, url: str, *, force: bool = False) -> None:
        if force or self.expired.is_set() or time.monotonic() >= self.end:
            raise FetchError(f"{url}: took longer than {self.seconds:g} s (the fetch time limit)")

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self.expired.set()
        sock = self._conn.opened if self._conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass
