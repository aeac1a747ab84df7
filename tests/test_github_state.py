"""Flake memory: how runs advance the state, and the hidden block that stores it."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from fakegithub.reports import report, verdict

from linkcheck.github.state import (
    STATE_BUDGET,
    Entry,
    History,
    State,
    StateError,
    advance,
    decode,
    encode,
)
from linkcheck.models import Kind, Report, Status

DAY = 86_400
DEAD = "https://dead.example/a"
WALL = "https://wall.example/b"


def runs(*reports_: Report, flaky_runs: int = 3) -> list[History]:
    histories = []
    previous: State | None = None
    for n, rep in enumerate(reports_):
        history = advance(previous, rep, flaky_runs=flaky_runs, now=n * DAY)
        histories.append(history)
        previous = decode(encode(history.state()))
    return histories


def test_broken_is_listed_at_once_unverified_after_n_runs() -> None:
    rep = report(verdict(DEAD, Status.BROKEN, line=1), verdict(WALL, Status.UNVERIFIED, line=2))
    h1, h2, h3 = runs(rep, rep, rep)
    b, w = rep.verdicts
    assert (h1.reportable(b), h1.reportable(w)) == (True, False)
    assert h2.reportable(w) is False and h2.of(w).runs == 2
    assert h3.reportable(w) is True and h3.is_new(w) is True
    assert h3.is_new(b) is False and h3.of(b).first_failed == 0


def test_listed_links_stay_listed_while_failing_and_recover_when_not() -> None:
    broken = report(verdict(DEAD, Status.BROKEN, line=4, entry="Paper A"))
    walled = report(verdict(DEAD, Status.UNVERIFIED, line=4, entry="Paper A"))
    healthy = report(verdict(DEAD, Status.OK, line=4))
    _h1, h2, h3 = runs(broken, walled, healthy)
    assert h2.reportable(walled.verdicts[0])  # no flapping between listed and watched
    assert h2.of(walled.verdicts[0]).runs == 2
    (recovered,) = h3.recovered
    assert (recovered.key, recovered.where, recovered.entry, recovered.runs) == (
        DEAD,
        "README.md:4",
        "Paper A",
        2,
    )
    assert h3.links == {}


def test_a_watched_link_that_recovers_is_forgotten_silently() -> None:
    _h1, h2 = runs(report(verdict(WALL, Status.UNVERIFIED, line=2)), report())
    assert h2.recovered == () and h2.links == {}


def test_anchors_are_remembered_per_file_and_repeated_urls_once() -> None:
    rep = report(
        verdict("#intro", Status.BROKEN, line=1, kind=Kind.ANCHOR, path="README.md"),
        verdict("#intro", Status.BROKEN, line=1, kind=Kind.ANCHOR, path="docs/list.md"),
        verdict(WALL, Status.UNVERIFIED, line=5),
        verdict(WALL, Status.BROKEN, line=9),  # the same URL, now broken: broken wins
    )
    (h,) = runs(rep)
    assert set(h.links) == {"README.md\t#intro", "docs/list.md\t#intro", WALL}
    assert h.links[WALL].status is Status.BROKEN and h.links[WALL].reported_since == 0
    assert h.links[WALL].where == "README.md:5"


def test_block_round_trips_and_hides_nothing_that_could_end_the_comment() -> None:
    links = {
        f"https://example.org/{i}--><script>": Entry(
            first_failed=i,
            runs=i + 1,
            status=Status.UNVERIFIED,
            where=f"README.md:{i}",
            entry="-->",
            reported_since=None if i % 2 else i,
        )
        for i in range(50)
    }
    block = encode(State(links=links, updated=7))
    assert block.startswith("<!-- linkcheck-state v1 ") and block.endswith(" -->")
    assert "--" not in block[len("<!-- ") : -len(" -->")]
    assert decode(f"body before\n{block}\nafter") == State(links=links, updated=7)


def test_block_stays_within_budget_keeping_listed_links_first() -> None:
    links = {
        f"https://{i:05d}.example/{'x' * 60}{i * 7919 % 100003}": Entry(
            first_failed=i,
            runs=1 + i % 4,
            status=Status.UNVERIFIED,
            reported_since=i if i < 200 else None,
            where=f"README.md:{i}",
            entry=f"T{i}" * 10,
        )
        for i in range(3000)
    }
    block = encode(State(links=links, updated=1))
    assert len(block) <= STATE_BUDGET
    kept = decode(block)
    assert kept is not None and 200 < len(kept.links) < 3000
    assert all(links[k].reported_since is not None for k in list(links)[:200] if k in kept.links)
    assert all(k in kept.links for k in list(links)[:200])  # every listed link survives


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<!-- linkcheck-state v1 AAAA -->", "damaged"),
        ("<!-- linkcheck-state v9 AAAA -->", "version 9 is not supported"),
        (
            "<!-- linkcheck-state v1 "
            + base64.b64encode(zlib.compress(json.dumps({"links": {"u": {}}}).encode())).decode()
            + " -->",
            "damaged",
        ),
    ],
)
def test_unreadable_blocks_are_reported(body: str, problem: str) -> None:
    with pytest.raises(StateError, match=problem):
        decode(body)


def test_no_block_is_no_state() -> None:
    assert decode("just a human's issue") is None
    assert decode(None) is None
