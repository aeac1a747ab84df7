"""The markdown-it-py parser, taught to remember where things are.

markdown-it gives block tokens a line ``map`` but inline tokens no position at all. We wrap
the inline rules that produce links (and code spans) so that every token they push records
``meta["pos"]``/``meta["end"]``: offsets into the inline token's ``content``. The block rule
for reference definitions is wrapped likewise to record every definition, including the
duplicates markdown-it silently drops. Everything else is markdown-it's own behaviour, so
what we call a link is what the parser calls one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference, unescapeAll
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

DEFINITIONS_KEY = "linkcheck_definitions"

"""``env`` key under which the wrapped reference rule lists ``(first_line, end_line)``."""

_TRIGGERS = {
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "linkify": ":",
    "backticks": "`",
}
"""The inline rules we wrap, and the character each of them first insists on."""
_POSITIONED_TYPES = frozenset({"link_open", "link_close", "image", "html_inline", "code_inline"})


def _record_positions(
    name: str, rule: Callable[[StateInline, bool], bool]
) -> Callable[[StateInline, bool], bool]:
    trigger = _TRIGGERS[name]

    def positioned(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != trigger:
            # Each of these rules begins by refusing any other character; answering for it
            # here makes the wrapper cheaper than the call it saves (the tokenizer tries
            # every rule at every markup character).
            return False
        first_new = len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent:
            end = state.pos
            for token in state.tokens[first_new:]:
                # Inner rules (an image inside a link label) have tagged their own tokens.
                if token.type in _POSITIONED_TYPES and "pos" not in token.meta:
                    token.meta["pos"] = start
                    token.meta["end"] = end
        return ok

    return positioned


def _record_definitions(
    rule: Callable[[StateBlock, int, int, bool], bool],
) -> Callable[[StateBlock, int, int, bool], bool]:
    def recorded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        ok = rule(state, start_line, end_line, silent)
        if ok and not silent:
            state.env.setdefault(DEFINITIONS_KEY, []).append((start_line, state.line))
        return ok

    return recorded


def make_parser() -> MarkdownIt:
    """A GitHub-like parser (tables, strikethrough, raw HTML, bare URLs) that records positions.

    ``linkify`` stays fuzzy here because markdown-it's fuzzy switch also governs ``www.``
    links; the extractor drops fuzzy matches GitHub would not link (``github.com``).
    """
    md = MarkdownIt("gfm-like")
    for rule in md.inline.ruler.__rules__:
        if rule.name in _TRIGGERS:
            rule.fn = _record_positions(rule.name, rule.fn)
    for block_rule in md.block.ruler.__rules__:
        if block_rule.name == "reference":
            block_rule.fn = _record_definitions(block_rule.fn)
    # Compiled rule chains hold the old functions: make the rulers rebuild them.
    md.inline.ruler.__cache__ = None
    md.block.ruler.__cache__ = None
    return md


@dataclass(slots=True)
class InlinePlacer:
    """Turns offsets in an inline token's ``content`` into file lines and columns.

    markdown-it strips list markers, blockquote ``>`` and indentation from each line of a
    paragraph, so a content line is the *end* of its source line. Table cells and headings
    are found in their line instead (``find_from`` moves along a table row).
    """

    lines: list[str]
    """The whole file's lines (``text.split("\\n")``)."""
    first_line: int
    """0-based source line of the inline content's first line."""
    content: str
    find_from: int | None = None
    """For a table cell or ATX heading: search the content in its line from this column."""
    _starts: list[int] | None = None
    _columns: list[int | None] | None = None

    def _index(self) -> tuple[list[int], list[int | None]]:
        if self._starts is None or self._columns is None:
            starts = line_starts(self.content)
            columns: list[int | None] = []
            for n, start in enumerate(starts):
                end = starts[n + 1] - 1 if n + 1 < len(starts) else len(self.content)
                columns.append(self._line_offset(n, self.content[start:end]))
            self._starts, self._columns = starts, columns
        return self._starts, self._columns

    def _line_offset(self, n: int, content_line: str) -> int | None:
        """0-based column in the source line where ``content_line`` begins, if certain."""
        index = self.first_line + n
        if index >= len(self.lines):
            return None
        source = self.lines[index]
        if self.find_from is not None and n == 0:
            found = source.find(content_line, self.find_from)
            return found if found >= 0 else None
        stripped = content_line.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        core = stripped.lstrip()
        source_core = source.rstrip()
        if not core:
            return None
        if not source_core.endswith(core):
            return None
        return len(source_core) - len(core) - lead

    def place(self, offset: int) -> tuple[int, int | None]:
        """``(1-based line, 1-based column or None)`` of a content offset."""
        starts, columns = self._index()
        # Few lines per inline token: a linear scan beats bisect's setup here.
        n = 0
        while n + 1 < len(starts) and starts[n + 1] <= offset:
            n += 1
        base = columns[n]
        column = None if base is None else base + (offset - starts[n]) + 1
        return self.first_line + n + 1, column


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of ``text`` begins."""
    starts = [0]
    newline = text.find("\n")
    while newline >= 0:
        starts.append(newline + 1)
        newline = text.find("\n", newline + 1)
    return starts


def token_pos(token: Any) -> int | None:
    """The recorded content offset of an inline token, if the parser recorded one."""
    pos = token.meta.get("pos") if token.meta else None
    return pos if isinstance(pos, int) else None


def matching_close(children: Sequence[Token], start: int) -> int:
    """Index of the ``link_close`` that closes the ``link_open`` at ``start``."""
    depth = 0
    for i in range(start, len(children)):
        if children[i].type == "link_open":
            depth += 1
        elif children[i].type == "link_close":
            depth -= 1
            if depth == 0:
                return i
    return len(children)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACE_OR_ESCAPE = re.compile(r"[\s\\&]")
# URLs that markdown-it's normalizeLink returns unchanged: a plain host and port, then only
# characters it never encodes (no "%", no "@"), or a relative path without ":". Checked
# against normalizeLink itself in tests/test_extract_internals.py; anything else takes the
# full (costly) parse-and-encode round trip.
_SAFE = r"[A-Za-z0-9;/?:=+$,\-_.!~*'()#&]"
ALREADY_NORMAL = re.compile(
    rf"^(?:(?:https?|ftp)://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#]{_SAFE}*)?"
    r"|[A-Za-z0-9;/?=+$,\-_.!~*'()#&]*)$"
)


def normalise_url(md: MarkdownIt, url: str) -> str:
    """``md.normalizeLink(url)``, skipping the round trip when it would change nothing."""
    return url if ALREADY_NORMAL.match(url) else md.normalizeLink(url)


def raw_destination(
    md: MarkdownIt, src: str, token: Token, *, href: str, image: bool
) -> tuple[str, str | None]:
    """``(raw destination, reference key or None)`` of a link or image token.

    An inline link's span ends with ``)``, a reference's with ``]``. For an inline link the
    label may hold brackets, so each ``](`` in the span is tried in order, with
    markdown-it's own destination parser, until the destination read there normalises to
    the parser's ``href``: the raw text is then exactly what the parser read.
    """
    pos, end = token.meta.get("pos"), token.meta.get("end")
    if not isinstance(pos, int) or not isinstance(end, int) or end - pos < 3:
        return "", None
    open_bracket = pos + 1 if image else pos
    if src[end - 1] == ")":
        return _inline_destination(md, src, open_bracket, end, href), None
    return "", _reference_key(_reference_label(src, open_bracket, end))


def _inline_destination(md: MarkdownIt, src: str, start: int, end: int, href: str) -> str:
    first = ""
    candidate = src.find("](", start, end)
    while candidate >= 0:
        if not _escaped(src, candidate):
            raw = _destination_at(md, src, candidate + 2, end)
            if raw is not None:
                if raw == href or _normalised(md, raw) == href:
                    return raw
                first = first or raw
        candidate = src.find("](", candidate + 1, end)
    return first


def _destination_at(md: MarkdownIt, src: str, p: int, end: int) -> str | None:
    while p < end and src[p] in " \t\n":
        p += 1
    inside = src[p : end - 1]
    if inside and not inside.startswith("<") and not _SPACE_OR_ESCAPE.search(inside):
        # No whitespace means no title, so the destination runs to the closing ")":
        # the common case, without the parser's character loop.
        return inside
    result = md.helpers.parseLinkDestination(src, p, end)
    if not result.ok:
        return None
    raw = src[p : result.pos]
    return raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw


def _normalised(md: MarkdownIt, raw: str) -> str:
    if "\\" in raw or _ENTITY.search(raw):
        return md.normalizeLink(unescapeAll(raw))
    return normalise_url(md, raw)


@lru_cache(maxsize=4096)
def _reference_key(label: str) -> str:
    # Icon lists use a handful of labels thousands of times.
    return normalizeReference(label)


def _reference_label(src: str, start: int, end: int) -> str:
    """The label of ``[text][label]``, ``[label][]`` or ``[label]`` spanning start..end."""
    group = _group_start(src, end - 1, start)
    if group <= start:
        return src[start + 1 : end - 1]  # shortcut: [label]
    label = src[group + 1 : end - 1]
    return label if label.strip() else src[start + 1 : group - 1]  # [label][] is collapsed


def _group_start(src: str, close: int, floor: int) -> int:
    """Index of the ``[`` that the ``]`` at ``close`` closes (escapes and nesting kept)."""
    last = src.rfind("[", floor, close)
    if last >= 0 and "]" not in src[last + 1 : close] and "\\" not in src[floor:close]:
        return last  # the usual case: no nested or escaped bracket in the last group
    depth = 0
    for i in range(close, floor - 1, -1):
        ch = src[i]
        if ch not in "[]" or _escaped(src, i):
            continue
        depth += 1 if ch == "]" else -1
        if depth == 0:
            return i
    return floor


def _escaped(src: str, i: int) -> bool:
    backslashes = 0
    while i - backslashes - 1 >= 0 and src[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
