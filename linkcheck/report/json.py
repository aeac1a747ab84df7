"""The version-1 JSON report: rendering, and loading a saved one back (``--from-json``).

``links`` has one item per occurrence. A ``--dump`` report (``checked`` false) carries no
check fields. Loading is strict about the version and the required fields, so a
truncated or foreign file is refused with one clear line instead of half-published.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from linkcheck.errors import InputError
from linkcheck.models import (
    Check,
    FetchError,
    Finding,
    FindingType,
    GitHubContext,
    Hop,
    Kind,
    Link,
    Location,
    Report,
    Status,
    Syntax,
    Verdict,
)

VERSION = 1


def render(report: Report) -> str:
    """The report as pretty JSON text (ends with a newline)."""
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def to_data(report: Report) -> dict[str, Any]:
    summary = report.summary
    data: dict[str, Any] = {
        "version": VERSION,
        "tool": "linkcheck",
        "files": list(report.files),
        "checked": report.checked,
    }
    if report.checked:
        data["summary"] = {
            "total": summary.total,
            "unique_urls": summary.unique_urls,
            "ok": summary.ok,
            "redirected": summary.redirected,
            "broken": summary.broken,
            "unverified": summary.unverified,
            "skipped": summary.skipped,
            "duration_s": round(summary.duration_s, 3),
        }
        if report.interrupted:
            data["interrupted"] = True
    else:
        data["summary"] = {"total": summary.total, "unique_urls": summary.unique_urls}
    data["links"] = [_verdict(v, checked=report.checked) for v in report.verdicts]
    data["findings"] = [_finding(f) for f in report.findings]
    if report.warnings:
        data["warnings"] = list(report.warnings)
    if report.github is not None:
        data["github"] = {
            "repository": report.github.repository,
            "sha": report.github.sha,
            "pr_number": report.github.pr_number,
            "server_url": report.github.server_url,
            "run_url": report.github.run_url,
        }
    return data


def _verdict(verdict: Verdict, *, checked: bool) -> dict[str, Any]:
    link = verdict.link
    item: dict[str, Any] = {
        "url": link.url,
        "raw": link.raw,
        "file": link.location.path,
        "line": link.location.line,
        "column": link.location.column,
        "syntax": link.syntax.value,
        "kind": link.kind.value,
        "text": link.text,
        "section": link.section,
        "entry": link.entry,
    }
    if link.definition_line is not None:
        item["definition_line"] = link.definition_line
    if not checked:
        return item
    check = verdict.check
    item.update(
        {
            "status": verdict.status.value,
            "reason": verdict.reason,
            "detail": verdict.detail,
            "http_status": check.http_status if check else None,
            "final_url": check.final_url if check else None,
            "redirects": [{"url": h.url, "status": h.status} for h in check.redirects]
            if check
            else [],
            "attempts": check.attempts if check else 0,
            "elapsed_ms": check.elapsed_ms if check else 0,
        }
    )
    if check is not None:
        item["checked_url"] = check.url
        if check.requested_url is not None:
            item["requested_url"] = check.requested_url
        if check.quirks:
            item["quirks"] = list(check.quirks)
        if check.error is not None:
            item["error"] = check.error.value
    if verdict.fix is not None:
        item["fix"] = verdict.fix
    if verdict.warning is not None:
        item["warning"] = verdict.warning
    return item


def _finding(finding: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": finding.type.value,
        "file": finding.file,
        "lines": list(finding.lines),
    }
    if finding.url is not None:
        item["url"] = finding.url
    if finding.entries:
        item["entries"] = list(finding.entries)
    if finding.label is not None:
        item["label"] = finding.label
    if finding.detail:
        item["detail"] = finding.detail
    return item


# ---------------------------------------------------------------------------------------
# Loading


def load(text: str, *, source: str = "report") -> Report:
    """A :class:`Report` from saved JSON; :class:`InputError` on anything malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return from_data(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"{source}: not a linkcheck v{VERSION} report ({_describe(exc)})"
        ) from None


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)


def from_data(data: Any) -> Report:
    if not isinstance(data, Mapping):
        raise TypeError("top level is not an object")
    if data.get("version") != VERSION:
        raise ValueError(f"version is {data.get('version')!r}, expected {VERSION}")
    checked = bool(data.get("checked", True))
    verdicts = tuple(_load_verdict(item, checked=checked) for item in data["links"])
    findings = tuple(_load_finding(item) for item in data.get("findings", []))
    github = None
    if isinstance(data.get("github"), Mapping):
        g = data["github"]
        github = GitHubContext(
            repository=str(g["repository"]),
            sha=g.get("sha"),
            pr_number=int(g["pr_number"]) if g.get("pr_number") is not None else None,
            server_url=str(g.get("server_url") or "https://github.com"),
            run_url=g.get("run_url"),
        )
    summary = data.get("summary") or {}
    return Report(
        files=tuple(str(f) for f in data["files"]),
        verdicts=verdicts,
        findings=findings,
        warnings=tuple(str(w) for w in data.get("warnings", [])),
        duration_s=float(summary.get("duration_s", 0.0)),
        checked=checked,
        interrupted=bool(data.get("interrupted", False)),
        github=github,
    )


def _load_verdict(item: Mapping[str, Any], *, checked: bool) -> Verdict:
    link = Link(
        url=str(item["url"]),
        raw=str(item.get("raw", item["url"])),
        syntax=Syntax(item["syntax"]),
        kind=Kind(item["kind"]),
        location=Location(
            path=str(item["file"]), line=int(item["line"]), column=item.get("column")
        ),
        text=str(item.get("text", "")),
        section=str(item.get("section", "")),
        entry=str(item.get("entry", "")),
        definition_line=item.get("definition_line"),
    )
    if not checked:
        return Verdict(link=link, status=Status.SKIPPED, reason="not_checked")
    check = None
    if "checked_url" in item:
        check = Check(
            url=str(item["checked_url"]),
            http_status=item.get("http_status"),
            final_url=item.get("final_url"),
            redirects=tuple(
                Hop(url=str(h["url"]), status=int(h["status"])) for h in item.get("redirects", [])
            ),
            attempts=int(item.get("attempts", 1)),
            elapsed_ms=int(item.get("elapsed_ms", 0)),
            error=FetchError(item["error"]) if item.get("error") else None,
            requested_url=item.get("requested_url"),
            quirks=tuple(str(q) for q in item.get("quirks", [])),
        )
    return Verdict(
        link=link,
        status=Status(item["status"]),
        reason=str(item["reason"]),
        detail=str(item.get("detail", "")),
        check=check,
        fix=item.get("fix"),
        warning=item.get("warning"),
    )


def _load_finding(item: Mapping[str, Any]) -> Finding:
    return Finding(
        type=FindingType(item["type"]),
        file=str(item["file"]),
        lines=tuple(int(n) for n in item["lines"]),
        url=item.get("url"),
        entries=tuple(str(e) for e in item.get("entries", [])),
        label=item.get("label"),
        detail=str(item.get("detail", "")),
    )
