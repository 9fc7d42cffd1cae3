"""Read a fleet file (TOML) into an Inventory; every mistake names file, line and field.

resources/examples/fleet.toml shows the format with comments. How a node's connection settings
are chosen, first match wins:
  1. the node's own entry in the fleet file (proxy_jump = "" means "connect directly");
  2. the ssh config as `ssh <host>` uses it (host = the entry's host, else its name), from
     `ssh_options` (the console's asks `ssh -G`), else ~/.ssh/config read by paramiko;
     its HostName becomes the address, and Port, User, IdentityFile, ProxyJump apply;
  3. the fleet file's [defaults];
  4. port 22 and the current OS user.
NodeSpecs keep the name ssh is given (ssh_host): the collector asks ssh -G for the rest.
"""

from __future__ import annotations

import difflib
import getpass
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from console.fleet.model import Organisation, Sector
from console.inventory.hostlist import HostlistError, expand_hostlist
from console.inventory.model import Inventory, InventoryError, NodeSpec
from console.inventory.positions import TomlPositions
from console.inventory.reading import read_fleet_file, read_ssh_config
from console.inventory.sections import SectionReader, sector_list

__all__ = ["InventoryError", "load_inventory"]

MAX_GPUS_PER_NODE = 64  # console/fleet/packing.py drops GPU indices beyond this

TOP_KEYS = (
    "centre", "sectors", "organisations", "defaults", "nodes", "slurm", "prometheus", "ssh"
)
CENTRE_KEYS = ("name",)
ORG_KEYS = ("id", "sector", "name_ko", "name_en", "users", "account")
CONNECT_KEYS = (
    "port",
    "user",
    "identity_file",
    "proxy_jump",
    "python",
    "interval",
    "gpus",
    "gpu_model",
)
DEFAULT_KEYS = CONNECT_KEYS
NODE_KEYS = ("name", "host", "sector", "organisation", *CONNECT_KEYS)

_KIND_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
    bool: "true or false",
}
_HOP = re.compile(r"^(?:ssh://)?(?:[^@\s/]+@)?(?:\[[0-9A-Fa-f:.]+\]|[^@\s:\[\]/]+)(?::(\d+))?$")


SshOptions = Callable[[str], dict[str, Any]]  # host → hostname, port, user, identityfile, proxyjump


def load_inventory(
    path: Path, ssh_config_path: Path | None = None, ssh_options: SshOptions | None = None
) -> Inventory:
    """Read and check a fleet file; raises InventoryError (one, the first found)."""
    path = Path(path)
    text, data = read_fleet_file(path)
    ssh = ("ssh -G", ssh_options) if ssh_options is not None else read_ssh_config(ssh_config_path)
    return _Loader(path, text, ssh).inventory(data)


def _label(keys: tuple) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else k)
    return out


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER and no passwd entry (some containers)
        return None


