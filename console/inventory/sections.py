"""The fleet file's [sectors] and [slurm] tables: entitlements, guarantees, borrow caps and the
scheduler's settings. A part of the fleet file reader (console/inventory/loader.py), whose `_Loader`
supplies `fail`, `get`, `check_keys` and `table`; errors name file, line and field like the rest.
"""

from __future__ import annotations

import os
import re
from typing import Any

from console.fleet.model import SECTORS, Sector

SECTOR_KEYS = ("entitlement", "guaranteed", "maximum", "account")
SLURM_KEYS = (
    "controller",
    "user",
    "port",
    "identity_file",
    "partitions",
    "include_file",
    "slurm_conf",
    "keep_versions",
    "mode",
    "quota",
    "history_days",
)
QUOTA_KEYS = ("partition", "borrow_qos", "grace_time", "qos")
MODES = ("nodes", "quota")
# a Slurm QOS or partition name: one word, no list or assignment characters
_SLURM_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")

# a Slurm account name: sacctmgr stores it in lower case, and it is one word of a -P line
_ACCOUNT = re.compile(r"^[A-Za-z0-9_.\-]+$")
PROMETHEUS_KEYS = ("url", "interval", "timeout", "hosts")
SSH_KEYS = ("transport",)
TRANSPORTS = ("paramiko", "openssh")

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*%\s*$")


