"""Writing settings.toml back without losing what the operator wrote by hand.

The file is edited in place with tomlkit (comments, blank lines, key order and the operator's own
tables survive; only the values the console manages change), then replaced atomically (temp file,
fsync, rename), so a crash never leaves half a settings file. Alert rules keep the old rule: only
what differs from the defaults is written, so better defaults reach everyone who did not choose
otherwise; a value set back to its default is removed from the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from console.settings import (
    DEFAULT_GRID_KGCO2E_PER_KWH,
    DEFAULT_PUE,
    GRID_SOURCE,
    PUE_SOURCE,
    RULE_KEYS,
    SCHEMA_VERSION,
    Settings,
    default_rules,
    default_settings_path,
)

HEADER = "Hangang Console settings (hangang-console). Comments and layout are kept when saved."


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    path = path or settings.path or default_settings_path()
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
    doc["schema_version"] = SCHEMA_VERSION
    _set_or_drop(doc, "theme", settings.theme)
    roles = _table(doc, "roles")
    roles["operator_users"] = list(settings.roles.operator_users)
    roles["operator_groups"] = list(settings.roles.operator_groups)
    k = settings.kiosk
    kiosk = _table(doc, "kiosk")
    kiosk["exit_chord"] = k.exit_chord
    _set_or_drop(kiosk, "pin_hash", k.pin_hash)
    kiosk["pages"] = list(k.pages)
    kiosk["rotate_s"] = k.rotate_s
    multipliers = _table(_table(doc, "accounting"), "su_multipliers")
    for model in [m for m in multipliers if m not in settings.accounting.su_multipliers]:
        del multipliers[model]
    for model, value in settings.accounting.su_multipliers.items():
        multipliers[model] = value
    _write_alerts(_table(doc, "alerts"), settings)
    _write_energy(doc, settings)
    _replace(path, tomlkit.dumps(doc))
    return path


def _write_alerts(alerts: Table, settings: Settings) -> None:
    alerts["xid_critical"] = list(settings.alerts.xid_critical)
    alerts["notify"] = settings.alerts.notify
    if "idle_job_minutes" in alerts:  # the operator's own key for the idle-job threshold
        alerts["idle_job_minutes"] = settings.alerts.rule("idle_job").threshold
    defaults = default_rules()
    for key, rule in settings.alerts.rules.items():
        base = defaults.get(key)
        table = alerts.get(key)
        for name in RULE_KEYS:
            value = getattr(rule, name)
            differs = base is None or value != getattr(base, name)
            if value is not None and differs:
                if table is None:
                    table = tomlkit.table()
                    alerts[key] = table
                table[name] = value
            elif table is not None and name in table:
                del table[name]
        if table is not None and not table:
            del alerts[key]


def _write_energy(doc: Any, settings: Settings) -> None:
    """[energy] is always written, with where each default comes from, so whoever edits the
    file sees what the carbon figures rest on."""
    if not isinstance(doc.get("energy"), dict):
        table = tomlkit.table()
        for line in (
            "kgCO2e = kWh x pue x grid_kgco2e_per_kwh (the report's method appendix)",
            f"pue default {DEFAULT_PUE}: {PUE_SOURCE}",
            f"grid_kgco2e_per_kwh default {DEFAULT_GRID_KGCO2E_PER_KWH}: {GRID_SOURCE}",
        ):
            table.add(tomlkit.comment(line))
        doc["energy"] = table
    energy = doc["energy"]
    energy["pue"] = settings.energy.pue
    energy["grid_kgco2e_per_kwh"] = settings.energy.grid_kgco2e_per_kwh


def _table(parent: Any, key: str) -> Table:
    found = parent.get(key)
    if not isinstance(found, dict):
        found = tomlkit.table()
        parent[key] = found
        found = parent[key]
    return found


def _set_or_drop(table: Table, key: str, value: Any) -> None:
    if value is None:
        if key in table:
            del table[key]
    else:
        table[key] = value


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
