"""Scheduled mode (`--report issue`) through the real CLI against the fake GitHub."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakegithub import READ, FakeGitHub
from fakegithub.env import actions_env, subprocess_env, use_env
from fakegithub.reports import REPO, RUN_URL, SHA, healthy, report, save, verdict

from linkcheck.cli import main
from linkcheck.github import state
from linkcheck.github.tracking import MARKER
from linkcheck.models import Status

ROOT = Path(__file__).resolve().parent.parent
DEAD = "https://dead.example/paper"
FLAKY = "https://walled.example/paper"


@pytest.fixture
def gh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGitHub]:
    monkeypatch.chdir(tmp_path)
    with FakeGitHub() as fake:
        use_env(monkeypatch, actions_env(fake, workdir=tmp_path))
        yield fake
    fake.assert_clean()


def run(tmp_path: Path, *verdicts_: object, extra: tuple[str, ...] = ()) -> int:
    saved = save(report(*healthy(), *verdicts_), tmp_path / "report.json")  # type: ignore[arg-type]
    return main(["--from-json", str(saved), "--report", "issue", *extra])


def open_issues(gh: FakeGitHub) -> list[dict[str, object]]:
    return gh.marked_issues(MARKER, state="open")


def only_issue(gh: FakeGitHub) -> dict[str, object]:
    issues = gh.marked_issues(MARKER, state="all")
    assert len(issues) == 1, [i["number"] for i in issues]
    return issues[0]


def body_state(issue: dict[str, object]) -> state.State:
    decoded = state.decode(str(issue["body"]))
    assert decoded is not None
    return decoded


def test_first_failing_run_creates_one_labelled_issue(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = verdict(DEAD, Status.BROKEN, line=57, entry="Spiking Transformers")
    assert run(tmp_path, broken) == 1
    err = capsys.readouterr().err
    assert "linkcheck: created issue #1: 1 failing link" in err
    issue = only_issue(gh)
    assert issue["state"] == "open"
    assert [label["name"] for label in issue["labels"]] == ["broken-links"]  # type: ignore[attr-defined]
    assert issue["title"] == "Link check: 1 broken link"
    body = str(issue["body"])
    assert body.startswith(MARKER + "\n<!-- linkcheck-state v1 ")
    assert "Spiking Transformers" in body and f"`{DEAD}`" in body
    assert f"https://github.com/{REPO}/blob/{SHA}/README.md?plain=1#L57" in body
    assert "🆕 new" in body
    listing = gh.requests[0]
    assert listing.operation == "issues/list-for-repo"
    assert listing.query["labels"] == ["broken-links"] and listing.query["per_page"] == ["100"]
    assert [r.operation for r in gh.writes()] == ["issues/create"]


def test_repeat_run_edits_in_place_heal_closes_and_break_reopens(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = verdict(DEAD, Status.BROKEN, line=57)
    assert run(tmp_path, broken) == 1
    assert run(tmp_path, broken) == 1
    assert "updated issue #1" in capsys.readouterr().err
    issue = only_issue(gh)
    assert body_state(issue).links[DEAD].runs == 2
    assert "failing since" in str(issue["body"]) and "(2 runs)" in str(issue["body"])

    assert run(tmp_path) == 0  # every link healthy
    assert "closed issue #1: all links healthy" in capsys.readouterr().err
    issue = only_issue(gh)
    assert (issue["state"], issue["state_reason"]) == ("closed", "completed")
    assert issue["title"] == "Link check: no broken links"
    assert "Fixed or removed since the last run (1)" in str(issue["body"])
    comments = gh.repo.comments_of(1)
    assert len(comments) == 1 and "healthy again" in comments[0]["body"]

    assert run(tmp_path, broken) == 1  # it breaks again: the same issue comes back
    assert "reopened issue #1" in capsys.readouterr().err
    issue = only_issue(gh)
    assert (issue["state"], issue["state_reason"]) == ("open", "reopened")
    assert body_state(issue).links[DEAD].runs == 1  # a new streak


def test_flaky_link_is_listed_only_after_n_consecutive_runs(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flaky = verdict(FLAKY, Status.UNVERIFIED, line=30, entry="Walled Paper")
    # Run 1: nothing to report yet, but the count must be kept: an issue is created to
    # hold it and closed at once.
    assert run(tmp_path, flaky) == 0
    assert "to remember 1 unverified link watched and closed it" in capsys.readouterr().err
    issue = only_issue(gh)
    assert issue["state"] == "closed"
    assert body_state(issue).links[FLAKY].runs == 1
    assert "Unreachable for" not in str(issue["body"])
    assert "1 link watched" in str(issue["body"])  # in the collapsed details

    # Run 2: still young; the closed issue's state is updated, nothing reopened.
    assert run(tmp_path, flaky) == 0
    assert "flake memory saved in closed issue #1" in capsys.readouterr().err
    issue = only_issue(gh)
    assert issue["state"] == "closed" and body_state(issue).links[FLAKY].runs == 2

    # Run 3 (flaky_runs = 3): promoted into the report, the issue is reopened.
    assert run(tmp_path, flaky) == 0  # unverified does not fail the run without --strict
    assert "reopened issue #1" in capsys.readouterr().err
    issue = only_issue(gh)
    body = str(issue["body"])
    assert issue["state"] == "open"
    assert "Unreachable for 3+ runs in a row (1)" in body and "Walled Paper" in body
    assert issue["title"] == "Link check: 1 failing link"


def test_flaky_count_restarts_after_a_good_run_and_honours_flaky_runs(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    flaky = verdict(FLAKY, Status.UNVERIFIED, line=30)
    run(tmp_path, flaky, extra=("--flaky-runs", "2"))
    run(tmp_path, extra=("--flaky-runs", "2"))  # it answered: the streak ends
    run(tmp_path, flaky, extra=("--flaky-runs", "2"))
    issue = only_issue(gh)
    assert issue["state"] == "closed" and body_state(issue).links[FLAKY].runs == 1
    run(tmp_path, flaky, extra=("--flaky-runs", "2"))
    assert only_issue(gh)["state"] == "open"


def test_healthy_run_without_an_issue_creates_nothing(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path) == 0
    assert "no broken links; no tracking issue needed" in capsys.readouterr().err
    assert gh.writes() == []


def test_issue_is_found_on_a_later_page_among_pull_requests_and_other_issues(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with FakeGitHub(max_per_page=2) as gh:
        use_env(monkeypatch, actions_env(gh, workdir=tmp_path))
        for n in range(3):
            gh.repo.new_issue(title=f"other {n}", body="no marker", labels=["broken-links"])
            gh.repo.new_issue(
                title=f"pr {n}", body=MARKER, labels=["broken-links"], pull_request=True
            )
        ours = gh.repo.new_issue(title="ours", body=MARKER, labels=["Broken-Links"])
        assert run(tmp_path, verdict(DEAD, Status.BROKEN, line=5)) == 1
        assert f"updated issue #{ours['number']}" in capsys.readouterr().err
        pages = [r for r in gh.requests if r.operation == "issues/list-for-repo"]
        assert len(pages) == 4  # 7 items, 2 a page
        assert all(r.target.startswith(f"/repositories/{gh.repo.id}/issues?") for r in pages[1:])
        assert not [w for w in gh.writes() if w.operation == "issues/create"]
        gh.assert_clean()


def test_an_unmarked_issue_with_the_label_is_left_alone(gh: FakeGitHub, tmp_path: Path) -> None:
    human = gh.repo.new_issue(
        title="Broken link in README", body="Please fix", labels=["broken-links"]
    )
    run(tmp_path, verdict(DEAD, Status.BROKEN, line=5))
    assert human["body"] == "Please fix" and human["state"] == "open"
    assert len(open_issues(gh)) == 1


def test_duplicate_open_issues_are_closed_in_favour_of_the_oldest(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    first = gh.repo.new_issue(title="a", body=MARKER, labels=["broken-links"])
    second = gh.repo.new_issue(title="b", body=MARKER, labels=["broken-links"])
    run(tmp_path, verdict(DEAD, Status.BROKEN, line=5))
    assert (second["state"], second["state_reason"]) == ("closed", "duplicate")
    assert first["state"] == "open" and DEAD in first["body"]


def test_two_concurrent_runs_leave_one_open_issue(gh: FakeGitHub, tmp_path: Path) -> None:
    saved = save(report(verdict(DEAD, Status.BROKEN, line=5)), tmp_path / "report.json")
    # Both runs list the issues before either creates one: the race a schedule and a
    # manual dispatch can run into.
    gh.gate("GET", r"/issues$", parties=2)
    env = subprocess_env(actions_env(gh, workdir=tmp_path))
    argv = [sys.executable, "-m", "linkcheck", "--from-json", str(saved), "--report", "issue"]
    runs = [
        subprocess.Popen(
            argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=50), *p.communicate()) for p in runs]
    assert [code for code, _out, _err in results] == [1, 1], results
    errs = " ".join(err for _code, _out, err in results)
    assert "created issue #1" in errs
    assert "issue #1 was opened by a concurrent run; closed the duplicate #2" in errs
    assert [i["number"] for i in open_issues(gh)] == [1]
    duplicate = gh.repo.issues[2]
    assert (duplicate["state"], duplicate["state_reason"]) == ("closed", "duplicate")
    assert "Duplicate of #1" in gh.repo.comments_of(2)[0]["body"]
    assert "BROKEN (1)" in results[0][1]  # the report itself went to stdout


def test_read_only_token_exits_3_after_printing_the_report(
    gh: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", READ)
    saved = save(report(verdict(DEAD, Status.BROKEN, line=5)), tmp_path / "report.json")
    assert main(["--from-json", str(saved), "--report", "issue"]) == 3
    out, err = capsys.readouterr()
    assert "BROKEN (1)" in out and DEAD in out
    lines = [line for line in err.splitlines() if line]
    assert lines == [
        "linkcheck: GitHub refused to create the tracking issue: the token lacks "
        "`issues: write` permission (403 Resource not accessible by integration); grant it "
        "in the job's `permissions:` (a pull request from a fork only ever gets a read-only "
        "token: post from a separate workflow_run job)"
    ]
    assert gh.repo.issues == {}


def test_missing_token_is_one_clear_line(
    gh: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert run(tmp_path, verdict(DEAD, Status.BROKEN, line=5)) == 3
    assert "GITHUB_TOKEN is not set" in capsys.readouterr().err
    assert gh.requests == []


def test_secondary_rate_limit_on_the_write_is_waited_out(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh.inject(
        "POST",
        r"/issues$",
        status=403,
        message="You have exceeded a secondary rate limit. Please wait a few minutes.",
        headers={"Retry-After": "1"},
    )
    assert run(tmp_path, verdict(DEAD, Status.BROKEN, line=5)) == 1
    assert "created issue #1" in capsys.readouterr().err
    assert [r.operation for r in gh.writes()] == ["issues/create", "issues/create"]
    assert len(open_issues(gh)) == 1


def test_a_refused_edit_leaves_the_previous_body_and_state(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(tmp_path, verdict(DEAD, Status.BROKEN, line=5))
    before = str(only_issue(gh)["body"])
    gh.inject("PATCH", r"/issues/1$", status=422, message="Validation Failed")
    assert run(tmp_path, verdict(DEAD, Status.BROKEN, line=5)) == 3
    assert "GitHub refused to edit issue #1: GitHub did not accept the data" in (
        capsys.readouterr().err
    )
    assert only_issue(gh)["body"] == before
    assert body_state(only_issue(gh)).links[DEAD].runs == 1
    run(tmp_path, verdict(DEAD, Status.BROKEN, line=5))  # the next run carries on
    assert body_state(only_issue(gh)).links[DEAD].runs == 2


def test_a_damaged_state_block_restarts_the_memory(
    gh: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh.repo.new_issue(
        title="x", body=f"{MARKER}\n<!-- linkcheck-state v1 !!!! -->", labels=["broken-links"]
    )
    gh.repo.issues[1]["body"] = f"{MARKER}\n<!-- linkcheck-state v1 AAAA -->"
    run(tmp_path, verdict(DEAD, Status.BROKEN, line=5))
    err = capsys.readouterr().err
    assert "updated issue #1" in err and "flake memory restarted" in err
    assert body_state(only_issue(gh)).links[DEAD].runs == 1


def test_a_70000_character_report_is_cut_to_fit_with_the_state_intact(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    many = [
        verdict(
            f"https://dead.example/{i}",
            Status.BROKEN,
            line=100 + i,
            entry=f"Paper {i}: " + "a very long and descriptive title " * 8,
        )
        for i in range(300)
    ]
    assert run(tmp_path, *many) == 1
    issue = only_issue(gh)
    body = str(issue["body"])
    assert len(body) <= 65_536
    assert len(body.encode("utf-16-le")) // 2 <= 65_536
    assert len(body_state(issue).links) == 300  # every failing link remembered
    assert "more failing links not shown; full JSON report:" in body
    assert RUN_URL in body
    shown = sum(1 for i in range(300) if f"`https://dead.example/{i}`" in body)
    assert f"… {300 - shown} more failing links not shown" in body
    assert 0 < shown < 300


def test_real_check_of_a_list_opens_the_issue_with_links_to_the_lines(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text(
        "# List\n\n## Papers\n\n- [[ICML](#papers)] A Good Paper\n"
        "- [[NeurIPS](#2021)] @octocat's `code` | paper for #1\n",
        encoding="utf-8",
    )
    assert main(["README.md", "--report", "issue", "--no-progress"]) == 1
    body = str(only_issue(gh)["body"])
    assert f"/blob/{SHA}/README.md?plain=1#L6" in body
    assert "@\u200boctocat" in body and "#\u200b1" in body and "code \\| paper" in body
    assert "`#2021`" in body and "fragment\\_missing" not in body


def test_python_m_linkcheck_publishes_too(gh: FakeGitHub, tmp_path: Path) -> None:
    saved = save(report(verdict(DEAD, Status.BROKEN, line=5)), tmp_path / "report.json")
    env = subprocess_env(actions_env(gh, workdir=tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkcheck",
            "--from-json",
            str(saved),
            "--report",
            "issue",
            "--format",
            "markdown",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("## ❌ Link check: 1 broken link")
    assert done.stderr.strip() == "linkcheck: created issue #1: 1 failing link"
