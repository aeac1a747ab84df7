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
from typing import Any, cast

from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

DEFINITIONS_KEY = "linkcheck_definitions"
LABELS_KEY = "linkcheck_labels"
"""``env`` key: ``(id(inline source), label start) → label end`` from the link rules."""
"""``env`` key under which the wrapped reference rule lists ``(first_line, end_line)``."""

_POSITIONED_RULES = ("link", "image", "autolink", "html_inline", "linkify", "backticks")
_POSITIONED_TYPES = frozenset({"link_open", "link_close", "image", "html_inline", "code_inline"})


def _record_positions(
    name: str, rule: Callable[[StateInline, bool], bool]
) -> Callable[[StateInline, bool], bool]:
    label_offset = {"link": 0, "image": 1}.get(name)

    def positioned(state: StateInline, silent: bool) -> bool:
        start = state.pos
        first_new = len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent:
            end = state.pos
            label_end = None
            if label_offset is not None:
                # The label end the rule itself found (see _RecordingHelpers), so the
                # extractor can find the destination exactly as the parser read it.
                labels = state.env.get(LABELS_KEY, {})
                label_end = labels.get((id(state.src), start + label_offset))
            for token in state.tokens[first_new:]:
                # Inner rules (an image inside a link label) have tagged their own tokens.
                if token.type in _POSITIONED_TYPES and "pos" not in token.meta:
                    token.meta["pos"] = start
                    token.meta["end"] = end
                    if label_end is not None:
                        token.meta["label_end"] = label_end
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


class _RecordingHelpers:
    """markdown-it's link helpers, remembering every label end the link rules find.

    The rules call ``state.md.helpers.parseLinkLabel``; an instance of this class is set
    as our parser's own ``helpers`` (never the shared module), so nothing global changes.
    Results go into the parse's ``env``, keyed by the inline source and label start.
    """

    parseLinkDestination = staticmethod(helpers.parseLinkDestination)
    parseLinkTitle = staticmethod(helpers.parseLinkTitle)

    @staticmethod
    def parseLinkLabel(state: StateInline, start: int, disableNested: bool = False) -> int:
        end = helpers.parseLinkLabel(state, start, disableNested)
        state.env.setdefault(LABELS_KEY, {})[(id(state.src), start)] = end
        return end


def make_parser() -> MarkdownIt:
    """A GitHub-like parser (tables, strikethrough, raw HTML, bare URLs) that records positions.

    ``linkify`` stays fuzzy here because markdown-it's fuzzy switch also governs ``www.``
    links; the extractor drops fuzzy matches GitHub would not link (``github.com``).
    """
    md = MarkdownIt("gfm-like")
    md.helpers = cast(Any, _RecordingHelpers())
    for rule in md.inline.ruler.__rules__:
        if rule.name in _POSITIONED_RULES:
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


_SPACE_OR_ESCAPE = re.compile(r"[\s\\]")


def raw_destination(
    md: MarkdownIt, src: str, token: Token, *, image: bool
) -> tuple[str, str | None]:
    """``(raw destination, reference key or None)`` of a link or image token.

    Reuses the label end the parser found and markdown-it's destination parser on the
    recorded span, so the raw text is exactly what the parser read.
    """
    pos, end, label_end = token.meta.get("pos"), token.meta.get("end"), token.meta.get("label_end")
    if not isinstance(pos, int) or not isinstance(end, int) or not isinstance(label_end, int):
        return "", None
    if label_end < 0:
        return "", None
    label_open = pos + 1 if image else pos
    after = label_end + 1
    if after < end and src[after] == "(" and src[end - 1] == ")":
        p = after + 1
        while p < end and src[p] in " \t\n":
            p += 1
        inside = src[p : end - 1]
        if inside and not inside.startswith("<") and not _SPACE_OR_ESCAPE.search(inside):
            # No whitespace means no title, so the destination runs to the closing ")":
            # the common case, without re-running the parser's character loop.
            return inside, None
        result = md.helpers.parseLinkDestination(src, p, end)
        if result.ok:
            raw = src[p : result.pos]
            if raw.startswith("<") and raw.endswith(">"):
                raw = raw[1:-1]
            return raw, None
        return "", None
    label = src[label_open + 1 : label_end]
    if after < end and src[after] == "[":
        second = src.find("]", after + 1, end)
        if second > after + 1:
            label = src[after + 1 : second]
    return "", normalizeReference(label)
