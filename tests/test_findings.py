"""Findings about the list itself: the same URL twice, and under two different titles."""

from __future__ import annotations

from linkcheck.extract import extract
from linkcheck.findings import duplicate_findings, same_url_key
from linkcheck.models import FindingType
from linkcheck.pipeline import list_findings

LIST = """# List

- [[ICML](https://arxiv.org/abs/1)] First Paper [[pdf](HTTPS://ARXIV.ORG:443/abs/1/)]
- [[ICML](https://arxiv.org/abs/2)] Second Paper
- [[ICML](https://arxiv.org/abs/2)] Third Paper
- [a](#list) [b](#list) ![logo](logo.png) ![logo](logo.png)
- [![Awesome](https://awesome.re/badge.svg)](https://awesome.re) [c](https://x.example/p)
- [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)
"""


def test_same_url_key_ignores_what_does_not_change_the_target() -> None:
    assert same_url_key("HTTPS://Arxiv.org:443/abs/1/") == same_url_key("https://arxiv.org/abs/1")
    assert same_url_key("http://a.example:80") == same_url_key("http://a.example/")
    assert same_url_key("https://a.example/x?q=1") != same_url_key("https://a.example/x?q=2")
    assert same_url_key("https://a.example/x#one") != same_url_key("https://a.example/x#two")
    assert same_url_key("https://a.example/X") != same_url_key("https://a.example/x")


def test_duplicates_within_an_entry_and_across_entries() -> None:
    document = extract(LIST, "README.md")
    findings = duplicate_findings(document.links)
    assert [(f.type, f.lines, f.entries) for f in findings] == [
        (FindingType.DUPLICATE_URL, (3, 3), ("First Paper",)),
        (
            FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES,
            (4, 5),
            ("Second Paper", "Third Paper"),
        ),
    ]
    # Anchors, images and badges repeat legitimately: no finding for lines 6-8.


def test_with_a_scope_only_findings_touching_a_changed_line_remain() -> None:
    document = extract(LIST, "README.md")
    assert [f.lines for f in list_findings([document], scope={"README.md": frozenset({5})})] == [
        (4, 5)
    ]
    assert list_findings([document], scope={"README.md": frozenset({7})}) == []
    assert list_findings([document], scope={}) == []
