"""HTTP for the operations room: /metrics and /healthz, each request on its own thread.

/metrics is written by prometheus_client's encoders, chosen by its content negotiation (`Accept:
application/openmetrics-text` gets OpenMetrics, anything else the Prometheus text format), gzip
when asked: no exposition text is written here. Each answer is rendered once per RoomView and
format (16,000 GPUs take most of a second to write), so a Prometheus HA pair or a second
scraper costs nothing more. The server threads only read the newest RoomView, never the
FleetState, so a slow scrape cannot hold up collection.
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client.exposition import choose_encoder, gzip_accepted

from console.room.exposition import RoomView, registry_for

log = logging.getLogger(__name__)
DEFAULT_LISTEN = "127.0.0.1:9464"  # loopback unless the operator says otherwise

GZIP_LEVEL = 1  # 15 MiB of text at 2,000 nodes: level 1 is 6x faster than 9 and nearly as small
Health = Callable[[], tuple[bool, dict]]
View = Callable[[], RoomView | None]


def parse_listen(text: str) -> tuple[str, int]:
    """"ADDR:PORT", "[v6]:PORT" or ":PORT" (all addresses) → (host, port); ValueError if bad."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r}: expected ADDR:PORT, e.g. {DEFAULT_LISTEN}")
    host = host.strip("[]")
    return (host or "0.0.0.0", int(port))


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class Exposition:
    """The answers for the newest view, each rendered once however many scrapers ask."""

    def __init__(self, view: View) -> None:
        self._view = view
        self._lock = threading.Lock()
        self._for: RoomView | None = None
        self._answers: dict[tuple[str, bool], bytes] = {}
        self.renders = 0

    def answer(self, accept: str | None, accept_encoding: str | None) -> tuple[list, bytes]:
        encoder, content_type = choose_encoder(accept or "")
        zipped = gzip_accepted(accept_encoding or "")
        view = self._view()
        with self._lock:  # a second scraper waits for the render in progress, then shares it
            if self._for is not view or view is None:
                self._for, self._answers = view, {}
            body = self._answers.get((content_type, zipped))
            if body is None:
                body = encoder(registry_for(lambda: view))
                if zipped:
                    body = gzip.compress(body, compresslevel=GZIP_LEVEL)
                self._answers[(content_type, zipped)] = body
                self.renders += 1
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if zipped:
            headers.append(("Content-Encoding", "gzip"))
        return headers, body


def room_app(exposition: Exposition, health: Health):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/healthz":
            ok, facts = health()
            body = json.dumps(facts, sort_keys=True).encode() + b"\n"
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
            return [body]
        if path in ("/metrics", "/metrics/"):
            headers, body = exposition.answer(environ.get("HTTP_ACCEPT"),
                                              environ.get("HTTP_ACCEPT_ENCODING"))
            start_response("200 OK", headers)
            return [body]
        body = b"hangang-console serve: /metrics, /healthz\n"
        start_response("404 Not Found", [("Content-Type", "text/plain"),
                                         ("Content-Length", str(len(body)))])
        return [body]

    return app


class RoomHttp:
    """The server on its own thread; `port` is the one bound (useful with port 0)."""

    def __init__(self, listen: str, view: View, health: Health) -> None:
        host, port = parse_listen(listen)
        server_class = _Server6 if ":" in host else _Server
        self.exposition = Exposition(view)
        self._server = make_server(host, port, room_app(self.exposition, health),
                                   server_class=server_class, handler_class=_Quiet)
        self.host = host
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="room-http",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a serve_forever that must be running
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
