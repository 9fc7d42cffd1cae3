"""Host key verdicts, the exact entry written on trust, and hand-edited files picked up."""

from __future__ import annotations

import base64

import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from console.telemetry import hostkeys
from console.telemetry.hostkeys import HostKeyStore, KeyVerdict, fingerprint, host_entry


def new_key() -> paramiko.PKey:
    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    return paramiko.Ed25519Key(data=base64.b64decode(public.split()[1]))


def test_unknown_known_changed_and_trust_writes_exact_entry(tmp_path):
    own = tmp_path / "own_known_hosts"
    store = HostKeyStore(own, global_files=())
    key, other = new_key(), new_key()
    assert store.check("10.0.0.5", 2222, key) is KeyVerdict.UNKNOWN
    store.trust("10.0.0.5", 2222, key)
    assert own.read_text() == f"[10.0.0.5]:2222 ssh-ed25519 {key.get_base64()}\n"
    assert store.check("10.0.0.5", 2222, key) is KeyVerdict.KNOWN
    assert store.check("10.0.0.5", 2222, other) is KeyVerdict.CHANGED
    assert store.check("10.0.0.5", 22, key) is KeyVerdict.UNKNOWN  # another port, another entry
    assert fingerprint(key).startswith("SHA256:") and not fingerprint(key).endswith("=")
    assert host_entry("h", 22) == "h" and host_entry("h", 2200) == "[h]:2200"


def test_a_hand_edited_user_file_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.setattr(hostkeys, "REFRESH_S", 0.0)
    user = tmp_path / "known_hosts"
    old, new = new_key(), new_key()
    user.write_text(f"gpu1 ssh-ed25519 {old.get_base64()}\n")
    store = HostKeyStore(tmp_path / "own", (user,), global_files=())
    assert store.check("gpu1", 22, new) is KeyVerdict.CHANGED
    # the administrator confirms the new key and replaces the line by hand
    user.write_text(f"gpu1 ssh-ed25519 {new.get_base64()}\n")
    assert store.check("gpu1", 22, new) is KeyVerdict.KNOWN


@pytest.mark.parametrize("port", [22, 2222])
def test_entries_without_a_file_yet(tmp_path, port):
    store = HostKeyStore(tmp_path / "missing", global_files=())
    assert store.check("n", port, new_key()) is KeyVerdict.UNKNOWN