class _Loader(SectionReader):
    def __init__(self, path: Path, text: str, ssh: tuple[Path, Any] | None) -> None:
        self.path = path
        self.where = TomlPositions(text)
        self.ssh = ssh
        self.os_user = _os_user()

    def fail(self, keys: tuple, message: str) -> NoReturn:
        raise InventoryError(self.path, self.where.line(keys), _label(keys), message)

    def get(self, table: dict, keys: tuple, key: str, kind: type, required: bool = False):
        if key not in table:
            if required:
                self.fail((*keys, key), "required field is missing")
            return None
        value = table[key]
        ok = type(value) is kind or (kind is float and type(value) is int)
        if not ok:
            got = _KIND_NAMES.get(type(value), type(value).__name__)
            self.fail((*keys, key), f"expected {_KIND_NAMES[kind]}, got {got} {value!r}")
        if kind is float and not math.isfinite(value):
            self.fail((*keys, key), f"expected a finite number, got {value!r}")
        if kind is str and required and not value.strip():
            self.fail((*keys, key), "must not be empty")
        return value

    def check_keys(self, table: dict, keys: tuple, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.fail((*keys, key), f"unknown field '{key}'{hint}")

    def table(self, data: dict, keys: tuple, key: str) -> dict:
        return self.get(data, keys, key, dict) or {}

    def sector(self, table: dict, keys: tuple, required: bool = True) -> Sector | None:
        value = self.get(table, keys, "sector", str, required)
        if value is None:
            return None
        try:
            return Sector(value)
        except ValueError:
            self.fail((*keys, "sector"), f"unknown sector '{value}' (expected {sector_list()})")

    # ── sections ──────────────────────────────────────────────────────────────────────────────

    def inventory(self, data: dict) -> Inventory:
        self.check_keys(data, (), TOP_KEYS)
        centre = self.table(data, (), "centre")
        self.check_keys(centre, ("centre",), CENTRE_KEYS)
        sectors = self.table(data, (), "sectors")
        entitlements = self.entitlements(sectors)
        guarantees, maximums = self.limits(sectors)
        organisations, user_org = self.organisations(data)
        sector_accounts, org_accounts = self.accounts(data, sectors)
        defaults = self.table(data, (), "defaults")
        self.check_keys(defaults, ("defaults",), DEFAULT_KEYS)
        preset = self.connect_settings(defaults, ("defaults",))
        nodes = self.nodes(data, preset, {o.id: o for o in organisations})
        slurm = self.slurm(data)
        return Inventory(
            prometheus=self.prometheus(data, {n.name for n in nodes}),
            nodes=nodes,
            entitlements=entitlements,
            organisations=organisations,
            centre_name=self.get(centre, ("centre",), "name", str) or "",
            user_org=user_org,
            slurm=slurm,
            source_path=self.path,
            guarantees=guarantees,
            maximums=maximums,
            sector_accounts=sector_accounts,
            org_accounts=org_accounts,
            ssh_transport=self.ssh_transport(data),
        )

    def organisations(self, data: dict) -> tuple[tuple[Organisation, ...], dict[str, str]]:
        orgs: list[Organisation] = []
        user_org: dict[str, str] = {}
        for i, table in enumerate(self.get(data, (), "organisations", list) or []):
            keys = ("organisations", i)
            if not isinstance(table, dict):
                self.fail(keys, "expected a table with id, sector, name_ko, name_en")
            self.check_keys(table, keys, ORG_KEYS)
            org_id = self.get(table, keys, "id", str, required=True)
            if any(o.id == org_id for o in orgs):
                self.fail((*keys, "id"), f"organisation '{org_id}' is defined twice")
            sector = self.sector(table, keys)
            name_en = self.get(table, keys, "name_en", str)
            name_ko = self.get(table, keys, "name_ko", str)
            orgs.append(
                Organisation(
                    org_id, sector, name_ko or name_en or org_id, name_en or name_ko or org_id
                )
            )
            for j, user in enumerate(self.get(table, keys, "users", list) or []):
                ukeys = (*keys, "users", j)
                if not isinstance(user, str) or not user.strip():
                    self.fail(ukeys, f"expected a login name, got {user!r}")
                if user in user_org:
                    self.fail(ukeys, f"user '{user}' already belongs to '{user_org[user]}'")
                user_org[user] = org_id
        return tuple(orgs), user_org

    def connect_settings(self, table: dict, keys: tuple) -> dict[str, Any]:
        """The connection keys of one table, checked; absent keys are left out."""
        out: dict[str, Any] = {}
        for key in ("user", "gpu_model", "python"):
            if key in table:
                out[key] = self.get(table, keys, key, str, required=True)
        if "port" in table:
            out["port"] = self.get(table, keys, "port", int)
            if not 1 <= out["port"] <= 65535:
                self.fail((*keys, "port"), f"port must be 1–65535, got {out['port']}")
        if "gpus" in table:
            out["gpus"] = self.get(table, keys, "gpus", int)
            if not 0 <= out["gpus"] <= MAX_GPUS_PER_NODE:
                self.fail((*keys, "gpus"), f"gpus must be 0–{MAX_GPUS_PER_NODE}, got {out['gpus']}")
        if "interval" in table:
            out["interval"] = float(self.get(table, keys, "interval", float))
            if not 0.1 <= out["interval"] <= 3600:
                self.fail((*keys, "interval"), "interval must be 0.1–3600 seconds")
        if "identity_file" in table:
            value = self.get(table, keys, "identity_file", str, required=True)
            # relative to the fleet file, so a fleet directory can carry its own key
            out["identity_file"] = str(self.path.absolute().parent / os.path.expanduser(value))
        if "proxy_jump" in table:
            value = self.get(table, keys, "proxy_jump", str).strip()
            if value.lower() in ("", "none"):
                out["proxy_jump"] = None
            else:
                self.check_jump(value, (*keys, "proxy_jump"))
                out["proxy_jump"] = value
        return out

    def check_jump(self, value: str, keys: tuple) -> None:
        for hop in value.split(","):
            m = _HOP.match(hop.strip())
            if not m or (m.group(1) and not 1 <= int(m.group(1)) <= 65535):
                self.fail(keys, f"bad jump host {hop.strip()!r}: expected [user@]host[:port]")

    def nodes(self, data: dict, preset: dict, orgs: dict[str, Organisation]) -> tuple:
        entries = self.get(data, (), "nodes", list)
        if not entries:
            self.fail(("nodes",), "the fleet file lists no nodes: add [[nodes]] tables")
        seen: dict[str, int] = {}
        specs: list[NodeSpec] = []
        for i, table in enumerate(entries):
            keys = ("nodes", i)
            if not isinstance(table, dict):
                self.fail(keys, "expected a table ([[nodes]])")
            self.check_keys(table, keys, NODE_KEYS)
            names = self.hostlist(table, keys, "name", required=True)
            hosts = self.hosts(table, keys, names)
            org = self.organisation(table, keys, orgs)
            sector = self.sector(table, keys, required=org is None) or org.sector
            if org is not None and org.sector != sector:
                why = f"'{org.id}' belongs to the {org.sector.value} sector, not {sector.value}"
                self.fail((*keys, "organisation"), why)
            own = self.connect_settings(table, keys)
            for name, host in zip(names, hosts, strict=True):
                if name in seen:
                    first = seen[name]
                    line = self.where.line(("nodes", first, "name"))
                    self.fail(
                        (*keys, "name"),
                        f"node '{name}' is already defined by "
                        f"nodes[{first}]" + (f" (line {line})" if line else ""),
                    )
                seen[name] = i
                specs.append(self.node_spec(name, host, sector, org, own, preset))
        return tuple(specs)

    def hostlist(self, table: dict, keys: tuple, key: str, required: bool = False) -> list[str]:
        pattern = self.get(table, keys, key, str, required)
        try:
            names = expand_hostlist(pattern)
        except HostlistError as exc:
            self.fail((*keys, key), str(exc))
        if not names:
            self.fail((*keys, key), f"{pattern!r} names no host")
        return names

    def hosts(self, table: dict, keys: tuple, names: list[str]) -> list[str | None]:
        """One host per name; None where the name itself is the host."""
        if "host" not in table:
            return [None] * len(names)
        template = self.get(table, keys, "host", str, required=True)
        if "{name}" in template:
            return [template.replace("{name}", name) for name in names]
        hosts = self.hostlist(table, keys, "host")
        if len(hosts) != len(names):
            self.fail(
                (*keys, "host"),
                f"{template!r} gives {len(hosts)} host(s) for {len(names)} "
                'nodes: use a range of the same length, or "{name}"',
            )
        return list(hosts)

    def organisation(self, table: dict, keys: tuple, orgs: dict) -> Organisation | None:
        org_id = self.get(table, keys, "organisation", str)
        if org_id is None:
            return None
        if org_id not in orgs:
            close = difflib.get_close_matches(org_id, list(orgs), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "add it under [[organisations]]"
            self.fail((*keys, "organisation"), f"unknown organisation '{org_id}' ({hint})")
        return orgs[org_id]

    def node_spec(
        self,
        name: str,
        host: str | None,
        sector: Sector,
        org: Organisation | None,
        own: dict,
        preset: dict,
    ) -> NodeSpec:
        ssh = self.ssh_options(host or name)

        def pick(key: str, ssh_key: str | None, fallback: Any) -> Any:
            if key in own:
                return own[key]
            if ssh_key and ssh_key in ssh:
                return ssh[ssh_key]
            return preset.get(key, fallback)

        return NodeSpec(
            name=name,
            sector=sector,
            organisation=org,
            gpu_count=pick("gpus", None, 8),
            gpu_model=pick("gpu_model", None, ""),
            address=ssh.get("hostname") or host or name,
            port=pick("port", "port", 22),
            user=pick("user", "user", None) or self.os_user,
            identity_file=pick("identity_file", "identityfile", None),
            proxy_jump=pick("proxy_jump", "proxyjump", None),
            python=pick("python", None, "python3"),
            interval=pick("interval", None, 2.0),
            ssh_host=host or name,
        )

    def ssh_options(self, host: str) -> dict[str, Any]:
        """What ~/.ssh/config says for `ssh host`, reduced to the settings the console uses."""
        if self.ssh is None:
            return {}
        path, config = self.ssh
        if callable(config):  # ssh -G, through console/telemetry/ssh_resolve.py
            try:
                return config(host)
            except Exception as exc:  # ssh's own message names the config file and line
                where = getattr(exc, "path", None)
                if where:
                    raise InventoryError(where, exc.line, f"Host {host}", exc.message) from exc
                raise InventoryError(path, None, f"Host {host}", str(exc)) from exc
        try:
            found = config.lookup(host)
        except Exception as exc:  # paramiko raises many kinds (Match exec, canonicalisation, …)
            raise InventoryError(path, None, f"Host {host}", f"cannot apply: {exc}") from exc
        out: dict[str, Any] = {"hostname": found.get("hostname")}
        if "port" in found:
            try:
                out["port"] = int(found["port"])
            except ValueError:
                raise InventoryError(
                    path, None, f"Host {host}", f"bad Port {found['port']!r}"
                ) from None
        if "user" in found:
            out["user"] = found["user"]
        if found.get("identityfile"):
            out["identityfile"] = found["identityfile"][0]
        if "proxyjump" in found:
            out["proxyjump"] = None if found["proxyjump"].lower() == "none" else found["proxyjump"]
        return out
