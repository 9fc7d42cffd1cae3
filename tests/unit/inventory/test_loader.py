"""Fleet files: the shipped example loads; every broken file names the right line and field."""

from __future__ import annotations

import os
import pickle
import textwrap
from pathlib import Path

import pytest

from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from console.inventory.model import InventoryError
from tests.paths import REPO

ROOT = REPO
EXAMPLE = ROOT / "resources" / "examples" / "fleet.toml"

# A valid fleet; each error case below breaks one thing in a copy of it.
BASE = """\
[sectors.public]
entitlement = "40%"
[sectors.interest]
entitlement = "35%"
[sectors.private]
entitlement = 0.25

[[organisations]]
id = "snu"
sector = "interest"
name_ko = "서울대학교"
name_en = "Seoul National University"
"""


@pytest.fixture
def no_ssh_config(tmp_path: Path) -> Path:
    """An empty ssh config, so the tests never read the real ~/.ssh/config."""
    path = tmp_path / "ssh_config"
    path.write_text("")
    return path


def load_text(tmp_path: Path, text: str, ssh_config: Path | None = None):
    path = tmp_path / "fleet.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    if ssh_config is None:
        ssh_config = tmp_path / "empty_ssh_config"
        ssh_config.write_text("")
    return load_inventory(path, ssh_config_path=ssh_config)


def marked_line(text: str) -> int:
    """The line of the test text that carries the `# <-` marker: where the error must point."""
    lines = textwrap.dedent(text).splitlines()
    return next(i for i, line in enumerate(lines, start=1) if "# <-" in line)


# ── the shipped example ────────────────────────────────────────────────────────────────────────


def test_example_fleet_loads(no_ssh_config):
    inv = load_inventory(EXAMPLE, ssh_config_path=no_ssh_config)
    by_name = {n.name: n for n in inv.nodes}
    assert len(inv.nodes) == 16 + 8 + 12 + 8 + 5 + 1
    assert inv.entitlements == {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}
    assert inv.centre_name.startswith("한강 AI 센터")
    assert inv.source_path == EXAMPLE
    assert inv.user_org["choi.yuna"] == "snu"
    assert inv.organisation_of_user("kim.jiho").name_ko == "서울교통정보과"
    assert inv.slurm["partitions"] == {"public": "public", "interest": "interest",
                                       "private": "private"}
    assert inv.slurm["include_file"] == "/etc/slurm/hangang-partitions.conf"
    assert inv.slurm["port"] == 22 and inv.slurm["keep_versions"] == 5

    pub = by_name["hg-pub16"]  # range host in lockstep with the name, defaults applied
    assert (pub.address, pub.port, pub.user, pub.gpu_count) == ("10.20.1.26", 22, "hgops", 8)
    assert pub.proxy_jump == "hgops@bastion.hangang.example:22"
    assert pub.identity_file == os.path.expanduser("~/.ssh/hangang_ed25519")
    assert by_name["hg-pub17"].address == "hg-pub17.mgmt.hangang.example"
    assert by_name["hg-int01"].sector == Sector.INTEREST  # from the organisation
    assert sorted(n for n in by_name if n.startswith("dgx")) == [
        "dgx1", "dgx2", "dgx3", "dgx4", "dgx7"
    ]  # fmt: skip
    assert by_name["dgx7"].address == "10.20.3.7"
    lab = by_name["hg-lab1"]
    assert (lab.proxy_jump, lab.port, lab.gpu_count, lab.interval) == (None, 2222, 2, 5.0)
    assert lab.python == "/opt/hangang/venv/bin/python"
    assert lab.organisation is None


# ── errors name file, line and field ───────────────────────────────────────────────────────────


def test_error_reads_like_a_compiler_message(tmp_path):
    text = (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[[nodes]]\nname = "b"\nsector = "pubic"\n'
    )
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert str(exc.value) == (
        f"{tmp_path / 'fleet.toml'}:18: nodes[1].sector: "
        "unknown sector 'pubic' (expected public, interest or private)"
    )
    again = pickle.loads(pickle.dumps(exc.value))
    assert (again.line, again.field, str(again)) == (18, "nodes[1].sector", str(exc.value))


