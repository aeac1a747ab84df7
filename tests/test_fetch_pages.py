"""The streaming page scan: title, first heading and wanted ids, whatever the chunking."""

from __future__ import annotations

import random

import pytest

from linkcheck.pages import (
    TITLE_SCAN_BYTES,
    PageScanner,
    charset_of,
    fragment_forms,
    fragment_found,
    is_html,
)

DOC = (
    "<!DOCTYPE html><html><head><meta charset=utf-8>"
    "<title>Paper &amp; Code | Lab</title>"
    '<script>var s = "<a id=\\"in-script\\">";</script></head><body>'
    '<h1 class="t"><a href="/">Deep <em>Learning</em></a>\n for   All</h1>'
    "<h2 id=intro>Intro</h2>"
    "<a name='legacy'></a>"
    '<div title="a > b" id="after-quoted-gt"></div>'
    '<div id="user-content-install"></div>'
    '<p ID="Mixed_Case">x</p>'
    '<section id="%E4%B8%AD">中</section><section id="中文"></section>'
    "</body></html>"
)
WANTED = {"intro", "legacy", "after-quoted-gt", "install", "mixed_case", "中文", "absent"}


def scan(chunks: list[str], wanted: set[str]) -> PageScanner:
    scanner = PageScanner(wanted=wanted)
    for chunk in chunks:
        scanner.feed(chunk)
    return scanner


def splits(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), 12))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.parametrize("seed", range(8))
def test_result_does_not_depend_on_chunking(seed: int) -> None:
    whole = scan([DOC], WANTED).page(complete=True)
    pieces = scan(splits(DOC, seed), WANTED).page(complete=True)
    bytewise = scan(list(DOC), WANTED).page(complete=True)
    assert whole == pieces == bytewise


def test_title_heading_and_ids() -> None:
    page = scan([DOC], WANTED).page(complete=True)
    assert page.title == "Paper & Code | Lab"
    assert page.heading == "Deep Learning for All"
    assert page.ids is not None
    assert {
        "intro",
        "legacy",
        "after-quoted-gt",
        "user-content-install",
        "Mixed_Case",
        "中文",
    } <= page.ids
    assert "absent" not in page.ids
    assert "in-script" not in page.ids  # not wanted: never kept


def test_only_ids_that_could_match_are_kept() -> None:
    many = "".join(f'<p id="p{i}"></p>' for i in range(5000))
    page = scan([f"<title>t</title><h1>h</h1>{many}"], {"p42"}).page(complete=True)
    assert page.ids == {"p42"}


def test_done_once_everything_wanted_is_seen() -> None:
    scanner = PageScanner(wanted={"intro"})
    scanner.feed("<title>T</title><h1>H</h1>")
    assert not scanner.done
    scanner.feed('<h2 id="intro">')
    assert scanner.done
    plain = PageScanner()
    plain.feed("<title>T</title>")
    assert not plain.done
    plain.feed("<body><h1>H</h1>")
    assert plain.done


def test_no_heading_still_ends_after_the_title_scan_window() -> None:
    scanner = PageScanner()
    scanner.feed("<title>T</title>" + "x" * TITLE_SCAN_BYTES)
    assert scanner.done
    assert scanner.page(complete=False).heading is None


def test_a_case_only_match_does_not_stop_the_scan() -> None:
    scanner = PageScanner(wanted={"intro"})
    scanner.feed('<title>T</title><h1>H</h1><p id="Intro">')
    assert not scanner.done  # "Intro" only matches leniently; keep looking for "intro"
    page = scanner.page(complete=True)
    assert page.ids == {"Intro"}


def test_incomplete_flag() -> None:
    scanner = PageScanner(wanted={"x"})
    scanner.feed("<title>T</title><h1>H</h1>")
    assert scanner.page(complete=False).complete is False
    assert scanner.page(complete=True).complete is True


def test_fragment_matching() -> None:
    assert fragment_forms("a%20b") == {"a%20b", "a b", "user-content-a%20b", "user-content-a b"}
    assert fragment_found("install", {"user-content-install"}, casefold=False)
    assert not fragment_found("Survey_Papers", {"user-content-survey_papers"}, casefold=False)
    assert fragment_found("Survey_Papers", {"user-content-survey_papers"}, casefold=True)
    assert fragment_found("%E4%B8%AD%E6%96%87", {"中文"}, casefold=False)


def test_content_types() -> None:
    assert is_html("text/html; charset=UTF-8")
    assert is_html("application/xhtml+xml")
    assert not is_html("application/pdf")
    assert not is_html(None)
    assert charset_of("text/html; charset=ISO-8859-1") == "iso8859-1"
    assert charset_of("text/html; charset=bogus") == "utf-8"
    assert charset_of(None) == "utf-8"
