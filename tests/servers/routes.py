"""The routes of :class:`~servers.web.WebServer`: one per behaviour the crawler must handle.

All answers carry Content-Length, so connections are kept alive.


  /ok, /page/<name>          small HTML pages (see PAGES)
  /status/<code>             that status with a tiny HTML body
  /slow?ms=N                 answers after N ms
  /head405/<x>, /head404/<x> HEAD answers 405/404, GET answers 200
  /redirect/<code>?to=URL    redirect with that status
  /chain/<n>                 n permanent redirects, then 200
  /loop/a, /loop/b           redirect to each other
  /flaky/<key>?fail=N&code=C C for the first N requests of key, then 200
  /ratelimit/<key>?n=N&after=S | &date=S
                             429 with Retry-After seconds (or an HTTP-date S s ahead)
  /hang                      never answers (until the client or the server gives up)
  /limited?limit=N&ms=M      429 beyond N concurrent requests, else 200 after M ms
  /abs/<id>                  an arXiv-like abstract page
  /slowbody?every=S          200 header, then one byte every S seconds
  /big.pdf, /bigget.pdf, /download
                             a 50 MB body generated lazily (bigget: HEAD 405)
  /download-small            a 20 kB PDF
  /gzip                      gzip-encoded HTML with an id near its end
  /walled, /walled-always, /wall521
                             403 (or 521) unless the User-Agent looks like a browser
  /challenge                 503 Cloudflare challenge page
  /echo                      200 (request headers are in the log, like every request)
  /cookie-loop               sets a cookie and redirects to itself; 200 once it is sent
  /setcookie?to=URL          sets a cookie and redirects to URL
  /                          the home page; /deep/<x> redirects there, /private/<x> to /login
  /long-page, /huge-page     1 MB page with an early id; 3 MB page with an id at the end
"""

from __future__ import annotations

import email.utils
import gzip
import re
import select
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from servers.web import Handler

BIG = 50 * 1024 * 1024
CHUNK = 64 * 1024


def html(title: str, body: str = "", *, h1: str | None = None, pad: int = 0) -> bytes:
    heading = f"<h1>{h1}</h1>" if h1 is not None else ""
    filler = "<p>" + "lorem ipsum " * (pad // 12) + "</p>" if pad else ""
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body>{heading}{body}{filler}</body></html>"
    ).encode()


PAGES: dict[str, bytes] = {
    "plain": html("A paper", h1="A paper"),
    "fragments": html(
        "Fragments",
        '<h2 id="intro">Intro</h2><a name="legacy"></a>'
        '<div id="user-content-install">x</div><p id="Mixed_Case">y</p>',
        h1="Fragments",
    ),
    "soft404": html("Page Not Found | Example Lab", h1="Sorry"),
    "soft404-h1": html("Example Lab", h1="404 - Page not found"),
    "nfit": html(
        "Not Found in Translation: Robust MT | Example Lab", h1="Not Found in Translation"
    ),
    "paper404": html(
        "[2302.10685] 404 Errors Considered Harmful", h1="404 Errors Considered Harmful"
    ),
    "spa": html("App", '<div id="app"></div>', h1="App"),
    "blob": html("x.py at main · o/r · GitHub", '<table><tr><td id="LC10">code</td></tr></table>'),
    "login": html("Sign in", h1="Sign in"),
}


def _ok(h: Handler) -> None:
    h.answer(200, PAGES["plain"])


def _page(h: Handler, name: str) -> None:
    if name in PAGES:
        h.answer(200, PAGES[name])
    else:
        h.answer(404, html("Not Found"))


def _status(h: Handler, code: str) -> None:
    h.answer(int(code), html(f"{code}", h1=code))


def _slow(h: Handler) -> None:
    time.sleep(int(h.query.get("ms", "100")) / 1000)
    h.answer(200, PAGES["plain"])


def _head_refused(h: Handler, code: str, _rest: str) -> None:
    if h.command == "HEAD":
        h.answer(int(code))
    else:
        h.answer(200, b"%PDF-1.5 small", content_type="application/pdf")


def _redirect(h: Handler, code: str) -> None:
    h.answer(int(code), b"", headers={"Location": h.query["to"]})


def _chain(h: Handler, n: str) -> None:
    left = int(n)
    if left == 0:
        h.answer(200, PAGES["plain"])
    else:
        h.answer(301, headers={"Location": f"/chain/{left - 1}"})


def _loop(h: Handler, which: str) -> None:
    h.answer(302, headers={"Location": "/loop/" + ("b" if which == "a" else "a")})


def _flaky(h: Handler, key: str) -> None:
    owner = h.server.owner
    with owner.lock:
        owner.hits[key] += 1
        n = owner.hits[key]
    if n <= int(h.query.get("fail", "1")):
        h.answer(int(h.query.get("code", "503")), html("try later"))
    else:
        h.answer(200, PAGES["plain"])


def _ratelimit(h: Handler, key: str) -> None:
    owner = h.server.owner
    with owner.lock:
        owner.hits[key] += 1
        n = owner.hits[key]
    if n > int(h.query.get("n", "1")):
        h.answer(200, PAGES["plain"])
        return
    if "date" in h.query:
        value = email.utils.formatdate(time.time() + float(h.query["date"]), usegmt=True)
    else:
        value = h.query.get("after", "1")
    h.answer(429, html("Too Many Requests"), headers={"Retry-After": value})


