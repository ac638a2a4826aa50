"""The industries (行业领域) code table: who regulates each, whether its units are enterprises.

Packaged in ``units/config/industries.json`` (editable by an admin; pass ``path=`` to load an
edited copy). Every domain that classifies units by industry reads it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed

__all__ = ["Industry", "default_industries", "industry_names", "load_industries"]


@dataclass(frozen=True, slots=True)
class Industry:
    code: str
    name: str
    regulator: str
    enterprise: bool


def load_industries(path: str | Path | None = None) -> tuple[Industry, ...]:
    raw = read_config("yingji.units", "industries.json", path)
    out = []
    seen: set[str] = set()
    for i, item in enumerate(raw.get("industries", [])):
        try:
            ind = Industry(str(item["code"]), str(item["name"]), str(item.get("regulator", "")),
                           bool(item.get("enterprise", True)))
        except (KeyError, TypeError) as exc:
            raise ValidationFailed(f"行业配置第 {i + 1} 项缺少字段 {exc}", field="industries",
                                   code="bad_config") from None
        if ind.code in seen:
            raise ValidationFailed(f"行业代码“{ind.code}”重复", field="industries", code="bad_config")
        seen.add(ind.code)
        out.append(ind)
    return tuple(out)


@lru_cache(maxsize=1)
def default_industries() -> tuple[Industry, ...]:
    return load_industries()


def industry_names() -> dict[str, str]:
    return {i.code: i.name for i in default_industries()}


def check_industry(code: str, field: str = "industry") -> str:
    known = industry_names()
    if code not in known:
        raise ValidationFailed(f"行业“{code}”未配置，请从行业清单中选择（管理员可在行业配置中增加）", field=field)
    return code
