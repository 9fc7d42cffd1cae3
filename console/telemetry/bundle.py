"""The script the console sends to a node: probe.py (and nvml_sim) as one stdin payload.

A node needs only Python 3.8+: the console runs `python3 -u - --stream 2 ...` over SSH and writes
this payload to the channel's stdin, then closes stdin (Python reads a `-` script to EOF before it
runs it). The payload registers the nvml_sim package and its modules as importable from embedded
source, then runs probe.py's code as __main__ with the command's arguments. Sources travel
zlib-compressed and base64-encoded: one connect storm of 2,000 nodes sends a third of the bytes.
"""

from __future__ import annotations

import base64
import functools
import zlib
from importlib import resources

_PACKAGE = "console.telemetry"
_SIM_PACKAGE = "console.telemetry.nvml_sim"
# load order: a module may import only modules before it (nothing on a node finds the others);
# __init__ last, since it imports the rest
SIM_MODULES = ("constants", "errors", "devices", "spec", "api", "__init__")

_BOOTSTRAP = """\
# Hangang probe bundle: nvml_sim (when simulated) and probe.py, run as __main__.
import base64 as _hangang_b64, sys as _hangang_sys, types as _hangang_types, zlib as _hangang_zlib


def _hangang_source(blob):
    return _hangang_zlib.decompress(_hangang_b64.b64decode(blob)).decode("utf-8")


def _hangang_package(package, modules):
    \"\"\"Register package and its modules, in this order, from (name, blob) pairs.\"\"\"
    root = _hangang_types.ModuleType(package)
    root.__path__ = []
    _hangang_sys.modules[package] = root
    for name, blob in modules:
        module = root if name == "__init__" else _hangang_types.ModuleType(package + "." + name)
        module.__package__ = package
        _hangang_sys.modules[module.__name__] = module
        exec(compile(_hangang_source(blob), package + "/" + name + ".py", "exec"), module.__dict__)
        if module is not root:
            setattr(root, name, module)

{sim_block}
exec(compile(_hangang_source({probe_blob!r}), "probe.py", "exec"))
"""

_SIM_BLOCK = """
_hangang_package("nvml_sim", {sim_modules!r})
"""


def _blob(name: str, package: str = _PACKAGE) -> str:
    source = resources.files(package).joinpath(name).read_bytes()
    return base64.b64encode(zlib.compress(source, 9)).decode("ascii")


def probe_payload(sim: bool = True) -> bytes:
    """Python source for `python3 -u - ARGS` on a node; with sim, nvml_sim comes along."""
    return _payload(bool(sim))  # one cache entry per kind, however the caller spells it


@functools.cache
def _payload(sim: bool) -> bytes:
    modules = [(name, _blob(f"{name}.py", _SIM_PACKAGE)) for name in SIM_MODULES]
    sim_block = _SIM_BLOCK.format(sim_modules=modules) if sim else ""
    source = _BOOTSTRAP.format(sim_block=sim_block, probe_blob=_blob("probe.py"))
    return source.encode("ascii")
