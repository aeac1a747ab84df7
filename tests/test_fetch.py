"""One URL against real local servers: methods, bodies, timeouts, resets, TLS, keep-alive,
and the translation of foreign errors into FetchError values."""

from __future__ import annotations

import errno
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from servers import (
    BIG,
    RawServer,
    WebServer,
    check_one,
    crawl_urls,
    fast_config,
    serve,
    serve_raw,
)

from linkcheck.config import HostPolicy
from linkcheck.fetch import DRAIN_BYTES, _read_body, translate_error
from linkcheck.judge import judge
from linkcheck.models import Check, FetchError, Kind, Link, Location, Status, Syntax
from linkcheck.netguard import BlockedAddressError, ResolveError
from linkcheck.outcomes import HopRequest
from linkcheck.pages import FRAGMENT_SCAN_BYTES


@pytest.fixture(scope="module")
def web() -> Iterator[WebServer]:
    with serve("127.0.0.1") as server:
        yield server


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    with serve_raw("127.0.0.1") as server:
        yield server


def verdict_of(url: str, check: Check, **config: object) -> tuple[Status, str]:
    location = Location(path="README.md", line=1)
    link = Link(url=url, raw=url, syntax=Syntax.INLINE, kind=Kind.PAPER, location=location)
    v = judge(link, check, fast_config(**config))
    return v.status, v.reason


# -- statuses and methods ----------------------------------------------------------------


def test_statuses_are_recorded(web: WebServer) -> None:
    urls = [web.url("/ok"), web.url("/status/404"), web.url("/status/410")]
    checks = crawl_urls(urls)
    assert [checks[u].http_status for u in urls] == [200, 404, 410]
    assert checks[urls[1]].detail == "404 Not Found"
    assert all(checks[u].method == "GET" for u in urls)


def test_html_pages_are_fetched_with_one_get(web: WebServer) -> None:
    url = web.url("/page/plain")
    check = check_one(url)
    assert check.page is not None and check.page.title == "A paper"
    assert [s.method for s in web.stats.requests("/page/plain")] == ["GET"]


def test_documents_are_checked_with_head(web: WebServer) -> None:
    url = web.url("/big.pdf")
    check = check_one(url)
    assert (check.http_status, check.method, check.bytes_read) == (200, "HEAD", 0)
    assert [s.method for s in web.stats.requests("/big.pdf")] == ["HEAD"]
    assert web.stats.bytes_sent["/big.pdf"] == 0


@pytest.mark.parametrize("code", [405, 404])
def test_head_refused_falls_back_to_get(web: WebServer, code: int) -> None:
    url = web.url(f"/head{code}/paper.pdf")
    check = check_one(url)
    assert (check.http_status, check.method, check.attempts) == (200, "GET", 2)
    assert [s.method for s in web.stats.requests(f"/head{code}/paper.pdf")] == ["HEAD", "GET"]


def test_a_huge_pdf_fetched_with_get_is_not_downloaded(web: WebServer) -> None:
    url = web.url("/bigget.pdf")
    check = check_one(url)
    assert (check.http_status, check.method) == (200, "GET")
    assert check.bytes_read < DRAIN_BYTES  # closed after the header: not even drained
    # What the server managed to write: at most what fits in the socket buffers.
    assert web.stats.bytes_sent["/bigget.pdf"] < BIG // 10


def test_a_pdf_without_extension_is_closed_after_the_header(web: WebServer) -> None:
    url = web.url("/download?id=1")
    check = check_one(url)
    assert check.content_type == "application/pdf"
    assert check.bytes_read < 256 * 1024
    assert web.stats.bytes_sent["/download"] < BIG // 10


def test_an_html_page_is_read_only_until_its_fragment(web: WebServer) -> None:
    url = web.url("/long-page#early")
    check = check_one(url)
    assert check.page is not None and check.page.ids == {"early"}
    assert check.bytes_read < 200 * 1024  # the page is 1 MiB
    assert verdict_of(url, check)[0] is Status.OK


def test_an_id_beyond_the_scan_cap_is_unverified_not_broken(web: WebServer) -> None:
    url = web.url("/huge-page#late")
    check = check_one(url)
    assert check.page is not None and check.page.complete is False
    assert 2 * 1024 * 1024 <= check.bytes_read < 3 * 1024 * 1024
    assert verdict_of(url, check) == (Status.UNVERIFIED, "fragment_unverified")


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def test_the_drained_rest_is_scanned_too() -> None:
    # Chunk boundaries fall exactly on the 2 MiB cap; the id is in the 40 kB after it,
    # which is drained (for connection reuse) and must be scanned, not skipped.
    head = b"<title>T</title><h1>H</h1>"
    body = head + b"x" * (FRAGMENT_SCAN_BYTES - len(head)) + b"y" * 40_000 + b'<p id="end">'
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    response = httpx.Response(
        200,
        headers={"content-type": "text/html", "content-length": str(len(body))},
        stream=_Chunks(chunks),
    )
    hop = HopRequest(
        url="http://x.test/",
        method="GET",
        headers={},
        timeout=5,
        connect_timeout=5,
        read_timeout=5,
        fragments=frozenset({"end"}),
    )
    page, note = anyio.run(_read_body, response, hop, 5.0)
    assert page is not None and page.ids == {"end"} and page.complete
    assert note == ""


