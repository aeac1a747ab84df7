"""A real HTTP/1.1 server (stdlib ``ThreadingHTTPServer``) with a route per behaviour.

Start one per loopback address (127.0.0.1, 127.0.0.2 … stand for different hosts).
Every request is recorded in :attr:`WebServer.stats` before it is answered, and the
in-flight count drops *before* the answer is written, so a client that starts its next
request after reading an answer is never counted as concurrent with it.

Routes: see :mod:`servers.routes`.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from servers.routes import CHUNK, ROUTES, html
from servers.stats import Seen, Stats


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close joins the handler threads: nothing left running

    def __init__(self, address: tuple[str, int], owner: WebServer) -> None:
        self.owner = owner
        self.sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients closing mid-answer is what several tests do on purpose


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        owner = self.server.owner
        self.conn_id = owner.stats.connection_opened()
        with self.server.sockets_lock:
            self.server.sockets.add(self.connection)

    def finish(self) -> None:
        with suppress(OSError):
            super().finish()
        with self.server.sockets_lock:
            self.server.sockets.discard(self.connection)
        self.server.owner.stats.connection_closed()

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    # -- plumbing ------------------------------------------------------------------------

    def _dispatch(self) -> None:
        owner = self.server.owner
        seen = Seen(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            started=time.monotonic(),
            connection=self.conn_id,
        )
        owner.stats.begin(seen)
        self._ended = False
        try:
            parts = urlsplit(self.path)
            self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            for pattern, route in ROUTES:
                match = pattern.fullmatch(parts.path)
                if match:
                    route(self, *match.groups())
                    return
            self.answer(404, html("Not Found", h1="Not Found"))
        except OSError:
            self.close_connection = True
        finally:
            self._end()

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self.server.owner.stats.end()

    def answer(
        self,
        status: int,
        body: bytes = b"",
        *,
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self._end()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.server.owner.stats.sent(self.path, len(body))

    def stream(self, size: int, content_type: str) -> None:
        """Send ``size`` bytes generated as they are written, counting what got out."""
        self._end()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = b"%PDF" + b"\0" * (CHUNK - 4)
        left = size
        while left > 0 and not self.server.owner.stopping.is_set():
            piece = chunk[: min(CHUNK, left)]
            self.wfile.write(piece)
            self.server.owner.stats.sent(self.path, len(piece))
            left -= len(piece)

    def ua_is_browser(self) -> bool:
        return "Mozilla/" in self.headers.get("User-Agent", "")

    def url(self, path: str) -> str:
        return self.server.owner.url(path)


class WebServer:
    """One HTTP server on ``host`` (a loopback address), run in a thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        stats: Stats | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.stats = stats or Stats()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.limited_now = 0
        self._server = _Server((host, port), self)
        self.scheme = "http"
        if tls is not None:
            self.scheme = "https"
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        with self._server.sockets_lock:
            for sock in list(self._server.sockets):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join()


@contextmanager
def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    stats: Stats | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[WebServer]:
    """A running :class:`WebServer`, stopped (threads joined) on exit."""
    server = WebServer(host, port, stats=stats, tls=tls).start()
    try:
        yield server
    finally:
        server.stop()
