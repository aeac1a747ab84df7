"""Verdicts from Checks (pure): statuses, reasons, fixes, soft 404s and fragments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from linkcheck.config import Config, HostPolicy
from linkcheck.judge import judge
from linkcheck.models import (
    Check,
    FetchError,
    Hop,
    Kind,
    Link,
    Location,
    Page,
    Status,
    Syntax,
    Verdict,
)
from linkcheck.soft404 import error_title, is_error_phrase, redirect_says_not_found, site_of

HTML = "text/html; charset=utf-8"
PAGE = Page(title="A paper", heading="A paper", ids=None)


def link(url: str) -> Link:
    return Link(
        url=url,
        raw=url,
        syntax=Syntax.INLINE,
        kind=Kind.PAPER,
        location=Location(path="R.md", line=3),
    )


def ok_check(url: str, **kw: object) -> Check:
    base = Check(url=url, http_status=200, detail="200 OK", content_type=HTML, page=PAGE)
    return replace(base, **kw)  # type: ignore[arg-type]


def run(url: str, check: Check, **config: object) -> Verdict:
    return judge(link(url), check, Config(**config))  # type: ignore[arg-type]


U = "https://example.org/paper"


# -- statuses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        (200, Status.OK, "ok"),
        (204, Status.OK, "ok"),
        (404, Status.BROKEN, "http_404"),
        (410, Status.BROKEN, "http_410"),
        (400, Status.BROKEN, "http_400"),
        (405, Status.BROKEN, "http_405"),
        (451, Status.BROKEN, "http_451"),
        (401, Status.UNVERIFIED, "bot_wall"),
        (403, Status.UNVERIFIED, "bot_wall"),
        (999, Status.UNVERIFIED, "bot_wall"),
        (429, Status.UNVERIFIED, "rate_limited"),
        (408, Status.UNVERIFIED, "timeout"),
        (500, Status.UNVERIFIED, "server_error"),
        (503, Status.UNVERIFIED, "server_error"),
        (521, Status.UNVERIFIED, "server_error"),
        (304, Status.UNVERIFIED, "http_304"),
    ],
)
def test_status_codes(code: int, status: Status, reason: str) -> None:
    v = run(U, ok_check(U, http_status=code, detail=f"{code} X", page=None))
    assert (v.status, v.reason) == (status, reason)
    assert v.check is not None and v.link.url == U


def test_rate_limit_detail_names_the_retry_after() -> None:
    check = ok_check(
        U, http_status=429, detail="429 Too Many Requests", retry_after_s=3600.0, attempts=1
    )
    v = run(U, check)
    assert v.reason == "rate_limited" and "Retry-After 3600 s" in v.detail


def test_attempts_are_in_the_detail() -> None:
    v = run(U, ok_check(U, http_status=503, detail="503 Service Unavailable", attempts=4))
    assert "(4 requests)" in v.detail


def test_a_challenge_is_a_bot_wall_even_as_503() -> None:
    v = run(U, ok_check(U, http_status=503, challenge=True))
    assert (v.status, v.reason) == (Status.UNVERIFIED, "bot_wall")


def test_csdn_521_is_a_wall_not_a_server_error() -> None:
    url = "https://blog.csdn.net/u/article/details/1"
    v = run(url, ok_check(url, http_status=521, detail="521"))
    assert (v.status, v.reason) == (Status.UNVERIFIED, "bot_wall")
    assert "csdn-bot-wall" in v.detail


def test_accepted_codes_count_as_ok() -> None:
    v = run(U, ok_check(U, http_status=403, detail="403 Forbidden"), accept=frozenset({200, 403}))
    assert (v.status, v.reason) == (Status.OK, "accepted")
    per_host = Config(hosts={"example.org": HostPolicy(accept=frozenset({200, 404}))})
    v2 = judge(link(U), ok_check(U, http_status=404, page=None), per_host)
    assert v2.status is Status.OK
    v3 = run(U, ok_check(U, http_status=204), accept=frozenset({200}))
    assert (v3.status, v3.reason) == (Status.BROKEN, "http_204")


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (FetchError.DNS, Status.BROKEN, "dns"),
        (FetchError.DNS_TRANSIENT, Status.UNVERIFIED, "dns_transient"),
        (FetchError.CONNECT, Status.BROKEN, "connect"),
        (FetchError.TLS, Status.BROKEN, "tls"),
        (FetchError.TIMEOUT, Status.UNVERIFIED, "timeout"),
        (FetchError.RESET, Status.UNVERIFIED, "reset"),
        (FetchError.PROTOCOL, Status.UNVERIFIED, "protocol"),
        (FetchError.REDIRECT_LOOP, Status.BROKEN, "redirect_loop"),
        (FetchError.TOO_MANY_REDIRECTS, Status.BROKEN, "too_many_redirects"),
        (FetchError.INVALID_URL, Status.BROKEN, "invalid_url"),
        (FetchError.BLOCKED_ADDRESS, Status.SKIPPED, "private_address"),
    ],
)
def test_errors(error: FetchError, status: Status, reason: str) -> None:
    v = run(U, Check(url=U, error=error, detail="what happened"))
    assert (v.status, v.reason) == (status, reason)
    assert v.detail.startswith("what happened")


# -- redirects ----------------------------------------------------------------------------


def chain(url: str, *hops: tuple[str, int], final: str) -> Check:
    return ok_check(url, redirects=tuple(Hop(url=u, status=s) for u, s in hops), final_url=final)


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_suggests_the_final_url(code: int) -> None:
    new = "https://example.org/papers/1"
    v = run(U, chain(U, (U, code), final=new))
    assert (v.status, v.reason, v.fix) == (Status.REDIRECTED, "permanent_redirect", new)


@pytest.mark.parametrize("code", [302, 303, 307])
def test_temporary_redirect_is_ok(code: int) -> None:
    v = run(U, chain(U, (U, code), final="https://example.org/today"))
    assert (v.status, v.fix) == (Status.OK, None)
    assert "temporary" in v.detail


def test_only_the_leading_permanent_part_is_the_fix() -> None:
    https = "https://example.org/paper"
    start = "http://example.org/paper"
    v = run(start, chain(start, (start, 301), (https, 302), final="https://example.org/paper?s=1"))
    assert (v.status, v.fix) == (Status.REDIRECTED, https)
    v2 = run(start, chain(start, (start, 302), (https, 301), final="https://example.org/x"))
    assert v2.status is Status.OK


def test_the_fix_keeps_the_fragment() -> None:
    new = "https://example.org/new"
    check = chain(U, (U, 301), final=new)
    check = replace(check, page=Page(title="t", heading="h", ids=frozenset({"sec"})))
    assert run(U + "#sec", check).fix == new + "#sec"


def test_a_doi_redirect_is_resolution_not_a_move() -> None:
    doi = "https://doi.org/10.1109/CVPR.2016.90"
    v = run(doi, chain(doi, (doi, 301), final="https://ieeexplore.ieee.org/document/7780459"))
    assert (v.status, v.reason) == (Status.OK, "ok")
    assert "doi-resolver" in v.detail


def test_no_fix_for_a_remapped_url() -> None:
    local = "http://127.0.0.2:8000/paper"
    check = chain(local, (local, 301), final="http://127.0.0.2:8000/papers/1")
    v = run(U, check)
    assert (v.status, v.fix) == (Status.REDIRECTED, None)


def test_fix_for_a_quirk_rewritten_request_moves_only_scheme_and_host() -> None:
    pdf = "http://arxiv.org/pdf/2302.10685.pdf"
    asked = "http://arxiv.org/abs/2302.10685"
    moved = "https://arxiv.org/abs/2302.10685"
    check = replace(chain(pdf, (asked, 301), final=moved), requested_url=asked)
    assert run(pdf, check).fix == "https://arxiv.org/pdf/2302.10685.pdf"
    elsewhere = replace(
        chain(pdf, (asked, 301), final="https://arxiv.org/abs/9999.0001"), requested_url=asked
    )
    assert run(pdf, elsewhere).fix is None


# -- soft 404 -------------------------------------------------------------------------------


ERROR_TITLES = [
    "404",
    "404 Not Found",
    "Error 404 (Not Found)!!1",
    "404 - Page not found",
    "404: Not Found",
    "Page Not Found | NVIDIA",
    "Page not found · GitHub",
    "Not Found",
    "File not found",
    "Error: Page not found",
    "The page you were looking for doesn't exist",
    "Sorry, this page does not exist – Example",
    "Oops! That page can’t be found. – Lab",
    "The page cannot be found",
    "Seite nicht gefunden",
    "页面不存在 - 知乎",
    "ページが見つかりません",
]
PAPER_TITLES = [
    "Not Found in Translation: Robust MT",
    "[2302.10685] 404 Errors Considered Harmful",
    "Lost and Found: Object Permanence",
    "Found in the Middle",
    "404 Not Found in the Wild: Measuring Link Rot",
    "The Page That Was Not Found: A Study of Link Rot",
    "Example Lab",
    "Just a moment: a paper on patience",
    "",
]


@pytest.mark.parametrize("title", ERROR_TITLES)
def test_error_titles(title: str) -> None:
    assert error_title(title)


@pytest.mark.parametrize("title", PAPER_TITLES)
def test_paper_titles_are_not_error_pages(title: str) -> None:
    assert not error_title(title)


def test_a_heading_alone_can_say_not_found() -> None:
    assert is_error_phrase("Page not found")
    v = run(U, ok_check(U, page=Page(title="Example Lab", heading="404 - Page not found")))
    assert (v.status, v.reason) == (Status.BROKEN, "soft_404")
    v2 = run(U, ok_check(U, page=Page(title="Example Lab", heading="Not Found in Translation")))
    assert v2.status is Status.OK


def test_soft_404_by_title() -> None:
    v = run(U, ok_check(U, page=Page(title="Page Not Found | Example Lab", heading="Sorry")))
    assert (v.status, v.reason) == (Status.BROKEN, "soft_404")
    assert "Page Not Found" in v.detail


def test_a_non_html_200_is_never_a_soft_404() -> None:
    v = run(U, ok_check(U, content_type="application/pdf", page=Page(title="Not Found")))
    assert v.status is Status.OK


@pytest.mark.parametrize(
    ("start", "final", "why"),
    [
        ("https://lab.example.org/papers/x.html", "https://lab.example.org/", "home"),
        ("http://example.org/p/1", "https://www.example.org/index.html", "home"),
        (
            "https://docs.google.com/document/d/1/edit",
            "https://accounts.google.com/ServiceLogin?x=1",
            "login",
        ),
        ("https://example.org/private/1", "https://example.org/login?next=/private/1", "login"),
        ("https://bit.ly/abc", "https://example.org/", None),  # another site
        ("https://example.org/", "https://example.org/en/", None),  # not a deep link
        ("https://example.org/old", "https://example.org/new", None),
        ("https://example.org/redirect/302", "https://example.org/ok", None),  # not "/en"
        ("https://example.org/p/1", "https://example.org/zh-cn/", "home"),
        ("https://example.org/login", "https://example.org/signin", None),  # was a login link
        ("https://example.org/a", "https://example.org/?q=1", None),  # home with a query: a search
    ],
)
def test_soft_404_by_redirect(start: str, final: str, why: str | None) -> None:
    result = redirect_says_not_found(start, final)
    assert (result is None) if why is None else (result is not None and why in result)


def test_soft_404_by_redirect_verdict() -> None:
    home = "https://example.org/"
    v = run(U, chain(U, (U, 302), final=home))
    assert (v.status, v.reason) == (Status.BROKEN, "soft_404")
    doi = "https://doi.org/10.1/x"
    assert run(doi, chain(doi, (doi, 302), final="https://doi.org/")).status is Status.OK


def test_sites() -> None:
    assert site_of("a.b.example.com") == "example.com"
    assert site_of("www.cs.ox.ac.uk") == "ox.ac.uk"
    assert site_of("127.0.0.2") == "127.0.0.2"


# -- fragments ------------------------------------------------------------------------------


def page_with(*ids: str, complete: bool = True) -> Page:
    return Page(title="T", heading="H", ids=frozenset(ids), complete=complete)


@pytest.mark.parametrize(
    ("url", "ids", "status", "reason"),
    [
        (U + "#intro", {"intro"}, Status.OK, "ok"),
        (U + "#install", {"user-content-install"}, Status.OK, "ok"),
        (U + "#Intro", {"intro"}, Status.BROKEN, "fragment_missing"),
        ("https://github.com/o/r#Survey_Papers", {"user-content-survey_papers"}, Status.OK, "ok"),
        (U + "#missing", set(), Status.BROKEN, "fragment_missing"),
        (U + "#%E4%B8%AD%E6%96%87", {"中文"}, Status.OK, "ok"),
        (U + "#/", set(), Status.OK, "ok"),
        (U + "#!/route", set(), Status.OK, "ok"),
        (U + "#:~:text=word", set(), Status.OK, "ok"),
        (U + "#top", set(), Status.OK, "ok"),
        (U + "#", set(), Status.OK, "ok"),
        ("https://github.com/o/r/blob/main/x.py#L10-L20", set(), Status.OK, "ok"),
        ("https://github.com/o/r#readme", set(), Status.OK, "ok"),
        ("https://arxiv.org/pdf/2302.10685#page=3", set(), Status.OK, "ok"),
    ],
)
def test_fragments(url: str, ids: set[str], status: Status, reason: str) -> None:
    base = url.split("#", 1)[0]
    v = run(url, ok_check(base, page=page_with(*ids)))
    assert (v.status, v.reason) == (status, reason)


def test_ignored_fragments_name_their_quirk() -> None:
    url = "https://github.com/o/r/blob/main/x.py#L10-L20"
    v = run(url, ok_check(url.split("#")[0], page=page_with()))
    assert "github-line-fragments" in v.detail


def test_a_fragment_past_the_scanned_part_is_unverified() -> None:
    v = run(U + "#late", ok_check(U, page=page_with(complete=False)))
    assert (v.status, v.reason) == (Status.UNVERIFIED, "fragment_unverified")


def test_fragments_of_non_html_answers_are_not_ids() -> None:
    v = run(U + "#sec", ok_check(U, content_type="application/pdf", page=None))
    assert v.status is Status.OK


def test_an_unread_page_cannot_confirm_a_fragment() -> None:
    v = run(U + "#sec", ok_check(U, page=None))
    assert (v.status, v.reason) == (Status.UNVERIFIED, "fragment_unverified")


def test_fragment_checks_can_be_turned_off() -> None:
    v = run(U + "#missing", ok_check(U, page=page_with()), check_fragments=False)
    assert v.status is Status.OK


def test_a_missing_fragment_after_a_permanent_redirect_is_broken() -> None:
    check = replace(chain(U, (U, 301), final=U + "/v2"), page=page_with())
    v = run(U + "#gone", check)
    assert (v.status, v.reason) == (Status.BROKEN, "fragment_missing")


def test_a_case_only_match_warns_and_suggests_the_exact_spelling() -> None:
    url = "https://github.com/o/r#Survey_Papers"
    check = ok_check("https://github.com/o/r", page=page_with("user-content-survey_papers"))
    v = run(url, check)
    assert (v.status, v.reason) == (Status.OK, "ok")
    assert v.warning is not None and "case-insensitively" in v.warning
    assert v.fix == "https://github.com/o/r#survey_papers"
    exact = run("https://github.com/o/r#survey_papers", check)
    assert (exact.warning, exact.fix) == (None, None)
