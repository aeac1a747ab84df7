"""Server-side counters: what the servers saw, so tests assert facts, not timings."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    """Path with query."""
    headers: dict[str, str]
    """Lower-case names."""
    started: float
    """``time.monotonic()`` when the request line was read."""
    connection: int
    """Serial number of the TCP connection it came on."""


@dataclass(slots=True)
class Stats:
    """Thread-safe counters of one server (or shared by several, for global limits)."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    log: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    connections: int = 0
    """TCP connections accepted."""
    open_connections: int = 0
    bytes_sent: Counter[str] = field(default_factory=Counter)
    """Body bytes written, by path (without query)."""
    shared: Stats | None = None
    """Another Stats that also counts in-flight requests (several hosts, one limit)."""

    def begin(self, seen: Seen) -> None:
        with self._lock:
            self.log.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.shared is not None:
            self.shared.begin(seen)

    def end(self) -> None:
        with self._lock:
            self.in_flight -= 1
        if self.shared is not None:
            self.shared.end()

    def connection_opened(self) -> int:
        with self._lock:
            self.connections += 1
            self.open_connections += 1
            return self.connections

    def connection_closed(self) -> None:
        with self._lock:
            self.open_connections -= 1

    def sent(self, path: str, n: int) -> None:
        with self._lock:
            self.bytes_sent[path.split("?", 1)[0]] += n

    def requests(self, path: str | None = None, *, method: str | None = None) -> list[Seen]:
        """Requests for ``path`` (exact, with query; or a prefix ending in ``*``)."""
        with self._lock:
            items = list(self.log)
        if path is not None:
            if path.endswith("*"):
                items = [s for s in items if s.path.startswith(path[:-1])]
            else:
                items = [s for s in items if s.path == path]
        if method is not None:
            items = [s for s in items if s.method == method]
        return items

    def count(self, path: str | None = None, *, method: str | None = None) -> int:
        return len(self.requests(path, method=method))

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """Wait until every connection is closed (True) or the timeout passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.open_connections == 0:
                    return True
            time.sleep(0.01)
        return False

    def reset(self) -> None:
        with self._lock:
            self.log.clear()
            self.max_in_flight = self.in_flight
            self.bytes_sent.clear()
