"""Per-host settings and manners: built-in polite defaults, user overrides, the headers a
host may receive, and the adaptive limiter (:class:`HostLane`) each host is scheduled by.

Settings for a host are merged field by field, most specific first: the user's exact host
key, the user's ``*.suffix`` keys (longest first), the built-in exact key, built-in
``*.suffix`` keys, then the global values. So ``[hosts."arxiv.org"] interval = 1`` keeps
the built-in ``concurrency = 1`` for arXiv.

A ``*.suffix`` key matches subdomains of ``suffix`` (``*.github.io`` matches
``user.github.io``), not ``suffix`` itself.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

import anyio

from linkcheck.config import Config, HostPolicy

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
"""Sent to hosts that wall off non-browser agents (quirk table, or after a wall answer)."""
ACCEPT_HEADER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
BROWSER_EXTRA_HEADERS: Mapping[str, str] = MappingProxyType(
    {"Accept-Language": "en-US,en;q=0.9", "Upgrade-Insecure-Requests": "1"}
)

BUILTIN_HOSTS: Mapping[str, HostPolicy] = MappingProxyType(
    {
        # arXiv asks automated clients for one request every 3 s on one connection.
        "arxiv.org": HostPolicy(concurrency=1, interval=3.0),
        "*.arxiv.org": HostPolicy(concurrency=1, interval=3.0),
        # github.com answers link checkers with 429 under load; it publishes no page limit.
        "github.com": HostPolicy(concurrency=2, interval=0.2),
        "gist.github.com": HostPolicy(concurrency=2, interval=0.2),
        # Unauthenticated API: 60 requests per hour.
        "api.github.com": HostPolicy(concurrency=1, interval=1.0),
        "openreview.net": HostPolicy(concurrency=2, interval=0.3),
        "openaccess.thecvf.com": HostPolicy(concurrency=2),
        "scholar.google.com": HostPolicy(concurrency=1, interval=5.0),
        "dl.acm.org": HostPolicy(concurrency=1, interval=1.0),
        "ieeexplore.ieee.org": HostPolicy(concurrency=1, interval=1.0),
        "blog.csdn.net": HostPolicy(concurrency=2, interval=0.5),
        "zhuanlan.zhihu.com": HostPolicy(concurrency=1, interval=1.0),
    }
)
"""Polite defaults for hosts that publish (or are known to enforce) limits."""

T = TypeVar("T")

SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
"""Credentials: on a redirect to another host they come only from that host's exact key."""

MIN_BACKOFF_INTERVAL = 0.1
MAX_BACKOFF_INTERVAL = 10.0
RECOVERY_ROUND = 4
"""Successes in a row that undo one step of backoff."""


def host_matches(pattern: str, host: str) -> bool:
    """``pattern`` is an exact host or ``*.suffix`` (subdomains only); case-insensitive."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def _matching(table: Mapping[str, HostPolicy], host: str) -> list[tuple[str, HostPolicy]]:
    """Exact key first, then wildcards from the longest suffix down."""
    exact = [(k, p) for k, p in table.items() if not k.startswith("*.") and host_matches(k, host)]
    wild = sorted(
        ((k, p) for k, p in table.items() if k.startswith("*.") and host_matches(k, host)),
        key=lambda kp: -len(kp[0]),
    )
    return exact + wild


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectivePolicy:
    """Everything about one host, merged from config, built-ins and global values."""

    host: str
    concurrency: int
    interval: float
    timeout: float
    max_retries: int
    accept: frozenset[int]
    user_agent: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Per-host headers from every matching key (global ``config.headers`` excluded)."""
    exact_headers: Mapping[str, str] = field(default_factory=dict)
    """The subset configured under this exact host name (no wildcard)."""
    sources: tuple[str, ...] = ()
    """Keys that contributed, e.g. ``("config:*.example.com", "built-in:arxiv.org")``."""


def effective_policy(host: str, config: Config) -> EffectivePolicy:
    """The merged settings for ``host``."""
    host = host.lower().rstrip(".")
    user = _matching(config.hosts, host)
    builtin = _matching(BUILTIN_HOSTS, host)
    layers = [(f"config:{k}", p) for k, p in user] + [(f"built-in:{k}", p) for k, p in builtin]

    def pick(name: str, default: T) -> T:
        for _, policy in layers:
            value = getattr(policy, name)
            if value is not None:
                result: T = value
                return result
        return default

    headers: dict[str, str] = {}
    for _, policy in reversed([(k, p) for k, p in user]):  # most specific wins
        headers.update(policy.headers)
    exact: dict[str, str] = {}
    for key, policy in user:
        if not key.startswith("*."):
            exact.update(policy.headers)
    return EffectivePolicy(
        host=host,
        concurrency=pick("concurrency", config.host_concurrency),
        interval=pick("interval", config.host_interval),
        timeout=pick("timeout", config.timeout),
        max_retries=pick("max_retries", config.max_retries),
        accept=pick("accept", config.accept),
        user_agent=pick("user_agent", config.user_agent),
        headers=headers,
        exact_headers=exact,
        sources=tuple(name for name, _ in layers),
    )


