"""Which links go to the network, which are checked in-file, and which are skipped.

Pure: decides from the URL's form and the config, before any I/O.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from linkcheck.config import Config
from linkcheck.models import Link

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WEB_SCHEMES = frozenset({"http", "https"})


class Route(StrEnum):
    """How a link is checked."""

    WEB = "web"
    """http(s): the crawler."""
    ANCHOR = "anchor"
    """``#fragment`` of the same file."""
    FILE = "file"
    """A path relative to the file (or to the repository root, with a leading ``/``)."""
    UNSUPPORTED = "unsupported"
    """mailto:, tel:, ftp:, data:, javascript:… — not checked."""


def route_of(url: str) -> Route:
    if url.startswith("#"):
        return Route.ANCHOR
    if url.startswith("//"):
        return Route.WEB
    match = _SCHEME.match(url)
    if match is None:
        return Route.FILE
    return Route.WEB if match.group(1).lower() in WEB_SCHEMES else Route.UNSUPPORTED


def scheme_of(url: str) -> str:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def exclusion(link: Link, config: Config) -> str | None:
    """Why the config skips this link (a human line), or None to check it."""
    url = link.url
    if config.include and any(p.search(url) for p in config.include):
        return None  # include wins over exclude
    for pattern in config.exclude:
        if pattern.search(url):
            return f"excluded by pattern {pattern.pattern!r}"
    if config.include:
        return "matches no --include pattern"
    return None


def request_url(url: str, config: Config) -> tuple[str, str]:
    """``(url to request without fragment, fragment)`` after ``--remap`` rules.

    Protocol-relative ``//host/x`` is requested over https, as a browser on github.com would.
    """
    if url.startswith("//"):
        url = "https:" + url
    for pattern, replacement in config.remap:
        url = pattern.sub(replacement, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, ""
    return urlunsplit(parts._replace(fragment="")), parts.fragment
