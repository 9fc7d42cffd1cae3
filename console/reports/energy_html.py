"""The report's energy section and its method items, as HTML for QTextDocument. The numbers are
export.tables()["energy"], the frame the energy CSV holds."""

from __future__ import annotations

from html import escape

import pandas as pd

from console.reports.energy_text import energy_method, energy_words
from console.reports.html_table import data_table, section
from console.reports.model import Report
from console.reports.text import period_text, words

COLUMNS = [
    ("sector_name", "sector", "text"),
    ("gpu_kwh", "gpu_kwh", "num"),
    ("estimated_pct", "estimated_pct", "num"),
    ("cpu_kwh", "cpu_kwh", "num"),
    ("facility_kwh", "facility_kwh", "num"),
    ("co2e_t", "co2e_t", "num3"),
    ("prev_facility_kwh", "prev_facility_kwh", "num"),
    ("change_pct", "change_pct", "num"),
]


def energy_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = energy_words(lang)
    frame = shown["energy"]
    out = [section(w["energy"], new_page=True)]
    if frame.empty or not frame["gpu_kwh"].iloc[-1] + frame["cpu_kwh"].iloc[-1] > 0:
        out.append(f"<p>{escape(w['no_energy'])}</p>")
    out.append(data_table(frame, COLUMNS, lang, total=True))
    settings, prev = report.energy_settings, report.previous
    note = w["energy_note"].format(
        pue=f"{settings.pue:g}",
        grid=f"{settings.grid_kgco2e_per_kwh:g}",
        previous=period_text(prev.first, prev.last, lang),
    )
    notes = [note]
    if min(report.coverage, report.previous_coverage) < 99.95:  # a change from part of a period
        notes.append(
            words(lang)["coverage_note"].format(
                now=report.coverage, before=report.previous_coverage
            )
        )
    out += [f'<p class="note">{escape(n)}</p>' for n in notes]
    return "".join(out)


def energy_method_items(report: Report) -> str:
    items = energy_method(report.energy_settings, report.request.lang)
    return "".join(f"<li>{escape(m)}</li>" for m in items)
