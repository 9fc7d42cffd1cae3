"""The report's energy section, read back from the PDF with poppler: the kWh, tCO2e and change
printed are the CSV's, the CSV's are the model's (console.energy.accounting), and the model's GPU
kWh are what the test history's GPUs drew (power × hours)."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from console.history.database import HistoryDB
from console.reports.energy import CO2E_DIGITS
from console.reports.model import build_report
from console.reports.pdf import render_pdf
from console.reports.period import Period
from console.reports.request import ReportRequest
from console.settings import EnergySettings
from tests.qt.reports.test_pdf import pdftotext
from tests.report_history import (
    DAY,
    EXPECTED_KWH_DAY,
    GPU_W,
    STEP,
    build_history,
    changes,
    incidents,
)

NUMBER = re.compile(r"-?\d[\d,]*\.\d+")
PRINTED = ["gpu_kwh", "estimated_pct", "cpu_kwh", "facility_kwh", "co2e_t"]
FRAME_KWH = 800.0 * STEP / 3.6e6  # one frame of a node at full draw: the slack at a gap's ends


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-energy-history"))


@pytest.fixture(scope="module")
def korean(history, tmp_path_factory):
    """The command, with a PUE and grid factor of the centre's own in its settings file."""
    out = tmp_path_factory.mktemp("report-energy") / "day.pdf"
    settings = out.with_name("settings.toml")
    settings.write_text("[energy]\npue = 1.3\ngrid_kgco2e_per_kwh = 0.5\n", encoding="utf-8")
    argv = [sys.executable, "-m", "console.app", "report", "--data-dir", str(history.parent)]
    argv += ["--from", str(DAY), "--to", str(DAY), "--lang", "ko", "-o", str(out)]
    argv += ["--settings", str(settings)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    db = HistoryDB(history, readonly=True)
    try:
        request = ReportRequest(Period("day", DAY, DAY), lang="ko")
        model = build_report(db, request, energy=EnergySettings(1.3, 0.5)).energy
    finally:
        db.close()
    csv = pd.read_csv(out.with_name("day-csv") / "energy.csv", encoding="utf-8-sig")
    return pdftotext(out), csv.set_index("sector"), model.set_index("sector")


def section_line(text: str, heading: str, label: str) -> list[float]:
    after = text[text.index(heading) :]
    line = next(x for x in after.splitlines() if x.strip().startswith(label + " "))
    return [float(n.replace(",", "")) for n in NUMBER.findall(line)]


def test_printed_energy_equals_the_csv_and_the_model(korean):
    text, csv, model = korean
    names = {"public": "공공", "interest": "공익", "private": "민간", "total": "합계"}
    for sector, label in names.items():
        printed = section_line(text, "6. 에너지와 탄소", label)
        row = csv.loc[sector]
        want = [*row[PRINTED], row["prev_facility_kwh"], row["change_pct"]]
        assert printed == want, sector
        digits = {"co2e_t": CO2E_DIGITS}
        for column in [*PRINTED, "prev_facility_kwh", "change_pct", "it_kwh"]:
            assert row[column] == round(float(model.loc[sector, column]), digits.get(column, 1))
    # the total is the sectors' sum, and carbon is facility kWh × the settings' factors
    body = model.drop(index="total")
    for column in ("gpu_kwh", "cpu_kwh", "facility_kwh", "co2e_t"):
        assert model.loc["total", column] == pytest.approx(body[column].sum())
    it = model["gpu_kwh"] + model["cpu_kwh"]
    assert model["facility_kwh"].to_numpy() == pytest.approx((it * 1.3).to_numpy())
    assert model["co2e_t"].to_numpy() == pytest.approx((it * 1.3 * 0.5 / 1000).to_numpy())


def test_gpu_energy_is_what_the_gpus_drew(korean):
    _, _, model = korean
    for sector, (gpu_kwh, _cpu) in EXPECTED_KWH_DAY.items():
        assert model.loc[sector, "gpu_kwh"] == pytest.approx(gpu_kwh, abs=2 * FRAME_KWH), sector
    assert sum(GPU_W["pub1"]) * 24 / 1000 == EXPECTED_KWH_DAY["public"][0]
    # private lost 6 hours on the 29th, not the 28th: its change is about -25 %
    assert model.loc["private", "change_pct"] == pytest.approx(-25.0, abs=1.0)
    assert model.loc["public", "change_pct"] == pytest.approx(0.0, abs=0.5)


def test_the_appendix_states_the_method_and_the_centres_own_factors(korean):
    text, _, _ = korean
    appendix = re.sub(r"\s+", " ", text[text.index("부록") :])
    assert "nvmlDeviceGetTotalEnergyConsumption" in appendix and "RAPL" in appendix
    assert "3/7" in appendix  # the MIG split
    assert "PUE 1.3 (센터 설정 파일의 자체 값)" in appendix
    assert "0.5 kgCO2e/kWh (센터 설정 파일의 자체 값)" in appendix


def test_english_energy_page_with_the_default_factors(qapp, history, tmp_path):
    db = HistoryDB(history, readonly=True)
    try:
        request = ReportRequest(Period("day", DAY, DAY), lang="en", sectors=("interest",))
        report = build_report(db, request, incidents=incidents(), changes=changes())
    finally:
        db.close()
    out = tmp_path / "en.pdf"
    render_pdf(report, out)
    text = pdftotext(out)
    assert list(report.energy["sector"]) == ["interest", "total"]
    printed = section_line(text, "6. Energy and carbon", "Public-interest")
    assert printed[0] == round(float(report.energy.loc[0, "gpu_kwh"]), 1)
    assert section_line(text, "6. Energy and carbon", "Total")[0] == printed[0]
    flat = re.sub(r"\s+", " ", text)
    assert "PUE 1.58 (the average of the Uptime Institute Global Data Center Survey 2023)" in flat
    assert "Greenhouse Gas Inventory and Research Center (GIR)" in flat
