"""Display names of core concepts (sectors, statuses, metrics), translated through Qt.

The core holds ids only; the words a person reads are UI text and go through the translator like
every other string (resources/i18n/ko.ts, context "Labels").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from console.fleet.model import NodeStatus, Organisation, Sector


def fmt(template: str, *args: object) -> str:
    """Fill Qt-style %1, %2 … placeholders (translators may reorder them); %10+ unsupported."""
    out = template
    for i, arg in enumerate(args, start=1):
        out = out.replace(f"%{i}", str(arg))
    return out


def ui_language() -> str:
    """The language the interface speaks now: ko.ts translates this marker to "ko"."""
    return QCoreApplication.translate("Labels", "en", "language code of this translation")


def sector_name(sector: Sector) -> str:
    return {
        Sector.PUBLIC: QCoreApplication.translate("Labels", "Public"),
        Sector.INTEREST: QCoreApplication.translate("Labels", "Public-interest"),
        Sector.PRIVATE: QCoreApplication.translate("Labels", "Private"),
    }[sector]


def status_name(status: NodeStatus) -> str:
    return {
        NodeStatus.LIVE: QCoreApplication.translate("Labels", "live"),
        NodeStatus.STALE: QCoreApplication.translate("Labels", "stale"),
        NodeStatus.UNREACHABLE: QCoreApplication.translate("Labels", "unreachable"),
        NodeStatus.WAITING: QCoreApplication.translate("Labels", "waiting"),
        NodeStatus.CONNECTING: QCoreApplication.translate("Labels", "connecting"),
        NodeStatus.PROBE_ERROR: QCoreApplication.translate("Labels", "probe error"),
        NodeStatus.AUTH_FAILED: QCoreApplication.translate("Labels", "auth failed"),
        NodeStatus.HOSTKEY_UNKNOWN: QCoreApplication.translate("Labels", "host key unknown"),
        NodeStatus.HOSTKEY_CHANGED: QCoreApplication.translate("Labels", "host key changed"),
    }[NodeStatus(status)]


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
    names = {
        "gpu_temp": QCoreApplication.translate("Labels", "GPU temperature"),
        "mem_temp": QCoreApplication.translate("Labels", "Memory temperature"),
        "thermal_throttle": QCoreApplication.translate("Labels", "Thermal throttling"),
        "power_brake": QCoreApplication.translate("Labels", "Power brake"),
        "ecc_uncorrected": QCoreApplication.translate("Labels", "Uncorrected ECC errors"),
        "remap_pending": QCoreApplication.translate("Labels", "Row remap pending"),
        "remap_failure": QCoreApplication.translate("Labels", "Row remap failed"),
        "xid": QCoreApplication.translate("Labels", "XID error"),
        "gpu_lost": QCoreApplication.translate("Labels", "GPU lost"),
        "node_unreachable": QCoreApplication.translate("Labels", "Node unreachable"),
        "node_stale": QCoreApplication.translate("Labels", "Node data stale"),
        "probe_error": QCoreApplication.translate("Labels", "Probe error"),
        "hostkey_changed": QCoreApplication.translate("Labels", "Host key changed"),
        "disk_full": QCoreApplication.translate("Labels", "Disk almost full"),
        "sector_over_entitlement": QCoreApplication.translate("Labels", "Above entitlement"),
        "sector_starved": QCoreApplication.translate("Labels", "Sector starved"),
    }
    return names.get(rule, rule)


def severity_name(severity: str) -> str:
    return {
        "critical": QCoreApplication.translate("Labels", "critical"),
        "error": QCoreApplication.translate("Labels", "error"),
        "warning": QCoreApplication.translate("Labels", "warning"),
    }.get(severity, severity)
