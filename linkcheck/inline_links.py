"""Links of one inline token: Markdown links and images, bare URLs, autolinks, HTML tags.

Each reader method turns parser tokens into :class:`Found` — a link with its offset in
the inline content, before the walker places it on a line and classifies it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from linkcheck.html_links import HtmlLink, is_closing_a, scan_html
from linkcheck.inline_text import plain_text
from linkcheck.markdown import InlinePlacer, line_starts, raw_destination, token_pos
from linkcheck.models import Syntax
from linkcheck.references import ReferenceDefinitions
from linkcheck.roles import is_badge_url

_SCHEME_OR_WWW = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*:|www\.)")
_SCHEME = re.compile(r"(?i)[a-z][a-z0-9+.-]*(?=:)")
_NOT_IMAGES = frozenset({"a", "area", "iframe"})


@dataclass(slots=True)
class Found:
    """A link before it is placed and classified."""

    url: str
    raw: str
    syntax: Syntax
    text: str
    start: int | None
    """Offset in the placer's content where the link's syntax starts."""
    placer: InlinePlacer
    is_image: bool = False
    wraps_badge: bool = False
    definition_line: int | None = None
    normalise: bool = False
    """HTML attribute values still need markdown-it's URL normalisation."""


def found_in_html(
    html: HtmlLink, *, start: int | None, placer: InlinePlacer, text: str, images: Sequence[str]
) -> Found:
    """A link from an HTML tag (inline or in a block)."""
    return Found(
        html.url,
        html.raw,
        Syntax.HTML,
        text,
        start,
        placer,
        is_image=html.tag not in _NOT_IMAGES,
        wraps_badge=any(is_badge_url(u) for u in images),
        normalise=True,
    )


class InlineLinkReader:
    """Reads the links of inline tokens; remembers which reference labels were used."""

    def __init__(
        self, *, md: MarkdownIt, definitions: ReferenceDefinitions, anchors: list[str]
    ) -> None:
        self.md = md
        self.definitions = definitions
        self.used_references: set[str] = set()
        self.anchors = anchors
        """Where ``id``/``name`` values of inline HTML tags are appended, in order."""

    def end_of(self, token: Token, link: Found, src: str, cursor: int) -> int:
        end = token.meta.get("end")
        if isinstance(end, int):
            return end
        found = src.find(link.raw, cursor)
        return found + len(link.raw) if found >= 0 else cursor

    def markdown_link(
        self,
        token: Token,
        inner: Sequence[Token],
        src: str,
        placer: InlinePlacer,
        cursor: int,
    ) -> Found | None:
        href = token.attrs.get("href")
        if not isinstance(href, str):
            return None
        text = plain_text(inner).strip()
        images = [t for t in inner if t.type == "image"]
        wraps_badge = bool(images) and any(
            is_badge_url(str(t.attrs.get("src", ""))) for t in images
        )
        pos = token_pos(token)
        end = token.meta.get("end")
        if token.markup == "linkify":
            if not _SCHEME_OR_WWW.match(text) and not href.startswith("mailto:"):
                return None  # a fuzzy match such as "github.com": GitHub links no such text
            start: int | None
            if pos is not None:
                scheme = _SCHEME.match(text)
                start = pos - (len(scheme.group(0)) if scheme else 0)
                raw = src[start:end] if isinstance(end, int) else text
            else:
                found = src.find(text, cursor)
                start = found if found >= 0 else None
                raw = text
            return Found(href, raw, Syntax.BARE, text, start, placer, wraps_badge=False)
        if token.markup == "autolink":
            raw = src[pos + 1 : end - 1] if pos is not None and isinstance(end, int) else text
            return Found(href, raw, Syntax.AUTOLINK, text, pos, placer, wraps_badge=False)
        raw, syntax, definition_line = self._destination(token, src, href, image=False)
        return Found(
            href,
            raw,
            syntax,
            text,
            pos,
            placer,
            wraps_badge=wraps_badge,
            definition_line=definition_line,
        )

    def image(self, token: Token, src: str, placer: InlinePlacer) -> Found:
        url = str(token.attrs.get("src", ""))
        alt = plain_text(token.children or []).strip()
        pos = token_pos(token)
        raw, syntax, definition_line = self._destination(token, src, url, image=True)
        return Found(
            url, raw, syntax, alt, pos, placer, is_image=True, definition_line=definition_line
        )

    def _destination(
        self, token: Token, src: str, href: str, *, image: bool
    ) -> tuple[str, Syntax, int | None]:
        """Raw destination, syntax and definition line of a link or image token; a
        reference use is remembered, for the unused-definition finding."""
        raw, ref = raw_destination(self.md, src, token, href=href, image=image)
        if ref is None:
            return raw, Syntax.IMAGE if image else Syntax.INLINE, None
        self.used_references.add(ref)
        raw, definition_line = self.definitions.destination(ref, fallback=href)
        return raw, Syntax.REFERENCE, definition_line

    def html_tag(self, children: Sequence[Token], index: int, placer: InlinePlacer) -> list[Found]:
        """The links of the inline HTML tag at ``index`` (its anchors are remembered)."""
        token = children[index]
        pos = token_pos(token)
        scan = scan_html(token.content)
        self.anchors.extend(scan.anchors)
        if not scan.links:
            return []
        tag_lines = line_starts(token.content)
        found = []
        for html in scan.links:
            text, images = html.text, list(html.images)
            if html.tag == "a":
                text, images = html_a_content(children, index)
            start = None if pos is None else pos + tag_lines[html.line] + html.column
            found.append(found_in_html(html, start=start, placer=placer, text=text, images=images))
        return found


def html_a_content(children: Sequence[Token], index: int) -> tuple[str, list[str]]:
    """Text and images between an inline ``<a …>`` and its ``</a>``."""
    inner: list[Token] = []
    images: list[str] = []
    for token in children[index + 1 :]:
        if token.type == "html_inline":
            if is_closing_a(token.content):
                break
            scan = scan_html(token.content)
            images.extend(h.url for h in scan.links if h.tag == "img")
            continue
        if token.type == "image":
            images.append(str(token.attrs.get("src", "")))
        inner.append(token)
    return " ".join(plain_text(inner).split()), images
