"""One node, in a non-modal window: its GPUs now, their history, its processes and its machine.

GPU values come from the snapshot every widget draws. Processes and node information come from
whole samples, which the poller keeps only for watched nodes: the front-end watches the node
while this window is open (Services.watch_node / unwatch_node), so until the node's next sample
arrives the window says it is waiting.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.fleet.model import FleetSnapshot, NodeSample, NodeStatus, Organisation
from widgets.common.csv_export import AskPath, Column, FrameModel, ask_save_path, export_csv
from widgets.common.labels import (
    data_rate,
    data_size,
    duration,
    fmt,
    organisation_name,
    sector_name,
    status_name,
)
from widgets.common.theme import SECTOR_COLORS, STATUS_COLORS
from widgets.fleet import node_health
from widgets.history.node_history import NodeHistoryPlot
from widgets.history.query import HistoryQueries
from widgets.history.time_range import LIVE, LIVE_WINDOW_S

if TYPE_CHECKING:  # the wiring hands its services in; the widget never imports it at run time
    from console.services import Services

INFO_KEYS = ("cpu", "memory", "swap", "load", "network", "disks", "uptime", "software")


def gpu_frame(
    snap: FleetSnapshot, row: int, organisations: Mapping[str, Organisation]
) -> pd.DataFrame:
    """The node's GPUs as the snapshot has them, and whose work each runs."""
    count = int(snap.node_gpu_count[row])
    work = snap.gpu_org[row, :count] if snap.gpu_org is not None else np.full(count, -1)
    jobs = snap.gpu_job[row, :count].tolist() if snap.gpu_job is not None else [None] * count
    return pd.DataFrame(
        {
            "gpu": np.arange(count),
            "util_pct": snap.gpu_util[row, :count].astype(np.float64),
            "mem_used_gib": snap.gpu_mem_used_mib[row, :count] / 1024.0,
            "mem_total_gib": snap.gpu_mem_total_mib[row, :count] / 1024.0,
            "temp_c": snap.gpu_temp_c[row, :count].astype(np.float64),
            "power_w": snap.gpu_power_w[row, :count].astype(np.float64),
            "organisation": [
                organisation_name(organisations.get(snap.org_ids[i]) if i >= 0 else None)
                for i in work.tolist()
            ],
            "job": [job or "" for job in jobs],  # the scheduler's (dcgm-exporter's hpc_job)
        }
    )


def process_frame(sample: NodeSample, user_org, node_org: Organisation | None) -> pd.DataFrame:
    """Every process on the node's GPUs with its user's organisation (the inventory's mapping
    of users, `user_org(user)`, else the node's own organisation)."""
    rows = []
    for gpu in sample.gpus:
        for p in gpu.processes:
            org = (user_org(p.user) if p.user else None) or node_org
            rows.append(
                {
                    "gpu": gpu.index,
                    "pid": p.pid,
                    "user": p.user or "",
                    "organisation": organisation_name(org),
                    "used_mib": np.nan if p.used_mib is None else float(p.used_mib),
                    "command": p.command or "",
                }
            )
    columns = ["gpu", "pid", "user", "organisation", "used_mib", "command"]
    return pd.DataFrame(rows, columns=columns)


