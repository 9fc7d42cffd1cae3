"""A room console's accounting tab: the room's books when Prometheus has them, else (a Prometheus
that cannot be reached, a period that is not whole quarter hours) this console's own store."""

from __future__ import annotations

from console.history.database import HistoryDB
from console.history.store import HistoryStore
from console.sources.prometheus.client import PrometheusClient
from console.sources.prometheus.history import PrometheusHistory
from tests.unit.energy.fleet import T0, inventory


def room_history(tmp_path, url: str) -> PrometheusHistory:
    path = tmp_path / "history.sqlite"
    HistoryDB(path).close()  # this console's own (empty) store
    local = HistoryStore(path, inventory(), frame_step_s=10.0)
    return PrometheusHistory(PrometheusClient(url, timeout_s=2.0), inventory(), local, 5.0)


def test_an_unreachable_room_falls_back_to_the_local_store(tmp_path):
    history = room_history(tmp_path, "http://127.0.0.1:9")  # nothing listens on the discard port
    db = history.books_reader(T0, T0 + 86400)
    try:
        assert db.path == tmp_path / "history.sqlite"
    finally:
        db.close()


def test_a_period_that_is_not_quarter_hours_reads_the_local_store(tmp_path):
    history = room_history(tmp_path, "http://127.0.0.1:9")
    db = history.books_reader(T0 + 7, T0 + 3600)
    try:
        assert db.path == tmp_path / "history.sqlite"
    finally:
        db.close()
