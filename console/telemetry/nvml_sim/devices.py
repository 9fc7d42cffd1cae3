"""The simulated boards: fixed models, deterministic load shapes and the devices that move.

Values are deterministic in (seed, GPU index, time), so two nodes with different seeds differ while
a test with a fixed clock always sees the same numbers.
"""

from __future__ import annotations

import time
import zlib


class GpuModel:
    """What a simulated board reports that never changes."""

    def __init__(
        self, name, mem_mib, power_limit_w, max_sm_mhz, mem_mhz, mig_profiles, pages=False
    ):
        self.name = name
        self.mem_mib = mem_mib
        self.power_limit_w = power_limit_w
        self.max_sm_mhz = max_sm_mhz
        self.mem_mhz = mem_mhz
        self.mig_profiles = mig_profiles  # (profile, MiB) of the MIG devices made with mig=1
        # True: retires pages (Volta and older); False: remaps rows instead (Ampere and newer)
        self.pages = pages


MODELS = {
    "H100": GpuModel(
        name="NVIDIA H100 80GB HBM3",
        mem_mib=81559,
        power_limit_w=700.0,
        max_sm_mhz=1980,
        mem_mhz=2619,
        mig_profiles=(("3g.40gb", 40448), ("2g.20gb", 20096), ("1g.10gb", 9856), ("1g.10gb", 9856)),
    ),
    "A100": GpuModel(
        name="NVIDIA A100-SXM4-80GB",
        mem_mib=81920,
        power_limit_w=400.0,
        max_sm_mhz=1410,
        mem_mhz=1593,
        mig_profiles=(("3g.40gb", 40192), ("2g.20gb", 19968), ("1g.10gb", 9728), ("1g.10gb", 9728)),
    ),
    "V100": GpuModel(  # no MIG, no row remapping: it retires pages
        name="Tesla V100-SXM2-32GB",
        mem_mib=32768,
        power_limit_w=300.0,
        max_sm_mhz=1530,
        mem_mhz=877,
        mig_profiles=(),
        pages=True,
    ),
}
# GPU instance ids NVML gives the mig_profiles' instances (placements as on an H100: 3g, 2g, 1g)
MIG_GPU_INSTANCE_IDS = (1, 5, 13, 14)
ENERGY_OFFSET_MAX_J = 5e10  # the counter at nvmlInit: up to ~2.5 years at 700 W since a reload
ENERGY_EXACT_S = 86400.0  # integrate second by second up to this; beyond, at the last power


# --- deterministic noise and load shapes --------------------------------------------------------


def _unit(*keys):
    """A number in [0, 1) fixed by keys; crc32 is stable across runs, unlike hash()."""
    return zlib.crc32(repr(keys).encode()) / 4294967296.0


def _load(spec, index, t):
    """Utilisation 0..100 of one GPU at time t."""
    second = int(t)
    jitter = _unit(spec.seed, index, second) * 6.0 - 3.0
    if spec.load == "idle":
        return 0.0
    if spec.load == "busy":
        return _clamp(95.0 + jitter, 0.0, 100.0)
    if spec.load == "training":
        # long jobs that stall for 30 s every ten minutes to write a checkpoint
        phase = (t + _unit(spec.seed, "phase") * 600.0) % 600.0
        return 4.0 + abs(jitter) if phase < 30.0 else _clamp(93.0 + jitter, 0.0, 100.0)
    # mixed: each GPU holds a job or not in 20-minute slots; jobs differ in intensity
    slot = second // 1200
    if _unit(spec.seed, index, slot, "busy") < 0.35:
        return 0.0
    return _clamp(40.0 + 60.0 * _unit(spec.seed, index, slot, "level") + jitter, 0.0, 100.0)


def _clamp(value, low, high):
    return max(low, min(high, value))


# --- devices ------------------------------------------------------------------------------------


