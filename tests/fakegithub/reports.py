"""Realistic reports without the network: verdicts built directly, saved as JSON reports."""

from __future__ import annotations

from pathlib import Path

from linkcheck.models import (
    Check,
    Finding,
    GitHubContext,
    Kind,
    Link,
    Location,
    Report,
    Status,
    Syntax,
    Verdict,
)
from linkcheck.report import json as json_report

REPO = "octo-org/awesome-snn"
SHA = "0123456789abcdef0123456789abcdef01234567"
RUN_URL = f"https://github.com/{REPO}/actions/runs/42"
REASONS = {
    Status.OK: ("ok", "200 OK"),
    Status.BROKEN: ("http_404", "404 Not Found"),
    Status.UNVERIFIED: ("bot_wall", "403 Forbidden (bot wall)"),
    Status.REDIRECTED: ("redirected", "301 Moved Permanently"),
    Status.SKIPPED: ("excluded", "excluded by config"),
}


def verdict(
    url: str,
    status: Status,
    *,
    line: int,
    entry: str = "A Paper Title",
    section: str = "Papers › 2023",
    text: str = "ICML",
    kind: Kind = Kind.PAPER,
    path: str = "README.md",
    detail: str | None = None,
    fix: str | None = None,
) -> Verdict:
    reason, default_detail = REASONS[status]
    link = Link(
        url=url,
        raw=url,
        syntax=Syntax.INLINE,
        kind=kind,
        location=Location(path=path, line=line, column=3),
        text=text,
        section=section,
        entry=entry,
    )
    check = None
    if url.startswith("http"):
        check = Check(
            url=url, http_status=int(default_detail[:3]) if status is not Status.SKIPPED else None
        )
    return Verdict(
        link=link,
        status=status,
        reason=reason,
        detail=default_detail if detail is None else detail,
        check=check,
        fix=fix,
    )


def context(
    *, pr_number: int | None = None, sha: str = SHA, repository: str = REPO
) -> GitHubContext:
    return GitHubContext(repository=repository, sha=sha, pr_number=pr_number, run_url=RUN_URL)


def report(
    *verdicts: Verdict,
    findings: tuple[Finding, ...] = (),
    github: GitHubContext | None = None,
) -> Report:
    return Report(
        files=("README.md",),
        verdicts=tuple(verdicts),
        findings=findings,
        duration_s=1.5,
        github=github if github is not None else context(),
    )


def save(rep: Report, path: Path) -> Path:
    path.write_text(json_report.render(rep), encoding="utf-8")
    return path


def healthy(n: int = 3) -> list[Verdict]:
    return [verdict(f"https://ok.example/{i}", Status.OK, line=10 + i) for i in range(n)]
