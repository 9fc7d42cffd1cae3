"""No import circles; arrows between packages only where the layering allows (docs/architecture.md).

Read from the source with `ast`, so a lazy import inside a function counts like a top-level one: it
would still tie the two modules together. Imports under `if TYPE_CHECKING:` never run and are left
out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import REPO

# The shared vocabulary every layer may use: the frozen fleet model, the metric registry (pure
# descriptions), where files live, and the message catalogue.
VOCABULARY = ("console.fleet.model", "console.fleet.metrics", "console.paths", "console.i18n",
              "console.room.names")
# Shipped to the nodes and run there with the standard library only.
NODE_SIDE = ("console.telemetry.probe", "console.telemetry.nvml_sim")
UNITS = {
    "root": ("console", "widgets", "console.room"),  # the empty package files
    "settings": ("console.settings", "console.settings_save", "console.access"),
    "wiring": (
        "console.app",
        "console.services",
        "console.cli",
        "console.fleet_choice",
        "console.launch",
    ),
    "bridge": ("console.bridge",),
    # the energy books read the history; the meter and attribution (unit "energy") feed it
    "energy.books": ("console.energy.accounting",),
}
_CONSOLE = {"vocabulary", "settings", "inventory", "history", "fleet", "telemetry", "alerts"}
_CONSOLE |= {"capacity", "sources", "reports", "commands", "whatif", "scheduler"}
_CONSOLE |= {"energy", "energy.books"}
# unit -> the units it may import (its own is always allowed)
ALLOWED: dict[str, set[str]] = {
    "root": set(),
    "node-side": set(),
    "vocabulary": set(),
    "inventory": {"vocabulary"},
    "settings": {"vocabulary", "inventory"},
    # counters → joules per GPU (console/energy/meter.py): the rollups add them up
    "energy": {"vocabulary"},
    "history": {"vocabulary", "settings", "inventory", "energy"},
    "energy.books": {"vocabulary", "settings", "history", "energy"},
    "fleet": {"vocabulary", "inventory", "history"},
    "telemetry": {"vocabulary", "inventory", "fleet", "node-side"},
    "alerts": {"vocabulary", "settings", "fleet"},
    # Slurm over SSH uses the telemetry's SSH transport and host-key checks
    "capacity": {"vocabulary", "settings", "inventory", "telemetry"},
    # the scheduler's books: Slurm's commands through the capacity backends' runners; the
    # access policy (settings) before reconciling accounts; SchedulerJobs (fleet); the per-job
    # usage store efficiency reads (history)
    "scheduler": {"vocabulary", "inventory", "capacity", "fleet", "settings", "history"}
    | {"whatif"},  # sacct's jobs as the what-if's JobHistory (scheduler/job_history.py)
    # the Prometheus source also reads serve's book counters back into the history's rows
    "sources": {"vocabulary", "inventory", "fleet", "telemetry", "capacity", "node-side"}
    | {"whatif", "history"},
    # the queue model: jobs in, waits out; knows no backend (the setup hands it a history)
    "whatif": {"vocabulary"},
    "reports": {"vocabulary", "settings", "history", "alerts", "capacity", "energy.books"}
    | {"whatif"}  # the appendix says how predicted waits are made and from which jobs
    | {"scheduler"},  # the reconciliation: Slurm's books beside the console's; idle jobs
    # serve and status run the wiring's services without a window (console/room/)
    "commands": _CONSOLE - {"commands"} | {"node-side", "room", "wiring"},
    "bridge": {"vocabulary", "fleet"},
    # the wiring finds the commands by name (cli.COMMANDS), never by an import
    "wiring": _CONSOLE - {"commands"} | {"bridge", "node-side"},
    "room": _CONSOLE - {"commands"} | {"wiring", "node-side"},
    "widgets.common": {"vocabulary", "settings"},
    "widgets.history": {"vocabulary", "settings", "history", "energy.books", "widgets.common"}
    | {"scheduler"},  # the waits table (sacct through the watch), Slurm's accounts
    "widgets.fleet": {"vocabulary", "settings", "fleet", "history", "widgets.common"}
    | {"widgets.history", "scheduler"},  # the cards show the scheduler watch's view
    "widgets.alerts": {"vocabulary", "settings", "alerts", "widgets.common"},
    "widgets.capacity": {"vocabulary", "settings", "capacity", "widgets.common", "widgets.fleet"}
    | {"widgets.history", "whatif"},
    "widgets.reports": {"vocabulary", "settings", "reports", "widgets.common"}
    | {"whatif"},  # a job history that cannot be read (HistoryUnavailable) leaves the appendix
    # the two front-ends: the wiring hands them its services and options
    "widgets.kiosk": {"vocabulary", "settings", "alerts", "fleet", "wiring", "widgets.common"}
    | {"widgets.fleet", "widgets.history"}
    | {"widgets.capacity"},  # quota mode: the sector pages' caps come through its read worker
    "widgets.window": {"vocabulary", "settings", "alerts", "fleet", "history", "wiring", "bridge"}
    | {f"widgets.{page}" for page in ("common", "fleet", "history", "alerts", "capacity")}
    | {"widgets.reports", "scheduler"},
}


def module_name(path: Path, root: Path) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def source_modules(root: Path = REPO) -> dict[str, Path]:
    files = [p for top in ("console", "widgets") for p in (root / top).rglob("*.py")]
    return {module_name(p, root): p for p in files}


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(path: Path, known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
    return {name for name in found if name in known}


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    modules = source_modules(root)
    known = set(modules)
    return {name: imports_of(path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), plus self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def unit_of(module: str) -> str:
    if module.startswith(NODE_SIDE):
        return "node-side"
    if module.startswith(VOCABULARY):
        return "vocabulary"
    for unit, modules in UNITS.items():
        if module in modules:
            return unit
    parts = module.split(".")
    if parts[0] == "widgets":
        return ".".join(parts[:2])
    return parts[1]


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import circles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_arrows_between_packages_are_the_allowed_ones():
    graph = import_graph()
    unknown = sorted({unit_of(m) for m in graph} - set(ALLOWED))
    assert not unknown, f"packages with no layering rule (add them to ALLOWED): {unknown}"
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if unit_of(target) != unit_of(module) and unit_of(target) not in ALLOWED[unit_of(module)]
    )
    assert not wrong, wrong


def test_the_rules_themselves_point_one_way():
    assert not cycles({unit: set(targets) for unit, targets in ALLOWED.items()})


def test_the_checks_catch_a_circle_and_a_forbidden_arrow(tmp_path):
    (tmp_path / "console" / "history").mkdir(parents=True)
    (tmp_path / "console" / "capacity").mkdir()
    (tmp_path / "widgets").mkdir()
    lazy = "def f():\n    import console.capacity.b\n"
    (tmp_path / "console" / "history" / "a.py").write_text(lazy)
    (tmp_path / "console" / "capacity" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nfrom console.history import a\n"
        "if TYPE_CHECKING:\n    import console.capacity.c\n"
    )
    (tmp_path / "console" / "capacity" / "c.py").write_text("import console.capacity.b\n")
    graph = import_graph(tmp_path)
    assert cycles(graph) == [["console.capacity.b", "console.history.a"]]
    assert "console.capacity.c" not in graph["console.capacity.b"]  # type-only: never runs
    assert "capacity" not in ALLOWED[unit_of("console.history.a")]
