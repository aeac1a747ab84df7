"""Where a run happens on GitHub: the Actions environment and the event payload.

GitHub Actions sets ``GITHUB_REPOSITORY`` (``owner/name``), ``GITHUB_SHA``,
``GITHUB_SERVER_URL``, ``GITHUB_RUN_ID``, ``GITHUB_API_URL``, ``GITHUB_EVENT_NAME`` and
``GITHUB_EVENT_PATH`` (the webhook payload as JSON). For ``pull_request`` events
``GITHUB_SHA`` is a merge commit that exists only on GitHub; the commit a reader can open
is the pull request's head, so that is what the report records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkcheck.errors import InputError
from linkcheck.github.api import DEFAULT_API_URL
from linkcheck.models import GitHubContext

DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True, slots=True, kw_only=True)
class PullRequestEvent:
    """What a ``pull_request`` payload says about the pull request."""

    number: int
    head_sha: str | None = None
    base_sha: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkflowRunEvent:
    """What a ``workflow_run`` payload says about the run that triggered us (trusted: it
    comes from GitHub, unlike an artifact that run uploaded)."""

    head_sha: str
    event: str
    """The triggering run's own event, e.g. ``pull_request``."""
    conclusion: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    name: str
    pull_request: PullRequestEvent | None = None
    workflow_run: WorkflowRunEvent | None = None


def read_event(environ: Mapping[str, str]) -> Event | None:
    """The event payload from ``GITHUB_EVENT_PATH``; None when there is none.

    Raises :class:`InputError` when the file is named but cannot be read as JSON.
    """
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"GITHUB_EVENT_PATH {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"GITHUB_EVENT_PATH {path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"GITHUB_EVENT_PATH {path}: not JSON ({exc.msg})") from None
    if not isinstance(payload, Mapping):
        raise InputError(f"GITHUB_EVENT_PATH {path}: not a JSON object")
    return Event(
        name=environ.get("GITHUB_EVENT_NAME", ""),
        pull_request=_pull_request(payload),
        workflow_run=_workflow_run(payload),
    )


def _pull_request(payload: Mapping[str, Any]) -> PullRequestEvent | None:
    pr = payload.get("pull_request")
    if not isinstance(pr, Mapping):
        return None
    number = pr.get("number", payload.get("number"))
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    return PullRequestEvent(
        number=number,
        head_sha=_sha(pr.get("head")),
        base_sha=_sha(pr.get("base")),
    )


def _workflow_run(payload: Mapping[str, Any]) -> WorkflowRunEvent | None:
    run = payload.get("workflow_run")
    if not isinstance(run, Mapping) or not isinstance(run.get("head_sha"), str):
        return None
    conclusion = run.get("conclusion")
    return WorkflowRunEvent(
        head_sha=str(run["head_sha"]),
        event=str(run.get("event") or ""),
        conclusion=str(conclusion) if conclusion is not None else None,
    )


def _sha(ref: Any) -> str | None:
    if isinstance(ref, Mapping) and isinstance(ref.get("sha"), str):
        return str(ref["sha"])
    return None


def github_context(environ: Mapping[str, str]) -> GitHubContext | None:
    """The run's context for the report; None outside GitHub Actions.

    Lenient on purpose: a plain check must not fail because the event file is odd, so an
    unreadable payload only means "no pull request known".
    """
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if not repository:
        return None
    try:
        event = read_event(environ)
    except InputError:
        event = None
    pr = event.pull_request if event else None
    sha = (pr.head_sha if pr else None) or environ.get("GITHUB_SHA") or None
    server = (environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    run_id = environ.get("GITHUB_RUN_ID")
    return GitHubContext(
        repository=repository,
        sha=sha,
        pr_number=pr.number if pr else None,
        server_url=server,
        run_url=f"{server}/{repository}/actions/runs/{run_id}" if run_id else None,
    )


def api_url(environ: Mapping[str, str]) -> str:
    return (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def token(environ: Mapping[str, str]) -> str | None:
    return environ.get("GITHUB_TOKEN") or None
