"""The kind table: every host of the seed and the common research-list hosts."""

from __future__ import annotations

import re

import pytest

from conftest import SEED
from linkcheck.config import KindRule
from linkcheck.extract import extract
from linkcheck.models import Kind
from linkcheck.roles import classify, kind_from_url

RESEARCH_HOSTS = [
    ("https://arxiv.org/abs/2305.19725", Kind.PAPER),
    ("https://arxiv.org/pdf/2304.05627.pdf", Kind.PAPER),
    ("https://export.arxiv.org/abs/2305.19725v2", Kind.PAPER),
    ("https://openreview.net/pdf?id=GdkwSGTpbC", Kind.PAPER),
    ("https://openreview.net/forum?id=GdkwSGTpbC", Kind.PAPER),
    ("https://openaccess.thecvf.com/content/CVPR2023/papers/X_CVPR_2023_paper.pdf", Kind.PAPER),
    ("https://openaccess.thecvf.com/content/ICCV2023/html/X_ICCV_2023_paper.html", Kind.PAPER),
    ("https://proceedings.mlr.press/v162/chen22ac/chen22ac.pdf", Kind.PAPER),
    ("https://proceedings.mlr.press/v162/chen22ac.html", Kind.PAPER),
    ("https://aaai.org/AAAI22Papers/AAAI-364.LiuF.pdf", Kind.PAPER),
    ("https://ojs.aaai.org/index.php/AAAI/article/view/25071", Kind.PAPER),
    ("https://www.ijcai.org/proceedings/2022/0347.pdf", Kind.PAPER),
    ("https://aclanthology.org/N19-1423.pdf", Kind.PAPER),
    ("https://aclanthology.org/2023.acl-long.1/", Kind.PAPER),
    ("https://papers.nips.cc/paper/2020/hash/abc-Abstract.html", Kind.PAPER),
    ("https://proceedings.neurips.cc/paper_files/paper/2022/hash/x-Abstract.html", Kind.PAPER),
    ("https://dl.acm.org/doi/10.1145/3447548.3467401", Kind.PAPER),
    ("https://ieeexplore.ieee.org/document/8259423", Kind.PAPER),
    ("https://link.springer.com/article/10.1007/s11263-020-01375-2", Kind.PAPER),
    ("https://www.sciencedirect.com/science/article/pii/S0893608019303181", Kind.PAPER),
    ("https://www.nature.com/articles/s41586-019-1677-2", Kind.PAPER),
    ("https://www.frontiersin.org/articles/10.3389/fnins.2023.1209795/full", Kind.PAPER),
    ("https://www.biorxiv.org/content/10.1101/2021.01.01.425001v1", Kind.PAPER),
    ("https://doi.org/10.1016/S0893-6080(97)00011-7", Kind.PAPER),
    ("https://dx.doi.org/10.1038/nature14539", Kind.PAPER),
    ("https://www.semanticscholar.org/paper/abc123", Kind.PAPER),
    ("https://paperswithcode.com/paper/attention-is-all-you-need", Kind.PAPER),
    ("https://huggingface.co/papers/2305.19725", Kind.PAPER),
    ("https://www.science.org/doi/10.1126/science.1254642", Kind.PAPER),
    ("https://example.edu/~someone/paper.pdf", Kind.PAPER),
    ("https://github.com/brain-intelligence-lab/surrogate_module_learning", Kind.CODE),
    ("https://github.com/huawei-noah/Efficient-AI-Backbones/tree/master/snnmlp_pytorch", Kind.CODE),
    ("https://gitlab.com/group/project", Kind.CODE),
    ("https://huggingface.co/meta-llama/Llama-2-7b", Kind.CODE),
    ("https://colab.research.google.com/drive/abc", Kind.CODE),
    ("https://github.com/Macaronlin", Kind.AUTHOR),
    ("https://yfguo91.github.io/", Kind.AUTHOR),
    ("https://yifu-ding.github.io/#/", Kind.AUTHOR),
    ("https://scholar.google.com/citations?user=abc", Kind.AUTHOR),
    ("https://orcid.org/0000-0002-1825-0097", Kind.AUTHOR),
    ("https://blog.csdn.net/qq_43622216/article/details/128918566", Kind.BLOG),
    ("https://zhuanlan.zhihu.com/p/123456", Kind.BLOG),
    ("https://www.zhihu.com/question/123", Kind.BLOG),
    ("https://medium.com/@someone/post-123", Kind.BLOG),
    ("https://someone.medium.com/post-123", Kind.BLOG),
    ("https://huggingface.co/blog/snn", Kind.BLOG),
    ("https://spikingjelly.readthedocs.io/zh_CN/latest/", Kind.DOC),
    ("https://huggingface.co/docs/transformers", Kind.DOC),
    ("https://img.shields.io/github/stars/o/r", Kind.BADGE),
    ("https://awesome.re/badge.svg", Kind.BADGE),
    ("https://github.com/o/r/actions/workflows/ci.yml/badge.svg", Kind.BADGE),
]


