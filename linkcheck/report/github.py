"""GitHub Actions output: workflow-command annotations and the job summary.

``render_annotations`` is pure: ``::error file=…,line=…,col=…,title=…::message`` lines,
escaped by the workflow-command rules (``%``, CR and LF in every value; also ``:`` and
``,`` in properties), so text from the list can never end a command or start another.
Broken links are errors (so are unverified ones with ``--strict``); unverified links,
permanent redirects and findings are warnings; non-failing remarks (an anchor that only
matches case-insensitively) are notices.

GitHub shows at most 10 annotations of each type per step and 50 per job; the rest are
silently dropped. So each type gets at most 9 annotations plus, when there are more, one
that says how many were left out and where to see them.

``append_step_summary`` appends the Markdown report to ``$GITHUB_STEP_SUMMARY``, kept
under the 1 MiB a step summary may have (a larger one is dropped entirely).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from linkcheck.errors import DeliveryError
from linkcheck.models import Finding, FindingType, Report, Status, Verdict
from linkcheck.report import markdown

PER_TYPE = 10
"""Annotations of one type GitHub shows per step."""
SUMMARY_LIMIT = 1024 * 1024
"""Bytes a step summary may have."""
_SUMMARY_MARGIN = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotation:
    """One workflow command before escaping."""

    level: str
    """``error``, ``warning`` or ``notice``."""
    message: str
    title: str = ""
    file: str | None = None
    line: int | None = None
    col: int | None = None

    def command(self) -> str:
        props = []
        if self.file is not None:
            props.append(f"file={escape_property(self.file)}")
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.col is not None:
            props.append(f"col={self.col}")
        if self.title:
            props.append(f"title={escape_property(self.title)}")
        head = f"::{self.level}" + (" " + ",".join(props) if props else "")
        return f"{head}::{escape_data(self.message)}"


def escape_data(value: str) -> str:
    """A workflow-command message: ``%``, CR and LF percent-encoded."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow-command property value: as data, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def collect(report: Report, *, strict: bool) -> list[Annotation]:
    """Every annotation the report calls for, before the per-type limit."""
    errors: list[Annotation] = []
    warnings: list[Annotation] = []
    notices: list[Annotation] = []
    for v in report.verdicts:
        if v.status is Status.BROKEN or (strict and v.status is Status.UNVERIFIED):
            errors.append(_verdict(v, "error"))
    if not strict:
        warnings += [_verdict(v, "warning") for v in _with(report, Status.UNVERIFIED)]
    warnings += [_verdict(v, "warning") for v in _with(report, Status.REDIRECTED)]
    warnings += [_finding(f) for f in report.findings]
    for v in report.verdicts:
        if v.warning and v.status is not Status.BROKEN:
            notices.append(_remark(v))
    return errors + warnings + notices


def render_annotations(report: Report, *, strict: bool) -> str:
    """``--format github``: one workflow command a line, at most 10 per type."""
    lines: list[str] = []
    found = collect(report, strict=strict)
    for level in ("error", "warning", "notice"):
        of_level = [a for a in found if a.level == level]
        lines += [a.command() for a in _limited(of_level, level)]
    return "\n".join(lines) + ("\n" if lines else "")


def _limited(items: Sequence[Annotation], level: str) -> list[Annotation]:
    if len(items) <= PER_TYPE:
        return list(items)
    shown = list(items[: PER_TYPE - 1])
    rest = len(items) - len(shown)
    what = {"error": "failing links", "warning": "warnings", "notice": "notices"}[level]
    shown.append(
        Annotation(
            level=level,
            title=f"linkcheck: {rest} more {what}",
            message=f"{rest} more {what} are not annotated (GitHub shows {PER_TYPE} per "
            "type); see the job summary or the JSON report for all of them.",
        )
    )
    return shown


def _with(report: Report, status: Status) -> list[Verdict]:
    return [v for v in report.verdicts if v.status is status]


_TITLES = {
    Status.BROKEN: "Broken link",
    Status.UNVERIFIED: "Unverified link",
    Status.REDIRECTED: "Permanent redirect",
}


def _verdict(v: Verdict, level: str) -> Annotation:
    link = v.link
    detail = v.detail or v.reason
    message = f"{link.url} — {detail} [{v.reason}]"
    if link.entry:
        message += f"\nentry: {link.entry}"
    if v.fix:
        message += f"\nfix: {v.fix}"
    return Annotation(
        level=level,
        title=f"{_TITLES.get(v.status, 'Link')} ({link.kind.value})",
        message=message,
        file=markdown.repo_path(link.location.path),
        line=link.location.line,
        col=link.location.column,
    )


def _remark(v: Verdict) -> Annotation:
    return Annotation(
        level="notice",
        title=f"Link remark ({v.link.kind.value})",
        message=f"{v.link.url}: {v.warning}",
        file=markdown.repo_path(v.link.location.path),
        line=v.link.location.line,
        col=v.link.location.column,
    )


def _finding(f: Finding) -> Annotation:
    titles = {
        FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES: "Same URL under two titles",
        FindingType.DUPLICATE_URL: "Duplicate URL",
        FindingType.UNUSED_REFERENCE: "Unused reference definition",
        FindingType.DUPLICATE_REFERENCE: "Duplicate reference definition",
    }
    lines = ", ".join(str(n) for n in f.lines)
    message = f"{f.detail or f.type.value} (lines {lines})"
    return Annotation(
        level="warning",
        title=titles.get(f.type, f.type.value),
        message=message,
        file=markdown.repo_path(f.file),
        line=f.lines[0] if f.lines else None,
    )


def append_step_summary(report: Report, environ: Mapping[str, str]) -> None:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` (no-op when unset).

    Kept under 1 MiB together with what the step already wrote there; raises
    :class:`DeliveryError` when the file cannot be written.
    """
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    path = Path(target)
    try:
        existing = path.stat().st_size if path.exists() else 0
    except OSError as exc:
        raise DeliveryError(f"{target}: cannot read the step summary: {exc}") from None
    budget = SUMMARY_LIMIT - existing - _SUMMARY_MARGIN
    if budget < 8192:
        raise DeliveryError(f"{target}: the step summary is full (1 MiB); report not appended")
    text = _summary_text(report, budget)
    try:
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(("\n" if existing else "") + text)
    except OSError as exc:
        raise DeliveryError(f"{target}: cannot write the step summary: {exc}") from None


def _summary_text(report: Report, budget_bytes: int) -> str:
    """The report in at most ``budget_bytes`` of UTF-8 (characters are up to 4 bytes)."""
    max_chars = budget_bytes
    while True:
        text = markdown.render(report, max_chars=max_chars)
        encoded = len(text.encode("utf-8"))
        if encoded <= budget_bytes:
            return text
        max_chars = max(1024, int(max_chars * budget_bytes / encoded) - 256)
