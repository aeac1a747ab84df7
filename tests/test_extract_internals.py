"""Internals of extraction that must stay exactly equal to markdown-it's behaviour."""

from __future__ import annotations

import random

from markdown_it import MarkdownIt

from linkcheck.html_links import scan_html, srcset_urls
from linkcheck.markdown import ALREADY_NORMAL, InlinePlacer, line_starts


def test_fast_path_urls_are_exactly_what_normalize_link_returns() -> None:
    md = MarkdownIt("gfm-like")
    rng = random.Random(20261129)
    alphabet = "abcXYZ09;/?:@&=+$,-_.!~*'()#% [|\"<>\\é"
    prefixes = ["https://", "http://", "", "mailto:", "//", "ftp://", "https://ex.com", "#"]
    fast = 0
    for _ in range(50_000):
        url = rng.choice(prefixes) + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 25))
        )
        if ALREADY_NORMAL.match(url):
            fast += 1
            assert md.normalizeLink(url) == url, url
    assert fast > 1000  # the fast path is actually taken


def test_line_starts() -> None:
    assert line_starts("") == [0]
    assert line_starts("a\nbc\n") == [0, 2, 5]


def test_placer_maps_list_continuation_lines_to_their_source_columns() -> None:
    lines = ["- first [a](x)", "  > second [b](y)"]
    placer = InlinePlacer(lines=lines, first_line=0, content="first [a](x)\nsecond [b](y)")
    assert placer.place(6) == (1, 9)
    assert placer.place(13 + 7) == (2, 12)


def test_placer_gives_no_column_when_the_line_does_not_end_with_the_content() -> None:
    placer = InlinePlacer(lines=["something else"], first_line=0, content="[a](x)")
    assert placer.place(0) == (1, None)


def test_srcset_candidates() -> None:
    assert srcset_urls("a.png 1x, b.png 2x") == [("a.png", 0), ("b.png", 10)]
    # As the HTML standard parses it: a URL runs to whitespace, so this is one URL.
    assert srcset_urls("a.png,b.png") == [("a.png,b.png", 0)]
    assert srcset_urls("a.png, b.png 480w,c.png") == [("a.png", 0), ("b.png", 7), ("c.png", 18)]
    assert srcset_urls("  ") == []


def test_scan_html_ignores_comments_script_and_style() -> None:
    scan = scan_html(
        '<!-- <a href="https://c.example">c</a> --><script>var a = "<a href=x>";</script>'
        '<style>a{}</style><a href="https://ok.example" id="top">ok</a>'
    )
    assert [link.url for link in scan.links] == ["https://ok.example"]
    assert scan.links[0].text == "ok"
    assert scan.anchors == ("top",)


def test_scan_html_attribute_lookalikes_are_not_links() -> None:
    scan = scan_html('<img data-src="lazy.png" src="real.png"><a xlink:href="no" href="yes">y</a>')
    assert [link.raw for link in scan.links] == ["real.png", "yes"]
