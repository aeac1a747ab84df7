"""Relative file links, checked on disk like github.com resolves them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkcheck.cli import main


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(
        '# Guide\n\n## Set up\n\n<a id="Custom"></a>\n', encoding="utf-8"
    )
    (tmp_path / "docs" / "中文 说明.md").write_text("# 标题\n", encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    (tmp_path / "assets").mkdir()
    return tmp_path


def check(
    repo: Path, markdown: str, capsys: pytest.CaptureFixture[str], name: str = "README.md"
) -> list[dict[str, object]]:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown, encoding="utf-8")
    main([str(path), "--format", "json"])
    links: list[dict[str, object]] = json.loads(capsys.readouterr().out)["links"]
    return links


def statuses(links: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(link["status"], link["reason"]) for link in links]


def test_existing_files_folders_and_images(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = check(
        repo,
        "[g](docs/guide.md) [d](./docs/) [a](assets) ![i](img.png) ![q](img.png?raw=true) "
        "[u](docs/%E4%B8%AD%E6%96%87%20%E8%AF%B4%E6%98%8E.md) [root](/docs/guide.md)\n",
        capsys,
    )
    assert statuses(links) == [("ok", "ok")] * 7
    assert [link["kind"] for link in links] == ["file"] * 3 + ["image"] * 2 + ["file"] * 2


def test_missing_file_is_broken(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = check(repo, "[x](docs/missing.md) and ![y](nope.png)\n", capsys)
    assert statuses(links) == [("broken", "file_missing"), ("broken", "file_missing")]
    assert links[0]["detail"] == "docs/missing.md does not exist"


def test_fragments_of_other_markdown_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = check(
        repo,
        "[a](docs/guide.md#set-up) [b](docs/guide.md#Set-Up) [c](docs/guide.md#gone) "
        "[d](docs/guide.md#Custom)\n",
        capsys,
    )
    assert statuses(links) == [
        ("ok", "ok"),
        ("ok", "fragment_case"),
        ("broken", "fragment_missing"),
        ("ok", "ok"),
    ]
    assert links[1]["fix"] == "#set-up"


def test_links_from_a_file_in_a_subfolder(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = check(
        repo, "[up](../img.png) [root](/img.png) [self](guide.md#guide)\n", capsys, "docs/x.md"
    )
    assert statuses(links) == [("ok", "ok")] * 3


def test_paths_that_climb_out_of_the_repository_are_site_pages(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    links = check(repo, "[issues](../../issues) [new](../../issues/new)\n", capsys)
    assert statuses(links) == [("skipped", "outside_repository")] * 2


def test_without_a_repository_root_paths_resolve_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("[b](b.md) [abs](/b.md)\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    main([str(tmp_path / "a.md"), "--format", "json"])
    links = json.loads(capsys.readouterr().out)["links"]
    assert statuses(links) == [("ok", "ok"), ("ok", "ok")]


def test_linked_markdown_that_cannot_be_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "bin.md").write_bytes(b"\x00\x01\x02")
    links = check(repo, "[b](bin.md#x)\n", capsys)
    assert statuses(links) == [("unverified", "unreadable")]
