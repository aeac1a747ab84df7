"""The GitHub REST edge: one synchronous httpx client, retries, pagination, and errors.

This is the only module of the GitHub side that speaks httpx. Every failure leaves it as
a :class:`~linkcheck.errors.DeliveryError` whose message is one line a maintainer can act
on ("GitHub refused to create the tracking issue: the token lacks `issues: write`
permission (403 Resource not accessible by integration)…").

* Secondary rate limits (403 or 429, usually with ``Retry-After``) are retried a few
  times, waiting what GitHub asks up to a cap (the sleep is injectable, so tests are
  fast). A primary limit (``X-RateLimit-Remaining: 0``) is explained, not waited out.
* 5xx answers and network errors are retried for idempotent requests only: a POST that
  may have gone through is never sent twice (it would make a second issue or comment).
* Lists are read 100 items a page, following the ``Link: <…>; rel="next"`` URL verbatim
  (GitHub writes it in the ``/repositories/{id}/…`` form), never to another host.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from linkcheck import __version__
from linkcheck.errors import DeliveryError
from linkcheck.retry import RetryTiming, backoff, parse_retry_after

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 300
"""A list longer than this many pages is refused rather than read forever."""
_IDEMPOTENT = frozenset({"GET", "PATCH", "PUT", "DELETE"})
_RETRY_5XX = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """A successful answer: decoded JSON and the headers that matter."""

    status: int
    data: Any
    next_url: str | None = None
    """The ``rel="next"`` URL of a paginated list."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Retrying:
    """How often and how long to wait for GitHub when it says "not now"."""

    attempts: int = 4
    """Requests in all, the first included."""
    retry_after_cap: float = 60.0
    """The longest wait we accept; a longer ``Retry-After`` ends the retrying."""
    timing: RetryTiming = field(default_factory=lambda: RetryTiming(base=2.0, max_backoff=60.0))
    sleep: Callable[[float], None] = time.sleep


class GitHubAPI:
    """A REST client for one API base URL and token (``with GitHubAPI(...) as api:``)."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_API_URL,
        token: str | None,
        retrying: Retrying | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._retrying = retrying or Retrying()
        self._rng = rng or random.Random()
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"linkcheck/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            headers=headers,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            # The API base comes from the workflow; a proxy from the environment is fine,
            # but the token must only ever go to that base (see _next_url).
            trust_env=True,
        )

    def __enter__(self) -> GitHubAPI:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def call(
        self,
        method: str,
        path: str,
        *,
        action: str,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
    ) -> Answer:
        """One request (with retries); :class:`DeliveryError` unless GitHub says 2xx.

        ``action`` names what we were doing, for the error message ("edit issue #3").
        """
        url = self.url(path)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(method, url, params=params, json=json)
            except httpx.HTTPError as exc:
                if method in _IDEMPOTENT and attempt < self._retrying.attempts:
                    self._retrying.sleep(backoff(attempt, self._retrying.timing, self._rng))
                    continue
                raise DeliveryError(
                    f"cannot reach the GitHub API at {self.base_url} to {action}: {_describe(exc)}"
                ) from None
            if response.is_success:
                return Answer(
                    status=response.status_code,
                    data=_json(response) if response.content else None,
                    next_url=self._next_url(response),
                )
            wait = self._wait(method, response, attempt)
            if wait is None:
                raise DeliveryError(explain(response, action=action, attempts=attempt))
            self._retrying.sleep(wait)

    def pages(
        self, path: str, *, action: str, params: Mapping[str, str | int] | None = None
    ) -> Iterator[Any]:
        """Every item of a paginated list, page after page."""
        answer = self.call(
            "GET", path, action=action, params={**(params or {}), "per_page": PER_PAGE}
        )
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            if not isinstance(answer.data, list):
                raise DeliveryError(f"GitHub answered {action} with something other than a list")
            yield from answer.data
            if answer.next_url is None:
                return
            if answer.next_url in seen:
                raise DeliveryError(f"GitHub's pagination loops while trying to {action}")
            seen.add(answer.next_url)
            answer = self.call("GET", answer.next_url, action=action)
        raise DeliveryError(f"more than {MAX_PAGES} pages while trying to {action}; giving up")

    def _next_url(self, response: httpx.Response) -> str | None:
        link = response.links.get("next")
        url = link.get("url") if link else None
        if not url:
            return None
        base, nxt = urlsplit(self.base_url), urlsplit(url)
        if (nxt.scheme, nxt.netloc) != (base.scheme, base.netloc):
            # Following it would send our token to another host.
            raise DeliveryError(f"GitHub's next-page link points to another host: {url}")
        return url

    def _wait(self, method: str, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when this answer is final."""
        if attempt >= self._retrying.attempts:
            return None
        status = response.status_code
        if _primary_limit(response):
            return None
        if _secondary_limit(response):
            asked = parse_retry_after(response.headers.get("retry-after"))
            if asked is None:
                # GitHub's advice for a secondary limit without Retry-After: back off.
                return backoff(attempt, self._retrying.timing, self._rng)
            return asked if asked <= self._retrying.retry_after_cap else None
        if status in _RETRY_5XX and method in _IDEMPOTENT:
            return backoff(attempt, self._retrying.timing, self._rng)
        return None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise DeliveryError(
            f"GitHub answered {response.request.method} {response.request.url.path} "
            f"with {response.status_code} but no JSON"
        ) from None


