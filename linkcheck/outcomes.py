"""What one request is, and what came of it: the values fetch and crawler exchange.

Plain data without I/O; the derived facts (``retry_after_s``, ``challenge``) come from
the pure rules of :mod:`linkcheck.retry` and :mod:`linkcheck.quirks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from linkcheck.models import FetchError, Page
from linkcheck.quirks import looks_like_challenge
from linkcheck.retry import parse_retry_after

KEPT_HEADERS = (
    "location",
    "retry-after",
    "content-type",
    "content-length",
    "server",
    "cf-mitigated",
)
"""Answer headers the verdict logic may look at (lower-case)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HopRequest:
    """One request to send."""

    url: str
    method: str
    """``HEAD`` or ``GET``."""
    headers: Mapping[str, str]
    timeout: float
    """Total seconds for this attempt, connect to last byte read."""
    connect_timeout: float
    read_timeout: float
    """Longest silence while waiting for bytes."""
    fragments: frozenset[str] = frozenset()
    """Ids to look for in an HTML body (read up to 2 MiB instead of 64 KiB)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """An HTTP answer (any status)."""

    url: str
    method: str
    status: int
    phrase: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """The :data:`KEPT_HEADERS` that were present, lower-case names."""
    page: Page | None = None
    """What an HTML body showed; None for HEAD and non-HTML answers."""
    bytes_read: int = 0
    elapsed_ms: int = 0
    note: str = ""
    """Trouble after the status line (body reset, body timeout), for the detail line."""
    error: None = None

    @property
    def retry_after_s(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))

    @property
    def challenge(self) -> bool:
        title = self.page.title if self.page is not None else None
        return looks_like_challenge(self.status, self.headers, title)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """No usable HTTP answer."""

    url: str
    method: str
    error: FetchError
    detail: str
    elapsed_ms: int = 0
    status: None = None
    challenge: bool = False
    retry_after_s: None = None


Outcome = Answer | Failure
