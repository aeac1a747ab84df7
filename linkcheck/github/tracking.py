"""The one tracking issue of scheduled runs (``--report issue``).

linkcheck finds its issue by the label (default ``broken-links``) AND a hidden marker in
the body, and keeps exactly one, for good:

* links fail and there is no issue → it is **created** (with the label);
* an open issue exists → it is **edited in place** (title and body), never duplicated;
* all links are healthy again → it is **closed** with a short comment;
* links break again later → the same issue is **reopened**: its history (comments, the
  closing note, who was subscribed) stays in one place.

The body carries the flake memory (:mod:`linkcheck.github.state`). A run with nothing to
report yet but young flakes to remember writes it into the closed issue; before any issue
exists, it creates one and closes it at once (a one-time notice, so that the memory
lives in the repository itself and needs no cache, branch or secret).

Every change of the body is one PATCH of a body built in full beforehand: if GitHub
refuses it, the previous body, state block included, is untouched.

Two runs that race (both see no issue, both create one) are reconciled: after creating,
the open marked issues are listed again and, if an older one exists, ours is closed as its
duplicate. Any extra open marked issue found at the start is closed the same way.
"""

from __future__ import annotations

from linkcheck.config import Config
from linkcheck.github.rest import Issue, Repo
from linkcheck.github.state import History, State, StateError, advance, decode, encode
from linkcheck.models import Report, Status
from linkcheck.report import escape
from linkcheck.report.markdown import BODY_LIMIT, render, size

MARKER = "<!-- linkcheck:tracking-issue -->"
INTRO = (
    "*This issue is kept by linkcheck: every scheduled run edits it in place, and it is "
    "closed when every link is healthy (and reopened if links break again). Fix the list, "
    "not this text — it is rewritten on each run.*"
)


def publish_issue(
    report: Report, *, repo: Repo, config: Config, now: int, artifact_hint: str | None
) -> str:
    """Create, edit, close or reopen the tracking issue; returns one line for stderr."""
    label = config.label
    marked = [i for i in repo.issues(label=label, state="all") if MARKER in i.body]
    issue, duplicates = _choose(marked)
    for extra in duplicates:
        _close_duplicate(repo, extra, of=issue)
    previous, note = _previous_state(issue)
    history = advance(previous, report, flaky_runs=config.flaky_runs, now=now)
    body = build_body(report, history, artifact_hint=artifact_hint)
    title = _title(history)
    reportable = history.reported > 0

    if issue is not None and issue.state == "open":
        if reportable:
            repo.update_issue(
                issue.number, action=f"edit issue #{issue.number}", title=title, body=body
            )
            return f"updated issue #{issue.number}: {_counts(history)}{note}"
        repo.update_issue(
            issue.number,
            action=f"close issue #{issue.number}",
            title=title,
            body=body,
            state="closed",
            state_reason="completed",
        )
        repo.create_comment(issue.number, body=_closing_comment(report), what=f"#{issue.number}")
        return f"closed issue #{issue.number}: all links healthy{note}"

    if issue is not None:  # closed
        if reportable:
            repo.update_issue(
                issue.number,
                action=f"reopen issue #{issue.number}",
                title=title,
                body=body,
                state="open",
                state_reason="reopened",
            )
            return f"reopened issue #{issue.number}: {_counts(history)}{note}"
        if not history.links and not (previous and previous.links):
            return f"no broken links; tracking issue #{issue.number} stays closed"
        repo.update_issue(
            issue.number, action=f"save the state in issue #{issue.number}", body=body
        )
        return (
            f"no broken links to report; flake memory saved in closed issue "
            f"#{issue.number} ({_counts(history)}){note}"
        )

    if reportable:
        created = _create(repo, label=label, title=title, body=body)
        older = _older_open(repo, label=label, than=created)
        if older is not None:
            _close_duplicate(repo, created, of=older)
            return (
                f"issue #{older.number} was opened by a concurrent run; closed the "
                f"duplicate #{created.number}"
            )
        return f"created issue #{created.number}: {_counts(history)}"
    if history.links:
        created = _create(repo, label=label, title=title, body=body)
        repo.update_issue(
            created.number,
            action=f"close issue #{created.number}",
            state="closed",
            state_reason="completed",
        )
        return (
            f"created issue #{created.number} to remember {_counts(history)} and closed it: "
            "nothing to report yet"
        )
    return "no broken links; no tracking issue needed"


