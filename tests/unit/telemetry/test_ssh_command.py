"""The remote command and the ProxyJump parsing, without a network."""

from __future__ import annotations

import dataclasses

from console.fleet.model import Sector
from console.inventory.model import NodeSpec
from console.telemetry.ssh import PROBE_GUARD_S, Endpoint, command_for

NODE = NodeSpec("gpu001", Sector.PUBLIC, None, 8, python="python3", interval=2.0)


def test_probe_runs_under_a_guard_with_the_source_on_stdin():
    assert command_for(NODE) == (
        f"exec timeout --kill-after=10 {PROBE_GUARD_S} python3 -u - --stream 2"
    )


def test_interpreter_from_the_fleet_file_cannot_inject_shell():
    evil = dataclasses.replace(NODE, python="python3; rm -rf /", interval=0.5)
    assert "'python3; rm -rf /' -u - --stream 0.5" in command_for(evil)


def test_proxy_jump_forms():
    assert Endpoint.parse("ops@bastion:2222", "me") == Endpoint("bastion", 2222, "ops")
    assert Endpoint.parse("bastion", "me") == Endpoint("bastion", 22, "me")
    assert Endpoint.parse("ops@[fd00::1]:22", "me") == Endpoint("fd00::1", 22, "ops")


def test_the_collector_asks_for_protocol_v2():
    assert command_for(NODE, 2).endswith("python3 -u - --stream 2 --protocol 2")
