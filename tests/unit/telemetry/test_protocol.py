"""Probe lines: strict on what would mislead, lenient on one odd field, bounded in size."""

from __future__ import annotations

import json

import pytest

from console.fleet.model import (
    DiskUse,
    GpuProcess,
    GpuSample,
    MigDevice,
    NodeInfo,
    NodeSample,
    XidEvent,
)
from console.telemetry.protocol import (
    MAX_LINE_BYTES,
    MAX_PROCESSES,
    MAX_XIDS,
    ProtocolError,
    parse_line,
)

T = 1_764_000_000.5
NODE = "hg-pub01"


def h100(index: int) -> dict:
    return {
        "index": index,
        "uuid": f"GPU-5e2c7a4b-91d3-4c1e-8f0a-3b6d2e9c10{index:02d}",
        "name": "NVIDIA H100 80GB HBM3",
        "util_gpu": 93,
        "util_mem": 41,
        "mem_used_mib": 74211,
        "mem_total_mib": 81559,
        "temp_c": 67,
        "temp_mem_c": 74,
        "power_w": 612.43,
        "power_limit_w": 700.0,
        "sm_clock_mhz": 1980,
        "mem_clock_mhz": 2619,
        "pstate": "P0",
        "fan_pct": None,  # H100 SXM has no fan
        "ecc_uncorrected_volatile": 0,
        "ecc_uncorrected_aggregate": 2,
        "remapped_rows": {"correctable": 1, "uncorrectable": 0, "pending": False, "failure": 0},
        "clock_event_reasons": ["sw_power_cap"],
        "clock_event_mask": 4,
        "mig_mode": False,
        "mig_devices": [],
        "processes": [
            {"pid": 48213, "user": "choi.yuna", "used_mib": 73904.0, "command": "python train.py"}
        ],
    }


def full_line() -> dict:
    return {
        "v": 1,
        "host": "gpu-a17.internal",
        "t": T,
        "interval": 2,
        "source": "nvml",
        "gpus": [h100(0), h100(1)],
        "node": {
            "hostname": "gpu-a17",
            "kernel": "6.1.0-28-amd64",
            "driver": "550.127.08",
            "cuda": "12.4",
            "cpu_pct": 37.5,
            "load1": 12.1,
            "load5": 11.8,
            "load15": 10.2,
            "mem_used_bytes": 412_316_860_416,
            "mem_total_bytes": 2_061_584_302_080,
            "swap_used_bytes": 0,
            "swap_total_bytes": 0,
            "disks": [
                {"mount": "/", "used_bytes": 120_000_000_000, "total_bytes": 480_000_000_000}
            ],
            "net_rx_bps": 1.25e9,
            "net_tx_bps": 3.1e8,
            "uptime_s": 1_209_600,
        },
        "xid": [{"gpu": 1, "xid": 79, "t": T - 30}],
        "errors": [{"gpu": 0, "field": "fan_pct", "error": "Not Supported"}, "psutil missing"],
    }


