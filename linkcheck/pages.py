"""Streaming scan of an HTML answer: its ``<title>``, first ``<h1>`` and wanted ids.

The crawler feeds body chunks as they arrive and stops reading as soon as
:attr:`PageScanner.done` says everything asked for has been seen, so a page is read only
as far as needed. A regex tokenizer (not a full HTML parser) keeps the cost per byte low;
it errs on the lenient side: an ``id`` inside a comment or script still counts as found,
which can hide a dead fragment but never invents one.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable
from urllib.parse import unquote

from linkcheck.models import Page

TITLE_SCAN_BYTES = 64 * 1024
"""How far to read a page for its title and first heading (error pages are small)."""
FRAGMENT_SCAN_BYTES = 2 * 1024 * 1024
"""How far to read a page looking for the ids that fragments point to."""

GITHUB_PREFIX = "user-content-"
"""GitHub (and GitLab, Gitea) prefix the ids of rendered Markdown: ``#x`` reaches
``user-content-x``."""

_MAX_CAPTURE = 4096
_MAX_CARRY = 16 * 1024
_TEXT_LIMIT = 300

# Any start or end tag, with quoted attribute values that may contain ">".
_ANY_TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
# Only the tags that matter for title/heading (a cheaper scan when no ids are wanted).
_HEAD_TAG = re.compile(r"""<(/?)(title|h1)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.I)
_ID_ATTR = re.compile(r"""(?:^|\s)(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def is_html(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` announces an HTML document."""
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in ("text/html", "application/xhtml+xml")


def charset_of(content_type: str | None) -> str:
    """The declared charset if Python knows it, else UTF-8."""
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
        if match:
            try:
                return codecs.lookup(match.group(1)).name
            except LookupError:
                pass
    return "utf-8"


def fragment_forms(fragment: str) -> frozenset[str]:
    """Ids that satisfy ``#fragment`` exactly: as written, percent-decoded, and with
    GitHub's ``user-content-`` prefix."""
    forms = {fragment, unquote(fragment)}
    return frozenset(forms | {GITHUB_PREFIX + f for f in forms})


def fragment_found(fragment: str, ids: Iterable[str], *, casefold: bool) -> bool:
    """Whether ``ids`` contain an id ``#fragment`` reaches. ``casefold`` for hosts that
    match anchors case-insensitively (github.com does)."""
    forms = fragment_forms(fragment)
    if casefold:
        folded = {f.casefold() for f in forms}
        return any(i.casefold() in folded for i in ids)
    return any(i in forms for i in ids)


def _clean(raw: str) -> str:
    text = html.unescape(_TAGS.sub(" ", raw))
    return _SPACE.sub(" ", text).strip()[:_TEXT_LIMIT]


class PageScanner:
    """Incremental scan of decoded HTML text.

    ``wanted`` are the fragments to look for; only ids that could satisfy one of them
    (compared leniently) are kept, so memory does not grow with the page.
    """

    def __init__(self, *, wanted: Iterable[str] = ()) -> None:
        self._wanted = frozenset(wanted)
        self._exact = frozenset(form for f in self._wanted for form in fragment_forms(f))
        self._lenient = frozenset(form.casefold() for form in self._exact)
        self._unmet = set(self._wanted)
        self._ids: set[str] = set()
        self._tag_re = _ANY_TAG if self._wanted else _HEAD_TAG
        self._carry = ""
        self._title: str | None = None
        self._heading: str | None = None
        self._capturing: str | None = None  # "title" or "h1" while inside one
        self._capture: list[str] = []
        self._captured = 0
        self._seen = 0

    @property
    def done(self) -> bool:
        """Everything asked for was seen: fragments, and title and heading (or enough of
        the page was read that an error page would have shown them)."""
        if self._unmet:
            return False
        if self._seen >= TITLE_SCAN_BYTES:
            return True
        return self._title is not None and self._heading is not None

    def feed(self, text: str) -> None:
        """Scan the next piece of the document."""
        self._seen += len(text)
        buf = self._carry + text if self._carry else text
        pos = 0
        for match in self._tag_re.finditer(buf):
            self._text(buf[pos : match.start()])
            self._tag(match.group(1) == "/", match.group(2).lower(), match.group(3))
            pos = match.end()
        rest = buf[pos:]
        lt = rest.rfind("<")
        if lt == -1:
            self._text(rest)
            self._carry = ""
        else:  # a tag may continue in the next chunk
            self._text(rest[:lt])
            self._carry = rest[lt:] if len(rest) - lt <= _MAX_CARRY else ""

    def page(self, *, complete: bool) -> Page:
        """What was found. ``complete`` is False when reading stopped (size cap, timeout,
        error) before the document ended and before :attr:`done`."""
        if self._capturing is not None:
            self._finish_capture()
        return Page(
            title=self._title,
            heading=self._heading,
            ids=frozenset(self._ids) if self._wanted else None,
            complete=complete or self.done,
        )

    def _text(self, text: str) -> None:
        if self._capturing is not None and text:
            room = _MAX_CAPTURE - self._captured
            self._capture.append(text[:room])
            self._captured += min(len(text), room)
            if self._captured >= _MAX_CAPTURE:
                self._finish_capture()

    def _tag(self, closing: bool, name: str, attrs: str) -> None:
        if self._unmet and attrs:
            for m in _ID_ATTR.finditer(attrs):
                value = html.unescape(m.group(1) or m.group(2) or m.group(3) or "")
                if value.casefold() in self._lenient:
                    self._ids.add(value)
                    if value in self._exact:
                        self._unmet = {
                            f
                            for f in self._unmet
                            if not fragment_found(f, (value,), casefold=False)
                        }
        if name not in ("title", "h1"):
            return
        if closing:
            if self._capturing == name:
                self._finish_capture()
        elif self._capturing is None and self._wants(name):
            self._capturing = name
            self._capture = []
            self._captured = 0

    def _wants(self, name: str) -> bool:
        return self._title is None if name == "title" else self._heading is None

    def _finish_capture(self) -> None:
        text = _clean("".join(self._capture))
        if self._capturing == "title":
            self._title = text
        elif self._capturing == "h1":
            self._heading = text
        self._capturing = None
        self._capture = []


def new_decoder(content_type: str | None) -> codecs.IncrementalDecoder:
    """An incremental decoder for the body's charset (undecodable bytes are replaced)."""
    return codecs.getincrementaldecoder(charset_of(content_type))(errors="replace")
