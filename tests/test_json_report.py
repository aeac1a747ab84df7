"""The v1 JSON report: every field of a checked link survives a save and a load."""

from __future__ import annotations

import json

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
from linkcheck.report import json as json_report


def _link(url: str, line: int) -> Link:
    return Link(
        url=url,
        raw=url,
        syntax=Syntax.REFERENCE,
        kind=Kind.PAPER,
        location=Location(path="README.md", line=line, column=3),
        text="ICML",
        section="Papers › 2023",
        entry="A Title",
        definition_line=line + 40,
    )


def test_round_trip_keeps_checks_findings_and_context() -> None:
    moved = Verdict(
        link=_link("http://arxiv.org/pdf/2301.00001.pdf#page=2", 5),
        status=Status.REDIRECTED,
        reason="permanent_redirect",
        detail="moved permanently to https://arxiv.org/abs/2301.00001",
        check=Check(
            url="http://arxiv.org/pdf/2301.00001.pdf",
            http_status=200,
            final_url="https://arxiv.org/abs/2301.00001",
            redirects=(Hop(url="http://arxiv.org/abs/2301.00001", status=301),),
            attempts=2,
            elapsed_ms=431,
            requested_url="http://arxiv.org/abs/2301.00001",
            quirks=("arxiv-pdf-via-abs",),
        ),
        fix="https://arxiv.org/pdf/2301.00001.pdf#page=2",
        warning="a remark",
    )
    dead = Verdict(
        link=_link("https://gone.example/", 6),
        status=Status.BROKEN,
        reason="dns",
        detail="name does not exist",
        check=Check(url="https://gone.example/", error=FetchError.DNS, attempts=1),
    )
    report = Report(
        files=("README.md",),
        verdicts=(moved, dead),
        findings=(
            Finding(
                type=FindingType.UNUSED_REFERENCE,
                file="README.md",
                lines=(9,),
                label="x",
                url="https://x.example",
                detail="[x] is defined but never used",
            ),
        ),
        warnings=("README.md:3: invalid UTF-8",),
        duration_s=1.25,
        github=GitHubContext(
            repository="o/r",
            sha="a" * 40,
            pr_number=7,
            run_url="https://github.com/o/r/actions/runs/1",
        ),
    )
    text = json_report.render(report)
    data = json.loads(text)
    item = data["links"][0]
    assert item["requested_url"] == "http://arxiv.org/abs/2301.00001"
    assert item["quirks"] == ["arxiv-pdf-via-abs"]
    assert item["redirects"] == [{"url": "http://arxiv.org/abs/2301.00001", "status": 301}]
    assert data["links"][1]["error"] == "dns"
    assert data["github"]["pr_number"] == 7
    loaded = json_report.load(text)
    assert loaded.verdicts[0].check == moved.check
    assert loaded.verdicts[0].link == moved.link
    assert loaded.verdicts[1].check is not None and loaded.verdicts[1].check.error is FetchError.DNS
    assert loaded.findings == report.findings
    assert loaded.github == report.github
    assert json_report.render(loaded) == text


def test_dump_report_has_no_check_fields() -> None:
    verdict = Verdict(
        link=_link("https://a.example/", 1), status=Status.SKIPPED, reason="not_checked"
    )
    data = json.loads(
        json_report.render(Report(files=("README.md",), verdicts=(verdict,), checked=False))
    )
    assert data["summary"] == {"total": 1, "unique_urls": 1}
    assert set(data["links"][0]) == {
        "url",
        "raw",
        "file",
        "line",
        "column",
        "syntax",
        "kind",
        "text",
        "section",
        "entry",
        "definition_line",
    }
