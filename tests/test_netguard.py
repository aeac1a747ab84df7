"""Address safety: private, loopback, link-local and metadata addresses are never contacted
unless allowed — whether written in the link, behind a DNS name, or reached by redirect."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest
from servers import FakeResolver, WebServer, crawl_urls, fast_config, serve

from linkcheck.judge import judge
from linkcheck.models import Check, FetchError, Kind, Link, Location, Status, Syntax
from linkcheck.netguard import (
    AddressGuard,
    BlockedAddressError,
    SystemResolver,
    blocked_category,
    classify_gaierror,
)

CASES = [
    ("169.254.169.254", "cloud metadata"),
    ("fd00:ec2::254", "cloud metadata"),
    ("100.100.100.200", "cloud metadata"),
    ("127.0.0.1", "loopback"),
    ("127.3.4.5", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("2002:7f00:0001::", "loopback"),  # 6to4 wrapping 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 wrapping 10.0.0.1
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("255.255.255.255", "reserved"),
    ("8.8.8.8", None),
    ("151.101.1.140", None),
    ("2606:4700::6810:84e5", None),
    ("172.32.0.1", None),  # just outside 172.16/12
]


@pytest.mark.parametrize(("address", "category"), CASES)
def test_blocked_category(address: str, category: str | None) -> None:
    assert blocked_category(address) == category


def test_guard_keeps_only_public_addresses_of_a_mixed_answer() -> None:
    public, private = ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")
    assert AddressGuard().vet("example.org", [private, public]) == [public]
    with pytest.raises(BlockedAddressError) as info:
        AddressGuard().vet("evil.test", [private])
    assert info.value.category == "private"
    assert AddressGuard(allow_private=True).vet("x", [private]) == [private]


def test_gaierror_codes_are_classified() -> None:
    assert not classify_gaierror("x", socket.gaierror(socket.EAI_NONAME, "no")).transient
    assert classify_gaierror("x", socket.gaierror(socket.EAI_AGAIN, "later")).transient


@pytest.fixture(scope="module")
def web() -> Iterator[WebServer]:
    with serve("127.0.0.1") as server:
        yield server


def _status(url: str, check: Check) -> Status:
    location = Location(path="x", line=1)
    link = Link(url=url, raw=url, syntax=Syntax.INLINE, kind=Kind.OTHER, location=location)
    return judge(link, check, fast_config(allow_private=False)).status


def test_loopback_literal_is_skipped_without_a_request(web: WebServer) -> None:
    url = web.url("/echo?literal")
    checks = crawl_urls([url], fast_config(allow_private=False))
    assert checks[url].error is FetchError.BLOCKED_ADDRESS
    assert "loopback" in checks[url].detail
    assert _status(url, checks[url]) is Status.SKIPPED
    assert web.stats.count("/echo?literal") == 0


def test_a_name_resolving_to_loopback_is_blocked_with_the_real_resolver(web: WebServer) -> None:
    url = f"http://localhost:{web.port}/echo?dns"
    checks = crawl_urls([url], fast_config(allow_private=False))
    assert checks[url].error is FetchError.BLOCKED_ADDRESS
    assert web.stats.count("/echo?dns") == 0


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "[::1]", "[::ffff:127.0.0.1]"])
def test_other_spellings_of_loopback_are_blocked(web: WebServer, host: str) -> None:
    url = f"http://{host}:{web.port}/echo?spelling"
    checks = crawl_urls([url], fast_config(allow_private=False))
    assert checks[url].error is FetchError.BLOCKED_ADDRESS
    assert web.stats.count("/echo?spelling") == 0


def test_allow_private_permits_loopback(web: WebServer) -> None:
    url = web.url("/echo?allowed")
    checks = crawl_urls([url], fast_config(allow_private=True))
    assert checks[url].http_status == 200
    assert web.stats.count("/echo?allowed") == 1


def test_a_redirect_into_a_private_address_is_not_followed() -> None:
    # 127.0.0.2 plays a public host (exempted); it redirects to 127.0.0.3, which is not.
    guard = AddressGuard(allowed_networks=(ipaddress.ip_network("127.0.0.2/32"),))
    with serve("127.0.0.2") as public, serve("127.0.0.3") as inside:
        url = public.url("/redirect/302?to=" + inside.url("/echo?metadata"))
        checks = crawl_urls([url], fast_config(allow_private=False), guard=guard)
        assert public.stats.count("/redirect/302*") == 1
        assert inside.stats.count("/echo?metadata") == 0
    check = checks[url]
    assert check.error is FetchError.BLOCKED_ADDRESS
    assert [h.url for h in check.redirects] == [url]


def test_only_vetted_addresses_of_a_name_are_connected_to() -> None:
    # The name resolves to a blocked address first and an allowed one second, on the
    # same port: the connection must go to the allowed one only.
    guard = AddressGuard(allowed_networks=(ipaddress.ip_network("127.0.0.2/32"),))
    with serve("127.0.0.2") as good:
        try:
            bad_server = WebServer("127.0.0.3", good.port).start()
        except OSError:
            pytest.skip("port taken on 127.0.0.3")
        try:
            resolver = FakeResolver(names={"mixed.test": ["127.0.0.3", "127.0.0.2"]})
            url = f"http://mixed.test:{good.port}/echo?mixed"
            checks = crawl_urls(
                [url], fast_config(allow_private=False), resolver=resolver, guard=guard
            )
            assert checks[url].http_status == 200
            assert good.stats.count("/echo?mixed") == 1
            assert bad_server.stats.count() == 0
        finally:
            bad_server.stop()


def test_system_resolver_caches_a_name() -> None:
    import anyio

    resolver = SystemResolver()

    async def main() -> None:
        first = await resolver.resolve("localhost", 80)
        assert any(ip.is_loopback for ip in first)
        assert await resolver.resolve("localhost", 80) == first
        assert list(resolver._cache) == ["localhost"]

    anyio.run(main)
