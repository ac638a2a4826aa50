"""Code table of the risk domain: the risk taxonomy (classes and subclasses of risk sources).

A pure loader over ``risk/config/taxonomy.json`` (editable by an admin; pass ``path=`` to load an
edited copy), checked against the industries of :mod:`yingji.units.catalog`. Returns frozen
dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed
from yingji.units.catalog import load_industries

__all__ = ["RiskClass", "RiskSubclass", "Taxonomy", "default_taxonomy", "load_taxonomy"]


def _read(name: str, path: str | Path | None) -> Any:
    return read_config("yingji.risk", name, path)


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


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
