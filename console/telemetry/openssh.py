"""The OpenSSH client as a transport: the argv that runs the probe on a node, and what ssh's
stderr means when it gives up.

paramiko in Python costs ~0.25 ms of client CPU per streamed line (reader thread, packetizer,
decryption, channel buffers); `ssh` does the same work in C. Every hop's settings come from the
route (ssh_route.py: ssh -G already applied the config files), so ssh runs with `-F /dev/null`
and everything on the command line: what paramiko would do, done by ssh. Host keys are checked
by ssh itself (StrictHostKeyChecking=yes, against the hop's known_hosts files and the console's
own file), never a password prompt (BatchMode, public keys only, no tty), no agent or X11
forwarding. Jump hosts are nested ProxyCommands rather than -J, since ssh passes none of its
-o options on to a -J hop and each hop must be checked against its own files.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Sequence
from pathlib import Path

from console.fleet.model import NodeStatus
from console.i18n.catalogue import translate
from console.telemetry.hostkeys import HostKeyStore
from console.telemetry.ssh import Timeouts
from console.telemetry.ssh_route import Hop

SSH_FAILED = 255  # ssh's own exit status; anything else is the remote command's
ALIVE_INTERVAL_S = 15  # ServerAliveInterval: a dead peer is noticed by ssh too, not only by
ALIVE_COUNT = 3  # the collector's line watchdog
_HOST_NEW = re.compile(r"No (\S+) host key is known for (\S+?) and you have requested strict")
_KEYS_FILE = re.compile(r"in (\S+):(\d+)")


def find_ssh() -> str | None:
    return shutil.which("ssh")


def _quoted(path: Path | str) -> str:
    """A path as one ssh option word (ssh splits option values on spaces, honouring quotes,
    and expands %-tokens in file names)."""
    text = str(path).replace("%", "%%")
    return f'"{text}"' if any(c.isspace() for c in text) else text


def hop_options(
    hop: Hop, keys: HostKeyStore, timeouts: Timeouts, default_algorithms: Sequence[str] = ()
) -> list[str]:
    """The options that make `ssh` connect to one hop as the paramiko path would."""
    files = " ".join(_quoted(p) for p in keys.files_for(hop.known_hosts))
    options = {
        "BatchMode": "yes",
        "StrictHostKeyChecking": "yes",  # ssh checks: never accepts an unknown key itself
        "UserKnownHostsFile": files,
        "GlobalKnownHostsFile": "/dev/null",  # the hop's global files are in the list above
        "UpdateHostKeys": "no",  # the console's own file is written only on an operator's trust
        "PreferredAuthentications": "publickey",
        "PasswordAuthentication": "no",
        "KbdInteractiveAuthentication": "no",
        "ForwardAgent": "no",
        "ForwardX11": "no",
        "ClearAllForwardings": "yes",
        "ControlMaster": "no",
        "ControlPath": "none",
        "ConnectTimeout": f"{hop.connect_timeout or timeouts.connect:g}",
        "ServerAliveInterval": str(ALIVE_INTERVAL_S),
        "ServerAliveCountMax": str(ALIVE_COUNT),
        "LogLevel": "ERROR",  # no "Warning: ..." chatter; refusals are errors and still shown
        "Ciphers": "^aes128-gcm@openssh.com,aes256-gcm@openssh.com",
    }
    if hop.key_name and hop.key_name != hop.host:
        options["HostKeyAlias"] = hop.key_name
    if hop.algorithms and tuple(hop.algorithms) != tuple(default_algorithms):
        # only when the config chose them: an explicit list stops ssh putting first the types
        # known_hosts holds for this host, and a host known by one type would look unknown
        options["HostKeyAlgorithms"] = ",".join(hop.algorithms)
    argv = []
    for name, value in options.items():
        argv += ["-o", f"{name}={value}"]
    for identity in hop.identities:
        if Path(identity).expanduser().is_file():
            argv += ["-i", str(Path(identity).expanduser()).replace("%", "%%")]
    return [*argv, "-p", str(hop.port), "-l", hop.user]


def ssh_argv(
    ssh: str,
    route: Sequence[Hop],
    command: str,
    keys: HostKeyStore,
    timeouts: Timeouts,
    default_algorithms: Sequence[str] = (),
) -> list[str]:
    """`ssh ... node command`, each jump host a ProxyCommand `ssh ... -W [next]:port jump`."""
    proxy: str | None = None
    for i, hop in enumerate(route[:-1]):
        target = route[i + 1]
        argv = [ssh, "-F", "/dev/null", "-T", *hop_options(hop, keys, timeouts,
                                                           default_algorithms)]
        if proxy is not None:
            argv += ["-o", f"ProxyCommand={proxy}"]
        argv += ["-W", f"[{target.host}]:{target.port}", "--", hop.host]
        # ssh expands %-tokens in a ProxyCommand once per level: escape ours once per level
        proxy = shlex.join(argv).replace("%", "%%")
    node = route[-1]
    argv = [ssh, "-F", "/dev/null", "-T", *hop_options(node, keys, timeouts, default_algorithms)]
    argv += ["-o", f"ProxyCommand={proxy}"] if proxy is not None else ["-o", "ProxyJump=none"]
    return [*argv, "--", node.host, command]


def refusal(stderr: str, route: Sequence[Hop]) -> tuple[NodeStatus, str, Hop | None]:
    """What an ssh that exited 255 said, as the node's state and message, and the hop whose key
    it refused (None when it was no host key problem)."""
    lines = [ln.strip() for ln in stderr.replace("\r", "").splitlines() if ln.strip()]
    text = "\n".join(lines)
    if "Host key verification failed" in text:
        hop = _refused_hop(text, route)
        where = hop.key_entry if hop is not None else route[-1].key_entry
        cert = re.search(r"Certificate invalid: ([^\n]+)", text)
        if cert:  # ssh then judges the plain key (unknown); the paramiko path refuses outright
            return (NodeStatus.HOSTKEY_CHANGED, translate(
                "SSH", "{host}: host certificate refused{detail}; refusing to connect.").fill(
                host=where, detail=f" ({cert[1].strip()})"), hop)
        found = _HOST_NEW.search(text)
        if found:
            kind = found.group(1).lower()
            return (NodeStatus.HOSTKEY_UNKNOWN, translate(
                "SSH", "{host}: unknown {kind} host key{detail}").fill(
                host=where, kind=kind, detail=""), hop)
        place = _KEYS_FILE.search(text.split("Offending", 1)[-1]) if "Offending" in text else None
        detail = f" (known_hosts has another key at {place[1]}:{place[2]})" if place else ""
        if "REVOKED" in text:
            message = translate("SSH", "{host}: host key REVOKED{detail}; refusing to connect.")
        else:
            message = translate(
                "SSH",
                "{host}: HOST KEY CHANGED ({fingerprint}){detail}; refusing to connect. If the "
                "change is expected, remove the old key from known_hosts.",
            )
        fp = re.search(r"(SHA256:[A-Za-z0-9+/]+)", text)
        return (NodeStatus.HOSTKEY_CHANGED, message.fill(
            host=where, fingerprint=fp[1] if fp else "?", detail=detail), hop)
    user = route[-1].user
    if "Permission denied" in text:
        return (NodeStatus.AUTH_FAILED,
                translate("SSH", "public key refused for {user}").fill(user=user), None)
    last = lines[-1] if lines else f"ssh exited with status {SSH_FAILED}"
    node = route[-1]
    return (NodeStatus.UNREACHABLE, translate("SSH", "{host}:{port}: {why}").fill(
        host=node.host, port=node.port, why=last[:200]), None)


def _refused_hop(text: str, route: Sequence[Hop]) -> Hop | None:
    """The hop ssh names in its refusal (`[host]:port`, or the host on port 22)."""
    names = {hop.key_entry: hop for hop in route}
    names.update({hop.key_name or hop.host: hop for hop in route if hop.port == 22})
    for word in re.findall(r"(\[[^\]\s]+\]:\d+|[A-Za-z0-9_.:-]+)", text):
        if word in names:
            return names[word]
    return None
