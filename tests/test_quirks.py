"""The quirk table, row by row: each row alone, and the order they apply in."""

from __future__ import annotations

import re

import pytest

from linkcheck.quirks import (
    QUIRKS,
    Quirk,
    casefold_fragments,
    ignored_fragment,
    looks_like_challenge,
    plan_request,
    redirect_expected,
    walled_statuses,
)


def test_names_are_unique_and_every_row_says_what_it_does() -> None:
    names = [q.name for q in QUIRKS]
    assert len(names) == len(set(names))
    assert all(q.what for q in QUIRKS)


@pytest.mark.parametrize(
    ("url", "requested"),
    [
        ("https://arxiv.org/pdf/2302.10685.pdf", "https://arxiv.org/abs/2302.10685"),
        ("https://arxiv.org/pdf/2302.10685", "https://arxiv.org/abs/2302.10685"),
        ("http://arxiv.org/pdf/2302.10685v2.pdf", "http://arxiv.org/abs/2302.10685v2"),
        ("https://arxiv.org/pdf/2302.10685v3/", "https://arxiv.org/abs/2302.10685v3"),
        ("https://export.arxiv.org/pdf/1706.03762", "https://export.arxiv.org/abs/1706.03762"),
        ("https://arxiv.org/pdf/cs/0112017v1", "https://arxiv.org/abs/cs/0112017v1"),
        ("https://arxiv.org/pdf/math.GT/0309136", "https://arxiv.org/abs/math.GT/0309136"),
        ("https://openreview.net/pdf?id=rJ4km2R5t7", "https://openreview.net/forum?id=rJ4km2R5t7"),
        (
            "https://openaccess.thecvf.com/content_cvpr_2016/papers/He_Deep_CVPR_2016_paper.pdf",
            "https://openaccess.thecvf.com/content_cvpr_2016/html/He_Deep_CVPR_2016_paper.html",
        ),
        (
            "https://openaccess.thecvf.com/content/CVPR2023/papers/X_CVPR_2023_paper.pdf",
            "https://openaccess.thecvf.com/content/CVPR2023/html/X_CVPR_2023_paper.html",
        ),
        # Left alone:
        (
            "https://openaccess.thecvf.com/content/CVPR2023/supplemental/X_supp.pdf",
            "https://openaccess.thecvf.com/content/CVPR2023/supplemental/X_supp.pdf",
        ),
        ("https://arxiv.org/abs/2302.10685", "https://arxiv.org/abs/2302.10685"),
        (
            "https://arxiv.org/pdf/2302.10685.pdf?download=1",
            "https://arxiv.org/pdf/2302.10685.pdf?download=1",
        ),
        ("https://notarxiv.org/pdf/2302.10685", "https://notarxiv.org/pdf/2302.10685"),
        ("https://openreview.net/forum?id=x", "https://openreview.net/forum?id=x"),
    ],
)
def test_request_rewrites(url: str, requested: str) -> None:
    assert plan_request(url).url == requested


def test_rewrites_record_their_names() -> None:
    assert plan_request("https://arxiv.org/pdf/2302.10685").applied == ("arxiv-pdf-via-abs",)
    assert plan_request("https://example.org/x").applied == ()


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.csdn.net/u/article/details/1",
        "https://zhuanlan.zhihu.com/p/1",
        "https://ieeexplore.ieee.org/document/1",
        "https://dl.acm.org/doi/10.1145/1",
        "https://www.researchgate.net/publication/1",
    ],
)
def test_walled_hosts_get_the_browser_agent(url: str) -> None:
    plan = plan_request(url)
    assert plan.browser_agent and plan.applied


def test_csdn_walls_are_bot_walls() -> None:
    walls = walled_statuses(["https://blog.csdn.net/u/article/details/1"])
    assert walls == {403: "csdn-bot-wall", 521: "csdn-bot-wall"}
    assert walled_statuses(["https://example.org/"]) == {}


def test_doi_redirects_are_expected() -> None:
    assert redirect_expected("https://doi.org/10.1109/CVPR.2016.90") == "doi-resolver"
    assert redirect_expected("http://dx.doi.org/10.1/x") == "doi-resolver"
    assert redirect_expected("https://example.org/doi.org/") is None


@pytest.mark.parametrize(
    ("url", "fragment", "rule"),
    [
        ("https://github.com/o/r/blob/main/x.py", "L10", "github-line-fragments"),
        ("https://github.com/o/r/blob/main/x.py", "L10-L20", "github-line-fragments"),
        ("https://github.com/o/r/blame/main/x.py", "L3C2-L4C9", "github-line-fragments"),
        ("https://github.com/o/r", "readme", "github-readme-fragment"),
        ("https://github.com/o/r/tree/main", "readme-ov-file", "github-readme-fragment"),
        ("https://arxiv.org/pdf/2302.10685", "page=3", "pdf-open-parameters"),
        ("https://example.org/paper.PDF", "zoom=100", "pdf-open-parameters"),
        ("https://yifu-ding.github.io/", "/", "hash-route"),
        ("https://app.example.org/", "/docs/intro", "hash-route"),
        ("https://app.example.org/", "!/page", "hash-route"),
        ("https://example.org/post", ":~:text=hello", "text-fragment"),
        ("https://example.org/post", "intro:~:text=hello", "text-fragment"),
        ("https://example.org/post", "top", "top-fragment"),
        # Ids all the same:
        ("https://github.com/o/r/issues/1", "L10", None),
        ("https://example.org/x.py", "L10", None),
        ("https://example.org/page", "page=3", None),
        ("https://example.org/page", "intro", None),
        ("https://gitlab.com/o/r", "readme", None),
    ],
)
def test_fragments_that_are_not_ids(url: str, fragment: str, rule: str | None) -> None:
    assert ignored_fragment([url], fragment) == rule


def test_github_matches_anchors_case_insensitively() -> None:
    assert casefold_fragments(["https://github.com/o/r"]) == "github-anchors"
    assert casefold_fragments(["https://example.org/"]) is None


def test_rows_apply_in_table_order() -> None:
    table = (
        Quirk(name="one", pattern=re.compile("^a"), rewrite=lambda m: "b" + m.string[1:], what="."),
        Quirk(name="two", pattern=re.compile("^b"), rewrite=lambda m: "c" + m.string[1:], what="."),
    )
    assert plan_request("a-x", table).url == "c-x"
    assert plan_request("a-x", table).applied == ("one", "two")
    assert plan_request("a-x", table[::-1]).applied == ("one",)


@pytest.mark.parametrize(
    ("status", "headers", "title", "expected"),
    [
        (403, {"cf-mitigated": "challenge"}, None, True),
        (503, {"server": "cloudflare"}, "Just a moment...", True),
        (403, {"server": "cloudflare"}, None, True),
        (503, {"server": "cloudflare"}, "Service Unavailable", False),
        (403, {}, "Access Denied", True),
        (403, {"server": "nginx"}, "Forbidden", False),
        (200, {}, "Just a moment: a paper on patience", False),
    ],
)
def test_challenge_pages(
    status: int, headers: dict[str, str], title: str | None, expected: bool
) -> None:
    assert looks_like_challenge(status, headers, title) is expected