def test_gzip_bodies_are_decoded(web: WebServer) -> None:
    url = web.url("/gzip#deep")
    check = check_one(url)
    assert check.page is not None and check.page.ids == {"deep"}
    assert verdict_of(url, check)[0] is Status.OK


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/page/soft404", Status.BROKEN, "soft_404"),
        ("/page/soft404-h1", Status.BROKEN, "soft_404"),
        ("/page/nfit", Status.OK, "ok"),
        ("/page/paper404", Status.OK, "ok"),
        ("/deep/paper-7", Status.BROKEN, "soft_404"),
        ("/private/draft", Status.BROKEN, "soft_404"),
        ("/page/fragments#intro", Status.OK, "ok"),
        ("/page/fragments#legacy", Status.OK, "ok"),
        ("/page/fragments#install", Status.OK, "ok"),
        ("/page/fragments#mixed_case", Status.BROKEN, "fragment_missing"),
        ("/page/fragments#nowhere", Status.BROKEN, "fragment_missing"),
        ("/page/spa#/", Status.OK, "ok"),
        ("/page/blob#L10-L20", Status.BROKEN, "fragment_missing"),  # not on github.com
        ("/status/404", Status.BROKEN, "http_404"),
        ("/walled-always", Status.UNVERIFIED, "bot_wall"),
        ("/walled", Status.OK, "ok"),
        ("/challenge", Status.UNVERIFIED, "bot_wall"),
        ("/chain/2", Status.REDIRECTED, "permanent_redirect"),
        ("/redirect/302?to=/ok", Status.OK, "ok"),
    ],
)
def test_verdicts_on_served_pages(web: WebServer, path: str, status: Status, reason: str) -> None:
    url = web.url(path)
    assert verdict_of(url, check_one(url)) == (status, reason)


# -- timeouts ------------------------------------------------------------------------------


def test_a_silent_server_times_out_and_is_retried(web: WebServer) -> None:
    url = web.url("/hang?a")
    check = check_one(url, fast_config(read_timeout=0.3, timeout=5, max_retries=1))
    assert check.error is FetchError.TIMEOUT
    assert "read timeout" in check.detail
    assert web.stats.count("/hang?a") == 2
    assert verdict_of(url, check) == (Status.UNVERIFIED, "timeout")


def test_the_total_timeout_bounds_an_attempt(web: WebServer) -> None:
    url = web.url("/hang?b")
    check = check_one(url, fast_config(read_timeout=5, timeout=0.4, max_retries=0))
    assert check.error is FetchError.TIMEOUT
    assert "no answer within 0.4 s" in check.detail


def test_a_trickling_body_does_not_hold_the_check(web: WebServer) -> None:
    url = web.url("/slowbody?every=0.1")
    check = check_one(url, fast_config(read_timeout=0.5, timeout=1.0, max_retries=0))
    assert check.http_status == 200
    assert check.page is not None and check.page.complete is False
    assert "body read stopped" in check.detail
    # The status decides a plain link; a wanted fragment cannot be confirmed.
    assert verdict_of(url, check)[0] is Status.OK
    assert verdict_of(url + "#x", check) == (Status.UNVERIFIED, "fragment_unverified")


# -- broken connections ------------------------------------------------------------------


def test_a_reset_before_the_answer_is_retried_then_unverified(raw: RawServer) -> None:
    url = raw.url("/reset")
    check = check_one(url, fast_config(max_retries=2))
    assert check.error is FetchError.RESET
    assert raw.count("/reset") == 3
    assert verdict_of(url, check) == (Status.UNVERIFIED, "reset")


def test_a_silent_close_counts_as_a_reset(raw: RawServer) -> None:
    url = raw.url("/silent-close")
    check = check_one(url, fast_config(max_retries=1))
    assert check.error is FetchError.RESET
    assert raw.count("/silent-close") == 2


def test_a_reset_mid_body_keeps_the_status(raw: RawServer) -> None:
    url = raw.url("/reset-mid-body")
    check = check_one(url, fast_config(max_retries=2))
    assert check.http_status == 200
    assert "reset" in check.detail
    assert raw.count("/reset-mid-body") == 1


