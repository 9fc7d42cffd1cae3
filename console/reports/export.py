"""A report's tables as printed: numbers rounded as the PDF shows them, names in the report's
language beside the ids. The PDF renders these frames and the CSV files are these frames, so
every number in the PDF has its row in a CSV file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from console.i18n.names import (
    apply_result_name,
    rule_name,
    sector_name,
    severity_name,
    store_name,
)
from console.reports.energy import CO2E_DIGITS
from console.reports.idle_jobs_html import idle_tables
from console.reports.model import Report
from console.reports.text import short_moment, words

DIGITS = 1  # GPU-hours, SUs, percentages, GPUs, hours: one decimal everywhere


def _rounded(frame: pd.DataFrame, digits: dict[str, int] | None = None) -> pd.DataFrame:
    """Floats to DIGITS decimals, or to the decimals `digits` gives a column."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round((digits or {}).get(column, DIGITS))
    return out


def _with_sector_name(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    at = list(out.columns).index("sector") + 1
    out.insert(at, "sector_name", out["sector"].map(lambda s: sector_name(s, lang)))
    return out


def org_names(report: Report) -> dict[str, str]:
    orgs = report.organisations
    column = "name_ko" if report.request.lang == "ko" else "name_en"
    return dict(zip(orgs["id"], orgs[column], strict=True))


def tables(report: Report) -> dict[str, pd.DataFrame]:
    """File stem → frame, in the order the report shows them."""
    lang, tz = report.request.lang, report.request.tz
    names = org_names(report)
    no_org = words(lang)["no_org"]

    series = report.series.copy()
    series.insert(0, "time", [short_moment(t, tz) for t in series["t"]])

    top = report.top_orgs.copy()
    top.insert(3, "org_name", [names.get(o, o) if o else no_org for o in top["org"]])

    incidents = report.incidents.copy()
    incidents.insert(
        2, "rule_name", incidents["rule"].map(lambda r: rule_name(r, lang))
    )
    incidents["severity_name"] = incidents["severity"].map(lambda s: severity_name(s, lang))
    incidents["start"] = [short_moment(t, tz) for t in incidents["first_seen"]]
    incidents["end"] = ["" if pd.isna(t) else short_moment(t, tz) for t in incidents["closed_at"]]
    types = report.incident_types.copy()
    types.insert(1, "rule_name", types["rule"].map(lambda r: rule_name(r, lang)))

    changes = report.changes.copy()
    changes.insert(0, "time", [short_moment(t, tz) for t in changes["t"]])
    changes["moves_text"] = (
        changes["moves"]
        .fillna("")
        .astype(str)
        .str.replace(
            r"\b(public|interest|private)\b",
            lambda m: sector_name(m.group(1), lang),
            regex=True,
        )
    )
    changes["result_name"] = [apply_result_name(str(r), lang) for r in changes["result"]]

    stores = report.stores.copy()
    stores.insert(1, "store_name", stores["store"].map(lambda s: store_name(s, lang)))

    heat = report.heat
    return {
        "summary": _rounded(_with_sector_name(report.summary, lang)),
        "sector_series": _rounded(_with_sector_name(series, lang)),
        "node_utilisation_by_day": _rounded(heat),
        "top_organisations": _rounded(_with_sector_name(top, lang)),
        "availability": _rounded(_with_sector_name(report.availability, lang)),
        "node_availability": _rounded(report.nodes),
        "incident_types": _rounded(types),
        "incidents": _rounded(incidents),
        "capacity_changes": changes,
        "energy": _rounded(_with_sector_name(report.energy, lang), {"co2e_t": CO2E_DIGITS}),
        **idle_tables(report, names, no_org),
        "sources": stores,
    } | _reconciliation(report)


def _reconciliation(report: Report) -> dict[str, pd.DataFrame]:
    """Slurm's books beside the console's, when the report was given them."""
    from console.reports.reconcile_html import shown_frame

    frame = shown_frame(report)
    return {} if frame is None else {"reconciliation": frame}


def write_csv_dir(report: Report, directory: Path) -> list[Path]:
    """Every table as DIR/<name>.csv, UTF-8 with a byte-order mark (spreadsheets read Hangul
    right), each written to a temporary file first so a failed run leaves no half file."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(report).items():
        path = directory / f"{name}.csv"
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".csv", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
                frame.to_csv(out, index=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
