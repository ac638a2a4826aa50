"""Who may take which step of a warning (table-driven; the same rules drive the API and the buttons)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from yingji.core.auth import ROLES, Principal
from yingji.warnings import permissions


def _who(name: str, role: str = "county_officer", unit_id: int | None = None) -> Principal:
    return Principal(user_id=1, username=name, display_name=name, role=role, scope_code="350102", unit_id=unit_id,
                     permissions=ROLES[role][1])


def _w(status: str = "draft", review: str = "editing", op: str = "alert", revision: int = 1,
       approved_revision: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(status=status, review=review, op=op, revision=revision, approved_revision=approved_revision,
                           author="amy", submitted_by="amy" if review != "editing" else None)


AMY, BOB = _who("amy"), _who("bob")


@pytest.mark.parametrize("actor,w,allowed", [
    (AMY, _w(), {"edit", "submit", "comment"}),
    (AMY, _w(review="pending"), {"reject", "comment"}),  # the author may withdraw (reject) but not approve
    (BOB, _w(review="pending"), {"approve", "reject", "comment"}),
    (BOB, _w(review="approved", approved_revision=1), {"publish", "comment"}),
    (BOB, _w(review="approved", revision=2, approved_revision=1), {"comment"}),  # edited after approval
    (AMY, _w(status="active", review="published", op="update"), {"update", "cancel", "comment"}),
    (AMY, _w(status="active", review="pending", op="cancel"), {"reject", "comment"}),
    (BOB, _w(status="active", review="rejected", op="update"), {"edit", "submit", "update", "cancel", "comment"}),
    (AMY, _w(status="cancelled", review="published"), {"comment"}),
    (_who("leo", "leader"), _w(), set()),
    (_who("ent", "enterprise_manager", unit_id=7), _w(), set()),
])
def test_allowed_steps(actor, w, allowed):
    assert set(permissions.allowed(actor, w)) == allowed


def test_refusals_say_why_in_chinese():
    assert "双人审核" in permissions.refusal(AMY, _w(review="pending"), "approve")
    assert "第二人审批" in permissions.refusal(BOB, _w(), "publish")
    assert "只能查看" in permissions.refusal(_who("leo", "leader"), _w(), "edit") or \
        "不能编制" in permissions.refusal(_who("leo", "leader"), _w(), "edit")
    assert "企业" in permissions.refusal(_who("ent", "enterprise_manager", unit_id=7), _w(), "submit")
