"""The Prometheus client against a real local HTTP server that answers badly on purpose: down,
slow, garbage, wrong shapes, too big; and the fleet file's [prometheus] table."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.fleet.model import Sector
from console.inventory.loader import InventoryError, load_inventory
from console.inventory.model import Inventory, NodeSpec
from console.sources.prometheus.client import PrometheusClient, PrometheusError
from console.sources.prometheus.decode import Decoder, HostMap
from console.sources.prometheus.source import PrometheusSource
from tests.integration.prometheus_testbed import free_port


@pytest.fixture
def server():
    """answers[path] = (status, body bytes, delay s)."""
    answers: dict[str, tuple[int, bytes, float]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, delay = answers.get(self.path.split("?")[0], (404, b"", 0))
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
    yield httpd.server_address[1], answers
    httpd.shutdown()
    httpd.server_close()


def vector(*items) -> bytes:
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": list(items)}}
                      ).encode()


def test_vector_decoded_and_garbage_points_dropped(server):
    port, answers = server
    answers["/api/v1/query"] = (200, vector(
        {"metric": {"Hostname": "a", "gpu": "0"}, "value": [100.5, "42"]},
        {"metric": {"Hostname": "b"}, "value": [100.5, "not a number"]},
        {"metric": "garbage", "value": [1, "1"]},
        "nonsense",
        {"metric": {"Hostname": "c"}, "value": [100.5, "NaN"]},
    ), 0)
    found = PrometheusClient(f"127.0.0.1:{port}").instant("up")
    assert [s.labels.get("Hostname") for s in found] == ["a", "c"]
    assert found[0].value == 42.0 and found[0].t == 100.5


@pytest.mark.parametrize("status, body, words", [
    (200, b"<html>hello</html>", "not JSON"),
    (200, b"[1, 2]", "unknown shape"),
    (200, b'{"status": "success", "data": {"resultType": "matrix", "result": []}}', "matrix"),
    (400, b'{"status": "error", "errorType": "bad_data", "error": "parse error"}', "parse error"),
    (500, b"oops", "HTTP 500"),
])
def test_bad_answers_are_one_clear_error(server, status, body, words):
    port, answers = server
    answers["/api/v1/query"] = (status, body, 0)
    with pytest.raises(PrometheusError) as caught:
        PrometheusClient(f"http://127.0.0.1:{port}/").instant("up")
    assert words in str(caught.value)
    assert "127.0.0.1" in str(caught.value)


def test_slow_down_and_too_big(server):
    port, answers = server
    answers["/api/v1/query"] = (200, vector(), 3.0)
    with pytest.raises(PrometheusError, match=r"did not answer within 0\.3 s"):
        PrometheusClient(f"127.0.0.1:{port}", timeout_s=0.3).instant("up")
    answers["/api/v1/query"] = (200, b"x" * 5000, 0)
    with pytest.raises(PrometheusError, match="more than"):
        PrometheusClient(f"127.0.0.1:{port}", max_bytes=1000).instant("up")
    with pytest.raises(PrometheusError, match="cannot reach Prometheus"):
        PrometheusClient(f"127.0.0.1:{free_port()}").instant("up")


def test_source_keeps_running_and_says_why(server):
    """The worker survives a bad server: `problem` names it, nothing is sent, then it recovers."""
    port, answers = server
    answers["/api/v1/query"] = (200, b"garbage", 0)
    inventory = Inventory((NodeSpec("a", Sector.PUBLIC, None, 1),),
                          {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.25, Sector.PRIVATE: 0.25})
    source = PrometheusSource(PrometheusClient(f"127.0.0.1:{port}"), inventory, interval=0.1)
    got = []
    source.start(got.append, got.append)
    try:
        deadline = time.monotonic() + 10
        while source.problem is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "not JSON" in source.problem and not got
        answers["/api/v1/query"] = (200, vector(
            {"metric": {"__name__": "DCGM_FI_DEV_GPU_UTIL", "Hostname": "a", "gpu": "0"},
             "value": [time.time(), "12"]}), 0)
        while (source.problem is not None or not got) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert source.problem is None and got[0].hosts == ("a",)
    finally:
        source.stop()


def test_host_map_matches_names_addresses_ports_and_the_table():
    nodes = (NodeSpec("gpu01", Sector.PUBLIC, None, 8, address="10.0.0.1"),
             NodeSpec("gpu02", Sector.PUBLIC, None, 8))
    hosts = HostMap(nodes, {"pod-7f": "gpu02"})
    assert hosts.resolve("gpu01") == "gpu01"
    assert hosts.resolve("10.0.0.1:9100") == "gpu01"
    assert hosts.resolve("gpu02.example.org") == "gpu02"
    assert hosts.resolve("pod-7f") == "gpu02"
    assert hosts.resolve("elsewhere:9400") is None
    assert Decoder(hosts, 8).host_of({"hostname": "gpu02"}) == "gpu02"


def test_fleet_file_prometheus_table(tmp_path):
    base = '[sectors]\npublic = "50%"\ninterest = "30%"\nprivate = "20%"\n' \
           '[[nodes]]\nname = "gpu01"\nsector = "public"\n'
    path = tmp_path / "fleet.toml"
    path.write_text(base + '[prometheus]\nurl = "http://prom:9090"\ninterval = 5\n'
                    '[prometheus.hosts]\n"10.1.1.1:9400" = "gpu01"\n')
    table = load_inventory(path).prometheus
    assert table["url"] == "http://prom:9090" and table["interval"] == 5.0
    assert table["hosts"] == {"10.1.1.1:9400": "gpu01"}
    for bad, words in (('url = "not a url"', "prometheus.url"),
                       ('url = "http://p:9090"\ninterval = 0', "prometheus.interval"),
                       ('url = "http://p:9090"\nport = 1', "prometheus.port"),
                       ('url = "http://p:9090"\n[prometheus.hosts]\nx = "gpu09"',
                        "prometheus.hosts.x")):
        path.write_text(base + "[prometheus]\n" + bad + "\n")
        with pytest.raises(InventoryError) as caught:
            load_inventory(path)
        assert words in str(caught.value) and "fleet.toml:" in str(caught.value)


def test_cells_fast_path_and_its_fallback_agree(server):
    """Compact answers are read by the regular expression; one it cannot account for fully (an
    escaped quote in a label, pretty-printed JSON) goes through json, with the same triples."""
    port, answers = server
    items = [
        {"metric": {"Hostname": "a", "gpu": "0"}, "value": [1.5, "42"]},
        {"metric": {"gpu": "1", "hostname": "b"}, "value": [1.5, "NaN"]},
    ]
    client = PrometheusClient(f"127.0.0.1:{port}")
    compact = json.dumps({"status": "success", "data": {"resultType": "vector",
                                                        "result": items}}, separators=(",", ":"))
    answers["/api/v1/query"] = (200, compact.encode(), 0)
    fast = client.instant_cells("q")
    assert fast == [("a", "0", "42"), ("b", "1", "NaN")]
    answers["/api/v1/query"] = (200, json.dumps(json.loads(compact), indent=2).encode(), 0)
    assert client.instant_cells("q") == fast
    items.append({"metric": {"Hostname": 'c"x', "gpu": "0"}, "value": [1.5, "7"]})
    answers["/api/v1/query"] = (200, vector(*items), 0)
    assert client.instant_cells("q")[-1] == ('c"x', "0", "7")
    answers["/api/v1/query"] = (200, b"garbage", 0)
    with pytest.raises(PrometheusError, match="not JSON"):
        client.instant_cells("q")


def test_an_answer_with_the_last_ones_series_reads_only_its_values(server):
    """Refresh after refresh the same series in the same order: the labels are the last
    answer's (the same tuples), the values new; any change of series is read in full."""
    port, answers = server
    client = PrometheusClient(f"127.0.0.1:{port}")

    def compact(t: float, cells) -> bytes:
        items = [{"metric": m, "value": [t, v]} for m, v in cells]
        return json.dumps({"status": "success", "data": {"resultType": "vector",
                                                         "result": items}},
                          separators=(",", ":")).encode()

    a0, b1 = {"Hostname": "a", "gpu": "0"}, {"gpu": "1", "hostname": "b"}  # both spellings
    answers["/api/v1/query"] = (200, compact(1.5, [(a0, "42"), (b1, "7")]), 0)
    first = client.instant_columns("q")
    assert first == (("a", "b"), ("0", "1"), ("42", "7"))
    answers["/api/v1/query"] = (200, compact(6.5, [(a0, "43"), (b1, "NaN")]), 0)
    second = client.instant_columns("q")
    assert second == (("a", "b"), ("0", "1"), ("43", "NaN"))
    assert second[0] is first[0] and second[1] is first[1]  # the layout was kept
    assert client.instant_columns("other")[0] is not first[0]  # per query
    c2 = {"Hostname": "c", "gpu": "2"}
    for cells in ([(b1, "1"), (a0, "2")], [(a0, "3"), (b1, "4"), (c2, "5")], [(a0, "6")]):
        answers["/api/v1/query"] = (200, compact(9.0, cells), 0)  # reordered, grown, shrunk
        got = client.instant_columns("q")
        assert list(zip(*got, strict=True)) == [
            (m.get("Hostname") or m["hostname"], m["gpu"], v) for m, v in cells]
