"""Problems of the list itself: the same URL twice, and under two different titles.

The second case is the one that matters in paper lists: a contributor copies a line and
forgets to change the URL, so one paper silently points at another (the seed list has
one). Only a lint that compares entry titles catches it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from linkcheck.models import Finding, FindingType, Kind, Link, Syntax

# Badges, images and in-page anchors repeat legitimately (a TOC, a logo in every section).
_NOT_DUPLICATES = frozenset({Kind.ANCHOR, Kind.BADGE, Kind.IMAGE})


def same_url_key(url: str) -> str:
    """URLs that are the same link: scheme and host case, default port, trailing slash."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme:
        return url
    netloc = parts.netloc.lower()
    default_port = {"http": ":80", "https": ":443"}.get(parts.scheme.lower())
    if default_port and netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, parts.fragment))


def duplicate_findings(links: Iterable[Link]) -> list[Finding]:
    """One finding per URL used more than once in a file, in order of first use."""
    groups: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in links:
        if link.kind in _NOT_DUPLICATES or link.syntax is Syntax.VERBATIM:
            continue
        groups[(link.location.path, same_url_key(link.url))].append(link)
    findings: list[Finding] = []
    for (path, _key), group in groups.items():
        if len(group) < 2:
            continue
        entries = tuple(dict.fromkeys(link.entry for link in group if link.entry))
        lines = tuple(link.location.line for link in group)
        url = group[0].url
        if len(entries) > 1:
            findings.append(
                Finding(
                    type=FindingType.DUPLICATE_URL_DIFFERENT_ENTRIES,
                    file=path,
                    lines=lines,
                    url=url,
                    entries=entries,
                    detail=(
                        f"the same URL is used for {len(entries)} different entries "
                        "(likely a copy-paste error): " + " / ".join(entries)
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    type=FindingType.DUPLICATE_URL,
                    file=path,
                    lines=lines,
                    url=url,
                    entries=entries,
                    detail=f"the same URL appears {len(group)} times",
                )
            )
    return findings
