"""A local fake of GitHub's REST API: a real HTTP/1.1 server on 127.0.0.1, in a thread.

Every request is recorded, matched to an operation of GitHub's OpenAPI description and
validated (path, query, body); anything unknown or invalid is answered as GitHub would
(404/422) AND recorded in :attr:`FakeGitHub.errors`, which the tests assert empty — so a
wrong request fails the test loudly even if our code copes with the answer. Every answer
the fake gives is validated against the response schema as well.

Modelled GitHub behaviour (see ../shared/reference/github/README.md): ``per_page``
(default 30, capped at :attr:`max_per_page`, 100 like GitHub unless a test lowers it to
paginate small lists) with ``Link`` headers in the ``/repositories/{id}/…`` form; the
issue list includes pull requests; ``labels=`` is a case-insensitive AND filter; tokens
without a permission get 403 "Resource not accessible by integration" with
``X-Accepted-GitHub-Permissions``; no token → 401 on writes; a request without
``User-Agent`` → 403; rate-limit headers on every answer. Tests can inject answers
(secondary rate limits, primary limits, 5xx) and hold requests at a barrier (races).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakegithub.model import Refused, Repository
from fakegithub.spec import Operation, Spec, load_spec

DOCS = "https://docs.github.com/rest"
WRITE = "write-token"
READ = "read-token"
TOKENS: dict[str, dict[str, str]] = {
    WRITE: {"issues": "write", "pull_requests": "write", "metadata": "read"},
    READ: {"issues": "read", "pull_requests": "read", "metadata": "read"},
}
"""Token → permissions, as a workflow's ``permissions:`` would grant them."""
_NEEDS = {
    "issues/create": "issues=write",
    "issues/update": "issues=write",
    "issues/add-labels": "issues=write; pull_requests=write",
    "issues/create-comment": "issues=write; pull_requests=write",
    "issues/update-comment": "issues=write; pull_requests=write",
    "issues/delete-comment": "issues=write; pull_requests=write",
    "issues/create-label": "issues=write; pull_requests=write",
    "issues/update-label": "issues=write; pull_requests=write",
}


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the fake received it."""

    method: str
    target: str
    """Path and query exactly as sent."""
    path: str
    """Canonical ``/repos/{owner}/{repo}/…`` path (``/repositories/{id}`` resolved)."""
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    operation: str | None


@dataclass(slots=True)
class Injection:
    method: str
    pattern: re.Pattern[str]
    status: int
    message: str
    headers: dict[str, str]
    times: int


@dataclass(slots=True)
class Gate:
    method: str
    pattern: re.Pattern[str]
    barrier: threading.Barrier
    remaining: int


@dataclass
class FakeGitHub:
    """``with FakeGitHub() as gh:`` serves on ``gh.url`` until the block ends."""

    max_per_page: int = 100
    spec: Spec = field(default_factory=load_spec)
    repo: Repository = field(init=False)
    requests: list[Seen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _injections: list[Injection] = field(default_factory=list)
    _gates: list[Gate] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _used: int = 0

    def __post_init__(self) -> None:
        self.repo = Repository(examples=self.spec.examples)

    # ---- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self.repo.api = self.url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-github"
        )
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._server is not None and self._thread is not None
        for gate in self._gates:
            gate.barrier.abort()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ---- test controls --------------------------------------------------------------

    def inject(
        self,
        method: str,
        path: str,
        *,
        status: int,
        message: str = "",
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the ``path`` regex
        (searched in the canonical path) with ``status`` (after validating them)."""
        with self._lock:
            self._injections.append(
                Injection(method, re.compile(path), status, message, dict(headers or {}), times)
            )

    def gate(self, method: str, path: str, *, parties: int, timeout: float = 15.0) -> None:
        """Hold the first ``parties`` matching requests until all of them have arrived."""
        with self._lock:
            self._gates.append(
                Gate(method, re.compile(path), threading.Barrier(parties, timeout=timeout), parties)
            )

    def assert_clean(self) -> None:
        """Fail when any request was unknown or invalid."""
        assert not self.errors, "requests GitHub would refuse:\n" + "\n".join(self.errors)

    def writes(self) -> list[Seen]:
        return [r for r in self.requests if r.method != "GET"]

    def marked_issues(self, marker: str, *, state: str = "open") -> list[dict[str, Any]]:
        with self._lock:
            return [
                i
                for i in self.repo.issues.values()
                if "pull_request" not in i
                and marker in (i["body"] or "")
                and (state == "all" or i["state"] == state)
            ]

    # ---- serving --------------------------------------------------------------------

    def handle(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        query = parse_qs(split.query, keep_blank_values=True)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        method = handler.command
        path = self._canonical(split.path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
            self._error(f"{method} {handler.path}: body is not JSON")
        matched = self.spec.match(method, path) if path else None
        with self._lock:
            self.requests.append(
                Seen(
                    method,
                    handler.path,
                    path or split.path,
                    query,
                    body,
                    headers,
                    matched[0].operation_id if matched else None,
                )
            )
        status, data, extra = self._answer(method, path, matched, query, body, bool(raw), headers)
        if matched is not None and status < 300:
            for problem in self.spec.validate_response(matched[0], status, data):
                self._error(f"fake answered {method} {path} wrongly: {problem}")
        self._send(handler, status, data, extra)

    def _canonical(self, path: str) -> str | None:
        m = re.fullmatch(r"/repositories/(\d+)(/.*)?", path)
        if m is None:
            return path
        if int(m.group(1)) != self.repo.id:
            return None
        return f"/repos/{self.repo.full_name}{m.group(2) or ''}"

    def _answer(
        self,
        method: str,
        path: str | None,
        matched: tuple[Operation, dict[str, str]] | None,
        query: dict[str, list[str]],
        body: Any,
        has_body: bool,
        headers: dict[str, str],
    ) -> tuple[int, Any, dict[str, str]]:
        if not headers.get("user-agent", "").strip():
            self._error(f"{method} {path}: no User-Agent header")
            return _refusal(
                403,
                "Request forbidden by administrative rules. Please make sure your request "
                "has a User-Agent header",
            )
        if path is None or matched is None:
            self._error(f"{method} {path}: not an operation of GitHub's REST API subset")
            return _refusal(404, "Not Found")
        op, params = matched
        problems = self.spec.validate_request(
            op, path_params=params, query=query, body=body, has_body=has_body
        )
        if problems:
            for p in problems:
                self._error(f"{method} {path} ({op.operation_id}): {p}")
            return _refusal(422, "Invalid request.\n\n" + "\n".join(problems))
        named = f"{params.get('owner')}/{params.get('repo')}"
        if "owner" in params and named.casefold() != self.repo.full_name.casefold():
            return _refusal(404, "Not Found")
        denied = self._authorise(op, headers, method)
        if denied is not None:
            return denied
        self._wait_at_gate(method, path)
        injected = self._injected(method, path)
        if injected is not None:
            return injected
        try:
            with self._lock:
                return _route(self, op.operation_id, params, query, body)
        except Refused as exc:
            return _refusal(exc.status, exc.message, errors=exc.errors)

    def _authorise(
        self, op: Operation, headers: dict[str, str], method: str
    ) -> tuple[int, Any, dict[str, str]] | None:
        auth = headers.get("authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else None
        if token is not None and token not in TOKENS:
            return _refusal(401, "Bad credentials")
        if method == "GET":
            return None  # a public repository: anyone may read
        if token is None:
            return _refusal(401, "Requires authentication")
        needs = _NEEDS.get(op.operation_id, "issues=write")
        granted = TOKENS[token]
        for alternative in needs.split(";"):
            name, _, level = alternative.strip().partition("=")
            if granted.get(name) == level:
                return None
        status, data, extra = _refusal(403, "Resource not accessible by integration")
        extra["X-Accepted-GitHub-Permissions"] = needs
        return status, data, extra

    def _wait_at_gate(self, method: str, path: str) -> None:
        with self._lock:
            gate = next(
                (
                    g
                    for g in self._gates
                    if g.remaining and g.method == method and g.pattern.search(path)
                ),
                None,
            )
            if gate is not None:
                gate.remaining -= 1
        if gate is not None:
            try:
                gate.barrier.wait()
            except threading.BrokenBarrierError:
                self._error(f"{method} {path}: the other racing request never came")

    def _injected(self, method: str, path: str) -> tuple[int, Any, dict[str, str]] | None:
        with self._lock:
            for inj in self._injections:
                if inj.times and inj.method == method and inj.pattern.search(path):
                    inj.times -= 1
                    status, data, extra = _refusal(inj.status, inj.message)
                    extra.update(inj.headers)
                    return status, data, extra
        return None

    def _error(self, problem: str) -> None:
        with self._lock:
            self.errors.append(problem)

    def _send(self, handler: _Handler, status: int, data: Any, extra: dict[str, str]) -> None:
        payload = b"" if data is None else json.dumps(data).encode()
        with self._lock:
            self._used += 1
            used = self._used
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("X-GitHub-Request-Id", f"FAKE:{used}")
        rate = {
            "X-RateLimit-Limit": "1000",
            "X-RateLimit-Remaining": str(max(0, 1000 - used)),
            "X-RateLimit-Used": str(used),
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Resource": "core",
        }
        rate.update(extra)
        for name, value in rate.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    # ---- pagination -----------------------------------------------------------------

    def paginate(
        self, items: list[Any], query: dict[str, list[str]], rest: str
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(max(int(query.get("per_page", ["30"])[0]), 1), self.max_per_page)
        page = max(int(query.get("page", ["1"])[0]), 1)
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        kept = {k: v[0] for k, v in query.items() if k != "page"}

        def link(n: int) -> str:
            qs = urlencode({**kept, "page": n})
            return f"{self.url}/repositories/{self.repo.id}{rest}?{qs}"

        rels = []
        if page < last:
            rels += [f'<{link(page + 1)}>; rel="next"', f'<{link(last)}>; rel="last"']
        if page > 1:
            rels += [f'<{link(page - 1)}>; rel="prev"', f'<{link(1)}>; rel="first"']
        return 200, chunk, ({"Link": ", ".join(rels)} if rels else {})


def _refusal(
    status: int, message: str, *, errors: list[dict[str, Any]] | None = None
) -> tuple[int, Any, dict[str, str]]:
    data: dict[str, Any] = {"message": message, "documentation_url": DOCS, "status": str(status)}
    if errors:
        data["errors"] = errors
    return status, data, {}


def _route(
    fake: FakeGitHub,
    operation: str,
    params: dict[str, str],
    query: dict[str, list[str]],
    body: Any,
) -> tuple[int, Any, dict[str, str]]:
    from fakegithub.routes import ROUTES

    handler = ROUTES.get(operation)
    if handler is None:
        fake.errors.append(f"{operation}: in the subset but not modelled by the fake")
        return _refusal(501, f"{operation} is not modelled by the fake")
    return handler(fake, params, query, body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15

    def _dispatch(self) -> None:
        self.server.fake.handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output clean; requests are in FakeGitHub.requests
