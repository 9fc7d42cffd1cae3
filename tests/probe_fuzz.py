"""A fuzzer for the probe's JSON lines: real probe output, mutated, through the real parser
(console/telemetry/protocol.py), packing (console/fleet/packing.py) and FleetState.

Seed lines come from the probe as the console ships it (tests/probe_process.py runs the bundle
with simulated GPUs: plain, MIG, faults), since ../shared/fixtures holds no probe lines. Each
mutated line goes to one node of a 64-node fleet, handled as the SSH collector handles a line
(console/telemetry/collector.py SshCollector._line): a ProtocolError becomes a PROBE_ERROR event,
a sample is packed and applied. Then the snapshot must show, for that node:
- a rejected line: status PROBE_ERROR with the reason;
- an accepted line: LIVE or STALE (by the line's own time) and only finite values or NaN.
Anything else escaping (an exception, a warning, an inf in the arrays) is a crash, kept with the
mutation and the start of the line so it can be replayed.

Used by tests/unit/telemetry/test_probe_fuzz.py (fixed seed, ~2,000 lines, in `make test`) and
tests/bench/bench_probe_fuzz.py (100,000 lines, `make bench`).
"""

from __future__ import annotations

import copy
import json
import math
import random
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import NodeEvent, NodeStatus, PollBatch, Sector
from console.fleet.packing import pack
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.telemetry.protocol import MAX_LINE_BYTES, ProtocolError
from tests.probe_fuzz_energy import ENERGY_SPECS, check_energy
from tests.probe_fuzz_v2 import decode_unit, v2_seed_streams
from tests.probe_process import run_probe

# What the seeds simulate: every shape of line the probe writes (MIG devices, processes, XIDs,
# lost GPUs, remapped rows, retired pages, thermal reasons, no GPUs at all).
SEED_SPECS = (
    "count=8,seed=1",
    "count=4,model=A100,load=busy,mig=1,seed=7",
    "count=8,load=training,seed=3,faults=lost:0;xid79:1;ecc:2;throttle:3;remapfail:4,jobs=1-5:4242",
    "count=2,load=idle,seed=11,faults=hot:0;powerbrake:1;hotmem:1",
    # a board that retires pages, one retirement pending and one with ECC errors too
    "count=3,model=V100,seed=13,faults=retirepending:0;ecc:2",
    "count=0",
    *ENERGY_SPECS,
)
FLEET = 64  # nodes per round; each line of a round goes to its own node
GPUS = 8
SHARES = {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}
REASON_PREFIX = "bad line from probe: "  # as the collector words it

OUTCOMES = ("rejected", "accepted with notes", "accepted clean", "crash")


def seed_streams() -> list[tuple[bytes, ...]]:
    return v2_seed_streams(SEED_SPECS)


def seed_lines() -> list[bytes]:
    """One line per SEED_SPECS entry, printed by the real probe (bundle payload, --once)."""
    lines = []
    for spec in SEED_SPECS:
        done = run_probe("--once", "--sim", spec, timeout=60, check=True, text=False)
        lines.extend(line for line in done.stdout.splitlines() if line.strip())
    return lines


# ── mutations ──────────────────────────────────────────────────────────────────────────────────

_HUGE_TEXT = ("1" + "0" * 400, "1" + "0" * 5000, "18446744073709551616", "1e400", "-1e400")
_NON_FINITE = ("NaN", "Infinity", "-Infinity")
_BAD_UTF8 = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf", b"\x80")
_SENTINEL = "\x00fuzz\x00"  # a JSON string the serialiser writes as "\u0000fuzz\u0000"


