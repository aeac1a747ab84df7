"""One run: files → documents → plan → checks → verdicts → :class:`Report`.

The library entry points are :func:`check_file` / :func:`check_files` (synchronous) and
:func:`check_documents` (async, for callers inside an event loop). Only the crawler does
network I/O; everything else here is in-memory or reads the linked local files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import anyio

from linkcheck.anchors import resolve_fragment
from linkcheck.config import Config
from linkcheck.errors import LinkcheckError
from linkcheck.extract import extract
from linkcheck.findings import duplicate_findings
from linkcheck.localfiles import LocalFiles
from linkcheck.models import (
    Check,
    Document,
    FetchError,
    Finding,
    GitHubContext,
    Link,
    Report,
    Status,
    Target,
    Verdict,
)
from linkcheck.select import Route, exclusion, request_url, route_of, scheme_of
from linkcheck.source import read_markdown


class Progress(Protocol):
    """What a progress display needs from a run (the CLI's bar implements it)."""

    def start(self, total: int) -> None: ...

    def advance(self, check: Check) -> None: ...


Scope = Mapping[str, frozenset[int]]
"""Changed lines per file (a pull request): only links on them are judged."""


def load_document(path: str | os.PathLike[str], config: Config) -> Document:
    """Read and extract one Markdown file (raises :class:`InputError` when unreadable)."""
    source = read_markdown(path)
    document = extract(
        source.text,
        source.path,
        include_verbatim=config.include_verbatim,
        kind_rules=config.kinds,
    )
    if source.warnings:
        document = _with_warnings(document, source.warnings)
    return document


def _with_warnings(document: Document, warnings: Iterable[str]) -> Document:
    return replace(document, warnings=document.warnings + tuple(warnings))


def load_documents(paths: Sequence[str | os.PathLike[str]], config: Config) -> list[Document]:
    return [load_document(p, config) for p in paths]


@dataclass(slots=True)
class _Plan:
    """Every in-scope link with its verdict, or the request that will decide it."""

    order: list[Link] = field(default_factory=list)
    decided: dict[int, Verdict] = field(default_factory=dict)
    """Verdicts known without the network, by index in ``order``."""
    web: dict[int, str] = field(default_factory=dict)
    """Index in ``order`` → the URL to request."""
    targets: dict[str, set[str]] = field(default_factory=dict)
    """URL to request → fragments wanted on that page."""


def _in_scope(link: Link, scope: Scope | None) -> bool:
    if scope is None:
        return True
    lines = scope.get(_scope_key(link.location.path))
    if lines is None:
        return False
    if link.url.startswith("#"):
        return True  # every in-file anchor of a changed file is cheap and may have broken
    return link.location.line in lines or (
        link.definition_line is not None and link.definition_line in lines
    )


def _scope_key(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


def plan(documents: Sequence[Document], config: Config, *, scope: Scope | None = None) -> _Plan:
    """Decide what needs no network, and what each web link must request."""
    result = _Plan()
    by_path = {str(Path(d.path).resolve()): d for d in documents}

    def load(path: Path) -> Document | None:
        known = by_path.get(str(path))
        if known is not None:
            return known
        try:
            return load_document(path, config)
        except LinkcheckError:
            return None

    local = LocalFiles(load_document=load)
    for document in documents:
        anchors = document.anchors()
        where = Path(document.path).name
        for link in document.links:
            if not _in_scope(link, scope):
                continue
            index = len(result.order)
            result.order.append(link)
            verdict = _decide_locally(link, config, anchors, where, local)
            if verdict is not None:
                result.decided[index] = verdict
                continue
            url, fragment = request_url(link.url, config)
            result.web[index] = url
            wanted = result.targets.setdefault(url, set())
            if fragment and config.check_fragments:
                wanted.add(fragment)
    return result


def _decide_locally(
    link: Link, config: Config, anchors: frozenset[str], where: str, local: LocalFiles
) -> Verdict | None:
    why = exclusion(link, config)
    if why is not None:
        return Verdict(link=link, status=Status.SKIPPED, reason="excluded", detail=why)
    route = route_of(link.url)
    if route is Route.ANCHOR:
        r = resolve_fragment(link.url[1:], anchors, where=where)
    elif route is Route.FILE:
        r = local.check(link.url, source=Path(link.location.path))
    elif route is Route.UNSUPPORTED:
        scheme = scheme_of(link.url)
        return Verdict(
            link=link,
            status=Status.SKIPPED,
            reason="unsupported_scheme",
            detail=f"{scheme}: links are not checked",
        )
    else:
        return None
    return Verdict(
        link=link, status=r.status, reason=r.reason, detail=r.detail, fix=r.fix, warning=r.warning
    )


async def check_documents(
    documents: Sequence[Document],
    config: Config,
    *,
    scope: Scope | None = None,
    progress: Progress | None = None,
    github: GitHubContext | None = None,
    checks: dict[str, Check] | None = None,
) -> Report:
    """Check every link of ``documents``. ``checks`` (if given) fills as URLs finish, so a
    caller that is interrupted still has what was checked."""
    started = time.monotonic()
    the_plan = plan(documents, config, scope=scope)
    done: dict[str, Check] = {} if checks is None else checks
    await _crawl(the_plan, config, progress, done)
    return build_report(
        documents,
        the_plan,
        done,
        config,
        started=started,
        interrupted=False,
        scope=scope,
        github=github,
    )


async def _crawl(
    the_plan: _Plan, config: Config, progress: Progress | None, done: dict[str, Check]
) -> None:
    if not the_plan.targets:
        return
    # Imported here: the network stack costs start-up time that --dump never needs.
    from linkcheck.crawler import crawl

    targets = [Target(url=u, fragments=frozenset(f)) for u, f in the_plan.targets.items()]
    if progress is not None:
        progress.start(len(targets))

    def finished(check: Check) -> None:
        done[check.url] = check
        if progress is not None:
            progress.advance(check)

    await crawl(targets, config, on_check=finished)


def build_report(
    documents: Sequence[Document],
    the_plan: _Plan,
    checks: Mapping[str, Check],
    config: Config,
    *,
    started: float,
    interrupted: bool,
    scope: Scope | None = None,
    github: GitHubContext | None = None,
) -> Report:
    """Verdicts in document order; web links without a check were cut off by Ctrl-C."""
    if the_plan.web:
        # Only runs with web links need the verdict rules of the network checker.
        from linkcheck import judge as judging
    verdicts: list[Verdict] = []
    for index, link in enumerate(the_plan.order):
        known = the_plan.decided.get(index)
        if known is not None:
            verdicts.append(known)
            continue
        check = checks.get(the_plan.web[index])
        if check is None:
            verdicts.append(
                Verdict(
                    link=link,
                    status=Status.SKIPPED,
                    reason="interrupted",
                    detail="not checked: the run was interrupted",
                )
            )
            continue
        verdicts.append(judging.judge(link, check, config))
    warnings = [w for d in documents for w in d.warnings]
    hosts = unreachable_hosts(checks.values())
    if hosts >= MIN_HOSTS_FOR_OUTAGE:
        verdicts = [_outage(v) for v in verdicts]
        warnings.append(
            f"no host answered at all ({hosts} hosts could not be resolved or reached): "
            "the network looks down, so those links are unverified, not broken"
        )
    return Report(
        files=tuple(d.path for d in documents),
        verdicts=tuple(verdicts),
        findings=tuple(list_findings(documents, scope=scope)),
        warnings=tuple(warnings),
        duration_s=time.monotonic() - started,
        checked=True,
        interrupted=interrupted,
        github=github,
    )


_UNREACHABLE = frozenset(
    {FetchError.DNS, FetchError.DNS_TRANSIENT, FetchError.CONNECT, FetchError.TIMEOUT}
)
MIN_HOSTS_FOR_OUTAGE = 3
"""Distinct hosts that must all fail before a run blames the network rather than the links."""


def unreachable_hosts(checks: Iterable[Check]) -> int:
    """How many hosts failed to resolve or connect, when *no* request got any answer
    (0 as soon as one did). A runner without network would otherwise call every link of
    the list broken: the worst false alarm there is."""
    hosts: set[str] = set()
    for check in checks:
        if check.error is FetchError.BLOCKED_ADDRESS:
            continue  # refused by us, not by the network
        if check.http_status is not None or check.error not in _UNREACHABLE:
            return 0
        hosts.add(urlsplit(check.url).hostname or check.url)
    return len(hosts)


def _outage(verdict: Verdict) -> Verdict:
    check = verdict.check
    if check is None or check.error not in _UNREACHABLE:
        return verdict
    return replace(
        verdict,
        status=Status.UNVERIFIED,
        reason="network_down",
        detail=f"{verdict.detail}; no host answered at all: is the network down?",
    )


def list_findings(documents: Sequence[Document], *, scope: Scope | None = None) -> list[Finding]:
    """Findings of the files; with a scope, those touching a changed line. Duplicates are
    found over the whole file, so a pull request that re-adds an old URL is caught."""
    findings = [f for d in documents for f in d.findings]
    findings += duplicate_findings(link for d in documents for link in d.links)
    if scope is None:
        return findings
    return [
        f for f in findings if any(n in scope.get(_scope_key(f.file), frozenset()) for n in f.lines)
    ]


def dump_report(documents: Sequence[Document], *, scope: Scope | None = None) -> Report:
    """The links that would be checked, with the list's own findings; nothing checked."""
    links = [link for d in documents for link in d.links if _in_scope(link, scope)]
    return Report(
        files=tuple(d.path for d in documents),
        verdicts=tuple(
            Verdict(link=link, status=Status.SKIPPED, reason="not_checked") for link in links
        ),
        findings=tuple(list_findings(documents, scope=scope)),
        warnings=tuple(w for d in documents for w in d.warnings),
        checked=False,
    )


def check_documents_sync(
    documents: Sequence[Document],
    config: Config,
    *,
    scope: Scope | None = None,
    progress: Progress | None = None,
    github: GitHubContext | None = None,
) -> Report:
    """Check loaded documents in a fresh event loop. On Ctrl-C returns what was checked
    so far (``Report.interrupted``) instead of raising."""
    started = time.monotonic()
    the_plan = plan(documents, config, scope=scope)
    done: dict[str, Check] = {}
    interrupted = False
    try:
        anyio.run(_crawl, the_plan, config, progress, done)
    except KeyboardInterrupt:
        interrupted = True
    return build_report(
        documents,
        the_plan,
        done,
        config,
        started=started,
        interrupted=interrupted,
        scope=scope,
        github=github,
    )


def check_files(paths: Sequence[str | os.PathLike[str]], config: Config) -> Report:
    """Read and check Markdown files (synchronous)."""
    return check_documents_sync(load_documents(paths, config), config)


def check_file(path: str | os.PathLike[str], config: Config | None = None) -> Report:
    """Check one Markdown file with ``config`` (defaults when None)."""
    return check_files([path], config or Config())
