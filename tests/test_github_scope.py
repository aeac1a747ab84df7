"""Changed lines of a pull request: patches from the API, and the git diff fallback."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakegithub import FakeGitHub
from fakegithub.env import actions_env, pull_request_event, use_env

from linkcheck.config import Config
from linkcheck.errors import DeliveryError, InputError
from linkcheck.github.diff import added_lines
from linkcheck.github.rest import PullFile
from linkcheck.github.scope import changed_lines, lines_of_files

HEAD = "1" * 40
BASE = "2" * 40


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        # one hunk: a modified line counts as added
        ("@@ -3,3 +3,3 @@\n a\n-b\n+B\n c", {4}),
        # two hunks, additions and context
        (
            "@@ -1,2 +1,3 @@\n x\n+y\n z\n@@ -10,3 +11,4 @@ ## Section\n p\n+q\n+r\n-s\n t",
            {2, 12, 13},
        ),
        # counts omitted mean 1; "\ No newline at end of file" is not a line
        (
            "@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file",
            {1},
        ),
        # a deletion only: no new-side line
        ("@@ -5,2 +4,0 @@\n-gone\n-gone too", set()),
        # content that looks like headers is content
        ("@@ -1,1 +1,3 @@\n+++ not a header\n+@@ not a hunk @@\n keep", {1, 2}),
        # git diff --unified=0 output with file headers
        (
            "diff --git a/README.md b/README.md\nindex 1..2 100644\n--- a/README.md\n"
            "+++ b/README.md\n@@ -7,0 +8,2 @@ ## Papers\n+one\n+two\n@@ -20 +22 @@\n-x\n+y\n",
            {8, 9, 22},
        ),
        # a new file
        ("@@ -0,0 +1,3 @@\n+a\n+b\n+c", {1, 2, 3}),
        # CRLF content keeps its line numbers
        ("@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r", {2}),
    ],
)
def test_added_lines(patch: str, expected: set[int]) -> None:
    assert added_lines(patch) == frozenset(expected)


def test_lines_of_files_by_status(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "moved.md").write_text("a\nb\nc\n", encoding="utf-8")
    files = [
        PullFile(filename="README.md", status="modified", patch="@@ -1,1 +1,2 @@\n a\n+b"),
        PullFile(filename="NEW.markdown", status="added", patch="@@ -0,0 +1,2 @@\n+x\n+y"),
        PullFile(filename="gone.md", status="removed", patch="@@ -1 +0,0 @@\n-x"),
        PullFile(filename="app.py", status="modified", patch="@@ -1 +1 @@\n-a\n+b"),
        PullFile(filename="Notes.MKD", status="modified", patch="@@ -2,1 +2,0 @@\n-x"),
        # renamed within its folder, with edits: only the edited lines
        PullFile(
            filename="list.mdown",
            status="renamed",
            previous_filename="old.mdown",
            patch="@@ -4,1 +4,1 @@\n-a\n+b",
            changes=2,
        ),
        # renamed within its folder, untouched: nothing to check
        PullFile(filename="same.md", status="renamed", previous_filename="was.md", patch=None),
        # moved to another folder: every relative link re-resolves, every line counts
        PullFile(
            filename="docs/moved.md", status="renamed", previous_filename="moved.md", patch=None
        ),
    ]
    assert lines_of_files(files, workspace=tmp_path, base_sha=None) == {
        "README.md": frozenset({2}),
        "NEW.markdown": frozenset({1, 2}),
        "Notes.MKD": frozenset(),  # a deletion: its anchors are still worth checking
        "list.mdown": frozenset({4}),
        "docs/moved.md": frozenset({1, 2, 3}),
    }


@pytest.fixture
def gh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(max_per_page=2) as fake:
        yield fake
    fake.assert_clean()


def test_changed_lines_pages_through_the_pull_request_files(
    gh: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    files = [{"filename": f"src/f{i}.py", "patch": "@@ -1 +1 @@\n-a\n+b"} for i in range(4)]
    files.append({"filename": "README.md", "patch": "@@ -9,0 +10,1 @@\n+new"})
    number = gh.repo.new_pull(head_sha=HEAD, base_sha=BASE, files=files)
    event = pull_request_event(number, head=HEAD, base=BASE)
    use_env(monkeypatch, actions_env(gh, workdir=tmp_path, event=event))
    result = changed_lines(os.environ, workspace=tmp_path, config=Config())
    assert result == {"README.md": frozenset({10})}
    assert len([r for r in gh.requests if r.operation == "pulls/list-files"]) == 3


def test_changed_lines_needs_a_pull_request_event(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs a pull_request event"):
        changed_lines({"GITHUB_REPOSITORY": "o/r"}, workspace=tmp_path, config=Config())


def test_a_missing_pull_request_is_a_delivery_error(gh: FakeGitHub, tmp_path: Path) -> None:
    env = actions_env(gh, workdir=tmp_path, event=pull_request_event(99, head=HEAD, base=BASE))
    with pytest.raises(DeliveryError, match=r"list the files of pull request #99: not found"):
        changed_lines(env, workspace=tmp_path, config=Config())


# --- the git fallback, on a real repository ------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: README with 6 lines; the PR branch edits line 2, adds 2 lines after 5; main
    meanwhile changes line 6 (which the PR must not be blamed for)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    readme = work / "README.md"
    readme.write_text("# L\n- a\n- b\n- c\n- d\n- e\n", encoding="utf-8")
    git(work, "add", "README.md")
    git(work, "commit", "-q", "-m", "base")
    git(work, "checkout", "-q", "-b", "feature")
    readme.write_text("# L\n- A!\n- b\n- c\n- d\n- new 1\n- new 2\n- e\n", encoding="utf-8")
    git(work, "commit", "-q", "-am", "pr")
    git(work, "checkout", "-q", "main")
    readme.write_text("# L\n- a\n- b\n- c\n- d\n- e (edited on main)\n", encoding="utf-8")
    git(work, "commit", "-q", "-am", "main moves on")
    git(work, "checkout", "-q", "feature")
    return work


def test_git_fallback_when_github_sends_no_patch(gh: FakeGitHub, repo: Path) -> None:
    base = git(repo, "rev-parse", "main")
    head = git(repo, "rev-parse", "HEAD")
    number = gh.repo.new_pull(
        head_sha=head,
        base_sha=base,
        files=[{"filename": "README.md", "status": "modified", "patch": None, "additions": 3}],
    )
    env = actions_env(gh, workdir=repo, event=pull_request_event(number, head=head, base=base))
    assert changed_lines(env, workspace=repo, config=Config()) == {
        "README.md": frozenset({2, 6, 7})
    }


def test_git_fallback_without_history_says_what_to_do(gh: FakeGitHub, repo: Path) -> None:
    number = gh.repo.new_pull(
        head_sha=HEAD, base_sha="3" * 40, files=[{"filename": "README.md", "patch": None}]
    )
    env = actions_env(gh, workdir=repo, event=pull_request_event(number, head=HEAD, base="3" * 40))
    with pytest.raises(InputError) as caught:
        changed_lines(env, workspace=repo, config=Config())
    message = str(caught.value)
    assert message.startswith("GitHub sent no diff for README.md (too large) and git cannot")
    assert "fetch-depth: 0" in message
