"""Relative links to files of the repository, checked on disk.

``docs/x.md`` and ``./img.png`` resolve against the linking file's folder, ``/docs/x.md``
against the repository root (where ``.git`` is), as on github.com. A fragment on a
Markdown target (``other.md#setup``) is checked against that file's heading ids. A path
that climbs out of the repository (``../../issues``) is a page of the repository's
GitHub site, not a file, so it is skipped rather than called broken.
"""

from __future__ import annotations

import os.path
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from linkcheck.anchors import LocalResult, resolve_fragment
from linkcheck.models import Document, Status

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})


@lru_cache(maxsize=256)
def repository_root(directory: Path) -> Path | None:
    """The nearest folder at or above ``directory`` that holds ``.git``."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class LocalFiles:
    """Checks relative links; loads (and remembers) linked Markdown files for fragments."""

    def __init__(self, *, load_document: Callable[[Path], Document | None]) -> None:
        self._load_document = load_document
        self._documents: dict[Path, Document | None] = {}

    def check(self, url: str, *, source: Path) -> LocalResult:
        """Judge ``url`` as written in the Markdown file ``source``."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return LocalResult(status=Status.BROKEN, reason="invalid_url", detail="invalid URL")
        relative = unquote(parts.path)
        base = source.resolve().parent
        root = repository_root(base)
        if relative.startswith("/"):
            target = (root or base) / relative.lstrip("/")
        else:
            target = base / relative
        target = Path(_normalise(str(target)))
        shown = relative or source.name
        if root is not None and not target.is_relative_to(root):
            return LocalResult(
                status=Status.SKIPPED,
                reason="outside_repository",
                detail=f"{shown} climbs out of the repository (a page of its GitHub site)",
            )
        if not target.exists():
            return LocalResult(
                status=Status.BROKEN, reason="file_missing", detail=f"{shown} does not exist"
            )
        if parts.fragment and target.is_file() and target.suffix.lower() in MARKDOWN_SUFFIXES:
            document = self._document(target)
            if document is None:
                return LocalResult(
                    status=Status.UNVERIFIED,
                    reason="unreadable",
                    detail=f"{shown} exists but could not be read to check #{parts.fragment}",
                )
            return resolve_fragment(parts.fragment, document.anchors(), where=shown)
        return LocalResult(status=Status.OK, reason="ok", detail=f"{shown} exists")

    def _document(self, path: Path) -> Document | None:
        if path not in self._documents:
            self._documents[path] = self._load_document(path)
        return self._documents[path]


def _normalise(path: str) -> str:
    # Lexical, without touching the disk: ``..`` climbs the path as written, as GitHub
    # resolves it, whatever symlinks the checkout has.
    return os.path.normpath(path)
