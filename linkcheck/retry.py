"""The retry policy: one predicate, one wait strategy, used through tenacity.

* :func:`is_retryable` says whether an outcome may change if asked again: timeouts,
  resets, transient DNS failures and 408/425/429/500/502/503/504 may; definitive answers
  (404, 410, NXDOMAIN, refused connections, TLS failures, malformed answers, bot
  challenges) never do.
* :class:`RetryWait` waits what the server asked for (``Retry-After``) if it did, else an
  exponential backoff with jitter from ``base`` seconds.
* A ``Retry-After`` longer than the cap is not slept on: the retrying stops at once and
  the link is reported as rate limited (the list owner learns more from that than from a
  checker that sleeps for an hour).
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import anyio
from tenacity import AsyncRetrying, RetryCallState
from tenacity.retry import retry_base
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from linkcheck.models import FetchError

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Answers that say "not now" rather than "no"."""
RETRYABLE_ERRORS = frozenset({FetchError.TIMEOUT, FetchError.RESET, FetchError.DNS_TRANSIENT})
"""Failures that another attempt may not meet."""


def is_retryable(
    *, status: int | None = None, error: FetchError | None = None, challenge: bool = False
) -> bool:
    """Whether asking again may give a different answer.

    ``challenge`` marks a bot-challenge page (often served as 503): waiting does not
    solve a challenge, so it is never retried.
    """
    if error is not None:
        return error in RETRYABLE_ERRORS
    if challenge:
        return False
    return status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date.

    A date in the past means "now" (0). Unparseable values are ignored (None).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive one is read as such
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class Retriable(Protocol):
    """What the policy needs to know about an outcome."""

    @property
    def status(self) -> int | None: ...

    @property
    def error(self) -> FetchError | None: ...

    @property
    def challenge(self) -> bool: ...

    @property
    def retry_after_s(self) -> float | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryTiming:
    """How long to wait between attempts."""

    base: float = 1.0
    """First backoff in seconds; doubles with each attempt."""
    max_backoff: float = 30.0
    """Ceiling for one computed backoff."""
    retry_after_cap: float = 60.0
    """The longest ``Retry-After`` we sleep on; a longer one ends the retrying."""


@dataclass(slots=True)
class RetryWait(wait_base):
    """``Retry-After`` first, else exponential backoff with "equal jitter": half the
    backoff is fixed and half random, so retries of many links spread out but never
    come back immediately."""

    timing: RetryTiming
    rng: random.Random = field(default_factory=random.Random)

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = _outcome(retry_state)
        asked = outcome.retry_after_s if outcome is not None else None
        if asked is not None:
            return float(min(asked, self.timing.retry_after_cap))
        return backoff(retry_state.attempt_number, self.timing, self.rng)


def backoff(attempt: int, timing: RetryTiming, rng: random.Random) -> float:
    """Wait after failed attempt number ``attempt`` (1-based) when the server gave no hint."""
    ceiling = min(timing.max_backoff, timing.base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(slots=True)
class _RetryIfRetryable(retry_base):
    def __call__(self, retry_state: RetryCallState) -> bool:
        outcome = _outcome(retry_state)
        return outcome is not None and is_retryable(
            status=outcome.status, error=outcome.error, challenge=outcome.challenge
        )


@dataclass(slots=True)
class _StopWhen(stop_base):
    """Stop after ``attempts`` or when the server asks for a wait longer than the cap."""

    attempts: int
    cap: float

    def __call__(self, retry_state: RetryCallState) -> bool:
        if retry_state.attempt_number >= self.attempts:
            return True
        outcome = _outcome(retry_state)
        asked = outcome.retry_after_s if outcome is not None else None
        return asked is not None and asked > self.cap


def _outcome(retry_state: RetryCallState) -> Retriable | None:
    future = retry_state.outcome
    if future is None or future.failed:
        return None
    result: Retriable = future.result()
    return result


T = TypeVar("T", bound=Retriable)


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    max_retries: int,
    timing: RetryTiming,
    rng: random.Random,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> T:
    """Run ``attempt`` until its outcome is final or the retries are spent, waiting per
    :class:`RetryWait` in between. Returns the last outcome (never raises for it)."""
    retrying = AsyncRetrying(
        sleep=sleep,
        stop=_StopWhen(attempts=max_retries + 1, cap=timing.retry_after_cap),
        wait=RetryWait(timing, rng),
        retry=_RetryIfRetryable(),
        retry_error_callback=_last_result,
        reraise=True,
    )
    result: T = await retrying(attempt)
    return result


def _last_result(retry_state: RetryCallState) -> object:
    assert retry_state.outcome is not None
    return retry_state.outcome.result()
