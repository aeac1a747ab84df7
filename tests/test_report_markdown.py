"""The Markdown report: content, escaping (checked with GitHub's renderer) and the limit."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fakegithub.reports import REPO, RUN_URL, SHA, healthy, report, verdict

from linkcheck.github.state import advance
from linkcheck.models import Finding, FindingType, Kind, Status
from linkcheck.report import escape
from linkcheck.report.markdown import render, size

HOSTILE = "@octocat </details> | <script>alert(1)</script> #1 GH-2 `tick` [x](javascript:y) *b* _i_ ~s~ $x$ https://evil.example/p www.evil.example a@b.example\nnext line"  # noqa: E501
OURS = ("https://github.com/",)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.prose: list[str] = []
        """Text outside code spans (where GitHub would look for mentions and references)."""
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        self._in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._in_code:
            self.prose.append(data)


def github_html(markdown: str) -> _Html:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    parsed = _Html()
    parsed.feed(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )
    return parsed


def hostile_report() -> object:
    return report(
        *healthy(),
        verdict(
            f"https://dead.example/{HOSTILE}",
            Status.BROKEN,
            line=7,
            entry=HOSTILE,
            section=HOSTILE,
            text=HOSTILE,
            detail=HOSTILE,
            fix=f"https://fix.example/{HOSTILE}",
        ),
        verdict("https://wall.example/", Status.UNVERIFIED, line=8, entry=HOSTILE, text=HOSTILE),
        verdict(
            "https://moved.example/",
            Status.REDIRECTED,
            line=9,
            entry=HOSTILE,
            fix=f"https://new.example/{HOSTILE}",
        ),
        findings=(
            Finding(
                type=FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES,
                file="README.md",
                lines=(7, 9),
                url=f"https://dup.example/{HOSTILE}",
                entries=(HOSTILE, "B"),
            ),
        ),
    )


def test_hostile_text_cannot_mention_reference_inject_or_break_out() -> None:
    markdown = render(hostile_report())  # type: ignore[arg-type]
    html = github_html(markdown)
    text = "".join(html.text)
    assert {t.lstrip("/") for t in html.tags} <= {
        "h2",
        "h3",
        "h4",
        "p",
        "ul",
        "li",
        "strong",
        "em",
        "code",
        "a",
        "details",
        "summary",
        "sub",
        "blockquote",
    }
    assert html.tags.count("details") == html.tags.count("/details") == 1
    assert all(h.startswith(OURS) for h in html.hrefs), html.hrefs  # nothing autolinked
    prose = "".join(html.prose)
    for token in ("@octocat", "#1", "GH-2", "a@b.example", "https://evil", "www.evil"):
        assert token not in prose, token
    assert "@\u200boctocat" in text and "#\u200b1" in text
    assert "<script>alert(1)</script>" in text  # shown as text, not markup
    assert "\nnext line" not in markdown  # user text never starts a line


def test_every_line_of_user_text_starts_with_our_markup() -> None:
    markdown = render(hostile_report())  # type: ignore[arg-type]
    for line in markdown.splitlines():
        assert not line or line.startswith(
            ("#", "-", "  -", "`", "<", ">", "*", "\\", "[", "README", "Bot walls", "1 ")
        ), line


def test_content_groups_by_section_and_entry_with_links_to_lines() -> None:
    rep = report(
        verdict("https://a.example/1", Status.BROKEN, line=57, entry="Spiking Paper", text="ICML"),
        verdict(
            "https://a.example/2",
            Status.BROKEN,
            line=58,
            entry="Spiking Paper",
            text="code",
            kind=Kind.CODE,
        ),
        verdict("https://b.example/", Status.BROKEN, line=90, section="Surveys", entry="A Survey"),
        verdict("https://old.example/", Status.REDIRECTED, line=12, fix="https://new.example/"),
        verdict("https://wall.example/", Status.UNVERIFIED, line=13, entry="Walled"),
        findings=(
            Finding(
                type=FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES,
                file="README.md",
                lines=(83, 84),
                url="https://openreview.net/pdf?id=x",
                entries=("SNN-RAT", "Emergence of Hierarchical Layers"),
            ),
        ),
    )
    md = render(rep)
    blob = f"https://github.com/{REPO}/blob/{SHA}/README.md?plain=1"
    assert md.startswith("## ❌ Link check: 3 broken links\n")
    assert f"[`{SHA[:7]}`](https://github.com/{REPO}/commit/{SHA})" in md
    assert "### ❌ Broken links (3)" in md
    papers = md.index("#### Papers › 2023")
    assert papers < md.index("- **Spiking Paper**") < md.index("#### Surveys")
    assert f"  - [README.md:57]({blob}#L57) · paper “ICML” · `https://a.example/1` — " in md
    assert "· code · `https://a.example/2`" in md and "404 Not Found (`http_404`)" in md
    assert "### ↪️ Permanent redirects: update these URLs (1)" in md
    assert "`https://old.example/` → `https://new.example/`" in md
    assert (
        "same URL under two titles — likely copy-paste:** `https://openreview.net/pdf?id=x`" in md
    )
    assert f"[line 83]({blob}#L83)" in md and "*SNN\\-RAT* / *Emergence" not in md
    assert "*SNN-RAT* / *Emergence of Hierarchical Layers*" in md
    details = md[md.index("<details>") : md.index("</details>")]
    assert "1 link unverified" in details and "Walled" in details
    assert md.rstrip().endswith(f"[workflow run]({RUN_URL})</sub>")


def test_without_a_github_context_places_are_plain() -> None:
    rep = report(verdict("https://a.example/1", Status.BROKEN, line=57))
    md = render(type(rep)(files=rep.files, verdicts=rep.verdicts))
    assert "`README.md:57`" in md and "https://github.com" not in md


def test_history_says_how_long_links_fail_and_what_recovered() -> None:
    dead = verdict("https://dead.example/", Status.BROKEN, line=3, entry="Old Paper")
    fixed = verdict("https://fixed.example/", Status.BROKEN, line=4, entry="Fixed Paper")
    wall = verdict("https://wall.example/", Status.UNVERIFIED, line=5, entry="Walled")
    first = advance(None, report(dead, fixed, wall), flaky_runs=3, now=1_700_000_000)
    later = report(dead, wall, verdict("https://fixed.example/", Status.OK, line=4))
    second = advance(first.state(), later, flaky_runs=3, now=1_700_086_400)
    md = render(later, history=second)
    assert "failing since 2023-11-14 (2 runs)" in md
    assert "### ✅ Fixed or removed since the last run (1)" in md
    assert "`https://fixed.example/` (was at `README.md:4` — Fixed Paper" in md
    assert "failed 2 of 3 runs needed to list it" in md  # the young flake, collapsed
    assert "1 unverified link not listed yet" in md
    assert "Unreachable for" not in md


def test_a_70000_character_report_is_cut_at_whole_items_with_a_note() -> None:
    many = [
        verdict(f"https://dead.example/{i}", Status.BROKEN, line=i, entry=f"Paper {i} " + "t" * 200)
        for i in range(260)
    ] + [verdict(f"https://wall.example/{i}", Status.UNVERIFIED, line=900 + i) for i in range(40)]
    rep = report(*many)
    full = render(rep, max_chars=10**7)
    assert size(full) > 70_000
    cut = render(rep, artifact_hint="https://example.org/artifact")
    assert size(cut) <= 65_536
    shown = [i for i in range(260) if f"`https://dead.example/{i}`" in cut]
    assert shown == list(range(len(shown)))  # whole items, in order
    assert (
        f"**… {260 - len(shown)} more failing links not shown; 2 more items not shown; "
        "full JSON report: [`https://example.org/artifact`](https://example.org/artifact)**" in cut
    )
    assert cut.count("<details>") == cut.count("</details>")
    assert cut.rstrip().endswith("</sub>")


@pytest.mark.parametrize("limit", [3_000, 8_000, 20_000])
def test_any_limit_is_respected(limit: int) -> None:
    many = [
        verdict(f"https://d.example/{i}", Status.BROKEN, line=i, entry="é😀" * 30)
        for i in range(200)
    ]
    cut = render(report(*many), max_chars=limit)
    assert size(cut) <= limit and "more failing links not shown" in cut


def test_escape_helpers() -> None:
    assert escape.code("a`b``c") == "```a`b``c```"
    assert escape.code("`x`") == "`` `x` ``"
    assert escape.text("a\r\nb\tc\x00") == "a b\tc"
    assert escape.text("x" * 400).endswith("…") and len(escape.text("x" * 400)) == 300
    assert escape.link_target("https://x.example/a b(c)") == "https://x.example/a%20b%28c%29"


def test_one_huge_entry_is_cut_in_chunks_not_dropped() -> None:
    many = [
        verdict(f"https://d.example/{i}", Status.BROKEN, line=i, entry="Same") for i in range(2000)
    ]
    cut = render(report(*many))
    shown = sum(1 for i in range(2000) if f"`https://d.example/{i}`" in cut)
    assert shown > 200 and f"… {2000 - shown} more failing links not shown" in cut
    assert "- **Same** (continued)" in cut


def test_warnings_are_listed_collapsed_with_their_fix() -> None:
    from dataclasses import replace

    base = verdict(
        "#Survey_Papers", Status.OK, line=7, kind=Kind.ANCHOR, entry="@octocat </details>"
    )
    warned = replace(
        base,
        warning="anchor #Survey_Papers only matches #survey_papers case-insensitively",
        fix="#survey_papers",
    )
    md = render(report(warned))
    assert "⚠️ 1 warning: links that work but should be written differently" in md
    assert escape.text("only matches #survey_papers case-insensitively") in md
    assert "`#survey_papers`" in md
    assert md.count("</details>") == md.count("<details>")
    assert render(report(base)).count("<details>") == 0
