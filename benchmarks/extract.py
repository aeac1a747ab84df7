"""Extraction speed: links/s and MB/s, next to markdown-it-py's bare parse of the same text.

    python benchmarks/extract.py [--mb 10] [--repeat 3]

Inputs: the seed README repeated to about --mb megabytes, and the largest file of
../shared/corpus (skipped when absent). "overhead" is our extraction time over the bare
``MarkdownIt("gfm-like").parse`` time of the same text, minus one: what we add on top of
the parser (positions, roles, sections, entries, anchors, reference findings). Best of
--repeat rounds of process CPU time, the bare parse and the extraction taking turns in
each round (the work is single-threaded; CPU time and taking turns keep the machine's
noise out of the ratio as far as possible). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from linkcheck.extract import extract  # noqa: E402
from linkcheck.source import normalise_newlines  # noqa: E402

SEED = ROOT / "fixtures" / "awesome-snn" / "README.md"
CORPUS = ROOT.parent / "shared" / "corpus"


def interleaved_best(repeat: int, *works: Callable[[], object]) -> list[tuple[float, object]]:
    """Best CPU time of each work over ``repeat`` rounds, the works taking turns in each
    round, so that a slow spell of the machine hits both sides alike."""
    best: list[tuple[float, object]] = [(float("inf"), None) for _ in works]
    for _ in range(repeat):
        for i, work in enumerate(works):
            gc.collect()
            start = time.process_time()
            result = work()
            spent = time.process_time() - start
            if spent < best[i][0]:
                best[i] = (spent, result)
    return best


def measure(name: str, text: str, repeat: int) -> None:
    size_mb = len(text.encode("utf-8")) / 1_000_000
    bare = MarkdownIt("gfm-like")
    extract(text[:4096], "warm-up.md")  # builds the parser once, as a long-lived process would
    (bare_s, _), (ours_s, document) = interleaved_best(
        repeat, lambda: bare.parse(text), lambda: extract(text, name)
    )
    links = len(document.links)  # type: ignore[attr-defined]
    print(
        f"{name:<48} {size_mb:7.2f} MB {links:8d} links | "
        f"bare parse {bare_s:6.2f} s | extraction {ours_s:6.2f} s | "
        f"{links / ours_s:9.0f} links/s {size_mb / ours_s:6.2f} MB/s | "
        f"overhead {100 * (ours_s / bare_s - 1):+5.1f} %"
    )


def instructions(path: Path) -> None:
    """Overhead in executed instructions (valgrind's callgrind): the same on a busy or an
    idle machine, so it settles what CPU time leaves to noise."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("(valgrind not found: no instruction counts)")
        return
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("imports", "bare", "ours"):
            out = Path(tmp) / f"{mode}.out"
            result = subprocess.run(
                [
                    valgrind,
                    "--tool=callgrind",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    "--child",
                    mode,
                    str(path),
                ],
                capture_output=True,
                text=True,
                check=True,
                env=dict(os.environ),
            )
            match = re.search(r"Collected : (\d+)", result.stderr)
            assert match, result.stderr[-500:]
            counts[mode] = int(match.group(1))
    bare = counts["bare"] - counts["imports"]
    ours = counts["ours"] - counts["imports"]
    print(
        f"{path.name:<48} instructions: bare parse {bare / 1e6:8.0f} M | extraction "
        f"{ours / 1e6:8.0f} M | overhead {100 * (ours / bare - 1):+5.1f} %"
    )


def child(mode: str, path: str) -> None:
    text = normalise_newlines(Path(path).read_text(encoding="utf-8"))
    bare = MarkdownIt("gfm-like")
    extract("warm-up [x](y)\n", "warm-up.md")
    if mode == "bare":
        bare.parse(text)
    elif mode == "ours":
        extract(text, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind (seed x8 and the largest corpus file)",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    seed = normalise_newlines(SEED.read_text(encoding="utf-8"))
    copies = max(1, int(args.mb * 1_000_000 / len(seed.encode("utf-8"))))
    print(f"python {sys.version.split()[0]}, best of {args.repeat}")
    measure(f"seed x{copies}", seed * copies, args.repeat)
    corpus = (
        sorted(CORPUS.glob("*__*.md"), key=lambda p: p.stat().st_size) if CORPUS.is_dir() else []
    )
    if corpus:
        # The largest file is the figure that counts; the others show the spread (raw-HTML
        # heavy lists cost more: markdown-it leaves HTML unparsed, we must parse it).
        for path in reversed(corpus):
            measure(path.name, normalise_newlines(path.read_text(encoding="utf-8")), args.repeat)
    else:
        print("(../shared/corpus not found: corpus file skipped)")
    if args.instructions:
        with tempfile.TemporaryDirectory() as tmp:
            seed8 = Path(tmp) / "seed-x8.md"
            seed8.write_text(seed * 8, encoding="utf-8")
            instructions(seed8)
        if corpus:
            instructions(corpus[-1])


if __name__ == "__main__":
    main()
