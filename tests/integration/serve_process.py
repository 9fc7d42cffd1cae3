"""`hangang-console serve` as a real subprocess on a free loopback port, for the room's tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.sshd_testbed import free_port, wait_until
from tests.paths import REPO


def get(url: str, accept: str | None = None, timeout: float = 10.0) -> tuple[int, str, str]:
    """(status, content type, body); an HTTP error status is an answer too."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


class ServeProcess:
    def __init__(self, tmp: Path, source: list[str], extra: list[str] = ()) -> None:
        self.tmp = Path(tmp)
        self.port = free_port()
        self.data_dir = self.tmp / "serve-data"
        self.log_path = self.tmp / f"serve-{self.port}.log"
        self.argv = [sys.executable, "-m", "console.app", "serve", *source,
                     "--listen", f"127.0.0.1:{self.port}", "--data-dir", str(self.data_dir),
                     "--lang", "en", *extra]
        self.env = dict(os.environ)
        for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            self.env[var] = str(self.tmp / var.lower())
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_dir(self) -> Path:
        return self.tmp / "xdg_config_home" / "hangang-console"

    def start(self, timeout: float = 60.0) -> ServeProcess:
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.argv, cwd=REPO, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        wait_until(lambda: self.healthy() or self.proc.poll() is not None, timeout,
                   interval=0.1, message=f"serve not healthy within {timeout:g} s")
        if self.proc.poll() is not None:
            raise RuntimeError(f"serve exited {self.proc.returncode}: {self.log()}")
        return self

    def healthy(self) -> bool:
        try:
            return get(self.url + "/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    def health(self) -> tuple[int, dict]:
        code, _, body = get(self.url + "/healthz")
        return code, json.loads(body)

    def families(self, accept: str | None = None) -> dict:
        code, _, body = get(self.url + "/metrics", accept)
        assert code == 200, body
        return {f.name: f for f in text_string_to_metric_families(body)}

    def terminate(self, timeout: float = 30.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None) is not None:
            self._log.close()
