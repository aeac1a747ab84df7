"""Flake memory: what earlier scheduled runs saw, kept in the tracking issue's body.

The body carries one hidden, versioned block::

    <!-- linkcheck-state v1 eNqrVkrOz0nNz... -->

(compact JSON, zlib-compressed, base64 — so no ``-->`` can ever appear inside). For every
link that failed in the last run it records when it first failed, how many runs in a row
it has failed, its last status, and since when the issue lists it. From that,
:func:`advance` decides for the current run:

* ``broken`` links are reported at once (a 404 is definitive);
* ``unverified`` links (bot walls, timeouts, 5xx after retries) are reported only once
  they have failed ``flaky_runs`` runs in a row; until then they are *watched*;
* a link once reported stays reported while it keeps failing in any way (no flapping
  between "listed" and "watched");
* a reported link that no longer fails (or is gone from the list) is *recovered*.

Nothing here does I/O; :mod:`linkcheck.github.tracking` reads and writes the body.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from linkcheck.models import Link, Report, Status, Verdict

VERSION = 1
STATE_BUDGET = 16_000
"""Most characters the state block may take of the 65,536 a body can hold; when there are
more failing links than fit, the least important entries are forgotten first."""
_MAX_INFLATED = 4 * 1024 * 1024
_BLOCK = re.compile(r"<!-- linkcheck-state v(\d+) ([A-Za-z0-9+/=]*) -->")
_FAILING = (Status.BROKEN, Status.UNVERIFIED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What the runs so far know about one failing link."""

    first_failed: int
    """Unix time of the first run of the current failing streak."""
    runs: int
    """Consecutive runs it has failed in (this one included)."""
    status: Status
    """Its status in the latest run (broken wins over unverified for repeated URLs)."""
    reported_since: int | None = None
    """Unix time of the run that first listed it in the issue; None while only watched."""
    where: str = ""
    """``README.md:57`` of its first occurrence, to name it once it has recovered."""
    entry: str = ""
    """The entry (paper title) of its first occurrence."""


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """The flake memory as stored: failing links by :func:`link_key`."""

    links: Mapping[str, Entry] = field(default_factory=dict)
    updated: int = 0
    """Unix time of the run that wrote it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovered:
    """A link the issue listed that no longer fails (fixed, or removed from the list)."""

    key: str
    where: str
    entry: str
    first_failed: int
    runs: int


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """The current run seen against the previous ones (what the Markdown report shows)."""

    flaky_runs: int
    now: int
    links: Mapping[str, Entry]
    """Every link failing in this run."""
    recovered: tuple[Recovered, ...] = ()
    new: frozenset[str] = frozenset()
    """Keys listed for the first time in this run."""

    def of(self, verdict: Verdict) -> Entry | None:
        return self.links.get(link_key(verdict.link))

    def reportable(self, verdict: Verdict) -> bool:
        """Whether the issue lists this failing verdict (not merely watches it)."""
        entry = self.of(verdict)
        return entry is not None and entry.reported_since is not None

    def is_new(self, verdict: Verdict) -> bool:
        """Listed for the first time in this run."""
        return link_key(verdict.link) in self.new

    @property
    def reported(self) -> int:
        return sum(1 for e in self.links.values() if e.reported_since is not None)

    @property
    def watched(self) -> int:
        return sum(1 for e in self.links.values() if e.reported_since is None)

    def state(self) -> State:
        return State(links=dict(self.links), updated=self.now)


def link_key(link: Link) -> str:
    """Web links are one thing wherever they appear; anchors and files belong to a file."""
    if urlsplit(link.url).scheme:
        return link.url
    return f"{link.location.path}\t{link.url}"


def advance(previous: State | None, report: Report, *, flaky_runs: int, now: int) -> History:
    """This run's :class:`History` given the previous state (None: no memory yet)."""
    before = previous.links if previous is not None else {}
    current: dict[str, Entry] = {}
    for verdict in report.verdicts:
        if verdict.status not in _FAILING:
            continue
        key = link_key(verdict.link)
        seen = current.get(key)
        if seen is not None:
            if verdict.status is Status.BROKEN and seen.status is not Status.BROKEN:
                current[key] = _promote(replace(seen, status=Status.BROKEN), flaky_runs, now)
            continue
        old = before.get(key)
        entry = Entry(
            first_failed=old.first_failed if old else now,
            runs=old.runs + 1 if old else 1,
            status=verdict.status,
            reported_since=old.reported_since if old else None,
            where=_where(verdict.link),
            entry=verdict.link.entry[:120],
        )
        current[key] = _promote(entry, flaky_runs, now)
    new = frozenset(
        key
        for key, entry in current.items()
        if entry.reported_since is not None
        and (key not in before or before[key].reported_since is None)
    )
    recovered = tuple(
        Recovered(
            key=key,
            where=old.where,
            entry=old.entry,
            first_failed=old.first_failed,
            runs=old.runs,
        )
        for key, old in before.items()
        if key not in current and old.reported_since is not None
    )
    return History(flaky_runs=flaky_runs, now=now, links=current, recovered=recovered, new=new)


