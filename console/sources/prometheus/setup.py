"""Where the Prometheus source's settings come from: `--prometheus URL` over the fleet file's
[prometheus] table (url, interval, timeout, hosts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from console.sources.prometheus.client import PrometheusClient, normalise_url

DEFAULT_INTERVAL_S = 15.0  # Prometheus's own default scrape interval


@dataclass(frozen=True, slots=True)
class RoomSettings:
    url: str
    interval: float = DEFAULT_INTERVAL_S  # the scrape interval: refresh as often, stale at 3×
    timeout: float = 5.0
    hosts: Mapping[str, str] = field(default_factory=dict)  # instance/Hostname → node

    @classmethod
    def of(cls, url: str | None, table: Mapping[str, object] | None) -> RoomSettings | None:
        table = table or {}
        url = url or table.get("url")
        if not url:
            return None
        return cls(
            url=normalise_url(str(url)),
            interval=float(table.get("interval", DEFAULT_INTERVAL_S)),
            timeout=float(table.get("timeout", 5.0)),
            hosts=dict(table.get("hosts", {})),
        )

    def client(self) -> PrometheusClient:
        return PrometheusClient(self.url, timeout_s=self.timeout)
