"""The sshd testbed itself, driven with plain paramiko and strict host key checking."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import paramiko
import pytest

from tests.integration.sshd_testbed import SYSTEM_PYTHON, USER, SshdTestbed

TIMEOUT = 5.0


def _socket(address: str, port: int) -> socket.socket:
    sock = socket.create_connection((address, port), TIMEOUT)
    # without TCP_NODELAY every handshake round trip waits on Nagle + delayed ACK (~40 ms)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def connect(tb: SshdTestbed, address: str, port: int | None = None) -> paramiko.SSHClient:
    """Log in to one node, trusting only the testbed's known_hosts line for address:port."""
    port = port or tb.port
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    entry = paramiko.hostkeys.HostKeyEntry.from_line(tb.known_hosts_line(address, port))
    assert entry is not None
    for name in entry.hostnames:
        client.get_host_keys().add(name, entry.key.get_name(), entry.key)
    client.connect(
        address,
        port,
        USER,
        pkey=tb.client_key(),
        sock=_socket(address, port),
        look_for_keys=False,
        allow_agent=False,
        timeout=TIMEOUT,
        banner_timeout=TIMEOUT,
        auth_timeout=TIMEOUT,
    )
    return client


def run(client: paramiko.SSHClient, command: str) -> tuple[int, str, str]:
    _, out, err = client.exec_command(command, timeout=TIMEOUT)
    stdout, stderr = out.read().decode(), err.read().decode()
    return out.channel.recv_exit_status(), stdout, stderr


class Lines:
    """Lines from a channel, each read bounded by a timeout (socket.timeout when it passes)."""

    def __init__(self, channel: paramiko.Channel, timeout: float = TIMEOUT) -> None:
        channel.settimeout(timeout)
        self.channel = channel
        self.buffer = b""

    def next(self) -> bytes:
        while b"\n" not in self.buffer:
            chunk = self.channel.recv(1 << 16)
            if not chunk:
                raise EOFError(f"channel closed; partial line {self.buffer[:80]!r}")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def start_command(client: paramiko.SSHClient, command: str, stdin: bytes = b"") -> Lines:
    """Start a command as the console does: stdin carries a payload, then EOF."""
    channel = client.get_transport().open_session(timeout=TIMEOUT)
    channel.exec_command(command)
    if stdin:
        channel.sendall(stdin)
    channel.shutdown_write()
    return Lines(channel)


def echo_session(client: paramiko.SSHClient) -> Lines:
    channel = client.get_transport().open_session(timeout=TIMEOUT)
    channel.exec_command("cat")
    return Lines(channel)


def ping(lines: Lines, text: bytes) -> bytes:
    lines.channel.sendall(text + b"\n")
    return lines.next()


# ---- nodes --------------------------------------------------------------------------------


def test_each_node_sees_its_dialled_address_and_simulated_gpus(sshd_testbed):
    addresses = sshd_testbed.addresses[:3]
    assert len(set(addresses)) == 3 and "127.0.0.1" not in addresses
    for address in addresses:
        with connect(sshd_testbed, address) as client:
            rc, out, _ = run(client, "echo $SSH_CONNECTION; echo $HANGANG_NVML_SIM")
        connection, sim = out.splitlines()
        assert rc == 0
        assert connection.split()[2:] == [address, str(sshd_testbed.port)]
        assert sim == "8"


def test_per_node_sim_override_keeps_the_rest_of_the_environment(sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=2, sim_spec="4", node_sim={"127.1.0.2": "2,xid=0"})
    seen = {}
    for address in tb.addresses:
        with connect(tb, address) as client:
            seen[address] = run(client, "echo $HANGANG_NVML_SIM $HOME $HANGANG_TESTBED_ID")[1]
    home = tb.dir / "home"
    assert seen == {
        "127.1.0.1": f"4 {home} {tb.tag}\n",
        "127.1.0.2": f"2,xid=0 {home} {tb.tag}\n",
    }


