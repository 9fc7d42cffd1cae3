"""A real Prometheus (Debian's /usr/bin/prometheus) or VictoriaMetrics on a free loopback port,
scraping the given targets, with its storage in the test's tmp dir.

    tb = PrometheusTestbed(tmp_path, ["127.0.0.1:9464"], interval_s=1.0).start()
    tb.wait_up("hangang")                       # up{job="hangang"} == 1 through the HTTP API
    tb.query('count(DCGM_FI_DEV_GPU_UTIL)')     # the API's result list
    tb.stop()

VictoriaMetricsTestbed is the same behind VictoriaMetrics' Prometheus-compatible API
(`-promscrape.config`). Missing binaries: tests.peers.require_peer (fails under CI=true).
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.integration.sshd_testbed import free_port, wait_until
from tests.peers import require_peer

JOB = "hangang"


class PrometheusTestbed:
    binary = Path("/usr/bin/prometheus")
    package = "prometheus"
    ready_path = "/-/ready"

    def __init__(self, tmp: Path, scrape_targets: list[str], interval_s: float = 1.0,
                 job: str = JOB) -> None:
        self.dir = Path(tmp) / f"{self.package}-{free_port()}"
        self.targets = list(scrape_targets)
        self.interval_s = interval_s
        self.job = job
        self.port = free_port()
        self.config_path = self.dir / "scrape.yml"
        self.log_path = self.dir / "server.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config_text(self) -> str:
        interval = f"{int(self.interval_s * 1000)}ms"
        return json.dumps({  # JSON is YAML: no YAML writer needed
            "global": {"scrape_interval": interval, "scrape_timeout": interval},
            "scrape_configs": [{"job_name": self.job,
                                "static_configs": [{"targets": self.targets}]}],
        }, indent=2)

    def argv(self) -> list[str]:
        return [str(self.binary), f"--config.file={self.config_path}",
                f"--storage.tsdb.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"]

    def start(self, timeout: float = 60.0) -> PrometheusTestbed:
        if not self.binary.exists():
            require_peer(self.package, f"{self.binary} not found: install Debian's "
                         f"{self.package} (packaging/debian-packages.sh test)")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self.config_text())
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.argv(), stdout=self._log, stderr=subprocess.STDOUT)
        wait_until(lambda: self._ready() or self.proc.poll() is not None, timeout,
                   interval=0.1, message=f"{self.package} not ready within {timeout:g} s")
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.package} exited {self.proc.returncode}: {self.log()}")
        return self

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def query(self, promql: str) -> list[dict]:
        """An instant query's result list (raises on an error answer)."""
        q = urllib.parse.urlencode({"query": promql, "time": f"{time.time():.3f}"})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{q}", timeout=10) as r:
            body = json.load(r)
        if body.get("status") != "success":
            raise RuntimeError(f"{promql}: {body}")
        return body["data"]["result"]

    def value(self, promql: str) -> float | None:
        result = self.query(promql)
        return float(result[0]["value"][1]) if result else None

    def wait_up(self, job: str | None = None, timeout: float = 60.0) -> None:
        """Until every target of `job` is scraped: up{job=...} == 1 for all of them."""
        job = job or self.job

        def all_up() -> bool:
            up = self.query(f'up{{job="{job}"}}')
            return len(up) == len(self.targets) and all(r["value"][1] == "1" for r in up)

        wait_until(all_up, timeout, interval=0.2,
                   message=f'up{{job="{job}"}} != 1 within {timeout:g} s: {self.log()[-2000:]}')

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None) is not None:
            self._log.close()


class VictoriaMetricsTestbed(PrometheusTestbed):
    binary = Path("/usr/bin/victoria-metrics")
    package = "victoria-metrics"
    ready_path = "/health"

    def argv(self) -> list[str]:
        return [str(self.binary), f"-promscrape.config={self.config_path}",
                f"-storageDataPath={self.dir / 'data'}",
                f"-httpListenAddr=127.0.0.1:{self.port}", "-loggerLevel=WARN",
                # samples are searchable at once, not after the default 30 s
                "-search.latencyOffset=0s", "-search.disableCache"]

    def config_text(self) -> str:
        interval = f"{max(1, round(self.interval_s))}s"
        return json.dumps({
            "global": {"scrape_interval": interval},
            "scrape_configs": [{"job_name": self.job,
                                "static_configs": [{"targets": self.targets}]}],
        }, indent=2)
