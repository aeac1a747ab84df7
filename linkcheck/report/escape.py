"""Making text from the checked Markdown safe to show in GitHub-flavoured Markdown.

Everything a list's contributors wrote (entries, link text, sections, URLs, details) may be
hostile or merely unlucky: ``@octocat`` would notify a user, ``#12`` would link (and
cross-reference) an issue, ``</details>`` would close our collapsed section, ``|`` would
break a table, ``<script>``, ``[x](y)``, ``*``, ``_`` and backticks would become markup, and
a newline would start a block of its own. Two shapes are offered:

* :func:`text` for prose: HTML-significant characters become entities, Markdown
  punctuation is backslash-escaped, and a zero-width space after ``@`` and ``#`` (and inside
  ``GH-123``, ``://`` and ``www.``) stops mentions, issue references and autolinks;
* :func:`code` for URLs: a code span, which GitHub renders literally (no mentions, no
  references, no autolinks), with a fence longer than any backtick run inside.

Both fold every line break into a space and drop control characters, so user text never
starts a line (where it could open an HTML block or a heading).
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
"""Zero-width space: invisible, but ends a ``@mention``/``#ref`` token."""

MAX_TEXT = 300
"""Longest prose we show from the list; longer text is cut with an ellipsis."""
MAX_URL = 500

_BREAKS = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# The ASCII punctuation that means something in GFM inline syntax, in a table row or in
# GitHub's math (``$``). Characters that only matter at the start of a line (``-``, ``+``,
# ``=``, ``.``) need nothing: user text never starts a line.
_PUNCTUATION = frozenset("\\`*_[]()|~!$")
_NEUTRALISE = (
    (re.compile(r"([@#])(?=\S)"), rf"\1{ZWSP}"),  # mentions, #123, owner/repo#123
    (re.compile(r"\b(GH)-(?=\d)", re.IGNORECASE), rf"\1{ZWSP}-"),  # GH-123 references
    (re.compile(r"://"), f":{ZWSP}//"),  # bare URLs would autolink (and cross-reference)
    (re.compile(r"\b(www)\.", re.IGNORECASE), rf"\1{ZWSP}."),
)


def one_line(value: str, *, limit: int = MAX_TEXT) -> str:
    """``value`` as one line: breaks folded to spaces, controls dropped, cut at ``limit``."""
    flat = _CONTROLS.sub("", _BREAKS.sub(" ", value)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def text(value: str, *, limit: int = MAX_TEXT) -> str:
    """Prose from the list, rendered literally by GitHub and mentioning nobody."""
    flat = one_line(value, limit=limit)
    out: list[str] = []
    for ch in flat:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    for pattern, replacement in _NEUTRALISE:
        escaped = pattern.sub(replacement, escaped)
    return escaped


def code(value: str, *, limit: int = MAX_URL) -> str:
    """A code span showing ``value`` literally (URLs, file names, reason codes)."""
    flat = one_line(value, limit=limit)
    if not flat:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    # A span whose content starts or ends with a backtick needs a space on both sides,
    # which CommonMark strips again.
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def link_target(url: str) -> str:
    """A URL we built ourselves (github.com blob links, run URLs), safe inside ``(…)``."""
    return re.sub(r"[\s()<>`\"']", lambda m: f"%{ord(m.group()):02X}", url)
