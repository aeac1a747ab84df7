"""The lines a pull request changed, so a PR check judges only what the PR touched.

The source is ``GET /repos/{o}/{r}/pulls/{n}/files`` (100 files a page): each Markdown
file's ``patch`` gives the new-side numbers of added and modified lines. Removed files and
files that are not Markdown (``.md``, ``.markdown``, ``.mdown``, ``.mkd``) are left out.
A file moved to another folder counts as changed on every line, because each of its
relative links now resolves from somewhere else. When GitHub leaves a patch out (it does
for large diffs), ``git diff --unified=0`` against the merge base of the event's base
commit and the checked-out ``HEAD`` gives the lines instead; that needs the history
(``actions/checkout`` with ``fetch-depth: 0``).

Line numbers are those of the pull request's head commit: the workflow must check that
commit out (``ref: ${{ github.event.pull_request.head.sha }}``), not the merge commit.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from linkcheck.config import Config
from linkcheck.errors import InputError
from linkcheck.github.api import GitHubAPI
from linkcheck.github.context import api_url, read_event, token
from linkcheck.github.diff import added_lines
from linkcheck.github.rest import PullFile, Repo

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
GIT_TIMEOUT = 60.0


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def changed_lines(
    environ: Mapping[str, str], *, workspace: Path, config: Config
) -> dict[str, frozenset[int]]:
    """Repo-relative POSIX path of each changed Markdown file → its added/modified lines.

    Needs a ``pull_request`` event in ``GITHUB_EVENT_PATH`` and ``GITHUB_REPOSITORY``;
    raises :class:`InputError` without them (or when the git fallback cannot run) and
    :class:`~linkcheck.errors.DeliveryError` when GitHub refuses to list the files.
    """
    del config  # the whole PR is in scope; selection by URL happens later, in the pipeline
    event = read_event(environ)
    pr = event.pull_request if event else None
    if pr is None:
        raise InputError(
            "checking only changed lines needs a pull_request event "
            "(GITHUB_EVENT_PATH with a pull_request payload)"
        )
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if not repository:
        raise InputError("checking only changed lines needs GITHUB_REPOSITORY (owner/name)")
    with GitHubAPI(base_url=api_url(environ), token=token(environ)) as api:
        files = list(Repo(api, repository).pull_files(pr.number))
    return lines_of_files(files, workspace=workspace, base_sha=pr.base_sha)


def lines_of_files(
    files: Iterable[PullFile], *, workspace: Path, base_sha: str | None
) -> dict[str, frozenset[int]]:
    """The changed lines of each Markdown file in a pull request's file list."""
    changed: dict[str, frozenset[int]] = {}
    without_patch: list[str] = []
    for f in files:
        if f.status in ("removed", "unchanged") or not is_markdown(f.filename):
            continue
        if _moved_folder(f):
            changed[f.filename] = _every_line(workspace / f.filename)
        elif f.patch is not None:
            changed[f.filename] = added_lines(f.patch)
        elif f.status == "renamed" and f.changes == 0:
            continue  # renamed within its folder, content untouched: nothing to check
        else:
            without_patch.append(f.filename)
    if without_patch:
        changed.update(git_changed_lines(workspace, base_sha=base_sha, paths=without_patch))
    return changed


def _moved_folder(f: PullFile) -> bool:
    if f.status not in ("renamed", "copied") or not f.previous_filename:
        return False
    return posixpath.dirname(f.previous_filename) != posixpath.dirname(f.filename)


def _every_line(path: Path) -> frozenset[int]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()  # not in the workspace: the check will not see it either
    count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return frozenset(range(1, count + 1))


def git_changed_lines(
    workspace: Path, *, base_sha: str | None, paths: Iterable[str]
) -> dict[str, frozenset[int]]:
    """Added lines of ``paths`` in the working tree since the merge base with ``base_sha``."""
    paths = list(paths)
    first = paths[0] if paths else "?"
    why = f"GitHub sent no diff for {first} (too large)"
    if not base_sha:
        raise InputError(f"{why} and the event names no base commit to diff against")
    git = shutil.which("git")
    if git is None:
        raise InputError(f"{why} and git is not installed to compute it")
    merge_base = _git(
        git,
        workspace,
        ["merge-base", base_sha, "HEAD"],
        failure=f"{why} and git cannot find the merge base of {base_sha[:12]} and HEAD "
        "(shallow clone? use actions/checkout with fetch-depth: 0)",
    ).strip()
    result: dict[str, frozenset[int]] = {}
    for path in paths:
        diff = _git(
            git,
            workspace,
            [
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--no-renames",
                *(merge_base, "--", path),
            ],
            failure=f"{why} and git diff failed",
        )
        result[path] = added_lines(diff)
    return result


def _git(git: str, workspace: Path, args: list[str], *, failure: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(  # a fixed argv, no shell
            [git, "-c", f"safe.directory={workspace}", "-C", str(workspace), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"{failure}: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["exit status " + str(done.returncode)])[0]
        raise InputError(f"{failure}: {detail}")
    return done.stdout
