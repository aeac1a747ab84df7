"""Scheduling and request sequences, asserted from the servers' own counters: limits per
host and overall, spacing, independence of hosts, adaptive backoff, Retry-After pauses,
one request per unique URL, redirects, bot walls, DNS, and clean cancellation."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import anyio
import pytest
from servers import (
    FakeResolver,
    Stats,
    WebServer,
    check_one,
    crawl_urls,
    fast_config,
    serve,
    target,
)

from linkcheck.config import HostPolicy
from linkcheck.crawler import Crawler, crawl
from linkcheck.models import Check, FetchError


@pytest.fixture(scope="module")
def web() -> Iterator[WebServer]:
    with serve("127.0.0.1") as server:
        yield server


def starts(server: WebServer, path: str) -> list[float]:
    return sorted(s.started for s in server.stats.requests(path))


# -- limits ----------------------------------------------------------------------------------


def test_per_host_concurrency_is_respected() -> None:
    with serve("127.0.0.2") as host:
        urls = [host.url(f"/slow?ms=120&i={i}") for i in range(10)]
        config = fast_config(hosts={"127.0.0.2": HostPolicy(concurrency=2)})
        checks = crawl_urls(urls, config)
        assert all(c.http_status == 200 for c in checks.values())
        assert host.stats.max_in_flight == 2


def test_global_concurrency_spans_hosts() -> None:
    shared = Stats()
    with (
        serve("127.0.0.2", stats=Stats(shared=shared)) as a,
        serve("127.0.0.3", stats=Stats(shared=shared)) as b,
        serve("127.0.0.4", stats=Stats(shared=shared)) as c,
    ):
        urls = [h.url(f"/slow?ms=120&i={i}") for h in (a, b, c) for i in range(4)]
        crawl_urls(urls, fast_config(max_concurrency=3, host_concurrency=4))
        assert shared.max_in_flight == 3
        assert shared.count() == 12


def test_interval_spaces_request_starts() -> None:
    with serve("127.0.0.2") as host:
        urls = [host.url(f"/ok?i={i}") for i in range(5)]
        config = fast_config(hosts={"127.0.0.2": HostPolicy(interval=0.25, concurrency=3)})
        crawl_urls(urls, config)
        times = starts(host, "/ok*")
        assert len(times) == 5
        assert min(b - a for a, b in itertools.pairwise(times)) >= 0.2


def test_a_slow_host_does_not_hold_up_others() -> None:
    with serve("127.0.0.2") as slow, serve("127.0.0.3") as fast:
        urls = [slow.url(f"/ok?s={i}") for i in range(4)] + [
            fast.url(f"/ok?f={i}") for i in range(12)
        ]
        config = fast_config(
            max_concurrency=2,
            hosts={"127.0.0.2": HostPolicy(concurrency=1, interval=0.5)},
        )
        crawl_urls(urls, config)
        slow_starts = starts(slow, "/ok*")
        fast_starts = starts(fast, "/ok*")
        assert len(fast_starts) == 12
        # Every request to the fast host went out before the slow host's second turn.
        assert fast_starts[-1] < slow_starts[1]


def test_429s_make_the_host_slow_down(web: WebServer) -> None:
    urls = [web.url(f"/limited?limit=1&ms=60&i={i}") for i in range(12)]
    config = fast_config(max_retries=6, retry_wait=0.05, host_concurrency=4)
    checks = crawl_urls(urls, config)
    assert all(c.http_status == 200 for c in checks.values())
    rejected = sum(c.attempts - 1 for c in checks.values())
    # Four at once meets three 429s; halving to two, then one, stops them. Without the
    # backoff each round of four would provoke three more (about 30 in all).
    assert rejected <= 8


def test_retry_after_pauses_the_whole_host() -> None:
    with serve("127.0.0.2") as host:
        urls = [host.url("/ratelimit/pause?n=1&after=1"), host.url("/ok?after-pause")]
        config = fast_config(hosts={"127.0.0.2": HostPolicy(concurrency=1)})
        checks = crawl_urls(urls, config)
        assert all(c.http_status == 200 for c in checks.values())
        limited = host.stats.requests("/ratelimit/pause*")[0].started
        other = host.stats.requests("/ok?after-pause")[0].started
        assert other - limited >= 0.9


def test_per_host_timeout(web: WebServer) -> None:
    url = web.url("/hang?host-timeout")
    config = fast_config(
        timeout=5, read_timeout=5, max_retries=0, hosts={"127.0.0.1": HostPolicy(timeout=0.3)}
    )
    started = time.monotonic()
    check = check_one(url, config)
    assert check.error is FetchError.TIMEOUT
    assert time.monotonic() - started < 3


# -- one request per unique URL ------------------------------------------------------------


def test_each_unique_url_is_requested_once(web: WebServer) -> None:
    seen: list[Check] = []
    urls = [web.url("/ok?once"), web.url("/ok?once#a"), web.url("/ok?once#b"), web.url("/ok?twice")]
    checks = crawl_urls(urls, on_check=seen.append)
    assert web.stats.count("/ok?once") == 1
    assert sorted(checks) == sorted({web.url("/ok?once"), web.url("/ok?twice")})
    assert sorted(c.url for c in seen) == sorted(checks)


def test_arxiv_pdf_and_abs_share_one_polite_request() -> None:
    with serve("127.0.0.2") as arxiv:
        origin = f"http://arxiv.org:{arxiv.port}"
        urls = [
            f"{origin}/pdf/2302.10685.pdf",
            f"{origin}/abs/2302.10685",
            f"{origin}/pdf/2302.10685",
            f"{origin}/abs/2302.10685v2",
            f"{origin}/abs/2301.00001",
            f"{origin}/abs/2301.00002",
        ]
        # The user shortens the built-in 3 s interval; the built-in concurrency (1) stays.
        config = fast_config(hosts={"arxiv.org": HostPolicy(interval=0.0)})
        resolver = FakeResolver(names={"arxiv.org": ["127.0.0.2"]})
        checks = crawl_urls(urls, config, resolver=resolver)
        assert arxiv.stats.count("/abs/2302.10685") == 1
        assert arxiv.stats.count("/abs/2302.10685v2") == 1
        assert arxiv.stats.count("/pdf*") == 0
        assert arxiv.stats.max_in_flight == 1
    pdf = checks[urls[0]]
    assert pdf.http_status == 200
    assert pdf.requested_url == f"{origin}/abs/2302.10685"
    assert pdf.quirks == ("arxiv-pdf-via-abs",)
    assert checks[urls[1]].requested_url is None


def test_invalid_urls_are_reported_without_requests() -> None:
    checks = crawl_urls(["http://exa mple.com:99999/", "http:///nohost"])
    assert {c.error for c in checks.values()} == {FetchError.INVALID_URL}


# -- redirects -----------------------------------------------------------------------------


def test_every_hop_is_recorded(web: WebServer) -> None:
    url = web.url("/chain/3")
    check = check_one(url)
    assert check.http_status == 200
    assert [(h.url, h.status) for h in check.redirects] == [
        (web.url("/chain/3"), 301),
        (web.url("/chain/2"), 301),
        (web.url("/chain/1"), 301),
    ]
    assert check.final_url == web.url("/chain/0")
    assert check.attempts == 4


def test_redirect_loop_is_detected(web: WebServer) -> None:
    check = check_one(web.url("/loop/a"))
    assert check.error is FetchError.REDIRECT_LOOP
    assert [h.status for h in check.redirects] == [302, 302]
    assert web.stats.count("/loop/a") == 1


def test_too_many_redirects() -> None:
    with serve("127.0.0.2") as host:
        check = check_one(host.url("/chain/12"), fast_config(max_redirects=10))
        assert host.stats.count("/chain/*") == 11
        assert host.stats.count("/chain/1") == 0
    assert check.error is FetchError.TOO_MANY_REDIRECTS
    assert len(check.redirects) == 11


def test_a_cookie_set_on_a_redirect_is_sent_back_within_the_chain(web: WebServer) -> None:
    check = check_one(web.url("/cookie-loop"))
    assert check.http_status == 200
    assert len(check.redirects) == 1


# -- bot walls -----------------------------------------------------------------------------


def test_a_bot_wall_is_retried_once_with_a_browser_agent_then_remembered() -> None:
    with serve("127.0.0.2") as host:
        urls = [host.url(f"/walled?i={i}") for i in range(3)]
        config = fast_config(hosts={"127.0.0.2": HostPolicy(concurrency=1)})
        checks = crawl_urls(urls, config)
        assert all(c.http_status == 200 for c in checks.values())
        agents = [s.headers["user-agent"] for s in host.stats.requests("/walled*")]
    assert len(agents) == 4
    assert agents[0] == config.user_agent
    assert all("Mozilla/" in a for a in agents[1:])


def test_a_wall_that_stays_is_asked_twice_only(web: WebServer) -> None:
    check = check_one(web.url("/walled-always"), fast_config(max_retries=3))
    assert check.http_status == 403
    assert web.stats.count("/walled-always") == 2


def test_a_challenge_page_is_not_retried_as_a_503(web: WebServer) -> None:
    check = check_one(web.url("/challenge"), fast_config(max_retries=3))
    assert check.http_status == 503 and check.challenge
    assert web.stats.count("/challenge") == 2  # ours, then the browser agent


def test_an_unknown_host_answering_521_to_robots_gets_a_browser_retry(web: WebServer) -> None:
    check = check_one(web.url("/wall521?unknown-host"), fast_config(max_retries=3))
    assert check.http_status == 200
    agents = [s.headers["user-agent"] for s in web.stats.requests("/wall521?unknown-host")]
    assert len(agents) == 2 and "Mozilla/" in agents[1]


def test_csdn_gets_the_browser_agent_from_the_first_request() -> None:
    with serve("127.0.0.2") as csdn:
        url = f"http://blog.csdn.net:{csdn.port}/wall521"
        resolver = FakeResolver(names={"blog.csdn.net": ["127.0.0.2"]})
        check = check_one(
            url, fast_config(hosts={"blog.csdn.net": HostPolicy(interval=0.0)}), resolver=resolver
        )
        agents = [s.headers["user-agent"] for s in csdn.stats.requests("/wall521")]
    assert check.http_status == 200
    assert check.quirks == ("csdn-bot-wall",)
    assert len(agents) == 1 and "Mozilla/" in agents[0]


# -- DNS -----------------------------------------------------------------------------------


def test_nxdomain_is_asked_once() -> None:
    resolver = FakeResolver(nxdomain=frozenset({"gone.test"}))
    check = check_one("http://gone.test/x", fast_config(max_retries=3), resolver=resolver)
    assert (check.error, check.attempts) == (FetchError.DNS, 1)
    assert resolver.lookups == ["gone.test"]


def test_a_transient_dns_failure_is_retried(web: WebServer) -> None:
    resolver = FakeResolver(names={"wobbly.test": ["127.0.0.1"]}, flaky={"wobbly.test": 1})
    check = check_one(f"http://wobbly.test:{web.port}/ok?dns", resolver=resolver)
    assert (check.http_status, check.attempts) == (200, 2)


# -- cancellation --------------------------------------------------------------------------


def test_cancellation_stops_cleanly_and_closes_connections() -> None:
    with serve("127.0.0.2") as host:
        targets = [target(host.url(f"/hang?c={i}")) for i in range(3)]
        targets += [target(host.url(f"/ok?c={i}")) for i in range(3)]
        finished: list[Check] = []
        config = fast_config(timeout=30, read_timeout=30)

        async def main() -> None:
            with anyio.move_on_after(0.7):
                await crawl(targets, config, on_check=finished.append)

        started = time.monotonic()
        anyio.run(main)
        assert time.monotonic() - started < 5
        assert sorted(c.url for c in finished) == sorted(t.url for t in targets[3:])
        assert host.stats.wait_closed(timeout=5)
        assert host.stats.count("/hang*") == 3


def test_crawler_is_reusable_per_run_only(web: WebServer) -> None:
    # A Crawler owns no client outside run(): two runs, two clients, both closed.
    crawler = Crawler(config=fast_config())

    async def main() -> tuple[dict[str, Check], dict[str, Check]]:
        return (
            await crawler.run([target(web.url("/ok?r1"))]),
            await crawler.run([target(web.url("/ok?r2"))]),
        )

    first, second = anyio.run(main)
    assert len(first) == len(second) == 1