def _paths(obj, prefix=()) -> Iterator[tuple]:
    """Every place in the object: dict keys and list positions, depth first."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _set(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def _pick_path(rng: random.Random, obj) -> tuple:
    paths = list(_paths(obj))
    top = [p for p in paths if len(p) == 1]
    # a fifth of the time the top level (v, t, gpus, node): rare among 200 GPU fields otherwise
    return rng.choice(top if top and rng.random() < 0.2 else paths)


def _other_type(rng: random.Random, value):
    # "\ud800": a lone surrogate, valid JSON but not encodable UTF-8
    choices = ["12", "", "\ud800", [], [1, "2", None], {}, {"index": 0}, True, False, None, 0, 3.5]
    return rng.choice([c for c in choices if type(c) is not type(value)])


def _with_raw(obj, path, raw: str) -> bytes:
    """obj with the value at `path` written as the raw JSON text `raw` (NaN, 1e400, …)."""
    obj = copy.deepcopy(obj)
    _set(obj, path, _SENTINEL)
    text = json.dumps(obj, separators=(",", ":"))
    return text.replace(json.dumps(_SENTINEL), raw, 1).encode()


def _dump(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"  # lone surrogates go out as the (invalid) bytes they are
    )


def m_truncate(rng, line, obj):
    return line[: rng.randrange(len(line))]


def m_wrong_type(rng, line, obj):
    obj = copy.deepcopy(obj)
    path = _pick_path(rng, obj)
    value = obj
    for key in path:
        value = value[key]
    _set(obj, path, _other_type(rng, value))
    return _dump(obj)


def m_huge_number(rng, line, obj):
    raw = rng.choice((*_HUGE_TEXT, "1.7976931348623157e308", "9" * 30, str(2**63)))
    return _with_raw(obj, _pick_path(rng, obj), raw)


def m_negative(rng, line, obj):
    raw = rng.choice(("-1", "-0.0", "-1e9", str(-(2**63)), "-0.5", "-273.15"))
    return _with_raw(obj, _pick_path(rng, obj), raw)


def m_non_finite(rng, line, obj):
    return _with_raw(obj, _pick_path(rng, obj), rng.choice(_NON_FINITE))


def m_deep_nesting(rng, line, obj):
    depth = rng.choice((64, 500, 900, 990, 1000, 5000, 100_000))
    opener, closer = rng.choice((("[", "]"), ('{"a":', "}")))
    return _with_raw(obj, _pick_path(rng, obj), opener * depth + "1" + closer * depth)


def m_duplicate_key(rng, line, obj):
    """A key written twice in one object, the second with another value (JSON keeps the last)."""
    obj = copy.deepcopy(obj)
    dicts = [p for p in _paths(obj) if isinstance(_get(obj, p), dict)]
    places = [*([()] if isinstance(obj, dict) else []), *dicts]
    if not places:  # a v2 line mutated into an array with no object in it
        return _dump(obj)
    path = rng.choice(places)
    target = _get(obj, path)
    if not target:
        return _dump(obj)
    key = rng.choice(list(target))
    twin = f"\x00dup{rng.randrange(10**9)}\x00"
    target[twin] = _other_type(rng, target[key]) if rng.random() < 0.7 else target[key]
    text = _dump(obj).decode("utf-8", "surrogatepass")
    return text.replace(json.dumps(twin), json.dumps(key), 1).encode("utf-8", "surrogatepass")


def _get(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def m_invalid_utf8(rng, line, obj):
    at = rng.randrange(len(line) + 1)
    return line[:at] + rng.choice(_BAD_UTF8) + line[at:]


def m_huge_line(rng, line, obj):
    """A line over 1 MiB, or one just under it (which must still parse)."""
    obj = copy.deepcopy(obj)
    size = MAX_LINE_BYTES + rng.randrange(1, 4096)
    if rng.random() < 0.3:
        size = MAX_LINE_BYTES - len(line) - rng.randrange(16, 4096)
    # v2: the data line's changes (its last entry) take the padding
    (obj if isinstance(obj, dict) else obj[-1])["host"] = "h" * size
    return _dump(obj)


def m_byte_noise(rng, line, obj):
    data = bytearray(line)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def m_stacked(rng, line, obj):
    """Two structure mutations on one line (their parses feed each other)."""
    for mutation in rng.sample((m_wrong_type, m_huge_number, m_negative, m_duplicate_key), 2):
        line = mutation(rng, line, obj)
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            return line
        if not isinstance(obj, dict | list):
            return line
    return line


MUTATIONS: dict[str, Callable] = {
    "truncation": m_truncate,
    "wrong type": m_wrong_type,
    "huge number": m_huge_number,
    "negative number": m_negative,
    "NaN/Infinity": m_non_finite,
    "deep nesting": m_deep_nesting,
    "duplicate key": m_duplicate_key,
    "invalid UTF-8": m_invalid_utf8,
    "1 MiB+ line": m_huge_line,
    "byte noise": m_byte_noise,
    "stacked": m_stacked,
}
# 1 MiB lines are slow to build and parse: fewer of them
_WEIGHTS = {name: (0.25 if name == "1 MiB+ line" else 1.0) for name in MUTATIONS}


def mutated_lines(
    seeds: list[bytes], count: int, seed: int, streams: list[tuple[bytes, ...]] = ()
) -> Iterator[tuple[str, tuple[bytes, ...]]]:
    """(mutation, lines for one node): a v1 line alone, or half the time (when v2 streams are
    given) a v2 stream with one of its lines (header or data) mutated."""
    rng = random.Random(seed)
    units = [(s,) for s in seeds]
    parsed = [[json.loads(line) for line in unit] for unit in (*units, *streams)]
    names = list(MUTATIONS)
    weights = [_WEIGHTS[n] for n in names]
    for _ in range(count):
        if streams and rng.random() < 0.5:
            i = len(units) + rng.randrange(len(streams))
            unit = streams[i - len(units)]
        else:
            i = rng.randrange(len(units))
            unit = units[i]
        name = rng.choices(names, weights)[0]
        at = rng.randrange(len(unit))
        line = MUTATIONS[name](rng, unit[at], parsed[i][at])
        yield name, (*unit[:at], line, *unit[at + 1 :])


# ── running lines through the console ──────────────────────────────────────────────────────────


@dataclass
class Crash:
    mutation: str
    error: str
    line_head: bytes


@dataclass
class FuzzReport:
    outcomes: Counter = field(default_factory=Counter)
    by_mutation: dict[str, Counter] = field(default_factory=dict)
    crashes: list[Crash] = field(default_factory=list)
    lines: int = 0

    def count(self, mutation: str, outcome: str) -> None:
        self.outcomes[outcome] += 1
        self.by_mutation.setdefault(mutation, Counter())[outcome] += 1

    def table(self) -> str:
        rows = [f"{'mutation':<18}" + "".join(f"{o:>21}" for o in OUTCOMES)]
        for name in MUTATIONS:
            c = self.by_mutation.get(name, Counter())
            rows.append(f"{name:<18}" + "".join(f"{c[o]:>21,}" for o in OUTCOMES))
        rows.append(f"{'all':<18}" + "".join(f"{self.outcomes[o]:>21,}" for o in OUTCOMES))
        return "\n".join(rows)


def _fleet() -> Inventory:
    nodes = tuple(NodeSpec(f"fz{i:02d}", Sector.PUBLIC, None, GPUS) for i in range(FLEET))
    return Inventory(nodes, SHARES)


def run_fuzz(
    seeds: list[bytes], count: int, seed: int, streams: list[tuple[bytes, ...]] = ()
) -> FuzzReport:
    report = FuzzReport()
    inventory = _fleet()
    names = [n.name for n in inventory.ordered_nodes()]
    times = [json.loads(s)["t"] for s in seeds]
    times += [json.loads(line)[0] for unit in streams for line in unit[1:]]
    now = max(times) + 1.0
    batch: list[tuple[str, bytes]] = []
    for item in mutated_lines(seeds, count, seed, streams):
        batch.append(item)
        if len(batch) == FLEET:
            _round(report, inventory, names, batch, now)
            batch = []
    if batch:
        _round(report, inventory, names, batch, now)
    return report


def _round(report, inventory, names, batch, now) -> None:
    """One unit per node through the parser (v1: parse_line; v2: a StreamDecoder, as the
    collector runs it) → pack → FleetState, then check each node."""
    samples, events, verdict, parse_crashes = [], [], {}, []
    for node, (mutation, lines) in zip(names, batch, strict=False):
        line = b"\n".join(lines)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                sample, notes = decode_unit(lines, node)
        except ProtocolError as exc:
            events.append(NodeEvent(node, now, NodeStatus.PROBE_ERROR, REASON_PREFIX + str(exc)))
            verdict[node] = (mutation, line, "rejected")
        except Exception as exc:  # the point: nothing else may escape
            parse_crashes.append(Crash(mutation, f"parse: {exc!r}", line[:300]))
        else:
            samples.append(sample)
            noted = "accepted with notes" if notes else "accepted clean"
            verdict[node] = (mutation, line, noted)
    state = FleetState(inventory, default_registry())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            state.apply(PollBatch(now, samples=tuple(samples), events=tuple(events)))
            snap = state.snapshot(now)
            packed = pack(samples)
    except Exception as exc:
        if len(batch) > 1:  # the round failed as a whole: replay it line by line for the culprit
            for item in batch:
                _round(report, inventory, names, [item], now)
            return
        mutation, lines = batch[0]
        line = b"\n".join(lines)
        report.lines += 1
        report.crashes.append(Crash(mutation, f"pack/apply: {exc!r}", line[:300]))
        report.count(mutation, "crash")
        return
    report.lines += len(batch)
    for crash in parse_crashes:
        report.crashes.append(crash)
        report.count(crash.mutation, "crash")
    row = {n: i for i, n in enumerate(snap.node_names)}
    packed_row = {h: i for i, h in enumerate(packed.hosts)}
    for node, (mutation, line, outcome) in verdict.items():
        problem = _check_node(snap, row[node], outcome) or check_energy(
            snap, row[node], packed, packed_row.get(node)
        )
        if problem:
            report.crashes.append(Crash(mutation, problem, line[:300]))
            report.count(mutation, "crash")
        else:
            report.count(mutation, outcome)


def _check_node(snap, r: int, outcome: str) -> str | None:
    status = NodeStatus(int(snap.node_status[r]))
    if outcome == "rejected":
        if status != NodeStatus.PROBE_ERROR or not snap.node_reason[r].startswith(REASON_PREFIX):
            return f"rejected line left the node {status.name}"
        return None
    if status not in (NodeStatus.LIVE, NodeStatus.STALE):
        return f"accepted line left the node {status.name}"
    arrays = {
        "util": snap.gpu_util[r],
        "mem_used": snap.gpu_mem_used_mib[r],
        "mem_total": snap.gpu_mem_total_mib[r],
        "temp": snap.gpu_temp_c[r],
        "power": snap.gpu_power_w[r],
        "temp_mem": snap.gpu_temp_mem_c[r],
        "cpu": snap.node_cpu_percent[r : r + 1],
        "disk": snap.node_disk_pct[r : r + 1],
    }
    for name, values in arrays.items():
        if np.isinf(values).any():
            return f"accepted line put inf into {name}"
    util = snap.gpu_util[r][~np.isnan(snap.gpu_util[r])]
    if ((util < 0) | (util > 100)).any():
        return f"utilisation out of 0–100: {util.tolist()}"
    if not math.isfinite(float(snap.node_age_s[r])):
        return "node age is not finite"
    return None
