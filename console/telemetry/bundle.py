"""The script the console sends to a node: probe.py (and nvml_sim) as one stdin payload.

A node needs only Python 3.8+: the console runs `python3 -u - --stream 2 ...` over SSH and writes
this payload to the channel's stdin, then closes stdin (Python reads a `-` script to EOF before it
runs it). The payload registers nvml_sim as an importable module from embedded source, then runs
probe.py's code as __main__ with the command's arguments. Sources travel zlib-compressed and
base64-encoded: one connect storm of 2,000 nodes sends a third of the bytes.
"""

from __future__ import annotations

import base64
import functools
import zlib
from importlib import resources

_PACKAGE = "console.telemetry"

_BOOTSTRAP = """\
# Hangang probe bundle: nvml_sim (when simulated) and probe.py, run as __main__.
import base64 as _hangang_b64, sys as _hangang_sys, types as _hangang_types, zlib as _hangang_zlib


def _hangang_source(blob):
    return _hangang_zlib.decompress(_hangang_b64.b64decode(blob)).decode("utf-8")

{sim_block}
exec(compile(_hangang_source({probe_blob!r}), "probe.py", "exec"))
"""

_SIM_BLOCK = """
_hangang_sim = _hangang_types.ModuleType("nvml_sim")
_hangang_sys.modules["nvml_sim"] = _hangang_sim
exec(compile(_hangang_source({sim_blob!r}), "nvml_sim.py", "exec"), _hangang_sim.__dict__)
"""


def _blob(name: str) -> str:
    source = resources.files(_PACKAGE).joinpath(name).read_bytes()
    return base64.b64encode(zlib.compress(source, 9)).decode("ascii")


def probe_payload(sim: bool = True) -> bytes:
    """Python source for `python3 -u - ARGS` on a node; with sim, nvml_sim comes along."""
    return _payload(bool(sim))  # one cache entry per kind, however the caller spells it


@functools.cache
def _payload(sim: bool) -> bytes:
    sim_block = _SIM_BLOCK.format(sim_blob=_blob("nvml_sim.py")) if sim else ""
    source = _BOOTSTRAP.format(sim_block=sim_block, probe_blob=_blob("probe.py"))
    return source.encode("ascii")
