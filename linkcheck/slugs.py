"""Heading ids exactly as GitHub makes them (the algorithm of the npm package github-slugger).

GitHub lowercases the heading's rendered text, drops every character that is not a letter,
mark, number, connector punctuation (``_``), hyphen or space, turns spaces into hyphens, and
numbers repeats ``-1``, ``-2``… in document order.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_KEPT_CATEGORIES = ("L", "M", "N")


@lru_cache(maxsize=4096)
def _kept(ch: str) -> bool:
    if ch in "- _":
        return True
    if ch.isascii():
        return ch.isalnum()
    category = unicodedata.category(ch)
    return category[0] in _KEPT_CATEGORIES or category == "Pc"


def slugify(text: str) -> str:
    """The id of one heading, without de-duplication."""
    return "".join(ch for ch in text.lower() if _kept(ch)).replace(" ", "-")


class Slugger:
    """Gives each heading of one document its unique id, in order."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = slugify(text)
        result = base
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result
