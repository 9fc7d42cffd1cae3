"""The fleet as `serve` describes it (hangang_node_info, hangang_sector_gpus_entitled), for a
console started with `--prometheus URL` and no fleet file.

Sectors and organisations come from these info series, never from PromQL joins on the data.
"""

from __future__ import annotations

from console.fleet.model import SECTORS, Organisation, Sector
from console.i18n.catalogue import translate
from console.inventory.model import Inventory, NodeSpec
from console.sources.prometheus import queries
from console.sources.prometheus.client import PrometheusClient, PrometheusError


def inventory_from_room(client: PrometheusClient) -> Inventory:
    nodes: dict[str, NodeSpec] = {}
    orgs: dict[str, Organisation] = {}
    for s in client.instant(queries.node_info()):
        name = s.labels.get("node") or s.labels.get("Hostname")
        try:
            sector = Sector(s.labels.get("sector", ""))
            gpus = int(float(s.labels.get("gpus", "0")))
        except ValueError:
            continue
        if not name or name in nodes:
            continue
        org_id = s.labels.get("organisation") or ""
        org = orgs.setdefault(org_id, Organisation(org_id, sector, org_id, org_id)) if org_id \
            else None
        nodes[name] = NodeSpec(name, sector, org, gpus, gpu_model=s.labels.get("model", ""))
    if not nodes:
        raise PrometheusError(
            translate("Prometheus", "{url} has no {series} series: start `hangang-console serve` "
                      "and let Prometheus scrape it, or give the fleet file with --inventory")
            .fill(url=client.url, series=queries.node_info())
        )
    entitled = {s.labels.get("sector"): s.value for s in client.instant(queries.sector_entitled())}
    shares = {sec: max(0.0, float(entitled.get(sec.value, 0.0))) for sec in SECTORS}
    if sum(shares.values()) <= 0:  # no entitlement series: each sector as allocated today
        shares = {sec: float(sum(n.gpu_count for n in nodes.values() if n.sector == sec))
                  for sec in SECTORS}
    total = sum(shares.values()) or 1.0
    shares = {sec: v / total for sec, v in shares.items()}
    if sum(shares.values()) < 0.5:
        shares = {sec: 1.0 / len(SECTORS) for sec in SECTORS}
    # the last sector takes the rounding, so they add up to exactly 1
    shares[SECTORS[-1]] = 1.0 - sum(shares[sec] for sec in SECTORS[:-1])
    return Inventory(
        nodes=tuple(nodes.values()),
        entitlements=shares,
        organisations=tuple(o for o in orgs.values()),
    )
