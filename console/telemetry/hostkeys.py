"""Host keys: never accept an unknown key silently, never override a changed one.

Checked as ssh(1) checks them, against the same files: the hop's UserKnownHostsFile and
GlobalKnownHostsFile (what `ssh -G` says; by default ~/.ssh/known_hosts and
/etc/ssh/ssh_known_hosts), plus the console's own file (under the XDG config dir), where an
operator's explicit "trust" is written as an exact `[host]:port` entry. Only the console's own
file is ever written. A key is checked before any authentication, so credentials never reach
an unverified host. Lines are parsed by known_hosts.py: a bad line is logged and skipped.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import paramiko

from console.telemetry.host_certs import (
    CERT_SUFFIX,
    CertificateError,
    certificate_blob,
    check_certificate,
    parse_certificate,
)
from console.telemetry.known_hosts import KnownKey, host_entry, read_known_hosts

__all__ = ["HostKeyStore", "KeyVerdict", "Verdict", "fingerprint", "host_entry"]

REFRESH_S = 5.0
GLOBAL_FILES = (Path("/etc/ssh/ssh_known_hosts"), Path("/etc/ssh/ssh_known_hosts2"))
CA = "@cert-authority"
REVOKED = "@revoked"
# paramiko's host key algorithms for a key type written in known_hosts
_ALGORITHMS = {
    "ssh-ed25519": ("ssh-ed25519",),
    "ecdsa-sha2-nistp256": ("ecdsa-sha2-nistp256",),
    "ecdsa-sha2-nistp384": ("ecdsa-sha2-nistp384",),
    "ecdsa-sha2-nistp521": ("ecdsa-sha2-nistp521",),
    "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256"),
}


class KeyVerdict(Enum):
    KNOWN = "known"
    UNKNOWN = "unknown"
    CHANGED = "changed"
    REVOKED = "revoked"
    BAD_CERTIFICATE = "bad certificate"


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: KeyVerdict
    detail: str = ""  # which line decided, or why a certificate was refused


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA256 fingerprint: 'SHA256:' + unpadded base64 of the key blob's digest."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


class HostKeyStore:
    def __init__(
        self,
        own_file: Path,
        user_files: tuple[Path, ...] = (),
        global_files: tuple[Path, ...] = GLOBAL_FILES,
    ) -> None:
        self.own_file = Path(own_file)
        self.user_files = tuple(Path(p) for p in user_files)
        self.global_files = tuple(Path(p) for p in global_files)
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[tuple, float, list[KnownKey]]] = {}
        self.problems: dict[Path, list[str]] = {}  # bad lines per file, `file:line: message`

    @classmethod
    def default(cls, own_file: Path) -> HostKeyStore:
        user = Path(os.path.expanduser("~/.ssh/known_hosts"))
        return cls(own_file, (user,) if user.exists() else ())

    # -- reading ------------------------------------------------------------------------------

    def _entries(self, path: Path) -> list[KnownKey]:
        """One file's lines, re-read when it changed (an expected key change fixed by hand with
        ssh-keygen -R), looking at most every few seconds."""
        now = time.monotonic()
        with self._lock:
            cached = self._files.get(path)
            if cached is not None and now - cached[1] < REFRESH_S:
                return cached[2]
        stamp = _stamp(path)
        if cached is not None and cached[0] == stamp:
            entries = cached[2]
        else:
            entries, problems = read_known_hosts(path)
            with self._lock:
                self.problems[path] = problems
        with self._lock:
            self._files[path] = (stamp, now, entries)
        return entries

    def reload(self) -> None:
        with self._lock:
            self._files.clear()

    def files_for(self, files: Sequence[Path] | None) -> tuple[Path, ...]:
        """The files a hop is checked against: its own list (from ssh -G), else the store's,
        and always the console's own file."""
        chosen = tuple(files) if files is not None else (*self.user_files, *self.global_files)
        return (*chosen, self.own_file)

    def matching(self, host: str, port: int, files: Sequence[Path] | None = None) -> list[KnownKey]:
        name = host_entry(host, port)
        found: list[KnownKey] = []
        for path in self.files_for(files):
            found.extend(e for e in self._entries(path) if e.matches(name))
        return found

    # -- deciding -----------------------------------------------------------------------------

    def check(
        self, host: str, port: int, key: paramiko.PKey, files: Sequence[Path] | None = None
    ) -> KeyVerdict:
        return self.check_key(host, port, key, files).kind

    def check_key(
        self, host: str, port: int, key: paramiko.PKey, files: Sequence[Path] | None = None
    ) -> Verdict:
        entries = self.matching(host, port, files)
        blob = key.asbytes()
        for e in entries:
            if e.marker == REVOKED and e.blob == blob:
                return Verdict(KeyVerdict.REVOKED, f"marked @revoked at {e.where}")
        cert_blob = certificate_blob(key)
        if cert_blob is not None:
            verdict = self._check_certificate(cert_blob, host, entries)
            if verdict is not None:
                return verdict
            # no CA of ours signed it: judge the certified key as a plain key, as ssh does
        plain = [e for e in entries if e.marker is None]
        if any(e.blob == blob for e in plain):
            return Verdict(KeyVerdict.KNOWN)
        same_type = [e for e in plain if e.key_type == key.get_name()]
        if same_type:
            return Verdict(
                KeyVerdict.CHANGED, f"known_hosts has another key at {same_type[0].where}"
            )
        others = sorted({e.key_type for e in plain})
        if others:  # ssh asks too, saying keys of other types are known
            return Verdict(
                KeyVerdict.UNKNOWN, f"known only with other key types: {', '.join(others)}"
            )
        if any(e.marker == CA for e in entries):
            return Verdict(KeyVerdict.UNKNOWN, "the host presented no certificate from its CA")
        return Verdict(KeyVerdict.UNKNOWN)

    def _check_certificate(self, blob: bytes, host: str, entries: list[KnownKey]) -> Verdict | None:
        try:
            cert = parse_certificate(blob)
        except CertificateError as exc:
            return Verdict(KeyVerdict.BAD_CERTIFICATE, str(exc))
        for e in entries:
            if e.marker == REVOKED and e.blob == cert.ca_blob:
                return Verdict(KeyVerdict.REVOKED, f"its CA is marked @revoked at {e.where}")
        cas = [e for e in entries if e.marker == CA and e.blob == cert.ca_blob]
        if not cas:
            return None
        try:
            check_certificate(cert, host)
        except CertificateError as exc:
            return Verdict(KeyVerdict.BAD_CERTIFICATE, str(exc))
        return Verdict(KeyVerdict.KNOWN, f"certificate signed by the CA at {cas[0].where}")

    def algorithms(
        self,
        host: str,
        port: int,
        files: Sequence[Path] | None = None,
        allowed: Iterable[str] | None = None,
    ) -> tuple[str, ...]:
        """Host key algorithms to offer, as ssh orders them: certificates first when a CA is
        known for the host, then the types known for it, then the rest; an unordered list would
        let the server pick a type we hold no key for and look like a changed key."""
        supported = set(paramiko.Transport._key_info)
        base = [a for a in (allowed or ()) if a in supported]
        if not base:
            base = list(paramiko.Transport._preferred_keys)
        entries = self.matching(host, port, files)
        known = [a for e in entries if e.marker is None for a in _ALGORITHMS.get(e.key_type, ())]
        has_ca = any(e.marker == CA for e in entries)
        plain = [a for a in base if not a.endswith(CERT_SUFFIX)]
        certs = [a for a in base if a.endswith(CERT_SUFFIX)] or [a + CERT_SUFFIX for a in plain]
        first = [a for a in plain if a in known]
        ordered = [*(certs if has_ca else ()), *first, *(a for a in plain if a not in first)]
        return tuple(a for a in ordered if a in supported)

    # -- writing ------------------------------------------------------------------------------

    def trust(self, host: str, port: int, key: paramiko.PKey) -> None:
        """Append an exact entry to the console's own file (the user's file is never written)."""
        line = f"{host_entry(host, port)} {key.get_name()} {key.get_base64()}\n"
        with self._lock:
            self.own_file.parent.mkdir(parents=True, exist_ok=True)
            with open(self.own_file, "a", encoding="ascii") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            self._files.pop(self.own_file, None)


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return (None, None, None)
