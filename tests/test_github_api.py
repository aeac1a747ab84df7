"""The REST edge: retries, rate limits, pagination and the one-line error messages."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from fakegithub import READ, WRITE, FakeGitHub

from linkcheck.errors import DeliveryError
from linkcheck.github.api import GitHubAPI, Retrying
from linkcheck.github.rest import Repo
from linkcheck.retry import RetryTiming

REPO = "octo-org/awesome-snn"
ISSUES = f"/repos/{REPO}/issues"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(max_per_page=3) as fake:
        yield fake
    fake.assert_clean()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(gh: FakeGitHub, sleeps: Sleeps, *, token: str | None = WRITE) -> GitHubAPI:
    retrying = Retrying(attempts=3, timing=RetryTiming(base=1.0, max_backoff=4.0), sleep=sleeps)
    return GitHubAPI(base_url=gh.url, token=token, retrying=retrying)


def create(api: GitHubAPI, **body: object) -> object:
    return api.call(
        "POST", ISSUES, action="create the tracking issue", json={"title": "t", "body": "b", **body}
    ).data


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_waits_what_github_asks(gh: FakeGitHub, status: int) -> None:
    gh.inject(
        "POST",
        r"/issues$",
        status=status,
        message="You have exceeded a secondary rate limit",
        headers={"Retry-After": "7"},
        times=2,
    )
    sleeps = Sleeps()
    with client(gh, sleeps) as api:
        create(api)
    assert sleeps == [7.0, 7.0]
    assert len(gh.repo.issues) == 1


def test_secondary_rate_limit_without_retry_after_backs_off_then_gives_up(gh: FakeGitHub) -> None:
    gh.inject(
        "POST", r"/issues$", status=403, message="You have exceeded a secondary rate limit", times=5
    )
    sleeps = Sleeps()
    with client(gh, sleeps) as api, pytest.raises(DeliveryError) as caught:
        create(api)
    assert len(sleeps) == 2 and all(0.5 <= s <= 4.0 for s in sleeps)
    assert str(caught.value) == (
        "GitHub refused to create the tracking issue: GitHub's secondary rate limit is still in "
        "force after 3 attempts (403 You have exceeded a secondary rate limit); run again later"
    )


def test_a_retry_after_beyond_the_cap_is_not_slept_on(gh: FakeGitHub) -> None:
    gh.inject("POST", r"/issues$", status=429, message="slow down", headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with client(gh, sleeps) as api, pytest.raises(DeliveryError, match="secondary rate limit"):
        create(api)
    assert sleeps == []


def test_primary_rate_limit_is_explained_not_waited(gh: FakeGitHub) -> None:
    gh.inject(
        "GET",
        r"/issues$",
        status=403,
        message="API rate limit exceeded for installation.",
        headers={
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1700003600",
            "X-RateLimit-Limit": "1000",
        },
    )
    sleeps = Sleeps()
    with client(gh, sleeps) as api, pytest.raises(DeliveryError) as caught:
        list(Repo(api, REPO).issues(label="broken-links", state="open"))
    assert sleeps == []
    assert str(caught.value) == (
        "GitHub refused to list the issues labelled 'broken-links': the API rate limit is used "
        "up (1000 core requests an hour; it resets at 23:13:20 UTC) (403 API rate limit "
        "exceeded for installation.)"
    )


def test_server_errors_are_retried_for_reads_and_edits_but_never_for_creation(
    gh: FakeGitHub,
) -> None:
    sleeps = Sleeps()
    with client(gh, sleeps) as api:
        gh.inject("GET", r"/issues$", status=502, message="Server Error")
        assert list(Repo(api, REPO).issues(label="x", state="all")) == []
        gh.inject("POST", r"/issues$", status=502, message="Server Error")
        with pytest.raises(DeliveryError, match=r"GitHub had an error \(502 Server Error\)"):
            create(api)  # it may have been created: sending it again could make two
    assert len(sleeps) == 1
    assert [r.operation for r in gh.requests].count("issues/create") == 1


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (
            "not-a-token",
            "GitHub refused to create the tracking issue: the token was not accepted "
            "(401 Bad credentials); check GITHUB_TOKEN",
        ),
        (
            None,
            "GitHub refused to create the tracking issue: the token was not accepted "
            "(401 Requires authentication); check GITHUB_TOKEN",
        ),
        (
            READ,
            "GitHub refused to create the tracking issue: the token lacks `issues: write` "
            "permission (403 Resource not accessible by integration); grant it in the job's "
            "`permissions:` (a pull request from a fork only ever gets a read-only token: post "
            "from a separate workflow_run job)",
        ),
    ],
)
def test_refusals_are_one_line_that_says_what_to_do(
    gh: FakeGitHub, token: str | None, expected: str
) -> None:
    with client(gh, Sleeps(), token=token) as api, pytest.raises(DeliveryError) as caught:
        create(api)
    assert str(caught.value) == expected


def test_not_found_and_too_long(gh: FakeGitHub) -> None:
    with client(gh, Sleeps()) as api:
        repo = Repo(api, REPO)
        with pytest.raises(DeliveryError, match=r"edit issue #9: not found \(404 Not Found\)"):
            repo.update_issue(9, action="edit issue #9", body="x")
        with pytest.raises(DeliveryError) as caught:
            create(api, body="x" * 65_537)
    assert str(caught.value) == (
        "GitHub refused to create the tracking issue: GitHub did not accept the data "
        "(422 Validation Failed: body is too long (maximum is 65536 characters))"
    )


def test_pagination_follows_the_link_header_verbatim(gh: FakeGitHub) -> None:
    for n in range(8):
        gh.repo.new_issue(title=f"i{n}", body="", labels=["broken-links", "x"])
    gh.repo.new_issue(title="pr", body="", labels=["Broken-Links"], pull_request=True)
    with client(gh, Sleeps()) as api:
        found = list(Repo(api, REPO).issues(label="BROKEN-LINKS", state="all"))
    assert [i.title for i in found] == [f"i{n}" for n in range(8)]  # the PR is left out
    pages = [r.target for r in gh.requests]
    assert pages[0].startswith(f"{ISSUES}?labels=BROKEN-LINKS&state=all&")
    assert pages[1:] == [
        f"/repositories/{gh.repo.id}/issues?labels=BROKEN-LINKS&state=all&sort=created"
        f"&direction=asc&per_page=100&page={n}"
        for n in (2, 3)
    ]


def test_a_next_link_to_another_host_is_refused() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json=[], headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'}
        )

    api = GitHubAPI(
        base_url="https://api.github.com", token="t", transport=httpx.MockTransport(answer)
    )
    with api, pytest.raises(DeliveryError, match="next-page link points to another host"):
        list(api.pages(ISSUES, action="list issues"))


def test_an_unreachable_api_is_one_line() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    sleeps = Sleeps()
    retrying = Retrying(attempts=2, sleep=sleeps)
    api = GitHubAPI(base_url=f"http://127.0.0.1:{port}", token="t", retrying=retrying)
    with api, pytest.raises(DeliveryError) as caught:
        api.call("GET", ISSUES, action="list issues")
    assert str(caught.value).startswith(
        f"cannot reach the GitHub API at http://127.0.0.1:{port} to list issues: cannot connect"
    )
    assert len(sleeps) == 1


def test_requests_carry_the_headers_github_expects(gh: FakeGitHub) -> None:
    with client(gh, Sleeps()) as api:
        create(api)
    headers = gh.requests[0].headers
    assert headers["user-agent"].startswith("linkcheck/")
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["authorization"] == f"Bearer {WRITE}"
