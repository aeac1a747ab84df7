"""Local servers and helpers for the network tests (loopback only, no internet).

``serve(host)`` starts a :class:`WebServer` (routes in :mod:`servers.web`) on a loopback
address; ``serve_raw(host)`` a :class:`RawServer` that resets and talks garbage. Linux
routes all of 127.0.0.0/8 to loopback, so 127.0.0.2, 127.0.0.3 … stand for other hosts.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio

from linkcheck.config import Config
from linkcheck.crawler import Crawler
from linkcheck.models import Check, Target
from linkcheck.netguard import AddressGuard, IPAddress, ResolveError
from servers.raw import RawServer, serve_raw
from servers.routes import BIG, PAGES
from servers.stats import Seen, Stats
from servers.web import WebServer, serve

__all__ = [
    "BIG",
    "PAGES",
    "FakeResolver",
    "RawServer",
    "Seen",
    "Stats",
    "WebServer",
    "check_one",
    "crawl_urls",
    "fast_config",
    "serve",
    "serve_raw",
    "target",
]


def fast_config(**changes: Any) -> Config:
    """Settings for tests: loopback allowed, no politeness delay, millisecond backoff."""
    base = Config(
        allow_private=True,
        timeout=5.0,
        connect_timeout=2.0,
        read_timeout=2.0,
        max_retries=2,
        retry_wait=0.01,
        host_interval=0.0,
        host_concurrency=4,
    )
    return replace(base, **changes)


def target(url: str) -> Target:
    """A Target from a URL as written (its fragment becomes the wanted fragment)."""
    parts = urlsplit(url)
    fragments = frozenset({parts.fragment}) if parts.fragment else frozenset()
    return Target(url=urlunsplit(parts._replace(fragment="")), fragments=fragments)


@dataclass(slots=True)
class FakeResolver:
    """Maps names to addresses; names in ``nxdomain``/``flaky`` fail like DNS does."""

    names: Mapping[str, Sequence[str]] = field(default_factory=dict)
    nxdomain: frozenset[str] = frozenset()
    flaky: dict[str, int] = field(default_factory=dict)
    """Name → how many lookups fail transiently before it resolves."""
    lookups: list[str] = field(default_factory=list)

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        self.lookups.append(host)
        if host in self.nxdomain:
            raise ResolveError(host, "Name or service not known", transient=False)
        if self.flaky.get(host, 0) > 0:
            self.flaky[host] -= 1
            raise ResolveError(host, "Temporary failure in name resolution", transient=True)
        try:
            return (ipaddress.ip_address(host),)
        except ValueError:
            pass
        if host not in self.names:
            raise ResolveError(host, "Name or service not known", transient=False)
        return tuple(ipaddress.ip_address(a) for a in self.names[host])


def crawl_urls(
    urls: Sequence[str | Target],
    config: Config | None = None,
    *,
    resolver: FakeResolver | None = None,
    guard: AddressGuard | None = None,
    on_check: Any = None,
) -> dict[str, Check]:
    """Run a crawl in a fresh event loop; URLs may carry the fragment to look for."""
    targets = [u if isinstance(u, Target) else target(u) for u in urls]
    crawler = Crawler(
        config=config or fast_config(), resolver=resolver, guard=guard, rng=random.Random(7)
    )

    async def main() -> dict[str, Check]:
        return await crawler.run(targets, on_check=on_check)

    return anyio.run(main)


def check_one(url: str, config: Config | None = None, **kw: Any) -> Check:
    """Crawl one URL (fragment = wanted fragment) and return its Check."""
    return crawl_urls([url], config, **kw)[target(url).url]
