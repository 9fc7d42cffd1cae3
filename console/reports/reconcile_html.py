"""The reconciliation section as HTML for QTextDocument, and its CSV frame as printed (names in
the report's language beside the ids). Numbers: console/reports/reconcile.py."""

from __future__ import annotations

from html import escape

import pandas as pd

from console.i18n.catalogue import Msg, say, translate
from console.i18n.names import sector_name
from console.reports.reconcile import WHY, reconcile_frame
from console.reports.text import number
from console.scheduler.reasons import reason_name

WORDS: dict[str, Msg] = {
    "title": translate("ReportReconcile", "7. Slurm's books beside the console's"),
    "absent": translate(
        "ReportReconcile",
        "Slurm's books are absent from this report: it was made without --from-slurm (or the "
        "fleet file has no [slurm] table), so only the console's own accounting is shown.",
    ),
    "failed": translate("ReportReconcile", "Slurm's books could not be read: {error}"),
    "how": translate("ReportReconcile", "Read from {how}, at {at}."),
    "lead": translate(
        "ReportReconcile",
        "Allocated GPU-hours per sector as Slurm's accounting holds them (sacct, each job "
        "clipped to the period) and as the console counted them from its samples; efficiency is "
        "the console's used GPU-hours ÷ Slurm's allocated; idle-allocated is what Slurm "
        "allocated minus the GPU-hours the GPUs were busy.",
    ),
    "waits": translate(
        "ReportReconcile",
        "Waits: submit → start of the jobs that started in the period (p50, p90, minutes); "
        "pending: the jobs in the queue when the report was made, and the reason holding the "
        "most GPUs.",
    ),
    "rules": translate("ReportReconcile", "Charged by Slurm: {rules}."),
    "coverage": translate("ReportReconcile", "The console recorded {pct} % of the period's hours."),
    "queue_failed": translate("ReportReconcile", "The queue could not be read: {error}"),
    "unmapped_name": translate("ReportReconcile", "(unmapped)"),
    "total": translate("ReportReconcile", "Total"),
}
RULE_NAMES: dict[str, Msg] = {
    "organisation account": translate("ReportReconcile", "organisation account"),
    "sector account": translate("ReportReconcile", "sector account"),
    "partition": translate("ReportReconcile", "partition"),
    "unmapped": translate("ReportReconcile", "unmapped"),
}
HOURS: list[tuple[str, Msg, str]] = [
    ("sector_name", translate("ReportReconcile", "Sector"), "text"),
    ("slurm_gpu_h", translate("ReportReconcile", "Slurm GPU-h"), "num"),
    ("console_gpu_h", translate("ReportReconcile", "Console GPU-h"), "num"),
    ("difference_gpu_h", translate("ReportReconcile", "Difference GPU-h"), "num"),
    ("efficiency_pct", translate("ReportReconcile", "Efficiency %"), "num"),
    ("idle_allocated_gpu_h", translate("ReportReconcile", "Idle-allocated GPU-h"), "num"),
]
WAITS: list[tuple[str, Msg, str]] = [
    ("sector_name", translate("ReportReconcile", "Sector"), "text"),
    ("jobs_started", translate("ReportReconcile", "Jobs started"), "int"),
    ("wait_p50_min", translate("ReportReconcile", "Wait p50 (min)"), "num"),
    ("wait_p90_min", translate("ReportReconcile", "Wait p90 (min)"), "num"),
    ("pending_jobs", translate("ReportReconcile", "Pending jobs"), "int"),
    ("pending_gpus", translate("ReportReconcile", "Pending GPUs"), "int"),
    ("top_reason_name", translate("ReportReconcile", "Main reason"), "text"),
]
WAITS_TITLE = translate("ReportReconcile", "Waits and the queue")
RULE_HOURS = translate("ReportReconcile", "{rule} {hours} GPU-h")
WHY_HEADER = translate("ReportReconcile", "Why they differ")
DIGITS = 1


