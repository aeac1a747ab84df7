"""Writing a finished report: atomically, so a failure never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from linkcheck.errors import DeliveryError


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``.

    Raises :class:`DeliveryError` (exit 3) with one line if it cannot be written; the
    previous content of ``path``, if any, is then left untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise DeliveryError(f"{target}: cannot write the report: no such directory") from None
    except OSError as exc:
        raise DeliveryError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); a report should get the usual mode.
        Path(tmp).chmod(_mode_for(target))
        Path(tmp).replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise DeliveryError(f"{target}: cannot write the report: {exc.strerror or exc}") from None


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
