"""What the fake does for each operation (called with the fake's lock held)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakegithub.model import Refused, check_body

if TYPE_CHECKING:
    from fakegithub.server import FakeGitHub

Answer = tuple[int, Any, dict[str, str]]
Route = Callable[["FakeGitHub", dict[str, str], dict[str, list[str]], Any], Answer]


def _one(query: dict[str, list[str]], name: str, default: str) -> str:
    return query.get(name, [default])[0]


def list_issues(
    fake: FakeGitHub, _p: dict[str, str], query: dict[str, list[str]], _b: Any
) -> Answer:
    found = fake.repo.list_issues(
        state=_one(query, "state", "open"),
        labels=query.get("labels", [None])[0],
        sort=_one(query, "sort", "created"),
        direction=_one(query, "direction", "desc"),
    )
    return fake.paginate(found, query, "/issues")


def create_issue(
    fake: FakeGitHub, _p: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    labels = [str(x["name"] if isinstance(x, dict) else x) for x in body.get("labels") or []]
    issue = fake.repo.new_issue(title=str(body["title"]), body=body.get("body"), labels=labels)
    return 201, issue, {"Location": issue["url"]}


def get_issue(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], _b: Any
) -> Answer:
    return 200, fake.repo.issue(int(params["issue_number"])), {}


def update_issue(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    return 200, fake.repo.update_issue(int(params["issue_number"]), dict(body or {})), {}


def add_labels(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    issue = fake.repo.issue(int(params["issue_number"]))
    names = body["labels"] if isinstance(body, dict) else body
    for name in names:
        label = fake.repo.label(str(name["name"] if isinstance(name, dict) else name))
        if label not in issue["labels"]:
            issue["labels"].append(label)
    return 200, issue["labels"], {}


def list_comments(
    fake: FakeGitHub, params: dict[str, str], query: dict[str, list[str]], _b: Any
) -> Answer:
    number = int(params["issue_number"])
    found = sorted(fake.repo.comments_of(number), key=lambda c: c["id"])
    return fake.paginate(found, query, f"/issues/{number}/comments")


def create_comment(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    comment = fake.repo.new_comment(int(params["issue_number"]), str(body["body"]))
    return 201, comment, {"Location": comment["url"]}


def get_comment(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], _b: Any
) -> Answer:
    return 200, fake.repo.comment(int(params["comment_id"])), {}


def update_comment(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    comment = fake.repo.comment(int(params["comment_id"]))
    check_body(body["body"], "IssueComment")
    comment["body"] = body["body"]
    return 200, comment, {}


def delete_comment(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], _b: Any
) -> Answer:
    comment = fake.repo.comment(int(params["comment_id"]))
    del fake.repo.comments[comment["id"]]
    return 204, None, {}


def get_pull(fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], _b: Any) -> Answer:
    pull = fake.repo.pulls.get(int(params["pull_number"]))
    if pull is None:
        raise Refused(404, "Not Found")
    return 200, pull, {}


def list_pull_files(
    fake: FakeGitHub, params: dict[str, str], query: dict[str, list[str]], _b: Any
) -> Answer:
    number = int(params["pull_number"])
    if number not in fake.repo.pulls:
        raise Refused(404, "Not Found")
    return fake.paginate(fake.repo.pull_files[number], query, f"/pulls/{number}/files")


def list_labels(
    fake: FakeGitHub, _p: dict[str, str], query: dict[str, list[str]], _b: Any
) -> Answer:
    return fake.paginate(list(fake.repo.labels.values()), query, "/labels")


def get_label(
    fake: FakeGitHub, params: dict[str, str], _q: dict[str, list[str]], _b: Any
) -> Answer:
    found = fake.repo.labels.get(params["name"].casefold())
    if found is None:
        raise Refused(404, "Not Found")
    return 200, found, {}


def create_label(
    fake: FakeGitHub, _p: dict[str, str], _q: dict[str, list[str]], body: Any
) -> Answer:
    if body["name"].casefold() in fake.repo.labels:
        raise Refused(
            422,
            "Validation Failed",
            errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    label = fake.repo.label(body["name"])
    label.update(color=body.get("color", "ededed"), description=body.get("description"))
    return 201, label, {"Location": label["url"]}


ROUTES: dict[str, Route] = {
    "issues/list-for-repo": list_issues,
    "issues/create": create_issue,
    "issues/get": get_issue,
    "issues/update": update_issue,
    "issues/add-labels": add_labels,
    "issues/list-comments": list_comments,
    "issues/create-comment": create_comment,
    "issues/get-comment": get_comment,
    "issues/update-comment": update_comment,
    "issues/delete-comment": delete_comment,
    "pulls/get": get_pull,
    "pulls/list-files": list_pull_files,
    "issues/list-labels-for-repo": list_labels,
    "issues/get-label": get_label,
    "issues/create-label": create_label,
}
