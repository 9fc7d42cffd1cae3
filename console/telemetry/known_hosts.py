"""known_hosts files read as OpenSSH reads them, tolerantly.

paramiko.HostKeys raises on the first line it does not understand (a `@cert-authority` or
`@revoked` marker, a key type it lacks), which used to stop the console at start. Here every
line is parsed on its own: a bad one is reported as `file:line: message` and skipped, the rest
still count.

Understood, as in sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT":
  - plain names, comma lists, patterns with `*` and `?`, `!negation` (a negated match vetoes
    the line), `[host]:port` for ports other than 22;
  - hashed names `|1|salt|hmac` (HashKnownHosts yes);
  - markers `@revoked` (this key must never be accepted) and `@cert-authority` (host
    certificates signed by this key are accepted for the matching hosts).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MARKERS = ("@cert-authority", "@revoked")
_KEY_TYPE = re.compile(r"^[a-z0-9][a-z0-9@.+-]*$")


@dataclass(frozen=True, slots=True)
class KnownKey:
    """One usable line of a known_hosts file."""

    path: Path
    line: int
    marker: str | None  # None, "@cert-authority" or "@revoked"
    patterns: tuple[str, ...]  # the host field split on commas ("" when hashed)
    hashed: tuple[bytes, bytes] | None  # (salt, digest) of a |1| entry
    key_type: str  # as written: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …
    blob: bytes  # the key in SSH wire format (what a server sends)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def matches(self, name: str) -> bool:
        """Does this line apply to `name` (`host`, or `[host]:port` off port 22)?"""
        name = name.lower()
        if self.hashed is not None:
            salt, digest = self.hashed
            return hmac.compare_digest(hmac.new(salt, name.encode(), hashlib.sha1).digest(), digest)
        return match_host_list(name, self.patterns)


def host_entry(host: str, port: int) -> str:
    """The name known_hosts uses: bare host on port 22, `[host]:port` otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


def match_host_list(name: str, patterns: tuple[str, ...]) -> bool:
    """OpenSSH's match_hostname: any negated pattern that matches vetoes; else any positive."""
    found = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if negated:
            pattern = pattern[1:]
        if _glob(pattern.lower()).fullmatch(name):
            if negated:
                return False
            found = True
    return found


_GLOBS: dict[str, re.Pattern[str]] = {}


def _glob(pattern: str) -> re.Pattern[str]:
    # only * and ? are special (fnmatch would read "[host]:port" as a character class)
    compiled = _GLOBS.get(pattern)
    if compiled is None:
        text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        compiled = _GLOBS[pattern] = re.compile(text, re.DOTALL)
    return compiled


def parse_line(text: str) -> tuple[str | None, tuple[str, ...], tuple | None, str, bytes] | None:
    """One line → (marker, patterns, hashed, key_type, blob); None for blank or comment lines.
    Raises ValueError with a message for a line that is neither."""
    fields = text.split()
    if not fields or fields[0].startswith("#"):
        return None
    marker = None
    if fields[0].startswith("@"):
        if fields[0] not in MARKERS:
            raise ValueError(f"unknown marker {fields[0]!r} (expected {' or '.join(MARKERS)})")
        marker, fields = fields[0], fields[1:]
    if len(fields) < 3:
        raise ValueError("expected: [marker] hostnames keytype base64-key [comment]")
    hosts, key_type, b64 = fields[:3]
    if not _KEY_TYPE.match(key_type):
        raise ValueError(f"bad key type {key_type!r}")
    try:
        blob = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the key is not valid base64") from None
    if _blob_type(blob) != key_type:
        raise ValueError(f"the key data is not a {key_type} key")
    hashed = None
    patterns: tuple[str, ...] = ()
    if hosts.startswith("|"):
        hashed = _hashed(hosts)
    else:
        patterns = tuple(p for p in hosts.split(",") if p)
        if not patterns:
            raise ValueError("no host names")
    return marker, patterns, hashed, key_type, blob


def _hashed(field: str) -> tuple[bytes, bytes]:
    parts = field.split("|")
    if len(parts) != 4 or parts[1] != "1":
        raise ValueError(f"unknown hashed host format {field[:8]!r}… (expected |1|salt|hash)")
    try:
        salt, digest = base64.b64decode(parts[2], validate=True), base64.b64decode(parts[3])
    except (binascii.Error, ValueError):
        raise ValueError("hashed host name is not valid base64") from None
    if len(digest) != hashlib.sha1().digest_size:
        raise ValueError("hashed host name has the wrong length")
    return salt, digest


def _blob_type(blob: bytes) -> str | None:
    """The key type a wire-format key names in its first string."""
    if len(blob) < 4:
        return None
    n = int.from_bytes(blob[:4], "big")
    if n > len(blob) - 4:
        return None
    try:
        return blob[4 : 4 + n].decode("ascii")
    except UnicodeDecodeError:
        return None


def read_known_hosts(path: Path) -> tuple[list[KnownKey], list[str]]:
    """Every usable line of one file, and a `file:line: message` for each bad one.
    A missing file is simply empty (as for ssh)."""
    keys: list[KnownKey] = []
    problems: list[str] = []
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return keys, problems
    except OSError as exc:
        return keys, [f"{path}: cannot read: {exc.strerror or exc}"]
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            parsed = parse_line(line)
        except ValueError as exc:
            problem = f"{path}:{number}: {exc}"
            log.warning("skipping known_hosts line: %s", problem)
            problems.append(problem)
            continue
        if parsed is not None:
            keys.append(KnownKey(Path(path), number, *parsed))
    return keys, problems


def hash_name(name: str, salt: bytes) -> str:
    """`|1|salt|hmac` for a name, as `ssh-keygen -H` writes it (used by tests and tools)."""
    digest = hmac.new(salt, name.lower().encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"
