"""known_hosts parsing and matching, checked against OpenSSH's own answer (`ssh-keygen -F`),
plus the verdicts and the host key algorithm order the store derives from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import paramiko
import pytest

from console.telemetry.hostkeys import HostKeyStore, KeyVerdict
from console.telemetry.known_hosts import hash_name, match_host_list, read_known_hosts


def keygen(path: Path, kind: str = "ed25519") -> tuple[paramiko.PKey, str]:
    """A real key made by ssh-keygen; returns the public key and "type base64"."""
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", path], check=True)
    text = " ".join(Path(f"{path}.pub").read_text().split()[:2])
    return paramiko.PKey.from_path(path), text


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Made by ssh-keygen (openssh-client, a runtime dependency: no skip if it is missing)."""
    where = tmp_path_factory.mktemp("keys")
    return {k: keygen(where / f"id_{k}", k) for k in ("ed25519", "ecdsa", "rsa")}


def store_of(tmp_path: Path, text: str) -> HostKeyStore:
    path = tmp_path / "known_hosts"
    path.write_text(text)
    return HostKeyStore(tmp_path / "own", (path,), global_files=())


PATTERN_CASES = [
    ("gpu1", "gpu1", True),
    ("gpu1", "GPU1", True),  # names compare without case
    ("gpu?", "gpu7", True),
    ("gpu?", "gpu17", False),
    ("*.hangang.example", "a.b.hangang.example", True),
    ("*.hangang.example,!bad.hangang.example", "bad.hangang.example", False),
    ("!bad.hangang.example,*.hangang.example", "bad.hangang.example", False),  # veto, any order
    ("!bad.hangang.example", "good.hangang.example", False),  # only a negation: no match
    ("[gpu1]:2222", "[gpu1]:2222", True),
    ("[gpu1]:2222", "gpu1", False),
    ("[gpu*]:22??", "[gpu3]:2201", True),
    ("[10.0.0.1]:22", "[10.0.0.1]:22", True),  # brackets are no character class
    ("10.0.0.*", "10.0.0.55", True),
]


@pytest.mark.parametrize(("patterns", "name", "expected"), PATTERN_CASES)
def test_patterns(patterns, name, expected):
    assert match_host_list(name.lower(), tuple(patterns.split(","))) is expected


@pytest.mark.parametrize(("patterns", "name", "expected"), PATTERN_CASES)
def test_patterns_agree_with_openssh(tmp_path, keys, patterns, name, expected):
    path = tmp_path / "kh"
    path.write_text(f"{patterns} {keys['ed25519'][1]}\n")
    found = subprocess.run(["ssh-keygen", "-F", name, "-f", path], capture_output=True)
    assert (found.returncode == 0) is expected  # the table above is OpenSSH's answer too
    entries, problems = read_known_hosts(path)
    assert not problems and entries[0].matches(name) is expected


def test_hashed_names_written_by_ssh_keygen_match(tmp_path, keys):
    path = tmp_path / "kh"
    path.write_text(f"gpu1.example,[10.0.0.1]:2222 {keys['ed25519'][1]}\n")
    subprocess.run(["ssh-keygen", "-H", "-f", path], check=True, capture_output=True)
    entries, problems = read_known_hosts(path)
    assert not problems and len(entries) == 2 and all(e.hashed for e in entries)
    assert any(e.matches("gpu1.example") for e in entries)
    assert any(e.matches("[10.0.0.1]:2222") for e in entries)
    assert not any(e.matches("gpu2.example") for e in entries)
    salt = entries[0].hashed[0]
    assert hash_name("GPU1.example", salt).split()[0] in path.read_text()


