"""Roles and the one rule for write actions."""

from __future__ import annotations

import pytest

from console.access import AccessDenied, AccessPolicy, Action, Identity, Role, resolve_role
from console.settings import RoleSettings

ROLES = RoleSettings(operator_users=("park",), operator_groups=("hangang-operators",))


@pytest.mark.parametrize(
    ("identity", "role"),
    [
        (Identity("park", ("users",)), Role.OPERATOR),
        (Identity("lee", ("users", "hangang-operators")), Role.OPERATOR),
        (Identity("choi", ("users",)), Role.VIEWER),
    ],
)
def test_role_from_user_or_group(identity, role):
    assert resolve_role(ROLES, identity) is role


def test_operator_may_write():
    policy = AccessPolicy.for_session(ROLES, Identity("park", ()))
    for action in Action:
        policy.require(action)


def test_viewer_is_refused_every_write_action():
    policy = AccessPolicy.for_session(ROLES, Identity("choi", ()))
    for action in Action:
        with pytest.raises(AccessDenied, match="viewer"):
            policy.require(action)


def test_kiosk_is_read_only_even_for_an_operator():
    policy = AccessPolicy.for_session(ROLES, Identity("park", ()), kiosk=True)
    assert policy.role is Role.VIEWER
    for action in Action:
        assert not policy.allows(action)
        with pytest.raises(AccessDenied, match="kiosk"):
            policy.require(action)


def test_current_identity_has_a_user_name():
    me = Identity.current()
    assert me.user and isinstance(me.groups, tuple)