def build_body(report: Report, history: History, *, artifact_hint: str | None) -> str:
    """Marker and state block first (never truncated), then the report in what is left."""
    head = f"{MARKER}\n{encode(history.state())}\n\n"
    return head + render(
        report,
        max_chars=BODY_LIMIT - size(head),
        artifact_hint=artifact_hint,
        history=history,
        intro=INTRO,
    )


def _choose(marked: list[Issue]) -> tuple[Issue | None, list[Issue]]:
    """The issue to keep (the oldest open one, else the newest closed non-duplicate) and
    the other open ones, to close as duplicates."""
    opened = sorted((i for i in marked if i.state == "open"), key=lambda i: i.number)
    if opened:
        return opened[0], opened[1:]
    closed = [i for i in marked if i.state_reason != "duplicate"]
    return (max(closed, key=lambda i: i.number) if closed else None), []


def _previous_state(issue: Issue | None) -> tuple[State | None, str]:
    if issue is None:
        return None, ""
    try:
        return decode(issue.body), ""
    except StateError as exc:
        return None, f" ({exc}; flake memory restarted)"


def _create(repo: Repo, *, label: str, title: str, body: str) -> Issue:
    created = repo.create_issue(title=title, body=body, labels=[label])
    if not created.has_label(label):
        # GitHub drops labels silently when the token may not set them; without the
        # label the next run would not find this issue and would open another one.
        repo.add_labels(created.number, [label])
    return created


def _older_open(repo: Repo, *, label: str, than: Issue) -> Issue | None:
    opened = [
        i
        for i in repo.issues(label=label, state="open")
        if MARKER in i.body and i.number != than.number
    ]
    older = [i for i in opened if i.number < than.number]
    return min(older, key=lambda i: i.number) if older else None


def _close_duplicate(repo: Repo, issue: Issue, *, of: Issue | None) -> None:
    if of is None:
        return
    repo.create_comment(
        issue.number,
        body=f"Duplicate of #{of.number}: linkcheck keeps one tracking issue "
        "(this one was opened by a concurrent run).",
        what=f"#{issue.number}",
    )
    repo.update_issue(
        issue.number,
        action=f"close duplicate issue #{issue.number}",
        state="closed",
        state_reason="duplicate",
        duplicate_issue_id=of.id,
    )


def _title(history: History) -> str:
    broken = sum(
        1
        for e in history.links.values()
        if e.reported_since is not None and e.status is Status.BROKEN
    )
    listed = history.reported
    if not listed:
        return "Link check: no broken links"
    if broken == listed:
        return f"Link check: {listed} broken link{'s' if listed != 1 else ''}"
    return f"Link check: {listed} failing link{'s' if listed != 1 else ''}"


def _counts(history: History) -> str:
    parts = []
    if history.reported:
        parts.append(f"{history.reported} failing link{'s' if history.reported != 1 else ''}")
    if history.watched:
        parts.append(f"{history.watched} unverified link{'s' if history.watched != 1 else ''}")
        parts[-1] += " watched"
    if history.recovered:
        parts.append(f"{len(history.recovered)} recovered")
    return ", ".join(parts) or "nothing failing"


def _closing_comment(report: Report) -> str:
    at = ""
    if report.github and report.github.sha:
        at = f" at {escape.code(report.github.sha[:7])}"
    run = ""
    if report.github and report.github.run_url:
        run = f" ([workflow run]({escape.link_target(report.github.run_url)}))"
    return (
        f"✅ Every link is healthy again{at}{run}. Closing; linkcheck reopens this issue "
        "if links break again."
    )
