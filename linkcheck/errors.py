"""Exit codes and the error tree.

Every error the user can cause is one of these, each carrying the exit code the CLI
returns for it. The CLI prints ``str(error)`` as one line on stderr; nothing else is
caught there, so a traceback always means a bug in linkcheck.

::

    LinkcheckError                 (base; never raised itself)
    ├── UsageError        exit 2   bad command line (conflicting options, bad values)
    ├── ConfigError       exit 2   bad config file: unknown keys, wrong types, bad regex;
    │                              carries every problem found, not only the first
    ├── InputError        exit 2   a Markdown file that cannot be read: missing, a
    │                              directory, binary, too large
    └── DeliveryError     exit 3   the report could not be written or delivered
                                   (output file, GitHub refused the write)
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes: the contract scripts and CI rely on."""

    OK = 0
    """No failing links (unverified links do not fail unless ``--strict``)."""
    FAILING_LINKS = 1
    """At least one link is broken (or unverified, with ``--strict``)."""
    USAGE = 2
    """Usage, config or input error: one line on stderr, nothing checked."""
    DELIVERY = 3
    """The report could not be written or delivered."""


class LinkcheckError(Exception):
    """Base class: an error the user can act on, with its exit code."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(LinkcheckError):
    """The command line is wrong."""


class InputError(LinkcheckError):
    """A Markdown input cannot be read."""


class ConfigError(LinkcheckError):
    """The configuration is wrong; lists every problem at once."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        joined = "; ".join(self.problems)
        super().__init__(f"{source}: {joined}")


class DeliveryError(LinkcheckError):
    """The report was produced but could not be written or delivered."""

    exit_code = ExitCode.DELIVERY