def encode(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


def parse(obj: dict) -> NodeSample:
    return parse_line(encode(obj), NODE)


def test_full_line_becomes_the_right_values():
    sample = parse(full_line())
    expected_gpu0 = GpuSample(
        index=0,
        util_gpu=93.0,
        util_mem=41.0,
        mem_used_mib=74211.0,
        mem_total_mib=81559.0,
        temp_c=67.0,
        power_w=612.43,
        power_limit_w=700.0,
        name="NVIDIA H100 80GB HBM3",
        uuid="GPU-5e2c7a4b-91d3-4c1e-8f0a-3b6d2e9c1000",
        temp_mem_c=74.0,
        sm_clock_mhz=1980.0,
        mem_clock_mhz=2619.0,
        pstate="P0",
        fan_pct=None,
        ecc_uncorrected_volatile=0,
        ecc_uncorrected_aggregate=2,
        remapped_rows_pending=False,
        remapped_rows_failure=False,
        clock_event_reasons=("sw_power_cap",),
        mig_mode=False,
        mig_devices=(),
        processes=(GpuProcess(48213, "choi.yuna", 73904.0, "python train.py"),),
    )
    assert sample.gpus[0] == expected_gpu0
    assert sample.gpus[1].index == 1
    assert sample.info == NodeInfo(
        hostname="gpu-a17",
        kernel="6.1.0-28-amd64",
        driver="550.127.08",
        cuda="12.4",
        load1=12.1,
        load5=11.8,
        load15=10.2,
        mem_used_bytes=412_316_860_416,
        mem_total_bytes=2_061_584_302_080,
        swap_used_bytes=0,
        swap_total_bytes=0,
        disks=(DiskUse("/", 120_000_000_000, 480_000_000_000),),
        net_rx_bps=1.25e9,
        net_tx_bps=3.1e8,
        uptime_s=1_209_600.0,
    )
    assert (sample.host, sample.t, sample.cpu_percent) == (NODE, T, 37.5)
    assert sample.mem_used_frac == pytest.approx(0.2)
    assert sample.xids == (XidEvent(gpu=1, xid=79, t=T - 30),)
    assert sample.errors == ("gpu0.fan_pct: Not Supported", "psutil missing")


def test_host_is_the_inventory_name_never_the_probes():
    line = full_line()
    del line["node"]
    sample = parse(line)
    assert sample.host == NODE
    assert sample.info == NodeInfo(hostname="gpu-a17.internal")


def test_minimal_line_and_mig_devices():
    gpu = {"index": 3, "mig_mode": 1, "mig_devices": [{"index": 0, "mem_total_mib": 9856}]}
    sample = parse_line(json.dumps({"v": 1, "t": T, "gpus": [gpu]}).encode(), NODE)
    assert sample.gpus == (
        GpuSample(index=3, mig_mode=True, mig_devices=(MigDevice(0, mem_total_mib=9856.0),)),
    )
    assert (sample.info, sample.cpu_percent, sample.errors) == (None, None, ())


def oversized_line() -> bytes:
    line = full_line()
    line["source"] = ""
    size = len(encode(line).rstrip(b"\n"))
    line["source"] = "x" * (MAX_LINE_BYTES - size + 1)
    return encode(line)


MALFORMED = {
    "garbage text": (b"Traceback (most recent call last):\n", "not JSON"),
    "truncated JSON": (encode(full_line())[:200], "truncated JSON"),
    "not UTF-8": (b'{"v": 1, "t": 1, "host": "\xff\xfe"}', "not UTF-8 (byte 0xff at offset 26)"),
    "over 1 MiB": (oversized_line(), "over the 1,048,576 limit"),
    "newer protocol": (b'{"v": 2, "t": 1}', "probe speaks protocol v2, console v1"),
    "no version": (b'{"t": 1, "gpus": []}', "no protocol version"),
    "version as text": (b'{"v": "1", "t": 1}', "protocol version must be an integer"),
    "array, not object": (b"[1, 2, 3]", "expected a JSON object, got array"),
    "t as text": (b'{"v": 1, "t": "now"}', "'t' must be the sample time"),
    "t missing": (b'{"v": 1, "gpus": []}', "'t' must be the sample time"),
    "gpus not a list": (b'{"v": 1, "t": 1, "gpus": {"0": {}}}', "'gpus' must be a list"),
    "GPU without index": (b'{"v": 1, "t": 1, "gpus": [{"util_gpu": 5}]}', "no integer 'index'"),
    "GPU index as text": (b'{"v": 1, "t": 1, "gpus": [{"index": "0"}]}', "no integer 'index'"),
    "GPU index twice": (b'{"v": 1, "t": 1, "gpus": [{"index": 0}, {"index": 0}]}', "twice"),
    "GPU index too big": (b'{"v": 1, "t": 1, "gpus": [{"index": 4096}]}', "outside 0–63"),
    "empty line": (b"\n", "empty line"),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    # found by the fuzzer (tests/probe_fuzz.py): math.isfinite() raised OverflowError
    "t a 400-digit integer": (b'{"v": 1, "t": 1' + b"0" * 400 + b"}", "'t' must be the sample"),
    "t in milliseconds": (b'{"v": 1, "t": 1764000000500}', "'t' must be the sample time"),
}


@pytest.mark.parametrize(("line", "message"), MALFORMED.values(), ids=MALFORMED)
def test_malformed_lines_raise_a_clear_error(line, message):
    with pytest.raises(ProtocolError) as exc:
        parse_line(line, NODE)
    assert message in str(exc.value)
    assert len(str(exc.value)) < 200  # short enough for a status line


def test_a_line_of_exactly_the_limit_is_accepted():
    line = oversized_line()
    trimmed = line.replace(b'x"', b'"', 1)
    assert len(trimmed.rstrip(b"\n")) == MAX_LINE_BYTES
    assert parse_line(trimmed, NODE).gpus[0].power_limit_w == 700.0


LENIENT = {
    "text for a number": ("power_w", "N/A", "gpu0.power_w: expected a number, got string 'N/A'"),
    "negative memory": ("mem_used_mib", -512, "gpu0.mem_used_mib: -512 is out of range (≥ 0)"),
    "utilisation over 100": ("util_gpu", 250, "gpu0.util_gpu: 250 is out of range (0–100)"),
    "boolean for a number": ("temp_c", True, "gpu0.temp_c: expected a number, got boolean True"),
    "number for a name": ("name", 42, "gpu0.name: expected a string, got number 42"),
    "text for a flag": (
        "mig_mode",
        "Enabled",
        "gpu0.mig_mode: expected true or false, got 'Enabled'",
    ),
}


@pytest.mark.parametrize(("field", "value", "note"), LENIENT.values(), ids=LENIENT)
def test_one_bad_field_becomes_none_and_a_note(field, value, note):
    line = full_line()
    line["gpus"][0][field] = value
    sample = parse(line)
    assert getattr(sample.gpus[0], field) is None
    assert note in sample.errors
    assert sample.gpus[0].util_mem == 41.0  # the rest of the GPU survives
    assert sample.gpus[1] == parse(full_line()).gpus[1]


def test_numbers_beyond_2_63_become_none_and_a_note():
    """Found by the fuzzer: float() of a 400-digit integer raised OverflowError out of the
    parser, and 1e308 (a finite float) became inf in the float32 arrays of packing."""
    huge = "1" + "0" * 400
    text = encode(full_line()).replace(b'"mem_used_mib": 74211', f'"mem_used_mib": {huge}'.encode())
    text = text.replace(b'"power_w": 612.43', b'"power_w": 1e308', 1)
    text = text.replace(b'"xid": 79', f'"xid": {huge}'.encode())
    text = text.replace(b'"mem_used_bytes": 412316860416', f'"mem_used_bytes": {huge}'.encode())
    sample = parse_line(text, NODE)
    assert (sample.gpus[0].mem_used_mib, sample.gpus[1].mem_used_mib) == (None, None)
    assert sample.gpus[0].power_w is None
    assert sample.info.mem_used_bytes is None
    assert sample.xids == ()
    assert any(e.startswith("gpu0.mem_used_mib: 1000") and "too large" in e for e in sample.errors)
    assert "gpu0.power_w: 1e+308 is too large" in sample.errors
    assert "xid[0]: dropped, no integer 'xid'" in sample.errors


def test_disk_fuller_than_its_size_and_xid_on_no_gpu_are_notes():
    line = full_line()
    line["node"]["disks"][0]["used_bytes"] = 10**18
    line["xid"] = [{"gpu": 4096, "xid": 79}]
    sample = parse(line)
    assert sample.info.disks[0].used_bytes is None
    assert "node.disks[0].used_bytes: more than total_bytes" in sample.errors
    assert sample.xids[0].gpu is None
    assert "xid[0].gpu: expected a GPU index 0–63, got 4096" in sample.errors


def test_nan_and_infinity_from_the_wire_become_none():
    text = encode(full_line()).replace(b'"temp_c": 67', b'"temp_c": NaN', 1)
    text = text.replace(b'"load1": 12.1', b'"load1": -Infinity')
    sample = parse_line(text, NODE)
    assert (sample.gpus[0].temp_c, sample.info.load1) == (None, None)
    assert "gpu0.temp_c: nan is not a finite number" in sample.errors
    assert "node.load1: -inf is not a finite number" in sample.errors


def test_bad_optional_structures_are_dropped_with_notes():
    line = full_line()
    line["node"]["mem_used_bytes"] = line["node"]["mem_total_bytes"] + 1
    line["node"]["disks"].append({"used_bytes": 1})
    line["gpus"][0]["processes"].append({"pid": "48214", "used_mib": 10})
    line["gpus"][0]["remapped_rows"] = "none"
    line["xid"].append({"gpu": 0})
    line["errors"].append(17)
    sample = parse(line)
    assert sample.mem_used_frac is None
    assert len(sample.info.disks) == 1
    assert len(sample.gpus[0].processes) == 1
    assert sample.gpus[0].remapped_rows_pending is None
    assert len(sample.xids) == 1
    assert set(sample.errors) >= {
        "node.mem_used_bytes: more than mem_total_bytes",
        "node.disks[1]: dropped, no 'mount'",
        "gpu0.processes[1]: dropped, no valid 'pid'",
        "gpu0.remapped_rows: expected an object, got string",
        "xid[1]: dropped, no integer 'xid'",
        "errors[2]: dropped, expected a string or an object",
    }


def test_node_section_of_the_wrong_type_is_a_note():
    line = full_line()
    line["node"] = "gpu-a17"
    sample = parse(line)
    assert sample.info == NodeInfo(hostname="gpu-a17.internal")
    assert "node: expected an object, got string" in sample.errors


def test_lost_gpu_keeps_its_index_and_nothing_else():
    line = full_line()
    line["gpus"][1] = {**h100(1), "lost": True}
    sample = parse(line)
    assert sample.gpus[1] == GpuSample(index=1, lost=True)  # the alert rules need to know
    assert "gpu1: lost (the driver can no longer reach it)" in sample.errors
    assert sample.gpus[0].util_gpu == 93.0


def test_lists_are_capped_so_a_node_cannot_blow_up_memory():
    line = full_line()
    line["gpus"][0]["processes"] = [
        {"pid": 1000 + i, "user": "han.dohyun", "used_mib": 80.0} for i in range(MAX_PROCESSES + 88)
    ]
    line["gpus"] += [{"index": i} for i in range(2, 65)]
    line["xid"] = [{"gpu": 0, "xid": 48, "t": T} for _ in range(MAX_XIDS + 1)]
    sample = parse(line)
    assert [g.index for g in sample.gpus] == list(range(64))
    assert len(sample.gpus[0].processes) == MAX_PROCESSES
    assert len(sample.xids) == MAX_XIDS
    assert f"gpu0.processes: {MAX_PROCESSES + 88} entries, kept the first 512" in sample.errors
    assert "gpus: 65 entries, kept the first 64" in sample.errors
    assert f"xid: {MAX_XIDS + 1} entries, kept the first {MAX_XIDS}" in sample.errors


def test_notes_are_capped_too():
    line = full_line()
    line["gpus"][0]["processes"] = [{"pid": -1}] * MAX_PROCESSES
    sample = parse(line)
    assert len(sample.errors) <= 2 + 256 + 1
    assert sample.errors[-1].startswith("… and ") and sample.errors[-1].endswith("more problems")