def shown_frame(report) -> pd.DataFrame | None:
    """The reconciliation as the CSV holds it (None: no Slurm books were given)."""
    slurm = getattr(report, "slurm", None)
    if slurm is None or slurm.books is None:
        return None
    lang = report.request.lang
    frame = reconcile_frame(
        slurm, report.summary, report.coverage, tuple(report.request.ordered_sectors())
    )
    names = []
    for key in frame["sector"]:
        if key == "total":
            names.append(WORDS["total"].into(lang))
        elif key == "unmapped":
            names.append(WORDS["unmapped_name"].into(lang))
        else:
            names.append(sector_name(key, lang))
    frame.insert(1, "sector_name", names)
    frame.insert(
        frame.columns.get_loc("why") + 1,
        "why_text",
        [WHY[w].into(lang) if w in WHY else "" for w in frame["why"]],
    )
    frame["top_reason_name"] = [reason_name(r, lang) if r else "" for r in frame["top_reason"]]
    for column in frame.columns:
        if column.endswith(("_gpu_h", "_pct", "_min")):
            frame[column] = pd.to_numeric(frame[column]).round(DIGITS)
    return frame


def _cell(value: object, kind: str) -> str:
    if kind == "num":
        return f'<td class="num">{number(value)}</td>'
    if kind == "int":
        return f'<td class="num">{"–" if pd.isna(value) else f"{int(value):,}"}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(frame: pd.DataFrame, columns: list[tuple[str, Msg, str]], lang: str) -> str:
    head = "".join(
        f'<th class="{"num" if kind != "text" else ""}">{escape(m.into(lang))}</th>'
        for _, m, kind in columns
    )
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cls = ' class="total"' if i == len(frame) - 1 else ""
        rows.append(f"<tr{cls}>" + "".join(_cell(row[c], k) for c, _, k in columns) + "</tr>")
    return (
        '<table class="data" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def reconcile_section(report) -> str:
    lang = report.request.lang
    w = {k: m for k, m in WORDS.items()}
    slurm = getattr(report, "slurm", None)
    title = escape(w["title"].into(lang))
    if slurm is None or slurm.books is None:  # a line under the energy, not a page of its own
        text = w["absent"].into(lang) if slurm is None else say(slurm.problem, lang)
        return f"<h2>{title}</h2><p>{escape(text)}</p>"
    out = [f'<h2 style="page-break-before: always">{title}</h2>']
    frame = shown_frame(report)
    out.append(f"<p>{escape(w['lead'].into(lang))}</p>")
    out.append(_table(frame, HOURS, lang))
    why = [(r["sector_name"], r["why_text"]) for _, r in frame.iterrows() if r["why_text"]]
    out.append(f"<h3>{escape(WHY_HEADER.into(lang))}</h3><ul>")
    out += [f"<li><b>{escape(s)}</b>: {escape(t)}</li>" for s, t in why]
    out.append("</ul>")
    out.append(f"<h3>{escape(WAITS_TITLE.into(lang))}</h3>" + _table(frame, WAITS, lang))
    rules = ", ".join(
        RULE_HOURS.into(
            lang, rule=RULE_NAMES[r].into(lang) if r in RULE_NAMES else r, hours=number(h)
        )
        for r, h in slurm.books.by_rule.items()
    )
    notes = [w["waits"].into(lang)]
    if rules:
        notes.append(w["rules"].into(lang, rules=rules))
    notes.append(w["coverage"].into(lang, pct=f"{report.coverage:.1f}"))
    if slurm.queue_problem:
        notes.append(w["queue_failed"].into(lang, error=say(slurm.queue_problem, lang)))
    if slurm.how:
        at = pd.Timestamp(slurm.read_at, unit="s", tz=report.request.tz).strftime("%Y-%m-%d %H:%M")
        notes.append(w["how"].into(lang, how=say(slurm.how, lang), at=at))
    out += [f'<p class="note">{escape(n)}</p>' for n in notes]
    return "".join(out)
