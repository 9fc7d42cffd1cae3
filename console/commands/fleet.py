"""`hangang-console fleet check FLEET.toml [--connect]`: what the console would do with a fleet
file, before it does it.

Prints every node with its sector, organisation and the SSH settings it resolved to (as `ssh`
itself works them out: ssh -G), names each bad entry as `file:line: field: message`, warns about
unreadable known_hosts lines, and with --connect opens each node once (host keys, login, the
probe's first line) and prints one status line per node.

Exit status: 0 all good; 1 a bad entry or a node that failed; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from console.i18n.catalogue import say, translate
from console.i18n.names import sector_name

STATUS = {
    "LIVE": translate("Ssh", "OK"),
    "PROBE_ERROR": translate("Ssh", "PROBE ERROR"),
    "UNREACHABLE": translate("Ssh", "UNREACHABLE"),
    "AUTH_FAILED": translate("Ssh", "LOGIN REFUSED"),
    "HOSTKEY_UNKNOWN": translate("Ssh", "HOST KEY UNKNOWN"),
    "HOSTKEY_CHANGED": translate("Ssh", "HOST KEY REFUSED"),
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console fleet",
        description="Check a fleet file: each node's sector, organisation and SSH settings; "
        "with --connect, open each node once.",
    )
    p.add_argument("what", choices=("check",))
    p.add_argument("fleet", type=Path, metavar="FLEET.toml")
    p.add_argument("--connect", action="store_true", help="open each node once and report")
    p.add_argument("--ssh-config", type=Path, metavar="FILE",
                   help="ssh's -F: read this file instead of ~/.ssh/config and /etc/ssh/ssh_config")
    p.add_argument("--known-hosts", type=Path, metavar="FILE",
                   help="the console's own known_hosts (default: in ~/.config/hangang-console)")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    return p


def language(explicit: str | None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "ko" if env.startswith("ko") else "en"


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    out = sys.stdout.write
    from console.inventory.loader import InventoryError
    from console.telemetry.ssh_resolve import ResolveError, load_fleet
    from console.telemetry.ssh_route import route_for

    try:
        inventory, resolver = load_fleet(args.fleet, args.ssh_config)
    except InventoryError as exc:
        out(f"{exc}\n")
        return 1
    out(translate("Ssh", "{file}: {n} nodes; ssh settings from {how}\n").into(
        lang, file=args.fleet, n=len(inventory.nodes), how=resolver.how))
    failed = False
    routes: dict[str, tuple] = {}
    for spec in inventory.nodes:
        out(_node_line(spec, lang))
        try:
            routes[spec.name] = route = route_for(spec, resolver)
        except ResolveError as exc:
            failed = True
            where = f"{exc.path}:{exc.line}" if exc.path else str(args.fleet)
            out(f"    {where}: {spec.name}: {exc.message}\n")
            continue
        for text in _route_lines(route, lang):
            out(f"    {text}\n")
    for problem in _known_hosts_problems(routes.values()):
        out(translate("Ssh", "warning: skipped known_hosts line: {problem}\n").into(
            lang, problem=problem))
    if args.connect:
        failed |= _connect(inventory.nodes, routes, args, lang)
    return 1 if failed else 0


def _node_line(spec, lang: str) -> str:
    org = spec.organisation.name(lang) if spec.organisation else translate("Ssh", "none").into(lang)
    sector = sector_name(spec.sector, lang)
    return translate("Ssh", "{node}: sector {sector}, organisation {org}\n").into(
        lang, node=spec.name, sector=sector, org=org)


def _route_lines(route: tuple, lang: str) -> list[str]:
    node, jumps = route[-1], route[:-1]
    via = ", ".join(f"{h.label} ({h.name})" for h in jumps)
    return [
        translate("Ssh", "ssh: {target}").into(lang, target=node.label),
        translate("Ssh", "jumps: {jumps}").into(
            lang, jumps=via or translate("Ssh", "none (direct)").into(lang)),
        translate("Ssh", "identity: {files}").into(lang, files=", ".join(node.identities)),
        translate("Ssh", "known_hosts: {files}").into(
            lang, files=", ".join(map(str, node.known_hosts))),
    ]


def _known_hosts_problems(routes) -> list[str]:
    from console.telemetry.known_hosts import read_known_hosts

    files = dict.fromkeys(p for route in routes for hop in route for p in hop.known_hosts)
    return [problem for path in files for problem in read_known_hosts(path)[1]]


def _connect(nodes, routes: dict, args, lang: str) -> bool:
    from console.paths import config_dir
    from console.telemetry.bundle import probe_payload
    from console.telemetry.hostkeys import HostKeyStore
    from console.telemetry.ssh import Authenticator, Timeouts
    from console.telemetry.ssh_check import check_nodes
    from console.telemetry.ssh_route import RouteOpener

    keys = HostKeyStore(args.known_hosts or config_dir() / "known_hosts")
    opener = RouteOpener(keys, Authenticator(), Timeouts())
    specs = [s for s in nodes if s.name in routes]
    try:
        results = check_nodes(specs, [routes[s.name] for s in specs], opener, probe_payload())
    finally:
        opener.close()
    failed = len(specs) < len(nodes)
    for r in results:
        word = STATUS.get(r.status.name, translate("Ssh", "FAILED")).into(lang)
        if r.status.name == "LIVE":
            detail = translate("Ssh", "host key known, logged in, probe sent {gpus} GPUs").into(
                lang, gpus=r.gpus)
        else:
            failed = True
            detail = say(r.message, lang) + (f" [{r.fingerprint}]" if r.fingerprint else "")
        out = translate("Ssh", "{node}: {status}: {detail}\n")
        sys.stdout.write(out.into(lang, node=r.name, status=word, detail=detail))
    return failed
