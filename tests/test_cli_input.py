"""The CLI on bad input: one clear line on stderr, exit 2, no traceback, no output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linkcheck.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("linkcheck: ")
    return lines[0]


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(tmp_path / "nope.md")], capsys)
    assert code == 2
    assert out == ""
    assert "nope.md: no such file" in one_line_error(err)


def test_default_file_is_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["--dump"], capsys)
    assert code == 2
    assert "README.md: no such file" in one_line_error(err)
    (tmp_path / "README.md").write_text("[x](#x)\n\n# X\n", encoding="utf-8")
    code, out, _ = run(["--dump"], capsys)
    assert code == 0
    assert out == "README.md:1 anchor #x\n"


def test_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path)], capsys)
    assert code == 2
    assert "is a directory" in one_line_error(err)


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, _, err = run([str(path)], capsys)
    assert code == 2
    assert "binary" in one_line_error(err)


def test_invalid_utf8_is_replaced_with_a_warning_and_lines_stay_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"# Caf\xe9\n\nsee [a](#caf)\n\n\xff\xfe [b](https://b.example)\n")
    code, out, err = run([str(path), "--dump"], capsys)
    assert code == 0
    assert f"{path}:1: invalid UTF-8" in err
    assert out.splitlines() == [f"{path}:3 anchor #caf", f"{path}:5 other https://b.example"]


def test_invalid_utf8_warning_is_in_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = tmp_path / "bad.md"
    path.write_bytes(b"ok\n\n\xc3\x28 [a](#a)\n")
    code, out, _ = run([str(path), "--dump", "--format", "json"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["warnings"] == [
        f"{path}:3: invalid UTF-8 (byte 0xc3); undecodable bytes were replaced with U+FFFD"
    ]
    assert report["links"][0]["line"] == 3


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    code, out, err = run([str(path)], capsys)
    assert code == 0
    assert "0 links" in out
    assert err == ""


def test_ten_megabyte_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = (Path(__file__).parent.parent / "fixtures" / "awesome-snn" / "README.md").read_text(
        encoding="utf-8"
    )
    copies = 10 * 1024 * 1024 // len(seed.encode()) + 1
    path = tmp_path / "huge.md"
    path.write_text(seed * copies, encoding="utf-8")
    code, out, _ = run([str(path), "--dump"], capsys)
    assert code == 0
    assert len(out.splitlines()) == 112 * copies


def test_too_large_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "giant.md"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    code, _, err = run([str(path)], capsys)
    assert code == 2
    assert "larger than the 64 MiB limit" in one_line_error(err)


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "secret.md"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    code, _, err = run([str(path)], capsys)
    assert code == 2
    assert "permission denied" in one_line_error(err)


def test_unknown_config_keys_are_all_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("x\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('timout = 3\nexclude = ["("]\nmax_retries = "3"\n', encoding="utf-8")
    code, _, err = run([str(tmp_path / "README.md"), "--config", str(config)], capsys)
    assert code == 2
    line = one_line_error(err)
    assert "unknown key 'timout' (did you mean 'timeout'?)" in line
    assert "exclude: bad regex '('" in line
    assert "max_retries: expected int, got str" in line


def test_invalid_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text("timeout = \n", encoding="utf-8")
    code, _, err = run(["--config", str(config)], capsys)
    assert code == 2
    assert "invalid TOML" in one_line_error(err)


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--config", str(tmp_path / "nope.toml")], capsys)
    assert code == 2
    assert "nope.toml: file not found" in one_line_error(err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--exclude", "[unclosed"], "exclude: bad regex '[unclosed'"),
        (["--include", "(?P<x"], "include: bad regex"),
        (["--remap", "(", "x"], "remap: bad regex '('"),
        (["--timeout", "-1"], "timeout: out of range"),
        (["--accept", "200..=abc"], "accept: not a status code or range"),
        (["--header", "no colon"], "header must look like 'Name: value'"),
        (["--format", "xml"], "invalid choice: 'xml'"),
        (["--max-retries", "x"], "invalid int value: 'x'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_command_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    code, out, err = run([str(tmp_path / "a.md"), *argv], capsys)
    assert code == 2
    assert out == ""
    assert message in one_line_error(err)


def test_from_json_with_files_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["--from-json", "r.json", "README.md"], capsys)
    assert code == 2
    assert "--from-json publishes a saved report" in one_line_error(err)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"version": 2, "links": []}', "version is 2, expected 1"),
        ('{"version": 1, "files": ["a"], "links": [{"url": "x"}]}', "missing field 'syntax'"),
        ("[]", "top level is not an object"),
    ],
)
def test_bad_saved_report(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(["--from-json", str(path)], capsys)
    assert code == 2
    assert message in one_line_error(err)


def test_output_into_missing_directory_is_exit_3_and_nothing_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("[x](#x)\n", encoding="utf-8")
    code, _, err = run([str(tmp_path / "a.md"), "-o", str(tmp_path / "no" / "r.txt")], capsys)
    assert code == 3
    assert "no such directory" in one_line_error(err)
    assert not (tmp_path / "no").exists()


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", str(tmp_path / "missing.md")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"linkcheck: {tmp_path / 'missing.md'}: no such file"


def test_crlf_line_endings_and_bom_keep_lines_and_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "windows.md"
    path.write_bytes("\ufeff# T\r\n\r\n- [a](#t)\r\n- old mac\rline [b](#t)\r\n".encode())
    code, out, _ = run([str(path), "--dump"], capsys)
    assert code == 0
    assert out.splitlines() == [f"{path}:3 anchor #t", f"{path}:5 anchor #t"]


def test_oversized_saved_report_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)
    code, _, err = run(["--from-json", str(path)], capsys)
    assert code == 2
    assert "too large for a saved report" in one_line_error(err)