class SimDevice:
    """A handle, as pynvml's nvmlDeviceGetHandleByIndex returns one."""

    def __init__(self, spec, index, timeline):
        self.spec = spec
        self.index = index
        self.timeline = timeline
        self.model = MODELS[spec.model]
        self.name, self.mem_total_mib = self.model.name, self.model.mem_mib  # as MIG devices have
        self.uuid = _uuid("GPU", spec.seed, index)
        self.mig = spec.mig
        profiles = self.model.mig_profiles if self.mig else ()
        self.mig_devices = [
            SimMigDevice(self, slot, profile, mib) for slot, (profile, mib) in enumerate(profiles)
        ]
        self.energy_offset_j = _unit(spec.seed, index, "energy") * ENERGY_OFFSET_MAX_J
        self.integral = (None, 0.0)  # (up to time, joules since nvmlInit)
        self.reload_base = {}  # reload time → joules since nvmlInit then

    @property
    def faults(self):
        """The faults active now (a fault with a window comes and goes)."""
        return self.spec.faults_of(self.index, self.timeline.elapsed())

    def state(self):
        """Everything that moves, computed once per (device, second) so fields agree."""
        now = self.timeline.clock()
        second = int(now)
        cached = self.timeline.states.get(self.index)
        if cached is not None and cached[0] == second:
            return cached[1]
        util = _load(self.spec, self.index, second)
        busy = util > 1.0
        faults = self.faults
        hot = "throttle" in faults or "hot" in faults
        temp = 94.0 if hot else 32.0 + util * 0.38 + _unit(self.spec.seed, self.index) * 4
        state = {
            "util": util,
            "util_mem": util * 0.6,
            "mem_used_mib": (0.88 if busy else 0.006) * self.mem_total_mib,
            "temp": temp,
            "temp_mem": 99.0 if "hotmem" in faults else temp + 6.0,
            "power_w": self._power(util),
            "sm_mhz": (self.model.max_sm_mhz * (0.55 if "throttle" in faults else 1.0))
            if busy
            else 345,
            "pstate": 0 if busy else 8,
            "processes": _processes(self, now) if busy else [],
        }
        self.timeline.states[self.index] = (second, state)
        return state

    def _power(self, util):
        return 70.0 + (self.model.power_limit_w - 70.0) * util / 100.0 * 0.92

    def power_at(self, second):
        """The power state() reports during that second (a whole second has one power)."""
        return self._power(_load(self.spec, self.index, second))

    def energy_j(self):
        """The energy counter: the integral of the reported power, from a per-GPU offset at
        nvmlInit, or from 0 at a driver reload (fault "reload", at its window's start)."""
        now = self.timeline.clock()
        joules = self.energy_offset_j + self._since_init(now)
        if "reload" in self.spec.faults_of(self.index):
            start, _ = self.spec.windows.get((self.index, "reload"), (0.0, None))
            at = self.timeline.started + start
            if now >= at:
                if at not in self.reload_base:
                    self.reload_base[at] = self._since_init(at, keep=False)
                joules = self._since_init(now) - self.reload_base[at]
        return joules

    def _since_init(self, t, keep=True):
        """Joules from nvmlInit to t, second by second; the last result is kept to go on from."""
        done, joules = self.integral
        if done is None or t < done:
            done, joules = self.timeline.started, 0.0
        if t - done > ENERGY_EXACT_S:  # a clock leap (a test's): the rest at the power then
            joules += self.power_at(int(t)) * (t - done - ENERGY_EXACT_S)
            done = t - ENERGY_EXACT_S
        while done < t:
            second = int(done // 1)
            end = min(second + 1.0, t)
            joules += self.power_at(second) * (end - done)
            done = end
        if keep:
            self.integral = (t, joules)
        return joules


class SimMigDevice:
    def __init__(self, parent, slot, profile, mem_total_mib):
        self.parent = parent
        self.slot = slot
        self.name = f"{parent.name} MIG {profile}"
        self.uuid = _uuid("MIG", parent.spec.seed, (parent.index, slot))
        self.mem_total_mib = mem_total_mib
        self.gpu_instance_id = MIG_GPU_INSTANCE_IDS[slot]

    @property
    def faults(self):
        return self.parent.faults


class SimProcess:
    """Like pynvml's friendly process object, plus user, command and Slurm job for pids that do
    not exist."""

    def __init__(self, pid, used_bytes, user, command, gpu_instance_id=0xFFFFFFFF, job=None):
        self.pid = pid
        self.usedGpuMemory = used_bytes
        self.gpuInstanceId = gpu_instance_id
        self.computeInstanceId = 0xFFFFFFFF
        self.user = user
        self.command = command
        self.job = job


def _processes(device, now):
    # pids above Linux's pid_max (4194304) so /proc never holds a real process with that number
    slot = int(now) // 1200
    count = 1 + int(_unit(device.spec.seed, device.index, slot, "procs") * 2)
    job = device.spec.jobs.get(device.index)
    if device.mig_devices:
        # in MIG mode each process runs in one instance (the first `count`; the rest stay idle)
        return [
            SimProcess(
                90000000 + device.index * 100 + k,
                int(mig.mem_total_mib * 0.88) * 1048576,
                "sim",
                "python train.py",
                mig.gpu_instance_id,
                job,
            )
            for k, mig in enumerate(device.mig_devices[:count])
        ]
    used = int(device.mem_total_mib * 0.88 / count) * 1048576
    return [
        SimProcess(90000000 + device.index * 100 + k, used, "sim", "python train.py", job=job)
        for k in range(count)
    ]


def _uuid(prefix, seed, key):
    d = "".join(f"{zlib.crc32(repr((prefix, seed, key, part)).encode()):08x}" for part in range(4))
    return f"{prefix}-{d[0:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"


class Struct:
    """Attribute bag standing in for pynvml's ctypes structures."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class SimEventSet:
    def __init__(self):
        self.pending = []
        self.devices = []  # registered for XIDs
        self.delivered = set()  # (GPU index, fault): an XID fault sends its event once


class Timeline:
    """When the simulation is: its clock, the moment nvmlInit ran (fault windows count from
    there) and the devices' per-second state, shared by the devices and the API's module state."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.started = 0.0
        self.states = {}  # device index → (second, state)

    def elapsed(self):
        return self.clock() - self.started
