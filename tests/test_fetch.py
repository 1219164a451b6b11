"""marsad.ingest.fetch against local servers on 127.0.0.x: schemes, addresses, redirects, size and time limits."""

import dataclasses
import re
import shutil
import socket
import ssl
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from local_server import LocalServer, send, trickle

from marsad.config import Settings
from marsad.errors import FetchError
from marsad.ingest import addresses
from marsad.ingest import fetch as fetch_module
from marsad.ingest.fetch import MAX_REDIRECTS, fetch

TRICKLE_STEP_S = 0.05  # the slow routes send one byte this often
DEADLINE_S = 0.5


class Server(LocalServer):
    """A local server whose routes misbehave on purpose; ``name`` is what /ok answers."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, name: str = "local", *,
                 tls: ssl.SSLContext | None = None) -> None:
        self.name = name
        super().__init__(self.route, host, port, tls=tls)

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = urlsplit(h.path).path
        query = parse_qs(urlsplit(h.path).query)
        if path == "/ok":
            return send(h, 200, self.name.encode())
        if path.startswith("/hop/"):
            left = int(path.removeprefix("/hop/"))
            return send(h, 200, b"landed") if left == 0 else _redirect(h, f"/hop/{left - 1}")
        if path == "/redirect":
            return _redirect(h, query["to"][0])
        if path == "/big":
            return send(h, 200, b"x" * 5000)
        if path == "/stream":  # no Content-Length: the size is known only while reading
            h.send_response(200)
            h.end_headers()
            for _ in range(100):
                h.wfile.write(b"y" * 1024)
            return None
        if path == "/trickle":  # a valid response, one byte at a time
            head = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n"
            return trickle(h, self.release, head=head, byte=b"z", every_s=TRICKLE_STEP_S)
        if path == "/slow-headers":
            return trickle(h, self.release, head=b"HTTP/1.0 200 OK\r\nX-Slow: ", byte=b"a", every_s=TRICKLE_STEP_S)
        if path == "/hang":
            self.release.wait(30)
            return None
        if path == "/etag":
            if h.headers.get("If-None-Match") == '"v1"':
                return send(h, 304, b"")
            return send(h, 200, b"tagged", {"ETag": '"v1"', "Last-Modified": "Mon, 24 Feb 2020 12:00:00 GMT"})
        if path == "/to-ftp":
            return _redirect(h, "ftp://127.0.0.1/secret")
        if path == "/error":
            return send(h, 500, b"server error")
        return send(h, 200, h.path.encode())  # echo: what the request line carried


def _redirect(h: BaseHTTPRequestHandler, location: str) -> None:
    h.send_response(302)
    h.send_header("Location", location)
    h.send_header("Content-Length", "0")
    h.end_headers()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def local(tmp_path):
    """Settings that let fetches reach the local test servers."""
    return dataclasses.replace(Settings.load(db_path=tmp_path / "s.duckdb", env={}), fetch_timeout_s=5.0,
                               allow_private_networks=True)


@pytest.fixture
def strict(local):
    """The defaults: private networks refused."""
    return dataclasses.replace(local, allow_private_networks=False, fetch_timeout_s=DEADLINE_S)


def test_private_networks_are_refused_by_default():
    assert Settings.load(env={}).allow_private_networks is False


def test_fetch_follows_redirects_and_reports_the_final_url(server, local):
    result = fetch(server.base + "/hop/2", settings=local)
    assert (result.status, result.data, result.url) == (200, b"landed", server.base + "/hop/0")
    assert server.paths() == ["/hop/2", "/hop/1", "/hop/0"]


def test_redirects_are_capped(server, local):
    assert fetch(server.base + f"/hop/{MAX_REDIRECTS}", settings=local).data == b"landed"
    server.requests.clear()
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch(server.base + f"/hop/{MAX_REDIRECTS + 1}", settings=local)
    assert len(server.paths()) == MAX_REDIRECTS + 1


def test_conditional_get_gives_304(server, local):
    first = fetch(server.base + "/etag", settings=local)
    assert (first.status, first.data, first.etag, first.last_modified) == (
        200, b"tagged", '"v1"', "Mon, 24 Feb 2020 12:00:00 GMT")
    again = fetch(server.base + "/etag", settings=local, etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.data, again.etag) == (304, b"", '"v1"')
    assert server.requests[-1][1]["If-Modified-Since"] == "Mon, 24 Feb 2020 12:00:00 GMT"


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An https server with a certificate for "localhost" only, which the fetch is made to trust."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read by ssl.create_default_context()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    s = Server(tls=context)
    yield s
    s.close()


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(tls_server, local):
    assert fetch(f"https://localhost:{tls_server.port}/ok", settings=local).data == b"local"
    assert tls_server.requests[0][1]["Host"] == f"localhost:{tls_server.port}"
    with pytest.raises(FetchError, match="fetch failed .TLS certificate not accepted: IP address mismatch"):  # the certificate does not name 127.0.0.1
        fetch(f"https://127.0.0.1:{tls_server.port}/ok", settings=local)


def test_http_error_is_one_line(server, local):
    with pytest.raises(FetchError, match=r"/error: HTTP 500 ") as caught:
        fetch(server.base + "/error", settings=local)
    assert "\n" not in str(caught.value)


def test_non_ascii_path_and_query_are_percent_encoded(server, local):
    result = fetch(server.base + "/أخبار/مقال 1?q=سوريا لبنان&a=%41", settings=local)
    assert result.data.decode() == "/" + quote("أخبار/مقال 1") + "?q=" + quote("سوريا لبنان") + "&a=%41"


@pytest.mark.parametrize(("path", "limit", "match"), [
    ("/big", 1000, "5000 bytes exceeds the fetch limit of 1000 bytes"),  # announced in Content-Length
    ("/stream", 10_000, "response exceeds the fetch limit of 10000 bytes"),  # found while streaming
])
def test_size_is_capped(server, local, path, limit, match):
    with pytest.raises(FetchError, match=match):
        fetch(server.base + path, settings=dataclasses.replace(local, fetch_max_bytes=limit))
    assert len(fetch(server.base + path, settings=local).data) in (5000, 100 * 1024)


@pytest.mark.parametrize("path", ["/trickle", "/slow-headers", "/hang"])
def test_whole_fetch_has_a_deadline(server, local, path):
    settings = dataclasses.replace(local, fetch_timeout_s=DEADLINE_S)
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"{path}: took longer than {DEADLINE_S:g} s"):
        fetch(server.base + path, settings=settings)
    # A byte every 50 ms no longer resets the clock: without the deadline the fetch would run until the server
    # is released at teardown. The margin is wide so that a loaded machine cannot fail it.
    assert time.monotonic() - started < DEADLINE_S + 10.0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "http:///nohost"])
def test_fetch_refuses_non_http_urls(local, url):
    with pytest.raises(FetchError, match="only http"):
        fetch(url, settings=local)


def test_fetch_refuses_redirect_to_non_http(server, local):
    with pytest.raises(FetchError, match="redirect to a non-http.s. URL refused: ftp://127.0.0.1/secret"):
        fetch(server.base + "/to-ftp", settings=local)


# -- addresses ---------------------------------------------------------------------------------------
LOCAL_HOSTS = [  # (host as written in a feed, what the refusal says)
    ("127.0.0.1:{port}", "127.0.0.1 is a loopback address and allow_private_networks is off"),
    ("localhost:{port}", "localhost ({localhost}) is a loopback address"),  # the first address it resolves to
    ("2130706433:{port}", "2130706433 (127.0.0.1) is a loopback address"),
    ("0x7f.1:{port}", "(127.0.0.1) is a loopback address"),
    ("127.1.2.3:{port}", "is a loopback address"),
    ("[::1]:{port}", "::1 is a loopback address"),
    ("[::ffff:127.0.0.1]:{port}", "is a loopback address"),
    ("10.0.0.1", "10.0.0.1 is a private-network address"),
    ("192.168.1.1", "is a private-network address"),
    ("172.16.0.1", "is a private-network address"),
    ("100.64.0.1", "is a private-network address"),
    ("[fd00::1]", "is a private-network address"),
    ("169.254.169.254", "169.254.169.254 is a link-local address"),
    ("[fe80::1]", "is a link-local address"),
    ("224.0.0.1", "is a multicast address"),
    ("0.0.0.0:{port}", "is an unspecified address"),
    ("[2002:7f00:1::]", "is a loopback address"),  # 6to4 around 127.0.0.1
]


@pytest.mark.parametrize(("host", "reason"), LOCAL_HOSTS)
def test_local_and_private_addresses_are_refused_by_default(server, strict, host, reason):
    url = f"http://{host.format(port=server.port)}/latest/meta-data/"
    with pytest.raises(FetchError) as caught:
        fetch(url, settings=strict)
    message = str(caught.value)
    # The refusal names the first address: 127.0.0.1 here, ::1 where /etc/hosts lists that first for localhost.
    reason = reason.format(localhost=socket.getaddrinfo("localhost", server.port, type=socket.SOCK_STREAM)[0][4][0])
    # "refused" (not "took longer"): refused before connecting, whatever the machine's load
    assert message.startswith(f"{url}: refused: ") and reason in message and "\n" not in message
    assert server.paths() == []


@pytest.mark.parametrize("host", ["169.254.169.254", "[fe80::1]", "224.0.0.1", "0.0.0.0:{port}", "240.0.0.1"])
def test_link_local_multicast_and_reserved_are_refused_even_with_private_networks_allowed(server, local, host):
    url = f"http://{host.format(port=server.port)}/"
    with pytest.raises(FetchError, match="refused: .* is an? (link-local|multicast|unspecified|reserved) address$"):
        fetch(url, settings=local)
    assert server.paths() == []


@pytest.mark.parametrize(("address", "allow_private", "reason"), [
    ("93.184.216.34", False, None),
    ("2606:2800:220:1:248:1893:25c8:1946", False, None),
    ("127.0.0.1", True, None),
    ("10.1.2.3", True, None),
    ("64:ff9b::7f00:1", False, addresses.LOOPBACK),  # NAT64 around 127.0.0.1
    ("64:ff9b::5db8:d822", False, None),  # NAT64 around 93.184.216.34
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False, "a private-network address"),  # Teredo, client 192.0.2.45
    ("255.255.255.255", True, "a reserved address"),
    ("ff02::1", True, "a multicast address"),
    ("::", True, "an unspecified address"),
    ("192.0.2.1", False, addresses.PRIVATE),  # documentation range: not global
    ("fe80::1%eth0", True, "a link-local address"),  # with a zone, as getaddrinfo gives it
])
def test_refusal(address, allow_private, reason):
    assert addresses.refusal(address, allow_private=allow_private) == reason


@pytest.fixture
def public_loopback_2(monkeypatch):
    """127.0.0.2 stands for a public server (the tests have no other): the address check lets it through."""

    def refusal(address, *, allow_private):
        return None if address == "127.0.0.2" else addresses.refusal(address, allow_private=allow_private)

    monkeypatch.setattr(fetch_module, "refusal", refusal)
    public = Server("127.0.0.2", name="public")
    yield public
    public.close()


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/ok", "http://localhost:{port}/ok", "http://[::1]:{port}/ok"])
def test_redirect_into_loopback_is_refused(server, strict, public_loopback_2, target):
    target = target.format(port=server.port)
    url = public_loopback_2.base + "/redirect?to=" + quote(target)
    with pytest.raises(FetchError, match=f"^{re.escape(url)}: redirect to {re.escape(target)} refused: .* is a loopback address"):
        fetch(url, settings=strict)
    assert public_loopback_2.paths() and server.paths() == []


def test_host_is_resolved_once_and_the_checked_address_is_used(strict, public_loopback_2, monkeypatch):
    """DNS rebinding: the first answer is "public", later answers point at loopback; only the first is used."""
    private = Server("127.0.0.1", port=public_loopback_2.port, name="private")  # same port, loopback address
    real, asked = socket.getaddrinfo, []

    def rebinding(host, port, *args, **kwargs):
        if host != "feeds.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return real("127.0.0.2" if len(asked) == 1 else "127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        result = fetch(f"http://feeds.test:{public_loopback_2.port}/ok", settings=strict)
    finally:
        private.close()
    assert result.data == b"public" and asked == ["feeds.test"] and private.paths() == []
    assert public_loopback_2.requests[0][1]["Host"] == f"feeds.test:{public_loopback_2.port}"


def test_a_name_with_public_and_loopback_addresses_connects_only_to_the_public_one(strict, public_loopback_2,
                                                                                   monkeypatch):
    real = socket.getaddrinfo

    def both(host, port, *args, **kwargs):
        if host != "feeds.test":
            return real(host, port, *args, **kwargs)
        return real("127.0.0.1", port, *args, **kwargs) + real("127.0.0.2", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", both)
    assert fetch(f"http://feeds.test:{public_loopback_2.port}/ok", settings=strict).data == b"public"


def test_unresolvable_host_is_one_line(strict):
    with pytest.raises(FetchError, match=r"^http://no-such-host\.invalid/: cannot resolve no-such-host\.invalid \("):
        fetch("http://no-such-host.invalid/", settings=strict)
