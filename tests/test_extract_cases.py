"""Data-driven extraction cases (tests/cases/extraction.txt): Markdown in, rows out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from linkcheck.extract import extract
from linkcheck.models import Document, Link

CASES = Path(__file__).parent / "cases" / "extraction.txt"


@dataclass
class Case:
    title: str
    markdown: str
    links: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    verbatim: bool = False


def load_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        title = line.strip()
        assert lines[i + 1] == ".", f"case {title!r}: expected '.' after the title"
        j = i + 2
        body: list[str] = []
        while lines[j] != ".":
            body.append(lines[j])
            j += 1
        j += 1
        rows: list[str] = []
        while lines[j] != ".":
            rows.append(lines[j])
            j += 1
        verbatim = title.endswith("[verbatim]")
        case = Case(title=title, markdown="\n".join(body) + "\n", verbatim=verbatim)
        for row in rows:
            if row.startswith("finding "):
                case.findings.append(row)
            elif row.startswith("heading "):
                case.headings.append(row)
            else:
                case.links.append(row)
        cases.append(case)
        i = j + 1
    return cases


def link_matches(row: str, link: Link) -> str | None:
    """None when the link fits the row, else what differs."""
    head, *extras = [part.strip() for part in row.split(" | ")]
    place, syntax, kind, url = head.split(" ", 3)
    line, column = place.split(":")
    actual = {
        "line": str(link.location.line),
        "column": str(link.location.column) if link.location.column else "-",
        "syntax": link.syntax.value,
        "kind": link.kind.value,
        "url": link.url,
        "raw": link.raw,
        "text": link.text,
        "entry": link.entry,
        "section": link.section,
        "def": str(link.definition_line),
    }
    expected = {"line": line, "column": column, "syntax": syntax, "kind": kind, "url": url}
    for extra in extras:
        key, _, value = extra.partition("=")
        expected[key] = value
    diffs = [
        f"{k}: expected {v!r}, got {actual[k]!r}" for k, v in expected.items() if actual[k] != v
    ]
    return "; ".join(diffs) or None


def finding_row(document: Document) -> list[str]:
    rows = []
    for f in document.findings:
        subject = f.label if f.label is not None else (f.url or "")
        rows.append(f"finding {f.type.value} {','.join(map(str, f.lines))} {subject}".rstrip())
    return rows


ALL = load_cases(CASES)


def test_case_file_is_not_empty() -> None:
    assert len(ALL) >= 15


@pytest.mark.parametrize("case", ALL, ids=[re.sub(r"\W+", "-", c.title)[:60] for c in ALL])
def test_extraction_case(case: Case) -> None:
    document = extract(case.markdown, "case.md", include_verbatim=case.verbatim)
    got = list(document.links)
    assert len(got) == len(case.links), (
        f"expected {len(case.links)} links, got {len(got)}:\n"
        + "\n".join(
            f"{k.location.line}:{k.location.column} {k.syntax} {k.kind} {k.url}" for k in got
        )
    )
    problems = []
    for row, link in zip(case.links, got, strict=True):
        diff = link_matches(row, link)
        if diff:
            problems.append(f"{row}\n    -> {diff}")
    assert not problems, "\n".join(problems)
    assert finding_row(document) == case.findings
    if case.headings:
        assert [f"heading {h.slug}" for h in document.headings] == case.headings
