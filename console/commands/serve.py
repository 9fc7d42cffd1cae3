"""`hangang-console serve (--demo N | --inventory FLEET.toml) [--listen ADDR:PORT]`: the
collection of the operations room without a window.

Runs what the window's process runs (SSH collectors or the demo, history, alerts and incidents,
the capacity follower) and serves /metrics (Prometheus and OpenMetrics text) and /healthz.
SIGTERM or SIGINT stop it cleanly: the history is flushed before it exits 0.

Exit status: 0 stopped by a signal; 2 the source or the address cannot be used.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from dataclasses import replace

from console.commands.fleet import language
from console.commands.room_args import SourceError, add_source_args, open_source
from console.i18n.catalogue import translate


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console serve",
        description="Collect the fleet without a window and serve /metrics and /healthz.",
    )
    add_source_args(p)
    p.add_argument("--listen", default="127.0.0.1:9464", metavar="ADDR:PORT",
                   help="where to serve /metrics (default 127.0.0.1:9464, loopback only)")
    p.add_argument("--alertmanager", metavar="URL",
                   help="file the room's incidents in this Alertmanager (its v2 API); "
                   "default: the settings' [alertmanager] url, else none")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    err = sys.stderr.write
    from console.room.http import parse_listen
    from console.room.serve import Room

    try:
        parse_listen(args.listen)
        opened = open_source(args)
    except (SourceError, ValueError) as exc:
        err(f"hangang-console serve: {exc}\n")
        return 2
    alertmanager = opened.settings.alertmanager
    if args.alertmanager is not None:
        if not args.alertmanager.startswith(("http://", "https://")):
            err(translate("Room", "hangang-console serve: --alertmanager {url}: expected an "
                          "http:// or https:// URL\n").into(lang, url=args.alertmanager))
            return 2
        alertmanager = replace(alertmanager, url=args.alertmanager.rstrip("/"))
    try:
        room = Room(opened.options, opened.inventory, opened.settings, listen=args.listen,
                    alertmanager=alertmanager)
    except OSError as exc:  # the address is taken or not ours
        err(translate("Room", "hangang-console serve: cannot listen on {addr}: {reason}\n").into(
            lang, addr=args.listen, reason=exc.strerror or exc))
        return 2
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    room.start()
    err(translate("Room", "serving {n} nodes on {url}/metrics\n").into(
        lang, n=len(room.services.inventory.nodes), url=room.http.url))
    if room.sender is not None:
        err(translate("Room", "filing incidents in the Alertmanager at {url}\n").into(
            lang, url=room.sender.state().url))
    sys.stderr.flush()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        room.stop()
        logging.getLogger("hangang.serve").info("stopped; history flushed")
    return 0