@pytest.mark.parametrize(("url", "kind"), RESEARCH_HOSTS, ids=[u for u, _ in RESEARCH_HOSTS])
def test_host_and_path_rules(url: str, kind: Kind) -> None:
    assert classify(url=url, text="") is kind


def test_every_link_of_the_seed_has_a_meaningful_kind() -> None:
    document = extract(SEED.read_text(encoding="utf-8"), "README.md")
    other = [link.url for link in document.links if link.kind is Kind.OTHER]
    assert other == []
    # And by host alone (without the text's help), every paper/code/blog host is known.
    for link in document.links:
        if link.kind in (Kind.PAPER, Kind.CODE, Kind.BLOG, Kind.AUTHOR):
            assert kind_from_url(link.url) is link.kind, link.url


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ICML", Kind.PAPER),
        ("NeurIPS 2022", Kind.PAPER),
        ("CVPR'23", Kind.PAPER),
        ("ICLR Oral", Kind.PAPER),
        ("[pdf]", Kind.PAPER),
        ("Paper", Kind.PAPER),
        ("code", Kind.CODE),
        ("**Code**", Kind.CODE),
        ("Official Code", Kind.CODE),
        ("中文", Kind.BLOG),
        ("Blog", Kind.BLOG),
        ("docs", Kind.DOC),
        ("slides", Kind.DOC),
        ("homepage", Kind.AUTHOR),
    ],
)
def test_link_text_decides_before_the_host(text: str, kind: Kind) -> None:
    # The host says "code"; the text says what the list means by this link.
    assert classify(url="https://github.com/o/r/blob/main/x", text=text) is kind


def test_titles_are_not_tags() -> None:
    assert classify(url="https://arxiv.org/abs/1", text="Attention Is All You Need") is Kind.PAPER
    assert classify(url="https://example.com/x", text="Spiking Neural Networks") is Kind.OTHER


def test_url_form_and_images() -> None:
    assert classify(url="#intro", text="code") is Kind.ANCHOR
    assert classify(url="docs/guide.md", text="docs") is Kind.FILE
    assert classify(url="./banner.png", text="", is_image=True) is Kind.IMAGE
    assert classify(url="https://example.com/logo.png", text="", is_image=True) is Kind.IMAGE
    assert classify(url="https://awesome.re", text="Awesome", wraps_badge=True) is Kind.BADGE
    assert classify(url="mailto:a@b.example", text="a@b.example") is Kind.OTHER


def test_user_rules_come_first() -> None:
    rules = (
        KindRule(kind=Kind.PAPER, host="*.mylab.edu", path=re.compile(r"^/pubs/")),
        KindRule(kind=Kind.DOC, text=re.compile(r"(?i)^manual$")),
    )
    assert classify(url="https://www.cs.mylab.edu/pubs/x", text="", user_rules=rules) is Kind.PAPER
    assert classify(url="https://cs.mylab.edu/people/x", text="", user_rules=rules) is Kind.OTHER
    assert classify(url="https://github.com/o/r", text="Manual", user_rules=rules) is Kind.DOC
