"""GPUs through nvidia-smi, for nodes without an NVML library or driver binding.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from .energy import PowerIntegrator, millijoules
from .fields import empty_gpu, error_entry
from .smi_csv import (
    SMI_BASIC_FIELDS,
    SMI_QUERY_FIELDS,
    parse_smi_csv,
    smi_gpu_from_row,
    smi_header_name,
    smi_split,
)


def _dies_with_us():
    """A preexec_fn that has the kernel end the child when this thread ends (Linux prctl
    PR_SET_PDEATHSIG): a probe killed with SIGKILL cannot stop its `-lms` loop itself, and an
    nvidia-smi loop that ignores a closed pipe would run on the node for good. None elsewhere.
    The function is looked up here, before the fork: the child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        import signal

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


class SmiGpus:
    """Reads GPUs from `nvidia-smi --query-gpu`: one run to pick the fields, then in stream mode
    one long-running `-lms` loop whose rows a reader thread keeps (newest per GPU)."""

    source = "nvidia-smi"
    STALE_INTERVALS = 3  # a GPU whose row is older than this many intervals is left out
    RESTART_S = 30.0

    def __init__(self, path, interval):
        self.path = path
        self.interval = interval
        self.errors = []
        self.driver = None
        self.cuda = None
        self.fields = None
        self.first = []
        self.process = None
        self.rows = {}  # index → (monotonic time, gpu)
        self.lock = threading.Lock()
        self.next_start = 0.0
        # nvidia-smi has no energy counter: its power.draw rows, integrated, stand in
        self.integrator = PowerIntegrator(None if interval is None else self._loop_s())
        self._choose_fields()
        if self.fields is not None:
            for gpu in self.first:
                self._add_energy(time.monotonic(), gpu)
        if self.fields is not None and interval is not None:
            # the check's rows stand in until the loop prints its own
            self.rows = {g["index"]: (time.monotonic(), g) for g in self.first}
            self._ensure_running()

    def _choose_fields(self):
        for fields in (SMI_QUERY_FIELDS, SMI_BASIC_FIELDS):
            try:
                done = subprocess.run(
                    [self.path, "--query-gpu=" + ",".join(fields), "--format=csv"],
                    capture_output=True,
                    text=True,
                    timeout=20,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                self.errors.append(error_entry(None, "nvidia-smi", f"{type(exc).__name__}: {exc}"))
                return
            if done.returncode == 0:
                gpus, self.driver, problems = parse_smi_csv(done.stdout)
                self.fields, self.first = fields, gpus
                self.errors.extend(error_entry(None, "nvidia-smi", p) for p in problems)
                return
            message = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            last_error = f"exit {done.returncode}: {message[0]}"
        self.errors.append(error_entry(None, "nvidia-smi", last_error))

    def sample(self, now):
        if self.interval is None:
            return self.first, []
        self._ensure_running()
        stale_after = self.STALE_INTERVALS * max(self.interval, 1.0)
        gpus = []
        with self.lock:
            rows = sorted(self.rows.items())
        for index, (t, gpu) in rows:
            age = time.monotonic() - t
            if age > stale_after:
                # it stopped reporting (nvidia-smi prints an error line instead): keep its place
                with self.lock:
                    self.integrator.forget(index)
                gpu = empty_gpu(index)
                gpu["lost"] = True
                self.errors.append(error_entry(index, "nvidia-smi", f"no row for {age:.0f} s"))
            gpus.append(gpu)
        return gpus, []

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def _ensure_running(self):
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is not None:
            self.errors.append(
                error_entry(
                    None, "nvidia-smi", f"nvidia-smi loop exited with {self.process.returncode}"
                )
            )
            self.process = None
        if time.monotonic() < self.next_start:
            return
        self.next_start = time.monotonic() + self.RESTART_S
        loop_ms = str(int(self._loop_s() * 1000))
        try:
            self.process = subprocess.Popen(
                [
                    self.path,
                    "--query-gpu=" + ",".join(self.fields),
                    "--format=csv",
                    "-lms",
                    loop_ms,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                encoding="utf-8",
                errors="replace",
                preexec_fn=_dies_with_us(),  # the stream's own (main) thread starts it
            )
        except OSError as exc:
            self.errors.append(error_entry(None, "nvidia-smi", f"{type(exc).__name__}: {exc}"))
            return
        reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        reader.start()

    def _loop_s(self):
        return max(0.1, self.interval)

    def _add_energy(self, t, gpu):
        """Integrate the row's power as it arrives (the loop's own rhythm, not the sample's)."""
        if gpu["index"] is None or gpu.get("lost"):
            return
        joules = self.integrator.add(gpu["index"], t, gpu.get("power_w"))
        if joules is not None:
            gpu["energy_mj"], gpu["energy_estimated"] = millijoules(joules), True

    def _read(self, stream):
        header = names = None
        for line in stream:
            if not line.strip():
                continue
            cells = smi_split(line)
            if header is None or cells == header:  # the loop may repeat its header
                header, names = cells, [smi_header_name(c) for c in cells]
                continue
            if len(cells) != len(names):
                continue  # an error message between rows
            gpu = smi_gpu_from_row(names, cells, -1)
            if gpu["index"] is not None and gpu["index"] >= 0:
                with self.lock:
                    now = time.monotonic()
                    self._add_energy(now, gpu)
                    self.rows[gpu["index"]] = (now, gpu)

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()


class NoGpus:
    source = "none"
    driver = None
    cuda = None

    def sample(self, now):
        return [], []

    def take_errors(self):
        return []

    def close(self):
        pass
