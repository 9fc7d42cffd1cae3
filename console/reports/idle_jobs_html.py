"""The report's idle-allocation section as HTML for QTextDocument: efficiency per sector and
organisation, and the jobs with the most GPU-hours at 0 %. The numbers are export.tables()'
idle_jobs, job_efficiency_by_sector and job_efficiency_by_org frames, the CSV files'."""

from __future__ import annotations

from html import escape

import pandas as pd

from console.history.job_usage_db import IDLE_MEM_MIB, IDLE_UTIL_PCT
from console.i18n.catalogue import Msg, translate
from console.reports.html_table import NUMERIC, _cell, section
from console.reports.model import Report

WORDS: dict[str, Msg] = {
    "title": translate("ReportIdleJobs", "8. Idle-allocated GPUs and efficiency"),
    "by_sector": translate("ReportIdleJobs", "Efficiency by sector"),
    "top": translate("ReportIdleJobs", "Jobs with the most GPU-hours at 0 %"),
    "by_org": translate("ReportIdleJobs", "Efficiency by organisation"),
    "none_recorded": translate(
        "ReportIdleJobs",
        "The console recorded no per-job usage: it does so while it reads "
        "Slurm's running jobs (scontrol show job -d).",
    ),
    "no_jobs": translate("ReportIdleJobs", "No Slurm job held GPUs in this period."),
    "no_idle": translate(
        "ReportIdleJobs", "No job held its GPUs all at ~0 % for {m} minutes or more."
    ),
    "method": translate(
        "ReportIdleJobs",
        "From the console's samples of the GPUs Slurm allocated to each job "
        "(scontrol show job -d). Efficiency = used ÷ allocated GPU-hours, used being "
        "utilisation × time. A GPU is at ~0 % below {util} % utilisation and {mem} MiB of "
        "memory; GPU-hours at 0 % count each such GPU. Jobs are listed when all their GPUs were "
        "at ~0 % for {m} minutes or more in the period (hours at 0 %). Jobs are charged to "
        "organisations and sectors by their account, else their partition.",
    ),
    "unmapped": translate("ReportIdleJobs", "(unmapped account)"),
}
HEADERS: dict[str, Msg] = {
    "sector_name": translate("ReportIdleJobs", "Sector"),
    "org_name": translate("ReportIdleJobs", "Organisation"),
    "job": translate("ReportIdleJobs", "Job"),
    "user": translate("ReportIdleJobs", "User"),
    "account": translate("ReportIdleJobs", "Account"),
    "jobs": translate("ReportIdleJobs", "Jobs"),
    "gpus": translate("ReportIdleJobs", "GPUs"),
    "held_gpu_h": translate("ReportIdleJobs", "Allocated GPU-h"),
    "used_gpu_h": translate("ReportIdleJobs", "Used GPU-h"),
    "zero_gpu_h": translate("ReportIdleJobs", "GPU-h at 0 %"),
    "idle_h": translate("ReportIdleJobs", "Hours at 0 %"),
    "efficiency_pct": translate("ReportIdleJobs", "Efficiency %"),
}
SECTOR_COLUMNS = [
    ("sector_name", "text"),
    ("jobs", "int"),
    ("held_gpu_h", "num"),
    ("used_gpu_h", "num"),
    ("zero_gpu_h", "num"),
    ("efficiency_pct", "num"),
]
ORG_COLUMNS = [("sector_name", "text"), ("org_name", "text"), *SECTOR_COLUMNS[1:]]
JOB_COLUMNS = [
    ("job", "text"),
    ("user", "text"),
    ("account", "text"),
    ("org_name", "text"),
    ("sector_name", "text"),
    ("gpus", "int"),
    ("held_gpu_h", "num"),
    ("zero_gpu_h", "num"),
    ("idle_h", "num"),
    ("efficiency_pct", "num"),
]
ORGS_SHOWN = 20


def _table(
    frame: pd.DataFrame, columns: list[tuple[str, str]], lang: str, total: bool = False
) -> str:
    head = "".join(
        f'<th class="{"num" if kind in NUMERIC else ""}">{escape(HEADERS[c].into(lang))}</th>'
        for c, kind in columns
    )
    rows, last = [], len(frame) - 1
    for i, (_, row) in enumerate(frame.iterrows()):
        cls = ' class="total"' if total and i == last else ""
        rows.append(f"<tr{cls}>{''.join(_cell(row[c], kind, lang) for c, kind in columns)}</tr>")
    return (
        '<table class="data" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def idle_jobs_section(report: Report, shown: dict[str, pd.DataFrame]) -> str:
    idle = report.idle_jobs
    if idle is None:
        return ""
    lang = report.request.lang
    w = {k: m.into(lang) for k, m in WORDS.items()}
    out = [section(w["title"], new_page=True)]
    minutes = f"{idle.min_minutes:g}"
    if not idle.recorded or idle.jobs == 0:
        out.append(f"<p>{escape(w['none_recorded'] if not idle.recorded else w['no_jobs'])}</p>")
    else:
        out.append(f"<h3>{escape(w['by_sector'])}</h3>")
        out.append(_table(shown["job_efficiency_by_sector"], SECTOR_COLUMNS, lang, total=True))
        out.append(f"<h3>{escape(w['top'])}</h3>")
        top = shown["idle_jobs"]
        if top.empty:
            out.append(f"<p>{escape(WORDS['no_idle'].into(lang, m=minutes))}</p>")
        else:
            out.append(_table(top, JOB_COLUMNS, lang))
        out.append(f"<h3>{escape(w['by_org'])}</h3>")
        out.append(_table(shown["job_efficiency_by_org"].head(ORGS_SHOWN), ORG_COLUMNS, lang))
    method = WORDS["method"].into(
        lang, util=f"{IDLE_UTIL_PCT:g}", mem=f"{IDLE_MEM_MIB:g}", m=minutes
    )
    out.append(f'<p class="note">{escape(method)}</p>')
    return "".join(out)


def idle_tables(report: Report, names: dict[str, str], no_org: str) -> dict[str, pd.DataFrame]:
    """The section's CSV frames (export.tables adds them), names in the report's language."""
    from console.i18n.names import sector_name

    idle = report.idle_jobs
    if idle is None:
        return {}
    lang = report.request.lang
    unmapped = WORDS["unmapped"].into(lang)

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        at = list(out.columns).index("sector") + 1
        out.insert(
            at, "sector_name", [sector_name(s, lang) if s else unmapped for s in out["sector"]]
        )
        if "org" in out:
            at = list(out.columns).index("org") + 1
            out.insert(at, "org_name", [names.get(o, o) if o else no_org for o in out["org"]])
        return out.round(1)

    sectors = idle.sectors.drop(columns=["org"])
    return {
        "idle_jobs": named(idle.top),
        "job_efficiency_by_sector": named(sectors),
        "job_efficiency_by_org": named(idle.orgs),
    }
