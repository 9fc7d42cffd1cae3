"""The script the console sends to a node: the probe package (and nvml_sim) as one stdin payload.

A node needs only Python 3.8+: the console runs `python3 -u - --stream 2 ...` over SSH and writes
this payload to the channel's stdin, then closes stdin (Python reads a `-` script to EOF before it
runs it). The payload registers the probe's modules as the package `hangang_probe` and, with sim,
nvml_sim's as the package `nvml_sim`, all from embedded source, then runs the probe's __main__.py
as __main__ with the command's arguments. The sources travel as one zlib-compressed,
base64-encoded JSON list: one connect storm of 2,000 nodes sends a third of the bytes.

The payload is built from the package sources at run time (nothing generated is committed), and
the tests run this same payload as the probe. `python3 -m console.telemetry.bundle > probe.py`
writes it to a file an operator can copy to a node and run as `python3 probe.py --once`.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import sys
import zlib
from importlib import resources

PROBE_PACKAGE = "console.telemetry.probe"
SIM_PACKAGE = "console.telemetry.nvml_sim"
NODE_PROBE = "hangang_probe"  # the probe package's name on a node
NODE_SIM = "nvml_sim"  # the probe imports the simulation by this name
# Load order: a module may import only modules before it, since nothing on the node can find a
# module that is not registered yet. __init__ comes last: nvml_sim's imports its modules.
PROBE_MODULES = (
    "fields",
    "jobs",
    "procfs",
    "smi_csv",
    "funnel",
    "energy",
    "nvml_gpus",
    "smi_gpus",
    "rapl",
    "node",
    "sources",
    "sample",
    "compact",
    "cli",
    "__init__",
)
SIM_MODULES = ("constants", "errors", "devices", "spec", "api", "__init__")
PROBE_MAIN = "__main__"

_BOOTSTRAP = """\
# Hangang probe bundle: nvml_sim (when simulated) and the probe package, its __main__ run here.
import base64 as _hangang_b64, json as _hangang_json, sys as _hangang_sys, types as _hangang_types
import zlib as _hangang_zlib


def _hangang_run(modules):
    \"\"\"Register each [package, module, source] in this order; run a __main__ as __main__.\"\"\"
    roots = {{}}
    for package, name, source in modules:
        code = compile(source, package + "/" + name + ".py", "exec")
        if name == "__main__":
            exec(code, {{"__name__": "__main__", "__package__": package}})
            continue
        if package not in roots:
            roots[package] = _hangang_types.ModuleType(package)
            roots[package].__path__ = []
            _hangang_sys.modules[package] = roots[package]
        module = roots[package]
        if name != "__init__":
            module = _hangang_types.ModuleType(package + "." + name)
            setattr(roots[package], name, module)
        module.__package__ = package
        _hangang_sys.modules[module.__name__] = module
        exec(code, module.__dict__)


_hangang_run(_hangang_json.loads(_hangang_zlib.decompress(_hangang_b64.b64decode({blob!r}))))
"""


def module_sources(package: str, names: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(module name, source bytes) of the named modules of package, as the payload embeds them."""
    folder = resources.files(package)
    return [(name, folder.joinpath(f"{name}.py").read_bytes()) for name in names]


def shipped_modules(sim: bool) -> list[list[str]]:
    """[node package, module, source] in load order: what the payload carries and runs."""
    packages = [(NODE_SIM, SIM_PACKAGE, SIM_MODULES)] if sim else []
    packages.append((NODE_PROBE, PROBE_PACKAGE, (*PROBE_MODULES, PROBE_MAIN)))
    return [
        [node_name, name, source.decode("utf-8")]
        for node_name, package, names in packages
        for name, source in module_sources(package, names)
    ]


def probe_payload(sim: bool = True) -> bytes:
    """Python source for `python3 -u - ARGS` on a node; with sim, nvml_sim comes along."""
    return _payload(bool(sim))  # one cache entry per kind, however the caller spells it


@functools.cache
def _payload(sim: bool) -> bytes:
    return build_payload(sim)


def build_payload(sim: bool) -> bytes:
    """The payload, built afresh from the package sources (probe_payload caches it)."""
    # one zlib stream for all modules: they share most words, so it compresses a third better
    data = json.dumps(shipped_modules(sim), ensure_ascii=False).encode("utf-8")
    blob = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    return _BOOTSTRAP.format(blob=blob).encode("ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m console.telemetry.bundle",
        description="Write the probe payload the console sends to nodes, as one Python script.",
    )
    parser.add_argument("--no-sim", action="store_true", help="leave the simulated NVML out")
    args = parser.parse_args(argv)
    sys.stdout.buffer.write(probe_payload(sim=not args.no_sim))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