def test_node_shell_skips_root_rc_files_and_finds_python(sshd_testbed):
    """root's ~/.bashrc (pyenv init, ~130 ms a command) must not run: bash reads ~/.bashrc by
    $HOME, so the session's HOME must be the testbed's own, with no rc file in it, and nothing
    an rc file would set (pyenv's shims, PYENV_SHELL) may show. Checked by what the shell says,
    not by timing it."""
    assert SYSTEM_PYTHON.exists()
    with connect(sshd_testbed, sshd_testbed.addresses[0]) as client:
        rc, out, _ = run(
            client,
            f"echo $HOME; command -v python3; {sshd_testbed.python} -c 'import sys; print(1)'; "
            'ls -A "$HOME"; echo "path=$PATH"; echo "pyenv=${PYENV_SHELL-unset}"',
        )
    assert rc == 0
    lines = out.splitlines()
    assert lines[:3] == [str(sshd_testbed.dir / "home"), str(SYSTEM_PYTHON), "1"]
    rc_files = {".bashrc", ".bash_profile", ".bash_login", ".profile"}
    assert not rc_files & set(lines[3:-2]), f"rc files in the testbed HOME: {lines[3:-2]}"
    path, pyenv = lines[-2], lines[-1]
    assert path.startswith("path=") and "pyenv" not in path, path
    assert pyenv == "pyenv=unset"


# ---- host keys ----------------------------------------------------------------------------


def test_host_key_fingerprint_matches_ssh_keygen(sshd_testbed):
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", f"{sshd_testbed.host_key_path}.pub"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed[1] == sshd_testbed.host_key_fingerprint()
    assert listed[1].startswith("SHA256:") and listed[-1] == "(ED25519)"
    line = sshd_testbed.known_hosts_line("127.1.0.7")
    assert line.startswith(f"[127.1.0.7]:{sshd_testbed.port} ssh-ed25519 AAAA")


def test_unknown_and_changed_host_keys_are_refused(sshd_testbed, tmp_path):
    address = sshd_testbed.addresses[0]
    stranger = paramiko.SSHClient()
    stranger.set_missing_host_key_policy(paramiko.RejectPolicy())
    with pytest.raises(paramiko.SSHException, match="not found in known_hosts"):
        stranger.connect(
            address,
            sshd_testbed.port,
            USER,
            pkey=sshd_testbed.client_key(),
            look_for_keys=False,
            allow_agent=False,
            timeout=TIMEOUT,
        )
    stranger.close()

    known_hosts = sshd_testbed.write_known_hosts(tmp_path / "known_hosts", [address])
    old_fingerprint = sshd_testbed.host_key_fingerprint()
    sshd_testbed.regenerate_host_key()
    assert sshd_testbed.host_key_fingerprint() != old_fingerprint
    client = paramiko.SSHClient()
    client.load_host_keys(str(known_hosts))
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # a changed key beats any policy
    with pytest.raises(paramiko.BadHostKeyException):
        client.connect(
            address,
            sshd_testbed.port,
            USER,
            pkey=sshd_testbed.client_key(),
            look_for_keys=False,
            allow_agent=False,
            timeout=TIMEOUT,
        )
    client.close()
    with connect(sshd_testbed, address) as fresh:  # the new key, on the same port
        assert run(fresh, "true")[0] == 0


# ---- faults -------------------------------------------------------------------------------

FAULTS = {
    "127.1.9.1": "garbage",
    "127.1.9.2": "truncated",
    "127.1.9.3": "nonutf8",
    "127.1.9.4": "oversized",
    "127.1.9.5": "hang",
    "127.1.9.6": "exit",
}
PROBE = b"import sys\nprint('probe source the node must drain')\n" * 2000  # ~100 KB on stdin
PROBE_COMMAND = "python3 -u - --stream 2"


@pytest.fixture
def faulty(sshd_testbed_factory) -> SshdTestbed:
    return sshd_testbed_factory(nodes=1, faults=FAULTS)


def _not_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:  # UnicodeDecodeError included
        return True
    return False


def test_fault_addresses_are_not_node_addresses(faulty):
    assert faulty.node_addresses(3000)[-1] not in FAULTS
    assert not set(faulty.node_addresses(3000)) & set(FAULTS)