def test_garbage_is_a_protocol_error_asked_once(raw: RawServer) -> None:
    url = raw.url("/garbage")
    check = check_one(url, fast_config(max_retries=3))
    assert check.error is FetchError.PROTOCOL
    assert raw.count("/garbage") == 1
    assert verdict_of(url, check) == (Status.UNVERIFIED, "protocol")


def test_connection_refused_is_broken_and_not_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    check = check_one(url, fast_config(max_retries=3))
    assert (check.error, check.attempts) == (FetchError.CONNECT, 1)
    assert verdict_of(url, check) == (Status.BROKEN, "connect")


def test_tls_to_a_plain_http_server_fails_as_tls(web: WebServer) -> None:
    url = f"https://127.0.0.1:{web.port}/echo?tls"
    check = check_one(url, fast_config(max_retries=3))
    assert (check.error, check.attempts) == (FetchError.TLS, 1)
    assert verdict_of(url, check) == (Status.BROKEN, "tls")


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    folder: Path = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_an_untrusted_certificate_is_a_tls_failure(self_signed: ssl.SSLContext) -> None:
    with serve("127.0.0.1", tls=self_signed) as secure:
        url = secure.url("/ok")
        check = check_one(url, fast_config(max_retries=2))
        assert secure.stats.count("/ok") == 0
    assert (check.error, check.attempts) == (FetchError.TLS, 1)
    assert "certificate" in check.detail.lower()


# -- connection reuse ----------------------------------------------------------------------


def test_connections_are_kept_alive_per_host() -> None:
    with serve("127.0.0.2") as host:
        urls = [host.url(f"/status/{c}?n={i}") for i, c in enumerate([200, 404, 200, 410] * 3)]
        urls.append(host.url("/redirect/301?to=/ok"))
        # Bodies read only in part (a found fragment, a small PDF) are drained, not cut.
        urls.append(host.url("/page/fragments#intro"))
        urls.append(host.url("/download-small?i=1"))
        urls += [host.url("/big.pdf?k=1"), host.url("/big.pdf?k=2")]  # HEAD answers too
        config = fast_config(hosts={"127.0.0.2": HostPolicy(concurrency=1)})
        checks = crawl_urls(urls, config)
        assert len(checks) == len(urls)
        assert host.stats.count() == len(urls) + 1
        assert host.stats.connections == 1


# -- error translation ---------------------------------------------------------------------


def _with_cause(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ConnectTimeout("t"), FetchError.TIMEOUT),
        (httpx.ReadTimeout("t"), FetchError.TIMEOUT),
        (httpx.PoolTimeout("t"), FetchError.TIMEOUT),
        (
            _with_cause(httpx.ConnectError("x"), ssl.SSLCertVerificationError(1, "bad cert")),
            FetchError.TLS,
        ),
        (
            _with_cause(
                httpx.ConnectError("x"),
                OSError("All connection attempts failed").with_traceback(None),
            ),
            FetchError.CONNECT,
        ),
        (
            _with_cause(httpx.ConnectError("x"), ConnectionRefusedError(errno.ECONNREFUSED, "no")),
            FetchError.CONNECT,
        ),
        (
            _with_cause(httpx.ConnectError("x"), ConnectionResetError(errno.ECONNRESET, "rst")),
            FetchError.RESET,
        ),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            FetchError.RESET,
        ),
        (httpx.RemoteProtocolError("illegal status line: bytearray(b'X')"), FetchError.PROTOCOL),
        (httpx.ReadError("x"), FetchError.RESET),
        (httpx.WriteError("x"), FetchError.RESET),
        (httpx.InvalidURL("x"), FetchError.INVALID_URL),
        (httpx.UnsupportedProtocol("ftp"), FetchError.INVALID_URL),
        (ResolveError("a.test", "Name or service not known", transient=False), FetchError.DNS),
        (ResolveError("a.test", "Try again", transient=True), FetchError.DNS_TRANSIENT),
    ],
)
def test_translate_error(exc: BaseException, kind: FetchError) -> None:
    assert translate_error(exc)[0] is kind


def test_translate_error_names_the_blocked_address() -> None:
    import ipaddress

    exc = BlockedAddressError(
        "meta.test", ipaddress.ip_address("169.254.169.254"), "cloud metadata"
    )
    kind, detail = translate_error(exc)
    assert kind is FetchError.BLOCKED_ADDRESS
    assert "169.254.169.254" in detail and "cloud metadata" in detail


def test_translate_error_lets_bugs_through() -> None:
    with pytest.raises(ZeroDivisionError):
        translate_error(ZeroDivisionError())
