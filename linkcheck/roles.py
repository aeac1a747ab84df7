"""What a link is in a paper list: paper, code, blog, author page… decided by data tables.

Order of decision: the URL's form (same-file anchor, relative file), the user's rules from
the config, badges and images, then the link *text* (``[ICML]``, ``[code]``, ``[中文]``),
then the *host and path*. Text wins over host because lists say what a link is in its
text: ``[[Paper](https://github.com/…/paper.pdf)]`` is the paper, not code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from linkcheck.config import KindRule
from linkcheck.models import Kind

# --- Link text -------------------------------------------------------------------------

VENUES = (
    # Machine learning, vision, language, AI.
    "ICML NeurIPS NIPS ICLR CVPR ICCV ECCV WACV BMVC AAAI IJCAI ACL EMNLP NAACL COLING EACL "
    "KDD WWW SIGIR WSDM CIKM ICDM SDM MM ACMMM UAI AISTATS COLT CoRL RSS ICRA IROS MICCAI "
    "ISBI ICASSP INTERSPEECH Interspeech TPAMI PAMI TNNLS TIP IJCV JMLR TMLR PR TCYB TMM TCSVT "
    "TCAS TCAD TC TCASI TCASII TVLSI TBioCAS "
    # Neuromorphic and hardware.
    "ISSCC DAC DATE ICCAD ISCAS AICAS ISCA MICRO HPCA ASPLOS VLSI JSSC IEDM ISLPED FPGA "
    # Journals of the field.
    "Nature Science Neuron eLife PNAS PLOS PLoS Cell NatMI NatComm NatCommun Frontiers "
    "FrontNeurosci Neurocomputing NeuralComputation NeuralNetworks NN NECO arXiv arxiv "
    "ACMMM'22 OpenReview SciRep SciAdv"
).split()

_TEXT_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        Kind.CODE,
        re.compile(
            r"(?i)^(?:official\s+)?(?:code|codes|source\s*code|github|gitlab|repo|repository|"
            r"implementation|impl|pytorch|tensorflow|jax|keras|mindspore|paddle|colab|notebook|"
            r"model|models|weights|checkpoints?|代码)$"
        ),
    ),
    (
        Kind.PAPER,
        re.compile(
            r"(?i)^(?:paper|papers|pdf|full\s*text|article|preprint|abs|abstract|doi|proceedings|"
            r"publication|manuscript|supp|supplementary|supplemental|论文)$"
        ),
    ),
    (
        Kind.PAPER,
        re.compile(
            r"^(?:" + "|".join(re.escape(v) for v in VENUES) + r")"
            r"(?:[\s'’-]?(?:\d{2}|\d{4}))?(?:\s+(?:oral|spotlight|poster|workshop|findings))?$",
            re.IGNORECASE,
        ),
    ),
    (
        Kind.BLOG,
        re.compile(
            r"(?i)^(?:blog|blogs|blog\s*post|post|中文|知乎|zhihu|csdn|medium|解读|笔记|"
            r"chinese|news|press)$"
        ),
    ),
    (
        Kind.DOC,
        re.compile(
            r"(?i)^(?:doc|docs|documentation|tutorial|tutorials|manual|guide|api|wiki|slides|"
            r"slide|video|talk|poster|lecture|course|book|文档|教程)$"
        ),
    ),
    (Kind.AUTHOR, re.compile(r"(?i)^(?:homepage|home\s*page|author|authors|scholar|lab)$")),
)

# --- Hosts and paths -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostRule:
    """``host`` matches the host or any subdomain (``www.`` ignored); ``path`` is searched."""

    kind: Kind
    host: str
    path: re.Pattern[str] | None = None


def _rules(kind: Kind, hosts: str, path: str | None = None) -> list[HostRule]:
    pattern = re.compile(path) if path else None
    return [HostRule(kind, host, pattern) for host in hosts.split()]


_REPO = r"^/[^/]+/[^/]+"  # /OWNER/REPO…
_USER = r"^/[^/]+/?$"  # /USER

HOST_RULES: tuple[HostRule, ...] = tuple(
    # Badges before everything: they are images on any host.
    _rules(Kind.BADGE, "img.shields.io badgen.net badge.fury.io")
    + _rules(Kind.BADGE, "shields.io awesome.re", r"(?i)badge")
    + _rules(Kind.BADGE, "github.com", r"(?i)/(?:workflows|actions)/.+/badge\.svg")
    + _rules(
        Kind.BADGE,
        "codecov.io travis-ci.org travis-ci.com circleci.com app.codacy.com",
        r"(?i)badge|\.svg",
    )
    # Papers: preprint servers, proceedings, publishers, indexes.
    + _rules(
        Kind.PAPER,
        "arxiv.org export.arxiv.org ar5iv.labs.arxiv.org ar5iv.org",
        r"^/(?:abs|pdf|html|format)/",
    )
    + _rules(Kind.PAPER, "openreview.net", r"^/(?:forum|pdf|attachment)")
    + _rules(Kind.PAPER, "openaccess.thecvf.com", r"(?i)\.(?:pdf|html)$|/papers/|/html/")
    + _rules(Kind.PAPER, "proceedings.mlr.press jmlr.org")
    + _rules(
        Kind.PAPER,
        "aaai.org ojs.aaai.org ijcai.org aclanthology.org "
        "papers.nips.cc proceedings.neurips.cc neurips.cc "
        "dl.acm.org ieeexplore.ieee.org link.springer.com springer.com "
        "sciencedirect.com nature.com science.org frontiersin.org biorxiv.org medrxiv.org "
        "doi.org dx.doi.org pnas.org cell.com elifesciences.org journals.plos.org "
        "iopscience.iop.org mdpi.com ecva.net openaccess.thecvf.com tandfonline.com "
        "onlinelibrary.wiley.com academic.oup.com direct.mit.edu mitpressjournals.org "
        "researchgate.net ssrn.com papers.ssrn.com isca-archive.org isca-speech.org "
        "pubmed.ncbi.nlm.nih.gov ncbi.nlm.nih.gov europepmc.org hal.science "
        "proceedings.com bmva.org",
    )
    + _rules(Kind.PAPER, "semanticscholar.org api.semanticscholar.org", r"^/(?:paper|arxiv)/")
    + _rules(Kind.PAPER, "paperswithcode.com", r"^/paper/")
    + _rules(Kind.PAPER, "huggingface.co", r"^/papers/")
    + _rules(Kind.PAPER, "scholar.google.com", r"^/scholar\b")
    + _rules(Kind.AUTHOR, "scholar.google.com scholar.google.com.hk", r"^/citations")
    # Code.
    + _rules(
        Kind.CODE, "github.com gitlab.com bitbucket.org codeberg.org gitee.com git.sr.ht", _REPO
    )
    + _rules(Kind.CODE, "huggingface.co", r"^/(?!papers/|blog/|docs/)[^/]+/[^/]+")
    + _rules(
        Kind.CODE,
        "colab.research.google.com pypi.org npmjs.com www.npmjs.com "
        "crates.io kaggle.com/code hub.docker.com",
    )
    + _rules(Kind.AUTHOR, "github.com gitlab.com gitee.com", _USER)
    # Blogs and articles.
    + _rules(
        Kind.BLOG,
        "blog.csdn.net csdn.net zhuanlan.zhihu.com zhihu.com medium.com "
        "towardsdatascience.com substack.com dev.to hashnode.dev mp.weixin.qq.com "
        "jianshu.com cnblogs.com juejin.cn segmentfault.com blogspot.com wordpress.com "
        "lilianweng.github.io distill.pub thegradient.pub",
    )
    + _rules(
        Kind.BLOG,
        "huggingface.co openai.com deepmind.google deepmind.com "
        "ai.googleblog.com research.google ai.meta.com",
        r"^/(?:blog|research/blog)\b",
    )
    # Documentation and references.
    + _rules(
        Kind.DOC,
        "readthedocs.io readthedocs.org docs.python.org wikipedia.org "
        "gitbook.io developer.mozilla.org",
    )
    + _rules(Kind.DOC, "huggingface.co", r"^/docs/")
    # Author pages.
    + _rules(Kind.AUTHOR, "github.io", r"^/?$|^/#")
    + _rules(Kind.AUTHOR, "orcid.org dblp.org dblp.uni-trier.de linkedin.com/in sites.google.com")
    + _rules(Kind.AUTHOR, "twitter.com x.com", _USER)
)

_PATH_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.BADGE, re.compile(r"(?i)/badge[^/]*\.svg$")),
    (Kind.PAPER, re.compile(r"(?i)\.pdf$")),
    (Kind.IMAGE, re.compile(r"(?i)\.(?:png|jpe?g|gif|svg|webp|bmp|ico|avif)$")),
    (Kind.BLOG, re.compile(r"(?i)^/blog(?:/|$)|^/posts?/")),
    (Kind.DOC, re.compile(r"(?i)^/docs?(?:/|$)|^/documentation/")),
)


# --- Deciding --------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"(?i)^[a-z][a-z0-9+.-]*:|^//")
_BADGE_FILE = re.compile(r"(?i)badge[^/]*\.svg(?:$|\?)")


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _host_matches(host: str, pattern: str) -> bool:
    """``pattern`` may carry a path prefix (``linkedin.com/in``); ``*.x`` means subdomains."""
    pattern_host = _bare_host(pattern.split("/", 1)[0].removeprefix("*."))
    return host == pattern_host or host.endswith("." + pattern_host)


def _path_prefix_ok(path: str, pattern: str) -> bool:
    if "/" not in pattern:
        return True
    prefix = "/" + pattern.split("/", 1)[1]
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def clean_text(text: str) -> str:
    """Link text as a tag: ``[pdf]`` → ``pdf``, ``**Code**`` → ``Code``."""
    return text.strip().strip("[](){}*_`~ ").strip()


@lru_cache(maxsize=4096)
def kind_from_text(text: str) -> Kind | None:
    tag = clean_text(text)
    if not tag or len(tag) > 40 or "://" in tag:
        return None
    for kind, pattern in _TEXT_RULES:
        if pattern.match(tag):
            return kind
    return None


def is_tag_text(text: str) -> bool:
    """Whether a link text is a tag (venue, ``code``, ``pdf``…) rather than a title."""
    return kind_from_text(text) is not None


def _index_rules(rules: tuple[HostRule, ...]) -> dict[str, list[tuple[int, HostRule]]]:
    index: dict[str, list[tuple[int, HostRule]]] = {}
    for order, rule in enumerate(rules):
        host = _bare_host(rule.host.split("/", 1)[0].removeprefix("*."))
        index.setdefault(host, []).append((order, rule))
    return index


_RULES_BY_HOST = _index_rules(HOST_RULES)


@lru_cache(maxsize=4096)
def _candidate_rules(host: str) -> tuple[HostRule, ...]:
    """Rules for the host and each parent domain, in table order."""
    found: list[tuple[int, HostRule]] = []
    labels = host.split(".")
    for i in range(len(labels)):
        found.extend(_RULES_BY_HOST.get(".".join(labels[i:]), ()))
    found.sort(key=lambda pair: pair[0])
    return tuple(rule for _, rule in found)


@lru_cache(maxsize=16384)
def kind_from_url(url: str) -> Kind | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = _bare_host(parts.hostname or "")
    path = parts.path or "/"
    if parts.fragment and path == "/":
        path = "/#" + parts.fragment  # single-page author sites: https://x.github.io/#/
    if host:
        for rule in _candidate_rules(host):
            if not _path_prefix_ok(path, rule.host):
                continue
            if rule.path is None or rule.path.search(path):
                return rule.kind
    for kind, pattern in _PATH_RULES:
        if pattern.search(parts.path):
            return kind
    return None


def _user_rule_matches(rule: KindRule, url: str, text: str) -> bool:
    if rule.host is not None:
        try:
            host = _bare_host(urlsplit(url).hostname or "")
        except ValueError:
            return False
        if not _host_matches(host, rule.host):
            return False
    if rule.path is not None:
        try:
            path = urlsplit(url).path
        except ValueError:
            return False
        if not rule.path.search(path):
            return False
    return rule.text is None or bool(rule.text.search(text))


def classify(
    *,
    url: str,
    text: str,
    is_image: bool = False,
    wraps_badge: bool = False,
    user_rules: Iterable[KindRule] = (),
) -> Kind:
    """The link's kind. ``wraps_badge``: a link whose content is a badge image."""
    if url.startswith("#"):
        return Kind.ANCHOR
    is_relative = not _ABSOLUTE.match(url)
    for rule in user_rules:
        if _user_rule_matches(rule, url, text):
            return rule.kind
    by_url = None if is_relative else kind_from_url(url)
    if by_url is Kind.BADGE or (is_image and is_badge_url(url)):
        return Kind.BADGE
    if is_image:
        return Kind.IMAGE
    if is_relative:
        return Kind.FILE
    if wraps_badge:
        return Kind.BADGE
    by_text = kind_from_text(text)
    if by_text is not None:
        return by_text
    return by_url or Kind.OTHER


@lru_cache(maxsize=4096)
def is_badge_url(url: str) -> bool:
    """Badge images are recognised by host or by a ``badge`` file name."""
    if kind_from_url(url) is Kind.BADGE:
        return True
    return bool(_BADGE_FILE.search(url))
