"""Many BlackholeRelays in a process of their own, steered over stdin.

A fault storm puts a hundred relays in front of its nodes; their pump threads would compete with
the window for the GIL if they lived in the test process, and the stall the test measures would
be the relays', not the console's. Here they run apart:

    python -m tests.integration.relay_host TARGET_PORT 127.1.0.1 127.1.0.2 …
    → prints one JSON line {"127.1.0.1": ["127.2.0.1", 40123], …} (where to dial each node)
    ← reads commands, one per line, answers "ok" or "error: …":
        blackhole ADDRESS   nothing crosses, sockets stay open (a silent partition)
        close ADDRESS       connections closed and the port refuses (a dead machine)
        retarget ADDRESS PORT   connections closed; new ones reach ADDRESS:PORT (another sshd
                            with another host key: the machine was reinstalled)
        quit
"""

from __future__ import annotations

import json
import sys

from tests.integration.relay import BlackholeRelay


def relay_address(target: str) -> str:
    """127.1.a.b is reached through 127.2.a.b."""
    parts = target.split(".")
    return ".".join(["127", "2", *parts[2:]])


def main(argv: list[str]) -> int:
    port, targets = int(argv[0]), argv[1:]
    relays = {t: BlackholeRelay(relay_address(t), t, port) for t in targets}
    print(json.dumps({t: [r.listen_addr, r.port] for t, r in relays.items()}), flush=True)
    for line in sys.stdin:
        verb, target, *rest = (line.split() or ["quit"]) + [""]
        relay = relays.get(target)
        if verb == "quit":
            break
        if relay is None or verb not in ("blackhole", "close", "retarget"):
            print(f"error: {line.strip()!r}", flush=True)
            continue
        if verb == "blackhole":
            relay.blackhole()
        elif verb == "close":
            relay.close()
        else:
            relay.retarget(target, int(rest[0]))
        print("ok", flush=True)
    for relay in relays.values():
        relay.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
