"""Settings: defaults, the config file lookup, and command-line overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkcheck.cli import build_parser, resolve_config
from linkcheck.config import (
    Config,
    HostPolicy,
    apply_settings,
    config_keys,
    find_config_file,
    load_config,
    parse_accept,
)
from linkcheck.errors import ConfigError
from linkcheck.models import Kind


def test_accept_syntax() -> None:
    assert parse_accept("200..=204, 403") == frozenset({200, 201, 202, 203, 204, 403})
    assert parse_accept("200..204") == frozenset({200, 201, 202, 203})
    assert parse_accept("200-202") == frozenset({200, 201, 202})
    assert parse_accept([200, "429"]) == frozenset({200, 429})
    for bad in ("", "abc", "99", "600", "300..=200", "2xx"):
        with pytest.raises(ValueError):
            parse_accept(bad)


def test_file_lookup(tmp_path: Path) -> None:
    assert find_config_file(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert find_config_file(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.linkcheck]\nstrict = true\n", encoding="utf-8")
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(tmp_path / "pyproject.toml").strict is True
    (tmp_path / ".linkcheck.toml").write_text("timeout = 5\n", encoding="utf-8")
    assert find_config_file(tmp_path) == tmp_path / ".linkcheck.toml"


def test_every_key_and_table(tmp_path: Path) -> None:
    path = tmp_path / ".linkcheck.toml"
    path.write_text(
        """
exclude = ["^https://twitter\\\\.com/"]
include = "arxiv"
remap = ["^https://arxiv\\\\.org/(.*) http://127.0.0.1:8000/\\\\1", ["a", "b"]]
timeout = 7.5
max_retries = 1
max_concurrency = 10
host_concurrency = 2
host_interval = 0.5
user_agent = "my-bot/1"
header = ["X-Token: abc"]
accept = "200..=299, 403"
allow_private = true
strict = true
include_verbatim = true
check_fragments = false
format = "json"
label = "dead-links"
flaky_runs = 2
read_timeout = 4
retry_wait = 0.5
retry_after_max = 30

[hosts."arxiv.org"]
concurrency = 1
interval = 3
headers = { Authorization = "Bearer x" }
accept = [200, 404]

[[kinds]]
kind = "paper"
host = "*.mylab.edu"
path = "^/pubs/"
""",
        encoding="utf-8",
    )
    c = load_config(path)
    assert [p.pattern for p in c.exclude] == ["^https://twitter\\.com/"]
    assert [p.pattern for p in c.include] == ["arxiv"]
    assert [(p.pattern, r) for p, r in c.remap] == [
        ("^https://arxiv\\.org/(.*)", "http://127.0.0.1:8000/\\1"),
        ("a", "b"),
    ]
    assert (c.timeout, c.max_retries, c.max_concurrency) == (7.5, 1, 10)
    assert (c.host_concurrency, c.host_interval, c.user_agent) == (2, 0.5, "my-bot/1")
    assert c.headers == {"X-Token": "abc"}
    assert 403 in c.accept and 404 not in c.accept
    assert (c.allow_private, c.strict, c.include_verbatim, c.check_fragments) == (
        True,
        True,
        True,
        False,
    )
    assert (c.format, c.label, c.flaky_runs) == ("json", "dead-links", 2)
    assert (c.read_timeout, c.retry_wait, c.retry_after_max) == (4.0, 0.5, 30.0)
    assert c.hosts == {
        "arxiv.org": HostPolicy(
            concurrency=1,
            interval=3.0,
            headers={"Authorization": "Bearer x"},
            accept=frozenset({200, 404}),
        )
    }
    assert c.kinds[0].kind is Kind.PAPER and c.kinds[0].host == "*.mylab.edu"


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        apply_settings(
            Config(),
            {
                "timout": 1,
                "max_concurrency": 0,
                "strict": "yes",
                "hosts": {"a.org": {"speed": 1}, "b.org": {"concurrency": -1}},
                "kinds": [{"kind": "novel", "host": "x"}],
            },
            source="cfg",
        )
    problems = info.value.problems
    assert len(problems) == 5
    assert "unknown key 'timout' (did you mean 'timeout'?)" in problems
    assert "max_concurrency: out of range: 0" in problems
    assert "strict: expected bool, got str" in problems
    assert any("hosts.a.org: unknown key(s) speed" in p for p in problems)
    assert any("hosts.b.org: out of range: -1" in p for p in problems)
    assert str(info.value).startswith("cfg: ")


def test_command_line_overrides_and_extends_the_file(tmp_path: Path) -> None:
    (tmp_path / ".linkcheck.toml").write_text(
        'exclude = ["a"]\ntimeout = 5\nheader = ["X-A: 1"]\n', encoding="utf-8"
    )
    args = build_parser().parse_args(
        ["--exclude", "b", "--timeout", "9", "--header", "X-B: 2", "--remap", "x", "y", "--strict"]
    )
    c = resolve_config(args, cwd=tmp_path)
    assert [p.pattern for p in c.exclude] == ["a", "b"]
    assert c.timeout == 9.0
    assert c.headers == {"X-A": "1", "X-B": "2"}
    assert [(p.pattern, r) for p, r in c.remap] == [("x", "y")]
    assert c.strict is True


def test_explicit_config_wins_over_lookup(tmp_path: Path) -> None:
    (tmp_path / ".linkcheck.toml").write_text("timeout = 5\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("timeout = 6\n", encoding="utf-8")
    args = build_parser().parse_args(["--config", str(other)])
    assert resolve_config(args, cwd=tmp_path).timeout == 6.0


def test_every_cli_option_has_a_config_key() -> None:
    keys = set(config_keys())
    cli_only = {
        "help",
        "version",
        "dump",
        "config",
        "from_json",
        "save_json",
        "changed_only",
        "files",
    }
    for action in build_parser()._actions:
        name = action.dest
        if name in cli_only:
            continue
        assert name in keys or name == "remap" or name == "header", name


def test_regexes_compile_once_and_are_patterns() -> None:
    c = apply_settings(Config(), {"exclude": ["x+"]}, source="t")
    assert isinstance(c.exclude[0], re.Pattern)
