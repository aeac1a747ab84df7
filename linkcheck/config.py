"""Settings: defaults, the config file, and how command-line values override them.

The config file is ``.linkcheck.toml`` (top-level keys) or ``[tool.linkcheck]`` in
``pyproject.toml``, looked up in the current directory. Every command-line option has a key
of the same name in snake_case; tables ``hosts`` and ``kinds`` exist only in the file.
Every problem in a file is collected and reported at once (:class:`ConfigError`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linkcheck import __version__
from linkcheck.errors import ConfigError
from linkcheck.models import Kind

DEFAULT_USER_AGENT = (
    f"linkcheck/{__version__} (+https://github.com/linkcheck-awesome/linkcheck; link checker)"
)
"""Names the tool honestly; hosts that block it get the browser-like agent (a quirk)."""

FORMATS = ("text", "json", "markdown", "github")
REPORT_MODES = ("issue", "pr-comment")
CONFIG_FILE = ".linkcheck.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class HostPolicy:
    """Settings for one host (or ``*.suffix`` pattern); None inherits the global value."""

    concurrency: int | None = None
    interval: float | None = None
    """Minimum seconds between the starts of two requests to this host."""
    timeout: float | None = None
    max_retries: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    """Sent to this host only, never across a redirect to another host."""
    accept: frozenset[int] | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class KindRule:
    """A user rule for a link's kind; every given condition must match."""

    kind: Kind
    host: str | None = None
    """Exact host or ``*.suffix``; ``www.`` is ignored on both sides."""
    path: re.Pattern[str] | None = None
    """Searched in the URL path."""
    text: re.Pattern[str] | None = None
    """Searched in the link text."""


def _default_accept() -> frozenset[int]:
    return frozenset(range(200, 300))


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Every setting of a run. Library callers build one directly; the CLI loads one."""

    # What to check.
    include: tuple[re.Pattern[str], ...] = ()
    """When given, only URLs matching one of these are checked (others are skipped)."""
    exclude: tuple[re.Pattern[str], ...] = ()
    """URLs matching any of these are skipped (include wins over exclude)."""
    remap: tuple[tuple[re.Pattern[str], str], ...] = ()
    """``(regex, replacement)`` applied to each URL before it is requested."""
    include_verbatim: bool = False
    """Also check URLs inside code spans and code blocks."""
    allow_private: bool = False
    """Permit loopback, private, link-local and metadata addresses."""

    # How to check.
    timeout: float = 20.0
    """Total seconds for one attempt (connect and read have their own, smaller limits)."""
    connect_timeout: float = 10.0
    max_retries: int = 3
    max_concurrency: int = 64
    host_concurrency: int = 4
    host_interval: float = 0.05
    max_redirects: int = 10
    read_timeout: float = 10.0
    """Seconds without a byte from the server before an attempt is given up (idle)."""
    retry_wait: float = 1.0
    """First backoff between retries in seconds; doubles per attempt, with jitter."""
    retry_after_max: float = 60.0
    """Longest ``Retry-After`` honoured; a longer one reports the link as rate limited."""
    user_agent: str = DEFAULT_USER_AGENT
    headers: Mapping[str, str] = field(default_factory=dict)
    """Sent to every host."""
    accept: frozenset[int] = field(default_factory=_default_accept)
    hosts: Mapping[str, HostPolicy] = field(default_factory=dict)
    check_fragments: bool = True
    """Check ``#fragment`` of remote HTML pages against their ids."""

    # What it means.
    strict: bool = False
    kinds: tuple[KindRule, ...] = ()

    # Output (used by the CLI; harmless for library callers).
    format: str = "text"
    output: str | None = None
    no_progress: bool = False
    quiet: bool = False
    verbose: bool = False

    # GitHub reporting.
    report: str | None = None
    label: str = "broken-links"
    """Label of the tracking issue."""
    flaky_runs: int = 3
    """Consecutive runs an ``unverified`` link must fail before the issue reports it."""


# ---------------------------------------------------------------------------------------
# Parsing values


def parse_accept(spec: str | Iterable[int | str]) -> frozenset[int]:
    """Parse accepted status codes: ``"200..=299,403"``, ``"200-299"`` or a list of both."""
    items: list[int | str]
    items = [p.strip() for p in spec.split(",")] if isinstance(spec, str) else list(spec)
    codes: set[int] = set()
    for item in items:
        if isinstance(item, bool):
            raise TypeError(f"not a status code: {item!r}")
        if isinstance(item, int):
            codes.add(_status(item))
            continue
        text = item.strip()
        if not text:
            continue
        m = re.fullmatch(r"(\d{3})\s*(?:(\.\.=|\.\.|-)\s*(\d{3}))?", text)
        if not m:
            raise ValueError(f"not a status code or range: {text!r}")
        low = _status(int(m.group(1)))
        if m.group(2) is None:
            codes.add(low)
            continue
        high = _status(int(m.group(3)))
        if m.group(2) == "..":
            high -= 1  # exclusive, as in lychee's ``200..300``
        if high < low:
            raise ValueError(f"empty range: {text!r}")
        codes.update(range(low, high + 1))
    if not codes:
        raise ValueError("no status codes given")
    return frozenset(codes)


