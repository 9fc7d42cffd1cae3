"""nvidia-smi --query-gpu CSV: every real capture parses, by header name, to the probe's fields."""

from __future__ import annotations

import json

import pytest

from console.telemetry import nvsmi
from console.telemetry.probe.fields import GPU_FIELDS
from console.telemetry.probe.smi_csv import smi_header_name, smi_split, smi_value
from tests.paths import FIXTURES
from tests.peers import require_peer

FIXTURES = FIXTURES / "nvidia-smi-query-gpu-csv"
CAPTURES = sorted(FIXTURES.glob("*.csv")) if FIXTURES.is_dir() else []
EXPORTER = (
    "nvidia_gpu_exporter__{os}-x86_64__nvidia-geforce-rtx-{card}__{driver}__{state}__query-gpu.csv"
)


def capture(name):
    path = FIXTURES / name
    if not path.exists():
        require_peer("fixtures", f"not present: {FIXTURES} (see ../shared/fixtures)")
    return path.read_text()


def only_gpu(text, fields=None):
    gpus, driver, problems = nvsmi.parse_query_gpu(text, fields)
    assert problems == [] and len(gpus) == 1
    return gpus[0], driver


@pytest.mark.parametrize(
    "path", CAPTURES or [None], ids=lambda p: p.name[:60] if p else "no-fixtures"
)
def test_every_capture_parses(path):
    if path is None:
        require_peer("fixtures", f"no captures in {FIXTURES} (see ../shared/fixtures)")
    gpu, _ = only_gpu(path.read_text())
    assert set(gpu) == set(GPU_FIELDS)
    assert gpu["index"] == 0 and gpu["name"] and gpu["uuid"].startswith("GPU-")
    assert gpu["pstate"] in {f"P{n}" for n in range(16)}
    assert 0 <= gpu["util_gpu"] <= 100 and 0 < gpu["temp_c"] < 110 and gpu["power_w"] > 0
    assert gpu["mem_used_mib"] >= 0 and gpu["sm_clock_mhz"] > 0


def test_tesla_p100_nounits_capture():
    # header keeps "[MiB]", values carry no units; fan is [N/A]; no memory.total column
    gpu, driver = only_gpu(capture("netdata__tesla-p100.csv"))
    assert driver is None
    assert gpu["name"] == "Tesla P100-PCIE-16GB"
    assert gpu["uuid"] == "GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6"
    assert (gpu["fan_pct"], gpu["pstate"], gpu["mem_used_mib"], gpu["mem_total_mib"]) == (
        None,
        "P0",
        0,
        None,
    )
    assert (gpu["util_gpu"], gpu["util_mem"], gpu["temp_c"], gpu["power_w"]) == (0, 0, 37, 28.16)
    assert (gpu["sm_clock_mhz"], gpu["mem_clock_mhz"]) == (405, 715)


def test_rtx_2080_linux_idle():
    name = EXPORTER.format(os="linux", card="2080-super", driver="595.71.05", state="idle")
    gpu, driver = only_gpu(capture(name))
    assert driver == "595.71.05"
    assert (gpu["name"], gpu["pci_bus_id"]) == ("NVIDIA GeForce RTX 2080 SUPER", "00000000:0C:00.0")
    assert (gpu["util_gpu"], gpu["util_mem"], gpu["mem_used_mib"], gpu["mem_total_mib"]) == (
        0,
        9,
        214,
        8192,
    )
    assert (gpu["temp_c"], gpu["temp_mem_c"], gpu["fan_pct"], gpu["pstate"]) == (40, None, 38, "P8")
    assert (gpu["power_w"], gpu["power_limit_w"]) == (39.32, 250)
    assert (gpu["sm_clock_mhz"], gpu["mem_clock_mhz"]) == (765, 810)
    assert (gpu["clock_event_mask"], gpu["clock_event_reasons"]) == (4, ["sw_power_cap"])
    assert gpu["ecc_uncorrected_volatile"] is None and gpu["remapped_rows"] is None
    assert gpu["mig_mode"] is None  # "[N/A]" on a consumer card


