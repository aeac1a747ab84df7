"""Soft 404s: a 200 answer that is really an error page.

Two signals, both tuned against false alarms:

* the page's ``<title>`` or first ``<h1>`` *is* an error phrase ("Page not found",
  "404 Not Found", "页面不存在"…). The title is split at the separators sites put between
  page and site name (``|``, ``·``, ``–``, `` - ``…) and a part must match an error
  phrase *entirely*: "Not Found in Translation" or "404 Errors Considered Harmful" are
  paper titles, not error pages;
* a deep link was redirected to its own site's home page or to a login page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from linkcheck.models import Page

_SEPARATORS = re.compile(r"\s+[|·•–—»\-]\s+|\s*[|·•»]\s*")
_TRAILING = re.compile(r"[\s.!¡?…]+1?$")

ERROR_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.VERBOSE)
    for p in (
        # 404, Error 404, HTTP 404, 404 error, 404 page, 404 Not Found, Error 404 (Not Found)
        r"(?:error\s*[:\-]?\s*)?(?:http\s*)?(?:error\s*)?404(?:\s*error)?"
        r"(?:\s*[:\-–—]?\s*\(?(?:page\s+|file\s+)?not\s+found\)?)?(?:\s*page)?",
        # Not Found, Page not found, Error: page not found, The requested URL was not found
        r"(?:error\s*[:\-]?\s*)?(?:the\s+)?(?:requested\s+)?"
        r"(?:page|file|document|resource|article|post|paper|content|url|site|repository"
        r"|project|item|entry|link)?\s*(?:was\s+|is\s+)?not\s+found",
        # Sorry, the page you are looking for does not exist / cannot be found / was removed
        r"(?:(?:sorry|oops|whoops|uh\s+oh)[,!.\s]*)?(?:we're\s+sorry[,!.\s]*)?"
        r"(?:the|this|that)?\s*(?:page|file|document|resource|article|post|content|url)\s+"
        r"(?:you\s+(?:were|are)\s+looking\s+for\s+|you\s+requested\s+)?"
        r"(?:(?:does\s+not|doesn't|doesn’t|did\s+not|no\s+longer)\s+exists?"
        r"|(?:can\s*not|cannot|can't|can’t|could\s+not|couldn't|couldn’t)\s+be\s+found"
        r"|is\s+(?:missing|unavailable|no\s+longer\s+available)"
        r"|(?:has\s+been|was)\s+(?:removed|deleted)|not\s+available)",
        r"(?:sorry|oops)[,!.\s]*(?:page|file)\s+not\s+found",
        r"nothing\s+(?:was\s+)?found(?:\s+here)?",
        r"(?:seite|datei)\s+nicht\s+gefunden",
        r"page\s+(?:non\s+trouvée|non\s+trouvee|introuvable)",
        r"p[áa]gina\s+no\s+encontrada",
        r"(?:抱歉[，,]?\s*)?(?:页面不存在|该页面不存在|页面未找到|找不到页面|页面找不到了|404\s*页面|文章不存在)",
        r"ページが見つかりません",
        r"페이지를\s*찾을\s*수\s*없습니다",
    )
)
"""A title part or heading that matches one of these entirely is an error page."""


def _normalise(text: str) -> str:
    text = " ".join(text.split()).lower()
    return _TRAILING.sub("", text).strip(" \"'“”")


def is_error_phrase(text: str | None) -> bool:
    """Whether a title part or heading is, in full, an error phrase."""
    if not text:
        return False
    norm = _normalise(text)
    return bool(norm) and any(p.fullmatch(norm) for p in ERROR_PHRASES)


def error_title(title: str | None) -> bool:
    """Whether some part of a ``<title>`` (split at site-name separators) is an error phrase."""
    if not title:
        return False
    return any(is_error_phrase(part) for part in _SEPARATORS.split(title))


def page_says_not_found(page: Page | None) -> str | None:
    """Why the page looks like an error page (a human phrase), or None."""
    if page is None:
        return None
    if error_title(page.title):
        return f"the page title is {page.title!r}"
    if is_error_phrase(page.heading):
        return f"the page heading is {page.heading!r}"
    return None


_LANGUAGES = (
    "ar|bg|cs|da|de|el|en|es|et|fa|fi|fr|he|hi|hu|id|it|ja|ko|lt|lv|nl|no|pl|pt|ro|ru|sk"
    "|sl|sv|th|tr|uk|vi|zh"
)
_HOME_PATH = re.compile(
    rf"/?(?:index\.(?:html?|php|aspx?|jsp))?|/(?:{_LANGUAGES})(?:[-_][a-z]{{2,4}})?/?"
    r"(?:index\.html?)?",
    re.IGNORECASE,
)
"""A site's home: ``/``, ``/index.html``, or a language root such as ``/en/``, ``/zh-cn``."""
_LOGIN_SEGMENTS = frozenset(
    "login log-in logon signin sign-in sign_in servicelogin sso saml idp cas authorize"
    " oauth oauth2 auth authenticate".split()
)
_LOGIN_HOSTS = ("login.", "signin.", "accounts.", "auth.", "sso.", "idp.")
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "or", "ne", "go"})


def _is_home(path: str) -> bool:
    return _HOME_PATH.fullmatch(path) is not None


def _is_login(host: str, path: str) -> bool:
    if host.startswith(_LOGIN_HOSTS):
        return True
    return any(seg.lower() in _LOGIN_SEGMENTS for seg in path.split("/"))


def site_of(host: str) -> str:
    """Registrable-domain approximation: ``a.b.example.com`` → ``example.com``,
    ``www.cs.ox.ac.uk`` → ``ox.ac.uk``; IP addresses stay as they are."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if host.replace(".", "").isdigit() or ":" in host or len(labels) <= 2:
        return host
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def redirect_says_not_found(start: str, final: str) -> str | None:
    """Why a redirect from ``start`` to ``final`` means the content is gone, or None.

    A deep link that lands on its own site's home page, or on a login page of its own
    site, no longer shows what the list promises. Redirects to another site (link
    shorteners, DOIs, publishers' single sign-on) are not judged this way.
    """
    try:
        s, f = urlsplit(start), urlsplit(final)
    except ValueError:
        return None
    s_host, f_host = (s.hostname or ""), (f.hostname or "")
    if not s_host or not f_host or site_of(s_host) != site_of(f_host):
        return None
    if not _is_home(s.path) and _is_home(f.path) and not f.query:
        return "a deep link redirected to the site's home page"
    if _is_login(f_host, f.path) and not _is_login(s_host, s.path):
        return "redirected to a login page"
    return None