def test_bad_lines_are_named_and_skipped(tmp_path, keys, caplog):
    ed = keys["ed25519"][1]
    path = tmp_path / "kh"
    path.write_text(
        "# a comment\n"
        "\n"
        f"gpu1 {ed}\n"
        "gpu2 ssh-ed25519\n"  # no key
        "gpu3 ssh-ed25519 !!notbase64!!\n"
        f"gpu4 ssh-rsa {ed.split()[1]}\n"  # blob says ed25519
        f"@trusted gpu5 {ed}\n"  # unknown marker
        "|2|abc|def ssh-ed25519 AAAA\n"
        f"@cert-authority *.example {ed}\n"
        f"@revoked * {keys['rsa'][1]}\n"
        f"gpu6 {keys['ecdsa'][1]} a comment with spaces\n"
    )
    entries, problems = read_known_hosts(path)
    assert [e.line for e in entries] == [3, 9, 10, 11]
    assert [e.marker for e in entries] == [None, "@cert-authority", "@revoked", None]
    assert [p.split(": ")[0] for p in problems] == [f"{path}:{n}" for n in (4, 5, 6, 7, 8)]
    assert "unknown marker '@trusted'" in problems[3]
    assert f"{path}:5" in caplog.text


def test_verdicts(tmp_path, keys):
    (ed, ed_line), (ec, ec_line), (rsa, rsa_line) = keys["ed25519"], keys["ecdsa"], keys["rsa"]
    store = store_of(
        tmp_path,
        f"gpu1 {ec_line}\n"
        f"gpu2 {ed_line}\n"
        f"@revoked gpu3 {rsa_line}\n"
        f"gpu3 {rsa_line}\n"
        f"@cert-authority gpu4 {ed_line}\n",
    )
    assert store.check("gpu1", 22, ec) is KeyVerdict.KNOWN
    # another type than the one known: ssh asks, as for a new host; never "changed"
    verdict = store.check_key("gpu1", 22, ed)
    assert verdict.kind is KeyVerdict.UNKNOWN and "ecdsa-sha2-nistp256" in verdict.detail
    other, _ = keygen(tmp_path / "other")
    assert store.check_key("gpu2", 22, other).detail.endswith("known_hosts:2")
    assert store.check("gpu2", 22, other) is KeyVerdict.CHANGED
    assert store.check("gpu3", 22, rsa) is KeyVerdict.REVOKED  # even though also listed plain
    assert "no certificate" in store.check_key("gpu4", 22, ed).detail
    assert store.check("gpu1", 2222, ec) is KeyVerdict.UNKNOWN  # another port, another name


def test_algorithms_put_the_known_types_first(tmp_path, keys):
    store = store_of(
        tmp_path,
        f"gpu1 {keys['ecdsa'][1]}\n[gpu2]:2200 {keys['rsa'][1]}\n"
        f"@cert-authority gpu3 {keys['ed25519'][1]}\n",
    )
    assert store.algorithms("gpu1", 22)[0] == "ecdsa-sha2-nistp256"
    assert store.algorithms("gpu2", 2200)[:2] == ("rsa-sha2-512", "rsa-sha2-256")
    assert store.algorithms("gpu3", 22)[0].endswith("-cert-v01@openssh.com")
    assert store.algorithms("new", 22) == tuple(paramiko.Transport._preferred_keys)
    # HostKeyAlgorithms from ssh -G narrows the list; what paramiko lacks is left out
    allowed = ("sk-ssh-ed25519@openssh.com", "rsa-sha2-256", "ecdsa-sha2-nistp256")
    assert store.algorithms("gpu1", 22, allowed=allowed) == ("ecdsa-sha2-nistp256", "rsa-sha2-256")


def test_the_hops_own_files_and_the_consoles_file(tmp_path, keys):
    ed, ed_line = keys["ed25519"]
    mine = tmp_path / "per_hop_known_hosts"
    mine.write_text(f"bastion {ed_line}\n")
    store = HostKeyStore(tmp_path / "own", global_files=())
    assert store.check("bastion", 22, ed) is KeyVerdict.UNKNOWN
    assert store.check("bastion", 22, ed, files=(mine,)) is KeyVerdict.KNOWN
    store.trust("gpu9", 2200, ed)  # the console's own file always counts
    assert store.check("gpu9", 2200, ed, files=(mine,)) is KeyVerdict.KNOWN
