"""Read `nvidia-smi --query-gpu=... --format=csv` captures into the probe's GPU fields.

The parsing itself lives in probe/smi_csv.py, because the probe runs alone on nodes and falls back
to nvidia-smi there; this module is the console-side door to it and a small command line:

    python3 -m console.telemetry.nvsmi CAPTURE.csv [--fields index,name,...]

prints one JSON object per GPU. Columns are matched by header name, so any field order, extra
columns and "[MiB]"-style units work; `--fields` names the columns of a noheader capture.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from console.telemetry.probe.smi_csv import SMI_COLUMNS, parse_smi_csv

__all__ = ["SMI_COLUMNS", "main", "parse_query_gpu"]


def parse_query_gpu(
    text: str, fields: Sequence[str] | None = None
) -> tuple[list[dict], str | None, list[str]]:
    """GPUs (probe field names, every field present, None where unknown), the driver version
    if the capture has one, and problems (rows that did not fit the header)."""
    return parse_smi_csv(text, list(fields) if fields is not None else None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m console.telemetry.nvsmi",
        description="Print an nvidia-smi --query-gpu CSV capture as one JSON object per GPU.",
    )
    parser.add_argument("file", type=Path, help="the capture ('-' reads stdin)")
    parser.add_argument("--fields", help="comma-separated query fields, for noheader captures")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text(errors="replace")
    fields = [f.strip() for f in args.fields.split(",")] if args.fields else None
    gpus, _driver, problems = parse_query_gpu(text, fields)
    for problem in problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    for gpu in gpus:
        print(json.dumps(gpu, separators=(",", ":")))
    return 1 if problems and not gpus else 0


if __name__ == "__main__":
    sys.exit(main())
