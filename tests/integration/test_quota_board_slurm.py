"""The quota board on real Slurm (slurm_quota.py's testbed): an operator moves 8 GPUs of cap from
the board, the job waiting at its sector's cap (QOSGrpGRES) starts without any node draining;
with slurmdbd stopped the board says so in a banner and keeps answering.

The testbed is the session's (conftest.py's quota_bed, shared with test_quota_slurm.py: no
start of its own), on both versions; the service and the job helpers are test_quota_slurm.py's.
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from console.fleet.model import Sector
from tests.integration.slurm24 import both_versions
from tests.integration.test_quota_slurm import gpu_job, running, service
from widgets.capacity.quota_board import QuotaBoard

P, N = Sector.PUBLIC, Sector.INTEREST
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 30_000
pytestmark = both_versions("quota_bed", scope="session")


def test_a_cap_move_from_the_board_starts_the_waiting_job_and_slurmdbd_down_is_a_banner(
    qtbot, bed, tmp_path, capsys
):
    svc = service(bed, tmp_path)
    first = [gpu_job(bed, "int_flood") for _ in range(2)]
    qtbot.waitUntil(lambda: running(bed, first), timeout=TIMEOUT_MS)
    waiting = gpu_job(bed, "int_flood")
    qtbot.waitUntil(lambda: bed.jobs().get(waiting) == ("PENDING", "QOSGrpGRES"),
                    timeout=TIMEOUT_MS)
    layout = bed.partition_nodes()

    board = QuotaBoard(svc, TZ)
    qtbot.addWidget(board)
    board.resize(1400, 700)
    board.show()
    try:
        qtbot.waitUntil(lambda: board.state is not None
                        and board.state.sectors[N].pending_at_cap == 8, timeout=TIMEOUT_MS)
        assert board.columns[N].values["cap"].text() == "16"
        assert board.columns[N].values["running"].text() == "16"
        assert board.columns[N].values["at cap"].text() == "8"
        assert "Slurm " in board.about.text() and "hangang_borrow" in board.about.text()

        board.step.setValue(8)
        board.source.setCurrentIndex(board.source.findData(P))
        board.target.setCurrentIndex(board.target.findData(N))
        qtbot.mouseClick(board.move_button, Qt.MouseButton.LeftButton)
        assert board.preview is not None and board.preview.ok, board.preview.problems
        qtbot.mouseClick(board.apply_button, Qt.MouseButton.LeftButton)
        board.apply_dialog.reason_edit.setText("interest's flood model is due")
        t0 = time.monotonic()
        with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
            qtbot.mouseClick(board.apply_dialog.ok_button, Qt.MouseButton.LeftButton)
        applied_s = time.monotonic() - t0
        assert bed.caps() == {"public": 20, "interest": 24, "private": 16}
        qtbot.waitUntil(lambda: running(bed, [waiting]), timeout=TIMEOUT_MS)
        started_s = time.monotonic() - t0
        assert bed.drained() == set() and bed.partition_nodes() == layout  # no node moved
        qtbot.waitUntil(lambda: board.columns[N].values["running"].text() == "24",
                        timeout=TIMEOUT_MS)
        with capsys.disabled():
            print(f"\nquota move from the board: applied in {applied_s:.1f} s, "
                  f"the waiting job running {started_s:.1f} s after the click")

        bed.stop_dbd()
        try:
            board.refresh()
            qtbot.waitUntil(board.banner.isVisible, timeout=TIMEOUT_MS)
            assert "slurmdbd" in board.banner.text()
            # the board still answers on its last read while the scheduler does not
            board.move(N, P, 8)
            assert board.plan is not None and board.plan.caps_after == {N: 16, P: 28}
        finally:
            bed.start_dbd()
        board.refresh()
        qtbot.waitUntil(lambda: not board.banner.isVisible(), timeout=TIMEOUT_MS)
    finally:
        board.shutdown()
