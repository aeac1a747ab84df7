"""The Markdown report: the tracking issue, the pull-request comment and the job summary.

Pure: ``render(report) -> str``. Failing links come first, grouped by section and entry
(the paper's title), each with its kind, its line (a link to the file at the checked
commit when the report knows its GitHub context), the reason, how long it has been failing
(with a :class:`~linkcheck.github.state.History`) and the fix when one is known. Then links
fixed since the last run, permanent redirects to update, findings about the list itself,
and the unverified links in a collapsed ``<details>`` block.

Every piece of text that comes from the checked Markdown goes through
:mod:`linkcheck.report.escape`, so a list cannot mention users, reference issues, close
our ``<details>`` or inject HTML. The result never exceeds ``max_chars`` (GitHub refuses
bodies over 65,536 characters): whole items are dropped from the end and a note says how
many failing links are not shown and where the full JSON report is.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from linkcheck import __version__
from linkcheck.github.state import History
from linkcheck.models import Finding, FindingType, GitHubContext, Link, Report, Status, Verdict
from linkcheck.report import escape

BODY_LIMIT = 65_536
"""GitHub's limit for issue and comment bodies."""
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_CHUNK = 25
"""Links of one entry per item (the unit that truncation keeps or drops)."""

_FINDING_TITLES = {
    FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES: "same URL under two titles — likely copy-paste",
    FindingType.DUPLICATE_URL: "same URL more than once",
    FindingType.UNUSED_REFERENCE: "reference definition never used",
    FindingType.DUPLICATE_REFERENCE: "second definition of a reference label (ignored)",
}


def size(text: str) -> int:
    """Length as GitHub may count it: UTF-16 code units (never less than code points)."""
    return len(text.encode("utf-16-le")) // 2


def render(
    report: Report,
    *,
    max_chars: int = BODY_LIMIT,
    artifact_hint: str | None = None,
    history: History | None = None,
    heading: str | None = None,
    intro: str | None = None,
) -> str:
    """The report as GitHub-flavoured Markdown, at most ``max_chars`` long (see :func:`size`).

    ``artifact_hint``: where the full JSON report is (a URL or a short text), named when
    items had to be left out; defaults to the run URL. ``history``: the flake memory of
    scheduled runs — unverified links it does not list yet are shown as *watched*, and
    each listed link says since when it fails. ``heading`` replaces the default title;
    ``intro`` is a line of our own Markdown put under it (never text from the list).
    """
    view = _View(report=report, history=history)
    blocks = [
        _failing_block(view, Status.BROKEN),
        _failing_block(view, Status.UNVERIFIED),
        _recovered_block(view),
        _redirect_block(view),
        _findings_block(view),
        _warnings_details(view),
        _unverified_details(view),
    ]
    head = _head(view, heading=heading, intro=intro)
    hint = artifact_hint or (report.github.run_url if report.github else None)
    return _fit(head, [b for b in blocks if b.items], _footer(report), hint, max_chars)


# ---------------------------------------------------------------------------------------
# What goes where


@dataclass(frozen=True, slots=True)
class _View:
    report: Report
    history: History | None

    def listed(self, status: Status) -> list[Verdict]:
        """Verdicts of ``status`` the report lists as failing (history: only promoted)."""
        found = [v for v in self.report.verdicts if v.status is status]
        if self.history is None:
            return found if status is Status.BROKEN else []
        return [v for v in found if self.history.reportable(v)]

    def watched(self) -> list[Verdict]:
        found = [v for v in self.report.verdicts if v.status is Status.UNVERIFIED]
        if self.history is None:
            return found
        return [v for v in found if not self.history.reportable(v)]

    @property
    def github(self) -> GitHubContext | None:
        return self.report.github


@dataclass(slots=True)
class _Item:
    text: str
    failing: int = 0
    """Failing links it shows (for the "N more failing links not shown" note)."""
    group: str | None = None
    """Section heading that must precede it, shared with its neighbours."""


