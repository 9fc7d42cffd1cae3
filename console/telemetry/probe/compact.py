"""Protocol v2: the v1 sample written as a header once per stream, then compact number lines.

A header line (a JSON object, "v": 2) carries what does not change: names, UUIDs, PCI addresses,
limits, totals, versions, and the order of the numbers in the lines after it. Each later line is
one JSON array: [t, [node numbers], [[GPU numbers] per header GPU], {changes}], where {changes}
holds only the slow fields (pstate, processes, MIG devices, reasons, remapped rows, lost, disks)
that differ from the previous line, plus this line's XIDs and errors. When a static field
changes (a lost GPU, a new power limit), a new header comes first. See docs/protocol.md.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

from .sample import to_json_line

VERSION = 2
GPU_STATIC = ("index", "uuid", "name", "pci_bus_id", "mem_total_mib", "power_limit_w")
GPU_NUMBERS = (
    "util_gpu", "util_mem", "mem_used_mib", "temp_c", "temp_mem_c", "power_w", "sm_clock_mhz",
    "mem_clock_mhz", "fan_pct", "ecc_uncorrected_volatile", "ecc_uncorrected_aggregate",
    "ecc_corrected_volatile", "ecc_corrected_aggregate", "clock_event_mask", "energy_mj",
)  # fmt: skip
GPU_SLOW = (
    "pstate", "remapped_rows", "retired_pages", "clock_event_reasons", "mig_mode", "mig_devices",
    "processes", "lost", "energy_estimated",
)  # fmt: skip
NODE_STATIC = ("hostname", "kernel", "driver", "cuda", "mem_total_bytes", "swap_total_bytes")
NODE_NUMBERS = (
    "cpu_pct", "load1", "load5", "load15", "mem_used_bytes", "swap_used_bytes", "net_rx_bps",
    "net_tx_bps", "uptime_s", "cpu_energy_j",
)  # fmt: skip
NODE_SLOW = ("disks",)


class CompactEncoder:
    """Turns v1 sample dicts into v2 lines; one encoder per stream (it remembers the last line)."""

    def __init__(self):
        self.header = None
        self.slow = None  # per GPU index: {field: value} as last sent; "node": node's

    def lines(self, sample):
        """The lines for one sample: a header first when the static part changed."""
        out = []
        header = self._header(sample)
        if header != self.header:
            self.header, self.slow = header, {}
            out.append(to_json_line(header))
        out.append(to_json_line(self._data(sample)))
        return out

    def _header(self, sample):
        node = sample.get("node") or {}
        return {
            "v": VERSION,
            "kind": "header",
            "host": sample.get("host"),
            "interval": sample.get("interval"),
            "source": sample.get("source"),
            "gpu_fields": list(GPU_NUMBERS),
            "node_fields": list(NODE_NUMBERS),
            "gpus": [{k: g.get(k) for k in GPU_STATIC} for g in sample.get("gpus") or ()],
            "node": {k: node.get(k) for k in NODE_STATIC},
        }

    def _data(self, sample):
        changes = {}
        gpu_changes = {}
        rows = []
        for g in sample.get("gpus") or ():
            rows.append([g.get(k) for k in GPU_NUMBERS])
            key = str(g.get("index"))
            was = self.slow.get(key, {})
            now = {k: g.get(k) for k in GPU_SLOW}
            changed = {k: v for k, v in now.items() if k not in was or was[k] != v}
            if changed:
                gpu_changes[key] = changed
                self.slow[key] = now
        if gpu_changes:
            changes["gpus"] = gpu_changes
        node = sample.get("node") or {}
        was = self.slow.get("node", {})
        now = {k: node.get(k) for k in NODE_SLOW}
        changed = {k: v for k, v in now.items() if k not in was or was[k] != v}
        if changed:
            changes["node"] = changed
            self.slow["node"] = now
        for key in ("xid", "errors"):
            if sample.get(key):
                changes[key] = sample[key]
        return [sample.get("t"), [node.get(k) for k in NODE_NUMBERS], rows, changes]
