"""Display names of core concepts (sectors, statuses, metrics) in the interface's language.

Names the core also prints (sectors, rules, severities, states) come from console/i18n/names.py,
so the window and the PDF say the same word; words only the window says go through the
translator like every other string (resources/i18n/ko.ts, context "Labels").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from console.fleet.model import NodeStatus, Organisation, Sector
from console.i18n import names
from console.i18n.catalogue import say


def fmt(template: str, *args: object) -> str:
    """Fill Qt-style %1, %2 … placeholders (translators may reorder them); %10+ unsupported."""
    out = template
    for i, arg in enumerate(args, start=1):
        out = out.replace(f"%{i}", str(arg))
    return out


def ui_language() -> str:
    """The language the interface speaks now: ko.ts translates this marker to "ko"."""
    return QCoreApplication.translate("Labels", "en", "language code of this translation")


def core_text(text: object, lang: str | None = None) -> str:
    """Words the core made (a Phrase such as an SSH or Slurm reason, or a plain str) in the
    interface's language, or in `lang`."""
    return say(text, lang or ui_language())


def sector_name(sector: Sector) -> str:
    return names.sector_name(sector, ui_language())


def status_name(status: NodeStatus) -> str:
    return names.node_status_name(NodeStatus(status), ui_language())


def metric_label(key: str) -> str:
    return {
        "util_gpu": QCoreApplication.translate("Labels", "GPU utilisation"),
        "util_mem": QCoreApplication.translate("Labels", "Memory activity"),
        "mem_used": QCoreApplication.translate("Labels", "Memory used"),
        "temp": QCoreApplication.translate("Labels", "Temperature"),
        "power": QCoreApplication.translate("Labels", "Power"),
        "cpu": QCoreApplication.translate("Labels", "CPU"),
        "temp_mem": QCoreApplication.translate("Labels", "Memory temperature"),
        "disk": QCoreApplication.translate("Labels", "Disk used"),
    }[key]


def source_label(kind: str, node_count: int) -> str:
    if kind == "demo":
        return fmt(QCoreApplication.translate("Labels", "demo fleet, %1 nodes"), node_count)
    if kind == "ssh":
        return fmt(QCoreApplication.translate("Labels", "SSH, %1 nodes"), node_count)
    if kind == "prometheus":
        return fmt(QCoreApplication.translate("Labels", "Prometheus, %1 nodes"), node_count)
    return fmt(QCoreApplication.translate("Labels", "%1 nodes"), node_count)


def data_size(n_bytes: float | None) -> str:
    """Bytes in the operator's locale and binary units ("1.5 GiB"); "–" for none."""
    if n_bytes is None:
        return "–"
    return QLocale.system().formattedDataSize(int(n_bytes), 1)


def data_rate(bytes_per_s: float | None) -> str:
    if bytes_per_s is None:
        return "–"
    return fmt(QCoreApplication.translate("Labels", "%1/s", "a data rate"), data_size(bytes_per_s))


def duration(seconds: float | None) -> str:
    """An uptime: "3 d 4 h", "4 h 12 min", "12 min"."""
    if seconds is None:
        return "–"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return fmt(QCoreApplication.translate("Labels", "%1 d %2 h"), days, hours)
    if hours:
        return fmt(QCoreApplication.translate("Labels", "%1 h %2 min"), hours, mins)
    return fmt(QCoreApplication.translate("Labels", "%1 min"), mins)


def organisation_name(org: Organisation | None) -> str:
    """An organisation's name in the interface's language; "–" for none."""
    return org.name(ui_language()) if org is not None else "–"


def rule_name(rule: str) -> str:
    """An alert rule's name (console/alerts/rules.py); the key itself for an unknown rule."""
    return names.rule_name(rule, ui_language())


def rule_advice(rule: str) -> str:
    """What to do about an alert of this rule, in the interface's language; "" for none."""
    return names.rule_advice(rule, ui_language())


def severity_name(severity: str) -> str:
    return names.severity_name(severity, ui_language())
