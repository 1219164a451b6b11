"""HTTP fetching for ingest and watch: the one place a URL is checked and downloaded.

- Only http(s) URLs are fetched, redirects included (urllib alone would also follow ftp://).
- Every download is bounded in time (``settings.fetch_timeout_s`` for the whole download, not just per socket
  read) and size (``settings.fetch_max_bytes``), and sends ``settings.user_agent``.
- Conditional GET: pass the ETag / Last-Modified of the last response and an unchanged resource costs a 304.

Any further rule on what may be fetched (addresses, time caps) belongs in :func:`is_http_url` and :func:`fetch`.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from marsad.config import Settings
from marsad.errors import FetchError

ALLOWED_SCHEMES = ("http", "https")
READ_CHUNK = 64 * 1024


def is_http_url(url: object) -> bool:
    """True for a string that is an http(s) URL with a host (anything else is a path or refused)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)


@dataclass
class FetchResult:
    status: int  # 200 or 304
    data: bytes = b""
    etag: str = ""
    last_modified: str = ""
    url: str = ""  # final URL after redirects


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) (urllib would also follow ftp://)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 (urllib's signature)
        if not is_http_url(newurl):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-http(s) URL refused: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, settings: Settings, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` with a time limit for the whole download and a size limit; 304 when unchanged."""
    if not is_http_url(url):
        raise FetchError(f"{url}: only http(s) URLs are fetched")
    headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    deadline = time.monotonic() + settings.fetch_timeout_s
    limit = settings.fetch_max_bytes
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=settings.fetch_timeout_s) as resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise FetchError(f"{url}: {int(length)} bytes exceeds the fetch limit of {limit} bytes")
            chunks: list[bytes] = []
            size = 0
            while chunk := resp.read(READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{url}: response exceeds the fetch limit of {limit} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: download took longer than {settings.fetch_timeout_s:g} s")
                chunks.append(chunk)
            return FetchResult(
                200, b"".join(chunks), resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", ""), resp.geturl()
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchResult(304, etag=etag, last_modified=last_modified, url=url)
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", detail=str(exc)) from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: fetch failed ({reason})", detail=repr(exc)) from exc
