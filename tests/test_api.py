"""The public library API: usable without the CLI, and __all__ kept honest."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import linkcheck
from linkcheck import Config, Kind, Status, check_file, extract_links


def test_all_names_exist_and_are_sorted() -> None:
    assert linkcheck.__all__ == sorted(linkcheck.__all__)
    for name in linkcheck.__all__:
        assert hasattr(linkcheck, name), name


def test_all_lists_every_public_name() -> None:
    public = {
        name
        for name, value in vars(linkcheck).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(linkcheck.__all__) - {"__version__"}


def test_library_without_cli(tmp_path: Path) -> None:
    text = "# A\n\n- [[ICML](#a)] Title [[code](#b)]\n"
    links = extract_links(text, "README.md")
    assert [(link.kind, link.entry) for link in links] == [
        (Kind.ANCHOR, "Title"),
        (Kind.ANCHOR, "Title"),
    ]
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    report = check_file(path, Config(exclude=(re.compile("^https?://"),)))
    assert [v.status for v in report.verdicts] == [Status.OK, Status.BROKEN]
    assert [v.link.url for v in report.failing(strict=False)] == ["#b"]
