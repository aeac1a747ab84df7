"""Host knowledge as data: a table of named quirks, applied in order.

Each :class:`Quirk` row has a name, a URL pattern and what it changes. The crawler asks
:func:`plan_request` how to request a URL (rewrite, browser agent, GET only); the judge
asks which fragments are not ids (:func:`ignored_fragment`), which answers are bot walls
(:func:`walled_statuses`) and which redirects are simply how a host works
(:func:`redirect_expected`). Names of the rows that applied are recorded in the
``Check`` (``quirks``), so a surprising verdict can be traced to its row.

Rows are matched against URLs without their fragment, case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True, kw_only=True)
class Quirk:
    """One host habit and what we do about it."""

    name: str
    pattern: re.Pattern[str]
    """Searched in the URL (without fragment)."""
    what: str
    """One human line: why the row exists and what it does."""
    rewrite: Callable[[re.Match[str]], str] | None = None
    """The URL to request instead (the check still reports the URL as written)."""
    browser_agent: bool = False
    """Send the browser-like User-Agent from the first request."""
    get_only: bool = False
    """HEAD answers of this host are unreliable: always GET."""
    walled: frozenset[int] = frozenset()
    """Statuses that mean "bot wall" here, never "broken"."""
    redirects_expected: bool = False
    """Redirects from these URLs are resolution, not a move: never "redirected"."""
    ignore_fragment: re.Pattern[str] | None = None
    """Fragments (full match) that are not element ids on these pages."""
    casefold_fragments: bool = False
    """The host matches ``#anchors`` case-insensitively."""


def _origin(hosts: str, *, group: str = "origin") -> str:
    """``scheme://host[:port]`` for a host regex, captured as ``group`` (if not empty)."""
    name = f"?P<{group}>" if group else "?:"
    return rf"^({name}https?://(?:{hosts})(?::\d+)?)"


_ARXIV_HOSTS = r"(?:www\.|export\.)?arxiv\.org"
_ARXIV_ID = r"(?P<id>(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?)"
_OPENREVIEW_HOSTS = r"(?:www\.)?openreview\.net"
_GITHUB = _origin(r"(?:www\.)?github\.com") + "/"
_PDF_URL = (
    rf"(?:\.pdf$|{_origin(_ARXIV_HOSTS, group='')}/pdf/"
    rf"|{_origin(_OPENREVIEW_HOSTS, group='')}/pdf\b)"
)

QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        name="arxiv-pdf-via-abs",
        pattern=re.compile(_origin(_ARXIV_HOSTS) + "/pdf/" + _ARXIV_ID + r"(?:\.pdf)?/?$", _I),
        rewrite=lambda m: f"{m.group('origin')}/abs/{m.group('id')}",
        what="arXiv /pdf/ID[.pdf] is checked through its abstract page /abs/ID (same id and "
        "version): a small page instead of a PDF, and a paper linked as both pdf and abs is "
        "requested once, which matters at arXiv's one request per 3 s",
    ),
    Quirk(
        name="openreview-pdf-via-forum",
        pattern=re.compile(_origin(_OPENREVIEW_HOSTS) + r"/pdf/?\?id=(?P<id>[\w-]+)$", _I),
        rewrite=lambda m: f"{m.group('origin')}/forum?id={m.group('id')}",
        what="OpenReview pdf?id=X is checked through forum?id=X: one request per paper, and an "
        "HTML page instead of a PDF",
    ),
    Quirk(
        name="cvf-pdf-via-html",
        pattern=re.compile(
            _origin(r"openaccess\.thecvf\.com")
            + r"(?P<dir>/content[^/]*/(?:[^/]+/)?)papers/(?P<name>[^/?#]+)\.pdf$",
            _I,
        ),
        rewrite=lambda m: f"{m.group('origin')}{m.group('dir')}html/{m.group('name')}.html",
        what="CVF open access: papers/X.pdf is checked through its page html/X.html, which the "
        "site publishes for every paper: a small page on a slow host, and a paper linked "
        "as both pdf and html is requested once",
    ),
    Quirk(
        name="github-line-fragments",
        pattern=re.compile(_GITHUB + r"[^/]+/[^/]+/(?:blob|blame)/", _I),
        ignore_fragment=re.compile(r"L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?"),
        what="#L10-L20 on a GitHub blob page selects lines with JavaScript; it is not an id",
    ),
    Quirk(
        name="github-readme-fragment",
        pattern=re.compile(_GITHUB + r"[^/]+/[^/]+", _I),
        ignore_fragment=re.compile(r"readme(?:-ov-file)?", _I),
        what="#readme on a GitHub repository page scrolls to the README; it is not an id",
    ),
    Quirk(
        name="github-anchors",
        pattern=re.compile(_origin(r"(?:www\.|gist\.)?github\.com") + "/", _I),
        casefold_fragments=True,
        what="github.com matches #anchors case-insensitively (#Survey_Papers reaches "
        "user-content-survey_papers)",
    ),
    Quirk(
        name="csdn-bot-wall",
        pattern=re.compile(_origin(r"(?:blog|download|bbs)\.csdn\.net") + "/", _I),
        browser_agent=True,
        walled=frozenset({403, 521}),
        what="CSDN answers non-browser agents with 521/403: use the browser agent; a wall "
        "that remains is unverified, never broken",
    ),
    Quirk(
        name="zhihu-bot-wall",
        pattern=re.compile(_origin(r"(?:zhuanlan\.|www\.)?zhihu\.com") + "/", _I),
        browser_agent=True,
        walled=frozenset({403}),
        what="Zhihu walls non-browser agents: use the browser agent; 403 is unverified",
    ),
    Quirk(
        name="publisher-bot-walls",
        pattern=re.compile(
            _origin(
                r"ieeexplore\.ieee\.org|dl\.acm\.org|(?:www\.)?sciencedirect\.com"
                r"|(?:www\.)?researchgate\.net|onlinelibrary\.wiley\.com|(?:www\.)?jstor\.org"
                r"|scholar\.google\.[a-z.]+|papers\.ssrn\.com"
            )
            + "/",
            _I,
        ),
        browser_agent=True,
        walled=frozenset({403, 429, 503}),
        what="Publishers and Google Scholar wall automated clients: browser agent from the "
        "start; walls are unverified",
    ),
    Quirk(
        name="doi-resolver",
        pattern=re.compile(_origin(r"(?:dx\.)?doi\.org") + "/", _I),
        redirects_expected=True,
        what="doi.org answers every DOI with a redirect to the publisher; that is resolution, "
        "not a moved link: ok, never redirected",
    ),
    Quirk(
        name="pdf-open-parameters",
        pattern=re.compile(_PDF_URL, _I),
        ignore_fragment=re.compile(
            r"(?:page|nameddest|zoom|view|viewrect|pagemode|search|comment|highlight"
            r"|toolbar|navpanes|scrollbar|statusbar|messages)=.*",
            _I,
        ),
        what="#page=3 and other PDF open parameters address a viewer, not an id",
    ),
    Quirk(
        name="hash-route",
        pattern=re.compile(r"^"),
        ignore_fragment=re.compile(r"[/!].*", re.DOTALL),
        what="#/path and #!path are client-side routes of single-page apps, not ids",
    ),
    Quirk(
        name="text-fragment",
        pattern=re.compile(r"^"),
        ignore_fragment=re.compile(r"(?:.*?):~:.*", re.DOTALL),
        what="#:~:text=… (text fragments) highlight text; they name no element",
    ),
    Quirk(
        name="top-fragment",
        pattern=re.compile(r"^"),
        ignore_fragment=re.compile(r"top", _I),
        what="#top always scrolls to the top of an HTML document (HTML standard)",
    ),
)
"""Every quirk, in the order they apply."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestPlan:
    """How to request a URL after the quirks had their say."""

    url: str
    """The URL to request (rewritten, or as given)."""
    browser_agent: bool = False
    get_only: bool = False
    applied: tuple[str, ...] = ()
    """Names of the rows that changed something, in order."""


def matching(url: str, table: Iterable[Quirk] = QUIRKS) -> list[Quirk]:
    """Rows whose pattern matches ``url``, in table order."""
    return [q for q in table if q.pattern.search(url)]


def plan_request(url: str, table: Iterable[Quirk] = QUIRKS) -> RequestPlan:
    """Apply the request-side rows (rewrite, browser agent, GET only) in order."""
    applied: list[str] = []
    browser = get_only = False
    for quirk in table:
        match = quirk.pattern.search(url)
        if match is None:
            continue
        changed = False
        if quirk.rewrite is not None:
            url, changed = quirk.rewrite(match), True
        if quirk.browser_agent and not browser:
            browser = changed = True
        if quirk.get_only and not get_only:
            get_only = changed = True
        if changed:
            applied.append(quirk.name)
    return RequestPlan(url=url, browser_agent=browser, get_only=get_only, applied=tuple(applied))


def ignored_fragment(
    urls: Iterable[str], fragment: str, table: Iterable[Quirk] = QUIRKS
) -> str | None:
    """Name of the first row saying ``#fragment`` on these URLs is not an id, else None."""
    candidates = [u for u in urls if u]
    for quirk in table:
        if quirk.ignore_fragment is None or not quirk.ignore_fragment.fullmatch(fragment):
            continue
        if any(quirk.pattern.search(u) for u in candidates):
            return quirk.name
    return None


