"""serve's HTTP side: the listen address, content negotiation, one render per view, /healthz."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from console.room.http import Exposition, RoomHttp, parse_listen
from tests.unit.room.test_exposition import demo_view

OM = "application/openmetrics-text; version=1.0.0"


def test_listen_addresses():
    assert parse_listen("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_listen("[::1]:9464") == ("::1", 9464)
    assert parse_listen(":9464") == ("0.0.0.0", 9464)
    for bad in ("9464", "localhost", "host:port", "1.2.3.4:70000"):
        with pytest.raises(ValueError, match="ADDR:PORT"):
            parse_listen(bad)


def test_each_view_is_rendered_once_per_format():
    view, _ = demo_view()
    current = [view]
    expo = Exposition(lambda: current[0])
    h1, plain = expo.answer("text/plain", None)
    _, again = expo.answer("*/*", "")
    assert again is plain and expo.renders == 1
    assert dict(h1)["Content-Type"].startswith("text/plain")
    h3, om = expo.answer(OM, "gzip, deflate")
    assert dict(h3)["Content-Type"].startswith("application/openmetrics-text")
    assert dict(h3)["Content-Encoding"] == "gzip"
    assert gzip.decompress(om).endswith(b"# EOF\n") and expo.renders == 2
    current[0], _ = demo_view()  # a new view: rendered anew
    expo.answer("text/plain", None)
    assert expo.renders == 3


def test_the_server_answers_metrics_healthz_and_404():
    view, _ = demo_view()
    health = [(True, {"status": "ok"})]
    http = RoomHttp("127.0.0.1:0", lambda: view, lambda: health[0])
    http.start()
    try:
        with urllib.request.urlopen(http.url + "/metrics", timeout=10) as r:
            assert b"DCGM_FI_DEV_GPU_UTIL{" in r.read()
        with urllib.request.urlopen(http.url + "/healthz", timeout=10) as r:
            assert r.status == 200 and b'"ok"' in r.read()
        health[0] = (False, {"status": "unavailable"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(http.url + "/healthz", timeout=10)
        assert err.value.code == 503
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(http.url + "/", timeout=10)
        assert err.value.code == 404
    finally:
        http.stop()
