"""Protocol v2: the probe's header + compact lines decode to what v1 decodes the same samples to,
straight into packing's shape; v1 lines still decode; bad structure is a ProtocolError."""

from __future__ import annotations

import json

import numpy as np
import pytest

from console.fleet.compact import CompactSample
from console.fleet.health import Fact, newest_keeping_xids
from console.fleet.model import NodeSample, XidEvent
from console.fleet.packing import pack
from console.telemetry.probe.compact import CompactEncoder
from console.telemetry.probe.sample import build_probe, to_json_line
from console.telemetry.protocol import ProtocolError, parse_line
from console.telemetry.protocol_v2 import StreamDecoder
from tests.probe_fuzz import SEED_SPECS
from tests.probe_process import run_probe


def both_ways(spec: str, samples: int = 4) -> tuple[list[NodeSample], list, list[bytes]]:
    """The same probe samples as v1 NodeSamples and as v2 decoder output, and the lines of both
    (v2's first, then v1's)."""
    probe = build_probe(spec, ["/", "/no-such-mount"], 2.0)
    probe.node.prime()
    encoder, decoder = CompactEncoder(), StreamDecoder("n1")
    v1, v2, lines, v1_lines = [], [], [], []
    try:
        for _ in range(samples):
            sample = json.loads(to_json_line(probe.sample()))  # what crosses the wire
            v1_lines.append(to_json_line(sample).encode())
            v1.append(parse_line(v1_lines[-1], "n1"))
            for line in encoder.lines(sample):
                lines.append(line.encode())
                out = decoder.decode(line.encode())
                if out is not None:
                    v2.append(out)
    finally:
        probe.close()
    return v1, v2, lines + v1_lines


def assert_same_pack(a, b) -> None:
    assert a.hosts == b.hosts
    np.testing.assert_array_equal(a.t, b.t)
    np.testing.assert_array_equal(a.cpu_percent, b.cpu_percent)
    np.testing.assert_array_equal(a.gpu, b.gpu)  # NaN where missing, in both
    assert a.user.tolist() == b.user.tolist()
    assert a.health == b.health
    np.testing.assert_array_equal(a.disk_pct, b.disk_pct)
    np.testing.assert_array_equal(a.energy_j, b.energy_j)
    np.testing.assert_array_equal(a.energy_estimated, b.energy_estimated)
    np.testing.assert_array_equal(a.cpu_energy_j, b.cpu_energy_j)
    assert a.energy_split == b.energy_split


@pytest.mark.parametrize("spec", SEED_SPECS)
def test_v2_packs_and_rebuilds_exactly_what_v1_gives(spec):
    v1, v2, lines = both_ways(spec)
    lines, v1_lines = lines[: -len(v1)], lines[-len(v1) :]
    assert len(v2) == len(v1) and all(isinstance(s, CompactSample) for s in v2)
    for old, new in zip(v1, v2, strict=True):
        assert_same_pack(pack([old]), pack([new]))
        assert new.full() == old  # every field and every note
    assert lines[0].startswith(b'{"v":2,"kind":"header"')
    assert all(line.startswith(b"[") for line in lines[1:])  # static fields only once
    if v1[0].gpus:  # after the first, a line carries what changed: a fraction of v1's bytes
        assert sum(map(len, lines[2:])) * 3 < sum(map(len, v1_lines[1:]))


def test_a_whole_sample_is_built_only_when_asked():
    _, v2, _ = both_ways("count=8,load=busy,seed=1", samples=2)
    assert all(not hasattr(s, "gpus") for s in v2)
    assert len(v2[0].full().gpus) == 8


def test_v1_lines_still_decode_and_a_v1_line_ends_the_v2_header():
    _, _, lines = both_ways("count=2,seed=1", samples=2)
    decoder = StreamDecoder("n1")
    v1_line = lines[-1]  # what an old probe writes
    assert decoder.decode(v1_line).gpus[0].index == 0
    assert decoder.decode(lines[0]) is None
    assert isinstance(decoder.decode(lines[1]), CompactSample)
    decoder.decode(v1_line)
    with pytest.raises(ProtocolError, match="before its header"):
        decoder.decode(lines[1])
    whole = StreamDecoder("n1", compact=False)
    assert whole.decode(lines[0]) is None and isinstance(whole.decode(lines[1]), NodeSample)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"[1.0,[],[],{}]", "before its header"),
        (b'{"v":2,"gpus":"x","gpu_fields":[],"node_fields":[]}', "'gpus' must be a list"),
        (b'{"v":2,"gpus":[{"index":1},{"index":1}],"gpu_fields":[],"node_fields":[]}', "twice"),
        (b'{"v":2,"gpus":[],"gpu_fields":[1],"node_fields":[]}', "list of field names"),
        (b'{"v":3,"t":1}', "console v1 and v2"),
    ],
)
def test_bad_structure_is_a_protocol_error(line, reason):
    with pytest.raises(ProtocolError, match=reason):
        StreamDecoder("n1").decode(line)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[1.0,[1],[[1,2]],{}]", "row 0"),
        (b"[1.0,[1],[],{}]", "GPU rows"),
        (b"[1.0,[],[[1,2,3]],{}]", "node numbers"),
        (b'[1.0,[1],[[1,2,3]],{"gpus":{"5":{}}}]', "does not list"),
        (b"[1e12,[1],[[1,2,3]],{}]", "'t' must be"),
        (b"[1.0,[1],[[1,2,3]]]", "expected"),
    ],
)
def test_bad_data_lines_are_protocol_errors(data, reason):
    decoder = StreamDecoder("n1")
    header = {"v": 2, "gpus": [{"index": 0, "mem_total_mib": 10}], "node": {},
              "gpu_fields": ["util_gpu", "mem_used_mib", "temp_c"], "node_fields": ["cpu_pct"]}
    assert decoder.decode(json.dumps(header).encode()) is None
    with pytest.raises(ProtocolError, match=reason):
        decoder.decode(data)
    # a bad value is missing, never wrong, and costs the sample nothing
    sample = decoder.decode(b'[1.0,[150],[["hot",1e400,-5]],{}]'.replace(b"1e400", b"1" * 400))
    assert sample.cpu_percent is None and sample.gpu_values()[0][:4] == [None, None, 10.0, -5.0]
    # read with a flush's other samples, the same
    np.testing.assert_array_equal(pack([sample]).gpu[:4, 0, 0], [np.nan, np.nan, 10.0, -5.0])
    assert any("util_gpu" in e for e in sample.full().errors)


