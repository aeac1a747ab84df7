"""Plain text of inline Markdown: heading text for ids, link text, and entry titles.

An *entry* is what a reader calls the list item: in ``[[ICML](…)] Adaptive Smoothing …
[[code](…)]`` it is the paper title, not the tags around it. Tag links (venue, ``code``,
``pdf``…) and badges are dropped with their brackets; a leading bold or linked title
followed by a separator (``**Loihi** — a chip``, ``[Django](…) - a framework``) is the
entry on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from linkcheck.markdown import matching_close
from linkcheck.roles import is_tag_text

MAX_ENTRY = 200
"""Longer entry texts are cut (with an ellipsis): reports show them on one line."""

_TAG = "\x00"
_TAG_IN_BRACKETS = re.compile(r"[\[(（【]\s*\x00\s*[\])）】]")
_SEPARATOR_START = re.compile(r"^\s*(?:[-–—:|•·]|\s-\s)")
_EDGE_PUNCTUATION = " \t-–—|:,;/·•"


def plain_text(children: Sequence[Any], *, image_alt: bool = True) -> str:
    """Rendered text of inline tokens: markup and HTML tags removed, entities decoded.

    ``image_alt=False`` drops images entirely, as GitHub does when it makes heading ids.
    """
    parts: list[str] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "text_special"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image" and image_alt:
            parts.append(plain_text(token.children or [], image_alt=True))
    return "".join(parts)


def entry_title(children: Sequence[Any]) -> str:
    """The entry title of an item's (or cell's) inline tokens; '' when there is no text."""
    parts: list[str] = []
    lead: str | None = None
    lead_end = -1
    strong_depth = 0
    strong_text: list[str] = []
    i = 0
    while i < len(children):
        token = children[i]
        kind = token.type
        if kind == "link_open":
            end = min(matching_close(children, i), len(children) - 1)
            inner = children[i + 1 : end]
            text = plain_text(inner).strip()
            only_images = all(t.type in ("image", "softbreak") for t in inner) and inner
            if not text or only_images or is_tag_text(text):
                parts.append(_TAG)
            else:
                if lead is None and not "".join(parts).replace(_TAG, "").strip(" [(*_"):
                    lead, lead_end = text, len(parts) + 1
                    after = children[end + 1] if end + 1 < len(children) else None
                    # "[Name](url) - description": the usual list item, decided here.
                    if (
                        after is not None
                        and after.type == "text"
                        and not strong_depth
                        and _SEPARATOR_START.match(after.content.lstrip(" *_"))
                    ):
                        return _shorten(text)
                parts.append(text)
                if strong_depth:
                    strong_text.append(text)
            i = end + 1
            continue
        if kind == "strong_open":
            strong_depth += 1
            if strong_depth == 1:
                strong_text = []
        elif kind == "strong_close":
            strong_depth -= 1
            if strong_depth == 0 and lead is None:
                before = "".join(parts[: len(parts) - len(strong_text)])
                if not before.replace(_TAG, "").strip(" [(*_") and strong_text:
                    lead, lead_end = "".join(strong_text).strip(), len(parts)
        elif kind in ("text", "code_inline", "text_special", "softbreak", "hardbreak"):
            text = " " if kind in ("softbreak", "hardbreak") else token.content
            parts.append(text)
            if strong_depth:
                strong_text.append(text)
        i += 1
    if lead is not None:
        rest = _TAG_IN_BRACKETS.sub("", "".join(parts[lead_end:])).replace(_TAG, "")
        rest = rest.lstrip(" *_")
        if not rest.strip() or _SEPARATOR_START.match(rest):
            return _shorten(lead)
    return _shorten(_without_tags("".join(parts)))


def _without_tags(text: str) -> str:
    text = _TAG_IN_BRACKETS.sub(_TAG, text)
    text = text.replace(_TAG, " ")
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def _shorten(text: str) -> str:
    text = " ".join(text.split()).strip(_EDGE_PUNCTUATION)
    if len(text) <= MAX_ENTRY:
        return text
    return text[: MAX_ENTRY - 1].rstrip() + "…"
