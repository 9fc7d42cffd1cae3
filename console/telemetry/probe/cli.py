"""The command line and the main loop: a line now, or one every interval until told to stop.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import time

from .compact import CompactEncoder
from .sample import build_probe

SIM_ENV = "HANGANG_NVML_SIM"
DEFAULT_MAX_SECONDS = 21600.0  # a forgotten probe stops by itself after six hours
FIRST_WINDOW_S = 0.1  # CPU % and network rates need two readings: the first line waits this long
PARENT_CHECK_S = 1.0  # how often a long sleep wakes to see whether the parent is gone


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="probe.py", description="Print GPU and node telemetry as JSON lines."
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="print one line and exit")
    mode.add_argument("--stream", type=float, metavar="SECONDS", help="print a line every SECONDS")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help="exit after this long (default: %(default)s)",
    )
    parser.add_argument("--mounts", default="/", help="comma-separated mounts for disk use")
    parser.add_argument("--sim", metavar="SPEC", help=f"simulated NVML (or env {SIM_ENV})")
    parser.add_argument("--no-psutil", action="store_true", help="read /proc even with psutil")
    parser.add_argument("--no-nvml", action="store_true", help="skip NVML, use nvidia-smi")
    parser.add_argument(
        "--protocol", type=int, choices=(1, 2), default=1,
        help="1: one JSON object a line; 2: a header, then compact lines (docs/protocol.md)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.stream is not None and not (args.stream > 0 and math.isfinite(args.stream)):
        parser.error("--stream needs a positive number of seconds")
    if args.sim is None:
        args.sim = os.environ.get(SIM_ENV) or None
    return args, parser


def main(argv=None, out=None):
    parent = os.getppid()  # before the slow part, so a parent that dies early is still noticed
    args, parser = parse_args(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    mounts = [m.strip() for m in args.mounts.split(",") if m.strip()]
    try:
        probe = build_probe(args.sim, mounts, args.stream, not args.no_psutil, not args.no_nvml)
    except ValueError as exc:  # a bad --sim SPEC
        parser.error(str(exc))
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_quietly)  # so close() still stops an nvidia-smi loop
    try:
        return run(probe, args.stream, args.max_seconds, out, parent, args.protocol)
    except KeyboardInterrupt:
        return 130
    finally:
        probe.close()


def _exit_quietly(signum, frame):
    raise SystemExit(0)


def run(probe, interval, max_seconds, out, parent=None, protocol=1):
    """Print lines until --once is done, max_seconds pass, stdout closes or the parent dies."""
    encoder = CompactEncoder() if protocol == 2 else None
    start = time.monotonic()
    parent = os.getppid() if parent is None else parent
    probe.node.prime()
    time.sleep(FIRST_WINDOW_S)
    due = time.monotonic()
    while True:
        lines = encoder.lines(probe.sample()) if encoder else [probe.line()]
        if not _write(out, "\n".join(lines)):
            return 0
        if interval is None:
            return 0
        due += interval
        now = time.monotonic()
        if due <= now:
            due = now + interval  # fell a whole interval behind (suspended, overloaded): skip it
        while now < due:
            if now - start >= max_seconds or os.getppid() != parent:
                return 0
            time.sleep(min(due - now, PARENT_CHECK_S))
            now = time.monotonic()
        if now - start >= max_seconds or os.getppid() != parent:
            return 0


def _write(out, line):
    """False once the reader has gone (the SSH channel closed)."""
    try:
        out.write(line + "\n")
        out.flush()
        return True
    except (OSError, ValueError):  # BrokenPipeError, or ValueError: the stream was closed
        _silence_stdout()
        return False


def _silence_stdout():
    """Point stdout at /dev/null so the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
