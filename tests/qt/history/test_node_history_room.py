"""A node window in Prometheus mode whose Prometheus is down, slow or answers garbage: the history
plot says why in its note (the sector plot's words) and the GUI thread never waits on it."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from console.sources.prometheus.client import PrometheusClient
from console.sources.prometheus.history import PrometheusHistory
from tests.unit.energy.fleet import inventory
from widgets.history.node_history import NodeHistoryPlot
from widgets.history.query import HistoryQueries
from widgets.history.time_range import TimeRange

TZ = ZoneInfo("Asia/Seoul")


@pytest.fixture
def server():
    """answer[0] = (status, body, delay s) for every POST (range queries are POSTed)."""
    answer = [(200, b"", 0.0)]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, body, delay = answer[0]
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", answer
    httpd.shutdown()
    httpd.server_close()


def plot_on(qtbot, url: str) -> NodeHistoryPlot:
    history = PrometheusHistory(PrometheusClient(url, timeout_s=1.0), inventory(), None, 5.0)
    queries = HistoryQueries(history)
    plot = NodeHistoryPlot("gpu01", 8, TZ, queries)
    qtbot.addWidget(plot)
    plot.show_frames(time.time(), None)  # nothing in memory: the day comes from Prometheus
    return plot


@pytest.mark.parametrize("case", ["down", "slow", "garbage", "html"])
def test_a_bad_prometheus_is_named_in_the_node_window(qtbot, server, case):
    url, answer = server
    if case == "down":
        url = "http://127.0.0.1:9"  # the discard port: nothing listens
    answer[0] = {
        "slow": (200, b"{}", 3.0),
        "garbage": (200, b"\x00{not json", 0.0),
        "html": (502, b"<html>bad gateway</html>", 0.0),
    }.get(case, answer[0])
    plot = plot_on(qtbot, url)
    started = time.monotonic()
    plot.set_range(TimeRange.preset("24h"))
    assert time.monotonic() - started < 0.5  # asked on the pool, not on the GUI thread
    assert plot.note.text() == "Loading history…"
    qtbot.waitUntil(lambda: plot.note.text().startswith("History unavailable: "), timeout=10_000)
    assert len(plot.note.text()) > len("History unavailable: ") + 5
    assert len(plot.t) == 0
    plot.queries.shutdown()
