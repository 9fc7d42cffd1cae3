"""A tiny dcgm-exporter stand-in: serves the real captures in ../shared/fixtures/dcgm-exporter-prom/
(see SOURCES.md there) as /metrics, one capture made into N nodes.

Each served node gets the capture's GPUs renumbered 0..gpus-1 (copies of the captured GPUs when
more are asked for, so one T4 capture can be an 8-GPU node, and the stitched two-host capture does
not collide with itself), its own UUIDs, and the node's name in the `Hostname` label, or in
`hostname` as recent dcgm-exporter spells it. `overrides` set a metric's value on every GPU (to
tell PROF_GR_ENGINE_ACTIVE from GPU_UTIL); `only` keeps some metrics (the benchmark's size),
`drop` leaves some out (an older exporter without the profiling counters).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.paths import REPO

CAPTURES = (REPO / ".." / "shared" / "fixtures" / "dcgm-exporter-prom").resolve()
NODE_CAPTURE = (REPO / ".." / "shared" / "fixtures" / "node-exporter-prom"
                / "node_exporter__e2e-output.txt").resolve()
DEFAULT_CAPTURE = "fake-gpu-operator__t4__gpu-operator-active-whole-gpu-pod.prom"
_SAMPLE = re.compile(r"^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?\s*$")
_LABEL = re.compile(r'([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"')


def parse_capture(text: str) -> tuple[dict[str, list[str]], list[tuple[str, dict, str]]]:
    """(HELP/TYPE lines per metric, samples as (name, labels, value)) in file order."""
    meta: dict[str, list[str]] = {}
    samples = []
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(maxsplit=3)
            if len(parts) >= 3:
                meta.setdefault(parts[2], []).append(line)
            continue
        m = _SAMPLE.match(line)
        if m is None:
            continue  # comments (# NOTE), blank lines
        samples.append((m.group(1), dict(_LABEL.findall(m.group(2) or "")), m.group(3)))
    return meta, samples


def render(
    nodes: Iterable[str],
    capture: str = DEFAULT_CAPTURE,
    gpus: int | None = None,
    hostname_label: str = "Hostname",
    overrides: Mapping[str, float] | None = None,
    only: Iterable[str] | None = None,
    drop: Iterable[str] = (),
) -> bytes:
    meta, samples = parse_capture((CAPTURES / capture).read_text(encoding="utf-8"))
    keep = set(only) if only is not None else None
    dropped = set(drop)
    templates: list[tuple[str, str]] = []  # the captured GPUs: (host, gpu)
    for _, labels, _ in samples:
        key = (labels.get("Hostname", ""), labels.get("gpu", ""))
        if "gpu" in labels and key not in templates:
            templates.append(key)
    count = gpus or len(templates)
    overrides = dict(overrides or {})
    by_metric: dict[str, list[tuple[dict, str]]] = {}
    for name, labels, value in samples:
        if "gpu" in labels and (keep is None or name in keep) and name not in dropped:
            by_metric.setdefault(name, []).append((labels, value))
    out: list[str] = []
    nodes = list(nodes)
    for name, rows in by_metric.items():
        out.extend(meta.get(name, ()))
        for node in nodes:
            for k in range(count):
                template = templates[k % len(templates)]
                for labels, value in rows:
                    if (labels.get("Hostname", ""), labels.get("gpu", "")) != template:
                        continue
                    mine = {key: v for key, v in labels.items() if key != "Hostname"}
                    mine.update(gpu=str(k), device=f"nvidia{k}", UUID=f"GPU-{node}-{k:02d}")
                    mine[hostname_label] = node
                    text = ",".join(f'{key}="{v}"' for key, v in mine.items())
                    shown = overrides.get(name, value)
                    out.append(f"{name}{{{text}}} {shown}")
    return ("\n".join(out) + "\n").encode()


class FixtureExporter:
    """`FixtureExporter(["gpu01"]).start()`; `.target` is what Prometheus scrapes."""

    def __init__(self, nodes: Iterable[str], **render_options) -> None:
        self.nodes = list(nodes)
        self._options = render_options
        self.body = render(self.nodes, **render_options)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.scrapes = 0

    def set(self, **render_options) -> None:
        """Serve other values from now on (overrides, label spelling, …)."""
        self._options.update(render_options)
        self.body = render(self.nodes, **self._options)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FixtureExporter:
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/metrics":
                    self.send_error(404)
                    return
                body = exporter.body
                exporter.scrapes += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        # the same port again after a stop, so Prometheus's target comes back
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def render_node(families: Iterable[str], packages: int = 1) -> bytes:
    """node_exporter's own end-to-end capture, only the given metric families; its RAPL zones
    (one package, intel-rapl:0, and its core subzone) copied for `packages` CPU packages, as a
    two-socket node has them (index k, intel-rapl:k)."""
    meta, samples = parse_capture(NODE_CAPTURE.read_text(encoding="utf-8"))
    wanted = list(families)
    out: list[str] = []
    for name in wanted:
        out.extend(meta.get(name, ()))
        for sample_name, labels, value in samples:
            if sample_name != name:
                continue
            copies = packages if "intel-rapl:0" in labels.get("path", "") else 1
            for k in range(copies):
                mine = dict(labels)
                if copies > 1 or k:
                    mine["index"] = str(k)
                    mine["path"] = mine["path"].replace("intel-rapl:0", f"intel-rapl:{k}")
                text = ",".join(f'{key}="{v}"' for key, v in mine.items())
                out.append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")
    return ("\n".join(out) + "\n").encode()


class CaptureExporter(FixtureExporter):
    """Serves a body made elsewhere (render_node's) as /metrics."""

    def __init__(self, body: bytes) -> None:
        super().__init__([])
        self.body = body

    def set(self, **render_options) -> None:
        raise TypeError("a CaptureExporter serves the body it was given")


def capture_names() -> list[str]:
    return sorted(p.name for p in CAPTURES.glob("*.prom"))


def exists() -> bool:
    return Path(CAPTURES / DEFAULT_CAPTURE).is_file()
