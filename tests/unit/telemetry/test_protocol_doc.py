"""docs/protocol.md names every field the probe writes, and its example line has every key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from console.telemetry.probe.compact import GPU_NUMBERS, GPU_SLOW, NODE_NUMBERS
from console.telemetry.probe.fields import GPU_FIELDS, NODE_FIELDS, PROCESS_FIELDS

DOC = (Path(__file__).parents[3] / "docs" / "protocol.md").read_text()


def test_every_field_is_documented():
    for field in (*GPU_FIELDS, *NODE_FIELDS, "gpu_instance_id", "job"):
        assert f"`{field}`" in DOC, field
    row = next(line for line in DOC.splitlines() if line.startswith("| `processes` |"))
    for field in PROCESS_FIELDS:  # the processes row spells out each entry's keys
        assert f'"{field}":' in row, field


def test_the_example_line_has_every_key():
    block = DOC.split("## Example line", 1)[1]
    line = json.loads(re.search(r"```json\n(.*?)\n```", block, re.S).group(1))
    gpu, node = line["gpus"][0], line["node"]
    assert set(gpu) == set(GPU_FIELDS) and set(node) == set(NODE_FIELDS)
    assert all(set(p) == set(PROCESS_FIELDS) for p in gpu["processes"])


def test_the_v2_header_example_lists_the_probes_numbers():
    header = DOC.split("## Protocol v2", 1)[1]
    fields = re.search(r'"gpu_fields":\[(.*?)\]', header, re.S).group(1)
    assert [f.strip().strip('"') for f in fields.split(",")] == list(GPU_NUMBERS)
    nodes = re.search(r'"node_fields":\[(.*?)\]', header, re.S).group(1)
    assert [f.strip().strip('"') for f in nodes.split(",")] == list(NODE_NUMBERS)
    for field in GPU_SLOW:
        assert f"`{field}`" in header, field
