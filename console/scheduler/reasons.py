"""Slurm's pending reasons as a person reads them, in either language: the catalogue's words for
the common ones, Slurm's own word for the rest (never hidden, never guessed)."""

from __future__ import annotations

from collections.abc import Mapping

from console.i18n.catalogue import Msg, translate

NAMES: Mapping[str, Msg] = {
    "QOSGrpGRES": translate("PendingReason", "at its cap"),
    "QOSGrpGRESMinutes": translate("PendingReason", "out of GPU-minutes"),
    "QOSMaxGRESPerUser": translate("PendingReason", "user at the QOS limit"),
    "AssocGrpGRES": translate("PendingReason", "account at its cap"),
    "Resources": translate("PendingReason", "no free GPUs"),
    "Priority": translate("PendingReason", "others first"),
    "Dependency": translate("PendingReason", "waits for another job"),
    "BeginTime": translate("PendingReason", "starts later"),
    "JobHeldUser": translate("PendingReason", "held by its user"),
    "JobHeldAdmin": translate("PendingReason", "held by an administrator"),
    "ReqNodeNotAvail": translate("PendingReason", "its nodes are unavailable"),
    "PartitionDown": translate("PendingReason", "partition down"),
    "None": translate("PendingReason", "not yet considered"),
}


def reason_name(reason: str, lang: str) -> str:
    """What `reason` means in `lang`; Slurm's word itself where the catalogue has none."""
    msg = NAMES.get(reason)
    return msg.into(lang) if msg is not None else reason
