"""A raw-socket server for answers no HTTP server library will give: resets and garbage.

Behaviour by request path:

  /reset              reads the request, then resets the connection (RST, no answer)
  /reset-mid-body     sends a 200 header and part of the body, then resets
  /garbage            answers bytes that are not HTTP, then closes
  /silent-close       closes the connection without a byte (FIN)
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class RawServer:
    """Accepts connections on ``host`` and misbehaves on purpose; counts requests."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._sock = socket.create_server((host, 0))
        self._sock.settimeout(0.2)
        self.host, self.port = self._sock.getsockname()[:2]
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self._lock:
            return self.requests[path]

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    piece = conn.recv(4096)
                    if not piece:
                        return
                    data += piece
            except OSError:
                return
            path = data.split(b" ", 2)[1].decode("latin-1") if b" " in data else ""
            with self._lock:
                self.requests[path] += 1
            with suppress(OSError):
                if path == "/reset":
                    _reset(conn)
                elif path == "/reset-mid-body":
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                        b"Content-Length: 100000\r\n\r\n<html><head><title>Cut</title>"
                    )
                    _reset(conn)
                elif path == "/garbage":
                    conn.sendall(b"SPEAKING NONSENSE\r\n\r\n")
                elif path == "/silent-close":
                    pass

    def start(self) -> RawServer:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join()
        self._sock.close()
        for thread in self._threads:
            thread.join()


def _reset(conn: socket.socket) -> None:
    # SO_LINGER with a zero timeout turns close() into a TCP reset.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@contextmanager
def serve_raw(host: str = "127.0.0.1") -> Iterator[RawServer]:
    server = RawServer(host).start()
    try:
        yield server
    finally:
        server.stop()
