"""The monitoring alarm hook proposes a draft; publication hands the version to an injected
delivery function (the broadcast interface) inside the same transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.samples_warnings import APPROVER, AUTHOR
from yingji.core import hooks
from yingji.core.auth import system_principal
from yingji.core.db import atomic
from yingji.core.errors import Conflict
from yingji.warnings import actions
from yingji.warnings.handlers import ALARM_HOOK
from yingji.warnings.models import EarlyWarning, WarningVersion
from yingji.warnings.schemas import AreaIn, ReviewIn, UpdateIn, WarningIn


def test_alarm_proposes_a_draft(database):
    with database.session() as s, atomic(s):
        n = hooks.send(s, system_principal(), ALARM_HOOK, alarm_id=4242, title="液位超高告警", kind="tank_level",
                       level=2, lon=119.30, lat=26.08, division_code="350102001", unit_id=None,
                       occurred_at=None, hazard_type="hazchem")
        assert n >= 1
    with database.session() as s:
        w = s.execute(select(EarlyWarning).where(EarlyWarning.alarm_id == 4242)).scalar_one()
        assert (w.source, w.status, w.review, w.level, w.hazard_type) == ("alarm", "draft", "editing", "orange",
                                                                          "hazchem")
        assert w.area["circles"][0]["radius_m"] == 3000 and w.area["divisions"] == ["350102001"]
        assert "液位超高告警" in w.headline and w.instruction


def test_publish_calls_the_injected_delivery_with_the_version(database):
    calls: list[dict[str, Any]] = []

    def fake_submit(db: Any, actor: Any, **kw: Any) -> int:
        assert db.info.get("in_atomic")  # inside the publishing transaction
        calls.append(kw)
        return 900 + len(calls)

    with database.session() as s:
        w = actions.create_warning(s, AUTHOR, WarningIn(hazard_type="cold_wave", level="blue",
                                                        area=AreaIn(divisions=["350102002"])))
        actions.submit_warning(s, AUTHOR, w.id, ReviewIn())
        actions.approve_warning(s, APPROVER, w.id, ReviewIn())
        v = actions.publish_warning(s, APPROVER, w.id, submit=fake_submit)
        assert v.campaign_id == 901 and v.msg_type == "Alert"
        # downgrade is an update too; publishing it again is refused until approved
        actions.begin_update(s, AUTHOR, w.id, UpdateIn(level="yellow", note="寒潮加强，升级"))
        with pytest.raises(Conflict):
            actions.publish_warning(s, APPROVER, w.id, submit=fake_submit)
        actions.approve_warning(s, APPROVER, w.id, ReviewIn())
        v2 = actions.publish_warning(s, APPROVER, w.id, submit=fake_submit)
        assert v2.msg_type == "Update" and v2.campaign_id == 902
        chain = list(s.execute(select(WarningVersion).where(WarningVersion.warning_id == w.id)).scalars())
        assert len(chain) == 2
    assert [c["version"] for c in calls] == [1, 2]
    assert [c["severity_colour"] for c in calls] == ["blue", "yellow"]
    assert calls[0]["area"]["divisions"] == ["350102002"] and calls[0]["officials_first"] is True
    assert calls[1]["text"].startswith("【更新】") and calls[0]["message_key"] == calls[1]["message_key"]