def test_healthy_node_beside_faults_runs_the_command(faulty):
    with connect(faulty, faulty.addresses[0]) as client:
        assert run(client, "echo ok") == (0, "ok\n", "")


@pytest.mark.parametrize("address", ["127.1.9.1", "127.1.9.2", "127.1.9.3"])
def test_fault_streams_bad_lines(faulty, address):
    with connect(faulty, address) as client:
        lines = start_command(client, PROBE_COMMAND, PROBE)
        first, second = lines.next(), lines.next()
    assert _not_json(first) and _not_json(second)
    kind = FAULTS[address]
    if kind == "garbage":
        assert first.startswith(b"garbage 1:")
    elif kind == "truncated":
        assert first.startswith(b'{"v":1,') and first.endswith(b'"util":')
    else:
        with pytest.raises(UnicodeDecodeError):
            first.decode()


@pytest.mark.parametrize(
    "address", ["127.1.9.1", "127.1.9.2", "127.1.9.3", "127.1.9.4", "127.1.9.5"]
)
def test_fault_nodes_drain_stdin(faulty, address):
    big = b"#" * (8 << 20)  # far beyond what pipes and SSH windows buffer
    with connect(faulty, address) as client:
        channel = client.get_transport().open_session(timeout=TIMEOUT)
        channel.exec_command(PROBE_COMMAND)
        channel.settimeout(TIMEOUT)
        channel.sendall(big)  # socket.timeout here: the script does not read stdin


def test_fault_oversized_line(faulty):
    with connect(faulty, "127.1.9.4") as client:
        lines = start_command(client, PROBE_COMMAND, PROBE)
        line = lines.next()
    assert len(line) == 2 * 1024 * 1024 and set(line) == {ord("x")}


def test_fault_hang_prints_nothing_and_stays(faulty):
    with connect(faulty, "127.1.9.5") as client:
        lines = start_command(client, PROBE_COMMAND, PROBE)
        lines.channel.settimeout(0.5)
        with pytest.raises(socket.timeout):
            lines.channel.recv(1)
        assert not lines.channel.exit_status_ready()


def test_fault_exit_fails_at_once_and_names_the_original_command(faulty):
    with connect(faulty, "127.1.9.6") as client:
        rc, out, err = run(client, PROBE_COMMAND)
    assert (rc, out) == (1, "")
    assert f"SSH_ORIGINAL_COMMAND={PROBE_COMMAND}" in err


def test_set_fault_reloads_without_dropping_open_sessions(sshd_testbed):
    address = sshd_testbed.addresses[0]
    pid = sshd_testbed.pid
    with connect(sshd_testbed, address) as before:
        echo = echo_session(before)
        sshd_testbed.set_fault(address, "garbage")
        assert sshd_testbed.pid == pid
        with connect(sshd_testbed, address) as after:
            assert start_command(after, PROBE_COMMAND).next().startswith(b"garbage")
        assert ping(echo, b"still here") == b"still here"
    sshd_testbed.set_fault(address, None)
    with connect(sshd_testbed, address) as healed:
        assert run(healed, "echo ok")[1] == "ok\n"


# ---- the node goes away -------------------------------------------------------------------


def test_kill_ends_sessions_and_refuses_connects(sshd_testbed):
    address = sshd_testbed.addresses[0]
    client = connect(sshd_testbed, address)
    echo = echo_session(client)
    assert ping(echo, b"hello") == b"hello"
    sshd_testbed.kill()
    assert not sshd_testbed.pids()
    with pytest.raises(EOFError):
        echo.next()
    client.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, sshd_testbed.port), TIMEOUT).close()
    sshd_testbed.start()  # back on the same port with the same key
    with connect(sshd_testbed, address) as again:
        assert run(again, "echo back")[1] == "back\n"


def test_stop_ends_every_process_even_orphans_and_leaves_no_zombie(sshd_testbed):
    client = connect(sshd_testbed, sshd_testbed.addresses[0])
    # a process that leaves its session behind (new session, parent gone)
    _, out, _ = run(client, "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!")
    orphan = int(out)
    echo_session(client)
    everything = sshd_testbed.pids()
    assert orphan in everything and sshd_testbed.pid in everything
    sshd_testbed.stop()
    client.close()
    assert not sshd_testbed.running and not sshd_testbed.pids()
    assert not [pid for pid in everything if Path(f"/proc/{pid}").exists()]


