"""What a :class:`Check` means for one link occurrence: a :class:`Verdict`.

Pure: no I/O and no HTTP library. One Check (per unique URL) may mean different things
for different occurrences, because the fragment (and the URL as written, which the host
quirks are matched against) belongs to the occurrence.

Order of judgement: a failed request (error) → a non-accepted status → a soft 404 →
the fragment → a permanent redirect → ok.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from linkcheck.config import Config
from linkcheck.hostpolicy import effective_policy
from linkcheck.models import Check, FetchError, Link, Status, Verdict
from linkcheck.pages import (
    FRAGMENT_SCAN_BYTES,
    GITHUB_PREFIX,
    fragment_forms,
    fragment_found,
    is_html,
)
from linkcheck.quirks import (
    BOT_WALL_STATUSES,
    casefold_fragments,
    ignored_fragment,
    redirect_expected,
    walled_statuses,
)
from linkcheck.soft404 import page_says_not_found, redirect_says_not_found

PERMANENT = frozenset({301, 308})

_ERRORS: dict[FetchError, tuple[Status, str]] = {
    FetchError.BLOCKED_ADDRESS: (Status.SKIPPED, "private_address"),
    FetchError.DNS: (Status.BROKEN, "dns"),
    FetchError.DNS_TRANSIENT: (Status.UNVERIFIED, "dns_transient"),
    FetchError.CONNECT: (Status.BROKEN, "connect"),
    FetchError.TLS: (Status.BROKEN, "tls"),
    FetchError.TIMEOUT: (Status.UNVERIFIED, "timeout"),
    FetchError.RESET: (Status.UNVERIFIED, "reset"),
    FetchError.PROTOCOL: (Status.UNVERIFIED, "protocol"),
    FetchError.REDIRECT_LOOP: (Status.BROKEN, "redirect_loop"),
    FetchError.TOO_MANY_REDIRECTS: (Status.BROKEN, "too_many_redirects"),
    FetchError.INVALID_URL: (Status.BROKEN, "invalid_url"),
}
"""Errors that leave no HTTP answer: how bad each is."""


def judge(link: Link, check: Check, config: Config) -> Verdict:
    """What the Check means for this occurrence (fragment taken from ``link.url``)."""
    written, fragment = _split_fragment(link.url)
    urls = [u for u in (written, check.url, check.requested_url, check.final_url) if u]
    notes = list(check.quirks)

    def verdict(
        status: Status,
        reason: str,
        detail: str,
        *,
        fix: str | None = None,
        warning: str | None = None,
    ) -> Verdict:
        if check.attempts > 1:
            detail += f" ({check.attempts} requests)"
        if notes:
            detail += f" [quirks: {', '.join(dict.fromkeys(notes))}]"
        return Verdict(
            link=link,
            status=status,
            reason=reason,
            detail=detail,
            check=check,
            fix=fix,
            warning=warning,
        )

    if check.error is not None:
        status, reason = _ERRORS[check.error]
        return verdict(status, reason, check.detail or check.error.value)
    code = check.http_status
    if code is None:  # pragma: no cover - a Check has an error or a status
        return verdict(Status.UNVERIFIED, "no_answer", "no HTTP answer")

    final_host = urlsplit(check.final_url or check.url).hostname or ""
    accepted = effective_policy(final_host, config).accept
    if code not in accepted:
        status, reason = _status_meaning(code, check, urls, notes)
        return verdict(status, reason, _status_detail(code, check))

    start = check.requested_url or check.url
    if 200 <= code < 300 and check.redirects and not redirect_expected(start):
        why = redirect_says_not_found(start, check.final_url or start)
        if why is not None:
            return verdict(Status.BROKEN, "soft_404", f"{code}, but {why}: {check.final_url}")
    if 200 <= code < 300 and is_html(check.content_type):
        why = page_says_not_found(check.page)
        if why is not None:
            return verdict(Status.BROKEN, "soft_404", f"{code}, but {why}")

    warning = exact = None
    if fragment and config.check_fragments:
        missing = _fragment_problem(fragment, check, urls, notes)
        if missing is not None:
            return verdict(*missing)
        exact = _exact_case(fragment, check)
        if exact is not None:
            warning = f"#{fragment} matches #{exact} only case-insensitively (as GitHub does)"

    target = _permanent_target(check, notes)
    if target is not None:
        fix = _fix(written, check, target, exact or fragment)
        return verdict(
            Status.REDIRECTED,
            "permanent_redirect",
            f"moved permanently to {target}",
            fix=fix,
            warning=warning,
        )
    fix = f"{written}#{exact}" if exact is not None else None
    detail = _status_detail(code, check)
    if check.redirects:
        detail += f" via {len(check.redirects)} temporary redirect(s) to {check.final_url}"
    if not 200 <= code < 300:
        detail += " (accepted by configuration)"
        return verdict(Status.OK, "accepted", detail, fix=fix, warning=warning)
    return verdict(Status.OK, "ok", detail, fix=fix, warning=warning)


def _split_fragment(url: str) -> tuple[str, str]:
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, ""
    return urlunsplit(parts._replace(fragment="")), parts.fragment


def _status_meaning(
    code: int, check: Check, urls: list[str], notes: list[str]
) -> tuple[Status, str]:
    """Status and reason for an answer the user does not accept."""
    walls = walled_statuses(urls)
    if code in walls:
        notes.append(walls[code])
        return Status.UNVERIFIED, "bot_wall"
    if check.challenge or code in BOT_WALL_STATUSES:
        return Status.UNVERIFIED, "bot_wall"
    if code == 429:
        return Status.UNVERIFIED, "rate_limited"
    if code == 408:
        return Status.UNVERIFIED, "timeout"
    if code >= 500:
        return Status.UNVERIFIED, "server_error"
    if 400 <= code < 500 and code != 425:
        return Status.BROKEN, f"http_{code}"
    # 1xx, 3xx without a usable Location, 425, non-accepted 2xx, codes beyond the standard
    return (Status.BROKEN if 200 <= code < 300 else Status.UNVERIFIED), f"http_{code}"


def _status_detail(code: int, check: Check) -> str:
    detail = check.detail or str(code)
    if code in (429, 503) and check.retry_after_s is not None:
        detail += f"; Retry-After {check.retry_after_s:.0f} s"
    return detail


def _fragment_problem(
    fragment: str, check: Check, urls: list[str], notes: list[str]
) -> tuple[Status, str, str] | None:
    """Why ``#fragment`` fails on the checked page, or None when it is fine or not an id."""
    rule = ignored_fragment(urls, fragment)
    if rule is not None:
        notes.append(rule)
        return None
    if not is_html(check.content_type):
        return None  # fragments of PDFs, images… are not element ids
    page = check.page
    if page is None or page.ids is None:
        return Status.UNVERIFIED, "fragment_unverified", f"#{fragment}: the page was not read"
    casefold = casefold_fragments(urls)
    if casefold is not None:
        notes.append(casefold)
    if fragment_found(fragment, page.ids, casefold=casefold is not None):
        return None
    if page.complete:
        return Status.BROKEN, "fragment_missing", f"no id or name {fragment!r} on the page"
    limit = FRAGMENT_SCAN_BYTES // (1024 * 1024)
    return (
        Status.UNVERIFIED,
        "fragment_unverified",
        f"{fragment!r} not found in the part of the page read (first {limit} MiB)",
    )


