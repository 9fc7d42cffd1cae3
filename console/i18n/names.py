"""The names of things the core keeps as keys: sectors, alert rules, states, actions, stores.

Each name is declared once, here, in English (QT_TRANSLATE_NOOP lets lupdate put it in ko.ts);
the window, the kiosk, the CLI tables, the PDF and the CSV headers all ask these functions, so a
rule or a state has one Korean name everywhere. An unknown key is shown as itself: a newer
database or a typo in a setting must not crash a report.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.i18n.catalogue import QT_TRANSLATE_NOOP, Msg

SECTORS = {
    "public": QT_TRANSLATE_NOOP("Sectors", "Public"),
    "interest": QT_TRANSLATE_NOOP("Sectors", "Public-interest"),
    "private": QT_TRANSLATE_NOOP("Sectors", "Private"),
    "total": QT_TRANSLATE_NOOP("Sectors", "Total"),  # the sum row of a table by sector
}

# console/alerts/rules.py RULES
ALERT_RULES = {
    "gpu_temp": QT_TRANSLATE_NOOP("AlertRules", "GPU temperature"),
    "mem_temp": QT_TRANSLATE_NOOP("AlertRules", "Memory temperature"),
    "thermal_throttle": QT_TRANSLATE_NOOP("AlertRules", "Thermal throttling"),
    "power_brake": QT_TRANSLATE_NOOP("AlertRules", "Power brake"),
    "ecc_uncorrected": QT_TRANSLATE_NOOP("AlertRules", "Uncorrected ECC errors"),
    "remap_pending": QT_TRANSLATE_NOOP("AlertRules", "Row remap pending"),
    "remap_failure": QT_TRANSLATE_NOOP("AlertRules", "Row remap failed"),
    "retire_pending": QT_TRANSLATE_NOOP("AlertRules", "Page retirement pending"),
    "xid": QT_TRANSLATE_NOOP("AlertRules", "XID error"),
    "gpu_lost": QT_TRANSLATE_NOOP("AlertRules", "GPU lost"),
    "node_unreachable": QT_TRANSLATE_NOOP("AlertRules", "Node unreachable"),
    "node_stale": QT_TRANSLATE_NOOP("AlertRules", "Node data stale"),
    "probe_error": QT_TRANSLATE_NOOP("AlertRules", "Probe error"),
    "hostkey_changed": QT_TRANSLATE_NOOP("AlertRules", "Host key changed"),
    "disk_full": QT_TRANSLATE_NOOP("AlertRules", "Disk almost full"),
    "sector_over_entitlement": QT_TRANSLATE_NOOP("AlertRules", "Sector above entitlement"),
    "sector_starved": QT_TRANSLATE_NOOP("AlertRules", "Sector starved"),
    "idle_job": QT_TRANSLATE_NOOP("AlertRules", "Job idle on its GPUs"),
}

# what an operator does about an alert, where the rule's name does not say it (Alertmanager's
# description, the alert's tooltip)
ALERT_ADVICE = {
    "retire_pending": QT_TRANSLATE_NOOP(
        "AlertAdvice", "Reboot or reset the GPU to retire the pages."),
    "remap_pending": QT_TRANSLATE_NOOP("AlertAdvice", "Reset the GPU to remap the rows."),
}

SEVERITIES = {
    "critical": QT_TRANSLATE_NOOP("Severities", "critical"),
    "error": QT_TRANSLATE_NOOP("Severities", "error"),
    "warning": QT_TRANSLATE_NOOP("Severities", "warning"),
}

# console/fleet/model.py NodeStatus, by its lower-case name
NODE_STATUSES = {
    "live": QT_TRANSLATE_NOOP("NodeStatuses", "live"),
    "stale": QT_TRANSLATE_NOOP("NodeStatuses", "stale"),
    "connecting": QT_TRANSLATE_NOOP("NodeStatuses", "connecting"),
    "waiting": QT_TRANSLATE_NOOP("NodeStatuses", "waiting"),
    "probe_error": QT_TRANSLATE_NOOP("NodeStatuses", "probe error"),
    "unreachable": QT_TRANSLATE_NOOP("NodeStatuses", "unreachable"),
    "auth_failed": QT_TRANSLATE_NOOP("NodeStatuses", "auth failed"),
    "hostkey_unknown": QT_TRANSLATE_NOOP("NodeStatuses", "host key unknown"),
    "hostkey_changed": QT_TRANSLATE_NOOP("NodeStatuses", "host key changed"),
}

# console/capacity/model.py SchedState: a node as Slurm sees it
SLURM_STATES = {
    "up": QT_TRANSLATE_NOOP("SlurmStates", "up"),
    "draining": QT_TRANSLATE_NOOP("SlurmStates", "draining"),
    "drained": QT_TRANSLATE_NOOP("SlurmStates", "drained"),
    "down": QT_TRANSLATE_NOOP("SlurmStates", "down"),
}

# console/capacity/model.py MoveState
MOVE_STATES = {
    "planned": QT_TRANSLATE_NOOP("MoveStates", "planned"),
    "draining": QT_TRANSLATE_NOOP("MoveStates", "draining"),
    "drained": QT_TRANSLATE_NOOP("MoveStates", "drained"),
    "moved": QT_TRANSLATE_NOOP("MoveStates", "moved"),
    "resumed": QT_TRANSLATE_NOOP("MoveStates", "resumed"),
    "done": QT_TRANSLATE_NOOP("MoveStates", "done"),
    "cancelled": QT_TRANSLATE_NOOP("MoveStates", "cancelled"),
    "failed": QT_TRANSLATE_NOOP("MoveStates", "failed"),
    "rolled-back": QT_TRANSLATE_NOOP("MoveStates", "rolled back"),
}

# an audit entry's result (console/capacity/apply.py; "interrupted": capacity/recovery.py)
APPLY_RESULTS = {
    "applied": QT_TRANSLATE_NOOP("ApplyResults", "applied"),
    "cancelled": QT_TRANSLATE_NOOP("ApplyResults", "cancelled"),
    "rolled back": QT_TRANSLATE_NOOP("ApplyResults", "rolled back"),
    "rollback incomplete": QT_TRANSLATE_NOOP("ApplyResults", "rollback incomplete"),
    "interrupted": QT_TRANSLATE_NOOP("ApplyResults", "interrupted"),
    "failed": QT_TRANSLATE_NOOP("ApplyResults", "failed"),  # Slurm refused it
}

# an audit entry's action, and the actions access control guards (console/access.py Action)
AUDIT_ACTIONS = {
    "apply": QT_TRANSLATE_NOOP("AuditActions", "apply"),
    "undo": QT_TRANSLATE_NOOP("AuditActions", "undo"),
    "interrupted": QT_TRANSLATE_NOOP("AuditActions", "interrupted"),
    "quota-apply": QT_TRANSLATE_NOOP("AuditActions", "apply caps"),
    "quota-undo": QT_TRANSLATE_NOOP("AuditActions", "undo caps"),
    "quota-interrupted": QT_TRANSLATE_NOOP("AuditActions", "cap apply interrupted"),
    "trust-host-key": QT_TRANSLATE_NOOP("AuditActions", "trust a host key"),
    "rebalance-apply": QT_TRANSLATE_NOOP("AuditActions", "apply a rebalance"),
    "rebalance-undo": QT_TRANSLATE_NOOP("AuditActions", "undo a rebalance"),
    "rebalance-recover": QT_TRANSLATE_NOOP("AuditActions", "recover an interrupted apply"),
    "edit-settings": QT_TRANSLATE_NOOP("AuditActions", "edit settings"),
    "acknowledge-alert": QT_TRANSLATE_NOOP("AuditActions", "acknowledge an alert"),
    "accounts-reconcile": QT_TRANSLATE_NOOP("AuditActions", "reconcile Slurm accounts"),
}

ROLES = {
    "operator": QT_TRANSLATE_NOOP("Roles", "operator"),
    "viewer": QT_TRANSLATE_NOOP("Roles", "viewer"),
}

# the data stores a report reads (console/reports/sources.py) and what became of each
STORES = {
    "history": QT_TRANSLATE_NOOP("Stores", "History (GPU use)"),
    "incidents": QT_TRANSLATE_NOOP("Stores", "Incidents"),
    "capacity": QT_TRANSLATE_NOOP("Stores", "Capacity audit log"),
}
STORE_STATUSES = {
    "read": QT_TRANSLATE_NOOP("StoreStatuses", "read"),
    "no file": QT_TRANSLATE_NOOP("StoreStatuses", "no file (never written)"),
    "not installed": QT_TRANSLATE_NOOP("StoreStatuses", "not part of this console"),
    "unreadable": QT_TRANSLATE_NOOP("StoreStatuses", "could not be read"),
    "given": QT_TRANSLATE_NOOP("StoreStatuses", "handed in"),
}

MONTHS = (
    QT_TRANSLATE_NOOP("Months", "Jan"), QT_TRANSLATE_NOOP("Months", "Feb"),
    QT_TRANSLATE_NOOP("Months", "Mar"), QT_TRANSLATE_NOOP("Months", "Apr"),
    QT_TRANSLATE_NOOP("Months", "May"), QT_TRANSLATE_NOOP("Months", "Jun"),
    QT_TRANSLATE_NOOP("Months", "Jul"), QT_TRANSLATE_NOOP("Months", "Aug"),
    QT_TRANSLATE_NOOP("Months", "Sep"), QT_TRANSLATE_NOOP("Months", "Oct"),
    QT_TRANSLATE_NOOP("Months", "Nov"), QT_TRANSLATE_NOOP("Months", "Dec"),
)  # fmt: skip

# a language's name in that language (a language menu lists each as its speakers write it)
LANGUAGES = {
    "ko": QT_TRANSLATE_NOOP("Languages", "Korean"),
    "en": QT_TRANSLATE_NOOP("Languages", "English"),
}

KINDS: dict[str, tuple[str, Mapping[str, str]]] = {
    "sector": ("Sectors", SECTORS),
    "rule": ("AlertRules", ALERT_RULES),
    "rule_advice": ("AlertAdvice", ALERT_ADVICE),
    "severity": ("Severities", SEVERITIES),
    "node_status": ("NodeStatuses", NODE_STATUSES),
    "slurm_state": ("SlurmStates", SLURM_STATES),
    "move_state": ("MoveStates", MOVE_STATES),
    "apply_result": ("ApplyResults", APPLY_RESULTS),
    "audit_action": ("AuditActions", AUDIT_ACTIONS),
    "role": ("Roles", ROLES),
    "store": ("Stores", STORES),
    "store_status": ("StoreStatuses", STORE_STATUSES),
}


def _key(key: object) -> str:
    """Enums name themselves by value (StrEnum) or by lower-case name (IntEnum NodeStatus)."""
    value = getattr(key, "value", key)
    if isinstance(value, int) and hasattr(key, "name"):
        return key.name.lower()
    return str(value)


def term(kind: str, key: object) -> Msg | str:
    """The name not yet in a language (to put into a Phrase); the key itself when unknown."""
    context, table = KINDS[kind]
    k = _key(key)
    source = table.get(k)
    return Msg(context, source) if source is not None else k


def name(kind: str, key: object, lang: str) -> str:
    found = term(kind, key)
    return found.into(lang) if isinstance(found, Msg) else found


def sector_name(key: object, lang: str) -> str:
    return name("sector", key, lang)


def rule_name(key: object, lang: str) -> str:
    return name("rule", key, lang)


def rule_advice(key: object, lang: str) -> str:
    """What to do about an alert of rule `key`; "" where its name says enough."""
    found = term("rule_advice", key)
    return found.into(lang) if isinstance(found, Msg) else ""


def severity_name(key: object, lang: str) -> str:
    return name("severity", key, lang)


def node_status_name(key: object, lang: str) -> str:
    return name("node_status", key, lang)


def slurm_state_name(key: object, lang: str) -> str:
    return name("slurm_state", key, lang)


def move_state_name(key: object, lang: str) -> str:
    return name("move_state", key, lang)


def apply_result_name(key: object, lang: str) -> str:
    return name("apply_result", key, lang)


def audit_action_name(key: object, lang: str) -> str:
    return name("audit_action", key, lang)


def role_name(key: object, lang: str) -> str:
    return name("role", key, lang)


def store_name(key: object, lang: str) -> str:
    return name("store", key, lang)


def store_status_name(key: object, lang: str) -> str:
    return name("store_status", key, lang)


def month_name(month: int, lang: str) -> str:
    """A month's short name (1 = Jan)."""
    return Msg("Months", MONTHS[month - 1]).into(lang)


def language_name(lang: str) -> str:
    """The language's own name for itself (Korean written in Hangul for ko)."""
    source = LANGUAGES.get(lang)
    return Msg("Languages", source).into(lang) if source else lang
