"""Publishing a finished report to GitHub: what the CLI's ``--report`` calls.

``publish(report, mode="issue" | "pr-comment", config=…, environ=os.environ)`` reads the
API base (``GITHUB_API_URL``), the token (``GITHUB_TOKEN``) and the repository
(``GITHUB_REPOSITORY``, else the report's own) from ``environ``, does its work and returns
one line for stderr ("created issue #3", "updated comment 123 on PR #7"). When GitHub
refuses, it raises :class:`~linkcheck.errors.DeliveryError` (exit 3) with one line that
says why; the report itself has been written by then.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import replace

import httpx

from linkcheck.config import Config
from linkcheck.errors import DeliveryError, UsageError
from linkcheck.github.api import GitHubAPI, Retrying
from linkcheck.github.context import DEFAULT_SERVER_URL, api_url, read_event, token
from linkcheck.github.prcomment import publish_comment
from linkcheck.github.rest import Repo
from linkcheck.github.tracking import publish_issue
from linkcheck.models import Report

MODES = ("issue", "pr-comment")


def publish(
    report: Report,
    *,
    mode: str,
    config: Config,
    environ: Mapping[str, str],
    retrying: Retrying | None = None,
    transport: httpx.BaseTransport | None = None,
    now: int | None = None,
) -> str:
    """Keep the tracking issue (``issue``) or the pull-request comment (``pr-comment``).

    ``retrying``, ``transport`` and ``now`` exist for tests (fast sleeps, a fixed clock).
    """
    if mode not in MODES:
        raise UsageError(f"--report must be one of {', '.join(MODES)}, not {mode!r}")
    if not report.checked:
        raise DeliveryError("a --dump report has no results to publish")
    if report.interrupted:
        raise DeliveryError("the run was interrupted; not publishing a partial report")
    secret = token(environ)
    if not secret:
        raise DeliveryError(
            "GITHUB_TOKEN is not set: pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step"
        )
    repository = environ.get("GITHUB_REPOSITORY", "").strip() or (
        report.github.repository if report.github else ""
    )
    if not repository:
        raise DeliveryError("GITHUB_REPOSITORY is not set and the report names no repository")
    report = trusted_context(report, environ)
    hint = report.github.run_url if report.github else None
    event = read_event(environ) if mode == "pr-comment" else None
    with GitHubAPI(
        base_url=api_url(environ), token=secret, retrying=retrying, transport=transport
    ) as api:
        repo = Repo(api, repository)
        if mode == "issue":
            return publish_issue(
                report,
                repo=repo,
                config=config,
                now=int(time.time()) if now is None else now,
                artifact_hint=hint,
            )
        return publish_comment(report, repo=repo, event=event, artifact_hint=hint)


def trusted_context(report: Report, environ: Mapping[str, str]) -> Report:
    """``report`` with the links it will show made safe: a saved report may come from an
    untrusted artifact, so the server URL is this run's own, a run URL is kept only when
    it is a run of the report's repository on that server, and a commit only when it is a
    commit id."""
    github = report.github
    if github is None:
        return report
    server = (environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    runs = f"{re.escape(server)}/{re.escape(github.repository)}/actions/runs/"
    run_url = github.run_url
    if run_url and not re.fullmatch(runs + r"\d+(?:/attempts/\d+)?", run_url):
        run_url = None
    sha = (
        github.sha
        if github.sha and re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", github.sha)
        else None
    )
    repository = github.repository
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
        raise DeliveryError(f"the report names no valid repository ({repository!r})")
    return replace(report, github=replace(github, server_url=server, run_url=run_url, sha=sha))