def test_rtx_4080_load_prefers_power_draw_over_instant():
    name = EXPORTER.format(os="linux", card="4080-super", driver="595.71.05", state="load")
    gpu, _ = only_gpu(capture(name))
    assert gpu["power_w"] == 84.24  # power.draw; power.draw.instant says 86.41
    assert (gpu["util_gpu"], gpu["util_mem"], gpu["mem_used_mib"], gpu["mem_total_mib"]) == (
        7,
        2,
        1474,
        16376,
    )
    assert (gpu["sm_clock_mhz"], gpu["mem_clock_mhz"], gpu["fan_pct"]) == (2805, 11251, 0)
    assert gpu["clock_event_reasons"] == []


def test_rtx_2080_windows_newer_driver_idle():
    name = EXPORTER.format(os="windows", card="2080-super", driver="610.62", state="idle")
    gpu, driver = only_gpu(capture(name))
    assert driver == "610.62"
    assert (gpu["mem_used_mib"], gpu["util_mem"], gpu["power_w"]) == (797, 10, 39.25)
    assert gpu["clock_event_reasons"] == ["gpu_idle"]


def test_noheader_capture_with_fields():
    header, row = capture("netdata__tesla-p100.csv").splitlines()[:2]
    fields = [f.strip() for f in header.split(",")]
    gpu, _ = only_gpu(row + "\n", fields)
    assert (gpu["name"], gpu["temp_c"]) == ("Tesla P100-PCIE-16GB", 37)
    gpu, _ = only_gpu(f"{header}\n{row}\n", fields)  # a header present anyway is skipped
    assert gpu["power_w"] == 28.16


def test_synthetic_multi_gpu_capture_with_odd_cells():
    text = (
        "index, name, memory.used [MiB], clocks_throttle_reasons.active, mig.mode.current,"
        " remapped_rows.pending, remapped_rows.uncorrectable,"
        " ecc.errors.uncorrected.volatile.total, some.future.field\n"
        "0, NVIDIA H100 80GB HBM3, 100 MiB, 0x0000000000000060, Enabled, Yes, 2, 3, x\n"
        "Unable to determine the device handle for GPU0000:1B:00.0: Unknown Error\n"
        "2,  NVIDIA H100 80GB HBM3 ,  [Not Supported] , [Unknown Error], Disabled, No, 0, 0, y\n"
    )
    gpus, _, problems = nvsmi.parse_query_gpu(text)
    assert [g["index"] for g in gpus] == [0, 2]
    assert len(problems) == 1 and "Unable to determine" in problems[0]
    hot, other = gpus
    assert hot["clock_event_reasons"] == ["sw_thermal_slowdown", "hw_thermal_slowdown"]
    assert (hot["mig_mode"], hot["ecc_uncorrected_volatile"]) == (True, 3)
    assert hot["remapped_rows"] == {
        "correctable": None,
        "uncorrectable": 2,
        "pending": True,
        "failure": None,
    }
    assert (other["name"], other["mem_used_mib"], other["clock_event_mask"]) == (
        "NVIDIA H100 80GB HBM3",
        None,
        None,
    )
    assert (other["mig_mode"], other["remapped_rows"]["pending"]) == (False, False)


RELIABILITY = (
    "ecc.errors.corrected.volatile.total", "ecc.errors.corrected.aggregate.total",
    "retired_pages.single_bit_ecc.count", "retired_pages.double_bit.count",
    "retired_pages.pending",
)  # fmt: skip


@pytest.mark.parametrize("driver", ["595.71.05", "610.57.04"])
def test_consumer_capture_has_no_sbe_or_retired_pages(driver):
    # the real captures ask every reliability column; a GeForce answers [N/A] to each
    name = EXPORTER.format(os="linux", card="2080-super", driver=driver, state="load")
    text = capture(name)
    header, row = (smi_split(line) for line in text.splitlines()[:2])
    cells = dict(zip(map(smi_header_name, header), row, strict=True))
    assert {cells[f] for f in RELIABILITY} == {"[N/A]"}
    gpu, _ = only_gpu(text)
    assert (gpu["ecc_corrected_volatile"], gpu["ecc_corrected_aggregate"]) == (None, None)
    assert gpu["retired_pages"] is None and gpu["remapped_rows"] is None