def _promote(entry: Entry, flaky_runs: int, now: int) -> Entry:
    if entry.reported_since is not None:
        return entry
    if entry.status is Status.BROKEN or entry.runs >= flaky_runs:
        return replace(entry, reported_since=now)
    return entry


def _where(link: Link) -> str:
    return f"{link.location.path}:{link.location.line}"


# ---------------------------------------------------------------------------------------
# The hidden block


def encode(state: State, *, budget: int = STATE_BUDGET) -> str:
    """The hidden block for ``state``, at most ``budget`` characters.

    When every entry does not fit, watched links with the fewest failing runs are
    forgotten first, then the most recently listed ones (their "since" date restarts).
    """
    ranked = sorted(state.links.items(), key=_importance)
    keep = len(ranked)
    while True:
        block = _block(dict(ranked[:keep]), state.updated)
        if len(block) <= budget or keep == 0:
            return block
        # Shrink proportionally, at least one entry, so this ends in a few rounds.
        keep = min(keep - 1, int(keep * budget / len(block)))


def _importance(item: tuple[str, Entry]) -> tuple[int, int, int]:
    _key, entry = item
    if entry.reported_since is not None:
        return (0, entry.reported_since, -entry.runs)
    return (1, -entry.runs, entry.first_failed)


def _block(links: Mapping[str, Entry], updated: int) -> str:
    data = {
        "v": VERSION,
        "updated": updated,
        "links": {key: _entry_data(entry) for key, entry in links.items()},
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    packed = base64.b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")
    return f"<!-- linkcheck-state v{VERSION} {packed} -->"


def _entry_data(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first": entry.first_failed,
        "runs": entry.runs,
        "status": entry.status.value,
    }
    if entry.reported_since is not None:
        data["since"] = entry.reported_since
    if entry.where:
        data["where"] = entry.where
    if entry.entry:
        data["entry"] = entry.entry
    return data


class StateError(ValueError):
    """The body has a state block that cannot be read (damaged, or a newer version)."""


def decode(body: str | None) -> State | None:
    """The state in an issue body; None when it has no block. Raises :class:`StateError`."""
    match = _BLOCK.search(body or "")
    if match is None:
        return None
    version = int(match.group(1))
    if version != VERSION:
        raise StateError(f"state block version {version} is not supported (expected {VERSION})")
    try:
        packed = base64.b64decode(match.group(2), validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_INFLATED)
        if inflater.unconsumed_tail:
            raise StateError("state block is too large")
        data = json.loads(raw.decode("utf-8"))
        return State(
            links={str(k): _entry(v) for k, v in data["links"].items()},
            updated=int(data.get("updated", 0)),
        )
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise StateError(f"state block is damaged ({exc})") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise StateError(f"state block is damaged ({type(exc).__name__}: {exc})") from None


def _entry(data: Mapping[str, Any]) -> Entry:
    since = data.get("since")
    return Entry(
        first_failed=int(data["first"]),
        runs=max(1, int(data["runs"])),
        status=Status(data["status"]),
        reported_since=int(since) if since is not None else None,
        where=str(data.get("where", "")),
        entry=str(data.get("entry", "")),
    )
