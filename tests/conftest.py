"""Shared fixtures: where the real-world Markdown lives, and reference tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "awesome-snn" / "README.md"
SHARED = Path(os.environ.get("LINKCHECK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def corpus_files() -> list[Path]:
    """Real awesome-list READMEs from ../shared/corpus (empty when the folder is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*__*.md"))


def real_lists() -> list[Path]:
    """The seed (always in the repository) plus every corpus file."""
    return [SEED, *corpus_files()]


def require_tool(name: str, found: bool) -> None:
    """Skip when a reference tool is missing, unless CI demands it (it installs them)."""
    if found:
        return
    if os.environ.get("LINKCHECK_REQUIRE_REFERENCE_TOOLS") == "1":
        pytest.fail(f"{name} is required here (LINKCHECK_REQUIRE_REFERENCE_TOOLS=1)")
    pytest.skip(f"{name} is not installed")


def node_modules() -> Path | None:
    """Folder holding github-slugger (installed by .ci/run into .ci/node_modules)."""
    for candidate in (os.environ.get("LINKCHECK_NODE_MODULES"), ROOT / ".ci" / "node_modules"):
        if candidate and (Path(candidate) / "github-slugger").is_dir():
            return Path(candidate)
    return None


def node_binary() -> str | None:
    return shutil.which("node")


def lychee_binary() -> str | None:
    venv = Path(os.sys.executable).parent / "lychee"
    return str(venv) if venv.exists() else shutil.which("lychee")
