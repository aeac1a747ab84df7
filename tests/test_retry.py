"""The retry policy: one predicate, one wait strategy, tenacity in between; and what the
servers see when the crawler applies it."""

from __future__ import annotations

import email.utils
import random
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import pytest
from servers import WebServer, crawl_urls, fast_config, serve

from linkcheck.models import FetchError
from linkcheck.retry import (
    RetryTiming,
    backoff,
    is_retryable,
    parse_retry_after,
    with_retries,
)


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    assert is_retryable(status=status)


@pytest.mark.parametrize("status", [200, 301, 400, 401, 403, 404, 405, 410, 451, 501, 521, 999])
def test_definitive_statuses_are_not_retried(status: int) -> None:
    assert not is_retryable(status=status)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FetchError.TIMEOUT, True),
        (FetchError.RESET, True),
        (FetchError.DNS_TRANSIENT, True),
        (FetchError.DNS, False),
        (FetchError.CONNECT, False),
        (FetchError.TLS, False),
        (FetchError.PROTOCOL, False),
        (FetchError.BLOCKED_ADDRESS, False),
        (FetchError.INVALID_URL, False),
    ],
)
def test_errors(error: FetchError, expected: bool) -> None:
    assert is_retryable(error=error) is expected


def test_a_challenge_page_is_not_retried_even_as_503() -> None:
    assert not is_retryable(status=503, challenge=True)


def test_retry_after_seconds_and_dates() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30, abs=1)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_with_bounded_jitter() -> None:
    timing = RetryTiming(base=1.0, max_backoff=8.0)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (7, 8.0)]:
        waits = [backoff(attempt, timing, rng) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1  # jitter


@dataclass(frozen=True)
class _Out:
    status: int | None = None
    error: FetchError | None = None
    challenge: bool = False
    retry_after_s: float | None = None


def _run(
    outcomes: list[_Out], *, max_retries: int = 3, cap: float = 60.0
) -> tuple[_Out, list[float]]:
    """Feed outcomes to with_retries; record the sleeps it asked for (without sleeping)."""
    sleeps: list[float] = []
    queue = list(outcomes)

    async def attempt() -> _Out:
        return queue.pop(0)

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> _Out:
        return await with_retries(
            attempt,
            max_retries=max_retries,
            timing=RetryTiming(base=0.5, retry_after_cap=cap),
            rng=random.Random(3),
            sleep=fake_sleep,
        )

    return anyio.run(main), sleeps


def test_retry_after_is_waited_before_backoff() -> None:
    result, sleeps = _run([_Out(status=429, retry_after_s=7.0), _Out(status=503), _Out(status=200)])
    assert result.status == 200
    assert sleeps[0] == 7.0
    assert 0.5 <= sleeps[1] <= 1.0  # second attempt failed without a hint: backoff(2)


def test_retries_end_with_the_last_outcome() -> None:
    result, sleeps = _run([_Out(status=503)] * 3, max_retries=2)
    assert result.status == 503
    assert len(sleeps) == 2


def test_a_retry_after_beyond_the_cap_stops_at_once() -> None:
    result, sleeps = _run([_Out(status=429, retry_after_s=3600), _Out(status=200)], cap=60)
    assert result.status == 429
    assert sleeps == []


def test_definitive_outcomes_are_returned_at_once() -> None:
    result, sleeps = _run([_Out(status=404), _Out(status=200)])
    assert result.status == 404
    assert sleeps == []


# -- through the crawler, counted by the server ---------------------------------------------


@pytest.fixture(scope="module")
def web() -> Iterator[WebServer]:
    with serve("127.0.0.1") as server:
        yield server


def test_transient_503_then_200(web: WebServer) -> None:
    url = web.url("/flaky/t503?fail=2&code=503")
    check = crawl_urls([url], fast_config(max_retries=3))[url]
    assert (check.http_status, check.attempts) == (200, 3)
    assert web.stats.count("/flaky/t503*") == 3


@pytest.mark.parametrize("code", [500, 502, 504])
def test_server_errors_are_retried(web: WebServer, code: int) -> None:
    url = web.url(f"/flaky/s{code}?fail=1&code={code}")
    assert crawl_urls([url])[url].http_status == 200
    assert web.stats.count(f"/flaky/s{code}*") == 2


def test_persistent_503_gives_up_after_max_retries(web: WebServer) -> None:
    url = web.url("/flaky/forever?fail=99&code=503")
    check = crawl_urls([url], fast_config(max_retries=2))[url]
    assert (check.http_status, check.attempts) == (503, 3)
    assert web.stats.count("/flaky/forever*") == 3


def test_404_and_410_are_asked_once(web: WebServer) -> None:
    urls = [web.url("/status/404"), web.url("/status/410")]
    checks = crawl_urls(urls, fast_config(max_retries=3))
    assert [checks[u].http_status for u in urls] == [404, 410]
    assert web.stats.count("/status/404") == web.stats.count("/status/410") == 1


def test_per_host_max_retries_overrides_the_global_value(web: WebServer) -> None:
    from linkcheck.config import HostPolicy

    url = web.url("/flaky/hostretry?fail=99&code=502")
    config = fast_config(max_retries=3, hosts={"127.0.0.1": HostPolicy(max_retries=0)})
    assert crawl_urls([url], config)[url].attempts == 1


def test_429_retry_after_seconds_is_waited(web: WebServer) -> None:
    url = web.url("/ratelimit/secs?n=1&after=1")
    check = crawl_urls([url])[url]
    assert check.http_status == 200
    first, second = web.stats.requests("/ratelimit/secs*")
    assert second.started - first.started >= 0.9


def test_429_retry_after_http_date_is_waited(web: WebServer) -> None:
    url = web.url("/ratelimit/date?n=1&date=2")
    check = crawl_urls([url])[url]
    assert check.http_status == 200
    first, second = web.stats.requests("/ratelimit/date*")
    # The date has one-second resolution: 2 s ahead means at least 1 s of waiting.
    assert second.started - first.started >= 0.9


def test_429_asking_for_an_hour_gives_up_without_sleeping(web: WebServer) -> None:
    url = web.url("/ratelimit/hour?n=5&after=3600")
    check = crawl_urls([url], fast_config(retry_after_max=60))[url]
    assert check.http_status == 429
    assert check.retry_after_s == 3600
    assert web.stats.count("/ratelimit/hour*") == 1
