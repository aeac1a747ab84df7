"""The first user's list against a simulated web: no false alarms.

Every host of the seed gets a local server on its own loopback address that behaves like
the real one does for a link checker: PDFs for papers (HEAD answered), HTML pages for
repositories and homepages, a single-page app whose links use ``#/`` routes, and CSDN's
bot wall (521 for non-browser agents). ``--remap`` points the list at them, as a user
would. The only failures must be the list's own: the seven dead table-of-contents
anchors.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import SEED
from linkcheck.cli import main

HOSTS = {
    "arxiv.org": "pdf",
    "openreview.net": "pdf",
    "openaccess.thecvf.com": "pdf",
    "www.ijcai.org": "pdf",
    "proceedings.mlr.press": "pdf",
    "aaai.org": "pdf",
    "github.com": "repo",
    "awesome.re": "badge",
    "blog.csdn.net": "csdn",
    "yifu-ding.github.io": "spa",
    "yfguo91.github.io": "page",
}


class _Host(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    kind = "page"
    requests: list[tuple[str, str, str]]

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        agent = self.headers.get("User-Agent", "")
        self.requests.append((self.command, self.path, agent))
        status, content_type, body = 200, "text/html; charset=utf-8", b""
        if self.kind == "pdf":
            content_type, body = "application/pdf", b"%PDF-1.5\n" + b"0" * 4096
        elif self.kind == "badge" and self.path.endswith(".svg"):
            content_type, body = "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"
        elif self.kind == "csdn" and "Mozilla" not in agent:
            status, body = 521, b"<html><title>521</title></html>"
        elif self.kind == "spa":
            body = b"<html><title>Yifu Ding</title><div id='app'></div></html>"
        else:
            body = b"<html><head><title>GitHub - a repository</title></head><h1>ok</h1></html>"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@pytest.fixture
def simulated_web() -> Iterator[dict[str, tuple[str, list[tuple[str, str, str]]]]]:
    servers = []
    hosts: dict[str, tuple[str, list[tuple[str, str, str]]]] = {}
    for n, (name, kind) in enumerate(HOSTS.items(), start=2):
        requests: list[tuple[str, str, str]] = []
        handler = type(f"Handler_{n}", (_Host,), {"kind": kind, "requests": requests})
        httpd = ThreadingHTTPServer((f"127.0.0.{n}", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        hosts[name] = (f"http://127.0.0.{n}:{httpd.server_address[1]}", requests)
    try:
        yield hosts
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()


def test_seed_has_no_false_alarms(
    simulated_web: dict[str, tuple[str, list[tuple[str, str, str]]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [str(SEED), "--format", "json", "--allow-private", "--host-interval", "0"]
    for name, (origin, _) in simulated_web.items():
        argv += ["--remap", rf"^https?://{name.replace('.', chr(92) + '.')}(?=/|$)", origin]
    code = main(argv)
    report = json.loads(capsys.readouterr().out)
    failing = [
        (link["line"], link["url"], link["reason"])
        for link in report["links"]
        if link["status"] in ("broken", "unverified")
    ]
    assert failing == [(13 + i, f"#{2021 - i}", "fragment_missing") for i in range(7)]
    assert code == 1  # the dead anchors are real
    web = [link for link in report["links"] if link["url"].startswith("http")]
    assert len(web) == 97 and all(link["status"] == "ok" for link in web)
    # The duplicated OpenReview URL was requested once; CSDN needed the browser agent.
    openreview = simulated_web["openreview.net"][1]
    assert sum(1 for _, path, _ in openreview if path == "/pdf?id=xwBdjfKt7_W") == 1
    csdn = simulated_web["blog.csdn.net"][1]
    assert any("Mozilla" in agent for _, _, agent in csdn)
    # No 4 MB of PDF were fetched to learn that a PDF exists.
    arxiv = simulated_web["arxiv.org"][1]
    pdfs = [method for method, path, _ in arxiv if path.endswith(".pdf")]
    assert len(pdfs) == 28 and set(pdfs) == {"HEAD"}
