"""Code tables of the hidden-hazard domain: hazard tiers, 五到位 plan fields, checklists.

Pure loaders over the packaged JSON in ``hazards/config`` (pass ``path=`` for an
admin-edited copy). Plain frozen dataclasses out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from datetime import datetime
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed
from yingji.core.timeutil import to_local

__all__ = [
    "ChecklistItem",
    "PlanField",
    "Tier",
    "TierConfig",
    "default_tier_config",
    "load_checklists",
    "load_tier_config",
]


def _read(name: str, path: str | Path | None) -> Any:
    return read_config("yingji.hazards", name, path)


@dataclass(frozen=True, slots=True)
class Tier:
    key: str  # "general" | "major" (configurable)
    label: str  # 一般事故隐患
    rank: int  # 1 = most serious
    requires_plan: bool  # True -> 五到位 plan required before rectification
    description: str
    separate_acceptance: bool = False  # True -> whoever reported the hazard may not accept it (职责分离)


@dataclass(frozen=True, slots=True)
class PlanField:
    key: str  # measures | funds | deadline | responsible_person | contingency_plan
    label: str  # 整改措施 ...


@dataclass(frozen=True, slots=True)
class TierConfig:
    tiers: tuple[Tier, ...]
    plan_fields: tuple[PlanField, ...]

    def tier(self, key: str) -> Tier:
        for t in self.tiers:
            if t.key == key:
                return t
        raise ValidationFailed(
            f"隐患分级“{key}”不存在，可选：{'、'.join(f'{t.key}（{t.label}）' for t in self.tiers)}",
            field="tier",
            code="unknown_tier",
        )


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: str  # "HC-01"
    text: str
    suggested_tier: str  # tier key a failed item suggests
    industry: str


def load_tier_config(path: str | Path | None = None) -> TierConfig:
    raw = _read("tiers.json", path)
    try:
        tiers = tuple(
            Tier(str(t["key"]), str(t["label"]), int(t.get("rank", i + 1)), bool(t.get("requires_plan", False)),
                 str(t.get("description", "")), bool(t.get("separate_acceptance", False)))
            for i, t in enumerate(raw["tiers"])
        )
        fields = tuple(PlanField(str(f["key"]), str(f["label"])) for f in raw.get("plan_fields", []))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(f"隐患分级配置缺少字段 {exc}", field="tiers", code="bad_config") from None
    if not tiers or len({t.key for t in tiers}) != len(tiers):
        raise ValidationFailed("隐患分级配置为空或 key 重复", field="tiers", code="bad_config")
    return TierConfig(tuple(sorted(tiers, key=lambda t: t.rank)), fields)


@lru_cache(maxsize=1)
def default_tier_config() -> TierConfig:
    return load_tier_config()


def load_checklists(path: str | Path | None = None) -> dict[str, tuple[ChecklistItem, ...]]:
    """Checklist items per industry code (``industries.json`` codes)."""
    raw = _read("checklists.json", path)
    tier_keys = {t.key for t in default_tier_config().tiers}
    out: dict[str, tuple[ChecklistItem, ...]] = {}
    for industry, items in dict(raw.get("industries", {})).items():
        parsed = []
        for it in items:
            tier = str(it.get("suggested_tier", "general"))
            if tier not in tier_keys:
                raise ValidationFailed(f"检查项 {it.get('code')} 的建议分级“{tier}”不存在", field="checklists",
                                       code="bad_config")
            parsed.append(ChecklistItem(str(it["code"]), str(it["text"]), tier, str(industry)))
        out[str(industry)] = tuple(parsed)
    return out


def hazard_code(at: datetime, hazard_id: int) -> str:
    """The hazard number: YH + local year of the report + 6-digit id (e.g. YH2026000123), one format everywhere."""
    return f"YH{to_local(at).year}{hazard_id:06d}"
