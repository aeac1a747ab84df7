"""A simulated multi-host web on loopback addresses, for benchmarks/crawl.py.

Run as a separate process so that the checker's memory and CPU are measured alone:

    python benchmarks/simweb.py SPEC.json

SPEC.json describes the hosts (address, latency, concurrency limit) and, per host, what
each path answers. The process prints one JSON line ``{"ports": {host: port}, "control":
port}`` and serves until its stdin closes. ``GET /stats`` and ``GET /reset`` on the
control port (127.0.0.1) read and clear the counters.

Each host behaves like a real one with a published limit: a request that arrives while
``limit`` requests are already in progress is answered at once with 429 and
``Retry-After: 1``; others wait ``latency`` seconds before their answer. Behaviours:

  ok           200 HTML page (title, h1, ids, padding to ``size`` bytes)
  notfound     404 page                    gone        410
  moved        301 to ``to``               temp        302 to ``to``
  soft404      200 page titled "Page Not Found"
  home         302 to the site's home page "/"
  flaky        503 for the first ``fail`` requests of the path, then like ok
  wall         521 unless the User-Agent looks like a browser (CSDN), then like ok
  wall-notfound  the same wall, then 404
  challenge    403 Cloudflare challenge for everyone
  pdf          application/pdf of ``size`` bytes, generated lazily (HEAD: headers only)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK = 64 * 1024
PAD = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 16 + b"</p>\n"


@dataclass
class HostStats:
    requests: int = 0
    heads: int = 0
    throttled: int = 0
    bytes_sent: int = 0
    max_in_flight: int = 0
    connections: int = 0
    first_at: float = 0.0
    last_at: float = 0.0
    """Wall-clock times of the first and the last request (time.time())."""
    by_path: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "heads": self.heads,
            "throttled": self.throttled,
            "bytes_sent": self.bytes_sent,
            "max_in_flight": self.max_in_flight,
            "connections": self.connections,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "by_path": dict(self.by_path),
        }


class Host:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.name: str = spec["name"]
        self.address: str = spec["address"]
        self.latency: float = spec["latency_ms"] / 1000
        self.limit: int = spec["limit"]
        self.routes: dict[str, dict[str, Any]] = spec["routes"]
        self.in_flight = 0
        self.failures: Counter[str] = Counter()
        self.stats = HostStats()

    def reset(self) -> None:
        self.failures.clear()
        self.stats = HostStats()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = [*lines[0].split(" "), "", ""][:3]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                keep = await self.answer(method, target, headers, writer)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    async def answer(
        self, method: str, target: str, headers: dict[str, str], writer: asyncio.StreamWriter
    ) -> bool:
        stats = self.stats
        stats.last_at = time.time()
        stats.first_at = stats.first_at or stats.last_at
        stats.requests += 1
        stats.heads += method == "HEAD"
        stats.by_path[target] += 1
        if self.in_flight >= self.limit:
            stats.throttled += 1
            body = b"<html><head><title>429 Too Many Requests</title></head></html>"
            return await self.send(writer, method, 429, body, {"Retry-After": "1"})
        self.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= 1  # before the answer goes out: a reused connection is free
        route = self.routes.get(target)
        if target == "/":
            route = {"kind": "ok", "title": f"{self.name} — home"}
        if route is None:
            return await self.send(writer, method, 404, page("404 Not Found", "Not Found"))
        return await self.behave(route, method, target, headers, writer)

    async def behave(
        self,
        route: dict[str, Any],
        method: str,
        target: str,
        headers: dict[str, str],
        writer: asyncio.StreamWriter,
    ) -> bool:
        kind = route["kind"]
        if kind == "flaky" and self.failures[target] < route.get("fail", 1):
            self.failures[target] += 1
            return await self.send(writer, method, 503, page("Service Unavailable", "Busy"))
        if kind.startswith("wall") and "Mozilla/" not in headers.get("user-agent", ""):
            return await self.send(writer, method, 521, b"")
        if kind == "wall-notfound":
            return await self.send(writer, method, 404, page("404 Not Found", "Not Found"))
        if kind in ("ok", "flaky", "wall"):
            body = page(route["title"], route["title"], route.get("ids", ()), route.get("size", 0))
            return await self.send(writer, method, 200, body)
        if kind == "notfound":
            return await self.send(writer, method, 404, page("404 Not Found", "Not Found"))
        if kind == "gone":
            return await self.send(writer, method, 410, page("410 Gone", "Gone"))
        if kind in ("moved", "temp", "home"):
            status = {"moved": 301, "temp": 302, "home": 302}[kind]
            to = "/" if kind == "home" else route["to"]
            return await self.send(writer, method, status, b"", {"Location": to})
        if kind == "soft404":
            body = page("Page Not Found | " + self.name, "Sorry, we could not find that page")
            return await self.send(writer, method, 200, body)
        if kind == "challenge":
            body = page("Just a moment...", "Checking your browser before accessing")
            extra = {"cf-mitigated": "challenge", "Server": "cloudflare"}
            return await self.send(writer, method, 403, body, extra)
        if kind == "pdf":
            return await self.stream_pdf(writer, method, route["size"])
        raise ValueError(kind)

    async def send(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        status: int,
        body: bytes,
        extra: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> bool:
        head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
        head.append(f"Content-Type: {content_type}")
        head.append(f"Content-Length: {len(body)}")
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        if method != "HEAD":
            writer.write(body)
            self.stats.bytes_sent += len(body)
        await writer.drain()
        return True

    async def stream_pdf(self, writer: asyncio.StreamWriter, method: str, size: int) -> bool:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: {size}\r\n\r\n"
        writer.write(head.encode())
        await writer.drain()
        if method == "HEAD":
            return True
        chunk = b"%PDF-1.5\n" + b"0" * (CHUNK - 9)
        left = size
        while left > 0:
            piece = chunk[: min(CHUNK, left)]
            writer.write(piece)
            await writer.drain()  # raises once the client has closed: stop generating
            self.stats.bytes_sent += len(piece)
            left -= len(piece)
        return True


REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    503: "Service Unavailable",
    521: "Web Server Is Down",
}


def page(title: str, heading: str, ids: Any = (), size: int = 0) -> bytes:
    anchors = "".join(f'<h2 id="{i}">{i}</h2>\n' for i in ids)
    head = (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
        '<link rel="stylesheet" href="/s.css"><script src="/app.js"></script></head>'
        f'<body><nav><a href="/">home</a></nav><h1>{heading}</h1>\n{anchors}'
    ).encode()
    pad = b""
    if size > len(head):
        pad = PAD * ((size - len(head)) // len(PAD) + 1)
    return head + pad + b"</body></html>"


async def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    hosts = [Host(h) for h in spec["hosts"]]
    servers = []
    ports: dict[str, int] = {}
    for host in hosts:
        server = await asyncio.start_server(host.serve, host.address, 0, backlog=1024)
        servers.append(server)
        ports[host.name] = server.sockets[0].getsockname()[1]

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readuntil(b"\r\n\r\n")).decode().split(" ")
        body = json.dumps({h.name: h.stats.as_json() for h in hosts}).encode()
        if line[1] == "/reset":  # answers the counters so far, then clears them
            for host in hosts:
                host.reset()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    control_server = await asyncio.start_server(control, "127.0.0.1", 0)
    print(
        json.dumps({"ports": ports, "control": control_server.sockets[0].getsockname()[1]}),
        flush=True,
    )
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin
    for server in [*servers, control_server]:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
