"""Same-file ``#fragment`` links against the ids GitHub gives headings and HTML anchors.

github.com resolves a fragment to ``user-content-<id>`` and, failing an exact match,
case-insensitively; so a case-only mismatch works for readers (OK, with a warning and
the exact id as the fix) while a fragment with no target at all is broken.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from urllib.parse import unquote

from linkcheck.models import Status

_USER_CONTENT = "user-content-"
_ALWAYS_THERE = frozenset({"", "top"})
"""``#`` and ``#top`` scroll to the top of any page."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalResult:
    status: Status
    reason: str
    detail: str
    fix: str | None = None
    warning: str | None = None


def resolve_fragment(fragment: str, anchors: frozenset[str], *, where: str) -> LocalResult:
    """Judge ``fragment`` (without ``#``) against the ids of one document."""
    wanted = unquote(fragment)
    if wanted.startswith(_USER_CONTENT):
        wanted = wanted[len(_USER_CONTENT) :]
    if wanted in anchors or wanted.lower() in _ALWAYS_THERE:
        return LocalResult(status=Status.OK, reason="ok", detail=f"#{wanted} found in {where}")
    folded = {a.casefold(): a for a in sorted(anchors, reverse=True)}
    exact = folded.get(wanted.casefold())
    if exact is not None:
        return LocalResult(
            status=Status.OK,
            reason="fragment_case",
            detail=f"#{wanted} matches #{exact} in {where} only case-insensitively",
            fix=f"#{exact}",
            warning=f"anchor #{wanted} only matches #{exact} case-insensitively; write #{exact}",
        )
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=1, cutoff=0.8)
    hint = f"; did you mean #{folded[close[0]]}?" if close else ""
    return LocalResult(
        status=Status.BROKEN,
        reason="fragment_missing",
        detail=f"no heading or anchor with id {wanted!r} in {where}{hint}",
    )
