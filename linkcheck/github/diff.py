"""Reading unified diffs: which lines of the new side a change added or modified.

Works on GitHub's per-file ``patch`` (hunks only, no file header) and on the output of
``git diff --unified=0`` (file headers, then hunks). Hunks are walked by the line counts
in their ``@@ -a,b +c,d @@`` headers, so a content line that happens to start with
``+++`` or ``@@`` is never mistaken for a header.
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def added_lines(patch: str) -> frozenset[int]:
    """1-based new-side numbers of ``+`` lines (a modified line is a removed plus an added
    one, so it counts)."""
    added: set[int] = set()
    old_left = new_left = 0
    line = 0
    for raw in patch.split("\n"):
        if old_left <= 0 and new_left <= 0:
            match = _HUNK.match(raw)
            if match:
                old_left = int(match.group(2) or "1")
                line = int(match.group(3))
                new_left = int(match.group(4) or "1")
            continue  # a file header, "\ No newline at end of file", or text between hunks
        tag = raw[:1]
        if tag == "+":
            added.add(line)
            line += 1
            new_left -= 1
        elif tag == "-":
            old_left -= 1
        elif tag == "\\":
            continue
        else:  # context line (" "), or an empty line where a tool trimmed the space
            line += 1
            new_left -= 1
            old_left -= 1
    return frozenset(added)
