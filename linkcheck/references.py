"""Reference definitions (``[label]: url``): where each destination is written, and the
definitions no link uses or that repeat a label (markdown-it keeps the first silently)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markdown_it.common.utils import normalizeReference

from linkcheck.models import Finding, FindingType

_DEFINITION = re.compile(
    r"\[((?:[^\\\[\]]|\\.)+)\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|[^\s<>]+)", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Definition:
    key: str
    """The label as markdown-it matches it (case-folded, whitespace collapsed)."""
    label: str
    raw: str
    """The destination as written."""
    line: int
    """1-based line of ``[label]:``."""
    destination_line: int
    """1-based line of the destination (it may follow on the next line)."""


class ReferenceDefinitions:
    """Every definition of one file, from the blocks the parser recorded."""

    def __init__(
        self, *, path: str, lines: Sequence[str], blocks: Iterable[tuple[int, int]]
    ) -> None:
        self.path = path
        self.all: list[Definition] = []
        self._first: dict[str, Definition] = {}
        for start, end in blocks:
            block = "\n".join(lines[start:end])
            match = _DEFINITION.search(block)
            if match is None:
                continue
            raw = match.group(2)
            if raw.startswith("<") and raw.endswith(">"):
                raw = raw[1:-1]
            definition = Definition(
                key=normalizeReference(match.group(1)),
                label=match.group(1),
                raw=raw,
                line=start + 1,
                destination_line=start + 1 + block.count("\n", 0, match.start(2)),
            )
            self.all.append(definition)
            self._first.setdefault(definition.key, definition)

    def destination(self, key: str, *, fallback: str) -> tuple[str, int | None]:
        """``(raw destination, its line)`` of the definition that wins for ``key``."""
        definition = self._first.get(key)
        if definition is None:
            return fallback, None
        return definition.raw, definition.destination_line

    def findings(self, *, used: set[str]) -> list[Finding]:
        """Duplicate definitions, and definitions no link in ``used`` refers to."""
        findings: list[Finding] = []
        for definition in self.all:
            first = self._first[definition.key]
            if first is not definition:
                findings.append(
                    Finding(
                        type=FindingType.DUPLICATE_REFERENCE,
                        file=self.path,
                        lines=(first.line, definition.line),
                        url=definition.raw,
                        label=definition.label,
                        detail=(
                            f"[{definition.label}] is defined again on line {definition.line}; "
                            f"the definition on line {first.line} wins"
                        ),
                    )
                )
            elif definition.key not in used:
                findings.append(
                    Finding(
                        type=FindingType.UNUSED_REFERENCE,
                        file=self.path,
                        lines=(definition.line,),
                        url=definition.raw,
                        label=definition.label,
                        detail=f"[{definition.label}] is defined but never used",
                    )
                )
        return findings
