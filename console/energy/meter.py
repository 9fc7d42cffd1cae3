"""Each GPU's joules between two snapshots, from its energy counter.

Counters are compared between consecutive *sample times* of a node (snapshot time minus the
data's age), so the many frames that repeat one sample add nothing and the next sample adds the
whole interval. A counter that went down (driver reload, wrap) or rose more than any GPU draws
(SPIKE_W over the interval plus SLACK_S of clock slack) is not believed: that interval is
power × dt, marked estimated, as is a GPU without a counter. A node that was not live at both
ends, or whose samples are more than max_gap_s apart, adds nothing: a gap stays a gap.
CPU package energy (RAPL) is metered the same way, without a power fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.fleet.model import FleetSnapshot, NodeStatus

SPIKE_W = 2000.0  # no GPU draws this much: a larger delta is a glitch, not energy
SLACK_S = 5.0  # sample times come from different clocks; allow this much on dt
SAME_SAMPLE_S = 1e-6  # t - age of a repeated sample differs from the last only by rounding


@dataclass(frozen=True, slots=True)
class EnergyStep:
    """Energy since the previous snapshot; zero where there is none to count."""

    gpu_j: np.ndarray  # (nodes, GPUs) joules
    estimated: np.ndarray  # (nodes, GPUs) bool: power × dt or the probe's own integral
    cpu_j: np.ndarray  # (nodes,) joules

    @property
    def estimated_j(self) -> np.ndarray:
        return np.where(self.estimated, self.gpu_j, 0.0)


class EnergyMeter:
    """Remembers each node's last live sample; fed every snapshot, in time order."""

    def __init__(
        self, max_gap_s: float, spike_w: float = SPIKE_W, slack_s: float = SLACK_S
    ) -> None:
        self.max_gap_s = max_gap_s
        self.spike_w = spike_w
        self.slack_s = slack_s
        self._names: tuple[str, ...] = ()
        self._t = np.zeros(0)  # sample time of the last live sample, NaN none
        self._energy = np.zeros((0, 0))
        self._power = np.zeros((0, 0))
        self._cpu = np.zeros(0)

    def _align(self, names: tuple[str, ...], width: int) -> None:
        """Carry the remembered samples over to the snapshot's rows (nodes found by name)."""
        if names == self._names and self._energy.shape[1] == width:
            return
        t = np.full(len(names), np.nan)
        energy = np.full((len(names), width), np.nan)
        power = np.full((len(names), width), np.nan)
        cpu = np.full(len(names), np.nan)
        old = {n: i for i, n in enumerate(self._names)}
        pairs = [(i, old[n]) for i, n in enumerate(names) if n in old]
        if pairs:
            dst, src = (np.array(p, dtype=np.intp) for p in zip(*pairs, strict=True))
            keep = min(width, self._energy.shape[1])
            t[dst] = self._t[src]
            energy[dst, :keep] = self._energy[src, :keep]
            power[dst, :keep] = self._power[src, :keep]
            cpu[dst] = self._cpu[src]
        self._names, self._t, self._energy, self._power, self._cpu = names, t, energy, power, cpu

    def step(self, snap: FleetSnapshot) -> EnergyStep:
        power = np.asarray(snap.gpu_power_w, dtype=np.float64)
        n, width = power.shape
        self._align(snap.node_names, width)
        nan2 = np.full((n, width), np.nan)
        energy = nan2 if snap.gpu_energy_j is None else np.asarray(snap.gpu_energy_j, np.float64)
        flagged = (
            np.zeros((n, width), bool)
            if snap.gpu_energy_estimated is None
            else np.asarray(snap.gpu_energy_estimated, bool)
        )
        cpu = (
            np.full(n, np.nan)
            if snap.node_cpu_energy_j is None
            else np.asarray(snap.node_cpu_energy_j, np.float64)
        )
        live = snap.node_status == NodeStatus.LIVE
        sample_t = snap.t - np.asarray(snap.node_age_s, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            fresh = live & np.isfinite(sample_t) & ~(sample_t <= self._t + SAME_SAMPLE_S)
            dt = sample_t - self._t  # NaN where there was no earlier live sample
            counted = fresh & (dt > 0) & (dt <= self.max_gap_s + SAME_SAMPLE_S)  # float steps
        dt = np.where(counted, dt, 0.0)

        delta = energy - self._energy
        most = self.spike_w * (dt + self.slack_s)  # joules no GPU can draw in the interval
        with np.errstate(invalid="ignore"):
            believed = (delta >= 0) & (delta <= most[:, None])
        # the trapezoid of the two samples' power, or the one that is known
        both = np.isfinite(self._power) & np.isfinite(power)
        mean_w = np.where(both, (self._power + power) / 2, np.fmax(self._power, power))
        have_power = np.isfinite(mean_w)
        by_power = np.nan_to_num(mean_w) * dt[:, None]
        rows = counted[:, None]
        gpu_j = np.where(rows, np.where(believed, delta, by_power), 0.0)
        estimated = rows & np.where(believed, flagged, have_power)
        cpu_delta = cpu - self._cpu
        with np.errstate(invalid="ignore"):
            cpu_ok = counted & (cpu_delta >= 0) & (cpu_delta <= most)
        cpu_j = np.where(cpu_ok, cpu_delta, 0.0)

        # remember fresh samples; forget nodes that are not live, so their next sample starts anew
        self._t = np.where(fresh, sample_t, np.where(live, self._t, np.nan))
        self._energy = np.where(
            fresh[:, None], energy, np.where(live[:, None], self._energy, np.nan)
        )
        self._power = np.where(fresh[:, None], power, np.where(live[:, None], self._power, np.nan))
        self._cpu = np.where(fresh, cpu, np.where(live, self._cpu, np.nan))
        return EnergyStep(gpu_j=gpu_j, estimated=estimated, cpu_j=cpu_j)
