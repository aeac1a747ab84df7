"""Links and anchors in raw HTML (``<a href>``, ``<img src>``…), with exact lines.

Python's ``html.parser`` does the tokenising (comments, ``<script>`` and ``<style>`` are not
links); we only find each attribute's value in the raw tag to place it exactly, also when a
tag spans several lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from linkcheck.markdown import line_starts

# Which attributes of which tags hold a URL that a reader would follow or see.
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
}
IMAGE_TAGS = frozenset({"img", "source", "video", "audio", "embed"})
_IGNORED_TEXT = frozenset({"script", "style"})


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlLink:
    """One URL in an HTML tag; positions are relative to the HTML fed in."""

    tag: str
    attribute: str
    url: str
    """The value with character references decoded (one ``srcset`` candidate)."""
    raw: str
    """The value as written."""
    line: int
    """0-based line within the fed HTML."""
    column: int
    """0-based column within that line."""
    text: str = ""
    """For ``<a>``: the text up to its ``</a>`` (when it closes in the same HTML); for
    images: the ``alt`` text."""
    images: tuple[str, ...] = ()
    """For ``<a>``: the images inside it (a badge, usually)."""


def _attribute_re(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w:-]){re.escape(name)}\s*=\s*(\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
        re.IGNORECASE,
    )


_ATTRIBUTE_RES = {
    attribute: _attribute_re(attribute)
    for attributes in LINK_ATTRIBUTES.values()
    for attribute in attributes
}


def srcset_urls(value: str) -> list[tuple[str, int]]:
    """The URLs of a ``srcset`` value with their offsets (``a.png 2x, b.png 480w``)."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")  # no descriptors: the comma ends the candidate
        else:
            while i < n and value[i] != ",":  # skip descriptors such as "2x"
                i += 1
        if url:
            out.append((url, start))
    return out


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[HtmlLink] = []
        self.anchors: list[str] = []
        self._open_a: list[tuple[int, list[str], list[str]]] = []
        self._ignore_depth = 0
        self._line_starts: list[int] = [0]

    def feed_text(self, html: str) -> None:
        self._line_starts = line_starts(html)
        self.feed(html)
        self.close()
        # An unclosed <a> keeps whatever text it had.
        while self._open_a:
            self._close_a()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag in _IGNORED_TEXT:
            self._ignore_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _IGNORED_TEXT and self._ignore_depth:
            self._ignore_depth -= 1
        if tag == "a" and self._open_a:
            self._close_a()

    def handle_data(self, data: str) -> None:
        if self._ignore_depth:
            return
        for _index, texts, _images in self._open_a:
            texts.append(data)

    def _close_a(self) -> None:
        index, texts, images = self._open_a.pop()
        link = self.links[index]
        text = " ".join("".join(texts).split())
        self.links[index] = HtmlLink(
            tag=link.tag,
            attribute=link.attribute,
            url=link.url,
            raw=link.raw,
            line=link.line,
            column=link.column,
            text=text,
            images=tuple(images),
        )

    def _start(
        self, tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool = False
    ) -> None:
        values = {name: value for name, value in reversed(attrs) if value is not None}
        for name in ("id", "name"):
            if values.get(name):
                self.anchors.append(values[name])
        if tag in IMAGE_TAGS and values.get("src"):
            for _index, _texts, images in self._open_a:
                images.append(values["src"])
        wanted = LINK_ATTRIBUTES.get(tag)
        if not wanted:
            return
        raw_tag = self.get_starttag_text() or ""
        line, offset = self.getpos()
        tag_start = self._line_starts[line - 1] + offset
        opened_a = False
        for attribute in wanted:
            if attribute not in values:
                continue
            match = _ATTRIBUTE_RES[attribute].search(raw_tag)
            if match is None:
                continue
            group = 2 if match.group(2) is not None else 3 if match.group(3) is not None else 4
            raw_value = match.group(group)
            value_start = tag_start + match.start(group)
            candidates = srcset_urls(raw_value) if attribute == "srcset" else [(raw_value, 0)]
            decoded_values = (
                [u for u, _ in srcset_urls(values[attribute])]
                if attribute == "srcset"
                else [values[attribute]]
            )
            for (raw_url, rel), url in zip(candidates, decoded_values, strict=False):
                if not url.strip():
                    continue
                line0, column0 = self._place(value_start + rel)
                self.links.append(
                    HtmlLink(
                        tag=tag,
                        attribute=attribute,
                        url=url.strip(),
                        raw=raw_url.strip(),
                        line=line0,
                        column=column0,
                        text=values.get("alt", "") if tag in IMAGE_TAGS else "",
                    )
                )
                if tag == "a" and not opened_a and not self_closing:
                    self._open_a.append((len(self.links) - 1, [], []))
                    opened_a = True

    def _place(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo, offset - self._line_starts[lo]


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlScan:
    links: tuple[HtmlLink, ...]
    anchors: tuple[str, ...]
    """Every ``id`` and ``name`` value, in order."""


_EMPTY = HtmlScan(links=(), anchors=())


def scan_html(html: str) -> HtmlScan:
    """Find link attributes and anchors in a piece of HTML (a block or one inline tag)."""
    if "=" not in html:
        return _EMPTY  # no attributes at all: nothing to find (``<br>``, ``</a>``, ``<b>``)
    collector = _Collector()
    collector.feed_text(html)
    return HtmlScan(links=tuple(collector.links), anchors=tuple(collector.anchors))


_CLOSE_A = re.compile(r"^</a\s*>$", re.IGNORECASE)


def is_closing_a(tag: str) -> bool:
    return bool(_CLOSE_A.match(tag.strip()))
