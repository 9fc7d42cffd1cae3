"""A report as the rich-text HTML that QTextDocument lays out (Qt's HTML subset: tables with
<thead> repeat their header on every page; page-break-before starts a section on a new page).

No Qt here: charts are <img src="chart:NAME"> placeholders that pdf.py fills with images, at
the sizes CHARTS gives (in CSS pixels, 96 per inch). The numbers come from export.tables(), the
frames the CSV files hold, so the PDF and the CSV cannot disagree.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from console.i18n.names import audit_action_name, sector_name, store_status_name
from console.reports.energy_html import energy_method_items, energy_section
from console.reports.export import tables
from console.reports.html_table import data_table, section
from console.reports.idle_jobs_html import idle_jobs_section
from console.reports.model import Report
from console.reports.reconcile_html import reconcile_section
from console.reports.sources import GIVEN, READ
from console.reports.text import (
    default_centre,
    method,
    moment_text,
    number,
    period_text,
    words,
)
from console.reports.whatif_text import whatif_method_html

CONTENT_WIDTH = 680  # CSS px between the page margins (A4 less 2 × 15 mm)
CHARTS = {  # name → (width, height) in CSS px
    "util": (CONTENT_WIDTH, 250),
    "alloc": (CONTENT_WIDTH, 330),
    "heat": (CONTENT_WIDTH, 820),
}
LONGEST_INCIDENTS = 25

STYLE = """
body { font-size: 9pt; color: #1d232b; }
h1 { font-size: 22pt; font-weight: 600; color: #0b3d66; }
h2 { font-size: 13pt; font-weight: 600; color: #0b3d66; margin-top: 14px; margin-bottom: 6px; }
h3 { font-size: 10.5pt; font-weight: 600; margin-top: 10px; margin-bottom: 4px; }
p.note { font-size: 8pt; color: #55606c; }
table.data { border-collapse: collapse; }
table.data th { background-color: #e3ebf3; font-weight: 600; border: 0.5px solid #9aa8b6;
  padding: 3px; }
table.data td { border: 0.5px solid #c3ccd6; padding: 3px; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: 600; background-color: #f1f4f7; }
td.bad { color: #b3261e; font-weight: 600; }
td.good { color: #1b6e33; }
"""


def _img(name: str) -> str:
    w, h = CHARTS[name]
    return f'<p align="center"><img src="chart:{name}" width="{w}" height="{h}"></p>'


def key_figures(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    """The period in four numbers, from the same rows the sections print."""
    w = words(report.request.lang)
    total = shown["summary"].iloc[-1]
    available = shown["availability"].iloc[-1]
    status = report.stores.set_index("store")["status"].get("incidents")
    recorded = status in (READ, GIVEN)  # no store: "–", not a reassuring 0
    figures = [
        (w["key_used"], number(total["used_gpu_h"])),
        (w["key_util"], number(total["util_pct"])),
        (w["key_available"], number(available["availability_pct"])),
        (w["key_incidents"], f"{len(shown['incidents']):,}" if recorded else "–"),
    ]
    cells = "".join(
        f'<td width="25%" style="padding:10px; background-color:#eef3f8">'
        f'<p style="font-size:8.5pt; color:#55606c">{escape(k)}</p>'
        f'<p style="font-size:17pt; font-weight:600; color:#0b3d66">{v}</p></td>'
        for k, v in figures
    )
    return f'<table width="100%" cellspacing="6" style="margin-top:40px"><tr>{cells}</tr></table>'


def cover(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    req = report.request
    lang = req.lang
    w = words(lang)
    centre = req.centre_name or default_centre(lang)
    sectors = (
        w["all_sectors"]
        if req.all_sectors
        else ", ".join(sector_name(s, lang) for s in req.ordered_sectors())
    )
    rows = [
        (w["period"], period_text(req.period.first, req.period.last, lang)),
        (w["sectors"], sectors),
        (w["generated_at"], moment_text(report.generated_at, req.tz, lang)),
        (w["generated_by"], req.generated_by or "–"),
        (w["time_zone"], req.tz),
    ]
    items = "".join(
        f'<tr><td style="color:#55606c; padding:4px 16px 4px 0">{escape(k)}</td>'
        f'<td style="padding:4px 0">{escape(v)}</td></tr>'
        for k, v in rows
    )
    return (
        '<p style="margin-top:180px; font-size:14pt; color:#55606c">'
        f"{escape(centre)}</p><h1>{escape(w['title'])}</h1>"
        f'<table style="margin-top:24px; font-size:11pt">{items}</table>'
        + key_figures(report, shown)
    )


def summary_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = words(lang)
    frame = shown["summary"]
    columns = [
        ("sector_name", "sector", "text"),
        ("entitled_gpu_h", "entitled_gpu_h", "num"),
        ("allocated_gpu_h", "allocated_gpu_h", "num"),
        ("used_gpu_h", "used_gpu_h", "num"),
        ("su", "su", "num"),
        ("util_pct", "util_pct", "num"),
        ("entitlement_met", "entitlement_met", "met"),
        ("prev_used_gpu_h", "prev_used_gpu_h", "num"),
        ("used_change_pct", "used_change_pct", "num"),
    ]
    prev = report.previous
    notes = [w["summary_note"].format(previous=period_text(prev.first, prev.last, lang))]
    if min(report.coverage, report.previous_coverage) < 99.95:
        notes.append(
            w["coverage_note"].format(now=report.coverage, before=report.previous_coverage)
        )
    return (
        section(w["summary"], new_page=True)
        + data_table(frame, columns, lang, total=True)
        + "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    )


def charts_section(report: Report) -> str:
    w = words(report.request.lang)
    hours = report.step // 3600
    return (
        section(w["charts"])
        + f"<h3>{escape(w['util_chart'].format(step=hours))}</h3>"
        + _img("util")
        + f"<h3>{escape(w['alloc_chart'].format(step=hours))}</h3>"
        + _img("alloc")
        + f'<h3 style="page-break-before: always">{escape(w["heat_chart"])}</h3>'
        + _img("heat")
    )


def top_orgs_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = words(lang)
    frame = shown["top_organisations"]
    out = [section(w["top_orgs"], new_page=True)]
    columns = [
        ("rank", "rank", "int"),
        ("org_name", "org", "text"),
        ("used_gpu_h", "used_gpu_h", "num"),
        ("share_pct", "share_pct", "num"),
        ("su", "su", "num"),
        ("util_pct", "util_pct", "num"),
    ]
    for sector in report.request.ordered_sectors():
        out.append(f"<h3>{escape(sector_name(sector, lang))}</h3>")
        rows = frame[frame["sector"] == sector]
        if rows.empty:
            out.append(f"<p>{escape(w['no_use'])}</p>")
        else:
            out.append(data_table(rows, columns, lang))
    return "".join(out)


def health_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = words(lang)
    out = [section(w["health"], new_page=True), f"<h3>{escape(w['availability'])}</h3>"]
    out.append(
        data_table(
            shown["availability"],
            [
                ("sector_name", "sector", "text"),
                ("nodes", "nodes", "int"),
                ("recorded_node_h", "recorded_node_h", "num"),
                ("down_node_h", "down_node_h", "num"),
                ("availability_pct", "availability_pct", "num"),
            ],
            lang,
            total=True,
        )
    )
    out.append(f"<h3>{escape(w['least_available'])}</h3>")
    worst = report.least_available
    if worst.empty:
        out.append(f"<p>{escape(w['all_available'])}</p>")
    else:
        worst = worst.assign(sector_name=worst["sector"].map(lambda s: sector_name(s, lang)))
        worst = worst.round(1)
        out.append(
            data_table(
                worst,
                [
                    ("node", "node", "text"),
                    ("sector_name", "sector", "text"),
                    ("down_h", "down_h", "num"),
                    ("availability_pct", "availability_pct", "num"),
                ],
                lang,
            )
        )
    out.append(f"<h3>{escape(w['incidents'])}</h3>")
    incidents = shown["incidents"]
    if incidents.empty:
        out.append(f"<p>{escape(w['no_incidents'])}</p>")
        return "".join(out)
    out.append(
        data_table(
            shown["incident_types"],
            [
                ("rule_name", "rule", "text"),
                ("count", "count", "int"),
                ("open_at_end", "open_at_end", "int"),
                ("nodes", "nodes", "int"),
                ("total_h", "total_h", "num"),
                ("longest_h", "longest_h", "num"),
            ],
            lang,
        )
    )
    longest = incidents.head(LONGEST_INCIDENTS).copy()
    longest["where"] = [
        n if pd.isna(g) else f"{n} GPU {int(g)}"
        for n, g in zip(longest["node"], longest["gpu"], strict=True)
    ]
    longest["end_or_open"] = longest["end"].replace("", w["open"])
    shown_n = len(longest)
    out.append(
        f"<h3>{escape(w['longest_incidents'].format(shown=shown_n, total=len(incidents)))}</h3>"
    )
    out.append(
        data_table(
            longest,
            [
                ("rule_name", "rule", "text"),
                ("severity_name", "severity", "text"),
                ("where", "node", "text"),
                ("start", "start", "text"),
                ("duration_h", "duration_h", "num"),
            ],
            lang,
        )
    )
    return "".join(out)


def changes_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = words(lang)
    out = [section(w["changes"], new_page=True)]
    changes = shown["capacity_changes"]
    if changes.empty:
        out.append(f"<p>{escape(w['no_changes'])}</p>")
        return "".join(out)
    changes = changes.assign(
        # "interrupted": a crash mid-apply, recorded by the recovery before its outcome
        action_name=changes["action"].map(lambda a: audit_action_name(a, lang))
    )
    out.append(
        data_table(
            changes,
            [
                ("time", "when", "text"),
                ("user", "user", "text"),
                ("action_name", "action", "text"),
                ("moves_text", "moves", "text"),
                ("reason", "reason", "text"),
                ("result_name", "result", "text"),
            ],
            lang,
        )
    )
    return "".join(out)


def appendix(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    lang = report.request.lang
    w = words(lang)
    items = "".join(f"<li>{escape(m.format(tz=report.request.tz))}</li>" for m in method(lang))
    items += energy_method_items(report)
    sources = shown["sources"]
    stores = sources.assign(status_name=sources["status"].map(lambda s: store_status_name(s, lang)))
    return (
        section(w["appendix"], new_page=True)
        + f"<ul>{items}</ul>"
        + whatif_method_html(report.job_history, lang)
        + f"<h3>{escape(w['sources'])}</h3>"
        + data_table(
            stores,
            [
                ("store_name", "store", "text"),
                ("path", "path", "text"),
                ("status_name", "status", "text"),
                ("rows", "rows", "int"),
            ],
            lang,
        )
        + f'<p class="note">{escape(w["csv_note"])}</p>'
    )


def report_html(report: Report) -> str:
    shown = tables(report)
    body = [
        cover(report, shown),
        summary_section(report, shown),
        charts_section(report),
        top_orgs_section(report, shown),
        health_section(report, shown),
        changes_section(report, shown),
        energy_section(report, shown),
        reconcile_section(report),
        idle_jobs_section(report, shown),
        appendix(report, shown),
    ]
    return f"<html><head><style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
