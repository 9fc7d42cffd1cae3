"""Loading a GPU source: the simulated NVML, NVML, nvidia-smi or none.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import os
import shutil
import sys

from .fields import error_entry
from .funnel import Funnel
from .nvml_gpus import NvmlGpus
from .smi_gpus import NoGpus, SmiGpus


def import_nvml_sim():
    """nvml_sim as a top-level module: already registered (the bundle does that), importable,
    or beside this package (console/telemetry/nvml_sim in a checkout)."""
    if "nvml_sim" in sys.modules:
        return sys.modules["nvml_sim"]
    try:
        import nvml_sim
    except ImportError:
        here = globals().get("__file__")
        if not here:
            raise
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(here))))
        import nvml_sim
    return nvml_sim


def open_gpus(sim_spec=None, use_nvml=True, interval=None):
    """The GPU source and the errors met choosing it: sim, NVML, nvidia-smi or none."""
    errors = []
    if sim_spec is not None:
        try:
            lib = import_nvml_sim()
        except ImportError as exc:
            return NoGpus(), [error_entry(None, "nvml_sim", f"ImportError: {exc}")]
        lib.configure(sim_spec)  # a bad SPEC raises ValueError: a usage error, not a sample
        lib.nvmlInit()
        return NvmlGpus(lib, "nvml_sim", interval=interval), errors
    if use_nvml:
        try:
            import pynvml
        except ImportError as exc:
            errors.append(error_entry(None, "nvml", f"ImportError: {exc}"))
        else:
            try:
                pynvml.nvmlInit()
                return NvmlGpus(pynvml, "nvml", interval=interval), errors
            except pynvml.NVMLError as exc:  # no library, no driver, version mismatch
                errors.append(error_entry(None, "nvml", Funnel(pynvml).error_name(exc)))
            except Exception as exc:  # ctypes trouble: nvidia-smi may still work
                errors.append(error_entry(None, "nvml", f"{type(exc).__name__}: {exc}"))
    path = shutil.which("nvidia-smi")
    if path is None:
        errors.append(error_entry(None, "nvidia-smi", "not found on PATH"))
        return NoGpus(), errors
    gpus = SmiGpus(path, interval)
    errors.extend(gpus.take_errors())
    return (gpus if gpus.fields is not None else NoGpus()), errors