def test_freeze_hangs_one_node_only(sshd_testbed):
    a, b = sshd_testbed.addresses[:2]
    with connect(sshd_testbed, a) as client_a, connect(sshd_testbed, b) as client_b:
        echo_a, echo_b = echo_session(client_a), echo_session(client_b)
        assert ping(echo_a, b"a") == b"a" and ping(echo_b, b"b") == b"b"
        pids_a, pids_b = sshd_testbed.session_pids(a), sshd_testbed.session_pids(b)
        assert pids_a and pids_b and not set(pids_a) & set(pids_b)
        assert sshd_testbed.freeze(a) == pids_a
        echo_a.channel.settimeout(0.5)
        echo_a.channel.sendall(b"are you there\n")
        with pytest.raises(socket.timeout):
            echo_a.next()
        assert ping(echo_b, b"b2") == b"b2"
        sshd_testbed.thaw(a)
        echo_a.channel.settimeout(TIMEOUT)
        assert echo_a.next() == b"are you there"


# ---- network partition --------------------------------------------------------------------


def test_relay_blackhole_and_heal(sshd_testbed, relay_factory):
    node = sshd_testbed.addresses[0]
    relay = relay_factory("127.2.0.1", node, sshd_testbed.port)
    with connect(sshd_testbed, "127.2.0.1", relay.port) as client:
        # sshd sees the node address the relay dialled, so the relay is invisible to the node
        assert run(client, "echo $SSH_CONNECTION")[1].split()[2] == node
        assert sshd_testbed.session_pids(node)
        echo = echo_session(client)
        assert ping(echo, b"before") == b"before"

        relay.blackhole()
        echo.channel.settimeout(0.5)
        echo.channel.sendall(b"during\n")
        with pytest.raises(socket.timeout):
            echo.next()
        assert client.get_transport().is_active()  # no RST, no FIN: nothing tells the client

        relay.heal()
        echo.channel.settimeout(TIMEOUT)
        assert echo.next() == b"during"
        assert ping(echo, b"after") == b"after"


def test_relay_blackhole_withholds_the_banner_of_new_connections(sshd_testbed, relay_factory):
    relay = relay_factory("127.2.0.2", sshd_testbed.addresses[0], sshd_testbed.port)
    relay.blackhole()
    sock = socket.create_connection(("127.2.0.2", relay.port), TIMEOUT)
    sock.settimeout(0.5)
    with pytest.raises(socket.timeout):
        sock.recv(64)
    relay.heal()
    sock.settimeout(TIMEOUT)
    assert sock.recv(64).startswith(b"SSH-2.0-")
    sock.close()


# ---- cost ---------------------------------------------------------------------------------


def test_measure_start_and_100_connects(tmp_path, sshd_testbed_factory, capsys):
    """Prints the numbers (run with -s); asserts only that all 100 connects worked (how long
    they take is printed, never a pass/fail bound)."""
    started = time.perf_counter()
    tb = sshd_testbed_factory(nodes=100)
    start_s = time.perf_counter() - started
    key, host_key = tb.client_key(), tb.host_key()
    started = time.perf_counter()
    for address in tb.addresses:
        transport = paramiko.Transport(_socket(address, tb.port))
        try:
            transport.start_client(timeout=TIMEOUT)
            assert transport.get_remote_server_key() == host_key
            transport.auth_publickey(USER, key)
            assert transport.is_authenticated()
        finally:
            transport.close()
    connects_s = time.perf_counter() - started
    restart_started = time.perf_counter()
    tb.restart()
    restart_s = time.perf_counter() - restart_started
    with capsys.disabled():
        print(
            f"\nsshd testbed: start {start_s * 1000:.0f} ms, restart {restart_s * 1000:.0f} ms, "
            f"100 sequential connect+auth {connects_s:.2f} s "
            f"({connects_s * 10:.1f} ms each, {os.cpu_count()} CPUs)"
        )
