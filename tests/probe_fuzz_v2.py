"""Protocol v2 for the probe fuzzer (tests/probe_fuzz.py): seed streams from the shipped probe,
and a unit of lines decoded as the collector decodes a stream."""

from __future__ import annotations

from console.telemetry.protocol import ProtocolError, parse_line
from console.telemetry.protocol_v2 import StreamDecoder
from tests.probe_process import run_probe


def v2_seed_streams(specs) -> list[tuple[bytes, ...]]:
    """Per spec, the shipped probe's v2 header and first two lines."""
    streams = []
    for spec in specs:
        args = ("--stream", "0.1", "--max-seconds", "0.45", "--sim", spec, "--protocol", "2")
        done = run_probe(*args, timeout=60, check=True, text=False)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        streams.append(tuple(lines[:3]))
    return streams


def decode_unit(lines: tuple[bytes, ...], node: str):
    """(sample, its notes) of a unit: one v1 line, or a v2 stream through one StreamDecoder; a
    v2 sample is made whole too, as a watched node's is."""
    if len(lines) == 1:
        sample = parse_line(lines[0], node)
        return sample, sample.errors
    decoder = StreamDecoder(node)
    sample = None
    for line in lines:
        sample = decoder.decode(line) or sample
    if sample is None:
        raise ProtocolError("no data line")
    return sample, sample.full().errors
