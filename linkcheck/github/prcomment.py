"""The one pull-request comment (``--report pr-comment``).

linkcheck keeps a single comment per pull request, found again by a hidden marker at the
start of its body (comments are listed page by page): created on the first run that has
something to say, edited on every later run, and turned into a short all-clear once the
problems are fixed. When there is nothing to say and no comment yet, nothing is posted.

Fork-safe: the comment can be posted by a separate ``workflow_run`` job from the JSON
report that the read-only ``pull_request`` job uploaded, without checking out or running
the pull request's code. That report is untrusted data, so before posting:

* its repository must be the one this workflow runs in (the token's repository);
* under a ``workflow_run`` event, its commit must be the triggering run's ``head_sha``
  (which GitHub, not the artifact, provides), and the pull request it names must still
  have that commit as its head — otherwise it is a stale or forged report, not posted.
"""

from __future__ import annotations

from linkcheck.errors import DeliveryError
from linkcheck.github.context import Event
from linkcheck.github.rest import Repo
from linkcheck.models import Report, Status
from linkcheck.report import escape
from linkcheck.report.markdown import BODY_LIMIT, render, size

MARKER = "<!-- linkcheck:pr-comment -->"
INTRO = "Only links on lines this pull request adds or changes were checked."


def pull_request_number(report: Report, event: Event | None, *, repository: str) -> int:
    """The pull request to comment on, refusing a report that is not for this repository."""
    github = report.github
    if github is not None and github.repository.casefold() != repository.casefold():
        raise DeliveryError(
            f"the report is for {github.repository!r} but this workflow runs in "
            f"{repository!r}; not publishing it"
        )
    from_event = event.pull_request.number if event and event.pull_request else None
    from_report = github.pr_number if github else None
    if from_event is not None and from_report is not None and from_event != from_report:
        raise DeliveryError(
            f"the report is for pull request #{from_report} but this event is for "
            f"#{from_event}; not publishing it"
        )
    number = from_report or from_event
    if number is None:
        raise DeliveryError(
            "no pull request to comment on: the report names none and the event is not a "
            "pull_request event"
        )
    return number


def noteworthy(report: Report) -> bool:
    """Whether the report has anything for the author to act on."""
    return bool(report.findings) or any(
        v.status in (Status.BROKEN, Status.UNVERIFIED, Status.REDIRECTED) for v in report.verdicts
    )


def publish_comment(
    report: Report,
    *,
    repo: Repo,
    event: Event | None,
    artifact_hint: str | None,
) -> str:
    """Create, edit or clear the pull-request comment; returns one line for stderr."""
    number = pull_request_number(report, event, repository=repo.name)
    what = f"PR #{number}"
    stale = _stale(report, event, repo=repo, number=number)
    if stale:
        return stale
    mine = next((c for c in repo.comments(number, what=what) if c.body.startswith(MARKER)), None)
    if noteworthy(report):
        head = f"{MARKER}\n"
        body = head + render(
            report,
            max_chars=BODY_LIMIT - size(head),
            artifact_hint=artifact_hint,
            heading=None,
            intro=INTRO,
        )
    elif mine is None:
        return f"nothing to report on the lines {what} changes; no comment posted"
    else:
        body = f"{MARKER}\n{_all_clear(report)}"
    if mine is None:
        created = repo.create_comment(number, body=body, what=what)
        return f"created comment {created.id} on {what}"
    if mine.body == body:
        return f"comment {mine.id} on {what} is up to date"
    repo.update_comment(mine.id, body=body, what=what)
    if noteworthy(report):
        return f"updated comment {mine.id} on {what}"
    return f"updated comment {mine.id} on {what}: all clear"


def _stale(report: Report, event: Event | None, *, repo: Repo, number: int) -> str | None:
    """Under ``workflow_run``: refuse a report of another commit; skip an outdated one."""
    run = event.workflow_run if event else None
    if run is None:
        return None
    sha = report.github.sha if report.github else None
    if sha != run.head_sha:
        raise DeliveryError(
            f"the report is for commit {sha or '(none)'} but the workflow run that produced "
            f"it checked {run.head_sha}; not publishing it"
        )
    pull = repo.pull(number)
    if pull.head_sha != run.head_sha:
        return (
            f"PR #{number} has moved on to {pull.head_sha[:7]} since {run.head_sha[:7]} was "
            "checked; not posting an outdated report"
        )
    return None


def _all_clear(report: Report) -> str:
    at = ""
    if report.github and report.github.sha:
        at = f" (checked at {escape.code(report.github.sha[:7])})"
    return (
        "## ✅ Link check: all clear\n\n"
        f"The links on the lines this pull request changes are fine now{at}.\n"
    )