def _describe(exc: httpx.HTTPError) -> str:
    # Most specific first, as in httpx's own exception mapping.
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"not an http(s) URL ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _primary_limit(response: httpx.Response) -> bool:
    return response.status_code in (403, 429) and (
        response.headers.get("x-ratelimit-remaining") == "0"
    )


def _secondary_limit(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    return "retry-after" in response.headers or "secondary rate limit" in _message(response)


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase or ""
    if isinstance(data, Mapping) and isinstance(data.get("message"), str):
        return str(data["message"])
    return response.reason_phrase or ""


def _validation_details(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    errors = data.get("errors") if isinstance(data, Mapping) else None
    if not isinstance(errors, list):
        return ""
    parts = []
    for error in errors[:3]:
        if isinstance(error, Mapping):
            text = error.get("message") or " ".join(
                str(error[k]) for k in ("resource", "field", "code") if k in error
            )
            parts.append(str(text))
        elif isinstance(error, str):
            parts.append(error)
    return "; ".join(parts)


def _permissions(header: str) -> str:
    """``issues=write; pull_requests=write`` → ``issues: write` or `pull-requests: write``."""
    alternatives = []
    for group in header.split(";"):
        needed = []
        for item in group.split(","):
            name, _, level = item.strip().partition("=")
            if name:
                needed.append(f"`{name.replace('_', '-')}: {level or 'write'}`")
        if needed:
            alternatives.append(" and ".join(needed))
    return " or ".join(alternatives)


def explain(response: httpx.Response, *, action: str, attempts: int = 1) -> str:
    """One line that says why GitHub refused and what to do about it."""
    status = response.status_code
    message = _message(response)
    said = f"{status} {message}".strip()
    refused = f"GitHub refused to {action}"
    if _primary_limit(response):
        reset = response.headers.get("x-ratelimit-reset", "")
        when = (
            time.strftime("%H:%M:%S UTC", time.gmtime(int(reset))) if reset.isdigit() else "later"
        )
        limit = response.headers.get("x-ratelimit-limit", "?")
        resource = response.headers.get("x-ratelimit-resource", "core")
        return (
            f"{refused}: the API rate limit is used up ({limit} {resource} requests an hour; "
            f"it resets at {when}) ({said})"
        )
    if _secondary_limit(response):
        return (
            f"{refused}: GitHub's secondary rate limit is still in force after "
            f"{attempts} attempt{'s' if attempts > 1 else ''} ({said}); run again later"
        )
    if status == 401:
        return f"{refused}: the token was not accepted ({said}); check GITHUB_TOKEN"
    if status == 403:
        accepted = response.headers.get("x-accepted-github-permissions")
        if accepted:
            needed = _permissions(accepted)
            return (
                f"{refused}: the token lacks {needed} permission ({said}); grant it in the "
                "job's `permissions:` (a pull request from a fork only ever gets a read-only "
                "token: post from a separate workflow_run job)"
            )
        return f"{refused} ({said})"
    if status == 404:
        return (
            f"{refused}: not found ({said}); the repository, issue or pull request does not "
            "exist, or the token cannot see it"
        )
    if status == 410:
        return f"{refused}: gone ({said}); are issues disabled in this repository?"
    if status == 422:
        details = _validation_details(response)
        return (
            f"{refused}: GitHub did not accept the data ({said}{': ' + details if details else ''})"
        )
    if status >= 500:
        return f"{refused}: GitHub had an error ({said}) after {attempts} attempt(s)"
    return f"{refused} ({said})"