ERROR_CASES = {
    "unknown organisation": (
        BASE + '[[nodes]]\nname = "a"\norganisation = "snuu"  # <-\n',
        "nodes[0].organisation",
        "unknown organisation 'snuu' (did you mean 'snu'?)",
    ),
    "port out of range": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\nport = 70000  # <-\n',
        "nodes[0].port",
        "1–65535",
    ),
    "port as a string": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\nport = "22"  # <-\n',
        "nodes[0].port",
        "expected an integer, got a string '22'",
    ),
    "backwards range": (
        BASE + '[[nodes]]\nname = "gpu[010-001]"  # <-\nsector = "public"\n',
        "nodes[0].name",
        "goes backwards",
    ),
    "step in a range (Slurm has none)": (
        BASE + '[[nodes]]\nname = "gpu[1-10:2]"  # <-\nsector = "public"\n',
        "nodes[0].name",
        "Slurm host lists have no step",
    ),
    "text after the last bracket": (
        BASE + '[[nodes]]\nname = "gpu[1-2].ib"  # <-\nsector = "public"\n',
        "nodes[0].name",
        "text '.ib' after the last ']'",
    ),
    "empty host list": (
        BASE + '[[nodes]]\nname = " , "  # <-\nsector = "public"\n',
        "nodes[0].name",
        "names no host",
    ),
    "host range of another length": (
        BASE + '[[nodes]]\nname = "gpu[01-04]"\nhost = "10.0.0.[1-3]"  # <-\nsector = "public"\n',
        "nodes[0].host",
        "gives 3 host(s) for 4 nodes",
    ),
    "one host for many names": (
        BASE + '[[nodes]]\nname = "gpu[01-04]"\nhost = "10.0.0.1"  # <-\nsector = "public"\n',
        "nodes[0].host",
        "gives 1 host(s) for 4 nodes",
    ),
    "duplicate after expansion": (
        BASE + '[[nodes]]\nname = "gpu[1-4]"\nsector = "public"\n\n'
        '[[nodes]]\nname = "gpu[4-6]"  # <-\nsector = "private"\n',
        "nodes[1].name",
        "node 'gpu4' is already defined by nodes[0] (line 14)",
    ),
    "missing name": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[[nodes]]  # <-\nsector = "public"\n',
        "nodes[1].name",
        "required field is missing",
    ),
    "node without sector or organisation": (
        BASE + '[[nodes]]  # <-\nname = "a"\n',
        "nodes[0].sector",
        "required field is missing",
    ),
    "organisation of another sector": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\norganisation = "snu"  # <-\n',
        "nodes[0].organisation",
        "'snu' belongs to the interest sector, not public",
    ),
    "typo in a field name": (
        BASE + '[[nodes]]\nname = "a"\nsecter = "public"  # <-\n',
        "nodes[0].secter",
        "unknown field 'secter' (did you mean 'sector'?)",
    ),
    "gpus out of range": (
        BASE + '[defaults]\ngpus = 100  # <-\n[[nodes]]\nname = "a"\nsector = "public"\n',
        "defaults.gpus",
        "gpus must be 0–64",
    ),
    "bad jump host": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\nproxy_jump = "ops@bastion:99999"  # <-\n',
        "nodes[0].proxy_jump",
        "bad jump host",
    ),
    "entitlements not adding up": (
        '[sectors.public]  # <-\nentitlement = "40%"\n[sectors.interest]\nentitlement = "35%"\n'
        '[sectors.private]\nentitlement = "20%"\n[[nodes]]\nname = "a"\nsector = "public"\n',
        "sectors",
        "add up to 95% (public 40%, interest 35%, private 20%), not 100%",
    ),
    "a sector without entitlement": (
        '[sectors.public]  # <-\nentitlement = "60%"\n[sectors.interest]\nentitlement = "40%"\n'
        '[[nodes]]\nname = "a"\nsector = "public"\n',
        "sectors.private",
        "every sector needs an entitlement",
    ),
    "unknown sector table": (
        BASE.replace("[sectors.private]", "[sectors.privat]  # <-"),
        "sectors.privat",
        "unknown sector 'privat'",
    ),
    "percent that is not one": (
        BASE.replace('entitlement = "35%"', 'entitlement = "35 percent"  # <-'),
        "sectors.interest.entitlement",
        'expected a share like 0.4 or "40%"',
    ),
    "percent written as a number": (
        BASE.replace('entitlement = "35%"', "entitlement = 35  # <-"),
        "sectors.interest.entitlement",
        'for percent write "35%"',
    ),
    "organisation in an unknown sector": (
        BASE.replace('sector = "interest"', 'sector = "academia"  # <-'),
        "organisations[0].sector",
        "unknown sector 'academia'",
    ),
    "user in two organisations": (
        BASE + 'users = ["kim"]\n[[organisations]]\nid = "kist"\nsector = "interest"\n'
        'users = [\n  "lee",\n  "kim",  # <-\n]\n[[nodes]]\nname = "a"\nsector = "public"\n',
        "organisations[1].users[1]",
        "user 'kim' already belongs to 'snu'",
    ),
    "no nodes at all": (
        "nodes = []  # <-\n" + BASE,
        "nodes",
        "lists no nodes",
    ),
    "wrong type for slurm controller": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm]\ncontroller = 5  # <-\n',
        "slurm.controller",
        "expected a string, got an integer 5",
    ),
    "unknown slurm key": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm]\ninclude = "/x"  # <-\n',
        "slurm.include",
        "unknown field 'include' (did you mean 'include_file'?)",
    ),
    "relative slurm include file": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm]\n'
        'include_file = "partitions.conf"  # <-\n',
        "slurm.include_file",
        "expected an absolute path on the controller",
    ),
    "slurm partition for an unknown sector": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm.partitions]\n'
        'academia = "acad"  # <-\n',
        "slurm.partitions.academia",
        "unknown sector 'academia'",
    ),
    "slurm partition name with a comma": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm.partitions]\n'
        'public = "a,b"  # <-\n',
        "slurm.partitions.public",
        "is not a Slurm partition name",
    ),
    "slurm controller port out of range": (
        BASE + '[[nodes]]\nname = "a"\nsector = "public"\n[slurm]\nport = 70000  # <-\n',
        "slurm.port",
        "port must be 1–65535",
    ),
    "slurm account with a space": (
        BASE.replace('entitlement = 0.25', 'entitlement = 0.25\naccount = "my acct"  # <-')
        + '[[nodes]]\nname = "a"\nsector = "public"\n',
        "sectors.private.account",
        "is not a Slurm account name",
    ),
    "one slurm account for two": (
        BASE.replace('entitlement = 0.25', 'entitlement = 0.25\naccount = "SNU"')
        + 'account = "snu"  # <-\n[[nodes]]\nname = "a"\nsector = "public"\n',
        "organisations[0].account",
        "account 'snu' is already the private sector's",
    ),
    "inline array of node tables": (
        'nodes = [\n  {name = "a", sector = "public"},\n'
        '  {name = "b", sector = "pubic"},  # <-\n]\n' + BASE,
        "nodes[1].sector",
        "unknown sector 'pubic'",
    ),
    "quoted and dotted keys": (
        BASE + '[[nodes]]\n"name" = "a"\nsector."x" = 1  # <-\n',
        "nodes[0].sector",
        "expected a string, got a table",
    ),
}


