"""The read-only Slurm accounts dialog: the tree, QOS and fleet-file diff from real sacctmgr
captures (tests/unit/scheduler/sacctmgr-*), read on its own thread; slurmdbd down said plainly;
reachable from the accounting tab when the fleet has Slurm."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from console.scheduler.reconcile import fleet_diff
from console.scheduler.reconcile_apply import read_accounts
from tests.unit.scheduler.test_associations import FakeRunner, inventory
from widgets.common.i18n import Translations
from widgets.history.accounting_view import AccountingView
from widgets.history.accounts_dialog import AccountsDialog


def opened(qtbot, runner) -> AccountsDialog:
    dialog = AccountsDialog(lambda: read_accounts(runner, inventory()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.reads == 1, timeout=10_000)
    return dialog


def test_the_tree_qos_and_diff_from_the_2411_json(qtbot):
    dialog = opened(qtbot, FakeRunner("24.11.5"))
    assert "24.11.5" in dialog.status.text() and "--json" in dialog.status.text()
    root = dialog.tree.topLevelItem(0)
    assert dialog.tree.topLevelItemCount() == 1 and root.text(0) == "root"
    sectors = {root.child(i).text(0): root.child(i) for i in range(root.childCount())}
    assert set(sectors) == {"interest", "private", "public"}
    flood = sectors["interest"].child(0)
    assert flood.text(0) == "int_flood *"  # the console's own
    assert sectors["interest"].text(2) == "grpjobs=10 grptres=cpu=24"
    names = [dialog.qos.item(r, 0).text() for r in range(dialog.qos.rowCount())]
    assert names == ["hangang_borrow *", "interest_q", "normal"]
    assert dialog.qos.item(0, 1).text() == "requeue"
    expected = fleet_diff(inventory(), dialog.result.tree)
    lines = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert len(lines) == len(expected.changes) + bool(expected.unmanaged)
    assert "• add account pub_water under public" in lines


def test_korean(qtbot, qapp):
    translations = Translations(qapp)
    translations.set_language("ko")
    try:
        dialog = opened(qtbot, FakeRunner("22.05.8"))
        assert dialog.windowTitle() == "Slurm 계정"
        assert dialog.tree.headerItem().text(0) == "계정"
        assert dialog.changes.item(0).text().startswith("없음")  # the testbed's own fleet
    finally:
        translations.set_language("en")


def test_slurmdbd_down_is_said_and_nothing_shown(qtbot):
    dialog = opened(qtbot, FakeRunner("22.05.8", dbd_up=False))
    assert "slurmdbd" in dialog.status.text() and "Connection refused" in dialog.status.text()
    assert dialog.tree.topLevelItemCount() == 0 and dialog.result is None
    assert dialog.refresh_button.isEnabled()


def test_the_accounting_tab_opens_it_only_with_slurm(qtbot):
    view = AccountingView(ZoneInfo("Asia/Seoul"))
    qtbot.addWidget(view)
    view.show()
    assert not view.accounts_button.isVisible()
    asked = []
    view.set_accounts(lambda: asked.append(1))
    assert view.accounts_button.isVisible()
    view.accounts_button.click()
    assert asked == [1]


def test_the_audit_view_shows_a_reconcile_as_its_commands(qtbot, tmp_path):
    from console.access import AccessPolicy, Identity, Role
    from console.capacity.audit import AuditLog
    from tests.unit.scheduler.test_associations import WritingRunner, reconciler
    from widgets.capacity.audit_view import AuditView

    runner = WritingRunner("22.05.8", fail="pub_bus")
    reconciler(runner, tmp_path).apply("issue 18")
    view = AuditView(AuditLog(tmp_path / "audit.sqlite"), ZoneInfo("Asia/Seoul"),
                     AccessPolicy(Identity("kim", ()), Role.OPERATOR))
    qtbot.addWidget(view)
    view.refresh()
    assert view.table.item(0, 3).text() == "reconcile Slurm accounts"
    assert view.table.item(0, 7).text() == "failed"
    text = view.describe(view.entries[0])
    assert "Commands:" in text and "✓ sacctmgr -i add account prv_sector" in text
    assert "✗ sacctmgr -i add account pub_bus" in text and "Nothing modified" in text
