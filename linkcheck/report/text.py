"""The terminal report: failing links first, grouped by section and entry (paper title).

Pure: ``render(report) -> str``. Colour is optional ANSI, chosen by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linkcheck.models import Finding, Link, Report, Status, Verdict

_STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


@dataclass(frozen=True, slots=True)
class _Paint:
    color: bool

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def place(link: Link) -> str:
    """``README.md:57:3`` (column when known)."""
    loc = link.location
    return f"{loc.path}:{loc.line}" + (f":{loc.column}" if loc.column else "")


def render_dump(report: Report) -> str:
    """``--dump``: one link a line, ``file:line kind url`` (the CLI contract; the column
    is in the JSON dump)."""
    lines = [
        f"{v.link.location.path}:{v.link.location.line} {v.link.kind.value} {v.link.url}"
        for v in report.verdicts
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def render(
    report: Report,
    *,
    strict: bool = False,
    verbose: bool = False,
    quiet: bool = False,
    color: bool = False,
) -> str:
    """The grouped verdict. ``quiet``: failing links and the result line only;
    ``verbose``: every link, including ok and skipped ones."""
    paint = _Paint(color)
    out: list[str] = []
    summary = report.summary
    if not quiet:
        files = ", ".join(report.files)
        out.append(
            paint(f"linkcheck {files}", "bold")
            + f" — {summary.total} links, {summary.unique_urls} unique, "
            f"{summary.duration_s:.1f} s"
        )
        out.append("  " + _counts(report, paint))
        if report.interrupted:
            out.append(paint("  interrupted: links not reached are listed as skipped", "yellow"))
        for warning in report.warnings:
            out.append(paint(f"  warning: {warning}", "yellow"))

    broken = [v for v in report.verdicts if v.status is Status.BROKEN]
    unverified = [v for v in report.verdicts if v.status is Status.UNVERIFIED]
    redirected = [v for v in report.verdicts if v.status is Status.REDIRECTED]
    _group(out, "BROKEN", broken, paint, "red", "✗")
    if unverified:
        note = (
            "failing the run (--strict)"
            if strict
            else "could not be verified automatically; not failing the run (--strict to fail)"
        )
        _group(out, "UNVERIFIED", unverified, paint, "yellow", "?", note=note)
    if not quiet:
        _group(out, "REDIRECTED", redirected, paint, "cyan", "→", note="update these URLs")
        warned = [v for v in report.verdicts if v.warning]
        if warned:
            out.append("")
            out.append(paint(f"WARNINGS ({len(warned)})", "bold", "yellow"))
            for v in warned:
                out.append(f"  {place(v.link)}  {v.warning}")
        _findings(out, report.findings, paint)
        if verbose:
            ok = [v for v in report.verdicts if v.status is Status.OK]
            skipped = [v for v in report.verdicts if v.status is Status.SKIPPED]
            _group(out, "OK", ok, paint, "green", "✓")
            _group(out, "SKIPPED", skipped, paint, "dim", "-")
    out.append("")
    out.append(_result_line(report, strict=strict, paint=paint))
    return "\n".join(out) + "\n"


def _counts(report: Report, paint: _Paint) -> str:
    s = report.summary
    parts = [
        paint(f"{s.ok} ok", "green"),
        paint(f"{s.redirected} redirected", "cyan"),
        paint(f"{s.broken} broken", "red" if s.broken else "green"),
        paint(f"{s.unverified} unverified", "yellow" if s.unverified else "dim"),
        paint(f"{s.skipped} skipped", "dim"),
    ]
    return " · ".join(parts)


def _group(
    out: list[str],
    title: str,
    verdicts: Sequence[Verdict],
    paint: _Paint,
    style: str,
    mark: str,
    *,
    note: str = "",
) -> None:
    if not verdicts:
        return
    out.append("")
    heading = f"{title} ({len(verdicts)})"
    out.append(paint(heading, "bold", style) + (paint(f" — {note}", "dim") if note else ""))
    for section, entries in _by_section(verdicts):
        out.append(paint(section or "(before the first heading)", "bold"))
        for entry, items in entries:
            indent = "  "
            if entry:
                out.append(f"  • {entry}")
                indent = "    "
            for v in items:
                link = v.link
                text = f" [{link.text}]" if link.text and link.text != link.url else ""
                out.append(f"{indent}{place(link)}  {link.kind.value}{text}  {link.url}")
                detail = f"{v.reason}: {v.detail}" if v.detail else v.reason
                out.append(indent + paint(f"{mark} {detail}", style))
                if v.fix:
                    out.append(indent + paint(f"  fix: {v.fix}", "cyan"))


def _by_section(
    verdicts: Iterable[Verdict],
) -> list[tuple[str, list[tuple[str, list[Verdict]]]]]:
    """Keep document order, grouping consecutive-or-not items of the same section/entry."""
    sections: dict[str, dict[str, list[Verdict]]] = {}
    for v in verdicts:
        sections.setdefault(v.link.section, {}).setdefault(v.link.entry, []).append(v)
    return [(s, list(entries.items())) for s, entries in sections.items()]


def _findings(out: list[str], findings: Sequence[Finding], paint: _Paint) -> None:
    if not findings:
        return
    out.append("")
    out.append(paint(f"FINDINGS ({len(findings)})", "bold", "magenta"))
    for f in findings:
        lines = ",".join(str(n) for n in f.lines)
        subject = f.url or (f"[{f.label}]" if f.label else "")
        out.append(f"  {f.file}:{lines}  {f.type.value}  {subject}")
        if f.detail:
            out.append("    " + paint(f.detail, "magenta"))


def _result_line(report: Report, *, strict: bool, paint: _Paint) -> str:
    failing = report.failing(strict=strict)
    if not failing:
        unverified = report.summary.unverified
        extra = f" ({unverified} unverified, not failing)" if unverified else ""
        return paint(f"✓ no broken links{extra}", "bold", "green")
    broken = sum(1 for v in failing if v.status is Status.BROKEN)
    unverified = len(failing) - broken
    parts = []
    if broken:
        parts.append(f"{broken} broken")
    if unverified:
        parts.append(f"{unverified} unverified (--strict)")
    return paint(
        "✗ " + " and ".join(parts) + " link" + ("s" if len(failing) > 1 else ""), "bold", "red"
    )