@pytest.mark.parametrize(("text", "field", "message"), ERROR_CASES.values(), ids=ERROR_CASES)
def test_error_names_line_and_field(tmp_path, text, field, message):
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert (exc.value.line, exc.value.field) == (marked_line(text), field), str(exc.value)
    assert message in exc.value.message
    assert exc.value.path == tmp_path / "fleet.toml"


def test_locator_is_not_fooled_by_strings_and_comments(tmp_path):
    text = (
        '[centre]\nname = """Hangang\n[[nodes]]\nsector = "not a key"\n"""\n'
        + BASE
        + "# [[nodes]]  an old entry, commented out\n"
        + "[[nodes]]\nname = 'x[1-2]'\nsector = 'public'\n\n"
        + '[[nodes]]\nname = "b"\ngpu_model = \'a "quoted" # not a comment\'\n'
        + "sector = 'pubic'  # <-\n"
    )
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert (exc.value.line, exc.value.field) == (marked_line(text), "nodes[1].sector")


def test_toml_syntax_error_keeps_the_line(tmp_path):
    text = BASE + '[[nodes]]\nname = "a"\nsector = public  # <-\n'
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert exc.value.line == marked_line(text)
    assert "TOML syntax error: Invalid value (column 10)" in str(exc.value)


def test_unreadable_and_missing_nodes(tmp_path):
    with pytest.raises(InventoryError, match="cannot read"):
        load_inventory(tmp_path / "nope.toml")
    with pytest.raises(InventoryError, match="lists no nodes"):
        load_text(tmp_path, BASE)
    (tmp_path / "latin1.toml").write_bytes(b'[centre]\nname = "caf\xe9"\n')
    with pytest.raises(InventoryError) as exc:
        load_inventory(tmp_path / "latin1.toml")
    assert (exc.value.line, exc.value.message) == (2, "not UTF-8 text")


# ── ssh config and fallbacks ───────────────────────────────────────────────────────────────────

SSH_CONFIG = """\
Host gpu*
    HostName %h.ib.hangang.example
    Port 2200
    User sshcfg-user
    IdentityFile ~/.ssh/from_ssh_config
    ProxyJump jump@bastion:2222

Host gpu2
    HostName 10.9.9.2
"""


