"""What each host receives: the agent, global headers, per-host headers, and never a
credential or cookie meant for another host — not even across a redirect. The receiving
servers record every header; a second loopback address plays the other host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers import FakeResolver, WebServer, check_one, crawl_urls, fast_config, serve

from linkcheck.config import HostPolicy
from linkcheck.hostpolicy import BROWSER_USER_AGENT

SECRET = {"Authorization": "Bearer s3cret", "Cookie": "sid=s3cret", "X-Api-Key": "k3y"}


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[WebServer, WebServer]]:
    with serve("127.0.0.2") as home, serve("127.0.0.3") as other:
        yield home, other


def headers_seen(server: WebServer, path: str) -> dict[str, str]:
    (seen,) = server.stats.requests(path)
    return seen.headers


def test_default_agent_names_the_tool(hosts: tuple[WebServer, WebServer]) -> None:
    home, _ = hosts
    check_one(home.url("/echo?ua"))
    agent = headers_seen(home, "/echo?ua")["user-agent"]
    assert agent.startswith("linkcheck/") and "Mozilla" not in agent


def test_per_host_agent(hosts: tuple[WebServer, WebServer]) -> None:
    home, _ = hosts
    config = fast_config(hosts={"127.0.0.2": HostPolicy(user_agent="my-bot/1")})
    check_one(home.url("/echo?ua2"), config)
    assert headers_seen(home, "/echo?ua2")["user-agent"] == "my-bot/1"


def test_global_headers_go_everywhere_per_host_headers_only_to_their_host(
    hosts: tuple[WebServer, WebServer],
) -> None:
    home, other = hosts
    config = fast_config(headers={"X-Global": "1"}, hosts={"127.0.0.2": HostPolicy(headers=SECRET)})
    crawl_urls([home.url("/echo?direct"), other.url("/echo?direct")], config)
    at_home = headers_seen(home, "/echo?direct")
    at_other = headers_seen(other, "/echo?direct")
    assert at_home["authorization"] == "Bearer s3cret"
    assert at_home["x-api-key"] == "k3y"
    assert at_home["x-global"] == at_other["x-global"] == "1"
    assert not {"authorization", "cookie", "x-api-key"} & set(at_other)


def test_per_host_headers_do_not_follow_a_redirect_to_another_host(
    hosts: tuple[WebServer, WebServer],
) -> None:
    home, other = hosts
    config = fast_config(headers={"X-Global": "1"}, hosts={"127.0.0.2": HostPolicy(headers=SECRET)})
    url = home.url("/redirect/302?to=" + other.url("/echo?leak"))
    assert check_one(url, config).http_status == 200
    assert headers_seen(home, "/redirect/302*")["authorization"] == "Bearer s3cret"
    received = headers_seen(other, "/echo?leak")
    assert received["x-global"] == "1"
    assert not {"authorization", "cookie", "x-api-key"} & set(received)


def test_a_cookie_set_by_one_host_never_reaches_another(
    hosts: tuple[WebServer, WebServer],
) -> None:
    home, other = hosts
    url = home.url("/setcookie?to=" + other.url("/echo?cookie"))
    check_one(url)
    assert "cookie" not in headers_seen(other, "/echo?cookie")
    # Nor does it reach the same host in a later, separate check.
    check_one(home.url("/echo?later"))
    assert "cookie" not in headers_seen(home, "/echo?later")


def test_a_wildcard_credential_does_not_follow_a_same_site_redirect() -> None:
    # a.example.test and b.example.test are one site; the user's *.example.test token is
    # for links to them, not for wherever a server sends us.
    with serve("127.0.0.2") as a, serve("127.0.0.3") as b:
        resolver = FakeResolver(
            names={"a.example.test": ["127.0.0.2"], "b.example.test": ["127.0.0.3"]}
        )
        config = fast_config(hosts={"*.example.test": HostPolicy(headers=SECRET)})
        b_echo = f"http://b.example.test:{b.port}/echo?wild"
        url = f"http://a.example.test:{a.port}/redirect/302?to={b_echo}"
        assert check_one(url, config, resolver=resolver).http_status == 200
        assert headers_seen(a, "/redirect/302*")["authorization"] == "Bearer s3cret"
        received = headers_seen(b, "/echo?wild")
        assert not {"authorization", "cookie"} & set(received)
        assert received["x-api-key"] == "k3y"  # not a credential: the key covers this host
        # A link written to b.example.test gets the configured token.
        check_one(f"http://b.example.test:{b.port}/echo?written", config, resolver=resolver)
        assert headers_seen(b, "/echo?written")["authorization"] == "Bearer s3cret"


def test_an_exact_host_credential_is_sent_after_a_redirect_to_that_host() -> None:
    with serve("127.0.0.2") as a, serve("127.0.0.3") as b:
        config = fast_config(
            hosts={
                "127.0.0.2": HostPolicy(headers={"Authorization": "Bearer for-a"}),
                "127.0.0.3": HostPolicy(headers={"Authorization": "Bearer for-b"}),
            }
        )
        check_one(a.url("/redirect/307?to=" + b.url("/echo?exact")), config)
        assert headers_seen(b, "/echo?exact")["authorization"] == "Bearer for-b"


def test_browser_fallback_sends_a_browser_agent(hosts: tuple[WebServer, WebServer]) -> None:
    home, _ = hosts
    check_one(home.url("/walled?fallback"))
    agents = [s.headers["user-agent"] for s in home.stats.requests("/walled?fallback")]
    assert agents[-1] == BROWSER_USER_AGENT
