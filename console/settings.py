"""User settings: a TOML file under the XDG config dir, with a schema version and migrations.

A missing file means defaults. A broken one is an error naming the file, line and field, like the
fleet file. Saving (console/settings_save.py) edits the file in place and keeps its comments.
Only what an operator may set lives here: roles, kiosk behaviour, accounting multipliers, alert
thresholds and hold times, the energy figures that turn kWh into carbon. Secrets are never
stored: the kiosk PIN is kept as a salted hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from console.fleet.metrics import XID_CRITICAL_CODES, default_registry
from console.inventory.positions import TomlPositions
from console.paths import config_dir

SCHEMA_VERSION = 1
KIOSK_PAGES = ("overview", "sectors", "heatmap", "alerts")
# People who administer the workstation can change anything on it anyway: by default they are
# the operators; a site narrows this in settings.toml.
DEFAULT_OPERATOR_GROUPS = ("hangang-operators", "sudo", "wheel", "root")
DEFAULT_EXIT_CHORD = "Ctrl+Alt+Shift+Q"
DEFAULT_ROTATE_S = 20.0
THEMES = ("dark", "light")  # the desktop window's; absent: follow the desktop's colour scheme


class SettingsError(Exception):
    def __init__(self, path: Path | str, line: int | None, field: str, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.field, self.message = Path(path), line, field, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class RoleSettings:
    operator_users: tuple[str, ...] = ()
    operator_groups: tuple[str, ...] = DEFAULT_OPERATOR_GROUPS


@dataclass(frozen=True, slots=True)
class KioskSettings:
    exit_chord: str = DEFAULT_EXIT_CHORD  # QKeySequence portable text
    pin_hash: str | None = None  # "salt$sha256hex"; None: the chord alone leaves kiosk
    pages: tuple[str, ...] = KIOSK_PAGES
    rotate_s: float = DEFAULT_ROTATE_S

    def pin_matches(self, pin: str) -> bool:
        if self.pin_hash is None:
            return True
        salt, _, digest = self.pin_hash.partition("$")
        return hmac.compare_digest(hash_pin(pin, salt).partition("$")[2], digest)


@dataclass(frozen=True, slots=True)
class AccountingSettings:
    # service units per GPU-hour by GPU model name (as the inventory spells it); others count 1.0
    su_multipliers: Mapping[str, float] = field(default_factory=dict)

    def multiplier(self, model: str | None) -> float:
        return float(self.su_multipliers.get(model or "", 1.0))


# Defaults of [energy], with their sources (the settings file and the report's appendix say them):
DEFAULT_PUE = 1.58
PUE_SOURCE = "Uptime Institute Global Data Center Survey 2023: average annual PUE 1.58"
DEFAULT_GRID_KGCO2E_PER_KWH = 0.4594
GRID_SOURCE = (
    "Korea's national grid emission factor, Greenhouse Gas Inventory and Research Center of "
    "Korea (GIR): 0.4594 tCO2e/MWh"
)


@dataclass(frozen=True, slots=True)
class EnergySettings:
    """kWh → facility kWh (× PUE) → kgCO2e (× the grid's emission factor)."""

    pue: float = DEFAULT_PUE  # facility energy / IT energy, ≥ 1
    grid_kgco2e_per_kwh: float = DEFAULT_GRID_KGCO2E_PER_KWH

    def facility_kwh(self, it_kwh: float) -> float:
        return it_kwh * self.pue

    def co2e_kg(self, it_kwh: float) -> float:
        return it_kwh * self.pue * self.grid_kgco2e_per_kwh


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One alert rule as the operator set it (defaults: the metric registry's AlertDefault)."""

    enabled: bool = True
    threshold: float | None = None  # None for rules without a value
    critical: float | None = None
    fire_after_s: float = 0.0
    clear_after_s: float = 60.0


RULE_KEYS = ("enabled", "threshold", "critical", "fire_after_s", "clear_after_s")


def default_rules() -> dict[str, RuleSettings]:
    return {
        a.rule: RuleSettings(True, a.threshold, a.critical, a.fire_after_s, a.clear_after_s)
        for a in default_registry().alerts
    }


@dataclass(frozen=True, slots=True)
class AlertSettings:
    rules: Mapping[str, RuleSettings] = field(default_factory=default_rules)
    xid_critical: tuple[int, ...] = XID_CRITICAL_CODES  # XIDs that are errors, not warnings
    notify: bool = True  # desktop notification for new critical alerts, where there is a tray

    def rule(self, key: str) -> RuleSettings:
        return self.rules.get(key) or default_rules()[key]


@dataclass(frozen=True, slots=True)
class AlertmanagerSettings:
    """Where `serve` files the room's incidents ([alertmanager]); no URL: nowhere."""

    url: str | None = None
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class Settings:
    roles: RoleSettings = RoleSettings()
    kiosk: KioskSettings = KioskSettings()
    accounting: AccountingSettings = AccountingSettings()
    path: Path | None = None
    alerts: AlertSettings = field(default_factory=AlertSettings)
    theme: str | None = None  # "dark" or "light"; None: as the desktop (the kiosk is dark)
    alertmanager: AlertmanagerSettings = AlertmanagerSettings()
    energy: EnergySettings = EnergySettings()


def hash_pin(pin: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), 100_000).hex()
    return f"{salt}${digest}"


def default_settings_path() -> Path:
    return config_dir() / "settings.toml"


# version N → N+1, applied in order to the parsed document before it is read
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.where = TomlPositions(text)

    def fail(self, keys: tuple, message: str):
        raise SettingsError(self.path, self.where.line(keys), ".".join(map(str, keys)), message)

    def table(self, doc: Mapping, key: str) -> Mapping:
        value = doc.get(key, {})
        if not isinstance(value, Mapping):
            self.fail((key,), "must be a table")
        return value

    def strings(self, doc: Mapping, keys: tuple, default: tuple[str, ...]) -> tuple[str, ...]:
        value = doc.get(keys[-1], list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(keys, "must be a list of strings")
        return tuple(value)

    def number(self, doc: Mapping, keys: tuple, default: float, minimum: float) -> float:
        value = doc.get(keys[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.fail(keys, f"must be a number ≥ {minimum}")
        return float(value)


def load_settings(path: Path | None = None) -> Settings:
    path = path or default_settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path=path)
    except OSError as exc:
        raise SettingsError(path, None, "file", exc.strerror or str(exc)) from exc
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise SettingsError(path, line, "syntax", str(exc)) from exc
    r = _Reader(path, text)
    version = doc.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        r.fail(("schema_version",), f"must be an integer from 1 to {SCHEMA_VERSION}")
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1

    theme = doc.get("theme")
    if theme is not None and theme not in THEMES:
        r.fail(("theme",), 'must be "dark" or "light" (leave it out to follow the desktop)')
    roles = r.table(doc, "roles")
    role_settings = RoleSettings(
        operator_users=r.strings(roles, ("roles", "operator_users"), ()),
        operator_groups=r.strings(roles, ("roles", "operator_groups"), DEFAULT_OPERATOR_GROUPS),
    )
    kiosk = r.table(doc, "kiosk")
    pages = r.strings(kiosk, ("kiosk", "pages"), KIOSK_PAGES)
    unknown = [p for p in pages if p not in KIOSK_PAGES]
    if unknown or not pages:
        r.fail(("kiosk", "pages"), f"pages are chosen from {', '.join(KIOSK_PAGES)}")
    chord = kiosk.get("exit_chord", DEFAULT_EXIT_CHORD)
    if not isinstance(chord, str) or not chord.strip():
        r.fail(("kiosk", "exit_chord"), "must be a key chord such as 'Ctrl+Alt+Shift+Q'")
    pin_hash = kiosk.get("pin_hash")
    if pin_hash is not None and (not isinstance(pin_hash, str) or "$" not in pin_hash):
        r.fail(("kiosk", "pin_hash"), "must be a hash made by `hash_pin` (salt$hex)")
    kiosk_settings = KioskSettings(
        exit_chord=chord,
        pin_hash=pin_hash,
        pages=pages,
        rotate_s=r.number(kiosk, ("kiosk", "rotate_s"), DEFAULT_ROTATE_S, 1.0),
    )
    accounting = r.table(doc, "accounting")
    multipliers = r.table(accounting, "su_multipliers")
    su = {
        str(model): r.number(multipliers, ("accounting", "su_multipliers", model), 1.0, 0.0)
        for model in multipliers
    }
    return Settings(
        roles=role_settings,
        kiosk=kiosk_settings,
        accounting=AccountingSettings(su_multipliers=su),
        path=path,
        alerts=_alert_settings(r, r.table(doc, "alerts")),
        theme=theme,
        alertmanager=_alertmanager_settings(r, r.table(doc, "alertmanager")),
        energy=_energy_settings(r, r.table(doc, "energy")),
    )


def _energy_settings(r: _Reader, doc: Mapping) -> EnergySettings:
    for key in doc:
        if key not in ("pue", "grid_kgco2e_per_kwh"):
            r.fail(("energy", key), "unknown key; keys are pue, grid_kgco2e_per_kwh")
    pue = r.number(doc, ("energy", "pue"), DEFAULT_PUE, 1.0)
    if pue > 5.0:  # no data centre runs above 3; a larger value is a typo (kWh, percent)
        r.fail(("energy", "pue"), "must be a number from 1.0 to 5.0")
    grid = r.number(doc, ("energy", "grid_kgco2e_per_kwh"), DEFAULT_GRID_KGCO2E_PER_KWH, 0.0)
    if grid > 2.0:  # coal alone is about 1 kg/kWh: a larger value is in g/kWh, not kg/kWh
        r.fail(("energy", "grid_kgco2e_per_kwh"), "must be kg CO2e per kWh, from 0 to 2")
    return EnergySettings(pue=pue, grid_kgco2e_per_kwh=grid)


def _alertmanager_settings(r: _Reader, doc: Mapping) -> AlertmanagerSettings:
    for key in doc:
        if key not in ("url", "timeout"):
            r.fail(("alertmanager", key), "unknown key; keys are url, timeout")
    url = doc.get("url")
    if url is not None and (not isinstance(url, str)
                            or not url.startswith(("http://", "https://"))):
        r.fail(("alertmanager", "url"), "must be an http:// or https:// URL")
    timeout = r.number(doc, ("alertmanager", "timeout"), 10.0, 0.1)
    return AlertmanagerSettings(url=url.rstrip("/") if url else None, timeout_s=timeout)


def _alert_settings(r: _Reader, doc: Mapping) -> AlertSettings:
    rules = default_rules()
    for key, value in doc.items():
        if key in ("xid_critical", "notify", "idle_job_minutes"):
            continue
        where = ("alerts", key)
        if key not in rules:
            r.fail(where, f"unknown alert rule; rules are {', '.join(rules)}")
        table = value
        if not isinstance(table, Mapping):
            r.fail(where, "must be a table")
        base = rules[key]
        for name in table:
            if name not in RULE_KEYS:
                r.fail((*where, name), f"unknown key; keys are {', '.join(RULE_KEYS)}")
            if name in ("threshold", "critical") and base.threshold is None:
                r.fail((*where, name), "this rule has no value to compare")
        enabled = table.get("enabled", True)
        if not isinstance(enabled, bool):
            r.fail((*where, "enabled"), "must be true or false")
        threshold = base.threshold
        if "threshold" in table:
            threshold = r.number(table, (*where, "threshold"), 0.0, 0.0)
        critical = base.critical
        if "critical" in table:
            critical = r.number(table, (*where, "critical"), 0.0, threshold or 0.0)
        rules[key] = RuleSettings(
            enabled=enabled,
            threshold=threshold,
            critical=critical,
            fire_after_s=r.number(table, (*where, "fire_after_s"), base.fire_after_s, 0.0),
            clear_after_s=r.number(table, (*where, "clear_after_s"), base.clear_after_s, 0.0),
        )
    if "idle_job_minutes" in doc:  # the idle-job rule's threshold, said the way people say it
        minutes = r.number(doc, ("alerts", "idle_job_minutes"), 60.0, 1.0)
        rules["idle_job"] = replace(rules["idle_job"], threshold=minutes)
    codes = doc.get("xid_critical", list(XID_CRITICAL_CODES))
    if not isinstance(codes, list) or not all(type(c) is int and c > 0 for c in codes):
        r.fail(("alerts", "xid_critical"), "must be a list of XID numbers")
    notify = doc.get("notify", True)
    if not isinstance(notify, bool):
        r.fail(("alerts", "notify"), "must be true or false")
    return AlertSettings(rules=rules, xid_critical=tuple(codes), notify=notify)
