"""PR mode (`--report pr-comment`, `--changed-only`) through the real CLI and the fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fakegithub import READ, FakeGitHub
from fakegithub.env import actions_env, pull_request_event, use_env, workflow_run_event
from fakegithub.reports import context, report, save, verdict

from linkcheck.cli import main
from linkcheck.github.prcomment import MARKER
from linkcheck.models import Status

HEAD = "feedfacefeedfacefeedfacefeedfacefeedface"
BASE = "ba5eba5eba5eba5eba5eba5eba5eba5eba5eba5e"
LIST = """\
# Awesome SNN

## Papers

- [[ICML](old-missing.md)] An Old Paper With A Dead Link
- [[NeurIPS](new-missing.md)] A New Paper @octocat wrote
- [[CVPR](#papers)] Another New Paper
- [[AAAI](README.md)] Unchanged Paper
"""
# Lines 6 and 7 are added by the PR; line 5 is old (its dead link is not the PR's fault).
PATCH = (
    "@@ -4,2 +4,4 @@\n"
    " \n"
    " - [[ICML](old-missing.md)] An Old Paper With A Dead Link\n"
    "+- [[NeurIPS](new-missing.md)] A New Paper @octocat wrote\n"
    "+- [[CVPR](#papers)] Another New Paper"
)


@pytest.fixture
def gh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGitHub]:
    monkeypatch.chdir(tmp_path)
    with FakeGitHub() as fake:
        yield fake
    fake.assert_clean()


def pull(gh: FakeGitHub, *, patch: str = PATCH, head: str = HEAD) -> int:
    return gh.repo.new_pull(
        head_sha=head,
        base_sha=BASE,
        files=[
            {"filename": "README.md", "status": "modified", "patch": patch, "additions": 2},
            {"filename": "src/app.py", "status": "modified", "patch": "@@ -1 +1 @@\n-a\n+b"},
        ],
    )


def on_pull_request(
    gh: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, number: int, token: str
) -> None:
    event = pull_request_event(number, head=HEAD, base=BASE)
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=event, token=token))


def comments(gh: FakeGitHub, number: int) -> list[dict[str, object]]:
    return [c for c in gh.repo.comments_of(number) if str(c["body"]).startswith(MARKER)]


def test_pr_comment_checks_only_changed_lines_then_is_edited_and_cleared(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh)
    on_pull_request(gh, monkeypatch, tmp_path, number, "write-token")
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    saved = tmp_path / "report.json"
    assert main(["README.md", "--report", "pr-comment", "--save-json", str(saved)]) == 1
    assert "created comment" in capsys.readouterr().err
    data = json.loads(saved.read_text(encoding="utf-8"))
    # Changed lines 6 and 7, plus the file's in-page anchors; never the old line 5.
    assert sorted((x["line"], x["status"]) for x in data["links"]) == [(6, "broken"), (7, "ok")]
    assert data["github"]["pr_number"] == number and data["github"]["sha"] == HEAD
    files_calls = [r for r in gh.requests if r.operation == "pulls/list-files"]
    assert files_calls and files_calls[0].query["per_page"] == ["100"]
    (comment,) = comments(gh, number)
    body = str(comment["body"])
    assert "new-missing.md" in body and "old-missing.md" not in body
    assert "A New Paper @\u200boctocat wrote" in body
    assert f"/blob/{HEAD}/README.md?plain=1#L6" in body
    assert "Only links on lines this pull request adds or changes were checked." in body

    # Re-run with the same result: the comment is already right, nothing is written.
    assert main(["README.md", "--report", "pr-comment"]) == 1
    assert f"comment {comment['id']} on PR #{number} is up to date" in capsys.readouterr().err

    # Another dead link on a changed line: the same comment is edited, not a second one.
    (tmp_path / "README.md").write_text(LIST.replace("(#papers)", "(#nowhere)"), "utf-8")
    assert main(["README.md", "--report", "pr-comment"]) == 1
    assert f"updated comment {comment['id']} on PR #{number}" in capsys.readouterr().err
    assert len(comments(gh, number)) == 1
    assert "#nowhere" in str(comments(gh, number)[0]["body"])

    # Fixed: the comment becomes a short all-clear.
    (tmp_path / "README.md").write_text(LIST.replace("new-missing.md", "#awesome-snn"), "utf-8")
    assert main(["README.md", "--report", "pr-comment"]) == 0
    assert f"updated comment {comment['id']} on PR #{number}: all clear" in (
        capsys.readouterr().err
    )
    (cleared,) = comments(gh, number)
    assert "Link check: all clear" in str(cleared["body"])
    assert [w.operation for w in gh.writes()] == [
        "issues/create-comment",
        "issues/update-comment",
        "issues/update-comment",
    ]


def test_nothing_is_posted_when_the_changed_lines_are_fine(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh)
    on_pull_request(gh, monkeypatch, tmp_path, number, "write-token")
    (tmp_path / "README.md").write_text(LIST.replace("new-missing.md", "#awesome-snn"), "utf-8")
    assert main(["README.md", "--report", "pr-comment"]) == 0
    assert "no comment posted" in capsys.readouterr().err
    assert gh.writes() == []


def test_changed_only_with_a_read_only_token_gives_annotations(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh)
    on_pull_request(gh, monkeypatch, tmp_path, number, READ)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    assert main(["README.md", "--changed-only", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("::error file=README.md,line=6,col=")
    assert "old-missing" not in out
    assert "new-missing.md" in summary.read_text(encoding="utf-8")
    assert gh.writes() == []


def test_fork_pr_comment_from_the_saved_report_in_a_workflow_run_job(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh)
    saved = save(
        report(
            verdict("https://dead.example/x", Status.BROKEN, line=6),
            github=context(pr_number=number, sha=HEAD),
        ),
        tmp_path / "report.json",
    )
    event = workflow_run_event(head_sha=HEAD)
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=event))
    monkeypatch.setenv("GITHUB_SHA", "d" * 40)  # the default branch, as in workflow_run
    assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 1
    assert "created comment" in capsys.readouterr().err
    assert [r.operation for r in gh.requests] == [
        "pulls/get",  # is the PR still at the commit the artifact claims?
        "issues/list-comments",
        "issues/create-comment",
    ]
    (comment,) = comments(gh, number)
    assert "https://dead.example/x" in str(comment["body"])


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"sha": "e" * 40}, "the report is for commit eeeeeee"),
        ({"repository": "attacker/elsewhere"}, "the report is for 'attacker/elsewhere'"),
    ],
)
def test_a_forged_artifact_is_refused_without_writing(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    claims: dict[str, str],
    why: str,
) -> None:
    number = pull(gh)
    ctx = context(pr_number=number, **{"sha": HEAD, **claims})
    saved = save(
        report(verdict("https://x.example", Status.BROKEN, line=6), github=ctx),
        tmp_path / "report.json",
    )
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=workflow_run_event(head_sha=HEAD)))
    assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 3
    assert why in capsys.readouterr().err
    assert gh.writes() == []


def test_a_report_for_an_outdated_head_is_not_posted(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh, head="a" * 40)  # the PR has moved on since HEAD was checked
    saved = save(
        report(
            verdict("https://x.example", Status.BROKEN, line=6),
            github=context(pr_number=number, sha=HEAD),
        ),
        tmp_path / "r.json",
    )
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=workflow_run_event(head_sha=HEAD)))
    assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 1
    assert "has moved on to aaaaaaa" in capsys.readouterr().err
    assert gh.writes() == []


def test_our_comment_is_found_on_a_later_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with FakeGitHub(max_per_page=2) as gh:
        number = pull(gh)
        for n in range(4):
            gh.repo.new_comment(number, f"review {n}", user="reviewer")
        ours = gh.repo.new_comment(number, MARKER + "\nold report")
        gh.repo.new_comment(number, f"quoting:\n{MARKER}", user="reviewer")
        on_pull_request(gh, monkeypatch, tmp_path, number, "write-token")
        saved = save(
            report(
                verdict("https://x.example", Status.BROKEN, line=6),
                github=context(pr_number=number, sha=HEAD),
            ),
            tmp_path / "r.json",
        )
        assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 1
        assert f"updated comment {ours['id']}" in capsys.readouterr().err
        listing = [r for r in gh.requests if r.operation == "issues/list-comments"]
        assert len(listing) == 3 and listing[1].target.startswith("/repositories/")
        gh.assert_clean()


def test_read_only_token_cannot_comment(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = pull(gh)
    on_pull_request(gh, monkeypatch, tmp_path, number, READ)
    saved = save(
        report(
            verdict("https://x.example", Status.BROKEN, line=6),
            github=context(pr_number=number, sha=HEAD),
        ),
        tmp_path / "r.json",
    )
    assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 3
    out, err = capsys.readouterr()
    assert "https://x.example" in out
    assert (
        f"GitHub refused to comment on PR #{number}: the token lacks `issues: write` or "
        "`pull-requests: write` permission (403 Resource not accessible by integration)"
    ) in err


def test_changed_only_outside_a_pull_request_is_a_usage_error(
    gh: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path))
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    assert main(["README.md", "--changed-only"]) == 2
    assert "needs a pull_request event" in capsys.readouterr().err


def test_links_in_a_saved_report_cannot_point_elsewhere(
    gh: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    number = pull(gh)
    forged = replace(
        context(pr_number=number, sha=HEAD),
        server_url="https://evil.example",
        run_url="https://evil.example/phish",
    )
    saved = save(
        report(verdict("https://x.example", Status.BROKEN, line=6), github=forged),
        tmp_path / "r.json",
    )
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=workflow_run_event(head_sha=HEAD)))
    assert main(["--from-json", str(saved), "--report", "pr-comment"]) == 1
    (comment,) = comments(gh, number)
    body = str(comment["body"])
    assert "evil.example" not in body
    assert f"https://github.com/octo-org/awesome-snn/blob/{HEAD}/README.md?plain=1#L6" in body
