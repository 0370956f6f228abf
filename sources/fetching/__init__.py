"""Safe HTTP fetching of feeds: timeouts, a size cap, conditional GET, redirects, the SSRF guard.

``fetch`` never raises for an HTTP status: the caller decides what a 304, a
410 or a 503 means for the feed. It raises ``FetchError`` (or a subclass) when
no usable response came back.
"""

import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from sources.fetching._network import GuardedTransport, UnsafeAddress, is_forbidden_address

__all__ = [
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "ResponseTooLarge",
    "TooManyRedirects",
    "UnsafeAddress",
    "UnsupportedScheme",
    "fetch",
    "is_forbidden_address",
    "read_local_file",
]

ALLOWED_SCHEMES = ("http", "https")
PERMANENT_REDIRECTS = (301, 308)
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """No usable response: the connection, the protocol or a limit failed."""


class FetchTimeout(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class UnsupportedScheme(UnsafeAddress):
    pass


@dataclass
class FetchResult:
    status: int
    url: str
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    bytes_received: int = 0
    permanent_url: str | None = None  # set when every redirect hop was permanent

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_redirects: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.FEED_MAX_BYTES,
            connect_timeout=settings.FEED_CONNECT_TIMEOUT,
            read_timeout=settings.FEED_READ_TIMEOUT,
            total_timeout=settings.FEED_TOTAL_TIMEOUT,
            max_redirects=settings.FEED_MAX_REDIRECTS,
        )


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsupportedScheme(f"only http and https feeds are fetched, not {scheme or 'a relative address'}: {url}")


def _decompressor(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


def _read_capped(response: httpx.Response, limits: Limits, deadline: float) -> tuple[bytes, int]:
    """The decoded body, stopped at ``max_bytes`` both on the wire and after decompression.

    Decompression is done here, ``max_length`` at a time, rather than by httpx,
    so that a gzip bomb never inflates more than the cap in memory.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ResponseTooLarge(f"the server announces {declared} bytes, over the cap of {limits.max_bytes}")
    decompressor = _decompressor(response.headers.get("content-encoding", ""))
    body = bytearray()
    received = 0
    for chunk in response.iter_raw():  # as received: a chunk size would wait for a slow server to fill it
        if time.monotonic() > deadline:
            raise FetchTimeout(f"the response took longer than {limits.total_timeout:g} s in total")
        received += len(chunk)
        if received > limits.max_bytes:
            raise ResponseTooLarge(f"the response exceeds the cap of {limits.max_bytes} bytes")
        if decompressor is None:
            body += chunk
            continue
        pending = chunk
        while pending:
            room = limits.max_bytes - len(body)
            try:
                body += decompressor.decompress(pending, room + 1)
            except zlib.error as exc:
                raise FetchError(f"the compressed body is corrupt: {exc}") from exc
            if len(body) > limits.max_bytes:
                raise ResponseTooLarge(f"the response inflates past the cap of {limits.max_bytes} bytes")
            pending = decompressor.unconsumed_tail
    if decompressor is not None:
        body += decompressor.flush(limits.max_bytes - len(body) + 1)
        if len(body) > limits.max_bytes:
            raise ResponseTooLarge(f"the response inflates past the cap of {limits.max_bytes} bytes")
    return bytes(body), received


_clients: dict[tuple[int, bool], httpx.Client] = {}


def _client(allow_private: bool) -> httpx.Client:
    """This process's HTTP client, whose pool keeps a connection to a server alive between its feeds.

    Every pooled connection was opened by the SSRF guard, to the address it
    checked. One client per process, so that a forked process never shares a
    socket with its parent, and per setting of the guard.
    """
    key = (os.getpid(), allow_private)
    client = _clients.get(key)
    if client is None:
        transport = GuardedTransport(allow_private=allow_private)
        client = _clients[key] = httpx.Client(transport=transport, follow_redirects=False, trust_env=False)
    return client


def fetch(url: str, etag: str = "", last_modified: str = "", limits: Limits | None = None) -> FetchResult:
    """GET a feed, conditionally when ``etag`` or ``last_modified`` are known.

    Redirects are followed by hand, at most ``max_redirects``, so that each hop's
    scheme is checked and the caller learns whether every hop was permanent
    (RFC 9110 15.4: only then should the stored address change). The SSRF guard
    in ``GuardedTransport`` checks each hop's connected address.
    """
    limits = limits or Limits.from_settings()
    deadline = time.monotonic() + limits.total_timeout
    timeout = httpx.Timeout(
        connect=limits.connect_timeout, read=limits.read_timeout, write=limits.read_timeout, pool=limits.connect_timeout
    )
    headers = {
        "User-Agent": settings.FEED_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
        "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    client = _client(settings.FEED_ALLOW_PRIVATE_NETWORKS)
    client.cookies.clear()  # a cookie set during one fetch (across its redirects) is never sent with another
    current = url
    all_permanent = True
    try:
        for _hop in range(limits.max_redirects + 1):
            _check_scheme(current)
            with client.stream("GET", current, headers=headers, timeout=timeout) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    all_permanent = all_permanent and response.status_code in PERMANENT_REDIRECTS
                    current = urljoin(str(response.url), location.strip())
                    continue
                result = FetchResult(
                    status=response.status_code,
                    url=current,
                    headers={name.lower(): value for name, value in response.headers.items()},
                    permanent_url=current if current != url and all_permanent else None,
                )
                if response.status_code == 200:
                    result.content, result.bytes_received = _read_capped(response, limits, deadline)
                elif result.not_modified:
                    response.read()  # a 304 has no body; reading its end lets the connection serve the next fetch
                return result
        raise TooManyRedirects(f"more than {limits.max_redirects} redirects from {url}")
    except httpx.TimeoutException as exc:
        raise FetchTimeout(f"{type(exc).__name__}: {exc}") from exc
    except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def read_local_file(path: Path, max_bytes: int | None = None) -> bytes:
    """A feed document from disk, under the same size cap as a fetched one."""
    max_bytes = max_bytes or settings.FEED_MAX_BYTES
    with path.open("rb") as handle:
        content = handle.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ResponseTooLarge(f"{path.name} is larger than the cap of {max_bytes} bytes")
    return content
