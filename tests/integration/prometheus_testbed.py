"""Real Prometheus (Debian's 2.42) and VictoriaMetrics on loopback, scraping what a test names.

`PrometheusTestbed(tmp, ["127.0.0.1:9400"], interval_s=1.0).start()`; `.url` is the query API;
`.stop()` ends it and `.start()` again brings it back on the same port with the same storage.
Targets may also be given per job (`jobs={"dcgm": [...], "node": [...]}`), as a site's config has,
and Prometheus may load recording rules (`rule_files=[path]`; Prometheus only).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROMETHEUS = "prometheus"
VICTORIA_METRICS = "victoria-metrics"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape_config(
    jobs: dict[str, list[str]], interval_s: float, rule_files: tuple[str, ...] = ()
) -> str:
    """prometheus.yml (JSON is YAML): one static job per entry; rules evaluated at the scrape
    interval unless their group says otherwise. Without rule files, the config as before."""
    interval = f"{max(1, round(interval_s * 1000))}ms"
    config: dict = {
        "global": {"scrape_interval": interval, "scrape_timeout": interval},
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": targets}]}
            for job, targets in jobs.items()
        ],
    }
    if rule_files:
        config["global"]["evaluation_interval"] = interval
        config["rule_files"] = list(rule_files)
    return json.dumps(config, indent=1)


class LoopbackServer:
    """One server process of the suite on a free 127.0.0.1 port: its own dir, config and log;
    start() waits for `ready_path` to answer 200, stop() ends it, start() again reuses the port.
    A subclass names the binary, writes its config and gives its command line."""

    binary = ""
    ready_path = ""

    def __init__(self, tmp: Path) -> None:
        self.dir = Path(tmp) / self.binary
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log = self.dir / "log.txt"

    @classmethod
    def executable(cls) -> str | None:
        return shutil.which(cls.binary)

    @classmethod
    def missing(cls) -> str | None:
        """Why this server cannot run here (None when it can)."""
        if cls.executable() is None:
            return f"{cls.binary} not installed (bash packaging/debian-packages.sh test)"
        return None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> None:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout_s: float = 60.0):
        why = self.missing()
        if why:  # under CI=true a missing server fails with the reason (tests/peers.py)
            from tests.peers import require_peer

            require_peer(self.binary, why)
        self.write_config()
        self.port = self.port or free_port()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(
                self.url + self.ready_path, timeout=2
            ) as r:
                if r.status == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.binary} not ready in {timeout_s:g} s: "
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

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _Engine(LoopbackServer):
    """Prometheus or VictoriaMetrics with a scrape config of static jobs."""

    def __init__(
        self,
        tmp: Path,
        scrape_targets: list[str] | None = None,
        interval_s: float = 1.0,
        jobs: dict[str, list[str]] | None = None,
        rule_files: list[Path] | tuple[Path, ...] = (),
    ) -> None:
        super().__init__(tmp)
        self.jobs = dict(jobs or {})
        if scrape_targets:
            self.jobs.setdefault("fixture", list(scrape_targets))
        self.interval_s = interval_s
        self.rule_files = tuple(str(Path(f).resolve()) for f in rule_files)
        if self.rule_files and self.binary != PROMETHEUS:
            raise ValueError(f"{self.binary}: rule files are Prometheus's (vmalert is not here)")
        self.config = self.dir / "scrape.yml"

    def write_config(self) -> None:
        self.config.write_text(scrape_config(self.jobs, self.interval_s, self.rule_files),
                               encoding="utf-8")

    def query(self, promql: str) -> list[dict]:
        url = f"{self.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)["data"]["result"]

    def wait_for(self, promql: str, count: int = 1, timeout_s: float = 60.0) -> list[dict]:
        """Until the query returns at least `count` series (scrapes have landed)."""
        deadline = time.monotonic() + timeout_s
        found: list[dict] = []
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError, KeyError):
                found = self.query(promql)
                if len(found) >= count:
                    return found
            time.sleep(0.2)
        raise AssertionError(f"{promql!r}: {len(found)} series after {timeout_s:g} s, "
                             f"wanted {count}")

    def value(self, promql: str) -> float | None:
        """The first series' value of an instant query (None when it returns nothing)."""
        result = self.query(promql)
        return float(result[0]["value"][1]) if result else None

    def wait_up(self, job: str, timeout_s: float = 60.0) -> None:
        """Until every target of `job` is scraped (up == 1 for each of them)."""
        wanted = len(self.jobs.get(job, ()))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError, KeyError):
                up = self.query(f'up{{job="{job}"}}')
                if len(up) >= wanted and all(r["value"][1] == "1" for r in up):
                    return
            time.sleep(0.2)
        raise AssertionError(f'up{{job="{job}"}} != 1 within {timeout_s:g} s: '
                             f"{self.log.read_text()[-2000:] if self.log.exists() else ''}")

class PrometheusTestbed(_Engine):
    binary = PROMETHEUS
    ready_path = "/-/ready"

    def command(self) -> list[str]:
        return [
            self.binary,
            f"--config.file={self.config}",
            f"--storage.tsdb.path={self.dir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--log.level=warn",
        ]


class VictoriaMetricsTestbed(_Engine):
    binary = VICTORIA_METRICS
    ready_path = "/health"

    def command(self) -> list[str]:
        return [
            self.binary,
            f"-promscrape.config={self.config}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            f"-storageDataPath={self.dir / 'data'}",
            "-search.latencyOffset=0s",  # answer with the newest scrape, not 30 s behind
            "-loggerLevel=WARN",
        ]

