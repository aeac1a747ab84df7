"""CLI output: formats, files written atomically, selection of what is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkcheck.cli import main
from linkcheck.report import json as json_report

LIST = """# List

## Papers

- [[ICML](#papers)] A Title [[code](#missing)]
- [mail](mailto:a@b.example) [ftp](ftp://files.example/x) [tel](tel:+123)
"""


@pytest.fixture
def readme(tmp_path: Path) -> Path:
    path = tmp_path / "README.md"
    path.write_text(LIST, encoding="utf-8")
    return path


def test_unsupported_schemes_are_skipped(readme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(readme), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    rows = [(link["url"], link["status"], link["reason"]) for link in data["links"]]
    assert rows == [
        ("#papers", "ok", "ok"),
        ("#missing", "broken", "fragment_missing"),
        ("mailto:a@b.example", "skipped", "unsupported_scheme"),
        ("ftp://files.example/x", "skipped", "unsupported_scheme"),
        ("tel:+123", "skipped", "unsupported_scheme"),
    ]
    assert data["summary"] == {
        "total": 5,
        "unique_urls": 5,
        "ok": 1,
        "redirected": 0,
        "broken": 1,
        "unverified": 0,
        "skipped": 3,
        "duration_s": data["summary"]["duration_s"],
    }


def test_include_and_exclude(readme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(readme), "--format", "json", "--exclude", "missing"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["links"][1]["reason"] == "excluded"
    assert main([str(readme), "--format", "json", "--include", "^#pap"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [link["status"] for link in data["links"]] == ["ok"] + ["skipped"] * 4
    # include wins over exclude
    assert main([str(readme), "--format", "json", "--include", "missing", "--exclude", "#"]) == 1


def test_output_file_and_save_json(
    readme: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, saved = tmp_path / "report.txt", tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    assert main([str(readme), "-o", str(out), "--save-json", str(saved)]) == 1
    assert capsys.readouterr().out == ""
    assert "BROKEN (1)" in out.read_text(encoding="utf-8")
    report = json_report.load(saved.read_text(encoding="utf-8"))
    assert report.summary.broken == 1
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_quiet_and_verbose(readme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(readme), "-q"])
    quiet = capsys.readouterr().out
    assert "BROKEN (1)" in quiet and "SKIPPED" not in quiet and "linkcheck " not in quiet
    main([str(readme), "-v"])
    verbose = capsys.readouterr().out
    assert "OK (1)" in verbose and "SKIPPED (3)" in verbose


def test_json_round_trip(readme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(readme), "--format", "json"])
    text = capsys.readouterr().out
    assert json_report.render(json_report.load(text)) == text


def test_rerender_a_saved_report(
    readme: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "r.json"
    main([str(readme), "--save-json", str(saved), "-q"])
    capsys.readouterr()
    assert main(["--from-json", str(saved)]) == 1
    assert "BROKEN (1)" in capsys.readouterr().out


def test_dump_refuses_github_formats(readme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(readme), "--dump", "--format", "markdown"]) == 2
    assert "--dump writes text or json" in capsys.readouterr().err


def test_several_files_in_one_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("[x](#x)\n", encoding="utf-8")
    b.write_text("# X\n[y](#x)\n", encoding="utf-8")
    assert main([str(a), str(b), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == [str(a), str(b)]
    assert [(link["file"], link["status"]) for link in data["links"]] == [
        (str(a), "broken"),
        (str(b), "ok"),
    ]


def test_version_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("linkcheck ")
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", "--help"], capture_output=True, text=True, check=True
    )
    assert "--dump" in result.stdout and "Exit codes" in result.stdout


def test_subprocess_exit_codes(readme: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", str(readme), "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "fragment_missing" in result.stdout
    readme.write_text("# Papers\n[ok](#papers)\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", str(readme)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "✓ no broken links" in result.stdout
