"""Connection pools for a crawl: one small pool per origin, every connection guarded.

httpx gives a client one connection pool, and httpcore scans all of a pool's connections
for each request it places and each response it closes. With the hundreds of hosts of a
link list that scan grows with the crawl and becomes its bottleneck (measured: most of
the CPU time on 1,000 links over 14 hosts). Here each origin gets its own pool, holding
only as many kept-alive connections as that host may use at once; the number of pools is
bounded by closing the least recently used idle one, so idle sockets stay bounded too.

Every pool connects through :class:`~linkcheck.netguard.GuardedBackend`.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio
import httpcore
import httpx

from linkcheck.netguard import GuardedBackend

Origin = tuple[bytes, bytes, int | None]


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport for one pool whose connections go through ``backend``."""

    def __init__(
        self,
        *,
        backend: GuardedBackend,
        ssl_context: ssl.SSLContext,
        keepalive: int,
        keepalive_expiry: float,
    ) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        # httpx (<1) has no public hook for the network backend: replace its pool with one
        # built the same way plus ours, so that no connection can bypass the address guard.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=None,  # the host's lane already limits concurrent requests
            max_keepalive_connections=keepalive,
            keepalive_expiry=keepalive_expiry,
            network_backend=backend,
        )


@dataclass(slots=True, eq=False)
class _Pool:
    transport: GuardedTransport
    active: int = 0
    """Responses handed out and not yet closed."""


class _CountedStream(httpx.AsyncByteStream):
    """A response body that tells its pool when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _Pool) -> None:
        self._stream = stream
        self._pool = pool
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._pool.active -= 1
        await self._stream.aclose()


class PoolRouter(httpx.AsyncBaseTransport):
    """Routes each request to its origin's pool, creating pools on demand."""

    def __init__(
        self,
        *,
        backend: GuardedBackend,
        ssl_context: ssl.SSLContext,
        keepalive_for: Callable[[str], int],
        max_pools: int,
        keepalive_expiry: float = 30.0,
    ) -> None:
        self._backend = backend
        self._ssl = ssl_context
        self._keepalive_for = keepalive_for
        self._max_pools = max_pools
        self._expiry = keepalive_expiry
        self._pools: OrderedDict[Origin, _Pool] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key: Origin = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            await self._evict()
            pool = self._pools[key] = _Pool(
                transport=GuardedTransport(
                    backend=self._backend,
                    ssl_context=self._ssl,
                    keepalive=max(1, self._keepalive_for(request.url.host)),
                    keepalive_expiry=self._expiry,
                )
            )
        self._pools.move_to_end(key)
        pool.active += 1
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CountedStream(response.stream, pool),
            extensions=response.extensions,
        )

    async def _evict(self) -> None:
        """Close least recently used idle pools until there is room for one more."""
        while len(self._pools) >= self._max_pools:
            idle = next((k for k, p in self._pools.items() if p.active == 0), None)
            if idle is None:
                return  # every pool is busy: exceed the bound rather than wait
            pool = self._pools.pop(idle)
            with anyio.CancelScope(shield=True):
                await pool.transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        with anyio.CancelScope(shield=True):
            for pool in pools:
                await pool.transport.aclose()
