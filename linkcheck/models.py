"""The typed core: plain data that flows one way.

Markdown → :class:`Link` (extract) → :class:`Check` (crawler: what the network said about
one unique URL) → :class:`Verdict` (judge: what that means for one occurrence) →
:class:`Report` → rendered text. Nothing here does I/O.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum


class Syntax(StrEnum):
    """How the link is written in the Markdown."""

    INLINE = "inline"
    """``[text](url)``"""
    REFERENCE = "reference"
    """``[text][label]``, ``[label][]``, ``[label]`` and ``![alt][label]``"""
    AUTOLINK = "autolink"
    """``<https://…>``"""
    BARE = "bare"
    """A bare URL that GitHub turns into a link (``https://…``, ``www.…``)."""
    IMAGE = "image"
    """``![alt](src)``"""
    HTML = "html"
    """``<a href>``, ``<img src>`` and friends, in inline or block HTML."""
    VERBATIM = "verbatim"
    """A URL inside a code span or code block (only with ``--include-verbatim``)."""


class Kind(StrEnum):
    """The link's role in the list."""

    PAPER = "paper"
    CODE = "code"
    BLOG = "blog"
    DOC = "doc"
    AUTHOR = "author"
    BADGE = "badge"
    IMAGE = "image"
    ANCHOR = "anchor"
    """A same-file ``#fragment``."""
    FILE = "file"
    """A relative path to a file in the repository."""
    OTHER = "other"


class Status(StrEnum):
    """The outcome of checking one link (see the README's status table)."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    UNVERIFIED = "unverified"
    SKIPPED = "skipped"

    def fails(self, *, strict: bool) -> bool:
        """Whether this status makes the run fail."""
        return self is Status.BROKEN or (strict and self is Status.UNVERIFIED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where a link's syntax stands in its file."""

    path: str
    """The file as the user named it."""
    line: int
    """1-based line where the link's syntax starts (the usage, for reference links)."""
    column: int | None = None
    """1-based column, or None when it cannot be computed exactly."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """One occurrence of a link in a Markdown file."""

    url: str
    """Normalised target: an absolute URL, ``#fragment``, or a relative path."""
    raw: str
    """The destination exactly as written (for reference links: in the definition)."""
    syntax: Syntax
    kind: Kind
    location: Location
    text: str = ""
    """The link text (``ICML``, ``code``) or image alt text, rendered to plain text."""
    section: str = ""
    """Heading path, e.g. ``Papers › 2023``; empty before the first heading."""
    entry: str = ""
    """The list item's (or table row's) own title with link markup stripped."""
    definition_line: int | None = None
    """For reference links: the line of the definition's destination."""


class FindingType(StrEnum):
    """Problems of the list itself rather than of one link's target."""

    DUPLICATE_URL = "duplicate_url"
    """The same URL appears more than once (under the same entry, or outside entries)."""
    DUPLICATE_URL_DIFFERENT_ENTRIES = "duplicate_url_different_entries"
    """The same URL under two different entry titles: a likely copy-paste error."""
    UNUSED_REFERENCE = "unused_reference"
    """A reference definition no link uses."""
    DUPLICATE_REFERENCE = "duplicate_reference"
    """A second definition of a label; Markdown ignores it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A problem of the list found without the network."""

    type: FindingType
    file: str
    lines: tuple[int, ...]
    url: str | None = None
    entries: tuple[str, ...] = ()
    label: str | None = None
    """The reference label, for reference findings."""
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A heading and the id GitHub gives it."""

    text: str
    """Rendered text (images dropped, entities decoded)."""
    level: int
    slug: str
    """The id, unique in its file (``-1``, ``-2`` for repeats)."""
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """What extraction found in one Markdown file."""

    path: str
    links: tuple[Link, ...]
    headings: tuple[Heading, ...] = ()
    html_anchors: tuple[str, ...] = ()
    """``id`` and ``name`` values of HTML elements, in order."""
    findings: tuple[Finding, ...] = ()
    """Problems of the file itself: unused or duplicate reference definitions."""
    warnings: tuple[str, ...] = ()

    def anchors(self) -> frozenset[str]:
        """Every fragment a same-file link may target (exact case)."""
        return frozenset(h.slug for h in self.headings) | frozenset(self.html_anchors)


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """One unique URL for the crawler to request, and what to look for in its page."""

    url: str
    """Absolute http(s) URL after remapping, without fragment."""
    fragments: frozenset[str] = frozenset()
    """Fragments some occurrence links to: the crawler reads an HTML body for their ids."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hop:
    """One redirect answer on the way to the final URL."""

    url: str
    """The URL that answered with a redirect."""
    status: int
    """Its status code (301, 302, 303, 307, 308)."""