def _table(model: FrameModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class NodeDetail(QDialog):
    closed = Signal(str)  # node name; the front-end stops watching it

    def __init__(
        self,
        name: str,
        services: Services,
        queries: HistoryQueries | None,
        tz: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setObjectName("NodeDetail")
        self.name, self.services, self.tz = name, services, tz
        inventory = services.inventory
        self.spec = next((n for n in inventory.nodes if n.name == name), None)
        self.organisations = {o.id: o for o in inventory.organisations}
        self.snap: FleetSnapshot | None = None
        self.sample: NodeSample | None = None
        self.ask_save_path: AskPath = ask_save_path
        gpu_count = self.spec.gpu_count if self.spec else 8
        self.header = QLabel(objectName="PanelTitle", textFormat=Qt.TextFormat.RichText)
        self.gpu_title, self.info_title = (
            QLabel(objectName="PanelTitle"),
            QLabel(objectName="PanelTitle"),
        )
        self.proc_title = QLabel(objectName="PanelTitle")
        self.proc_note = QLabel(objectName="Legend")
        self.gpu_export, self.proc_export = QPushButton(), QPushButton()
        self.gpu_export.clicked.connect(lambda: self.export_gpus())
        self.proc_export.clicked.connect(lambda: self.export_processes())
        self.gpus = FrameModel(self._gpu_columns(), self)
        self.processes = FrameModel(self._process_columns(), self)
        self.gpu_view, self.proc_view = _table(self.gpus), _table(self.processes)
        self.history = NodeHistoryPlot(name, gpu_count, tz, queries)
        self.room_health = node_health.RoomHealth(queries, name, self._health_arrived)
        self.info_captions = {key: QLabel(objectName="CardCaption") for key in INFO_KEYS}
        self.info_values = {key: QLabel("–", wordWrap=True) for key in INFO_KEYS}
        self.info_values["disks"].setTextFormat(Qt.TextFormat.PlainText)

        gpu_box = QVBoxLayout()
        gpu_box.addLayout(self._titled(self.gpu_title, self.gpu_export))
        gpu_box.addWidget(self.gpu_view)
        form = QFormLayout()
        for key in INFO_KEYS:
            form.addRow(self.info_captions[key], self.info_values[key])
        info_box = QVBoxLayout()
        info_box.addWidget(self.info_title)
        info_box.addLayout(form)
        info_box.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(gpu_box, 3)
        top.addLayout(info_box, 2)
        proc_box = QVBoxLayout()
        proc_box.addLayout(self._titled(self.proc_title, self.proc_export, self.proc_note))
        proc_box.addWidget(self.proc_view)
        split = QSplitter(Qt.Orientation.Vertical)
        for part in (top, self.history, proc_box):
            split.addWidget(part if isinstance(part, QWidget) else self._holder(part))
        split.setSizes([260, 300, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        self.finished.connect(lambda _: (self.room_health.forget(), self.closed.emit(self.name)))
        self.resize(1180, 860)
        self.retranslate()

    @staticmethod
    def _titled(title: QLabel, button: QPushButton, note: QLabel | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(title)
        if note is not None:
            row.addWidget(note)
        row.addStretch(1)
        row.addWidget(button)
        return row

    @staticmethod
    def _holder(layout) -> QWidget:
        holder = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(layout)
        return holder

    def _gpu_columns(self) -> list[Column]:
        return [
            Column("gpu", lambda: self.tr("GPU")),
            Column("util_pct", lambda: self.tr("Util %"), 0),
            Column("mem_used_gib", lambda: self.tr("Memory GiB"), 1),
            Column("mem_total_gib", lambda: self.tr("of GiB"), 0),
            Column("temp_c", lambda: self.tr("°C"), 0),
            Column("power_w", lambda: self.tr("Power W"), 0),
            Column("organisation", lambda: self.tr("Working for")),
            Column("job", lambda: self.tr("Job")),
            Column("ecc_sbe", lambda: self.tr("ECC SBE"), 0),
            Column("ecc_dbe", lambda: self.tr("ECC DBE"), 0),
            Column("pages", lambda: self.tr("Pages · rows")),
        ]

    def _process_columns(self) -> list[Column]:
        return [
            Column("gpu", lambda: self.tr("GPU")),
            Column("pid", lambda: self.tr("PID")),
            Column("user", lambda: self.tr("User")),
            Column("organisation", lambda: self.tr("Organisation")),
            Column("used_mib", lambda: self.tr("Memory MiB"), 0),
            Column("command", lambda: self.tr("Command")),
        ]

    def retranslate(self) -> None:
        self.setWindowTitle(fmt(self.tr("Node %1"), self.name))
        self.gpu_title.setText(self.tr("GPUs now"))
        self.info_title.setText(self.tr("Machine"))
        self.proc_title.setText(self.tr("Processes on the GPUs"))
        for button in (self.gpu_export, self.proc_export):
            button.setText(self.tr("Export CSV…"))
        captions = {
            "cpu": self.tr("CPU"),
            "memory": self.tr("Memory"),
            "swap": self.tr("Swap"),
            "load": self.tr("Load (1, 5, 15 min)"),
            "network": self.tr("Network"),
            "disks": self.tr("Disks"),
            "uptime": self.tr("Up for"),
            "software": self.tr("Kernel · driver · CUDA"),
        }
        for key, text in captions.items():
            self.info_captions[key].setText(text)
        self.gpus.retranslate()
        self.processes.retranslate()
        if self.snap is not None:
            self.show_snapshot(self.snap)
        self._show_sample()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_ask_save_path(self, ask: AskPath) -> None:
        self.ask_save_path = ask
        self.history.ask_save_path = ask

    # -- data ---------------------------------------------------------------------------------

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.snap = snap
        try:
            row = snap.node_names.index(self.name)
        except ValueError:
            return
        status = NodeStatus(int(snap.node_status[row]))
        sector = snap.sector_of(row)
        model = self.spec.gpu_model if self.spec and self.spec.gpu_model else "GPU"
        parts = [
            f"<span style='font-size:14pt'>{html.escape(self.name)}</span>",
            f"<span style='color:{SECTOR_COLORS[sector].name()}'>"
            f"{html.escape(sector_name(sector))}</span>",
            html.escape(organisation_name(snap.node_org[row])),
            f"<span style='color:{STATUS_COLORS[status].name()}'>"
            f"{html.escape(status_name(status))}</span>",
            html.escape(f"{int(snap.node_gpu_count[row])} × {model}"),
        ]
        self.header.setText(" · ".join(parts))
        self.room_health.maybe_ask()
        detail = self.services.node_detail(self.name)
        if detail is not None and detail is not self.sample:
            self.sample = detail
            self._show_sample()
        self._show_gpus()
        history = self.services.history
        frames = None
        if history is not None:
            ring = history.ring
            first = ring.first_t if ring is not None else None
            self.history.memory_since = first if first is not None else snap.t
            if self.history.source == LIVE:
                frames = history.node_frames(self.name, snap.t - LIVE_WINDOW_S)
        self.history.show_frames(snap.t, frames)

    def _show_gpus(self) -> None:
        """The snapshot's GPUs with their memory health: the room's (Prometheus mode) or the
        whole sample's."""
        snap = self.snap
        row = snap.node_names.index(self.name) if snap and self.name in snap.node_names else None
        if row is None:
            return
        room = self.room_health
        health = room.health if room.room else node_health.of_sample(self.sample)
        self.gpus.set_frame(node_health.with_health(gpu_frame(snap, row, self.organisations),
                                                    health))

    def _health_arrived(self) -> None:
        self._show_gpus()

    def _show_sample(self) -> None:
        sample = self.sample
        if sample is None:
            self.proc_note.setText(self.tr("Waiting for the node's next sample…"))
            for label in self.info_values.values():
                label.setText("–")
            return
        node_org = self.spec.organisation if self.spec else None
        frame = process_frame(sample, self.services.inventory.organisation_of_user, node_org)
        self.processes.set_frame(frame)
        taken = datetime.fromtimestamp(sample.t, self.tz)
        self.proc_note.setText(
            fmt(self.tr("%1 processes · sample of %2"), len(frame), f"{taken:%H:%M:%S}")
        )
        self._show_info(sample)

    def _show_info(self, sample: NodeSample) -> None:
        info = sample.info
        v = self.info_values
        v["cpu"].setText("–" if sample.cpu_percent is None else f"{sample.cpu_percent:.0f} %")
        if info is not None and info.mem_total_bytes:
            v["memory"].setText(
                f"{data_size(info.mem_used_bytes)} / {data_size(info.mem_total_bytes)}"
            )
        elif sample.mem_used_frac is not None:
            v["memory"].setText(f"{100 * sample.mem_used_frac:.0f} %")
        else:
            v["memory"].setText("–")
        if info is None:
            for key in ("swap", "load", "network", "disks", "uptime", "software"):
                v[key].setText(self.tr("not reported by the probe"))
            return
        v["swap"].setText(f"{data_size(info.swap_used_bytes)} / {data_size(info.swap_total_bytes)}")
        loads = (info.load1, info.load5, info.load15)
        v["load"].setText(" · ".join("–" if x is None else f"{x:.2f}" for x in loads))
        v["network"].setText(
            fmt(self.tr("in %1 · out %2"), data_rate(info.net_rx_bps), data_rate(info.net_tx_bps))
        )
        v["disks"].setText(
            "\n".join(
                f"{d.mount}: {data_size(d.used_bytes)} / {data_size(d.total_bytes)}"
                for d in info.disks
            )
            or "–"
        )
        v["uptime"].setText(duration(info.uptime_s))
        v["software"].setText(" · ".join(x or "–" for x in (info.kernel, info.driver, info.cuda)))

    # -- export -------------------------------------------------------------------------------

    def _stamp(self) -> str:
        t = self.snap.t if self.snap is not None else datetime.now(self.tz).timestamp()
        return f"{datetime.fromtimestamp(t, self.tz):%Y%m%d-%H%M%S}"

    def export_gpus(self, path: Path | None = None) -> Path | None:
        ask = self.ask_save_path if path is None else (lambda *_: path)
        name = f"hangang-{self.name}-gpus-{self._stamp()}.csv"
        return export_csv(self, self.gpus.shown_frame(), name, ask)

    def export_processes(self, path: Path | None = None) -> Path | None:
        ask = self.ask_save_path if path is None else (lambda *_: path)
        name = f"hangang-{self.name}-processes-{self._stamp()}.csv"
        return export_csv(self, self.processes.shown_frame(), name, ask)
