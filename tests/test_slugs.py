"""Heading ids as GitHub makes them; github-slugger (npm) is the reference when present."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import node_binary, node_modules, require_tool
from linkcheck.anchors import resolve_fragment
from linkcheck.extract import extract
from linkcheck.models import Status
from linkcheck.slugs import Slugger, slugify

CASES = [
    ("Survey_Papers", "survey_papers"),
    ("Survey_of_ANN-SNN", "survey_of_ann-snn"),
    ("2023", "2023"),
    ("FAQ & Tips!", "faq--tips"),
    ("What's New? (2024)", "whats-new-2024"),
    ("C++ / C# :: Notes", "c--c--notes"),
    ("Books :closed_book:", "books-closed_book"),
    ("Héllo Wörld", "héllo-wörld"),
    ("中文 資料", "中文-資料"),
    ("Ελληνικά Κεφαλαία", "ελληνικά-κεφαλαία"),
    ("emoji 🚀 rocket", "emoji--rocket"),
    ("1 · Foundations · Neural Coding", "1--foundations--neural-coding"),
    ("A\u00a0B", "ab"),
    ("  leading and trailing  ", "--leading-and-trailing--"),
    ("tab\there", "tabhere"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "slug"), CASES)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_repeats_are_numbered_in_order() -> None:
    slugger = Slugger()
    ids = [slugger.slug(t) for t in ["Intro", "Intro", "intro", "Intro-1", "Intro"]]
    # "Intro-1" written by hand collides with the generated one and moves on.
    assert ids == ["intro", "intro-1", "intro-2", "intro-1-1", "intro-3"]


def test_slugs_agree_with_github_slugger() -> None:
    modules, node = node_modules(), node_binary()
    require_tool("node with github-slugger (.ci/run installs it)", bool(modules and node))
    assert modules is not None and node is not None
    texts = [t for t, _ in CASES] + ["Intro", "Intro", "intro", "Intro-1", "Intro"]
    script = (
        "import(process.argv[1]).then(({default: S}) => { const s = new S();"
        " const t = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        " process.stdout.write(JSON.stringify(t.map(x => s.slug(x)))); });"
    )
    result = subprocess.run(
        [node, "-e", script, (modules / "github-slugger" / "index.js").as_uri()],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    slugger = Slugger()
    assert [slugger.slug(t) for t in texts] == json.loads(result.stdout)


def test_heading_text_is_the_rendered_text() -> None:
    markdown = (
        "# Awesome [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)\n"
        "## Tom &amp; Jerry&nbsp;&nbsp;`code` **bold** <sub>sub</sub> :anger:\n"
        "## Setext? No, ATX ##\n"
        "Real setext\n"
        "===========\n"
    )
    document = extract(markdown, "x.md")
    assert [h.slug for h in document.headings] == [
        "awesome-",
        "tom--jerrycode-bold-sub-anger",
        "setext-no-atx",
        "real-setext",
    ]


def test_fragments_match_exactly_case_insensitively_or_not_at_all() -> None:
    anchors = frozenset({"survey_papers", "top-section", "Custom"})
    assert resolve_fragment("survey_papers", anchors, where="x").status is Status.OK
    assert resolve_fragment("user-content-survey_papers", anchors, where="x").status is Status.OK
    assert resolve_fragment("%E4%B8%AD", frozenset({"中"}), where="x").status is Status.OK
    assert resolve_fragment("", anchors, where="x").status is Status.OK
    assert resolve_fragment("top", anchors, where="x").status is Status.OK
    case = resolve_fragment("Survey_Papers", anchors, where="x")
    assert (case.status, case.reason, case.fix) == (Status.OK, "fragment_case", "#survey_papers")
    assert case.warning
    missing = resolve_fragment("top-sectoin", anchors, where="README.md")
    assert (missing.status, missing.reason) == (Status.BROKEN, "fragment_missing")
    assert "did you mean #top-section?" in missing.detail
    assert "did you mean" not in resolve_fragment("zzz", anchors, where="x").detail