def request_headers(
    policy: EffectivePolicy, config: Config, *, redirected: bool, browser: bool
) -> dict[str, str]:
    """Headers for one request to ``policy.host``.

    ``config.headers`` go everywhere (the user's explicit choice). Per-host headers go
    only to hosts their key matches. ``redirected`` means a server sent us here from
    another host: then credentials (Authorization, Cookie, Proxy-Authorization) are
    taken only from this host's exact key, never from a wildcard that happens to cover
    both sites, so a redirect cannot harvest a token meant for a sibling host.
    """
    headers = {
        "User-Agent": BROWSER_USER_AGENT if browser else policy.user_agent,
        "Accept": ACCEPT_HEADER,
    }
    if browser:
        headers.update(BROWSER_EXTRA_HEADERS)
    headers.update(config.headers)
    for name, value in policy.headers.items():
        if redirected and name.lower() in SENSITIVE_HEADERS:
            continue
        headers[name] = value
    if redirected:
        for name, value in policy.exact_headers.items():
            if name.lower() in SENSITIVE_HEADERS:
                headers[name] = value
    return headers


@dataclass(slots=True, eq=False)
class Ticket:
    """A held per-host slot; released exactly once."""

    lane: HostLane
    released: bool = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.lane.slots.release_on_behalf_of(self)


class HostLane:
    """Schedules one host: a slot limit (concurrency), spacing between request starts
    (interval), pauses asked for by ``Retry-After``, and adaptive backoff.

    A 429 (or a 503 that speaks of load, see :meth:`_is_load_signal`) halves the host's
    concurrency (once at one connection: doubles its
    spacing instead), once per burst; each :data:`RECOVERY_ROUND` successes in a row undo
    one step, never beyond the configured values. So an isolated 503 costs a moment of
    reduced speed, while a host that keeps refusing stays slowed down.
    ``Retry-After`` pauses the whole host (capped like the retry wait).
    """

    def __init__(self, *, policy: EffectivePolicy, retry_after_cap: float) -> None:
        self.policy = policy
        self.slots = anyio.CapacityLimiter(policy.concurrency)
        self.interval = policy.interval
        self.limit = policy.concurrency
        self.prefers_browser = False
        """Set once the browser agent got past a wall our own agent met on this host."""
        self.throttled = 0
        """429/503 answers seen from this host."""
        self.requests = 0
        self._cap = retry_after_cap
        self._gate = anyio.Lock()
        self._next_start = -math.inf
        self._paused_until = -math.inf
        self._slowed_at = -math.inf
        self._streak = 0
        self._failing: set[str] = set()
        """URLs that answered a bare 503 since the host last answered something else."""

    async def ticket(self) -> Ticket:
        """Wait for a free slot of this host."""
        ticket = Ticket(lane=self)
        await self.slots.acquire_on_behalf_of(ticket)
        return ticket

    @asynccontextmanager
    async def turn(self, shared: anyio.CapacityLimiter) -> AsyncIterator[float]:
        """Wait until this host may start a request, then hold a slot of the global limit
        for its duration; yields the start time (for :meth:`record`). Hold a ticket of
        this lane while using this."""
        acquired = False
        try:
            async with self._gate:
                # Only the task at the gate waits on the global limit: the host's other
                # requests queue here, and other hosts are never blocked by this one.
                while (
                    delay := max(self._next_start, self._paused_until) - anyio.current_time()
                ) > 0:
                    await anyio.sleep(delay)
                await shared.acquire()
                acquired = True
                started = anyio.current_time()
                self._next_start = started + self.interval
                self.requests += 1
            yield started
        finally:
            if acquired:
                shared.release()

    def record(
        self, *, url: str, status: int | None, retry_after_s: float | None, started: float
    ) -> None:
        """Adapt to the answer for ``url`` to a request that started at ``started``
        (``status`` None: no HTTP answer, which says nothing about load)."""
        if status is None:
            return
        if status in (429, 503):
            self.throttled += 1
            self._streak = 0
            if retry_after_s is not None:
                until = anyio.current_time() + min(retry_after_s, self._cap)
                self._paused_until = max(self._paused_until, until)
            if not self._is_load_signal(url, status, retry_after_s):
                return
            # Answers to requests sent before the last slowdown were sent too fast for the
            # old settings, not the new ones: one burst counts as one signal (as in TCP).
            if started < self._slowed_at:
                return
            self._slowed_at = anyio.current_time()
            if self.limit > 1:  # fewer connections first, then more spacing
                self.limit = max(1, self.limit // 2)
                self.slots.total_tokens = self.limit
            else:
                self.interval = min(
                    MAX_BACKOFF_INTERVAL, max(self.interval * 2, MIN_BACKOFF_INTERVAL)
                )
            return
        self._failing.clear()
        self._streak += 1
        if self._streak < RECOVERY_ROUND:
            return
        self._streak = 0
        if self.interval > self.policy.interval:  # undo in reverse order
            half = self.interval / 2
            floor = self.policy.interval
            self.interval = floor if half < MIN_BACKOFF_INTERVAL else max(half, floor)
        elif self.limit < self.policy.concurrency:
            self.limit += 1
            self.slots.total_tokens = self.limit

    def _is_load_signal(self, url: str, status: int, retry_after_s: float | None) -> bool:
        """429, and 503 with Retry-After, speak of load. A bare 503 may be one broken page
        (retried on its own with backoff); it speaks of load once a second URL of the
        host answers 503 before the host answered anything else."""
        if status == 429 or retry_after_s is not None:
            return True
        self._failing.add(url)
        return len(self._failing) > 1


@dataclass(slots=True, kw_only=True)
class Lanes:
    """The lane of every host met in a run (targets and redirect hops alike)."""

    config: Config
    _lanes: dict[str, HostLane] = field(default_factory=dict)

    def __call__(self, host: str) -> HostLane:
        key = host.lower()
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = HostLane(
                policy=effective_policy(key, self.config),
                retry_after_cap=self.config.retry_after_max,
            )
        return lane

    def all(self) -> list[HostLane]:
        return list(self._lanes.values())
