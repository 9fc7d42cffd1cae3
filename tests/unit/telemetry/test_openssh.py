"""The ssh command line the OpenSSH transport runs, and how ssh's refusals are read.

The argv is checked by running it through `ssh -G` (ssh's own reading of its options), so a
quoting or option mistake shows as ssh would see it, not as we hope it does."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from console.fleet.model import NodeStatus
from console.telemetry.hostkeys import HostKeyStore
from console.telemetry.openssh import refusal, ssh_argv
from console.telemetry.ssh import Timeouts
from console.telemetry.ssh_route import Hop
from tests.peers import require_peer

SSH = shutil.which("ssh")


@pytest.fixture
def ssh() -> str:
    if SSH is None:
        require_peer("ssh", "the OpenSSH client is not installed (openssh-client)")
    return SSH


def hop(name: str, host: str, port: int = 22, known: tuple[Path, ...] = (), **extra) -> Hop:
    return Hop(name, host, port, "ops", (), known, **extra)


def effective(argv: list[str]) -> dict[str, str]:
    """What ssh makes of an argv: `ssh -G` with the same options (command dropped)."""
    options = argv[1:argv.index("--")]
    host = argv[argv.index("--") + 1]
    done = subprocess.run([SSH, "-G", *options, host], capture_output=True, text=True, check=True)
    return {k: v for k, _, v in (ln.partition(" ") for ln in done.stdout.splitlines())}


def test_node_options_as_ssh_reads_them(tmp_path, ssh):
    own = tmp_path / "console known_hosts"  # a space: must stay one file
    keys = HostKeyStore(own)
    node = hop("gpu1", "10.0.0.5", 2222, (tmp_path / "user_kh",), key_name="gpu1.example")
    argv = ssh_argv(SSH, (node,), "exec python3 -", keys, Timeouts(connect=4))
    seen = effective(argv)
    assert (seen["hostname"], seen["port"], seen["user"]) == ("10.0.0.5", "2222", "ops")
    assert seen["batchmode"] == "yes" and seen["stricthostkeychecking"] == "true"
    assert seen["userknownhostsfile"] == f"{tmp_path / 'user_kh'} {own}"
    assert seen["hostkeyalias"] == "gpu1.example"
    assert seen["forwardagent"] == "no" and seen["passwordauthentication"] == "no"
    assert seen["connecttimeout"] == "4" and seen.get("proxyjump", "none") == "none"
    assert argv[-1] == "exec python3 -"


def test_two_jump_hosts_nest_as_proxy_commands(tmp_path, ssh):
    keys = HostKeyStore(tmp_path / "own%file")  # a % must reach the innermost ssh unexpanded
    route = (hop("b1", "192.0.2.1"), hop("b2", "192.0.2.2", 2200), hop("n", "10.0.0.7", 22))
    argv = ssh_argv(SSH, route, "true", keys, Timeouts())
    # ssh -G shows the ProxyCommand before its %-expansion, which each ssh does once on its own
    # ProxyCommand (one pass: "%%" → "%"): ssh ... -W [node] b2, itself through b1
    words = shlex.split(effective(argv)["proxycommand"].replace("%%", "%"))
    assert words[words.index("-W") + 1] == "[10.0.0.7]:22" and words[-1] == "192.0.2.2"
    inner = next(w.split("=", 1)[1] for w in words if w.startswith("ProxyCommand="))
    inner_words = shlex.split(inner.replace("%%", "%"))
    assert inner_words[inner_words.index("-W") + 1] == "[192.0.2.2]:2200"
    assert inner_words[-1] == "192.0.2.1"
    # the innermost ssh is given `own%%file`, which its expansion of UserKnownHostsFile opens
    # as own%file, as do the others
    assert f"UserKnownHostsFile={tmp_path}/own%%file" in inner_words, inner_words
    assert f"UserKnownHostsFile={tmp_path}/own%%file" in words


ROUTE = (hop("bastion", "192.0.2.1", 2200), hop("gpu1", "10.0.0.7"))


@pytest.mark.parametrize(
    ("stderr", "status", "words", "hop_name"),
    [
        ("No ED25519 host key is known for 10.0.0.7 and you have requested strict checking.\r\n"
         "Host key verification failed.\r\n", NodeStatus.HOSTKEY_UNKNOWN, "unknown", "gpu1"),
        ("No ED25519 host key is known for [192.0.2.1]:2200 and you have requested strict "
         "checking.\nHost key verification failed.\n", NodeStatus.HOSTKEY_UNKNOWN, "unknown",
         "bastion"),
        ("@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
         "SHA256:abcDEF123.\nOffending ED25519 key in /k/known_hosts:3\n"
         "Host key for 10.0.0.7 has changed and you have requested strict checking.\n"
         "Host key verification failed.\n", NodeStatus.HOSTKEY_CHANGED, "/k/known_hosts:3",
         "gpu1"),
        ("Certificate invalid: name is not a listed principal\nNo ED25519 host key is known "
         "for 10.0.0.7 and you have requested strict checking.\nHost key verification failed.",
         NodeStatus.HOSTKEY_CHANGED, "certificate refused", "gpu1"),
        ("ops@10.0.0.7: Permission denied (publickey).\n", NodeStatus.AUTH_FAILED, "refused",
         None),
        ("ssh: connect to host 10.0.0.7 port 22: Connection refused\n", NodeStatus.UNREACHABLE,
         "Connection refused", None),
    ],
)
def test_refusals_read_as_the_paramiko_path_words_them(stderr, status, words, hop_name):
    got, message, refused = refusal(stderr, ROUTE)
    assert got == status and words in message, message
    assert (refused.name if refused else None) == hop_name
