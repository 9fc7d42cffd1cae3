"""The trust dialog names the host whose key it is: a jump host's key is trusted for the jump
host, and the operator is told so."""

from __future__ import annotations

from console.fleet.metrics import default_registry
from console.fleet.model import NodeEvent, NodeStatus, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.fleet.node_table import NodeTable

SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}
FP = "SHA256:" + "B" * 43


def table_with(qtbot, event: NodeEvent) -> tuple[NodeTable, list[str], list[tuple]]:
    inv = Inventory((NodeSpec("gpu1", Sector.PUBLIC, None, 1),), SHARES)
    state = FleetState(inv, default_registry())
    state.apply(PollBatch(1.0, events=(event,)))
    table = NodeTable()
    qtbot.addWidget(table)
    table.show_snapshot(state.snapshot(1.0))
    shown: list[str] = []
    table.confirm = lambda text: shown.append(text) or True
    emitted: list[tuple] = []
    table.trust_requested.connect(lambda *args: emitted.append(args))
    return table, shown, emitted


def test_a_jump_hosts_key_is_named_for_the_jump_host(qtbot):
    reason = "jump host bastion2: [127.0.0.2]:2201: unknown ssh-ed25519 host key"
    event = NodeEvent("gpu1", 1.0, NodeStatus.HOSTKEY_UNKNOWN, reason, FP, "[127.0.0.2]:2201")
    table, shown, emitted = table_with(qtbot, event)
    assert table.ask_trust(0)
    assert "[127.0.0.2]:2201" in shown[0] and "gpu1" in shown[0] and FP in shown[0]
    assert "bastion2" in shown[0]
    assert emitted == [("gpu1", FP)]


def test_the_nodes_own_key(qtbot):
    reason = "[10.0.0.1]:22: unknown ssh-ed25519 host key"
    event = NodeEvent("gpu1", 1.0, NodeStatus.HOSTKEY_UNKNOWN, reason, FP, None)
    table, shown, emitted = table_with(qtbot, event)
    assert table.ask_trust(0)
    assert shown[0].startswith("Node gpu1 presented a host key")
    assert emitted == [("gpu1", FP)]


def test_a_refused_key_is_never_offered(qtbot):
    event = NodeEvent("gpu1", 1.0, NodeStatus.HOSTKEY_CHANGED, "host key REVOKED", FP, "gpu1")
    table, shown, emitted = table_with(qtbot, event)
    assert not table.ask_trust(0)
    assert shown == [] and emitted == []
