"""The few GitHub REST operations we use, with typed answers.

GitHub's JSON is turned into these small records here and goes no further, so the issue
and comment logic never handles untyped dicts. Each operation names what it does for the
error message (see :func:`linkcheck.github.api.explain`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from linkcheck.errors import DeliveryError
from linkcheck.github.api import GitHubAPI


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    number: int
    id: int
    state: str
    """``open`` or ``closed``."""
    title: str
    body: str
    labels: tuple[str, ...]
    created_at: str
    html_url: str
    is_pull_request: bool = False
    state_reason: str | None = None
    """``completed``, ``not_planned``, ``duplicate``, ``reopened`` or None."""

    def has_label(self, name: str) -> bool:
        """Label names are case-insensitive on GitHub."""
        return name.casefold() in (label.casefold() for label in self.labels)


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment:
    id: int
    body: str
    author: str
    html_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PullRequest:
    number: int
    state: str
    head_sha: str
    base_sha: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PullFile:
    filename: str
    status: str
    """``added``, ``removed``, ``modified``, ``renamed``, ``copied``, ``changed``, ``unchanged``."""
    patch: str | None
    """Unified diff hunks; None when GitHub leaves it out (large or binary diffs)."""
    previous_filename: str | None = None
    changes: int = 0
    """Lines added plus lines removed."""


class Repo:
    """Operations on one repository (``owner/name``) through a :class:`GitHubAPI`."""

    def __init__(self, api: GitHubAPI, repository: str) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise DeliveryError(f"not a repository name (owner/name): {repository!r}")
        self.api = api
        self.name = repository
        self._base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"

    # Issues -----------------------------------------------------------------------------

    def issues(self, *, label: str, state: str) -> Iterator[Issue]:
        """Issues (pull requests left out) with ``label``, oldest first."""
        items = self.api.pages(
            f"{self._base}/issues",
            action=f"list the issues labelled {label!r}",
            params={"labels": label, "state": state, "sort": "created", "direction": "asc"},
        )
        for item in items:
            issue = _issue(item)
            if not issue.is_pull_request:
                yield issue

    def create_issue(self, *, title: str, body: str, labels: list[str]) -> Issue:
        answer = self.api.call(
            "POST",
            f"{self._base}/issues",
            action="create the tracking issue",
            json={"title": title, "body": body, "labels": labels},
        )
        return _issue(answer.data)

    def update_issue(self, number: int, *, action: str, **fields: Any) -> Issue:
        answer = self.api.call(
            "PATCH", f"{self._base}/issues/{number}", action=action, json=dict(fields)
        )
        return _issue(answer.data)

    def add_labels(self, number: int, labels: list[str]) -> None:
        self.api.call(
            "POST",
            f"{self._base}/issues/{number}/labels",
            action=f"label issue #{number}",
            json={"labels": labels},
        )

    # Comments (on issues and pull requests alike) ----------------------------------------

    def comments(self, number: int, *, what: str) -> Iterator[Comment]:
        for item in self.api.pages(
            f"{self._base}/issues/{number}/comments", action=f"list the comments of {what}"
        ):
            yield _comment(item)

    def create_comment(self, number: int, *, body: str, what: str) -> Comment:
        answer = self.api.call(
            "POST",
            f"{self._base}/issues/{number}/comments",
            action=f"comment on {what}",
            json={"body": body},
        )
        return _comment(answer.data)

    def update_comment(self, comment_id: int, *, body: str, what: str) -> Comment:
        answer = self.api.call(
            "PATCH",
            f"{self._base}/issues/comments/{comment_id}",
            action=f"edit comment {comment_id} on {what}",
            json={"body": body},
        )
        return _comment(answer.data)

    # Pull requests -----------------------------------------------------------------------

    def pull(self, number: int) -> PullRequest:
        answer = self.api.call(
            "GET", f"{self._base}/pulls/{number}", action=f"read pull request #{number}"
        )
        data = _mapping(answer.data, "pull request")
        try:
            return PullRequest(
                number=int(data["number"]),
                state=str(data["state"]),
                head_sha=str(data["head"]["sha"]),
                base_sha=str(data["base"]["sha"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _malformed("pull request", exc) from None

    def pull_files(self, number: int) -> Iterator[PullFile]:
        for item in self.api.pages(
            f"{self._base}/pulls/{number}/files",
            action=f"list the files of pull request #{number}",
        ):
            data = _mapping(item, "pull request file")
            try:
                yield PullFile(
                    filename=str(data["filename"]),
                    status=str(data["status"]),
                    patch=data.get("patch") if isinstance(data.get("patch"), str) else None,
                    previous_filename=data.get("previous_filename"),
                    changes=int(data.get("changes") or 0),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise _malformed("pull request file", exc) from None


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise DeliveryError(f"GitHub sent a {what} that is not a JSON object")
    return data


def _malformed(what: str, exc: Exception) -> DeliveryError:
    return DeliveryError(f"GitHub sent a {what} we cannot read ({type(exc).__name__}: {exc})")


def _issue(item: Any) -> Issue:
    data = _mapping(item, "issue")
    try:
        labels = tuple(
            str(label["name"] if isinstance(label, Mapping) else label)
            for label in data.get("labels") or ()
        )
        return Issue(
            number=int(data["number"]),
            id=int(data["id"]),
            state=str(data["state"]),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            labels=labels,
            created_at=str(data.get("created_at") or ""),
            html_url=str(data.get("html_url") or ""),
            is_pull_request=data.get("pull_request") is not None,
            state_reason=str(data["state_reason"]) if data.get("state_reason") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _malformed("issue", exc) from None


def _comment(item: Any) -> Comment:
    data = _mapping(item, "comment")
    try:
        user = data.get("user") or {}
        return Comment(
            id=int(data["id"]),
            body=str(data.get("body") or ""),
            author=str(user.get("login") or "") if isinstance(user, Mapping) else "",
            html_url=str(data.get("html_url") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _malformed("comment", exc) from None
