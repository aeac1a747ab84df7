"""The fake GitHub itself: it must refuse what GitHub refuses, and say so loudly."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest
from fakegithub import WRITE, FakeGitHub
from fakegithub.spec import SPEC_PATH, load_spec, translate

from conftest import SHARED

REPO = "/repos/octo-org/awesome-snn"
HEADERS = {"User-Agent": "test", "Authorization": f"Bearer {WRITE}"}


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(max_per_page=2) as fake:
        yield fake


def test_the_vendored_spec_is_the_reference_one() -> None:
    reference = SHARED / "reference" / "github" / "rest-subset.openapi.json"
    if not reference.is_file():
        pytest.skip("../shared is not here")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (reference, SPEC_PATH)]
    assert digest[0] == digest[1]


def test_nullable_is_translated_for_json_schema() -> None:
    assert translate({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert translate({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert translate({"oneOf": [{"type": "string"}], "nullable": True}) == {
        "anyOf": [{"oneOf": [{"type": "string"}]}, {"type": "null"}]
    }
    assert len(load_spec().operations) == 20


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "problem"),
    [
        ("GET", f"{REPO}/issues?labels=x&bogus=1", None, 422, "'bogus' is not declared"),
        ("GET", f"{REPO}/issues?state=opened", None, 422, "'opened' is not one of"),
        ("GET", f"{REPO}/issues?per_page=lots", None, 422, "'lots' is not an integer"),
        ("POST", f"{REPO}/issues", {"body": "no title"}, 422, "'title' is a required property"),
        ("PATCH", f"{REPO}/issues/1", {"state": "shut"}, 422, "'shut' is not one of"),
        ("PATCH", f"{REPO}/issues/abc", {}, 422, "'abc' is not an integer"),
        ("GET", f"{REPO}/contents/README.md", None, 404, "not an operation"),
        ("GET", "/user", None, 404, "not an operation"),
    ],
)
def test_invalid_requests_are_refused_and_recorded(
    gh: FakeGitHub, method: str, path: str, body: object, status: int, problem: str
) -> None:
    answer = httpx.request(method, gh.url + path, json=body, headers=HEADERS)
    assert answer.status_code == status
    assert any(problem in e for e in gh.errors), gh.errors
    with pytest.raises(AssertionError, match="requests GitHub would refuse"):
        gh.assert_clean()


def test_no_user_agent_is_refused(gh: FakeGitHub) -> None:
    answer = httpx.get(gh.url + f"{REPO}/issues", headers={"User-Agent": ""})
    assert answer.status_code == 403 and "User-Agent" in answer.json()["message"]


def test_issue_lists_include_pull_requests_and_filter_labels_case_insensitively(
    gh: FakeGitHub,
) -> None:
    gh.repo.new_issue(title="a", body="", labels=["Bug", "broken-links"])
    gh.repo.new_issue(title="b", body="", labels=["bug"])
    gh.repo.new_issue(title="c", body="", labels=["BUG", "Broken-Links"], pull_request=True)
    answer = httpx.get(
        gh.url + f"{REPO}/issues", params={"labels": "bug,BROKEN-LINKS"}, headers=HEADERS
    )
    assert [i["title"] for i in answer.json()] == ["c", "a"]  # newest first, PR included
    assert "pull_request" in answer.json()[0]
    assert gh.repo.labels["bug"]["color"] == "ededed"  # created on first use
    gh.assert_clean()


def test_closing_and_reopening_set_the_reason(gh: FakeGitHub) -> None:
    issue = gh.repo.new_issue(title="a", body="")
    url = gh.url + f"{REPO}/issues/{issue['number']}"
    assert httpx.patch(url, json={"state": "closed"}, headers=HEADERS).json()["state_reason"] == (
        "completed"
    )
    assert httpx.patch(url, json={"state": "open"}, headers=HEADERS).json()["state_reason"] == (
        "reopened"
    )
    gh.assert_clean()
