"""Host keys: never accept an unknown key silently, never override a changed one.

Two known_hosts files are read: the user's (~/.ssh/known_hosts, read only) and the console's own
(under the XDG config dir), where an operator's explicit "trust" is written as an exact
`[host]:port` entry. A key is checked before any authentication, so credentials never reach an
unverified host.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from enum import Enum
from pathlib import Path

import paramiko

REFRESH_S = 5.0


class KeyVerdict(Enum):
    KNOWN = "known"
    UNKNOWN = "unknown"
    CHANGED = "changed"


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA256 fingerprint: 'SHA256:' + unpadded base64 of the key blob's digest."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def host_entry(host: str, port: int) -> str:
    """The name known_hosts uses: bare host on port 22, `[host]:port` otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


class HostKeyStore:
    def __init__(self, own_file: Path, user_files: tuple[Path, ...] = ()) -> None:
        self.own_file = own_file
        self.user_files = user_files
        self._lock = threading.Lock()
        self._keys = paramiko.HostKeys()
        self._stamp: tuple = ()
        self._checked_at = 0.0
        self.reload()

    def _files_stamp(self) -> tuple:
        stamp = []
        for path in (*self.user_files, self.own_file):
            try:
                st = path.stat()
                stamp.append((str(path), st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append((str(path), None, None))
        return tuple(stamp)

    def _refresh(self) -> None:
        """Pick up known_hosts files edited by hand (an expected key change fixed with
        ssh-keygen -R), looking at most every few seconds."""
        now = time.monotonic()
        if now - self._checked_at < REFRESH_S:
            return
        self._checked_at = now
        if self._files_stamp() != self._stamp:
            self.reload()

    @classmethod
    def default(cls, own_file: Path) -> HostKeyStore:
        user = Path(os.path.expanduser("~/.ssh/known_hosts"))
        return cls(own_file, (user,) if user.exists() else ())

    def reload(self) -> None:
        stamp = self._files_stamp()
        keys = paramiko.HostKeys()
        for path in (*self.user_files, self.own_file):
            if path.exists():
                # hashed entries (HashKnownHosts) are understood by paramiko's lookup too
                keys.load(str(path))
        with self._lock:
            self._keys = keys
            self._stamp = stamp

    def check(self, host: str, port: int, key: paramiko.PKey) -> KeyVerdict:
        self._refresh()
        with self._lock:
            known = self._keys.lookup(host_entry(host, port))
        if not known:
            return KeyVerdict.UNKNOWN
        same_type = known.get(key.get_name())
        if same_type is None:
            # a key of another type for a known host: OpenSSH refuses too, treat as changed
            return KeyVerdict.CHANGED
        return KeyVerdict.KNOWN if same_type == key else KeyVerdict.CHANGED

    def trust(self, host: str, port: int, key: paramiko.PKey) -> None:
        """Append an exact entry to the console's own file (the user's file is never written)."""
        line = f"{host_entry(host, port)} {key.get_name()} {key.get_base64()}\n"
        with self._lock:
            self.own_file.parent.mkdir(parents=True, exist_ok=True)
            with open(self.own_file, "a", encoding="ascii") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            self._keys.add(host_entry(host, port), key.get_name(), key)
            self._stamp = self._files_stamp()
