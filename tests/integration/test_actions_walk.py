"""Walk EVERY action of every package: each one writes an audit record AND emits an event.

Every public function of a package's ``actions`` module is an action (helpers are private). The walk
fails when an action has no sample (below, or in ``tests/integration/actions_<package>.py``) — so a
new action cannot skip the check — and when running the sample adds no audit record or no event. (Independently, ``core.db`` refuses any commit
that changes data without both, so a write that bypasses the actions fails wherever it runs.)
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import func, select

from yingji.core import actions as core_actions
from yingji.core.audit import AuditRecord
from yingji.core.auth import User
from yingji.core.auth import system_principal
from yingji.core.events import OutboxEvent
from yingji.domains import domain_modules

_n = itertools.count(1)
TOWN = "350102003"
SYSTEM = system_principal()
NOT_ACTIONS = {
    "yingji.core.actions.authenticate",  # checks a password, writes nothing (the login view records it)
}


def action_functions() -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {}
    modules: list[ModuleType] = [core_actions, *domain_modules("actions")]
    for module in modules:
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            key = f"{module.__name__}.{name}"
            if key not in NOT_ACTIONS:
                out[key] = fn
    assert len(out) >= 20
    return out


# --- one sample call per action: (database session, context) -> None ----------------------------------

def _unit(s: Any, ctx: dict[str, Any]) -> int:
    if "unit" not in ctx:
        from yingji.units.actions import create_unit
        from yingji.units.schemas import UnitIn

        n = next(_n)
        ctx["unit"] = create_unit(s, SYSTEM, UnitIn(name=f"动作巡检单位{n}", credit_code=f"91350102ACT{n:06d}X"[:18],
                                                    industry="hazchem", division_code=TOWN, lon=119.3, lat=26.08)).id
    return ctx["unit"]


def _source(s: Any, ctx: dict[str, Any]) -> int:
    if "source" not in ctx:
        from yingji.risk.actions import create_source
        from yingji.risk.schemas import SourceIn

        ctx["source"] = create_source(s, SYSTEM, SourceIn(unit_id=_unit(s, ctx), name="储罐区", subclass_code="A01")).id
    return ctx["source"]


def _hazard(s: Any, ctx: dict[str, Any], tier: str = "general") -> int:
    from yingji.hazards.actions import report_hazard
    from yingji.hazards.schemas import HazardIn

    return report_hazard(s, SYSTEM, HazardIn(unit_id=_unit(s, ctx), title="动作巡检隐患", tier=tier,
                                             deadline=datetime.now(UTC) + timedelta(days=10))).id


def _user(s: Any, ctx: dict[str, Any]) -> int:
    if "user" not in ctx:
        from yingji.core.schemas import UserIn

        ctx["user"] = core_actions.create_user(s, SYSTEM, UserIn(
            username=f"act_walk_{next(_n)}_{id(ctx) % 9999}", display_name="动作巡检", role="township_officer",
            scope_code=TOWN, password="act-walk-password")).id
    return ctx["user"]


def _plan(s: Any, ctx: dict[str, Any]) -> Any:
    if "plan" not in ctx:
        from yingji.enforcement.actions import generate_plan
        from yingji.enforcement.schemas import PlanGenerateIn

        _unit(s, ctx)
        ctx["plan"] = generate_plan(s, SYSTEM, PlanGenerateIn(year=2031, division_code=TOWN, replace=True))
    return ctx["plan"]


def _png() -> bytes:
    """A real (tiny, 2×2 red) PNG file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


Sample = Callable[[Any, dict[str, Any]], Callable[[], Any]]
# actions not walked here, and why (they are covered where they run)
NOT_WALKED = {
    "yingji.core.actions.ensure_admin": "one-time bootstrap of the first administrator (tests/integration/test_auth.py)",
    "yingji.core.actions.load_reference": "writes only when the reference data changed; runs in every test fixture",
}