def _exact_case(fragment: str, check: Check) -> str | None:
    """The fragment as the page spells it, when ``#fragment`` only matched ignoring case."""
    ids = check.page.ids if check.page is not None else None
    if not ids or fragment_found(fragment, ids, casefold=False):
        return None
    for form in fragment_forms(fragment):
        for found in ids:
            if found.casefold() == form.casefold():
                return found.removeprefix(GITHUB_PREFIX)
    return None


def _permanent_target(check: Check, notes: list[str]) -> str | None:
    """Where the leading run of permanent redirects ends, or None if the first redirect
    is temporary (the link as written is what the site wants linked to)."""
    hops = check.redirects
    if not hops or check.final_url is None:
        return None
    nexts = [h.url for h in hops[1:]] + [check.final_url]
    target: str | None = None
    for hop, nxt in zip(hops, nexts, strict=True):
        expected = redirect_expected(hop.url)
        if expected is not None:
            notes.append(expected)
            break
        if hop.status not in PERMANENT:
            break
        target = nxt
    return target


def _fix(written: str, check: Check, target: str, fragment: str) -> str | None:
    """The URL to write instead. Only offered when it can be stated in the user's own
    terms: not for a remapped URL, and for a quirk-rewritten request only when the move
    just changed scheme or host (``http://arxiv.org/pdf/X`` → ``https://…/pdf/X``)."""
    if check.url != written:
        return None  # --remap changed what was requested; the target is not the user's URL
    if check.requested_url is not None:
        asked, moved = urlsplit(check.requested_url), urlsplit(target)
        if (asked.path, asked.query) != (moved.path, moved.query):
            return None
        target = urlunsplit(urlsplit(written)._replace(scheme=moved.scheme, netloc=moved.netloc))
    if fragment and "#" not in target:
        target += "#" + fragment
    return target
