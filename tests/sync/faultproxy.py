"""A fault-injecting HTTP proxy for the sync tests, on 127.0.0.1, between kiosk and service.

Each request the kiosk makes takes the next fault from a plan (or none), then:

- `drop`: the connection is closed before anything is forwarded;
- `drop-after`: the request is forwarded (the service commits) and the connection is closed
  with no answer;
- `delay`: the answer is held longer than the kiosk's timeout;
- `500`, `502`, `503`: that status, without forwarding;
- `html`: a captive portal's page with status 200, without forwarding;
- `redirect`: a 302 to a portal, without forwarding;
- `truncate`: forwarded, then the answer is cut in the middle of its body;
- `duplicate`: the request is sent to the service twice at once (to every upstream, when there
  are several) and one of the answers is returned;
- `hold-mid-upload`: half the request body is read, then the proxy waits (`held` is set) until
  `release` is set or the kiosk goes away; nothing is forwarded;
- `hold-after-forward`: forwarded, then the answer is held the same way.

`offline` refuses every connection as a dead network would. With several upstreams the proxy
sends requests to each in turn, like a load balancer. `on_request(n)` runs before request n.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

FAULTS = (
    "drop",
    "drop-after",
    "delay",
    "500",
    "502",
    "503",
    "html",
    "redirect",
    "truncate",
    "duplicate",
)

_PORTAL = (
    b"<!DOCTYPE html><html><head><title>Wi-Fi de la mairie</title></head><body>"
    b"<h1>Bienvenue</h1><p>Acceptez les conditions pour vous connecter.</p></body></html>"
)


@dataclass
class _Request:
    head: bytes
    body: bytes


@dataclass
class FaultProxy:
    upstreams: list[tuple[str, int]]
    delay_seconds: float = 4.0
    plan: deque[str | None] = field(default_factory=deque)
    offline: bool = False
    seen: int = 0
    faults_applied: list[str] = field(default_factory=list)
    on_request: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._turn = 0
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 256

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @classmethod
    def to(cls, *urls: str, **kwargs: object) -> FaultProxy:
        upstreams = []
        for url in urls:
            host, port = url.split("://", 1)[1].rsplit(":", 1)
            upstreams.append((host, int(port)))
        return cls(upstreams, **kwargs)  # type: ignore[arg-type]

    def inject(self, faults: Iterable[str | None]) -> None:
        with self._lock:
            self.plan.extend(faults)

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    # -- one connection ---------------------------------------------------------------------

    def _next(self) -> tuple[int, str | None]:
        with self._lock:
            self.seen += 1
            fault = self.plan.popleft() if self.plan else None
            if fault:
                self.faults_applied.append(fault)
            return self.seen, fault

    def _upstream(self) -> tuple[str, int]:
        with self._lock:
            target = self.upstreams[self._turn % len(self.upstreams)]
            self._turn += 1
            return target

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(30)
        if self.offline:
            _abort(client)
            return
        try:
            head, rest = _read_head(client)
        except OSError:
            return
        if head is None:
            return
        number, fault = self._next()
        if self.on_request is not None:
            self.on_request(number)
        length = _content_length(head)
        if fault == "hold-mid-upload":
            with contextlib.suppress(OSError):
                _read_body(client, rest, max(1, length // 2))
            self._hold(client)
            _abort(client)
            return
        try:
            body = _read_body(client, rest, length)
        except OSError:
            return
        request = _Request(_close_after(head), body)
        if fault == "drop":
            _abort(client)
            return
        if fault in ("500", "502", "503"):
            _send(client, int(fault), b"text/plain", b"Service Unavailable")
            return
        if fault == "html":
            _send(client, 200, b"text/html; charset=utf-8", _PORTAL)
            return
        if fault == "redirect":
            _send(client, 302, b"text/html", b"", extra=b"Location: http://portail.invalid/\r\n")
            return
        try:
            if fault == "duplicate":
                answer = self._forward_twice(request)
            else:
                answer = _forward(self._upstream(), request)
        except OSError:
            _abort(client)
            return
        if fault == "drop-after":
            _abort(client)
            return
        if fault == "delay":
            # Longer than the kiosk waits: it gives up first. (A wait on an event, not a sleep.)
            self.release.wait(self.delay_seconds)
        if fault == "hold-after-forward":
            self._hold(client)
            _abort(client)
            return
        with contextlib.suppress(OSError):
            if fault == "truncate":
                split = answer.find(b"\r\n\r\n") + 4
                body_length = len(answer) - split
                client.sendall(answer[: split + max(1, body_length // 2)])
                _abort(client)
            else:
                client.sendall(answer)
                client.shutdown(socket.SHUT_WR)

    def _hold(self, client: socket.socket) -> None:
        self.held.set()
        while not self.release.wait(0.05):
            if _peer_gone(client):
                return

    def _forward_twice(self, request: _Request) -> bytes:
        targets = self.upstreams if len(self.upstreams) > 1 else self.upstreams * 2
        answers: list[bytes | BaseException] = [b""] * len(targets)

        def send(i: int, target: tuple[str, int]) -> None:
            try:
                answers[i] = _forward(target, request)
            except OSError as exc:
                answers[i] = exc

        threads = [
            threading.Thread(target=send, args=(i, target)) for i, target in enumerate(targets)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for answer in answers:
            if isinstance(answer, bytes) and answer:
                return answer
        raise OSError("no upstream answered")


# -- raw HTTP/1.1 ----------------------------------------------------------------------------------


def _read_head(sock: socket.socket) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
        if len(data) > 1 << 20:
            return None, b""
    head, rest = data.split(b"\r\n\r\n", 1)
    return head + b"\r\n\r\n", rest


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0


def _read_body(sock: socket.socket, rest: bytes, length: int) -> bytes:
    body = rest
    while len(body) < length:
        chunk = sock.recv(min(1 << 20, length - len(body)))
        if not chunk:
            raise OSError("client went away")
        body += chunk
    return body[:length]


def _close_after(head: bytes) -> bytes:
    lines = [
        line
        for line in head[:-4].split(b"\r\n")
        if not line.lower().startswith((b"connection:", b"keep-alive:"))
    ]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


def _forward(target: tuple[str, int], request: _Request) -> bytes:
    with socket.create_connection(target, timeout=30) as upstream:
        upstream.sendall(request.head + request.body)
        chunks = []
        while True:
            chunk = upstream.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    if not answer:
        raise OSError("empty answer from upstream")
    return answer


def _send(
    sock: socket.socket, status: int, content_type: bytes, body: bytes, extra: bytes = b""
) -> None:
    reason = {200: b"OK", 302: b"Found", 500: b"Internal Server Error", 502: b"Bad Gateway",
              503: b"Service Unavailable"}[status]  # fmt: skip
    head = (
        b"HTTP/1.1 " + str(status).encode() + b" " + reason + b"\r\n"
        b"Content-Type: " + content_type + b"\r\n"
        b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n"
        + extra
        + b"Connection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.sendall(head + body)
        sock.shutdown(socket.SHUT_WR)


def _abort(sock: socket.socket) -> None:
    """Close at once (RST), as a dropped connection looks to the kiosk."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()


def _peer_gone(sock: socket.socket) -> bool:
    try:
        sock.setblocking(False)
        try:
            data = sock.recv(1, socket.MSG_PEEK)
        finally:
            sock.setblocking(True)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return data == b""
