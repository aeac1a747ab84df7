"""The first user's list, end to end through the CLI, without the network."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from conftest import SEED
from linkcheck.cli import main


def dump(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert main([str(SEED), "--dump", "--format", "json", *extra]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_dump_lists_every_link_with_kind_section_and_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = dump(capsys)
    links = data["links"]
    assert isinstance(links, list)
    assert data["summary"] == {"total": 112, "unique_urls": 111}
    kinds = collections.Counter(link["kind"] for link in links)
    assert kinds == {"paper": 65, "code": 24, "anchor": 15, "author": 4, "badge": 2, "blog": 2}
    sections = collections.Counter(link["section"] for link in links)
    assert sections["Papers › 2023"] == 17
    assert sections["Papers › 2022"] == 71
    assert sections["Table of Contents"] == 15
    by_line = collections.defaultdict(list)
    for link in links:
        by_line[link["line"]].append(link)
    first_2023 = by_line[52][0]
    assert first_2023 == {
        "url": "https://openreview.net/pdf?id=GdkwSGTpbC",
        "raw": "https://openreview.net/pdf?id=GdkwSGTpbC",
        "file": str(SEED),
        "line": 52,
        "column": 4,
        "syntax": "inline",
        "kind": "paper",
        "text": "ICML",
        "section": "Papers › 2023",
        "entry": "Adaptive Smoothing Gradient Learning for Spiking Neural Networks",
    }
    code = by_line[53][1]
    assert (code["kind"], code["text"], code["column"]) == ("code", "code", 157)
    assert code["entry"].startswith("Surrogate Module Learning: Reduce the Gradient Error")
    assert [link["kind"] for link in by_line[1]] == ["badge", "badge"]
    assert [link["kind"] for link in by_line[3]] == ["author", "author", "author"]
    blog = by_line[130][0]
    assert (blog["kind"], blog["text"], blog["entry"]) == (
        "blog",
        "中文",
        "2023年顶会、顶刊SNN相关论文",
    )
    survey = by_line[29][0]
    assert survey["entry"] == "Direct Learning-Based Deep Spiking Neural Networks: A Review"
    assert survey["section"] == "Survey_Papers › Survey_of_Direct_Training_Method"


def test_dump_reports_the_openreview_url_reused_for_two_papers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = dump(capsys)
    assert data["findings"] == [
        {
            "type": "duplicate_url_different_entries",
            "file": str(SEED),
            "lines": [83, 84],
            "url": "https://openreview.net/pdf?id=xwBdjfKt7_W",
            "entries": [
                "SNN-RAT: Robustness-enhanced Spiking Neural Network through Regularized "
                "Adversarial Training",
                "Emergence of Hierarchical Layers in a Single Sheet of Self-Organizing Spiking "
                "Neurons",
            ],
            "detail": "the same URL is used for 2 different entries (likely a copy-paste "
            "error): SNN-RAT: Robustness-enhanced Spiking Neural Network through Regularized "
            "Adversarial Training / Emergence of Hierarchical Layers in a Single Sheet of "
            "Self-Organizing Spiking Neurons",
        }
    ]


def test_in_file_check_finds_the_seven_dead_toc_anchors_and_six_case_mismatches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main([str(SEED), "--exclude", "^https?://", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    anchors = [link for link in data["links"] if link["kind"] == "anchor"]
    broken = [(a["line"], a["url"]) for a in anchors if a["status"] == "broken"]
    assert broken == [(13 + i, f"#{2021 - i}") for i in range(7)]
    assert all(a["reason"] == "fragment_missing" for a in anchors if a["status"] == "broken")
    warned = {a["url"]: a["fix"] for a in anchors if a.get("warning")}
    assert warned == {
        "#Survey_Papers": "#survey_papers",
        "#Survey_of_Direct_Training_Method": "#survey_of_direct_training_method",
        "#Survey_of_ANN-SNN": "#survey_of_ann-snn",
        "#Papers": "#papers",
        "#Codes_and_Docs": "#codes_and_docs",
        "#Our_Team": "#our_team",
    }
    assert all(a["status"] == "ok" for a in anchors if a.get("warning"))
    assert data["summary"]["broken"] == 7
    assert data["summary"]["skipped"] == 97  # every web link, by --exclude


def test_in_file_check_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(SEED), "--exclude", "^https?://"])
    out = capsys.readouterr().out
    assert code == 1
    assert "BROKEN (7)" in out
    assert f"{SEED}:13:5  anchor [2021]  #2021" in out
    assert "WARNINGS (6)" in out
    assert "duplicate_url_different_entries" in out
    assert out.rstrip().endswith("✗ 7 broken links")


def test_dump_text_is_one_link_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SEED), "--dump"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 112
    assert lines[0] == f"{SEED}:1 badge https://awesome.re"
    assert lines[-1] == (
        f"{SEED}:131 blog https://blog.csdn.net/qq_43622216/article/details/124163883"
    )


def test_fixed_toc_has_no_broken_anchors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SEED.read_text(encoding="utf-8")
    for year in range(2015, 2022):
        text = text.replace(f"  - [{year}](#{year})\n", "")
    fixed = tmp_path / "README.md"
    fixed.write_text(text, encoding="utf-8")
    code = main([str(fixed), "--exclude", "^https?://", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["summary"]["broken"] == 0


def test_our_own_readme_has_no_broken_anchor_or_file(capsys: pytest.CaptureFixture[str]) -> None:
    readme = SEED.parent.parent.parent / "README.md"
    code = main([str(readme), "--exclude", "^https?://", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0, [v for v in data["links"] if v["status"] == "broken"]
    local = [link for link in data["links"] if not link["url"].startswith("http")]
    assert len(local) >= 10 and all(link["status"] == "ok" for link in local)
    assert not any(link.get("warning") for link in local)
