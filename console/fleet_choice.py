"""Which fleet a process follows, and how its file is read: over SSH (each node's settings as
`ssh -G` works them out) or from a room's Prometheus (no ssh -G: nobody dials the nodes).

Shared by the window, the kiosk, `serve` and `status`, so they all choose the same way.
"""

from __future__ import annotations

from dataclasses import replace

from console.cli import Options
from console.inventory.model import Inventory


def prometheus_room(options: Options, inventory: Inventory | None):
    """The Prometheus to read (`--prometheus`, else the fleet file's [prometheus]), or None."""
    from console.sources.prometheus.setup import RoomSettings

    room = RoomSettings.of(options.prometheus, inventory.prometheus if inventory else None)
    if room is not None and options.interval_given:
        room = replace(room, interval=options.interval)
    return room


def load_inventory_for(options: Options) -> Inventory | None:
    """The fleet: from the fleet file (ssh -G only when it is followed over SSH), or from
    serve's info series when only `--prometheus` is given. Raises InventoryError, OSError,
    PrometheusError."""
    if options.inventory is None:
        if options.prometheus is None:
            return None
        from console.sources.prometheus.discover import inventory_from_room

        return inventory_from_room(prometheus_room(options, None).client())
    from console.inventory.loader import load_inventory

    bare = load_inventory(options.inventory, options.ssh_config, ssh_options=lambda host: {})
    if prometheus_room(options, bare) is not None:
        return bare
    from console.telemetry.ssh_resolve import load_fleet

    # each node's ssh settings as `ssh` itself works them out (ssh -G)
    return load_fleet(options.inventory, options.ssh_config)[0]