@dataclass(slots=True)
class _Block:
    opener: str
    items: list[_Item] = field(default_factory=list)
    closer: str = ""


def _head(view: _View, *, heading: str | None, intro: str | None) -> str:
    report = view.report
    s = report.summary
    failing = len(view.listed(Status.BROKEN)) + len(view.listed(Status.UNVERIFIED))
    if heading is None:
        only_broken = failing == len(view.listed(Status.BROKEN))
        noun = "broken link" if only_broken else "failing link"
        heading = (
            f"Link check: {_plural(failing, noun)}" if failing else "Link check: no broken links"
        )
    lines = [f"## {'❌' if failing else '✅'} {heading}", ""]
    if intro:
        lines += [intro, ""]
    files = ", ".join(escape.code(repo_path(f)) for f in report.files) or "no file"
    where = f"{files}{_commit(view.github)}"
    counts = [
        f"{s.total} links ({s.unique_urls} unique)",
        f"{s.ok} ok",
        f"{s.redirected} redirected",
        f"{s.broken} broken",
        f"{s.unverified} unverified",
        f"{s.skipped} skipped",
    ]
    lines.append(f"{where} · " + " · ".join(counts) + f" · {s.duration_s:.1f} s")
    if view.history is not None and view.history.watched:
        lines += [
            "",
            f"{_plural(view.history.watched, 'unverified link')} not listed yet: an "
            f"unreachable link is listed after failing {view.history.flaky_runs} runs in a row.",
        ]
    if report.interrupted:
        lines += ["", "> [!WARNING]", "> The run was interrupted: not every link was checked."]
    return "\n".join(lines) + "\n"


def _failing_block(view: _View, status: Status) -> _Block:
    verdicts = view.listed(status)
    if status is Status.BROKEN:
        title = f"### ❌ Broken links ({len(verdicts)})"
    else:
        runs = view.history.flaky_runs if view.history else 1
        title = (
            f"### ❔ Unreachable for {runs}+ runs in a row ({len(verdicts)})\n\n"
            "Bot walls, rate limits, timeouts or server errors that did not go away."
        )
    block = _Block(opener=f"\n{title}\n\n")
    block.items = list(_grouped(view, verdicts, failing=True))
    return block


def _grouped(view: _View, verdicts: Sequence[Verdict], *, failing: bool) -> Iterable[_Item]:
    """One item per entry, under a heading per section, in document order."""
    sections: dict[str, dict[str, list[Verdict]]] = {}
    for v in verdicts:
        sections.setdefault(v.link.section, {}).setdefault(v.link.entry, []).append(v)
    for section, entries in sections.items():
        group = f"#### {escape.text(section) if section else '(before the first heading)'}\n\n"
        for entry, items in entries.items():
            # A huge entry is cut into chunks, so that truncation still shows most of it.
            for start in range(0, len(items), _CHUNK):
                chunk = items[start : start + _CHUNK]
                lines: list[str] = []
                indent = ""
                if entry:
                    more = " (continued)" if start else ""
                    lines.append(f"- **{escape.text(entry)}**{more}")
                    indent = "  "
                lines += [f"{indent}- {_link_line(view, v)}" for v in chunk]
                yield _Item(
                    text="\n".join(lines) + "\n",
                    failing=len(chunk) if failing else 0,
                    group=group,
                )


def _link_line(view: _View, v: Verdict) -> str:
    link = v.link
    parts = [_place(link, view.github), _kind(link), escape.code(link.url)]
    line = " · ".join(parts) + f" — {_reason(v)}"
    since = _since(view.history, v)
    if since:
        line += f" · {since}"
    if v.fix and v.fix != link.url:
        line += f" · **fix:** {escape.code(v.fix)}"
    return line


def _kind(link: Link) -> str:
    text = link.text.strip()
    if text and text not in (link.url, link.raw) and text.casefold() != link.kind.value:
        return f"{link.kind.value} “{escape.text(text, limit=80)}”"
    return link.kind.value


