"""The PDF, read back with poppler: the numbers printed are the model's and the CSV's, the Korean
font is embedded, every page has ink. The command runs as a real process with no display."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from console.history.database import HistoryDB
from console.reports.model import build_report
from console.reports.pdf import render_pdf
from console.reports.period import Period
from console.reports.request import ReportRequest
from tests.report_history import DAY, EXPECTED_DAY, build_history, changes, incidents

NUMBER = re.compile(r"-?\d[\d,]*\.\d")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-pdf-history"))


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def read_pgm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(header.group(1)), int(header.group(2))
    return np.frombuffer(data[header.end() :], np.uint8, count=w * h).reshape(h, w)


def row_numbers(text: str, section: str, label: str) -> list[float]:
    """The numbers on the first line starting with `label` after the heading `section`."""
    after = text[text.index(section) :]
    line = next(x for x in after.splitlines() if x.strip().startswith(label + " "))
    return [float(n.replace(",", "")) for n in NUMBER.findall(line)]


@pytest.fixture(scope="module")
def korean_pdf(history, tmp_path_factory):
    """The command, as an operator runs it over SSH: no DISPLAY, no QT_QPA_PLATFORM."""
    out = tmp_path_factory.mktemp("report-pdf") / "day.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    argv = [sys.executable, "-m", "console.app", "report", "--data-dir", str(history.parent)]
    argv += ["--from", str(DAY), "--to", str(DAY), "--lang", "ko", "-o", str(out)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "CSV 11개" in done.stdout
    return out


def test_printed_sector_totals_equal_the_model_and_the_csv(history, korean_pdf):
    text = pdftotext(korean_pdf)
    csv = pd.read_csv(korean_pdf.with_name("day-csv") / "summary.csv", encoding="utf-8-sig")
    csv = csv.set_index("sector")
    names = {"public": "공공", "interest": "공익", "private": "민간", "total": "합계"}
    for sector, (entitled, allocated, used, util) in EXPECTED_DAY.items():
        printed = row_numbers(text, "1. 부문별 요약", names[sector])
        # entitled, allocated, used, SU, util %, previous used, change %
        assert printed[:5] == [entitled, allocated, used, used, round(util, 1)], sector
        row = csv.loc[sector]
        columns = ["entitled_gpu_h", "allocated_gpu_h", "used_gpu_h", "su", "util_pct"]
        assert printed[:5] == row[columns].tolist(), sector
        assert printed[5:] == [row["prev_used_gpu_h"], row["used_change_pct"]], sector
    assert "미충족" in text and "충족" in text


def test_health_and_changes_are_printed(korean_pdf):
    text = pdftotext(korean_pdf)
    assert row_numbers(text, "4. 안정성", "민간") == [24.0, 6.0, 75.0]  # nodes column is int
    # no incident store and no audit log beside this history: the report says so
    assert "이 기간에 기록된 장애가 없습니다." in text
    assert "이 기간에 용량 변경이 없습니다." in text
    sources = text[text.index("읽은 데이터") :]
    # the row names the store, maybe its path, then its state, on one line
    assert re.search(r"장애 기록[^\n]*(이 콘솔에 없음|파일 없음)", sources)
    assert "hg-" not in text and "prv1" in text  # node names survive text extraction
    assert re.search(r"쪽\s*2\s*/\s*\d+", text)


def test_the_korean_font_is_embedded(korean_pdf):
    fonts = subprocess.run(
        ["pdffonts", str(korean_pdf)], check=True, capture_output=True, text=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_every_page_has_ink(korean_pdf, tmp_path):
    pages = page_count(korean_pdf)
    assert pages >= 5
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", str(korean_pdf), str(tmp_path / "p")], check=True
    )
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == pages
    for image in images:
        pixels = read_pgm(image).astype(float)
        h = len(pixels)
        body = pixels[int(0.08 * h) : int(0.92 * h)]  # below the running header, above the footer
        assert body.std() > 2, f"{image.name} is blank"  # white: 0


def test_english_report_with_the_stores_handed_in(qapp, history, tmp_path):
    db = HistoryDB(history, readonly=True)
    try:
        request = ReportRequest(
            Period("day", DAY, DAY), lang="en", sectors=("public", "private"), centre_name="Test"
        )
        report = build_report(db, request, incidents=incidents(), changes=changes())
    finally:
        db.close()
    out = tmp_path / "en.pdf"
    pages = render_pdf(report, out)
    text = pdftotext(out)
    assert pages == page_count(out) and f"Page 2 of {pages}" in text
    assert "Test · GPU usage report" in text
    assert row_numbers(text, "1. Summary by sector", "Total")[:3] == [108.0, 96.0, 48.0]
    # the sector left out has no rows; a rebalance that moved a node out of it into a chosen
    # sector is still listed, under its own names
    tables = text.split("Summary by sector")[1].split("5. Capacity changes")[0]
    assert "Public-interest" not in tables
    assert "int1 Public-interest→Public" in text.split("5. Capacity changes")[1]
    assert "시청 수요 증가" in text and "int1 Public-interest→Public" in text
    assert row_numbers(text, "Incidents (counts", "Node unreachable") == [6.0, 6.0]
    # int1's throttling is interest's: not in this report (the row stays, with nothing in it)
    assert row_numbers(text, "Incidents (counts", "Thermal throttling") == [0.0, 0.0]
    assert list(tmp_path.iterdir()) == [out]  # the temporary file is gone
