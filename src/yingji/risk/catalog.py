"""Code tables of the supervision domain: risk taxonomy, industries, inspection frequency.

Pure loaders over the packaged JSON files in ``risk/config`` (editable by an admin; pass
``path=`` to load an edited copy). Return plain frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed

__all__ = [
    "Industry",
    "RiskClass",
    "RiskSubclass",
    "Taxonomy",
    "load_industries",
    "load_inspection_frequencies",
    "load_taxonomy",
]


def _read(name: str, path: str | Path | None) -> Any:
    return read_config("yingji.risk", name, path)


@dataclass(frozen=True, slots=True)
class Industry:
    code: str
    name: str
    regulator: str
    enterprise: bool


@dataclass(frozen=True, slots=True)
class RiskSubclass:
    code: str  # "A01"
    name: str
    class_code: str  # "A"
    industries: tuple[str, ...]  # industry codes
    method: str  # default assessment method: "lec" | "ls"
    typical_sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RiskClass:
    code: str  # "A"
    name: str
    description: str
    subclasses: tuple[RiskSubclass, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    classes: tuple[RiskClass, ...]

    @property
    def subclasses(self) -> tuple[RiskSubclass, ...]:
        return tuple(s for c in self.classes for s in c.subclasses)

    def subclass(self, code: str) -> RiskSubclass:
        for s in self.subclasses:
            if s.code == code:
                return s
        raise ValidationFailed(f"风险小类“{code}”不存在", field="subclass_code", code="unknown_subclass")


def load_industries(path: str | Path | None = None) -> tuple[Industry, ...]:
    raw = _read("industries.json", path)
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


def load_taxonomy(path: str | Path | None = None, *, industries_path: str | Path | None = None) -> Taxonomy:
    """Load the 3-class / 42-subclass taxonomy and check its industry codes exist."""
    raw = _read("taxonomy.json", path)
    known = {i.code for i in load_industries(industries_path)}
    classes = []
    seen: set[str] = set()
    for c in raw.get("classes", []):
        subs = []
        for s in c.get("subclasses", []):
            code = str(s["code"])
            if code in seen:
                raise ValidationFailed(f"风险小类代码“{code}”重复", field="taxonomy", code="bad_config")
            seen.add(code)
            inds = tuple(str(x) for x in s.get("industries", []))
            unknown = [x for x in inds if x not in known]
            if unknown or not inds:
                raise ValidationFailed(
                    f"风险小类“{code}”的行业代码无效：{'、'.join(unknown) or '未填写'}",
                    field="taxonomy", code="bad_config",
                )
            method = str(s.get("method", "lec"))
            if method not in ("lec", "ls"):
                raise ValidationFailed(f"风险小类“{code}”的评估方法无效：{method}", field="taxonomy",
                                       code="bad_config")
            subs.append(RiskSubclass(code, str(s["name"]), str(c["code"]), inds, method,
                                     tuple(str(x) for x in s.get("typical_sources", []))))
        classes.append(RiskClass(str(c["code"]), str(c["name"]), str(c.get("description", "")), tuple(subs)))
    return Taxonomy(tuple(classes))


def load_inspection_frequencies(path: str | Path | None = None) -> dict[str | None, int]:
    """Annual inspections per unit keyed by unit level key; key ``None`` = unrated units."""
    raw = _read("inspection_frequency.json", path)
    out: dict[str | None, int] = {}
    for key, n in dict(raw.get("per_year", {})).items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationFailed(f"检查频次“{key}”必须是非负整数", field="per_year", code="bad_config")
        out[str(key)] = n
    unrated = raw.get("unrated", 1)
    if isinstance(unrated, bool) or not isinstance(unrated, int) or unrated < 0:
        raise ValidationFailed("未评级单位检查频次必须是非负整数", field="unrated", code="bad_config")
    out[None] = unrated
    return out


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


@lru_cache(maxsize=1)
def default_industries() -> tuple[Industry, ...]:
    return load_industries()