def _samples(tmp_path: Any) -> dict[str, Sample]:
    """Per action: prepare what it needs (any writes), then return the call of the action alone."""
    from yingji.core.schemas import UserPatch
    from yingji.enforcement import actions as enf
    from yingji.enforcement.models import PlannedInspection
    from yingji.enforcement.schemas import BlacklistIn, BlacklistRemoveIn, PenaltyIn, PlanGenerateIn
    from yingji.hazards import actions as hz
    from yingji.hazards.schemas import InspectionIn, LiftIn, ListingIn, PlanIn, TransitionIn
    from yingji.risk import actions as rk
    from yingji.risk.schemas import AssessmentIn, MeasureIn, SourceIn, SourcePatch
    from yingji.units import actions as un
    from yingji.units.schemas import UnitIn, UnitPatch

    now = datetime.now(UTC)

    def listed(s: Any, ctx: dict[str, Any]) -> tuple[int, int]:
        hid = _hazard(s, ctx)
        listing = hz.list_for_supervision(s, SYSTEM, hid, ListingIn(
            level="city", listed_by="市安委办", notice_no=f"动作{next(_n)}", deadline=now + timedelta(days=30)))
        return hid, listing.id

    def planned_item(s: Any, ctx: dict[str, Any]) -> int:
        plan = _plan(s, ctx)
        return s.scalar(select(PlannedInspection.id).where(PlannedInspection.plan_id == plan.id,
                                                           PlannedInspection.unit_id == _unit(s, ctx),
                                                           PlannedInspection.done_inspection_id.is_(None)).limit(1))

    def inspection(s: Any, ctx: dict[str, Any]) -> int:
        insp, _ = hz.record_inspection(s, SYSTEM, InspectionIn(unit_id=_unit(s, ctx), kind="department",
                                                                inspector="巡检", inspected_at=now))
        return insp.id

    def blacklisted(s: Any, ctx: dict[str, Any]) -> int:
        unit = make_unit_in(s, ctx)
        return enf.blacklist_add(s, SYSTEM, BlacklistIn(unit_id=unit, reason="动作巡检")).id

    def make_unit_in(s: Any, ctx: dict[str, Any]) -> int:
        n = next(_n)
        return un.create_unit(s, SYSTEM, UnitIn(name=f"黑名单巡检{n}", credit_code=f"91350102BLK{n:06d}X"[:18],
                                                industry="hazchem", division_code=TOWN)).id

    def hazard_then(action: Callable[[int], Any]) -> Sample:
        return lambda s, ctx: (lambda hid: (lambda: action(hid)))(_hazard(s, ctx))

    def listed_then_lift(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        hid, lid = listed(s, ctx)
        return lambda: hz.lift_listing(s, SYSTEM, hid, lid, LiftIn(reason="巡检摘牌"))

    def link(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        item, insp = planned_item(s, ctx), inspection(s, ctx)
        return lambda: enf.link_inspection(s, SYSTEM, item, insp)

    def unblacklist(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        entry = blacklisted(s, ctx)
        return lambda: enf.blacklist_remove(s, SYSTEM, entry, BlacklistRemoveIn(removal_reason="整改到位"))

    def revoke(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        user = _user(s, ctx)
        token = core_actions.create_token(s, SYSTEM, user, "巡检")[0].id
        return lambda: core_actions.revoke_token(s, SYSTEM, user, token)

    def password(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        who = _principal(s, _user(s, ctx))
        return lambda: core_actions.change_password(s, who, "act-walk-password", "act-walk-password-2")

    def with_user(action: Callable[[int], Any]) -> Sample:
        return lambda s, ctx: (lambda uid: (lambda: action(uid)))(_user(s, ctx))

    def with_unit(action: Callable[[int], Any]) -> Sample:
        return lambda s, ctx: (lambda uid: (lambda: action(uid)))(_unit(s, ctx))

    def with_source(action: Callable[[int], Any]) -> Sample:
        return lambda s, ctx: (lambda sid: (lambda: action(sid)))(_source(s, ctx))

    def import_sources(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        csv = f"单位统一社会信用代码,风险点名称,风险小类代码\n{_credit(s, _unit(s, ctx))},导入风险点,A01\n"
        return lambda: rk.import_sources(s, SYSTEM, csv.encode(), "s.csv")

    def overdue_run(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        _hazard(s, ctx)  # due in 10 days: overdue for a clock 400 days ahead
        return lambda: hz.escalate_overdue(s, system_principal(TOWN), now + timedelta(days=400))

    def signed_in(s: Any, ctx: dict[str, Any]) -> Any:
        user = s.get(User, _user(s, ctx))
        return core_actions.login(s, user.username, "act-walk-password", policy=core_actions.AuthPolicy(),
                                  client_address="127.0.0.1")[1]

    def login(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        user = s.get(User, _user(s, ctx))
        return lambda: core_actions.login(s, user.username, "act-walk-password", policy=core_actions.AuthPolicy(),
                                          client_address="127.0.0.1")

    def logout(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        session = signed_in(s, ctx)
        return lambda: core_actions.logout(s, session)

    def end_session(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        session = signed_in(s, ctx)
        who = _principal(s, session.user_id)
        return lambda: core_actions.end_own_session(s, who, session.id)

    unit_csv = f"单位名称,统一社会信用代码,行业代码,乡镇（街道）代码\n动作导入单位,91350102ACTIMP{next(_n):03d}X,hazchem,{TOWN}\n"
    s_ = SYSTEM
    return {
        "yingji.core.actions.change_password": password,
        "yingji.core.actions.login": login,
        "yingji.core.actions.logout": logout,
        "yingji.core.actions.end_own_session": end_session,
        "yingji.core.actions.create_user": lambda s, ctx: lambda: _user(s, {}),
        "yingji.core.actions.update_user": lambda s, ctx: with_user(
            lambda uid: core_actions.update_user(s, s_, uid, UserPatch(display_name="动作巡检改名")))(s, ctx),
        "yingji.core.actions.create_token": lambda s, ctx: with_user(
            lambda uid: core_actions.create_token(s, s_, uid, "巡检"))(s, ctx),
        "yingji.core.actions.revoke_token": revoke,
        "yingji.core.actions.delete_user": lambda s, ctx: with_user(  # a user who never acted
            lambda uid: core_actions.delete_user(s, s_, uid))(s, ctx),
        # a village below the sample township (importing a township would mark it real for other tests)
        "yingji.core.actions.import_divisions": lambda s, ctx: lambda: core_actions.import_divisions(
            s, s_, f"code,name,population\n{TOWN}{next(_n) % 1000:03d},巡检村,{300 + next(_n)}\n".encode(), "p.csv"),
        "yingji.units.actions.create_unit": lambda s, ctx: lambda: _unit(s, {}),
        "yingji.units.actions.update_unit": lambda s, ctx: with_unit(
            lambda uid: un.update_unit(s, s_, uid, UnitPatch(phone=f"0591-{next(_n):07d}")))(s, ctx),
        "yingji.units.actions.import_units": lambda s, ctx: lambda: un.import_units(s, s_, unit_csv.encode(), "u.csv"),
        "yingji.risk.actions.create_source": lambda s, ctx: with_unit(lambda uid: rk.create_source(
            s, s_, SourceIn(unit_id=uid, name="储罐区", subclass_code="A01")))(s, ctx),
        "yingji.risk.actions.update_source": lambda s, ctx: with_source(
            lambda sid: rk.update_source(s, s_, sid, SourcePatch(description="巡检修改")))(s, ctx),
        "yingji.risk.actions.assess": lambda s, ctx: with_source(
            lambda sid: rk.assess(s, s_, sid, AssessmentIn(method="ls", l=2, s=3)))(s, ctx),
        "yingji.risk.actions.add_measure": lambda s, ctx: with_source(
            lambda sid: rk.add_measure(s, s_, sid, MeasureIn(measure="每日巡检")))(s, ctx),
        "yingji.risk.actions.import_sources": import_sources,
        "yingji.hazards.actions.report_hazard": lambda s, ctx: with_unit(lambda uid: _hazard(s, ctx))(s, ctx),
        "yingji.hazards.actions.record_inspection": lambda s, ctx: with_unit(lambda uid: inspection(s, ctx))(s, ctx),
        "yingji.hazards.actions.transition": lambda s, ctx: hazard_then(
            lambda hid: hz.transition(s, s_, hid, TransitionIn(action="confirm")))(s, ctx),
        "yingji.hazards.actions.update_plan": lambda s, ctx: hazard_then(
            lambda hid: hz.update_plan(s, s_, hid, PlanIn(measures="更换阀门")))(s, ctx),
        "yingji.hazards.actions.list_for_supervision": lambda s, ctx: hazard_then(
            lambda hid: hz.list_for_supervision(s, s_, hid, ListingIn(
                level="city", listed_by="市安委办", notice_no=f"动作{next(_n)}", deadline=now + timedelta(days=30))))(s, ctx),
        "yingji.hazards.actions.lift_listing": listed_then_lift,
        "yingji.hazards.actions.escalate_overdue": overdue_run,
        "yingji.hazards.actions.add_attachment": lambda s, ctx: hazard_then(lambda hid: hz.add_attachment(
            s, s_, hid, filename="现场.png", content_type="image/png", content=_png(), data_dir=tmp_path))(s, ctx),
        "yingji.enforcement.actions.generate_plan": lambda s, ctx: with_unit(lambda uid: enf.generate_plan(
            s, s_, PlanGenerateIn(year=2032, division_code=TOWN, replace=True)))(s, ctx),
        "yingji.enforcement.actions.link_inspection": link,
        "yingji.enforcement.actions.record_penalty": lambda s, ctx: with_unit(lambda uid: enf.record_penalty(
            s, s_, PenaltyIn(unit_id=uid, decision_no=f"动作巡检罚{next(_n)}号", amount_yuan=1000, reason="巡检",
                             decided_at=now)))(s, ctx),
        "yingji.enforcement.actions.blacklist_add": lambda s, ctx: with_unit(
            lambda uid: enf.blacklist_add(s, s_, BlacklistIn(unit_id=make_unit_in(s, ctx), reason="动作巡检")))(s, ctx),
        "yingji.enforcement.actions.blacklist_remove": unblacklist,
    }


def _principal(s: Any, user_id: int) -> Any:
    from yingji.core.auth import principal_for

    return principal_for(s.get(User, user_id))


def _credit(s: Any, unit_id: int) -> str:
    from yingji.units.models import Unit

    return s.get(Unit, unit_id).credit_code


def _counts(s: Any) -> tuple[int, int]:
    return (s.scalar(select(func.count()).select_from(AuditRecord)) or 0,
            s.scalar(select(func.count()).select_from(OutboxEvent)) or 0)


def _all_samples(tmp_path: Any) -> dict[str, Sample]:
    """The samples above plus each package's own, from ``tests/integration/actions_<package>.py``
    (``SAMPLES(tmp_path) -> {"yingji.<pkg>.actions.<name>": sample}``, same shape as here)."""
    import importlib
    import importlib.util

    from yingji.domains import PACKAGES

    samples = _samples(tmp_path)
    for package in PACKAGES:
        name = f"tests.integration.actions_{package}"
        if importlib.util.find_spec(name) is not None:
            samples.update(importlib.import_module(name).SAMPLES(tmp_path))
    return samples


def test_every_action_has_a_sample(tmp_path):
    samples = _all_samples(tmp_path)
    missing = sorted(set(action_functions()) - set(samples) - set(NOT_WALKED))
    assert not missing, f"register a sample call for these actions in test_actions_walk.py: {missing}"


@pytest.mark.parametrize("name", sorted(set(action_functions()) - set(NOT_WALKED)))
def test_each_action_writes_an_audit_record_and_an_event(database, tmp_path, name):
    sample = _all_samples(tmp_path)[name]
    ctx: dict[str, Any] = {}
    with database.session() as s:
        act = sample(s, ctx)  # the preparations write what the action needs ...
        s.commit()
        before = _counts(s)
        act()  # ... so that the counts measure the action alone
        s.commit()
        after = _counts(s)
    assert after[0] > before[0], f"{name} wrote no audit record"
    assert after[1] > before[1], f"{name} emitted no event"
