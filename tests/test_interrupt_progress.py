"""Ctrl-C prints what was checked so far; the progress bar shows on terminals only."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from linkcheck.models import Check
from linkcheck.progress import ProgressBar


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/hang"):
            time.sleep(30)  # far longer than the test waits
        body = b"<html><title>ok</title><h1>ok</h1></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_ctrl_c_prints_the_partial_report_and_exits_130(server: str, tmp_path: Path) -> None:
    lines = [f"- [ok {i}]({server}/ok/{i})" for i in range(5)]
    lines += [f"- [slow {i}]({server}/hang/{i})" for i in range(3)]
    readme = tmp_path / "README.md"
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkcheck",
            str(readme),
            "--allow-private",
            "--format",
            "json",
            "--timeout",
            "60",
            "--host-interval",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)  # the five quick links are done long before; the slow ones hang
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    report = json.loads(out)
    assert report["interrupted"] is True
    statuses = [
        (link["url"].rsplit("/", 2)[1], link["status"], link["reason"]) for link in report["links"]
    ]
    assert statuses[:5] == [("ok", "ok", "ok")] * 5
    assert statuses[5:] == [("hang", "skipped", "interrupted")] * 3
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_counts_checks_on_a_terminal() -> None:
    stream = _Terminal()
    with ProgressBar(stream) as bar:
        bar.start(12)
        for i in range(12):
            bar.advance(Check(url=f"https://x.example/{i}", http_status=404 if i < 2 else 200))
    assert "checking" in stream.getvalue()


def test_short_runs_get_no_bar() -> None:
    stream = _Terminal()
    with ProgressBar(stream) as bar:
        bar.start(3)
        bar.advance(Check(url="https://x.example/", http_status=200))
    assert stream.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(server: str, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "\n".join(f"[{i}]({server}/ok/{i})" for i in range(15)) + "\n", encoding="utf-8"
    )
    env = dict(os.environ, COLUMNS="80")
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", str(readme), "--allow-private", "--host-interval", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_an_interrupted_report_is_never_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from linkcheck.cli import main

    saved = tmp_path / "r.json"
    saved.write_text(
        json.dumps(
            {
                "version": 1,
                "files": ["README.md"],
                "checked": True,
                "interrupted": True,
                "links": [],
                "findings": [],
            }
        ),
        encoding="utf-8",
    )
    # Were publishing attempted, this unreachable API would make it fail with exit 3.
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    assert main(["--from-json", str(saved), "--report", "issue", "-q"]) == 130
    assert "interrupted: nothing published to GitHub" in capsys.readouterr().err
