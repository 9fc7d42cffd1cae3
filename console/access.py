"""Who may do what: roles, the actions that change things, and one rule that decides.

Widgets grey out what the policy forbids, but the core asks the same policy before acting, so a
viewer or a kiosk cannot rebalance or trust a host key through any path (DESIGN.md §2: actions are
declared once with enable rules, not `if kiosk:` scattered through widgets).
"""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import dataclass
from enum import StrEnum

from console.i18n.catalogue import translate
from console.settings import RoleSettings


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"


class Action(StrEnum):
    """Everything that writes: to the scheduler, to the allocation, to trust or to settings."""

    TRUST_HOST_KEY = "trust-host-key"
    REBALANCE_APPLY = "rebalance-apply"
    REBALANCE_UNDO = "rebalance-undo"
    REBALANCE_RECOVER = "rebalance-recover"  # finish or roll back an apply a crash interrupted
    EDIT_SETTINGS = "edit-settings"
    ACKNOWLEDGE_ALERT = "acknowledge-alert"
    ACCOUNTS_RECONCILE = "accounts-reconcile"  # add/move/remove Slurm accounts and QOS


class AccessDenied(PermissionError):
    def __init__(self, action: Action, reason: str) -> None:
        super().__init__(translate("Access", "{action} refused: {reason}").fill(
            action=action.value, reason=reason))
        self.action = action
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    user: str
    groups: tuple[str, ...]

    @classmethod
    def current(cls) -> Identity:
        uid = os.getuid()
        try:
            user = pwd.getpwuid(uid).pw_name
        except KeyError:  # a uid with no passwd entry (containers)
            user = str(uid)
        names = []
        for gid in {os.getgid(), *os.getgroups()}:
            try:
                names.append(grp.getgrgid(gid).gr_name)
            except KeyError:
                continue
        return cls(user=user, groups=tuple(sorted(names)))


def resolve_role(roles: RoleSettings, identity: Identity) -> Role:
    if identity.user in roles.operator_users:
        return Role.OPERATOR
    if set(identity.groups) & set(roles.operator_groups):
        return Role.OPERATOR
    return Role.VIEWER


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    identity: Identity
    role: Role
    kiosk: bool = False

    @classmethod
    def for_session(
        cls, roles: RoleSettings, identity: Identity | None = None, kiosk: bool = False
    ) -> AccessPolicy:
        identity = identity or Identity.current()
        # the wall display is read-only whoever started it
        role = Role.VIEWER if kiosk else resolve_role(roles, identity)
        return cls(identity=identity, role=role, kiosk=kiosk)

    def refusal(self, action: Action) -> str | None:
        """Why `action` is not allowed now, or None when it is."""
        if self.kiosk:
            return translate("Access", "the console is in kiosk mode (read-only)").fill()
        if self.role is not Role.OPERATOR:
            return translate("Access", "user {user} is a viewer; only operators may do this").fill(
                user=repr(self.identity.user))
        return None

    def allows(self, action: Action) -> bool:
        return self.refusal(action) is None

    def require(self, action: Action) -> None:
        reason = self.refusal(action)
        if reason is not None:
            raise AccessDenied(action, reason)