def casefold_fragments(urls: Iterable[str], table: Iterable[Quirk] = QUIRKS) -> str | None:
    """Name of the row saying these pages match anchors case-insensitively, else None."""
    return next(
        (q.name for u in urls if u for q in matching(u, table) if q.casefold_fragments), None
    )


def walled_statuses(urls: Iterable[str], table: Iterable[Quirk] = QUIRKS) -> dict[int, str]:
    """Status → row name, for statuses these URLs' hosts use as bot walls."""
    walls: dict[int, str] = {}
    for url in urls:
        if not url:
            continue
        for quirk in matching(url, table):
            for status in quirk.walled:
                walls.setdefault(status, quirk.name)
    return walls


def redirect_expected(url: str, table: Iterable[Quirk] = QUIRKS) -> str | None:
    """Name of the row saying a redirect from ``url`` is resolution, not a move."""
    return next((q.name for q in matching(url, table) if q.redirects_expected), None)


BOT_WALL_STATUSES = frozenset({401, 403, 406, 999})
"""Answers that usually mean "not for robots" rather than "gone" (999: LinkedIn)."""
BROWSER_RETRY_STATUSES = BOT_WALL_STATUSES | frozenset(range(520, 531))
"""Answers worth one more try with the browser agent: bot walls, and the 52x range that
shields (Cloudflare, and CSDN for non-browser agents) answer instead of the page. Where
the host is known (table above) its own wall statuses are added."""

_CHALLENGE_TITLES = re.compile(
    r"^(?:just a moment|attention required|access denied|checking your browser"
    r"|ddos-guard|please wait|one more step|security check|verify you are human"
    r"|are you a robot|human verification|robot check)\b",
    _I,
)


def looks_like_challenge(status: int, headers: Mapping[str, str], title: str | None) -> bool:
    """A bot challenge page (Cloudflare, DDoS-Guard, Akamai…) rather than real content.

    ``headers`` has lower-case names. Cloudflare marks challenges with ``cf-mitigated``;
    otherwise a 403/429/503 from a known shield with a challenge title counts.
    """
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if status not in (403, 429, 503):
        return False
    if title and _CHALLENGE_TITLES.search(title):
        return True
    # A 503 from an origin behind a shield is a real outage; only a 403 from the shield
    # itself is its wall.
    server = headers.get("server", "").lower()
    return status == 403 and any(s in server for s in ("cloudflare", "ddos-guard"))
