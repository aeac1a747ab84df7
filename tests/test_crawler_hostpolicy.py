"""Per-host settings: built-in polite defaults, user overrides field by field, which
headers a host may receive, and the adaptive limiter's arithmetic."""

from __future__ import annotations

import anyio
import pytest

from linkcheck.config import Config, HostPolicy
from linkcheck.hostpolicy import (
    BROWSER_USER_AGENT,
    HostLane,
    effective_policy,
    host_matches,
    request_headers,
)


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("arxiv.org", "arxiv.org", True),
        ("arxiv.org", "ARXIV.org", True),
        ("arxiv.org", "export.arxiv.org", False),
        ("*.arxiv.org", "export.arxiv.org", True),
        ("*.arxiv.org", "arxiv.org", False),
        ("*.github.io", "user.github.io", True),
        ("*.github.io", "evilgithub.io", False),
    ],
)
def test_host_patterns(pattern: str, host: str, expected: bool) -> None:
    assert host_matches(pattern, host) is expected


def test_builtin_defaults_are_polite() -> None:
    config = Config()
    arxiv = effective_policy("arxiv.org", config)
    assert (arxiv.concurrency, arxiv.interval) == (1, 3.0)
    assert effective_policy("export.arxiv.org", config).interval == 3.0
    github = effective_policy("github.com", config)
    assert github.concurrency <= 2 and github.interval > 0
    other = effective_policy("example.org", config)
    assert (other.concurrency, other.interval) == (config.host_concurrency, config.host_interval)


def test_user_settings_override_builtins_field_by_field() -> None:
    config = Config(hosts={"arxiv.org": HostPolicy(interval=1.0, timeout=7.0)})
    policy = effective_policy("arxiv.org", config)
    assert (policy.concurrency, policy.interval, policy.timeout) == (1, 1.0, 7.0)
    assert policy.sources == ("config:arxiv.org", "built-in:arxiv.org")


def test_exact_key_wins_over_wildcards_longest_suffix_first() -> None:
    config = Config(
        hosts={
            "*.example.org": HostPolicy(concurrency=2, interval=0.5, max_retries=1),
            "*.lab.example.org": HostPolicy(concurrency=3),
            "www.lab.example.org": HostPolicy(concurrency=5),
        }
    )
    exact = effective_policy("www.lab.example.org", config)
    assert (exact.concurrency, exact.interval, exact.max_retries) == (5, 0.5, 1)
    assert effective_policy("docs.lab.example.org", config).concurrency == 3
    assert effective_policy("example.org", config).concurrency == Config().host_concurrency


def test_per_host_accept_replaces_the_global_set() -> None:
    config = Config(hosts={"example.org": HostPolicy(accept=frozenset({200, 403}))})
    assert effective_policy("example.org", config).accept == {200, 403}
    assert 403 not in effective_policy("other.org", config).accept


def test_request_headers() -> None:
    config = Config(
        headers={"X-Global": "g"},
        hosts={
            "*.example.org": HostPolicy(headers={"Authorization": "wild", "X-Key": "k"}),
            "a.example.org": HostPolicy(headers={"Cookie": "exact"}),
        },
    )
    policy = effective_policy("a.example.org", config)
    direct = request_headers(policy, config, redirected=False, browser=False)
    assert direct["Authorization"] == "wild" and direct["Cookie"] == "exact"
    assert direct["X-Global"] == "g" and direct["User-Agent"] == config.user_agent
    hop = request_headers(policy, config, redirected=True, browser=True)
    assert "Authorization" not in hop  # from a wildcard: not after a redirect
    assert hop["Cookie"] == "exact"  # configured for this exact host
    assert hop["X-Key"] == "k" and hop["User-Agent"] == BROWSER_USER_AGENT


def test_lane_backs_off_once_per_burst_and_recovers() -> None:
    policy = effective_policy("h.test", Config(host_concurrency=4, host_interval=0.0))

    async def main() -> None:
        lane = HostLane(policy=policy, retry_after_cap=60)
        before = anyio.current_time()
        for _ in range(3):  # three 429s to requests of the same burst
            lane.record(url="u", status=429, retry_after_s=None, started=before)
        assert (lane.limit, lane.interval) == (2, 0.0)
        later = anyio.current_time() + 1
        lane.record(url="u", status=429, retry_after_s=None, started=later)
        lane.record(url="u", status=429, retry_after_s=None, started=later + 1)
        assert lane.limit == 1 and lane.interval > 0  # at one connection: spacing grows
        assert lane.slots.total_tokens == 1
        for _ in range(3):
            lane.record(url="u", status=200, retry_after_s=None, started=later + 2)
        assert lane.interval > 0  # three successes are not a round yet
        lane.record(url="u", status=200, retry_after_s=None, started=later + 2)
        assert (lane.limit, lane.interval) == (1, 0.0)  # spacing undone first
        for _ in range(4 * 5):
            lane.record(url="u", status=200, retry_after_s=None, started=later + 3)
        assert lane.limit == 4  # never above the configured value
        assert lane.throttled == 5

    anyio.run(main)


def test_retry_after_pauses_the_lane_up_to_the_cap() -> None:
    policy = effective_policy("h.test", Config())

    async def main() -> None:
        lane = HostLane(policy=policy, retry_after_cap=2.0)
        now = anyio.current_time()
        lane.record(url="u", status=429, retry_after_s=3600, started=now)
        assert now + 1.9 < lane._paused_until <= anyio.current_time() + 2.0

    anyio.run(main)


def test_a_lone_503_is_a_broken_page_a_second_one_is_load() -> None:
    policy = effective_policy("h.test", Config(host_concurrency=4, host_interval=0.0))

    async def main() -> None:
        lane = HostLane(policy=policy, retry_after_cap=60)
        t = anyio.current_time()
        lane.record(url="a", status=503, retry_after_s=None, started=t)
        lane.record(url="a", status=503, retry_after_s=None, started=t + 1)  # its retry
        assert lane.limit == 4
        lane.record(url="b", status=503, retry_after_s=None, started=t + 2)
        assert lane.limit == 2
        lane.record(url="c", status=200, retry_after_s=None, started=t + 3)
        lane.record(url="d", status=503, retry_after_s=None, started=t + 4)
        assert lane.limit == 2  # the host answered in between: "d" is alone again
        lane.record(url="e", status=503, retry_after_s=5.0, started=t + 5)
        assert lane.limit == 1  # Retry-After always speaks of load

    anyio.run(main)
