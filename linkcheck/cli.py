"""The command line: parse arguments, run the library, print or write, choose the exit code.

This is the only module that reads ``argv``, prints, writes report files and decides the
exit status (see :class:`~linkcheck.errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from linkcheck import __version__
from linkcheck.config import (
    FORMATS,
    REPORT_MODES,
    Config,
    apply_settings,
    find_config_file,
    load_config,
)
from linkcheck.errors import DeliveryError, ExitCode, InputError, LinkcheckError, UsageError
from linkcheck.models import GitHubContext, Report
from linkcheck.output import write_atomic
from linkcheck.pipeline import Scope, check_documents_sync, dump_report, load_documents
from linkcheck.report import json as json_report
from linkcheck.report import text as text_report
from linkcheck.source import MAX_BYTES

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), once the partial report is out."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: scripts grep stderr.
        raise UsageError(f"{message} (see linkcheck --help)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="linkcheck",
        description="Check every link of Markdown awesome lists: papers, code, blogs, "
        "anchors and files.",
        epilog="Exit codes: 0 no failing links, 1 failing links, 2 usage/config/input error, "
        "3 report could not be written or delivered, 130 interrupted.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="Markdown files (default README.md)")
    p.add_argument("--version", action="version", version=f"linkcheck {__version__}")
    p.add_argument("--dump", action="store_true", help="list the links, check nothing")
    p.add_argument("--format", choices=FORMATS, help="output format (default text)")
    p.add_argument("-o", "--output", metavar="PATH", help="write the report there (atomically)")
    p.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default .linkcheck.toml, else [tool.linkcheck] in pyproject.toml)",
    )
    g = p.add_argument_group("what to check")
    g.add_argument("--exclude", action="append", metavar="REGEX", help="skip matching URLs")
    g.add_argument(
        "--include",
        action="append",
        metavar="REGEX",
        help="check only matching URLs (wins over --exclude)",
    )
    g.add_argument(
        "--remap",
        action="append",
        nargs=2,
        metavar=("REGEX", "REPLACEMENT"),
        help="rewrite URLs before requesting them",
    )
    g.add_argument(
        "--include-verbatim",
        action="store_const",
        const=True,
        help="also check URLs in code spans and code blocks",
    )
    g.add_argument(
        "--allow-private",
        action="store_const",
        const=True,
        help="allow loopback, private and link-local addresses",
    )
    g.add_argument(
        "--check-fragments",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check #fragments of remote HTML pages (default on)",
    )
    n = p.add_argument_group("how to check")
    n.add_argument("--timeout", type=float, metavar="SECONDS", help="per request (default 20)")
    n.add_argument("--max-retries", type=int, metavar="N", help="default 3")
    n.add_argument("--max-concurrency", type=int, metavar="N", help="all hosts (default 64)")
    n.add_argument("--host-concurrency", type=int, metavar="N", help="per host (default 4)")
    n.add_argument(
        "--host-interval",
        type=float,
        metavar="SECONDS",
        help="minimum spacing of requests to one host (default 0.05)",
    )
    n.add_argument("--user-agent", metavar="TEXT")
    n.add_argument(
        "--header",
        action="append",
        metavar="'Name: value'",
        help="sent to every host (per-host headers: config file)",
    )
    n.add_argument("--accept", metavar="CODES", help="accepted status codes, e.g. 200..=299,403")
    o = p.add_argument_group("output")
    o.add_argument(
        "--strict", action="store_const", const=True, help="unverified links fail the run too"
    )
    o.add_argument("--no-progress", action="store_const", const=True, help="no progress bar")
    o.add_argument(
        "-q", "--quiet", action="store_const", const=True, help="only failing links and the result"
    )
    o.add_argument(
        "-v", "--verbose", action="store_const", const=True, help="also list ok and skipped links"
    )
    o.add_argument(
        "--save-json", metavar="PATH", help="also write the JSON report there (for an artifact)"
    )
    gh = p.add_argument_group("GitHub")
    gh.add_argument(
        "--report",
        choices=REPORT_MODES,
        help="publish: keep the tracking issue, or the pull request comment",
    )
    gh.add_argument(
        "--from-json", metavar="PATH", help="use a saved JSON report instead of checking"
    )
    gh.add_argument(
        "--changed-only",
        action="store_true",
        help="only links on lines the pull request changed (implied by --report pr-comment)",
    )
    gh.add_argument("--label", metavar="NAME", help="tracking issue label (default broken-links)")
    gh.add_argument(
        "--flaky-runs",
        type=int,
        metavar="N",
        help="runs an unverified link must fail before the issue lists it (default 3)",
    )
    return p


# Command-line names whose values go through the config parser, in its vocabulary.
_CONFIG_OPTIONS = (
    "format",
    "output",
    "exclude",
    "include",
    "include_verbatim",
    "allow_private",
    "check_fragments",
    "timeout",
    "max_retries",
    "max_concurrency",
    "host_concurrency",
    "host_interval",
    "user_agent",
    "accept",
    "strict",
    "no_progress",
    "quiet",
    "verbose",
    "report",
    "label",
    "flaky_runs",
)


def resolve_config(args: argparse.Namespace, *, cwd: Path) -> Config:
    """Defaults ← config file ← command line."""
    path = Path(args.config) if args.config else find_config_file(cwd)
    config = load_config(path)
    overrides: dict[str, Any] = {
        name: getattr(args, name) for name in _CONFIG_OPTIONS if getattr(args, name) is not None
    }
    if args.header:
        overrides["header"] = args.header
    if args.remap:
        overrides["remap"] = [list(pair) for pair in args.remap]
    return apply_settings(config, overrides, source="command line")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (never raises for user errors)."""
    try:
        return _run(argv, stdout=sys.stdout, stderr=sys.stderr, environ=os.environ)
    except LinkcheckError as exc:
        print(f"linkcheck: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (linkcheck … | head): nothing left to tell anyone.
        _silence_stdout()
        return int(ExitCode.DELIVERY)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run(
    argv: Sequence[str] | None, *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]
) -> int:
    args = build_parser().parse_args(argv)
    config = resolve_config(args, cwd=Path.cwd())
    if args.from_json and (args.files or args.dump):
        raise UsageError("--from-json publishes a saved report: give no FILE and no --dump")
    if args.from_json:
        report = _load_saved(args.from_json)
    else:
        report = _produce(args, config, stderr=stderr, environ=environ)
    _emit(report, config, dump=args.dump, stdout=stdout, environ=environ)
    text_on_terminal = config.format == "text" and not args.dump and not config.output
    if not text_on_terminal and not config.quiet:
        for warning in report.warnings:
            print(f"linkcheck: warning: {warning}", file=stderr)
    if args.save_json:
        write_atomic(args.save_json, json_report.render(report))
    if report.interrupted:
        if config.report:
            print("linkcheck: interrupted: nothing published to GitHub", file=stderr)
        return INTERRUPTED
    if config.report and not args.dump:
        try:
            line = _github_publish(report, mode=config.report, config=config, environ=environ)
        except DeliveryError as exc:
            print(f"linkcheck: {exc}", file=stderr)
            return int(ExitCode.DELIVERY)
        # Printed even with --quiet: it is the only word of what changed on GitHub.
        print(f"linkcheck: {line}", file=stderr)
    if args.dump:
        return int(ExitCode.OK)
    return int(ExitCode.FAILING_LINKS if report.failing(strict=config.strict) else ExitCode.OK)