def _status(code: int) -> int:
    if not 100 <= code <= 599:
        raise ValueError(f"not an HTTP status code: {code}")
    return code


def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile a user regex, turning the error into one readable line."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None


def parse_header(spec: str) -> tuple[str, str]:
    """``'Name: value'`` → ``(name, value)``."""
    name, sep, value = spec.partition(":")
    name = name.strip()
    if not sep or not name or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
        raise ValueError(f"header must look like 'Name: value', got {spec!r}")
    return name, value.strip()


def parse_remap(spec: str | Iterable[str]) -> tuple[re.Pattern[str], str]:
    """``"REGEX REPLACEMENT"`` or ``[REGEX, REPLACEMENT]``."""
    parts = spec.split(None, 1) if isinstance(spec, str) else [str(p) for p in spec]
    if len(parts) != 2:
        raise ValueError(f"remap needs a regex and a replacement, got {spec!r}")
    return compile_regex(parts[0]), parts[1]


# ---------------------------------------------------------------------------------------
# The config file


def find_config_file(directory: Path) -> Path | None:
    """``.linkcheck.toml``, else a ``pyproject.toml`` that has ``[tool.linkcheck]``."""
    candidate = directory / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not ours to judge unless it is named explicitly
        if isinstance(data.get("tool"), dict) and "linkcheck" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path | None, *, base: Config | None = None) -> Config:
    """Read a config file into a :class:`Config` (defaults when ``path`` is None)."""
    config = base or Config()
    if path is None:
        return config
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(label, ["file not found"]) from None
    except IsADirectoryError:
        raise ConfigError(label, ["is a directory, not a TOML file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(label, [f"cannot read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(label, [f"invalid TOML: {exc}"]) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        data = tool.get("linkcheck", {}) if isinstance(tool, dict) else {}
        label = f"{path} [tool.linkcheck]"
    return apply_settings(config, data, source=label)


def apply_settings(config: Config, data: Mapping[str, Any], *, source: str) -> Config:
    """Apply ``key = value`` settings (config-file names) on top of ``config``.

    Raises :class:`ConfigError` listing every problem.
    """
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for key, value in data.items():
        parser = _KEYS.get(key)
        if parser is None:
            hint = _close_key(key)
            problems.append(f"unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
            continue
        try:
            name, parsed = parser(value, config)
        except (ValueError, TypeError) as exc:
            problems.append(f"{key}: {exc}")
            continue
        changes[name] = parsed
    if problems:
        raise ConfigError(source, problems)
    return replace(config, **changes)


_Parser = Callable[[Any, Config], tuple[str, Any]]


def _typed(name: str, kind: type, *, check: Callable[[Any], bool] | None = None) -> _Parser:
    def parse(value: Any, _config: Config) -> tuple[str, Any]:
        ok_types: tuple[type, ...] = (int, float) if kind is float else (kind,)
        if isinstance(value, bool) and kind is not bool:
            raise TypeError(f"expected {kind.__name__}, got a boolean")
        if not isinstance(value, ok_types):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        if check is not None and not check(value):
            raise ValueError(f"out of range: {value!r}")
        result: Any = value
        return name, (float(result) if kind is float else result)

    return parse


def _patterns(name: str, *, extend: bool) -> _Parser:
    def parse(value: Any, config: Config) -> tuple[str, Any]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise TypeError("expected a regex or a list of regexes")
        compiled = tuple(compile_regex(v) for v in values)
        existing: tuple[re.Pattern[str], ...] = getattr(config, name) if extend else ()
        return name, existing + compiled

    return parse


def _parse_remap_key(value: Any, config: Config) -> tuple[str, Any]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise TypeError("expected a list of 'REGEX REPLACEMENT' strings or [regex, replacement]")
    return "remap", config.remap + tuple(parse_remap(v) for v in values)


def _parse_headers_key(value: Any, config: Config) -> tuple[str, Any]:
    headers = dict(config.headers)
    if isinstance(value, Mapping):
        for k, v in value.items():
            name, val = parse_header(f"{k}: {v}")
            headers[name] = val
    elif isinstance(value, list | str):
        for item in [value] if isinstance(value, str) else value:
            if not isinstance(item, str):
                raise TypeError("expected 'Name: value' strings")
            name, val = parse_header(item)
            headers[name] = val
    else:
        raise TypeError("expected a table or a list of 'Name: value' strings")
    return "headers", headers


def _parse_accept_key(value: Any, _config: Config) -> tuple[str, Any]:
    if not isinstance(value, str | list):
        raise TypeError("expected a string like '200..=299,403' or a list")
    return "accept", parse_accept(value)


def _parse_choice(name: str, choices: tuple[str, ...]) -> _Parser:
    def parse(value: Any, _config: Config) -> tuple[str, Any]:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return name, value

    return parse


_HOST_KEYS = {
    "concurrency",
    "interval",
    "timeout",
    "max_retries",
    "headers",
    "header",
    "accept",
    "user_agent",
}


def _parse_hosts(value: Any, config: Config) -> tuple[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table of hosts, e.g. [hosts."arxiv.org"]')
    hosts = dict(config.hosts)
    problems: list[str] = []
    for host, table in value.items():
        if not isinstance(table, Mapping):
            problems.append(f"hosts.{host}: expected a table")
            continue
        unknown = sorted(set(table) - _HOST_KEYS)
        if unknown:
            problems.append(f"hosts.{host}: unknown key(s) {', '.join(unknown)}")
            continue
        try:
            hosts[host.lower()] = _host_policy(table)
        except (ValueError, TypeError) as exc:
            problems.append(f"hosts.{host}: {exc}")
    if problems:
        raise ValueError("; ".join(problems))
    return "hosts", hosts


def _host_policy(table: Mapping[str, Any]) -> HostPolicy:
    base = Config()
    kwargs: dict[str, Any] = {}
    for key, val in table.items():
        if key in ("headers", "header"):
            kwargs["headers"] = _parse_headers_key(val, replace(base, headers={}))[1]
        elif key == "accept":
            kwargs["accept"] = _parse_accept_key(val, base)[1]
        else:
            kwargs[key] = _HOST_PARSERS[key](val, base)[1]
    return HostPolicy(**kwargs)


def _parse_kinds(value: Any, config: Config) -> tuple[str, Any]:
    rows = value if isinstance(value, list) else None
    if rows is None:
        raise TypeError('expected an array of tables: [[kinds]] kind = "paper" host = "…"')
    rules: list[KindRule] = []
    valid = {k.value for k in Kind}
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise TypeError(f"kinds #{i}: expected a table")
        unknown = sorted(set(row) - {"kind", "host", "path", "text"})
        if unknown:
            raise ValueError(f"kinds #{i}: unknown key(s) {', '.join(unknown)}")
        if row.get("kind") not in valid:
            raise ValueError(f"kinds #{i}: kind must be one of {', '.join(sorted(valid))}")
        if not any(k in row for k in ("host", "path", "text")):
            raise ValueError(f"kinds #{i}: give at least one of host, path, text")
        rules.append(
            KindRule(
                kind=Kind(row["kind"]),
                host=str(row["host"]).lower() if "host" in row else None,
                path=compile_regex(str(row["path"])) if "path" in row else None,
                text=compile_regex(str(row["text"])) if "text" in row else None,
            )
        )
    # User rules come first so that they win over the built-in table.
    return "kinds", tuple(rules) + config.kinds


def _positive(v: Any) -> bool:
    return bool(v > 0)


def _non_negative(v: Any) -> bool:
    return bool(v >= 0)


_KEYS: dict[str, _Parser] = {
    "include": _patterns("include", extend=True),
    "exclude": _patterns("exclude", extend=True),
    "remap": _parse_remap_key,
    "include_verbatim": _typed("include_verbatim", bool),
    "allow_private": _typed("allow_private", bool),
    "timeout": _typed("timeout", float, check=_positive),
    "connect_timeout": _typed("connect_timeout", float, check=_positive),
    "max_retries": _typed("max_retries", int, check=_non_negative),
    "max_concurrency": _typed("max_concurrency", int, check=_positive),
    "host_concurrency": _typed("host_concurrency", int, check=_positive),
    "host_interval": _typed("host_interval", float, check=_non_negative),
    "max_redirects": _typed("max_redirects", int, check=_non_negative),
    "read_timeout": _typed("read_timeout", float, check=_positive),
    "retry_wait": _typed("retry_wait", float, check=_non_negative),
    "retry_after_max": _typed("retry_after_max", float, check=_non_negative),
    "user_agent": _typed("user_agent", str),
    "header": _parse_headers_key,
    "headers": _parse_headers_key,
    "accept": _parse_accept_key,
    "hosts": _parse_hosts,
    "check_fragments": _typed("check_fragments", bool),
    "strict": _typed("strict", bool),
    "kinds": _parse_kinds,
    "format": _parse_choice("format", FORMATS),
    "output": _typed("output", str),
    "no_progress": _typed("no_progress", bool),
    "quiet": _typed("quiet", bool),
    "verbose": _typed("verbose", bool),
    "report": _parse_choice("report", REPORT_MODES),
    "label": _typed("label", str),
    "flaky_runs": _typed("flaky_runs", int, check=_positive),
}

_HOST_PARSERS: dict[str, _Parser] = {
    "concurrency": _typed("concurrency", int, check=_positive),
    "interval": _typed("interval", float, check=_non_negative),
    "timeout": _KEYS["timeout"],
    "max_retries": _KEYS["max_retries"],
    "user_agent": _KEYS["user_agent"],
}


def _close_key(key: str) -> str | None:
    import difflib

    names = list(_KEYS)
    matches = difflib.get_close_matches(key.replace("-", "_"), names, n=1)
    return matches[0] if matches else None


def config_keys() -> list[str]:
    """The top-level keys a config file accepts (documented in the README)."""
    return sorted(_KEYS)
