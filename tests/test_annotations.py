"""`--format github`: workflow-command annotations and the job summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakegithub.reports import healthy, report, save, verdict

from linkcheck.cli import main
from linkcheck.errors import DeliveryError
from linkcheck.models import Finding, FindingType, Kind, Status
from linkcheck.report.github import (
    PER_TYPE,
    SUMMARY_LIMIT,
    Annotation,
    append_step_summary,
    escape_data,
    escape_property,
    render_annotations,
)

COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def parse(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Each line as (level, properties, message), unescaped; fails on a malformed line."""
    found = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match, line
        props = {}
        for pair in (match.group(2) or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                props[key] = _unescape(value)
        found.append((match.group(1), props, _unescape(match.group(3))))
    return found


def _unescape(value: str) -> str:
    for code, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, ch)
    return value


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("50% done\r\nnext::x") == "50%25 done%0D%0Anext::x"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = Annotation(
        level="error", title="T: a, b", message="m\n::warning::injected", file="d,r:/x.md", line=3
    ).command()
    assert line == "::error file=d%2Cr%3A/x.md,line=3,title=T%3A a%2C b::m%0A::warning::injected"
    assert "\n" not in line


def test_levels_and_content() -> None:
    rep = report(
        *healthy(),
        verdict("https://dead.example/", Status.BROKEN, line=7, entry="A Paper"),
        verdict("https://wall.example/", Status.UNVERIFIED, line=8),
        verdict("https://old.example/", Status.REDIRECTED, line=9, fix="https://new.example/"),
        findings=(
            Finding(
                type=FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES,
                file="./README.md",
                lines=(3, 4),
                url="https://d.example",
                detail="same URL, two titles",
            ),
        ),
    )
    found = parse(render_annotations(rep, strict=False))
    assert [(level, p.get("line")) for level, p, _ in found] == [
        ("error", "7"),
        ("warning", "8"),
        ("warning", "9"),
        ("warning", "3"),
    ]
    _level, props, message = found[0]
    assert props == {"file": "README.md", "line": "7", "col": "3", "title": "Broken link (paper)"}
    assert message == "https://dead.example/ — 404 Not Found [http_404]\nentry: A Paper"
    assert "fix: https://new.example/" in found[2][2]
    assert (
        found[3][1]["file"] == "README.md" and found[3][1]["title"] == "Same URL under two titles"
    )
    strict = parse(render_annotations(rep, strict=True))
    assert [level for level, _, _ in strict][:2] == ["error", "error"]


def test_ten_per_type_with_a_summary_for_the_rest() -> None:
    rep = report(
        *[verdict(f"https://d.example/{i}", Status.BROKEN, line=i) for i in range(25)],
        *[verdict(f"https://w.example/{i}", Status.UNVERIFIED, line=100 + i) for i in range(4)],
        *[verdict(f"#a{i}", Status.OK, line=200 + i, kind=Kind.ANCHOR) for i in range(3)],
    )
    found = parse(render_annotations(rep, strict=False))
    errors = [f for f in found if f[0] == "error"]
    assert len(errors) == PER_TYPE == 10
    assert errors[-1][1] == {"title": "linkcheck: 16 more failing links"}
    assert "16 more failing links are not annotated" in errors[-1][2]
    assert len([f for f in found if f[0] == "warning"]) == 4
    assert len(found) <= 50


def test_cli_writes_annotations_and_appends_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step output\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    saved = save(
        report(verdict("https://dead.example/", Status.BROKEN, line=7)), tmp_path / "r.json"
    )
    assert main(["--from-json", str(saved), "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=README.md,line=7,col=3,")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step output\n\n## ❌ Link check: 1 broken link")


def test_summary_stays_under_one_mebibyte(tmp_path: Path) -> None:
    many = [
        verdict(f"https://dead.example/{i}", Status.BROKEN, line=i, entry=f"{i} " + "論文" * 100)
        for i in range(3000)
    ]
    summary = tmp_path / "summary.md"
    summary.write_text("x" * 100_000, encoding="utf-8")
    append_step_summary(report(*many), {"GITHUB_STEP_SUMMARY": str(summary)})
    written = summary.read_bytes()
    assert len(written) <= SUMMARY_LIMIT
    assert b"more failing links not shown" in written


def test_summary_is_skipped_outside_actions_and_fails_loudly_when_unwritable(
    tmp_path: Path,
) -> None:
    append_step_summary(report(), {})  # no GITHUB_STEP_SUMMARY: nothing to do
    with pytest.raises(DeliveryError, match="cannot write the step summary"):
        append_step_summary(report(), {"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "s.md")})