def _reason(v: Verdict) -> str:
    detail = escape.text(v.detail) if v.detail else ""
    reason = escape.code(v.reason)
    return f"{detail} ({reason})" if detail else reason


def _since(history: History | None, v: Verdict) -> str:
    if history is None:
        return ""
    entry = history.of(v)
    if entry is None:
        return ""
    if entry.reported_since is None:
        return f"failed {entry.runs} of {history.flaky_runs} runs needed to list it"
    if history.is_new(v):
        return "🆕 new" if entry.runs == 1 else f"🆕 newly listed, failing {entry.runs} runs"
    return f"failing since {_date(entry.first_failed)} ({_plural(entry.runs, 'run')})"


def _recovered_block(view: _View) -> _Block:
    block = _Block(opener="")
    if view.history is None or not view.history.recovered:
        return block
    count = len(view.history.recovered)
    block.opener = f"\n### ✅ Fixed or removed since the last run ({count})\n\n"
    for r in view.history.recovered:
        name = r.key.split("\t", 1)[-1]
        entry = f" — {escape.text(r.entry)}" if r.entry else ""
        block.items.append(
            _Item(
                text=f"- {escape.code(name)} (was at {escape.code(r.where)}{entry}; "
                f"failed {_plural(r.runs, 'run')} since {_date(r.first_failed)})\n"
            )
        )
    return block


def _redirect_block(view: _View) -> _Block:
    redirected = [v for v in view.report.verdicts if v.status is Status.REDIRECTED]
    block = _Block(opener=f"\n### ↪️ Permanent redirects: update these URLs ({len(redirected)})\n\n")
    for v in redirected:
        fix = escape.code(v.fix) if v.fix else "(the final URL is not known)"
        entry = f" — {escape.text(v.link.entry)}" if v.link.entry else ""
        block.items.append(
            _Item(
                text=f"- {_place(v.link, view.github)}{entry}: {escape.code(v.link.url)} → {fix}\n"
            )
        )
    return block


def _findings_block(view: _View) -> _Block:
    findings = view.report.findings
    block = _Block(opener=f"\n### 🔁 Problems in the list itself ({len(findings)})\n\n")
    block.items = [_Item(text=_finding_line(view, f)) for f in findings]
    return block


def _finding_line(view: _View, f: Finding) -> str:
    title = _FINDING_TITLES.get(f.type, f.type.value)
    subject = ""
    if f.url:
        subject = " " + escape.code(f.url)
    elif f.label:
        subject = " " + escape.code(f"[{f.label}]")
    places = ", ".join(_line_ref(f.file, n, view.github) for n in f.lines)
    entries = " / ".join(f"*{escape.text(e)}*" for e in f.entries)
    text = f"- **{title}:**{subject} at {escape.code(repo_path(f.file))} {places}"
    if entries:
        text += f": {entries}"
    return text + "\n"


def _warnings_details(view: _View) -> _Block:
    warned = [v for v in view.report.verdicts if v.warning]
    summary = (
        f"⚠️ {_plural(len(warned), 'warning')}: links that work but should be written differently"
    )
    block = _Block(opener=f"\n<details>\n<summary>{summary}</summary>\n\n", closer="\n</details>\n")
    block.items = [
        _Item(
            text=f"- {_place(v.link, view.github)}: {escape.text(v.warning or '')}"
            + (f" → {escape.code(v.fix)}" if v.fix else "")
            + "\n"
        )
        for v in warned
    ]
    return block


def _unverified_details(view: _View) -> _Block:
    watched = view.watched()
    what = "watched" if view.history is not None else "unverified"
    summary = (
        f"❔ {_plural(len(watched), 'link')} {what}: could not be verified automatically "
        "(bot walls, rate limits, timeouts)"
    )
    block = _Block(opener=f"\n<details>\n<summary>{summary}</summary>\n\n", closer="\n</details>\n")
    block.items = list(_grouped(view, watched, failing=False))
    return block


# ---------------------------------------------------------------------------------------
# Places