class SectionReader:
    def slurm(self, data: dict) -> dict[str, Any] | None:
        """[slurm]: which partitions are the sectors' and where scontrol runs (see
        console/capacity/backends/slurm_setup.py). Returned checked, with defaults filled in."""
        table = self.get(data, (), "slurm", dict)
        if table is None:
            return None
        keys = ("slurm",)
        self.check_keys(table, keys, SLURM_KEYS)
        out: dict[str, Any] = {"port": 22, "keep_versions": 5}
        if "controller" in table:
            value = self.get(table, keys, "controller", str, required=True).strip()
            self.check_jump(value, (*keys, "controller"))
            out["controller"] = value
        for key in ("user", "include_file", "slurm_conf"):
            if key in table:
                out[key] = self.get(table, keys, key, str, required=True)
        for key in ("include_file", "slurm_conf"):
            if key in out and not out[key].startswith("/"):
                self.fail((*keys, key), f"expected an absolute path on the controller, got "
                          f"{out[key]!r}")
        if "port" in table:
            out["port"] = self.get(table, keys, "port", int)
            if not 1 <= out["port"] <= 65535:
                self.fail((*keys, "port"), f"port must be 1–65535, got {out['port']}")
        if "identity_file" in table:
            value = self.get(table, keys, "identity_file", str, required=True)
            out["identity_file"] = str(self.path.absolute().parent / os.path.expanduser(value))
        if "history_days" in table:  # how far back the what-if reads sacct
            out["history_days"] = self.get(table, keys, "history_days", int)
            if not 1 <= out["history_days"] <= 366:
                self.fail((*keys, "history_days"), "history_days must be 1–366")
        if "keep_versions" in table:
            out["keep_versions"] = self.get(table, keys, "keep_versions", int)
            if not 0 <= out["keep_versions"] <= 100:
                self.fail((*keys, "keep_versions"), "keep_versions must be 0–100")
        partitions = {s.value: s.value for s in SECTORS}
        given = self.table(table, keys, "partitions")
        for name in given:
            pkeys = (*keys, "partitions", name)
            if name not in SECTORS:
                self.fail(pkeys, f"unknown sector '{name}' (expected {sector_list()})")
            value = self.get(given, pkeys[:-1], name, str, required=True)
            if any(c.isspace() or c in ",=" for c in value):
                self.fail(pkeys, f"{value!r} is not a Slurm partition name")
            partitions[name] = value
        names = list(partitions.values())
        if len(set(names)) != len(names):
            self.fail((*keys, "partitions"), "two sectors name the same partition")
        out["partitions"] = partitions
        out["mode"] = "nodes"
        if "mode" in table:
            out["mode"] = self.get(table, keys, "mode", str, required=True).strip()
            if out["mode"] not in MODES:
                self.fail((*keys, "mode"), f"mode must be 'nodes' or 'quota', got "
                          f"{out['mode']!r}")
        if "quota" in table or out["mode"] == "quota":
            out["quota"] = self.slurm_quota(table)
        return out

    def slurm_quota(self, table: dict) -> dict[str, Any]:
        """[slurm.quota]: the shared partition, the sectors' QOS, the optional borrow QOS
        (console/capacity/quota/setup.py). Defaults: partition "shared", QOS hangang_<sector>."""
        keys = ("slurm", "quota")
        quota = self.table(table, ("slurm",), "quota")
        self.check_keys(quota, keys, QUOTA_KEYS)
        out: dict[str, Any] = {"partition": "shared", "grace_time": 120,
                               "qos": {s.value: f"hangang_{s.value}" for s in SECTORS}}
        for key in ("partition", "borrow_qos"):
            if key in quota:
                value = self.get(quota, keys, key, str, required=True).strip()
                if not _SLURM_NAME.match(value):
                    self.fail((*keys, key), f"{value!r} is not a Slurm {key.split('_')[-1]} "
                              "name")
                out[key] = value
        if "grace_time" in quota:
            out["grace_time"] = self.get(quota, keys, "grace_time", int)
            if not 0 <= out["grace_time"] <= 86400:
                self.fail((*keys, "grace_time"), "grace_time must be 0–86400 s")
        given = self.table(quota, keys, "qos")
        for name in given:
            qkeys = (*keys, "qos", name)
            if name not in SECTORS:
                self.fail(qkeys, f"unknown sector '{name}' (expected {sector_list()})")
            value = self.get(given, qkeys[:-1], name, str, required=True).strip()
            if not _SLURM_NAME.match(value):
                self.fail(qkeys, f"{value!r} is not a Slurm QOS name")
            out["qos"][name] = value
        names = list(out["qos"].values())
        if len(set(names)) != len(names) or out.get("borrow_qos") in names:
            self.fail((*keys, "qos"), "each sector and the borrow QOS need a QOS of their own")
        return out

    def accounts(self, data: dict, sectors: dict) -> tuple[dict[Sector, str], dict[str, str]]:
        """`account` of [sectors.X] and of [[organisations]]: the Slurm account whose jobs are
        that sector's or organisation's (sacct, console/scheduler/). Optional; lower case, as
        sacctmgr keeps them; one account names one sector or organisation."""
        sector_accounts: dict[Sector, str] = {}
        org_accounts: dict[str, str] = {}
        owner: dict[str, str] = {}

        def read(table: dict, keys: tuple, who: str) -> str | None:
            if "account" not in table:
                return None
            value = self.get(table, keys, "account", str, required=True).strip()
            if not _ACCOUNT.match(value):
                self.fail((*keys, "account"), f"{value!r} is not a Slurm account name")
            value = value.lower()
            if value in owner:
                self.fail((*keys, "account"), f"account '{value}' is already {owner[value]}'s")
            owner[value] = who
            return value

        for name, table in sectors.items():
            if isinstance(table, dict) and name in SECTORS:
                found = read(table, ("sectors", name), f"the {name} sector")
                if found:
                    sector_accounts[Sector(name)] = found
        for i, table in enumerate(data.get("organisations") or []):
            if isinstance(table, dict):
                found = read(table, ("organisations", i), f"organisation {table.get('id')}")
                if found:
                    org_accounts[str(table["id"])] = found
        return sector_accounts, org_accounts

    def ssh_transport(self, data: dict) -> str:
        """[ssh] transport: "paramiko" (the default) or "openssh" (needs `ssh` on PATH, checked
        when the collectors start: a fleet file is also read where nothing connects)."""
        table = self.table(data, (), "ssh")
        self.check_keys(table, ("ssh",), SSH_KEYS)
        if "transport" not in table:
            return "paramiko"
        value = self.get(table, ("ssh",), "transport", str, required=True).strip()
        if value not in TRANSPORTS:
            self.fail(("ssh", "transport"), f"transport must be 'paramiko' or 'openssh', got "
                      f"{value!r}")
        return value

    def prometheus(self, data: dict, node_names: set[str]) -> dict[str, Any] | None:
        """[prometheus]: read the fleet from a Prometheus query API instead of over SSH. `hosts`
        maps a target's `instance` or a `Hostname` label value to a node of this file."""
        table = self.get(data, (), "prometheus", dict)
        if table is None:
            return None
        keys = ("prometheus",)
        self.check_keys(table, keys, PROMETHEUS_KEYS)
        out: dict[str, Any] = {"interval": 15.0, "timeout": 5.0, "hosts": {}}
        url = self.get(table, keys, "url", str, required=True).strip()
        if not re.match(r"^(https?://)?[^\s/:]+(:\d+)?(/\S*)?$", url):
            self.fail((*keys, "url"), f"expected an http(s) URL like http://prometheus:9090, "
                      f"got {url!r}")
        out["url"] = url
        for key, low, high in (("interval", 0.1, 3600.0), ("timeout", 0.1, 120.0)):
            if key in table:
                value = self.get(table, keys, key, float)
                if not low <= value <= high:
                    self.fail((*keys, key), f"{key} must be {low:g}–{high:g} s, got {value:g}")
                out[key] = float(value)
        for label in self.table(table, keys, "hosts"):
            value = self.get(table["hosts"], (*keys, "hosts"), label, str, required=True)
            if value not in node_names:
                self.fail((*keys, "hosts", label), f"no node named {value!r} in this file")
            out["hosts"][label] = value
        return out

    def entitlements(self, sectors: dict) -> dict[Sector, float]:
        shares: dict[Sector, float] = {}
        for name, table in sectors.items():
            keys = ("sectors", name)
            if name not in SECTORS:
                self.fail(keys, f"unknown sector '{name}' (expected {sector_list()})")
            if isinstance(table, dict):
                self.check_keys(table, keys, SECTOR_KEYS)
                if "entitlement" not in table:
                    self.fail((*keys, "entitlement"), "required field is missing")
                shares[Sector(name)] = self.share(table["entitlement"], (*keys, "entitlement"))
            else:  # shorthand: `public = "40%"` under [sectors]
                shares[Sector(name)] = self.share(table, keys)
        missing = [s.value for s in SECTORS if s not in shares]
        if missing:
            self.fail(("sectors", missing[0]), "missing: every sector needs an entitlement")
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-6:
            parts = ", ".join(f"{s.value} {shares[s] * 100:.4g}%" for s in SECTORS)
            self.fail(
                ("sectors",), f"entitlements add up to {total * 100:.4g}% ({parts}), not 100%"
            )
        return shares

    def limits(self, sectors: dict) -> tuple[dict[Sector, float | int], dict[Sector, float]]:
        """Optional per sector: `guaranteed` (a share, or a whole number of GPUs) and
        `maximum` (a share): the floor a rebalance keeps and the borrow cap."""
        guarantees: dict[Sector, float | int] = {}
        maximums: dict[Sector, float] = {}
        for name, table in sectors.items():
            if not isinstance(table, dict):
                continue
            keys = ("sectors", name)
            if "guaranteed" in table:
                value = table["guaranteed"]
                if isinstance(value, int) and not isinstance(value, bool) and value > 1:
                    guarantees[Sector(name)] = value  # GPUs
                else:
                    guarantees[Sector(name)] = self.share(value, (*keys, "guaranteed"))
            if "maximum" in table:
                maximums[Sector(name)] = self.share(table["maximum"], (*keys, "maximum"))
            floor = guarantees.get(Sector(name))
            if isinstance(floor, float) and floor > table_share(table):
                self.fail((*keys, "guaranteed"), "the guarantee cannot exceed the entitlement")
        return guarantees, maximums

    def share(self, value: object, keys: tuple) -> float:
        """A share of the centre: 0.4 or "40%"."""
        if isinstance(value, str):
            m = _PERCENT.match(value)
            if not m:
                self.fail(keys, f'expected a share like 0.4 or "40%", got {value!r}')
            value = float(m.group(1)) / 100.0
        else:
            value = self.get({keys[-1]: value}, keys[:-1], keys[-1], float)
            if value > 1:
                self.fail(
                    keys, f'{value} is more than the whole centre; for percent write "{value}%"'
                )
        if not 0.0 <= value <= 1.0:
            self.fail(keys, f"share must be between 0 and 100%, got {value:.4g}")
        return float(value)


def table_share(table: dict) -> float:
    value = table.get("entitlement", 1.0)
    if isinstance(value, str):
        m = _PERCENT.match(value)
        return float(m.group(1)) / 100.0 if m else 1.0
    return float(value)


def sector_list() -> str:
    names = [s.value for s in SECTORS]
    return ", ".join(names[:-1]) + " or " + names[-1]
