"""Real Alertmanager (Debian's prometheus-alertmanager 0.25) on a free loopback port.

`AlertmanagerTestbed(tmp).start()`: its own config (one receiver that notifies no one: the tests
read the alerts API, not notifications), its own storage dir, clustering off. `.stop()`
ends it; `.start()` again brings it back on the same port (alerts are in memory only, so it
comes back empty, as a restarted Alertmanager does). Under CI=true a missing binary fails the
test (tests/peers.py).
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

from tests.integration.prometheus_testbed import LoopbackServer, free_port

ALERTMANAGER = "prometheus-alertmanager"  # Debian's name for the alertmanager binary
CONFIG = {
    "route": {"receiver": "null", "group_by": ["alertname"], "group_wait": "1s",
              "group_interval": "1s", "repeat_interval": "1h"},
    "receivers": [{"name": "null"}],
}


class AlertmanagerTestbed(LoopbackServer):
    binary = ALERTMANAGER
    ready_path = "/-/ready"

    def __init__(self, tmp: Path, config: dict | None = None) -> None:
        super().__init__(tmp)
        self.config_path = self.dir / "alertmanager.yml"
        self.config = config or CONFIG
        self.port = free_port()  # known before start: serve may be pointed at it while it is down

    @classmethod
    def executable(cls) -> str | None:
        return shutil.which(ALERTMANAGER) or shutil.which("alertmanager")

    def write_config(self) -> None:
        self.config_path.write_text(json.dumps(self.config, indent=1), encoding="utf-8")

    def command(self) -> list[str]:
        return [
            self.executable(),
            f"--config.file={self.config_path}",
            f"--storage.path={self.dir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--cluster.listen-address=",  # no gossip port: one peer, nothing to join
            "--log.level=warn",
        ]

    def alerts(self) -> list[dict]:
        """The alerts it holds that have not ended (GET /api/v2/alerts)."""
        with urllib.request.urlopen(self.url + "/api/v2/alerts", timeout=10) as r:
            return json.load(r)
