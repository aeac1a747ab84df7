"""The rules of one URL's request chain, and the Check it becomes.

Which method to start with, when a HEAD answer is not enough, where a ``Location``
leads, and how a finished chain is written down as a :class:`~linkcheck.models.Check`
for each target that shares it. Pure; :mod:`linkcheck.crawler` does the waiting and
sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import urljoin, urlsplit, urlunsplit

from linkcheck.models import Check, FetchError, Hop, Target
from linkcheck.outcomes import Answer, Failure, Outcome
from linkcheck.pages import is_html
from linkcheck.quirks import RequestPlan

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DOCUMENT_EXTENSIONS = frozenset(
    ".pdf .ps .djvu .epub .zip .gz .tgz .bz2 .xz .7z .rar .tar .whl .jar .exe .dmg .iso .bin"
    " .pt .pth .ckpt .h5 .onnx .safetensors .npz .npy .pkl .mp4 .mov .avi .mkv .webm .mp3"
    " .wav .flac .png .jpg .jpeg .gif .webp .svg .ico .tif .tiff .ppt .pptx .doc .docx"
    " .xls .xlsx .csv .tsv .parquet".split()
)
"""Paths whose body is large and says nothing a HEAD answer does not (HEAD first)."""
_HEAD_RETRY_ERRORS = frozenset({FetchError.TIMEOUT, FetchError.RESET, FetchError.PROTOCOL})


@dataclass(slots=True)
class ChainState:
    """What one URL's request sequence has learned so far."""

    method: str
    browser: bool
    attempts: int = 0
    bytes_read: int = 0
    fell_back_to_browser: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainResult:
    """The end of a chain, before it is copied into each target's Check."""

    outcome: Outcome
    final_url: str
    hops: tuple[Hop, ...]
    chain: ChainState
    elapsed_ms: int
    error: FetchError | None = None
    detail: str = ""


def host_of(url: str) -> str | None:
    """Lower-case host of an http(s) URL, or None when the URL cannot be requested."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname


def resolve_location(base: str, location: str) -> str | None:
    """Absolute URL of a ``Location`` (fragment dropped), or None if not http(s)."""
    try:
        joined = urljoin(base, location.strip())
        parts = urlsplit(joined)
    except ValueError:
        return None
    if host_of(joined) is None:
        return None
    return urlunsplit(parts._replace(fragment=""))


def initial_method(url: str, *, fragments: bool, get_only: bool) -> str:
    """HEAD only where the body is big and useless: documents, without wanted fragments.
    HTML pages are fetched with GET, because only their title and heading can reveal a
    soft 404, and a HEAD followed by a GET would cost two requests per page."""
    if fragments or get_only:
        return "GET"
    path = urlsplit(url).path
    return "HEAD" if splitext(path)[1].lower() in DOCUMENT_EXTENSIONS else "GET"


def head_conclusive(outcome: Outcome) -> bool:
    """Only a HEAD success for a non-HTML body, or a redirect, is taken as is; anything
    else (405, 403, 404 from some CDNs, 429, 5xx, a hang) is asked again with GET."""
    if isinstance(outcome, Failure):
        return outcome.error not in _HEAD_RETRY_ERRORS
    if outcome.status in REDIRECT_STATUSES:
        return True
    return 200 <= outcome.status < 300 and not is_html(outcome.content_type)


def invalid_check(target: Target, plan: RequestPlan) -> Check:
    return Check(
        url=target.url,
        attempts=0,
        error=FetchError.INVALID_URL,
        detail=f"not a requestable http(s) URL: {target.url[:200]}",
        quirks=plan.applied,
    )


def check_for(target: Target, plan: RequestPlan, requested: str, result: ChainResult) -> Check:
    """The Check of one target from the result of the chain that ``requested`` began."""
    outcome = result.outcome
    answer = outcome if isinstance(outcome, Answer) else None
    error = result.error or (outcome.error if isinstance(outcome, Failure) else None)
    if result.detail:
        detail = result.detail
    elif isinstance(outcome, Failure):
        detail = outcome.detail
    else:
        detail = f"{outcome.status} {outcome.phrase}".strip()
        if outcome.note:
            detail += f"; {outcome.note}"
    if result.chain.fell_back_to_browser:
        detail += " (with a browser User-Agent)"
    throttled = answer is not None and answer.status in (429, 503)
    return Check(
        url=target.url,
        http_status=answer.status if answer is not None else None,
        final_url=result.final_url if result.hops else None,
        redirects=result.hops,
        attempts=result.chain.attempts,
        elapsed_ms=result.elapsed_ms,
        error=error,
        detail=detail,
        method=outcome.method,
        content_type=answer.content_type if answer is not None else None,
        page=answer.page if answer is not None else None,
        bytes_read=result.chain.bytes_read,
        retry_after_s=answer.retry_after_s if answer is not None and throttled else None,
        requested_url=requested if requested != target.url else None,
        quirks=plan.applied,
        challenge=answer.challenge if answer is not None else False,
    )
