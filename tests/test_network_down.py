"""A runner without network must not call the whole list broken."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from linkcheck.cli import main


def closed_port(host: str) -> int:
    """A port on ``host`` where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
    return port


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<title>ok</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def live() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.9", 0), _Ok)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.9:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(tmp_path: Path, urls: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    readme = tmp_path / "README.md"
    readme.write_text(
        "\n".join(f"- [{i}]({u})" for i, u in enumerate(urls)) + "\n", encoding="utf-8"
    )
    code = main([str(readme), "--format", "json", "--allow-private", "--max-retries", "0"])
    return code, json.loads(capsys.readouterr().out)


def test_when_no_host_answers_links_are_unverified_not_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [f"http://127.0.0.{n}:{closed_port(f'127.0.0.{n}')}/paper" for n in (2, 3, 4)]
    code, report = run(tmp_path, urls, capsys)
    assert code == 0
    assert [(link["status"], link["reason"]) for link in report["links"]] == [
        ("unverified", "network_down")
    ] * 3
    assert any("the network looks down" in w for w in report["warnings"])


def test_one_answer_is_enough_to_trust_the_failures(
    tmp_path: Path, live: str, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [f"http://127.0.0.{n}:{closed_port(f'127.0.0.{n}')}/paper" for n in (2, 3, 4)]
    code, report = run(tmp_path, [*urls, f"{live}/ok"], capsys)
    assert code == 1
    assert [(link["status"], link["reason"]) for link in report["links"]] == [
        ("broken", "connect")
    ] * 3 + [("ok", "ok")]
    assert "warnings" not in report


def test_two_unreachable_hosts_are_not_an_outage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [f"http://127.0.0.{n}:{closed_port(f'127.0.0.{n}')}/paper" for n in (2, 3)]
    code, report = run(tmp_path, urls, capsys)
    assert code == 1
    assert {link["reason"] for link in report["links"]} == {"connect"}