def repo_path(path: str) -> str:
    """A file as GitHub names it in a repository: POSIX, no leading ``./``."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def _blob_url(path: str, line: int, github: GitHubContext | None) -> str | None:
    in_repo = repo_path(path)
    if github is None or not github.sha or in_repo.startswith(("/", "../")):
        return None
    server = github.server_url.rstrip("/")
    # GitHub shows Markdown rendered, where #L57 points nowhere: ?plain=1 shows the source.
    plain = "?plain=1" if in_repo.lower().endswith(MARKDOWN_SUFFIXES) else ""
    url = f"{server}/{github.repository}/blob/{github.sha}/{quote(in_repo)}{plain}#L{line}"
    return escape.link_target(url)


def _place(link: Link, github: GitHubContext | None) -> str:
    loc = link.location
    label = f"{repo_path(loc.path)}:{loc.line}"
    url = _blob_url(loc.path, loc.line, github)
    shown = f"[{escape.text(label)}]({url})" if url else escape.code(label)
    if link.definition_line is not None and link.definition_line != loc.line:
        shown += f" (defined on {_line_ref(loc.path, link.definition_line, github)})"
    return shown


def _line_ref(path: str, line: int, github: GitHubContext | None) -> str:
    url = _blob_url(path, line, github)
    return f"[line {line}]({url})" if url else f"line {line}"


def _commit(github: GitHubContext | None) -> str:
    if github is None or not github.sha:
        return ""
    short = escape.code(github.sha[:7])
    server = github.server_url.rstrip("/")
    url = escape.link_target(f"{server}/{github.repository}/commit/{github.sha}")
    return f" at [{short}]({url})"


def _footer(report: Report) -> str:
    parts = [f"linkcheck {__version__}"]
    if report.github and report.github.run_url:
        parts.append(f"[workflow run]({escape.link_target(report.github.run_url)})")
    return "\n<sub>" + " · ".join(parts) + "</sub>\n"


# ---------------------------------------------------------------------------------------
# Fitting into the limit


def _fit(head: str, blocks: Sequence[_Block], footer: str, hint: str | None, max_chars: int) -> str:
    """Head, then whole items while they fit, each block closed; a note for the rest."""
    note_reserve = size(_note(10**9, 10**9, hint))
    budget = max_chars - size(head) - size(footer) - note_reserve
    if budget < 0:
        raise ValueError(f"max_chars={max_chars} leaves no room for the report")
    out: list[str] = []
    used = 0
    omitted_failing = omitted_other = 0
    for block in blocks:
        taken: list[str] = []
        block_used = size(block.opener) + size(block.closer)
        group: str | None = None
        full = False
        for item in block.items:
            piece = item.text
            if item.group is not None and item.group != group:
                piece = ("\n" if group is not None else "") + item.group + piece
            if full or used + block_used + size(piece) > budget:
                full = True
                omitted_failing += item.failing
                omitted_other += 0 if item.failing else 1
                continue
            taken.append(piece)
            block_used += size(piece)
            group = item.group
        if taken:
            out.append(block.opener + "".join(taken) + block.closer)
            used += block_used
    body = head + "".join(out)
    if omitted_failing or omitted_other:
        body += _note(omitted_failing, omitted_other, hint)
    return body + footer


def _note(failing: int, other: int, hint: str | None) -> str:
    parts = []
    if failing:
        parts.append(f"{_plural(failing, 'more failing link')} not shown")
    if other:
        parts.append(f"{_plural(other, 'more item')} not shown")
    where = _hint(hint)
    return f"\n> **… {'; '.join(parts)}; full JSON report: {where}**\n"


def _hint(hint: str | None) -> str:
    if not hint:
        return "run `linkcheck --format json`"
    if hint.startswith(("https://", "http://")):
        return f"[{escape.code(hint, limit=120)}]({escape.link_target(hint)})"
    return escape.text(hint)


# ---------------------------------------------------------------------------------------
# Words


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _date(epoch: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))
