"""HTTP for the operations room: /metrics and /healthz, each request on its own thread.

/metrics is prometheus_client's WSGI app (content negotiation: `Accept:
application/openmetrics-text` gets OpenMetrics, anything else the Prometheus text format;
gzip when asked; `name[]` filters), so no exposition text is written here. The server threads
only read the newest RoomView, never the FleetState, so a slow scrape cannot hold up collection.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app
from prometheus_client.registry import CollectorRegistry

log = logging.getLogger(__name__)
DEFAULT_LISTEN = "127.0.0.1:9464"  # loopback unless the operator says otherwise

Health = Callable[[], tuple[bool, dict]]


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


def room_app(registry: CollectorRegistry, health: Health):
    metrics = make_wsgi_app(registry)

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
            return metrics(environ, start_response)
        body = b"hangang-console serve: /metrics, /healthz\n"
        start_response("404 Not Found", [("Content-Type", "text/plain"),
                                         ("Content-Length", str(len(body)))])
        return [body]

    return app


class RoomHttp:
    """The server on its own thread; `port` is the one bound (useful with port 0)."""

    def __init__(self, listen: str, registry: CollectorRegistry, health: Health) -> None:
        host, port = parse_listen(listen)
        server_class = _Server6 if ":" in host else _Server
        self._server = make_server(host, port, room_app(registry, health),
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
