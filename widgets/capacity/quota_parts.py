"""Pieces of the quota board: the banner's look, the guarantees, the change to undo, the legend."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from console.capacity.quota.model import QuotaState
from console.capacity.service import PlanRejected
from console.fleet.model import SECTORS, Sector
from widgets.capacity.quota_column import LENT_COLOR
from widgets.common.labels import fmt, ui_language

BANNER_STYLE = (
    "QLabel#QuotaBanner { background: #5c1f1a; color: #ffffff; padding: 8px;"
    " border-radius: 4px; font-weight: bold; }"
)
APPLY_ACTIONS = ("quota-apply", "quota-undo")


def guarantees_of(service, state: QuotaState) -> dict[Sector, int]:
    """Each sector's guarantee on the shared partition's GPUs (the core's, when it says)."""
    own = getattr(service, "guarantees", None)
    if callable(own):
        return dict(own(state))
    entitlements = getattr(service, "entitlements", {}) or {}
    return {s: entitlements[s].guarantee(state.capacity) for s in SECTORS if s in entitlements}


def last_undoable_plan(audit) -> str | None:
    """The plan id of the newest quota change that was applied and not undone since."""
    if audit is None:
        return None
    undone: set[str] = set()
    for entry in reversed(audit.entries()):
        if entry.action not in APPLY_ACTIONS or entry.result != "applied":
            continue
        if entry.action == "quota-undo":
            undoes = entry.body.get("plan", {}).get("undoes")
            if undoes:
                undone.add(undoes)
            continue
        if entry.plan_id not in undone:
            return entry.plan_id
    return None


def feature_texts(backend) -> dict[str, str]:
    """What the backend says it is (Slurm version, how it reads, borrowing) per language; it
    may run scontrol, so only on the reader thread."""
    lines = getattr(backend, "feature_lines", None)
    if lines is None:
        return {}
    return {lang: " · ".join(lines(lang)) for lang in ("en", "ko")}


def checked_inverse(service, plan_id: str, state: QuotaState, override: bool, why: str):
    """(the plan that undoes `plan_id`, None) when it passes the checks on the last read (no
    read here), else (None, why not) in the interface's language."""
    try:
        plan = service.inverse_of(plan_id, state)
    except PlanRejected as exc:
        return None, " ".join(p.text(ui_language()) for p in exc.problems)
    if override:
        plan = replace(plan, override=True, justification=why)
    preview = service.preview(plan, state)
    if preview.ok:
        return plan, ""
    # e.g. a sector runs more now than the cap it would get back
    problems = " ".join(p.text(ui_language()) for p in preview.problems)
    hint = QCoreApplication.translate(
        "QuotaBoard", "Tick “Override the checks”, write why, and undo again."
    )
    return None, f"{problems} {hint}"


def read_texts(state: QuotaState | None, problem: str | None, tz) -> tuple[str, str]:
    """(banner, status): why the caps cannot be read now and which read the board shows."""
    when = (
        datetime.fromtimestamp(state.read_at, tz).strftime("%H:%M:%S")
        if state is not None
        else None
    )
    banner = ""
    if problem:
        banner = fmt(
            QCoreApplication.translate(
                "QuotaBoard", "Cannot read the sector caps from the scheduler: %1"
            ),
            problem,
        )
        if when:
            banner += " " + fmt(
                QCoreApplication.translate("QuotaBoard", "The board shows the read of %1."), when
            )
    if state is None:
        status = "" if problem else QCoreApplication.translate("QuotaBoard", "Reading the caps…")
    else:
        status = fmt(
            QCoreApplication.translate("QuotaBoard", "Read %1 · %2 GPUs shared · version %3"),
            when,
            state.capacity,
            state.version,
        )
    return banner, status


def legend_html() -> str:
    """What the cap bars' colours mean."""
    parts = (
        "■ " + QCoreApplication.translate("QuotaBoard", "running"),
        f"<span style='color:{LENT_COLOR.name()}'>▨</span> "
        + QCoreApplication.translate("QuotaBoard", "lent (others borrow its unused cap)"),
        "▩ " + QCoreApplication.translate("QuotaBoard", "borrowed above its cap"),
        "□ " + QCoreApplication.translate("QuotaBoard", "cap"),
        "<b>┃</b> " + QCoreApplication.translate("QuotaBoard", "guarantee"),
        "┆ " + QCoreApplication.translate("QuotaBoard", "new cap"),
    )
    return " &nbsp; ".join(parts)


def applied_text(entry) -> str:
    """The board's result line for the audit entry an apply, undo or recovery wrote."""
    choice = (entry.body.get("recovery") or {}).get("choice")
    if choice == "finish":
        return QCoreApplication.translate(
            "QuotaBoard", "Finished: the interrupted plan's caps are in force."
        )
    if choice == "rollback":
        return QCoreApplication.translate(
            "QuotaBoard", "Rolled back: the caps the interrupted plan found are back."
        )
    if entry.action == "quota-apply":
        return QCoreApplication.translate("QuotaBoard", "Applied: the new caps are in force.")
    return QCoreApplication.translate("QuotaBoard", "Undone: the caps are back.")
