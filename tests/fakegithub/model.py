"""The fake's repository: issues (pull requests among them), comments, labels, PR files.

Objects are built from the OpenAPI description's own examples (``issue``,
``issue-comment``, ``label``, ``pull-request``, ``diff-entry-items``) with our values put
in, so they carry every field GitHub's schemas require. Behaviour GitHub has and a schema
cannot say is modelled here: labels are case-insensitive and created on first use (colour
``ededed``); closing without a reason closes as ``completed``, reopening sets
``reopened``; bodies over 65,536 characters are refused.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

BODY_LIMIT = 65_536
BOT = "github-actions[bot]"


class Refused(Exception):
    """An answer other than success, raised inside the model."""

    def __init__(self, status: int, message: str, *, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


@dataclass
class Repository:
    """One repository's data; the server holds the lock around every use."""

    examples: dict[str, Any]
    full_name: str = "octo-org/awesome-snn"
    id: int = 1296269
    api: str = "https://api.github.com"
    web: str = "https://github.com"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    """By case-folded name."""
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    pull_files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5_000_001))
    _clock: itertools.count[int] = field(default_factory=lambda: itertools.count(1_700_000_000))

    # ---- building objects -----------------------------------------------------------

    def _user(self, login: str = BOT) -> dict[str, Any]:
        user = copy.deepcopy(self.examples["issue"]["user"])
        user.update(
            login=login,
            id=41898282 if login == BOT else 583231,
            type="Bot" if login == BOT else "User",
            url=f"{self.api}/users/{login}",
            html_url=f"{self.web}/{login}",
        )
        return user

    def label(self, name: str) -> dict[str, Any]:
        """The label named ``name`` in any case; created (colour ededed) if missing."""
        found = self.labels.get(name.casefold())
        if found is None:
            found = copy.deepcopy(self.examples["label"])
            found.update(
                id=next(self._ids),
                name=name,
                color="ededed",
                description=None,
                default=False,
                url=f"{self.api}/repos/{self.full_name}/labels/{name}",
            )
            self.labels[name.casefold()] = found
        return found

    def new_issue(
        self,
        *,
        title: str,
        body: str | None,
        labels: Iterable[str] = (),
        user: str = BOT,
        pull_request: bool = False,
    ) -> dict[str, Any]:
        check_body(body, "Issue")
        number = next(self._numbers)
        now = _stamp(next(self._clock))
        issue = copy.deepcopy(self.examples["issue"])
        api = f"{self.api}/repos/{self.full_name}/issues/{number}"
        issue.update(
            id=next(self._ids),
            node_id=f"I_fake{number}",
            url=api,
            repository_url=f"{self.api}/repos/{self.full_name}",
            labels_url=api + "/labels{/name}",
            comments_url=api + "/comments",
            events_url=api + "/events",
            html_url=f"{self.web}/{self.full_name}/{'pull' if pull_request else 'issues'}/{number}",
            number=number,
            state="open",
            state_reason=None,
            title=title,
            body=body,
            user=self._user(user),
            labels=[self.label(n) for n in dict.fromkeys(labels)],
            assignee=None,
            assignees=[],
            milestone=None,
            locked=False,
            active_lock_reason=None,
            comments=0,
            closed_at=None,
            closed_by=None,
            created_at=now,
            updated_at=now,
            author_association="NONE" if user == BOT else "CONTRIBUTOR",
        )
        if pull_request:
            issue["pull_request"] = {
                "url": f"{self.api}/repos/{self.full_name}/pulls/{number}",
                "html_url": f"{self.web}/{self.full_name}/pull/{number}",
                "diff_url": f"{self.web}/{self.full_name}/pull/{number}.diff",
                "patch_url": f"{self.web}/{self.full_name}/pull/{number}.patch",
            }
        else:
            issue.pop("pull_request", None)
        self.issues[number] = issue
        return issue

    def new_pull(
        self, *, head_sha: str, base_sha: str, files: list[dict[str, Any]], title: str = "PR"
    ) -> int:
        issue = self.new_issue(title=title, body="", user="contributor", pull_request=True)
        number = int(issue["number"])
        pull = copy.deepcopy(self.examples["pull-request"])
        pull.update(
            number=number,
            id=issue["id"],
            state="open",
            title=title,
            url=f"{self.api}/repos/{self.full_name}/pulls/{number}",
            html_url=f"{self.web}/{self.full_name}/pull/{number}",
            requested_teams=[],  # the example's team lacks fields its own schema requires
        )
        pull["head"] = {**pull["head"], "sha": head_sha}
        pull["base"] = {**pull["base"], "sha": base_sha}
        self.pulls[number] = pull
        self.pull_files[number] = [self._diff_entry(f, head_sha) for f in files]
        return number

    def _diff_entry(self, spec: dict[str, Any], head_sha: str) -> dict[str, Any]:
        entry = copy.deepcopy(self.examples["diff-entry-items"][0])
        name = spec["filename"]
        entry.update(
            filename=name,
            status=spec.get("status", "modified"),
            additions=spec.get("additions", 1),
            deletions=spec.get("deletions", 0),
            changes=spec.get("changes", spec.get("additions", 1) + spec.get("deletions", 0)),
            blob_url=f"{self.web}/{self.full_name}/blob/{head_sha}/{name}",
            raw_url=f"{self.web}/{self.full_name}/raw/{head_sha}/{name}",
            contents_url=f"{self.api}/repos/{self.full_name}/contents/{name}?ref={head_sha}",
        )
        if spec.get("patch") is None:
            entry.pop("patch", None)  # what GitHub does for diffs too large to show
        else:
            entry["patch"] = spec["patch"]
        if "previous_filename" in spec:
            entry["previous_filename"] = spec["previous_filename"]
        return entry

    def new_comment(self, number: int, body: str, *, user: str = BOT) -> dict[str, Any]:
        issue = self.issue(number)
        check_body(body, "IssueComment")
        comment_id = next(self._ids)
        now = _stamp(next(self._clock))
        comment = copy.deepcopy(self.examples["issue-comment"])
        comment.update(
            id=comment_id,
            node_id=f"IC_fake{comment_id}",
            url=f"{self.api}/repos/{self.full_name}/issues/comments/{comment_id}",
            html_url=f"{issue['html_url']}#issuecomment-{comment_id}",
            issue_url=issue["url"],
            body=body,
            user=self._user(user),
            created_at=now,
            updated_at=now,
            author_association="NONE" if user == BOT else "CONTRIBUTOR",
        )
        self.comments[comment_id] = comment
        issue["comments"] += 1
        return comment

    # ---- reading and changing ---------------------------------------------------------

    def issue(self, number: int) -> dict[str, Any]:
        found = self.issues.get(number)
        if found is None:
            raise Refused(404, "Not Found")
        return found

    def comment(self, comment_id: int) -> dict[str, Any]:
        found = self.comments.get(comment_id)
        if found is None:
            raise Refused(404, "Not Found")
        return found

    def comments_of(self, number: int) -> list[dict[str, Any]]:
        url = self.issue(number)["url"]
        return [c for c in self.comments.values() if c["issue_url"] == url]

    def update_issue(self, number: int, fields: dict[str, Any]) -> dict[str, Any]:
        issue = self.issue(number)
        if "body" in fields:
            check_body(fields["body"], "Issue")
        if "duplicate_issue_id" in fields and not any(
            i["id"] == fields["duplicate_issue_id"] for i in self.issues.values()
        ):
            raise Refused(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "duplicate_issue_id", "code": "invalid"}],
            )
        for key in ("title", "body"):
            if key in fields and fields[key] is not None:
                issue[key] = fields[key]
        if "labels" in fields:
            issue["labels"] = [self.label(_name(n)) for n in fields["labels"]]
        state = fields.get("state")
        now = next(self._clock)
        if state is not None and state != issue["state"]:
            issue["state"] = state
            if state == "closed":
                issue["state_reason"] = fields.get("state_reason") or "completed"
                issue["closed_at"] = _stamp(now)
                issue["closed_by"] = self._user()
            else:
                issue["state_reason"] = "reopened"
                issue["closed_at"] = None
                issue["closed_by"] = None
        issue["updated_at"] = _stamp(now)
        return issue

    def list_issues(
        self, *, state: str, labels: str | None, sort: str, direction: str
    ) -> list[dict[str, Any]]:
        wanted = [n.strip().casefold() for n in labels.split(",")] if labels else []
        found = [
            i
            for i in self.issues.values()
            if (state == "all" or i["state"] == state)
            and all(w in {label["name"].casefold() for label in i["labels"]} for w in wanted)
        ]
        key = {"created": "created_at", "updated": "updated_at", "comments": "comments"}[sort]
        found.sort(key=lambda i: (i[key], i["number"]), reverse=direction == "desc")
        return found


def _name(label: Any) -> str:
    return str(label["name"] if isinstance(label, dict) else label)


def check_body(body: str | None, resource: str) -> None:
    if body is not None and len(body) > BODY_LIMIT:
        raise Refused(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": resource,
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {BODY_LIMIT} characters)",
                }
            ],
        )