def test_fleet_file_wins_then_ssh_config_then_defaults(tmp_path):
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(SSH_CONFIG)
    text = BASE + textwrap.dedent("""\
        [defaults]
        user = "default-user"
        port = 2022
        identity_file = "keys/default"
        python = "python3.11"

        [[nodes]]
        name = "gpu[1-2]"
        sector = "public"

        [[nodes]]
        name = "gpu3"
        sector = "public"
        port = 22
        proxy_jump = ""

        [[nodes]]
        name = "cpu1"
        sector = "private"
        """)
    nodes = {n.name: n for n in load_text(tmp_path, text, ssh_config).nodes}
    gpu1 = nodes["gpu1"]
    assert gpu1.address == "gpu1.ib.hangang.example"
    assert (gpu1.port, gpu1.user, gpu1.proxy_jump) == (2200, "sshcfg-user", "jump@bastion:2222")
    assert gpu1.identity_file == os.path.expanduser("~/.ssh/from_ssh_config")
    assert gpu1.python == "python3.11"  # ssh config has no say on this one
    assert nodes["gpu2"].address == "gpu2.ib.hangang.example"  # first HostName wins, as in ssh
    assert (nodes["gpu3"].port, nodes["gpu3"].proxy_jump) == (22, None)
    cpu1 = nodes["cpu1"]  # no ssh config entry: the fleet's defaults
    assert (cpu1.address, cpu1.port, cpu1.user) == ("cpu1", 2022, "default-user")
    assert cpu1.identity_file == str(tmp_path / "keys" / "default")


def test_builtin_fallbacks_and_home_ssh_config(tmp_path, monkeypatch):
    monkeypatch.setenv("LOGNAME", "operator7")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(BASE + '[[nodes]]\nname = "gpu1"\nsector = "public"\n', encoding="utf-8")

    node = load_inventory(fleet).nodes[0]  # no ~/.ssh/config yet
    assert (node.address, node.port, node.user, node.proxy_jump) == ("gpu1", 22, "operator7", None)
    assert (node.python, node.interval, node.gpu_count) == ("python3", 2.0, 8)

    (tmp_path / "home" / ".ssh").mkdir(parents=True)
    (tmp_path / "home" / ".ssh" / "config").write_text(SSH_CONFIG)
    node = load_inventory(fleet).nodes[0]
    assert (node.address, node.port, node.user) == ("gpu1.ib.hangang.example", 2200, "sshcfg-user")


def test_explicit_ssh_config_that_is_missing_is_an_error(tmp_path):
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(BASE + '[[nodes]]\nname = "gpu1"\nsector = "public"\n', encoding="utf-8")
    with pytest.raises(InventoryError, match="cannot read") as exc:
        load_inventory(fleet, ssh_config_path=tmp_path / "missing_config")
    assert exc.value.path == tmp_path / "missing_config"


def test_sector_guarantee_and_maximum(tmp_path):
    text = BASE.replace(
        'entitlement = "40%"', 'entitlement = "40%"\nguaranteed = 120\nmaximum = "60%"'
    )
    text = text.replace('entitlement = "35%"', 'entitlement = "35%"\nguaranteed = "30%"')
    inv = load_text(tmp_path, text + '[[nodes]]\nname = "gpu1"\nsector = "public"\n')
    assert inv.guarantees == {Sector.PUBLIC: 120, Sector.INTEREST: 0.30}
    assert inv.maximums == {Sector.PUBLIC: 0.60}
    bad = BASE.replace('entitlement = "35%"', 'entitlement = "35%"\nguaranteed = "50%"')
    with pytest.raises(InventoryError) as err:
        load_text(tmp_path, bad + '[[nodes]]\nname = "gpu1"\nsector = "public"\n')
    assert err.value.field == "sectors.interest.guaranteed" and err.value.line == 5


def test_slurm_accounts_of_sectors_and_organisations(tmp_path):
    text = BASE.replace('entitlement = "35%"', 'entitlement = "35%"\naccount = "Interest"')
    inv = load_text(tmp_path, text + 'account = "snu_lab"\n'
                    '[[nodes]]\nname = "gpu1"\nsector = "public"\n')
    assert inv.sector_accounts == {Sector.INTEREST: "interest"}  # as sacctmgr stores it
    assert inv.org_accounts == {"snu": "snu_lab"}


NODE = '[[nodes]]\nname = "a"\nsector = "public"\n'


def test_ssh_transport_defaults_to_paramiko_and_can_be_openssh(tmp_path):
    assert load_text(tmp_path, BASE + NODE).ssh_transport == "paramiko"
    chosen = load_text(tmp_path, BASE + '[ssh]\ntransport = "openssh"\n' + NODE)
    assert chosen.ssh_transport == "openssh"


@pytest.mark.parametrize(
    ("table", "field", "message"),
    [
        ('[ssh]\ntransport = "libssh"  # <-\n', "ssh.transport", "'paramiko' or 'openssh'"),
        ('[ssh]\ntransprot = "openssh"  # <-\n', "ssh.transprot", "did you mean 'transport'"),
        ("[ssh]\ntransport = 2  # <-\n", "ssh.transport", "expected a string"),
    ],
)
def test_bad_ssh_transport_names_line_and_field(tmp_path, table, field, message):
    text = BASE + table + NODE
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert (exc.value.line, exc.value.field) == (marked_line(text), field), str(exc.value)
    assert message in exc.value.message
