"""Reading a Markdown file into text, refusing what is not Markdown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from linkcheck.errors import InputError

MAX_BYTES = 64 * 1024 * 1024
"""Larger inputs are refused: no Markdown list is this big, and it would all sit in memory."""

_SNIFF = 8192


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceText:
    """A Markdown file's text, ready for the parser."""

    path: str
    """The file as the user named it."""
    text: str
    warnings: tuple[str, ...] = ()


def normalise_newlines(text: str) -> str:
    """What markdown-it does before parsing, so that our line numbers match its maps."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def decode_markdown(data: bytes, *, path: str) -> SourceText:
    """Decode bytes as UTF-8 (BOM allowed); bad bytes are replaced, with a warning."""
    if b"\0" in data[:_SNIFF]:
        raise InputError(f"{path}: looks like a binary file (NUL bytes), not Markdown")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        warnings.append(
            f"{path}:{line}: invalid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "undecodable bytes were replaced with U+FFFD"
        )
    return SourceText(path=path, text=normalise_newlines(text), warnings=tuple(warnings))


def read_markdown(path: str | os.PathLike[str]) -> SourceText:
    """Read one Markdown file; raise :class:`InputError` with one clear line if it can't be."""
    name = os.fspath(path)
    p = Path(name)
    try:
        if p.is_dir():
            raise InputError(f"{name}: is a directory; name the Markdown file(s) to check")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{name}: {size / 1048576:.0f} MiB is larger than the "
                f"{MAX_BYTES // 1048576} MiB limit for one Markdown file"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return decode_markdown(data, path=name)
