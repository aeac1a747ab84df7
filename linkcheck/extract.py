"""Markdown → links, each with its exact place, its role, its section and its entry.

What counts as a link is what GitHub renders as one: inline links and images,
reference-style links (placed at their use), autolinks, bare ``https://`` and ``www.``
URLs, and ``href``/``src`` in raw HTML. Code spans, code blocks and HTML comments hold no
links (``include_verbatim`` adds URLs from code, as text).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from linkcheck.config import KindRule
from linkcheck.html_links import scan_html
from linkcheck.inline_links import Found, InlineLinkReader, found_in_html
from linkcheck.inline_text import entry_title, plain_text
from linkcheck.markdown import (
    DEFINITIONS_KEY,
    InlinePlacer,
    line_starts,
    make_parser,
    matching_close,
    normalise_url,
    token_pos,
)
from linkcheck.models import Document, Heading, Link, Location, Syntax
from linkcheck.references import ReferenceDefinitions
from linkcheck.roles import classify
from linkcheck.slugs import Slugger

SECTION_SEPARATOR = " › "
MAX_PARAGRAPH_ENTRY = 160
"""A paragraph outside lists and tables is an entry only if it is this short."""

_LOOSE_SPACE = re.compile(r"\s\s|[^\S ]|^\s|\s$")
_LINKISH = frozenset({"link_open", "image", "html_inline", "code_inline"})
"""Inline tokens that may hold a link (code spans: with ``include_verbatim``)."""
_VERBATIM_URL = re.compile(r"""(?i)\b(?:https?|ftp)://[^\s<>"'`\])}]+""")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # One parser per process: building one costs more than parsing a small list.
    return make_parser()


def extract(
    text: str,
    path: str,
    *,
    include_verbatim: bool = False,
    kind_rules: Iterable[KindRule] = (),
) -> Document:
    """Every link in ``text`` (already newline-normalised), in document order."""
    env: dict[str, Any] = {}
    md = _parser()
    tokens = md.parse(text, env)
    walker = _Walker(
        md=md,
        path=path,
        lines=text.split("\n"),
        env=env,
        include_verbatim=include_verbatim,
        kind_rules=tuple(kind_rules),
    )
    # The token tree is large and lives until the walk ends; frozen, the collector does
    # not rescan it each time the walk's own allocations trigger a collection (on a 10 MB
    # list that rescanning cost a third of the extraction). Unfrozen afterwards, so the
    # tokens are collected as usual.
    gc.freeze()
    try:
        walker.walk(tokens)
    finally:
        gc.unfreeze()
    return walker.document()


def extract_links(text: str, path: str = "README.md") -> list[Link]:
    """Convenience: only the links of :func:`extract`."""
    return list(extract(text, path).links)


