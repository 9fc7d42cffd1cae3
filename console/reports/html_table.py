"""The report's HTML tables and section headings (Qt's rich-text subset), shared by its sections."""

from __future__ import annotations

from html import escape

import pandas as pd

from console.reports.text import header, number, words

NUMERIC = ("num", "num3", "int")


def _cell(value: object, kind: str, lang: str) -> str:
    if kind == "num":
        return f'<td class="num">{number(value)}</td>'
    if kind == "num3":  # tonnes of CO2e
        return f'<td class="num">{number(value, 3)}</td>'
    if kind == "int":
        return f'<td class="num">{int(value):,}</td>'
    if kind == "met":
        ok = bool(value)
        return f'<td class="{"good" if ok else "bad"}">{words(lang)["yes" if ok else "no"]}</td>'
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return f"<td>{escape(text)}</td>"


def data_table(
    frame: pd.DataFrame, columns: list[tuple[str, str, str]], lang: str, total: bool = False
) -> str:
    """columns: (frame column, header key in HEADERS, kind: text|num|num3|int|met). With `total`,
    the last row is the total row."""
    head = "".join(
        f'<th class="{"num" if kind in NUMERIC else ""}">{escape(header(h, lang))}</th>'
        for _, h, kind in columns
    )
    rows = []
    last = len(frame) - 1
    for i, (_, row) in enumerate(frame.iterrows()):
        cls = ' class="total"' if total and i == last else ""
        cells = "".join(_cell(row[c], kind, lang) for c, _, kind in columns)
        rows.append(f"<tr{cls}>{cells}</tr>")
    return (
        '<table class="data" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def section(title: str, new_page: bool = False) -> str:
    brk = ' style="page-break-before: always"' if new_page else ""
    return f"<h2{brk}>{escape(title)}</h2>"