class FetchError(StrEnum):
    """Why a request sequence produced no usable HTTP answer (set by the crawler)."""

    TIMEOUT = "timeout"
    CONNECT = "connect"
    """Connection refused or unreachable."""
    DNS = "dns"
    """The name does not exist (definitive)."""
    DNS_TRANSIENT = "dns_transient"
    """The resolver failed temporarily."""
    TLS = "tls"
    RESET = "reset"
    """The connection was reset or closed mid-answer."""
    PROTOCOL = "protocol"
    """A malformed HTTP answer."""
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BLOCKED_ADDRESS = "blocked_address"
    """The host resolves to a loopback/private/link-local address (no ``--allow-private``)."""
    INVALID_URL = "invalid_url"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """What was read of an HTML answer body (only as far as needed, with a size cap)."""

    title: str | None = None
    heading: str | None = None
    """Text of the first ``<h1>``, for soft-404 detection."""
    ids: frozenset[str] | None = None
    """The ``id``/``name`` values found that could match a wanted fragment (only those are
    kept, so big pages cost no memory); None when the body was not scanned for them."""
    complete: bool = True
    """False when the size cap stopped the scan before the end of the document."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """What the network said about one unique URL (fragment removed)."""

    url: str
    """The URL requested first (after remapping), without fragment."""
    http_status: int | None = None
    """Status of the final answer; None when there was no HTTP answer."""
    final_url: str | None = None
    """Where the redirects ended, when there were any."""
    redirects: tuple[Hop, ...] = ()
    attempts: int = 1
    elapsed_ms: int = 0
    error: FetchError | None = None
    detail: str = ""
    """Human detail of the final answer or error (``404 Not Found``, ``read timeout``)."""
    method: str = "GET"
    """The method of the answer that decided (HEAD or GET)."""
    content_type: str | None = None
    page: Page | None = None
    bytes_read: int = 0
    retry_after_s: float | None = None
    """The last ``Retry-After`` seen, if the final answer was a rate limit."""
    requested_url: str | None = None
    """The URL actually requested when a host quirk rewrote ``url`` (e.g. arXiv pdf → abs)."""
    quirks: tuple[str, ...] = ()
    """Names of the host quirks that shaped this check, in the order they applied."""
    challenge: bool = False
    """The final answer was a bot-challenge page (Cloudflare and the like), not content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """What a check means for one link occurrence."""

    link: Link
    status: Status
    reason: str
    """Short machine code: ``ok``, ``http_404``, ``dns``, ``fragment_missing``…"""
    detail: str = ""
    """One human line."""
    check: Check | None = None
    """The network check behind it; None for in-file and skipped links."""
    fix: str | None = None
    """The suggested replacement (final URL of a permanent redirect, exact-case anchor)."""
    warning: str | None = None
    """A non-failing remark, e.g. an anchor that only matches case-insensitively."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GitHubContext:
    """Where a report came from on GitHub; saved in the JSON so a later job can publish it."""

    repository: str
    """``owner/name``."""
    sha: str | None = None
    """The commit checked (head SHA for pull requests)."""
    pr_number: int | None = None
    server_url: str = "https://github.com"
    run_url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """Counts over a report's verdicts."""

    total: int
    unique_urls: int
    ok: int = 0
    redirected: int = 0
    broken: int = 0
    unverified: int = 0
    skipped: int = 0
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Everything one run found. ``verdicts`` has one item per link occurrence."""

    files: tuple[str, ...]
    verdicts: tuple[Verdict, ...]
    findings: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()
    """Non-fatal input problems (invalid UTF-8 replaced, …), one line each."""
    duration_s: float = 0.0
    checked: bool = True
    """False for ``--dump``: verdicts carry links only, statuses are placeholders."""
    interrupted: bool = False
    """True when the run was stopped (Ctrl-C) before every link was checked."""
    github: GitHubContext | None = None

    @property
    def summary(self) -> Summary:
        counts = Counter(v.status for v in self.verdicts)
        return Summary(
            total=len(self.verdicts),
            unique_urls=len({v.link.url for v in self.verdicts}),
            ok=counts[Status.OK],
            redirected=counts[Status.REDIRECTED],
            broken=counts[Status.BROKEN],
            unverified=counts[Status.UNVERIFIED],
            skipped=counts[Status.SKIPPED],
            duration_s=self.duration_s,
        )

    def failing(self, *, strict: bool) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status.fails(strict=strict))
