"""The report's idle-allocation section over per-job usage recorded through the real path
(tests/job_usage_history.py), read back from the PDF with poppler and from its CSV files: the
efficiency per sector is used ÷ allocated of the jobs charged there, job 504 (pub1's GPU 1 at
0 % all day) heads the list, in Korean and in English."""

from __future__ import annotations

import pandas as pd
import pytest

from console.reports.make import make_report
from console.reports.pdf import gui_application
from console.reports.period import Period
from console.reports.request import ReportRequest
from tests.job_usage_history import accounts, build_job_usage
from tests.qt.reports.test_pdf import pdftotext
from tests.report_history import DAY, build_history


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("report-idle")
    build_history(d)
    build_job_usage(d)
    return d


@pytest.mark.parametrize(
    ("lang", "title", "org"),
    [
        ("ko", "8. 배정되었으나 쓰지 않은 GPU와 효율", "시청"),
        ("en", "8. Idle-allocated GPUs and efficiency", "City Hall"),
    ],
)
def test_section_in_the_pdf_and_its_csv(data, tmp_path, lang, title, org):
    gui_application()
    out = tmp_path / f"day-{lang}.pdf"
    made = make_report(
        data / "history.sqlite",
        ReportRequest(Period("day", DAY, DAY), lang=lang),
        out,
        tmp_path / "csv",
        accounts=accounts(),
    )
    names = {p.name for p in made.csv_files}
    assert {"idle_jobs.csv", "job_efficiency_by_sector.csv", "job_efficiency_by_org.csv"} <= names
    text = pdftotext(out).replace("ﬃ", "ffi")
    assert title in text
    sectors = pd.read_csv(
        tmp_path / "csv" / "job_efficiency_by_sector.csv", encoding="utf-8-sig"
    ).set_index("sector")
    assert sectors.loc["public", ["held_gpu_h", "used_gpu_h", "zero_gpu_h"]].tolist() == [
        48.0,
        12.0,
        24.0,
    ]
    assert sectors.loc["public", "efficiency_pct"] == 25.0
    assert sectors.loc["private", "efficiency_pct"] == 75.0  # 6 h unreachable: held, not used
    assert sectors.loc["total", "efficiency_pct"] == pytest.approx(66.7)
    jobs = pd.read_csv(tmp_path / "csv" / "idle_jobs.csv", encoding="utf-8-sig", dtype={"job": str})
    assert jobs["job"].tolist() == ["504"]
    assert (jobs.loc[0, "org_name"], jobs.loc[0, "zero_gpu_h"]) == (org, 24.0)
    line = next(x for x in text.splitlines() if x.strip().startswith("504"))
    assert "choi" in line and org in line and "24.0" in line