@dataclass(slots=True)
class _Context:
    """Where the walker is: heading path and the entry the next links belong to."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    items: list[str | None] = field(default_factory=list)
    """One slot per open list item: its entry, once its first inline has been read."""
    row_entry: str | None = None
    row_cursor: int = 0
    in_heading: bool = False
    in_cell: bool = False

    def section(self) -> str:
        return SECTION_SEPARATOR.join(text for _, text in self.headings)


class _Walker:
    def __init__(
        self,
        *,
        md: MarkdownIt,
        path: str,
        lines: list[str],
        env: dict[str, Any],
        include_verbatim: bool,
        kind_rules: tuple[KindRule, ...],
    ) -> None:
        self.md = md
        self.path = path
        self.lines = lines
        self.env = env
        self.include_verbatim = include_verbatim
        self.kind_rules = kind_rules
        self.links: list[Link] = []
        self.headings: list[Heading] = []
        self.html_anchors: list[str] = []
        self.slugger = Slugger()
        self.context = _Context()
        self.title_heading_skipped = False
        self.definitions = ReferenceDefinitions(
            path=path, lines=lines, blocks=env.get(DEFINITIONS_KEY, [])
        )
        self.reader = InlineLinkReader(
            md=md, definitions=self.definitions, anchors=self.html_anchors
        )

    # --- block level -------------------------------------------------------------------

    def walk(self, tokens: Sequence[Token]) -> None:
        h1_count = sum(1 for t in tokens if t.type == "heading_open" and t.tag == "h1")
        ctx = self.context
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                ctx.in_heading = True
                self._heading(token, tokens[index + 1], drop_title=h1_count == 1)
            elif kind == "heading_close":
                ctx.in_heading = False
            elif kind == "list_item_open":
                ctx.items.append(None)
            elif kind == "list_item_close":
                ctx.items.pop()
            elif kind == "tr_open":
                ctx.row_entry = self._row_entry(tokens, index)
                ctx.row_cursor = 0
            elif kind == "tr_close":
                ctx.row_entry = None
            elif kind in ("th_open", "td_open"):
                ctx.in_cell = True
            elif kind in ("th_close", "td_close"):
                ctx.in_cell = False
            elif kind == "inline":
                self._inline(token)
            elif kind == "html_block":
                self._html_block(token)
            elif kind in ("fence", "code_block") and self.include_verbatim:
                self._code_block(token)

    def _heading(self, token: Token, inline: Token, *, drop_title: bool) -> None:
        level = int(token.tag[1:])
        children = inline.children or []
        text = plain_text(children, image_alt=False)
        line = (token.map[0] if token.map else 0) + 1
        self.headings.append(
            Heading(text=text, level=level, slug=self.slugger.slug(text), line=line)
        )
        stack = self.context.headings
        while stack and stack[-1][0] >= level:
            stack.pop()
        if level == 1 and drop_title and not self.title_heading_skipped and not self.headings[:-1]:
            # A list's single H1 is its title: it would prefix every section path.
            self.title_heading_skipped = True
            return
        stack.append((level, " ".join(text.split())))

    def _row_entry(self, tokens: Sequence[Token], index: int) -> str:
        best = ""
        for token in tokens[index + 1 :]:
            if token.type == "tr_close":
                break
            if token.type == "inline":
                cell = entry_title(token.children or [])
                if len(cell) > len(best):
                    best = cell
        return best

    def _entry_for(self, inline: Token) -> str:
        ctx = self.context
        if ctx.in_heading:
            return ""
        if ctx.in_cell:
            return ctx.row_entry or ""
        if ctx.items:
            if ctx.items[-1] is None:
                ctx.items[-1] = entry_title(inline.children or [])
            return ctx.items[-1] or ""
        entry = entry_title(inline.children or [])
        return entry if len(entry) <= MAX_PARAGRAPH_ENTRY else ""

    # --- inline level ------------------------------------------------------------------

    def _inline(self, inline: Token) -> None:
        children = inline.children or []
        ctx = self.context
        if not any(t.type in _LINKISH for t in children):
            if ctx.items and ctx.items[-1] is None and not (ctx.in_heading or ctx.in_cell):
                ctx.items[-1] = entry_title(children)  # the item's title, for later links
            return
        first_line = inline.map[0] if inline.map else 0
        find_from: int | None = None
        if ctx.in_cell:
            find_from = ctx.row_cursor
        elif ctx.in_heading and inline.map and inline.map[1] - inline.map[0] == 1:
            find_from = 0
        placer = InlinePlacer(
            lines=self.lines, first_line=first_line, content=inline.content, find_from=find_from
        )
        if ctx.in_cell:
            column = placer.place(0)[1]
            if column is not None:
                ctx.row_cursor = column - 1 + len(inline.content)
        entry = self._entry_for(inline)
        section = ctx.section()
        src = inline.content
        reader = self.reader
        cursor = 0
        for i, token in enumerate(children):
            kind = token.type
            if kind not in _LINKISH:
                continue
            if kind == "link_open":
                end = matching_close(children, i)
                link = reader.markdown_link(token, children[i + 1 : end], src, placer, cursor)
                if link is not None:
                    cursor = max(cursor, reader.end_of(token, link, src, cursor))
                    self._add(link, section=section, entry=entry)
            elif kind == "image":
                self._add(reader.image(token, src, placer), section=section, entry=entry)
                cursor = max(cursor, token.meta.get("end", cursor))
            elif kind == "html_inline":
                for found in reader.html_tag(children, i, placer):
                    self._add(found, section=section, entry=entry)
            elif kind == "code_inline" and self.include_verbatim:
                pos = token_pos(token)
                if pos is not None:
                    self._verbatim(src[pos : token.meta["end"]], pos, placer, section, entry)

    def _html_block(self, token: Token) -> None:
        scan = scan_html(token.content)
        self.html_anchors.extend(scan.anchors)
        if not scan.links or not token.map:
            return
        placer = InlinePlacer(lines=self.lines, first_line=token.map[0], content=token.content)
        starts = line_starts(token.content)
        ctx = self.context
        entry = (ctx.items[-1] or "") if ctx.items else ""
        for html in scan.links:
            start = starts[html.line] + html.column
            found = found_in_html(
                html, start=start, placer=placer, text=html.text, images=html.images
            )
            self._add(found, section=ctx.section(), entry=entry)

    def _code_block(self, token: Token) -> None:
        if not token.map:
            return
        first = token.map[0] + (1 if token.type == "fence" else 0)
        last = token.map[1] - (1 if token.type == "fence" else 0)
        section = self.context.section()
        for number in range(first, min(last, len(self.lines))):
            line = self.lines[number]
            for match in _VERBATIM_URL.finditer(line):
                raw = match.group(0).rstrip(".,;:!?")
                self.links.append(
                    self._link(
                        raw,
                        raw,
                        Syntax.VERBATIM,
                        raw,
                        number + 1,
                        match.start() + 1,
                        section=section,
                        entry="",
                    )
                )

    def _verbatim(
        self, code: str, offset: int, placer: InlinePlacer, section: str, entry: str
    ) -> None:
        for match in _VERBATIM_URL.finditer(code):
            raw = match.group(0).rstrip(".,;:!?")
            line, column = placer.place(offset + match.start())
            self.links.append(
                self._link(
                    raw, raw, Syntax.VERBATIM, raw, line, column, section=section, entry=entry
                )
            )

    # --- assembling --------------------------------------------------------------------

    def _add(self, found: Found, *, section: str, entry: str) -> None:
        if found.start is not None:
            line, column = found.placer.place(found.start)
        else:
            line, column = found.placer.place(0)[0], None
        url = found.url
        if found.normalise:
            url = normalise_url(self.md, url.strip())
        self.links.append(
            self._link(
                url,
                found.raw,
                found.syntax,
                found.text,
                line,
                column,
                section=section,
                entry=entry,
                is_image=found.is_image,
                wraps_badge=found.wraps_badge,
                definition_line=found.definition_line,
            )
        )

    def _link(
        self,
        url: str,
        raw: str,
        syntax: Syntax,
        text: str,
        line: int,
        column: int | None,
        *,
        section: str,
        entry: str,
        is_image: bool = False,
        wraps_badge: bool = False,
        definition_line: int | None = None,
    ) -> Link:
        kind = classify(
            url=url,
            text=text,
            is_image=is_image,
            wraps_badge=wraps_badge,
            user_rules=self.kind_rules,
        )
        return Link(
            url=url,
            raw=raw,
            syntax=syntax,
            kind=kind,
            location=Location(path=self.path, line=line, column=column),
            text=" ".join(text.split()) if _LOOSE_SPACE.search(text) else text,
            section=section,
            entry=entry,
            definition_line=definition_line,
        )

    def document(self) -> Document:
        return Document(
            path=self.path,
            links=tuple(self.links),
            headings=tuple(self.headings),
            html_anchors=tuple(self.html_anchors),
            findings=tuple(self.definitions.findings(used=self.reader.used_references)),
        )
