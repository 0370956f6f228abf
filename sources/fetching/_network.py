"""The SSRF guard: every TCP connection a feed fetch opens goes through here.

The check is made on the address actually connected to, after DNS
resolution, for every request including each redirect hop. Resolving once
and connecting to the very address that was checked also defeats DNS
rebinding (a name that resolves to a public address for the check and to a
private one for the connection).
"""

import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable

import httpcore
import httpx
from httpcore._backends.sync import SyncStream

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Shared address space for carrier-grade NAT (RFC 6598); not "private" to the
# standard library, but never a public server.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class UnsafeAddress(Exception):
    """The feed's host is, or resolves to, an address feeds may not reach."""


def is_forbidden_address(address: IPAddress) -> bool:
    """True for loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and unspecified."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and is_forbidden_address(embedded):
            return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
        or not address.is_global
    )


def _parse_address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses that pass ``is_forbidden_address``."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def _refuses(self, address: IPAddress) -> bool:
        return not self.allow_private and is_forbidden_address(address)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        try:
            candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refused: list[str] = []
        last_error: OSError | None = None
        for family, kind, proto, _, sockaddr in candidates:
            address = _parse_address(sockaddr[0])
            if self._refuses(address):
                refused.append(str(address))
                continue
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                if local_address:
                    sock.bind((local_address, 0))
                sock.connect(sockaddr)
                peer = _parse_address(sock.getpeername()[0])
                if self._refuses(peer):
                    raise UnsafeAddress(f"{host} connected to the forbidden address {peer}")
                for option in socket_options or ():
                    sock.setsockopt(*option)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return SyncStream(sock)
            except TimeoutError as exc:
                sock.close()
                raise httpcore.ConnectTimeout(f"connecting to {host} ({address}) timed out") from exc
            except OSError as exc:
                sock.close()
                last_error = exc
            except BaseException:
                sock.close()
                raise
        if refused and last_error is None:
            raise UnsafeAddress(
                f"{host} resolves to {', '.join(sorted(set(refused)))}: a loopback, private, link-local or "
                "reserved address, which feeds may not reach (FEED_ALLOW_PRIVATE_NETWORKS is off)"
            )
        raise httpcore.ConnectError(f"cannot connect to {host}: {last_error}")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context per process: building one loads the CA bundle, which takes tens of milliseconds."""
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool opening connections through ``GuardedBackend``.

    No proxies and no environment configuration: a proxy would connect on our
    behalf to addresses the guard never sees.
    """

    def __init__(self, allow_private: bool) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=4,
            max_keepalive_connections=2,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private),
        )