def _hang(h: Handler) -> None:
    # Never answer; notice when the client gives up, so open_connections drops.
    conn = h.connection
    while not h.server.owner.stopping.wait(0.02):
        readable, _, _ = select.select([conn], [], [], 0)
        if readable and not conn.recv(1, socket.MSG_PEEK):
            break
    h.close_connection = True


def _limited(h: Handler) -> None:
    """Allows ``limit`` requests at a time (default 1); more get 429, as busy hosts do."""
    owner = h.server.owner
    limit = int(h.query.get("limit", "1"))
    with owner.lock:
        owner.limited_now += 1
        over = owner.limited_now > limit
    try:
        if over:
            h.answer(429, html("Too Many Requests"))
            return
        time.sleep(int(h.query.get("ms", "50")) / 1000)
    finally:
        with owner.lock:
            owner.limited_now -= 1
    h.answer(200, PAGES["plain"])


def _abs(h: Handler, paper: str) -> None:
    time.sleep(0.03)
    h.answer(200, html(f"[{paper}] A paper", h1=f"Title: {paper}"))


def _slowbody(h: Handler) -> None:
    every = float(h.query.get("every", "0.2"))
    h._end()
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"<html>")
    while not h.server.owner.stopping.wait(every):
        h.wfile.write(b" ")
        h.wfile.flush()
    h.close_connection = True


def _big(h: Handler) -> None:
    h.stream(BIG, "application/pdf")


def _small_pdf(h: Handler) -> None:
    h.answer(200, b"%PDF-1.5 " + b"0" * 20_000, content_type="application/pdf")


def _bigget(h: Handler) -> None:
    if h.command == "HEAD":
        h.answer(405)
    else:
        h.stream(BIG, "application/pdf")


def _gzip(h: Handler) -> None:
    body = html("Zipped", "<p>" + "x" * 300_000 + '</p><h2 id="deep">Deep</h2>', h1="Zipped")
    h.answer(200, gzip.compress(body), headers={"Content-Encoding": "gzip"})


def _walled(h: Handler) -> None:
    if h.ua_is_browser():
        h.answer(200, PAGES["plain"])
    else:
        h.answer(403, html("Forbidden"))


def _walled_always(h: Handler) -> None:
    h.answer(403, html("Forbidden"))


def _wall521(h: Handler) -> None:
    if h.ua_is_browser():
        h.answer(200, PAGES["plain"])
    else:
        h.answer(521, b"")


def _challenge(h: Handler) -> None:
    h.answer(
        503,
        html("Just a moment...", h1="Checking your browser"),
        headers={"cf-mitigated": "challenge", "Server": "cloudflare"},
    )


def _echo(h: Handler) -> None:
    h.answer(200, PAGES["plain"])


def _cookie_loop(h: Handler) -> None:
    if "seen=1" in h.headers.get("Cookie", ""):
        h.answer(200, PAGES["plain"])
    else:
        h.answer(302, headers={"Location": "/cookie-loop", "Set-Cookie": "seen=1; Path=/"})


def _setcookie(h: Handler) -> None:
    h.answer(302, headers={"Location": h.query["to"], "Set-Cookie": "session=s3cret; Path=/"})


def _home(h: Handler) -> None:
    h.answer(200, html("Example Lab", h1="Welcome to Example Lab"))


def _deep(h: Handler, _rest: str) -> None:
    h.answer(302, headers={"Location": "/"})


def _private(h: Handler, rest: str) -> None:
    h.answer(302, headers={"Location": f"/login?next=/private/{rest}"})


def _login(h: Handler) -> None:
    h.answer(200, PAGES["login"])


def _long_page(h: Handler) -> None:
    body = html("Long", '<h2 id="early">Early</h2>', h1="Long", pad=1024 * 1024)
    h.answer(200, body)


def _huge_page(h: Handler) -> None:
    body = html("Huge", "<p>" + "y" * (3 * 1024 * 1024) + '</p><h2 id="late">Late</h2>', h1="Huge")
    h.answer(200, body)


Route = Callable[..., None]
ROUTES: list[tuple[re.Pattern[str], Route]] = [
    (re.compile(p), r)
    for p, r in (
        (r"/ok", _ok),
        (r"/page/([\w-]+)", _page),
        (r"/status/(\d+)", _status),
        (r"/slow", _slow),
        (r"/head(405|404)/(.*)", _head_refused),
        (r"/redirect/(\d+)", _redirect),
        (r"/chain/(\d+)", _chain),
        (r"/loop/(a|b)", _loop),
        (r"/flaky/([\w-]+)", _flaky),
        (r"/ratelimit/([\w-]+)", _ratelimit),
        (r"/hang", _hang),
        (r"/limited", _limited),
        (r"/abs/([\w./-]+)", _abs),
        (r"/slowbody", _slowbody),
        (r"/big\.pdf", _big),
        (r"/bigget\.pdf", _bigget),
        (r"/download", _big),
        (r"/download-small", _small_pdf),
        (r"/gzip", _gzip),
        (r"/walled", _walled),
        (r"/walled-always", _walled_always),
        (r"/wall521", _wall521),
        (r"/challenge", _challenge),
        (r"/echo", _echo),
        (r"/cookie-loop", _cookie_loop),
        (r"/setcookie", _setcookie),
        (r"/", _home),
        (r"/deep/(.*)", _deep),
        (r"/private/(.*)", _private),
        (r"/login", _login),
        (r"/long-page", _long_page),
        (r"/huge-page", _huge_page),
    )
]
