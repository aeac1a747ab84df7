"""One HTTP request, and the only place that speaks httpx.

:func:`open_fetcher` owns the HTTP client of a run (connections kept alive per host, every
connection through :class:`~linkcheck.netguard.GuardedBackend`). A :class:`Session` sends
the requests of one redirect chain, with a cookie jar that lives only as long as that
chain (a site that sets a cookie and redirects to itself works; no cookie ever reaches
another chain). :meth:`Session.send` makes exactly one request and returns an
:class:`Answer` or a :class:`Failure`; it never raises for network trouble, because every
foreign exception is translated here (:func:`translate_error`), most specific first.

Bodies are streamed and closed as soon as they have told us what we need: an HTML page is
scanned for its title, first heading and wanted ids up to a byte cap; anything else is
not read. A short rest of a body is drained so the connection can be reused.
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import aclosing, asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import MappingProxyType
from typing import cast

import anyio
import httpcore
import httpx

from linkcheck.config import Config
from linkcheck.models import FetchError, Page
from linkcheck.netguard import (
    AddressGuard,
    BlockedAddressError,
    GuardedBackend,
    ResolveError,
    Resolver,
)
from linkcheck.outcomes import KEPT_HEADERS, Answer, Failure, HopRequest, Outcome
from linkcheck.pages import (
    FRAGMENT_SCAN_BYTES,
    TITLE_SCAN_BYTES,
    PageScanner,
    is_html,
    new_decoder,
)
from linkcheck.pools import PoolRouter

DRAIN_BYTES = 64 * 1024
"""A body rest up to this size is read to the end so the connection stays reusable."""
DRAIN_SECONDS = 2.0
"""Longest time spent draining a body rest."""


# ---------------------------------------------------------------------------------------
# Error translation: the one boundary where foreign exceptions become FetchError values.


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes/contexts, and members of exception groups."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def _errno(exc: BaseException) -> int | None:
    for item in _chain(exc):
        if isinstance(item, OSError) and item.errno is not None:
            return item.errno
    return None


def _is_tls(exc: BaseException) -> ssl.SSLError | None:
    for item in _chain(exc):
        if isinstance(item, ssl.SSLError):
            return item
    return None


_RESET_ERRNOS = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED})


def translate_error(exc: BaseException) -> tuple[FetchError, str]:
    """``(FetchError, human detail)`` for an exception raised while requesting."""
    if isinstance(exc, BlockedAddressError):
        return FetchError.BLOCKED_ADDRESS, (
            f"{exc.host} resolves to {exc.address}, a {exc.category} address "
            "(not checked without --allow-private)"
        )
    if isinstance(exc, ResolveError):
        kind = FetchError.DNS_TRANSIENT if exc.transient else FetchError.DNS
        return kind, f"DNS: {exc.detail}"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchError.INVALID_URL, f"invalid URL: {exc}"
    if isinstance(exc, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: "connect timeout",
            httpx.ReadTimeout: "read timeout (server went silent)",
            httpx.WriteTimeout: "write timeout",
            httpx.PoolTimeout: "no free connection in time",
        }.get(type(exc), "timeout")
        return FetchError.TIMEOUT, what
    if isinstance(exc, httpx.ConnectError):
        tls = _is_tls(exc)
        if tls is not None:
            reason = (
                getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
            )
            return FetchError.TLS, f"TLS: {reason}"
        code = _errno(exc)
        if code in _RESET_ERRNOS:
            return FetchError.RESET, "connection reset while connecting"
        if code == errno.ETIMEDOUT:
            return FetchError.TIMEOUT, "connect timeout"
        if code == errno.ECONNREFUSED:
            return FetchError.CONNECT, "connection refused"
        if code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return FetchError.CONNECT, "host unreachable"
        return FetchError.CONNECT, f"cannot connect: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        message = str(exc)
        # h11 reports a closed connection as a protocol error; it is a reset, and retryable.
        if "disconnected" in message or "peer closed" in message:
            return FetchError.RESET, "connection closed before the answer"
        return FetchError.PROTOCOL, f"malformed HTTP answer: {message}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.CloseError):
        return FetchError.RESET, "connection reset"
    if isinstance(exc, httpx.HTTPError | httpcore.NetworkError):
        return FetchError.PROTOCOL, f"{type(exc).__name__}: {exc}"
    raise exc  # not a network problem: a bug, let it surface


_CAUGHT = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpcore.NetworkError,
    ResolveError,
    BlockedAddressError,
)


# ---------------------------------------------------------------------------------------
# The client


class Fetcher:
    """The HTTP client of one run. Create with :func:`open_fetcher`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    def session(self) -> Session:
        """A fresh cookie jar for one redirect chain."""
        return Session(self._client)


@asynccontextmanager
async def open_fetcher(
    config: Config,
    *,
    guard: AddressGuard,
    resolver: Resolver,
    keepalive_for: Callable[[str], int] | None = None,
) -> AsyncIterator[Fetcher]:
    """Open the run's client; every connection is closed on exit, also on cancellation.

    ``keepalive_for(host)`` says how many connections to keep open per host (its
    concurrency); default ``config.host_concurrency``.
    """
    # Honours SSL_CERT_FILE / SSL_CERT_DIR (corporate CAs), but no proxy or .netrc
    # from the environment: those would bypass the address guard or add credentials.
    ssl_context = httpx.create_ssl_context(trust_env=True)
    transport = PoolRouter(
        backend=GuardedBackend(guard=guard, resolver=resolver),
        ssl_context=ssl_context,
        keepalive_for=keepalive_for or (lambda _host: config.host_concurrency),
        max_pools=max(32, config.max_concurrency),
    )
    # The client-wide jar refuses every cookie: cookies live in a chain's own jar only.
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    client = httpx.AsyncClient(
        transport=transport, trust_env=False, follow_redirects=False, cookies=no_cookies
    )
    try:
        yield Fetcher(client)
    finally:
        with anyio.CancelScope(shield=True):
            await client.aclose()


