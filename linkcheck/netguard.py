"""Address safety: never connect to loopback, private, link-local or metadata addresses.

A link list is untrusted input, and so is every redirect a server answers with. A check
must not become a request to ``http://169.254.169.254/`` (cloud credentials) or to a
service on the checking machine, whether the address is written in the link, hidden
behind a DNS name, or reached through a redirect. So the guard sits where sockets are
opened: :class:`GuardedBackend` is the network backend of the HTTP client; for every new
connection it resolves the name itself, vets every address, and connects to a vetted
address only (TLS still verifies and sends SNI for the name, and ``Host`` is unchanged).

``allow_private`` (``--allow-private``) turns the guard off. ``allowed_networks`` exempts
specific ranges (an intranet the user trusts); it is also how tests stand a loopback
address in for a public host.

Errors raised here (:class:`ResolveError`, :class:`BlockedAddressError`) pass through
the HTTP client unchanged; :mod:`linkcheck.fetch` translates them into ``FetchError``.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import anyio
import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _nets(*specs: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(s) for s in specs)


BLOCKED_RANGES: tuple[tuple[str, tuple[IPNetwork, ...]], ...] = (
    # Checked in order: the first matching row names the address. Metadata comes first
    # because its addresses also lie inside the link-local, CGNAT and ULA rows.
    (
        "cloud metadata",
        _nets(
            "169.254.169.254/32",  # AWS, GCP, Azure, OpenStack…
            "169.254.170.2/32",  # AWS ECS task metadata
            "100.100.100.200/32",  # Alibaba Cloud
            "fd00:ec2::254/128",  # AWS over IPv6
        ),
    ),
    ("unspecified", _nets("0.0.0.0/8", "::/128")),
    ("loopback", _nets("127.0.0.0/8", "::1/128")),
    ("private", _nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")),
    ("link-local", _nets("169.254.0.0/16", "fe80::/10")),
    ("shared (CGNAT)", _nets("100.64.0.0/10")),
    ("multicast", _nets("224.0.0.0/4", "ff00::/8")),
    (
        "reserved",
        _nets(
            "192.0.0.0/24",  # IETF protocol assignments
            "198.18.0.0/15",  # benchmarking
            "240.0.0.0/4",  # reserved, includes 255.255.255.255
            "::/96",  # IPv4-compatible (deprecated)
            "100::/64",  # discard-only
        ),
    ),
)
"""``(category, networks)`` an address must not be in unless private addresses are allowed."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64, Teredo), if any:
    ``::ffff:127.0.0.1`` reaches loopback just like ``127.0.0.1``."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def blocked_category(address: IPAddress | str) -> str | None:
    """Why ``address`` must not be connected to (``"loopback"``, ``"cloud metadata"``…),
    or None for an ordinary public address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return blocked_category(inner)
    for category, networks in BLOCKED_RANGES:
        if any(ip.version == net.version and ip in net for net in networks):
            return category
    return None


class ResolveError(Exception):
    """A host name could not be resolved."""

    def __init__(self, host: str, detail: str, *, transient: bool) -> None:
        super().__init__(f"{host}: {detail}")
        self.host = host
        self.detail = detail
        self.transient = transient
        """True when asking again later may succeed (resolver failure, not NXDOMAIN)."""


class BlockedAddressError(Exception):
    """Every address of a host is one the guard refuses to connect to."""

    def __init__(self, host: str, address: IPAddress, category: str) -> None:
        super().__init__(f"{host} resolves to {address} ({category} address)")
        self.host = host
        self.address = address
        self.category = category


# getaddrinfo codes that mean "this name has no address" rather than "ask again later".
_DEFINITIVE_GAI = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


def classify_gaierror(host: str, error: socket.gaierror) -> ResolveError:
    """NXDOMAIN-like answers are definitive; resolver trouble (EAI_AGAIN, EAI_FAIL…) is not."""
    detail = error.strerror or str(error)
    return ResolveError(host, detail, transient=error.errno not in _DEFINITIVE_GAI)


class Resolver(typing.Protocol):
    """Turns a host name into addresses; raises :class:`ResolveError`."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]: ...


@dataclass(slots=True, kw_only=True)
class SystemResolver:
    """The operating system's resolver (``getaddrinfo`` in a worker thread), with a cache
    for the run: each name is looked up once, however many connections it needs."""

    timeout: float = 10.0
    _cache: dict[str, tuple[IPAddress, ...] | ResolveError] = field(default_factory=dict)
    _pending: dict[str, anyio.Event] = field(default_factory=dict)

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        literal = _literal(host)
        if literal is not None:
            return (literal,)
        key = host.lower()
        while key in self._pending:  # someone is already asking: share their answer
            await self._pending[key].wait()
        known = self._cache.get(key)
        if known is None:
            done = self._pending[key] = anyio.Event()
            try:
                known = await self._lookup(host, port)
                if isinstance(known, tuple) or not known.transient:
                    self._cache[key] = known
            finally:
                del self._pending[key]
                done.set()
        if isinstance(known, ResolveError):
            raise known
        return known

    async def _lookup(self, host: str, port: int) -> tuple[IPAddress, ...] | ResolveError:
        try:
            with anyio.fail_after(self.timeout):
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            return classify_gaierror(host, exc)
        except TimeoutError:
            return ResolveError(host, "DNS lookup timed out", transient=True)
        except (UnicodeError, ValueError) as exc:  # not a valid (IDNA) host name
            return ResolveError(host, f"invalid host name: {exc}", transient=False)
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            ip = _literal(str(sockaddr[0]))
            if ip is not None and ip not in addresses:
                addresses.append(ip)
        if not addresses:
            return ResolveError(host, "no addresses", transient=False)
        return tuple(addresses)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressGuard:
    """Decides which resolved addresses may be connected to."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    """Ranges permitted even though they are private (e.g. a trusted intranet)."""

    def vet(self, host: str, addresses: Iterable[IPAddress]) -> list[IPAddress]:
        """The addresses that may be used, in order; raises :class:`BlockedAddressError`
        when there is none. A name that resolves to a mix keeps only its public addresses,
        so a rebinding answer cannot steer the connection inward."""
        candidates = list(addresses)
        if self.allow_private:
            return candidates
        allowed: list[IPAddress] = []
        refused: tuple[IPAddress, str] | None = None
        for ip in candidates:
            category = blocked_category(ip)
            exempt = any(ip.version == n.version and ip in n for n in self.allowed_networks)
            if category is None or exempt:
                allowed.append(ip)
            elif refused is None:
                refused = (ip, category)
        if not allowed:
            if refused is None:  # pragma: no cover - resolvers never return nothing
                raise ResolveError(host, "no addresses", transient=False)
            raise BlockedAddressError(host, *refused)
        return allowed


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, vets, then connects to a vetted address.

    The TLS handshake that httpcore starts on the returned stream still names the original
    host (SNI and certificate check), because httpcore passes the URL's host to
    ``start_tls``; only the TCP connect goes to the address we chose.
    """

    def __init__(self, *, guard: AddressGuard, resolver: Resolver) -> None:
        self._guard = guard
        self._resolver = resolver
        self._sockets = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = self._guard.vet(host, await self._resolver.resolve(host, port))
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._sockets.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc  # try the host's next address, as a browser would
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for link checks")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)
