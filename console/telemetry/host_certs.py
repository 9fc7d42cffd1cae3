"""OpenSSH host certificates (PROTOCOL.certkeys), checked as ssh checks them against a
`@cert-authority` line: a host certificate, signed by that CA, naming the host among its
principals, inside its validity window, with no critical option we do not understand.

paramiko negotiates `*-cert-v01@openssh.com` host keys and verifies the session signature with
the certified key, but never looks at the certificate itself: that is done here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import paramiko

CERT_SUFFIX = "-cert-v01@openssh.com"
HOST_CERT = 2  # SSH2_CERT_TYPE_HOST
_KEY_FIELDS = {  # wire fields between the nonce and the serial, per certified key type
    "ssh-ed25519": 1,
    "ecdsa-sha2-nistp256": 2,
    "ecdsa-sha2-nistp384": 2,
    "ecdsa-sha2-nistp521": 2,
    "ssh-rsa": 2,  # e, n
}


class CertificateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class HostCertificate:
    cert_type: int
    key_id: str
    principals: tuple[str, ...]
    valid_after: int
    valid_before: int
    critical: tuple[str, ...]
    ca_blob: bytes
    signature: bytes
    signed: bytes  # everything the CA signed


def certificate_blob(key: paramiko.PKey) -> bytes | None:
    """The certificate a server presented, or None for a plain host key."""
    blob = getattr(key, "public_blob", None)
    if blob is not None and blob.key_type.endswith(CERT_SUFFIX):
        return blob.key_blob
    return None


def parse_certificate(blob: bytes) -> HostCertificate:
    msg = paramiko.Message(blob)
    try:
        cert_type_name = msg.get_text()
        base = cert_type_name.removesuffix(CERT_SUFFIX).replace("rsa-sha2-256", "ssh-rsa")
        base = base.replace("rsa-sha2-512", "ssh-rsa")
        if not cert_type_name.endswith(CERT_SUFFIX) or base not in _KEY_FIELDS:
            raise CertificateError(f"unsupported certificate type {cert_type_name}")
        msg.get_binary()  # nonce
        for _ in range(_KEY_FIELDS[base]):
            msg.get_binary()
        msg.get_int64()  # serial
        cert_type = msg.get_int()
        key_id = msg.get_text()
        principals = _strings(msg.get_binary())
        valid_after, valid_before = msg.get_int64(), msg.get_int64()
        critical = _strings(msg.get_binary())[0::2]  # name, data pairs
        msg.get_binary()  # extensions
        msg.get_binary()  # reserved
        ca_blob = msg.get_binary()
        signed = blob[: len(msg.get_so_far())]
        signature = msg.get_binary()
    except (IndexError, UnicodeDecodeError, paramiko.SSHException) as exc:
        raise CertificateError(f"malformed certificate: {exc}") from exc
    if not signature:
        raise CertificateError("malformed certificate: no signature")
    return HostCertificate(
        cert_type,
        key_id,
        principals,
        valid_after,
        valid_before,
        critical,
        ca_blob,
        signature,
        signed,
    )


def _strings(data: bytes) -> tuple[str, ...]:
    msg = paramiko.Message(data)
    out: list[str] = []
    while msg.get_remainder():
        out.append(msg.get_text())
    return tuple(out)


def check_certificate(cert: HostCertificate, host: str, now: float | None = None) -> None:
    """Raises CertificateError saying why ssh would refuse this certificate for `host`
    (the CA itself is looked up by the caller: cert.ca_blob)."""
    if cert.cert_type != HOST_CERT:
        raise CertificateError(f"certificate {cert.key_id!r} is not a host certificate")
    if cert.principals and host.lower() not in (p.lower() for p in cert.principals):
        raise CertificateError(
            f"certificate {cert.key_id!r} is for {', '.join(cert.principals)}, not {host}"
        )
    now = time.time() if now is None else now
    if not cert.valid_after <= now < cert.valid_before:
        raise CertificateError(f"certificate {cert.key_id!r} is not valid now")
    if cert.critical:
        raise CertificateError(f"certificate has unknown critical options: {cert.critical}")
    ca_type = paramiko.Message(cert.ca_blob).get_text()
    try:
        ca = paramiko.PKey.from_type_string(ca_type, cert.ca_blob)
    except Exception as exc:  # an unknown CA key type
        raise CertificateError(f"cannot use a {ca_type} certificate authority: {exc}") from exc
    if not ca.verify_ssh_sig(cert.signed, paramiko.Message(cert.signature)):
        raise CertificateError(f"certificate {cert.key_id!r}: bad signature")