def test_xids_are_kept_when_a_newer_compact_sample_replaces_one():
    _, v2, _ = both_ways("count=8,load=training,seed=3,faults=xid79:1", samples=2)
    first = next(s for s in v2 if s.xids)
    kept = newest_keeping_xids(first, v2[-1])
    assert kept.xids[: len(first.xids)] == first.xids
    assert all(isinstance(x, XidEvent) for x in kept.xids)
    assert any(f[1] == 7 for f in kept.health) and any(f[1] == 7 for f in pack([kept]).health[0])


def test_the_shipped_probe_streams_v2_when_asked():
    done = run_probe("--stream", "0.1", "--max-seconds", "0.5", "--sim", "2", "--protocol", "2",
                     check=True, text=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    decoder = StreamDecoder("n1")
    out = [decoder.decode(line) for line in lines]
    assert out[0] is None and len(out) >= 3
    assert all(isinstance(s, CompactSample) and len(s.cols) == 2 for s in out[1:])


def test_a_changed_static_field_brings_a_new_header_and_the_console_follows():
    probe = build_probe("count=2,load=busy,seed=1", ["/"], 2.0)
    try:
        first = json.loads(to_json_line(probe.sample()))
    finally:
        probe.close()
    second = json.loads(json.dumps(first))
    second["gpus"][1]["power_limit_w"] = 250.0  # an operator lowered the limit
    second["gpus"][0]["processes"] = []
    encoder, decoder = CompactEncoder(), StreamDecoder("n1")
    lines = [line.encode() for s in (first, first, second) for line in encoder.lines(s)]
    assert [line[:1] for line in lines] == [b"{", b"[", b"[", b"{", b"["]
    assert not {"gpus", "node"} & set(json.loads(lines[2])[3])  # nothing slow changed
    out = [decoder.decode(line) for line in lines]
    assert out[0] is None and out[3] is None
    whole = out[4].full()
    assert whole.gpus[1].power_limit_w == 250.0 and whole.gpus[0].processes == ()
    assert out[2].full().gpus[0].processes == out[1].full().gpus[0].processes != ()


def test_what_slow_fields_say_follows_each_change_mid_stream():
    """The decoder keeps per-GPU users, jobs and facts between lines: each change of the slow
    fields (a new main process, a GPU lost, an ECC count on a healthy GPU) shows in the very
    sample that carries it, packed exactly as v1 packs the same sample."""
    probe = build_probe("count=3,load=busy,seed=2,jobs=0-2:77", ["/"], 2.0)
    probe.node.prime()
    try:
        base = json.loads(to_json_line(probe.sample()))
    finally:
        probe.close()
    steps = [json.loads(json.dumps(base)) for _ in range(4)]
    steps[1]["gpus"][0]["processes"] = [
        {"pid": 9, "user": "kim", "used_mib": 10**6, "command": "x", "gpu_instance_id": None,
         "job": "88"}
    ]
    steps[2]["gpus"][1].update({"lost": True, **{k: None for k in ("util_gpu", "temp_c")}})
    steps[3]["gpus"][2]["ecc_uncorrected_volatile"] = 4
    encoder, decoder = CompactEncoder(), StreamDecoder("n1")
    out = []
    for step in steps:
        for line in encoder.lines(step):
            sample = decoder.decode(line.encode())
            if sample is not None:
                out.append(sample)
    v1 = [parse_line(to_json_line(step).encode(), "n1") for step in steps]
    for old, new in zip(v1, out, strict=True):
        assert_same_pack(pack([old]), pack([new]))
        assert pack([new]).job.tolist() == pack([old]).job.tolist()
    assert out[1].users[0] == "kim" and out[1].jobs[0] == "88" and out[0].users[0] != "kim"
    assert (1, Fact.LOST, 1.0) in out[2].facts and out[2].values[1] == [None] * 6
    assert any(f[0] == 2 and f[2] == 4.0 for f in out[3].facts)
