"""The SPEC string: what to simulate (count, model, load, MIG, seed) and the faults, each on one
GPU and, optionally, only for a window of seconds after nvmlInit."""

from __future__ import annotations

import os
import socket
import zlib

from .devices import MODELS

SPEC_ENV = "HANGANG_NVML_SIM"
LOADS = ("busy", "idle", "mixed", "training")
# lost: GPU_IS_LOST on every call; xidN: XID N once (at the window's start); ecc: uncorrected ECC
# errors and a pending row remap; remapfail: a failed row remap; throttle: hot and thermally
# slowed; hot: hot only; hotmem: hot memory; powerbrake: hardware power brake slowdown;
# reload: the driver reloads at the window's start (the energy counter restarts from 0);
# retirepending: repeated single-bit errors left a page (Volta and older, model=V100) or a row
# (Ampere and newer) waiting for the next reset, with no uncorrected error
FAULTS = (
    "lost", "xid79", "ecc", "throttle", "hot", "hotmem", "powerbrake", "remapfail", "reload",
    "retirepending",
)  # fmt: skip


class SimSpec:
    """What to simulate; see parse_spec for the text form."""

    def __init__(
        self, count=8, model="H100", load="mixed", mig=False, seed=None, faults=None, energy=True
    ):
        self.count = count
        self.model = model
        self.load = load
        self.mig = mig
        self.energy = energy  # False: no energy counter (NOT_SUPPORTED, as on pre-Volta GPUs)
        self.seed = default_seed() if seed is None else seed
        self.faults = faults or {}  # GPU index → set of fault names
        self.windows = {}  # (GPU index, fault) → (from, to) seconds after nvmlInit
        self.jobs = {}  # GPU index → Slurm job id its processes belong to

    def faults_of(self, index, elapsed=None):
        """The GPU's faults; with `elapsed` (seconds since nvmlInit) only those active then."""
        names = self.faults.get(index, frozenset())
        if elapsed is None:
            return names
        active = set()
        for name in names:
            start, end = self.windows.get((index, name), (0.0, float("inf")))
            if start <= elapsed < end:
                active.add(name)
        return active

    def __repr__(self):
        return (
            f"SimSpec(count={self.count}, model={self.model!r}, load={self.load!r}, "
            f"mig={self.mig}, seed={self.seed}, energy={self.energy}, faults={self.faults!r}, "
            f"jobs={self.jobs!r})"
        )


def default_seed():
    """Differ per dialled address, so many simulated "nodes" behind one sshd differ."""
    parts = os.environ.get("SSH_CONNECTION", "").split()
    key = parts[2] if len(parts) >= 3 else socket.gethostname()
    return zlib.crc32(key.encode("utf-8", "replace"))


def parse_spec(text):
    """Parse "8" or "count=8,model=H100,load=busy,mig=1,seed=42,energy=0,faults=lost:3;xid79:5,
    jobs=0-3:1234;4:1240" (jobs: GPU or GPU range, then the Slurm job its processes run in).

    Raises ValueError with a message that names the bad part.
    """
    text = (text or "").strip()
    if not text:
        return SimSpec()
    if text.isdigit():
        return SimSpec(count=int(text))
    values = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise ValueError(f"sim spec: expected key=value, got {part!r}")
        values[key] = value
    spec = SimSpec(seed=_int_field(values, "seed", None))
    spec.count = _int_field(values, "count", 8)
    spec.model = values.get("model", "H100").upper()
    if spec.model not in MODELS:
        raise ValueError(f"sim spec: model must be one of {', '.join(MODELS)}")
    spec.load = values.get("load", "mixed").lower()
    if spec.load not in LOADS:
        raise ValueError(f"sim spec: load must be one of {'|'.join(LOADS)}")
    spec.mig = _switch(values.get("mig", "0"))
    if spec.mig and not MODELS[spec.model].mig_profiles:
        raise ValueError(f"sim spec: the {spec.model} has no MIG")
    spec.energy = _switch(values.get("energy", "1"))
    spec.faults, spec.windows = _parse_faults(values.get("faults", ""), spec.count)
    spec.jobs = _parse_jobs(values.get("jobs", ""), spec.count)
    unknown = set(values) - {"count", "model", "load", "mig", "seed", "faults", "energy", "jobs"}
    if unknown:
        raise ValueError(f"sim spec: unknown key(s) {', '.join(sorted(unknown))}")
    return spec


def _switch(text):
    return text not in ("0", "", "false", "off", "no")


def _int_field(values, key, default):
    if key not in values:
        return default
    try:
        number = int(values[key])
    except ValueError:
        raise ValueError(f"sim spec: {key} must be an integer, got {values[key]!r}") from None
    if number < 0:
        raise ValueError(f"sim spec: {key} must not be negative")
    return number


def _parse_faults(text, count):
    """Faults joined by ";": NAME:GPU, or NAME:GPU@FROM-TO (seconds after nvmlInit; TO may be
    left out for "from then on")."""
    faults, windows = {}, {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        fault, _, window = item.partition("@")
        name, sep, index = fault.partition(":")
        known = name in FAULTS or (name.startswith("xid") and name[3:].isdigit())
        if not known or not sep or not index.isdigit():
            names = "|".join(FAULTS)
            raise ValueError(
                f"sim spec: fault must be NAME:GPU[@FROM-TO] with NAME in {names} or xidN, "
                f"got {item!r}"
            )
        if int(index) >= count:
            raise ValueError(f"sim spec: fault {item!r} names a GPU beyond count={count}")
        faults.setdefault(int(index), set()).add(name)
        if window:
            start, _, end = window.partition("-")
            try:
                windows[(int(index), name)] = (float(start), float(end) if end else float("inf"))
            except ValueError:
                message = f"sim spec: fault window must be FROM-TO seconds, got {item!r}"
                raise ValueError(message) from None
    return faults, windows


def _parse_jobs(text, count):
    """Jobs joined by ";": GPU:JOB or FIRST-LAST:JOB, JOB a Slurm job id (digits)."""
    jobs = {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        gpus, sep, job = item.partition(":")
        first, dash, last = gpus.partition("-")
        last = last if dash else first
        if not (sep and first.isdigit() and last.isdigit() and job.isdigit()):
            raise ValueError(f"sim spec: a job must be GPU[-GPU]:JOBID, got {item!r}")
        if int(last) >= count or int(first) > int(last):
            raise ValueError(f"sim spec: job {item!r} names GPUs beyond count={count}")
        for index in range(int(first), int(last) + 1):
            jobs[index] = job
    return jobs