class Session:
    """Requests of one redirect chain (shares a cookie jar)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._cookies = httpx.Cookies()

    def cookie_state(self, url: str) -> str:
        """The Cookie header this chain would send to ``url`` (for loop detection: a
        revisit with new cookies is progress, with the same cookies a loop)."""
        try:
            probe = httpx.Request("GET", url)
        except _CAUGHT:
            return ""
        self._cookies.set_cookie_header(probe)
        state: str = probe.headers.get("cookie", "")
        return state

    async def send(self, hop: HopRequest) -> Outcome:
        """Make one request; never raises for network trouble."""
        started = anyio.current_time()

        def ms() -> int:
            return int((anyio.current_time() - started) * 1000)

        try:
            request = self._client.build_request(
                hop.method,
                hop.url,
                headers=dict(hop.headers),
                timeout=httpx.Timeout(
                    hop.timeout,
                    connect=min(hop.connect_timeout, hop.timeout),
                    read=min(hop.read_timeout, hop.timeout),
                ),
            )
        except _CAUGHT as exc:
            kind, detail = translate_error(exc)
            return Failure(url=hop.url, method=hop.method, error=kind, detail=detail)
        if "cookie" not in request.headers:
            self._cookies.set_cookie_header(request)
        response: httpx.Response | None = None
        try:
            with anyio.move_on_after(hop.timeout) as scope:
                response = await self._client.send(request, stream=True)
            if response is None or scope.cancelled_caught:
                return Failure(
                    url=hop.url,
                    method=hop.method,
                    error=FetchError.TIMEOUT,
                    detail=f"no answer within {hop.timeout:g} s",
                    elapsed_ms=ms(),
                )
            self._cookies.extract_cookies(response)
            budget = hop.timeout - (anyio.current_time() - started)
            page, note = await _read_body(response, hop, budget)
            return Answer(
                url=hop.url,
                method=hop.method,
                status=response.status_code,
                phrase=response.reason_phrase,
                headers=MappingProxyType(
                    {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
                ),
                page=page,
                bytes_read=response.num_bytes_downloaded,
                elapsed_ms=ms(),
                note=note,
            )
        except _CAUGHT as exc:
            kind, detail = translate_error(exc)
            return Failure(
                url=hop.url, method=hop.method, error=kind, detail=detail, elapsed_ms=ms()
            )
        finally:
            if response is not None:
                with anyio.CancelScope(shield=True):
                    await response.aclose()


async def _read_body(
    response: httpx.Response, hop: HopRequest, budget: float
) -> tuple[Page | None, str]:
    """Scan an HTML body as far as needed, then drain a short rest or stop.

    The status line has already decided the answer; trouble while reading the body
    (reset, decoding error, time limit) only leaves the page incomplete.
    """
    if hop.method == "HEAD":
        # Reading the (empty) body lets the connection see the end of the answer and be
        # reused; closing it unread would drop the connection.
        with anyio.move_on_after(min(budget, DRAIN_SECONDS)):
            await response.aread()
        return None, ""
    content_type = response.headers.get("content-type")
    success = 200 <= response.status_code < 300
    scanner: PageScanner | None = None
    if is_html(content_type):
        scanner = PageScanner(wanted=hop.fragments if success else ())
    cap = (
        FRAGMENT_SCAN_BYTES
        if scanner is not None and success and hop.fragments
        else TITLE_SCAN_BYTES
    )
    if scanner is None:
        cap = 0
    # A plain link needs only the status; its page scan (soft 404) may not take long.
    budget = max(0.0, budget if hop.fragments else min(budget, hop.read_timeout))
    decoder = new_decoder(content_type)

    def scan(chunk: bytes, *, final: bool = False) -> None:
        if scanner is not None:
            scanner.feed(decoder.decode(chunk, final=final))

    complete = False  # the whole body went through the scanner
    note = ""
    read = 0
    body = cast(AsyncGenerator[bytes, None], response.aiter_bytes())
    async with aclosing(body) as chunks:
        try:
            with anyio.move_on_after(budget) as scope:
                if scanner is not None:
                    async for chunk in chunks:
                        read += len(chunk)
                        scan(chunk)
                        if scanner.done or read >= cap:
                            break
                    else:
                        complete = True
                if not complete:
                    complete = await _drain(response, chunks, scan)
                if complete:
                    scan(b"", final=True)
            if scope.cancelled_caught and not complete:
                note = f"body read stopped after {budget:.1f} s"
        except (httpx.HTTPError, httpcore.NetworkError) as exc:
            _, detail = translate_error(exc)
            note = f"{detail} while reading the body"
    if scanner is None:
        return None, note
    return scanner.page(complete=complete), note


async def _drain(
    response: httpx.Response, chunks: AsyncIterator[bytes], scan: Callable[[bytes], None]
) -> bool:
    """Read a short rest of the body (≤ :data:`DRAIN_BYTES`) so the connection can be
    reused, passing it to ``scan``; give up on a long one (closing it is cheaper than
    reading it). True at EOF."""
    length = response.headers.get("content-length")
    if (
        length is not None
        and length.isdigit()
        and int(length) - response.num_bytes_downloaded > DRAIN_BYTES
    ):
        return False
    limit = response.num_bytes_downloaded + DRAIN_BYTES
    with anyio.move_on_after(DRAIN_SECONDS):
        async for chunk in chunks:
            scan(chunk)
            if response.num_bytes_downloaded > limit:
                return False
        return True
    return False
