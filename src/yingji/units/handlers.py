"""How the units package takes part in the core's actions (core.hooks).

The core keeps the user accounts but does not know the units (they lie above it). When an
administrator ties an enterprise manager's account to a unit, the core sends
``users.unit_assigned``; the handler here checks, in the same transaction, that the unit exists,
lies inside the administrator's jurisdiction and inside the account's own (an enterprise manager of
鼓东街道 cannot manage a unit of 仓山区), and refuses the whole action otherwise.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.actions import USER_UNIT_HOOK
from yingji.core.auth import Principal
from yingji.core.errors import NotFound, ValidationFailed
from yingji.core.scope import get_scoped, in_scope
from yingji.units.models import Unit


@hooks.handler(USER_UNIT_HOOK)
def check_user_unit(db: Session, actor: Principal, *, unit_id: int, scope_code: str) -> None:
    try:
        unit = get_scoped(db, actor, Unit, unit_id, what="生产经营单位")
    except NotFound:
        raise ValidationFailed("所选单位不存在或不在您的管辖范围内", field="unit_id") from None
    if not in_scope(scope_code, unit.division_code):
        raise ValidationFailed(f"企业安全管理员的管辖范围必须包含其单位所在地（{unit.name}）", field="scope_code")


# --- places (地名地址): the units as named points of the place index (read hook ``places.points``) ---

@hooks.handler("places.points")
def unit_points(db: Session, actor: Principal | None) -> list[dict]:
    """Every unit with a position, for the place index (places filters by jurisdiction when it answers)."""
    from sqlalchemy import select

    rows = db.execute(select(Unit.name, Unit.lon, Unit.lat, Unit.division_code)
                      .where(Unit.lon.is_not(None), Unit.lat.is_not(None))).all()
    return [{"name": name, "aliases": [], "kind": "unit", "lon": lon, "lat": lat, "division_code": code,
             "source": "units"} for name, lon, lat, code in rows]
