"""Real Alertmanager (Debian's prometheus-alertmanager 0.25) on a free loopback port.

`AlertmanagerTestbed(tmp).start()`: its own config (one receiver that notifies no one: the tests
read the alerts API, not notifications), its own storage dir, clustering off. `.stop()`
ends it; `.start()` again brings it back on the same port (alerts are in memory only, so it
comes back empty, as a restarted Alertmanager does). Under CI=true a missing binary fails the
test (tests/peers.py).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.integration.prometheus_testbed import free_port

ALERTMANAGER = "prometheus-alertmanager"  # Debian's name for the alertmanager binary
AMTOOL = "amtool"
CONFIG = {
    "route": {"receiver": "null", "group_by": ["alertname"], "group_wait": "1s",
              "group_interval": "1s", "repeat_interval": "1h"},
    "receivers": [{"name": "null"}],
}


def binary() -> str | None:
    return shutil.which(ALERTMANAGER) or shutil.which("alertmanager")


class AlertmanagerTestbed:
    def __init__(self, tmp: Path, config: dict | None = None) -> None:
        self.dir = Path(tmp) / "alertmanager"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.dir / "alertmanager.yml"
        self.config = config or CONFIG
        self.log = self.dir / "log.txt"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> AlertmanagerTestbed:
        found = binary()
        if found is None:
            from tests.peers import require_peer

            require_peer(ALERTMANAGER, "not installed (bash packaging/debian-packages.sh test)")
        self.config_path.write_text(json.dumps(self.config, indent=1), encoding="utf-8")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [found, f"--config.file={self.config_path}",
                 f"--storage.path={self.dir / 'data'}",
                 f"--web.listen-address=127.0.0.1:{self.port}",
                 "--cluster.listen-address=",  # no gossip port: one peer, nothing to join
                 "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(
                    self.url + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"alertmanager not ready in {timeout_s:g} s: "
                           f"{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def alerts(self) -> list[dict]:
        """The alerts it holds that have not ended (GET /api/v2/alerts)."""
        with urllib.request.urlopen(self.url + "/api/v2/alerts", timeout=10) as r:
            return json.load(r)

    def __enter__(self) -> AlertmanagerTestbed:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
