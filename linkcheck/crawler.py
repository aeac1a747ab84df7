"""Request every unique URL once, politely per host, and record what the network said.

Scheduling: URLs are grouped by host. Each host has a lane (:class:`~linkcheck.hostpolicy.
HostLane`: concurrency slots, spacing between request starts, ``Retry-After`` pauses and
adaptive backoff) and a dispatcher that starts a task per URL only when the lane has a
free slot. So hosts advance independently: a slow or rate-limited host never holds up
another, and a global limit (``max_concurrency``) is taken only for the duration of a
request, after the host's own wait. Live tasks stay proportional to the slots in use,
not to the length of the list.

Per URL (:meth:`Crawler._follow`): quirks may rewrite the request (two targets that
rewrite to the same URL share one request); redirects are followed by us, hop by hop,
each hop through its own host's lane; each hop is retried per
:mod:`linkcheck.retry`; HEAD is used only for URLs that name a document (PDF, archive,
media) and is replaced by GET when its answer is not conclusive; a bot wall answer is
tried once more with a browser-like agent, and a host that needed it gets it from then
on.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import anyio
from anyio.abc import TaskGroup

from linkcheck.chain import (
    REDIRECT_STATUSES,
    ChainResult,
    ChainState,
    check_for,
    head_conclusive,
    host_of,
    initial_method,
    invalid_check,
    resolve_location,
)
from linkcheck.config import Config
from linkcheck.fetch import Fetcher, Session, open_fetcher
from linkcheck.hostpolicy import HostLane, Lanes, Ticket, request_headers
from linkcheck.models import Check, FetchError, Hop, Target
from linkcheck.netguard import AddressGuard, Resolver, SystemResolver
from linkcheck.outcomes import Answer, Failure, HopRequest, Outcome
from linkcheck.quirks import BROWSER_RETRY_STATUSES, RequestPlan, plan_request, walled_statuses
from linkcheck.retry import RetryTiming, with_retries

log = logging.getLogger(__name__)


async def crawl(
    targets: Sequence[Target],
    config: Config,
    *,
    on_check: Callable[[Check], None] | None = None,
) -> dict[str, Check]:
    """Request each Target once (Target.url is an absolute http(s) URL, already remapped,
    without fragment; Target.fragments are fragments some occurrence links to, so the
    page's HTML is read far enough to find those ids). Returns ``{target.url: Check}``.

    ``on_check`` is called as each URL finishes (progress; partial results on Ctrl-C).
    Cancelling the caller's scope stops the crawl cleanly and closes every connection.
    """
    return await Crawler(config=config).run(targets, on_check=on_check)


@dataclass(slots=True)
class _Job:
    """One request sequence, shared by the targets that map to the same request URL."""

    url: str
    host: str
    targets: list[tuple[Target, RequestPlan]] = field(default_factory=list)
    fragments: set[str] = field(default_factory=set)

    @property
    def browser(self) -> bool:
        return any(plan.browser_agent for _, plan in self.targets)

    @property
    def get_only(self) -> bool:
        return any(plan.get_only for _, plan in self.targets)


class Crawler:
    """One crawl. ``resolver`` and ``guard`` are injectable (tests map names to loopback
    addresses with them); by default the system resolver and ``config.allow_private``."""

    def __init__(
        self,
        *,
        config: Config,
        resolver: Resolver | None = None,
        guard: AddressGuard | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.lanes = Lanes(config=config)
        self._resolver = resolver or SystemResolver(timeout=config.connect_timeout)
        self._guard = guard or AddressGuard(allow_private=config.allow_private)
        self._rng = rng or random.Random()
        self._timing = RetryTiming(base=config.retry_wait, retry_after_cap=config.retry_after_max)
        self._shared = anyio.CapacityLimiter(config.max_concurrency)

    async def run(
        self, targets: Sequence[Target], *, on_check: Callable[[Check], None] | None = None
    ) -> dict[str, Check]:
        """Check ``targets``; see :func:`crawl`."""
        results: dict[str, Check] = {}

        def done(check: Check) -> None:
            results[check.url] = check
            if on_check is not None:
                on_check(check)

        by_host: dict[str, list[_Job]] = {}
        jobs: dict[str, _Job] = {}
        job_of: dict[str, _Job] = {}
        for target in targets:
            known = job_of.get(target.url)
            if known is not None:  # a repeated target: one check, all its fragments
                known.fragments |= target.fragments
                continue
            plan = plan_request(target.url)
            if plan.applied:
                log.debug("%s: quirks %s", target.url, ", ".join(plan.applied))
            host = host_of(plan.url)
            if host is None:
                done(invalid_check(target, plan))
                continue
            job = jobs.get(plan.url)
            if job is None:
                job = jobs[plan.url] = _Job(url=plan.url, host=host)
                by_host.setdefault(host, []).append(job)
            job.targets.append((target, plan))
            job.fragments |= target.fragments
            job_of[target.url] = job
        if not jobs:
            return results
        async with (
            open_fetcher(
                self.config,
                guard=self._guard,
                resolver=self._resolver,
                keepalive_for=lambda host: self.lanes(host).policy.concurrency,
            ) as fetcher,
            anyio.create_task_group() as tg,
        ):
            for host, host_jobs in by_host.items():
                tg.start_soon(self._dispatch, tg, fetcher, self.lanes(host), host_jobs, done)
        return results

    async def _dispatch(
        self,
        tg: TaskGroup,
        fetcher: Fetcher,
        lane: HostLane,
        jobs: list[_Job],
        done: Callable[[Check], None],
    ) -> None:
        """Start the host's jobs one by one, each when the host has a free slot."""
        for job in jobs:
            ticket = await lane.ticket()
            tg.start_soon(self._run_job, fetcher, job, ticket, done)

    async def _run_job(
        self, fetcher: Fetcher, job: _Job, ticket: Ticket, done: Callable[[Check], None]
    ) -> None:
        try:
            result = await self._follow(fetcher.session(), job, ticket)
        finally:
            ticket.release()
        for target, plan in job.targets:
            done(check_for(target, plan, job.url, result))

    async def _follow(self, session: Session, job: _Job, ticket: Ticket | None) -> ChainResult:
        """Follow the redirect chain of one job to its final answer."""
        started = anyio.current_time()
        chain = ChainState(
            method=initial_method(job.url, fragments=bool(job.fragments), get_only=job.get_only),
            browser=job.browser,
        )
        url = job.url
        hops: list[Hop] = []
        seen = {(url, "")}

        def result(
            outcome: Outcome, *, error: FetchError | None = None, detail: str = ""
        ) -> ChainResult:
            return ChainResult(
                outcome=outcome,
                final_url=url,
                hops=tuple(hops),
                chain=chain,
                elapsed_ms=int((anyio.current_time() - started) * 1000),
                error=error,
                detail=detail,
            )

        while True:
            host = host_of(url)
            assert host is not None  # job URLs and followed Locations are vetted
            lane = self.lanes(host)
            use = ticket if ticket is not None and ticket.lane is lane else None
            ticket = None
            outcome = await self._hop(
                session, lane, url, chain, use, job, redirected=host != job.host
            )
            if isinstance(outcome, Failure) or outcome.status not in REDIRECT_STATUSES:
                return result(outcome)
            location = outcome.location
            if not location:
                return result(outcome)
            target = resolve_location(url, location)
            hops.append(Hop(url=url, status=outcome.status))
            if target is None:
                return result(
                    outcome,
                    error=FetchError.INVALID_URL,
                    detail=f"redirect to an unsupported URL: {location[:200]}",
                )
            if len(hops) > self.config.max_redirects:
                return result(
                    outcome,
                    error=FetchError.TOO_MANY_REDIRECTS,
                    detail=f"more than {self.config.max_redirects} redirects",
                )
            key = (target, session.cookie_state(target))
            if key in seen:
                url = target
                return result(
                    outcome,
                    error=FetchError.REDIRECT_LOOP,
                    detail=f"redirect loop back to {target}",
                )
            seen.add(key)
            url = target

    async def _hop(
        self,
        session: Session,
        lane: HostLane,
        url: str,
        chain: ChainState,
        ticket: Ticket | None,
        job: _Job,
        *,
        redirected: bool,
    ) -> Outcome:
        """One hop with retries, HEAD→GET fallback and the browser-agent retry."""
        policy = lane.policy
        walls = BROWSER_RETRY_STATUSES.union(walled_statuses([url, job.url]))
        fragments = frozenset(job.fragments)

        async def send() -> Outcome:
            async with lane.turn(self._shared) as started:
                outcome = await session.send(
                    HopRequest(
                        url=url,
                        method=chain.method,
                        headers=request_headers(
                            policy, self.config, redirected=redirected, browser=chain.browser
                        ),
                        timeout=policy.timeout,
                        connect_timeout=self.config.connect_timeout,
                        read_timeout=self.config.read_timeout,
                        fragments=fragments if chain.method == "GET" else frozenset(),
                    )
                )
            chain.attempts += 1
            if isinstance(outcome, Answer):
                chain.bytes_read += outcome.bytes_read
            lane.record(
                url=url, status=outcome.status, retry_after_s=outcome.retry_after_s, started=started
            )
            return outcome

        def walled(outcome: Outcome) -> bool:
            return isinstance(outcome, Answer) and (outcome.status in walls or outcome.challenge)

        async def attempt() -> Outcome:
            # One attempt holds one slot of the host, fallbacks included, so what it
            # learns (a wall the browser agent passes) is known before the next URL starts.
            # Between attempts (retry waits) the slot is free for other URLs.
            nonlocal ticket
            held, ticket = ticket, None
            if held is None:
                held = await lane.ticket()
            try:
                chain.browser = chain.browser or lane.prefers_browser
                outcome = await send()
                if chain.method == "HEAD" and not head_conclusive(outcome):
                    chain.method = "GET"
                    outcome = await send()
                if not chain.browser and walled(outcome):
                    chain.browser = chain.fell_back_to_browser = True
                    chain.method = "GET"
                    outcome = await send()
                    if not walled(outcome):
                        lane.prefers_browser = True
                        log.debug("%s: the browser agent passes its wall", policy.host)
                return outcome
            finally:
                held.release()

        return await with_retries(
            attempt, max_retries=policy.max_retries, timing=self._timing, rng=self._rng
        )