def _with_cells(text: str, values: dict[str, str]) -> str:
    """The real capture with some of its cells replaced, as a data-centre board fills them."""
    header, row = text.splitlines()[:2]
    names = [smi_header_name(c) for c in smi_split(header)]
    cells = smi_split(row)
    for name, value in values.items():
        cells[names.index(name)] = value
    return header + "\n" + ", ".join(cells) + "\n"


def test_capture_with_retired_pages_pending():
    # the 610.57 capture names them by their long names (retired_pages.single_bit_ecc.count)
    name = EXPORTER.format(os="linux", card="2080-super", driver="610.57.04", state="idle")
    text = _with_cells(capture(name), {
        "ecc.errors.corrected.volatile.total": "7", "ecc.errors.corrected.aggregate.total": "19",
        "retired_pages.single_bit_ecc.count": "3", "retired_pages.double_bit.count": "1",
        "retired_pages.pending": "Yes",
    })  # fmt: skip
    gpu, _ = only_gpu(text)
    assert (gpu["ecc_corrected_volatile"], gpu["ecc_corrected_aggregate"]) == (7, 19)
    assert gpu["retired_pages"] == {"sbe": 3, "dbe": 1, "pending": True}
    assert gpu["temp_c"] == 33 and gpu["remapped_rows"] is None  # the rest is the capture's


def test_retired_pages_short_names_and_unsupported_cells():
    # the probe asks the short names (retired_pages.sbe); a part [Not Supported] stays null
    text = (
        "index, ecc.errors.corrected.volatile.total, retired_pages.sbe, retired_pages.dbe,"
        " retired_pages.pending\n"
        "0, 12, 2, 0, No\n"
        "1, [Not Supported], [Not Supported], 4, [N/A]\n"
        "2, [N/A], [N/A], [N/A], [N/A]\n"
    )
    a, b, c = nvsmi.parse_query_gpu(text)[0]
    assert (a["ecc_corrected_volatile"], a["retired_pages"]) == (
        12, {"sbe": 2, "dbe": 0, "pending": False})
    assert (b["ecc_corrected_volatile"], b["retired_pages"]) == (
        None, {"sbe": None, "dbe": 4, "pending": None})
    assert (c["ecc_corrected_volatile"], c["retired_pages"]) == (None, None)


def test_probe_line_carries_smi_retired_pages():
    # what the console reads from such a line: the same GpuSample fields NVML's fill
    from console.telemetry.protocol import parse_object

    text = ("index, retired_pages.sbe, retired_pages.dbe, retired_pages.pending,"
            " ecc.errors.corrected.volatile.total\n0, 3, 1, Yes, 7\n")
    gpu = nvsmi.parse_query_gpu(text)[0][0]
    sample = parse_object({"v": 1, "host": "n1", "t": 1.0, "gpus": [gpu], "xid": [],
                           "errors": []}, "n1")
    g = sample.gpus[0]
    assert (g.retired_pages_sbe, g.retired_pages_dbe, g.retired_pages_pending) == (3, 1, True)
    assert g.ecc_corrected_volatile == 7


@pytest.mark.parametrize(
    ("cell", "kind", "value"),
    [
        ("[N/A]", "number", None),
        ("N/A", "number", None),
        ("[Not Supported]", "int", None),
        ("[Requested functionality has been deprecated]", "text", None),
        ("38 %", "number", 38),
        (" 39.32 W ", "number", 39.32),
        ("nan", "number", None),
        ("0x0000000000000004", "mask", 4),
        ("Enabled", "flag", True),
        ("P8", "text", "P8"),
    ],
)
def test_cell_values(cell, kind, value):
    assert smi_value(cell, kind) == value


def test_noheader_without_fields_is_a_problem_not_a_crash():
    gpus, _, problems = nvsmi.parse_query_gpu("0, Tesla T4, 15109 MiB\n")
    assert gpus == [] and "noheader" in problems[0]


def test_command_line(capsys, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("name, index, temperature.gpu\nA, 0, 30\nB, 1, 31\n")
    assert nvsmi.main([str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(g["name"], g["index"], g["temp_c"]) for g in lines] == [("A", 0, 30), ("B", 1, 31)]
    path.write_text("A, 0, 30\n")
    assert nvsmi.main([str(path), "--fields", "name,index,temperature.gpu"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "A"
    assert nvsmi.main([str(path)]) == 1
    assert "noheader" in capsys.readouterr().err
