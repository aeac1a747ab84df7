"""The GitHub Actions environment a test run sees, pointed at a fake."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from fakegithub.reports import REPO, SHA
from fakegithub.server import WRITE, FakeGitHub

_CLEARED = (
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_EVENT_PATH",
    "GITHUB_EVENT_NAME",
    "GITHUB_SHA",
    "GITHUB_SERVER_URL",
    "GITHUB_RUN_ID",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_WORKSPACE",
    "GITHUB_ACTIONS",
)


def actions_env(
    fake: FakeGitHub,
    *,
    token: str | None = WRITE,
    event: tuple[str, dict[str, Any]] | None = None,
    workdir: Path,
) -> dict[str, str]:
    """What GitHub Actions would set, for ``fake``; ``event`` is (name, payload)."""
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": fake.url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SHA": SHA,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "GITHUB_WORKSPACE": str(workdir),
    }
    if token is not None:
        env["GITHUB_TOKEN"] = token
    if event is not None:
        name, payload = event
        path = workdir / f"event-{name}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        env["GITHUB_EVENT_NAME"] = name
        env["GITHUB_EVENT_PATH"] = str(path)
    return env


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def subprocess_env(env: dict[str, str]) -> dict[str, str]:
    """The current environment without GitHub's variables, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    return {**base, **env}


def pull_request_event(number: int, *, head: str, base: str) -> tuple[str, dict[str, Any]]:
    return (
        "pull_request",
        {
            "action": "synchronize",
            "number": number,
            "pull_request": {
                "number": number,
                "head": {"sha": head, "ref": "feature"},
                "base": {"sha": base, "ref": "main"},
            },
            "repository": {"full_name": REPO},
        },
    )


def workflow_run_event(*, head_sha: str, conclusion: str = "failure") -> tuple[str, dict[str, Any]]:
    """A ``workflow_run`` payload as a fork's PR produces it: ``pull_requests`` is empty."""
    return (
        "workflow_run",
        {
            "action": "completed",
            "workflow_run": {
                "id": 4242,
                "name": "linkcheck-pr",
                "event": "pull_request",
                "head_sha": head_sha,
                "head_branch": "patch-1",
                "conclusion": conclusion,
                "pull_requests": [],
                "head_repository": {"full_name": "someone/awesome-snn"},
            },
            "repository": {"full_name": REPO},
        },
    )
