"""`accounting`/`report --prometheus URL`: the room's books from Prometheus instead of a data
directory, made into a history file in a temporary directory that the command then reads as it
reads serve's (console/sources/prometheus/books.py says how)."""

from __future__ import annotations

from pathlib import Path

from console.i18n.catalogue import reason_of, translate


class BooksUnavailable(Exception):
    """The Prometheus could not be read (exit 2); args[0] says why (a Phrase or English)."""


def prometheus_history(url: str, t0: float, t1: float, inventory: Path | None,
                       where: Path) -> Path:
    """A history file under `where` with [t0, t1)'s books; organisation names from the fleet
    file when one is given (else the ids stand for them)."""
    from console.history.database import default_history_path
    from console.sources.prometheus.books import history_from_prometheus
    from console.sources.prometheus.client import PrometheusClient, PrometheusError

    organisations = ()
    if inventory is not None:
        from console.inventory.loader import load_inventory

        organisations = load_inventory(inventory).organisations
    try:
        client = PrometheusClient(url)
        return history_from_prometheus(client, t0, t1, default_history_path(where),
                                       organisations)
    except ValueError as exc:  # not an http(s) URL
        raise BooksUnavailable(str(exc)) from exc
    except PrometheusError as exc:
        phrase = translate("Books", "the room's books cannot be read from {url}: {why}")
        raise BooksUnavailable(phrase.fill(url=url, why=reason_of(exc))) from exc