def _load_saved(path: str) -> Report:
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size} bytes is too large for a saved report")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    return json_report.load(text, source=path)


def _produce(
    args: argparse.Namespace, config: Config, *, stderr: TextIO, environ: Mapping[str, str]
) -> Report:
    files = args.files or ["README.md"]
    documents = load_documents(files, config)
    scope: Scope | None = None
    if args.changed_only or config.report == "pr-comment":
        scope = _github_scope(environ, config=config, files=files)
    if args.dump:
        return dump_report(documents, scope=scope)
    github = _github_context(environ)
    show_progress = not (config.no_progress or config.quiet) and stderr.isatty()
    if not show_progress:
        return check_documents_sync(documents, config, scope=scope, github=github)
    from linkcheck.progress import ProgressBar

    with ProgressBar(stderr) as bar:
        return check_documents_sync(documents, config, scope=scope, github=github, progress=bar)


def _emit(
    report: Report, config: Config, *, dump: bool, stdout: TextIO, environ: Mapping[str, str]
) -> None:
    fmt = config.format
    if dump and fmt not in ("text", "json"):
        raise UsageError("--dump writes text or json")
    if fmt == "json":
        rendered = json_report.render(report)
    elif dump:
        rendered = text_report.render_dump(report)
    elif fmt == "markdown":
        rendered = _github_markdown(report)
    elif fmt == "github":
        rendered = _github_annotations(report, strict=config.strict)
        _github_step_summary(report, environ)
    else:
        color = config.output is None and stdout.isatty() and "NO_COLOR" not in os.environ
        rendered = text_report.render(
            report, strict=config.strict, verbose=config.verbose, quiet=config.quiet, color=color
        )
    if config.output:
        write_atomic(config.output, rendered)
    else:
        stdout.write(rendered)
        stdout.flush()


# --- GitHub edges (implemented in linkcheck.github / linkcheck.report.{markdown,github}) ----


def _github_context(environ: Mapping[str, str]) -> GitHubContext | None:
    if not environ.get("GITHUB_REPOSITORY"):
        return None
    from linkcheck.github.context import github_context

    return github_context(environ)


def _github_scope(environ: Mapping[str, str], *, config: Config, files: Sequence[str]) -> Scope:
    """Changed lines of the pull request, keyed the way the pipeline names the files."""
    from linkcheck.github.scope import changed_lines

    workspace = Path(environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    changed = changed_lines(environ, workspace=workspace, config=config)
    scope: dict[str, frozenset[int]] = {}
    for name in files:
        absolute = Path(name).resolve()
        try:
            relative = absolute.relative_to(workspace).as_posix()
        except ValueError:
            continue
        if relative in changed:
            scope[Path(os.path.normpath(name)).as_posix()] = changed[relative]
    return scope


def _github_publish(
    report: Report, *, mode: str, config: Config, environ: Mapping[str, str]
) -> str:
    from linkcheck.github.publish import publish

    return publish(report, mode=mode, config=config, environ=environ)


def _github_markdown(report: Report) -> str:
    from linkcheck.report.markdown import render

    return render(report)


def _github_annotations(report: Report, *, strict: bool) -> str:
    from linkcheck.report.github import render_annotations

    return render_annotations(report, strict=strict)


def _github_step_summary(report: Report, environ: Mapping[str, str]) -> None:
    from linkcheck.report.github import append_step_summary

    append_step_summary(report, environ)
