"""Safety-risk grading (安全风险分级管控): LEC and LS (risk matrix) scoring.

Pure logic: plain numbers in, frozen dataclasses out. Every threshold, factor table and
level description comes from ``risk/config/grading.json`` (rule 7), loaded once and cached;
an admin-edited copy can be passed explicitly as ``config=load_grading_config(path)``.

Boundary convention (stated in the JSON, key ``boundary_convention``): each band/level
entry carries ``gt`` (strictly greater than) or ``gte`` (greater than or equal), the first
matching entry wins and the last entry (no bound) is the catch-all. Defaults:

* LEC, D = L × E × C, as the standard table is written ("D>320 极其危险; 160～320 高度危险;
  70～160 显著危险; 20～70 一般危险; D<20 稍有危险"): D > 320 极其危险, 160 ≤ D ≤ 320 高度危险,
  70 ≤ D < 160 显著危险, 20 ≤ D < 70 一般危险, D < 20 稍有危险 — the top band excludes its bound,
  the bottom band is "less than", every range includes its lower end (D = 20 is 一般危险, D = 320
  高度危险). Levels follow the bands: D ≥ 160 重大, 70 ≤ D < 160 较大, 20 ≤ D < 70 一般, D < 20 低.
  The sources are cited in the JSON (``sources``).
* LS, R = L × S with L, S in 1..5: R ≥ 20 重大, R ≥ 10 较大, R ≥ 4 一般, else 低
  (so impossible products such as 17–19 still map robustly).

Floats: D is rounded to 2 decimals (every product of table values has at most two
decimals, so the rounding is exact) and compared against thresholds with a 1e-9 tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed

__all__ = [
    "EPS",
    "LEVEL_KEYS",
    "Band",
    "FactorValue",
    "GradingConfig",
    "LecResult",
    "LevelInfo",
    "LsResult",
    "all_levels",
    "band_for_score",
    "default_grading_config",
    "lec",
    "level_for_score",
    "level_info",
    "load_grading_config",
    "ls",
    "unit_level",
]

EPS = 1e-9
LEVEL_KEYS: tuple[str, ...] = ("major", "significant", "general", "low")


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True, slots=True)
class FactorValue:
    """One allowed value of a factor table, e.g. ``FactorValue(6, "相当可能")``."""

    value: float
    description: str


@dataclass(frozen=True, slots=True)
class Band:
    """One threshold entry: ``op`` is ``"gt"``, ``"gte"`` or ``None`` (catch-all)."""

    key: str
    label: str
    short_label: str
    op: str | None
    bound: float | None

    def matches(self, x: float) -> bool:
        if self.op is None or self.bound is None:
            return True
        if self.op == "gt":
            return x > self.bound + EPS
        return x >= self.bound - EPS


@dataclass(frozen=True, slots=True)
class LevelInfo:
    """Display and management facts of one of the four levels (重大/较大/一般/低)."""

    key: str  # major | significant | general | low
    label: str  # 重大风险
    short_label: str  # 重大
    rank: int  # 1 = highest
    roman: str  # I..IV
    colour: str  # red | orange | yellow | blue
    colour_label: str  # 红
    hex: str  # "#FF0000"
    management_tier: str  # 分级管控 text
    meaning: str  # text shown beside the colour


@dataclass(frozen=True, slots=True)
class GradingConfig:
    """Parsed ``grading.json``. Build with :func:`load_grading_config`."""

    levels: tuple[LevelInfo, ...]
    lec_factors: Mapping[str, tuple[FactorValue, ...]]  # keys "l", "e", "c"
    lec_factor_labels: Mapping[str, str]
    lec_bands: tuple[Band, ...]
    lec_levels: tuple[Band, ...]  # Band.key is the level key
    ls_factors: Mapping[str, tuple[FactorValue, ...]]  # keys "l", "s"
    ls_factor_labels: Mapping[str, str]
    ls_levels: tuple[Band, ...]
    boundary_convention: str

    def level(self, key: str) -> LevelInfo:
        for info in self.levels:
            if info.key == key:
                return info
        raise ValidationFailed(
            f"风险等级“{key}”不存在，可选：{'、'.join(i.key for i in self.levels)}",
            field="level",
            code="unknown_level",
        )


@dataclass(frozen=True, slots=True)
class LecResult:
    """LEC outcome. ``d`` is rounded to 2 decimals; ``band`` is the LEC band key
    (extreme/high/notable/possible/slight); ``level`` is a level key (major...low)."""

    l: float
    e: float
    c: float
    d: float
    band: str
    band_label: str
    level: str
    level_label: str


@dataclass(frozen=True, slots=True)
class LsResult:
    """Risk-matrix outcome: ``r = l × s`` and its level key."""

    l: int
    s: int
    r: int
    level: str
    level_label: str


# --------------------------------------------------------------------------- loading


def _cfg_error(msg: str, where: str) -> ValidationFailed:
    return ValidationFailed(f"风险分级配置有误（{where}）：{msg}", field=where, code="bad_config")


def _parse_factors(
    raw: Any, names: tuple[str, ...], where: str
) -> tuple[dict[str, tuple[FactorValue, ...]], dict[str, str]]:
    if not isinstance(raw, dict):
        raise _cfg_error("应为对象", where)
    factors: dict[str, tuple[FactorValue, ...]] = {}
    labels: dict[str, str] = {}
    for name in names:
        item = raw.get(name)
        if not isinstance(item, dict) or not isinstance(item.get("values"), list) or not item["values"]:
            raise _cfg_error(f"缺少因子 {name} 的取值表", f"{where}.{name}")
        values = []
        for v in item["values"]:
            num = v.get("value") if isinstance(v, dict) else None
            if isinstance(num, bool) or not isinstance(num, (int, float)) or not math.isfinite(num):
                raise _cfg_error("取值必须是数字", f"{where}.{name}.values")
            values.append(FactorValue(float(num), str(v.get("description", ""))))
        factors[name] = tuple(values)
        labels[name] = str(item.get("label", name.upper()))
    return factors, labels


def _parse_bands(raw: Any, where: str, *, key_field: str, level_keys: set[str] | None) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise _cfg_error("分档表不能为空", where)
    bands: list[Band] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise _cfg_error("分档应为对象", f"{where}[{i}]")
        key = entry.get(key_field)
        if not isinstance(key, str) or not key:
            raise _cfg_error(f"缺少 {key_field}", f"{where}[{i}]")
        if level_keys is not None and key not in level_keys:
            raise _cfg_error(f"等级“{key}”未在 levels 中定义", f"{where}[{i}]")
        ops = [op for op in ("gt", "gte") if op in entry]
        if len(ops) > 1:
            raise _cfg_error("gt 与 gte 只能写一个", f"{where}[{i}]")
        op = ops[0] if ops else None
        bound = entry.get(op) if op else None
        if op is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
            raise _cfg_error("分界值必须是数字", f"{where}[{i}]")
        is_last = i == len(raw) - 1
        if op is None and not is_last:
            raise _cfg_error("只有最后一档可以不写分界值", f"{where}[{i}]")
        if op is not None and is_last:
            raise _cfg_error("最后一档应为兜底档（不写分界值）", f"{where}[{i}]")
        if bands and bound is not None and bands[-1].bound is not None and bound > bands[-1].bound:
            raise _cfg_error("分界值须按从高到低排列", f"{where}[{i}]")
        label = str(entry.get("label", key))
        bands.append(
            Band(
                key=key,
                label=label,
                short_label=str(entry.get("short_label", label)),
                op=op,
                bound=float(bound) if bound is not None else None,
            )
        )
    return tuple(bands)


def _parse(raw: Any) -> GradingConfig:
    if not isinstance(raw, dict):
        raise _cfg_error("根节点应为对象", "$")
    levels_raw = raw.get("levels")
    if not isinstance(levels_raw, list) or not levels_raw:
        raise _cfg_error("缺少 levels", "levels")
    levels: list[LevelInfo] = []
    for i, lv in enumerate(levels_raw):
        try:
            levels.append(
                LevelInfo(
                    key=str(lv["key"]),
                    label=str(lv["label"]),
                    short_label=str(lv.get("short_label", lv["label"])),
                    rank=int(lv["rank"]),
                    roman=str(lv["roman"]),
                    colour=str(lv["colour"]),
                    colour_label=str(lv["colour_label"]),
                    hex=str(lv["hex"]),
                    management_tier=str(lv.get("management_tier", "")),
                    meaning=str(lv.get("meaning", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _cfg_error(f"等级定义缺少字段 {exc}", f"levels[{i}]") from None
    levels.sort(key=lambda x: x.rank)
    keys = {lv.key for lv in levels}
    if len(keys) != len(levels):
        raise _cfg_error("等级 key 重复", "levels")

    lec_raw = raw.get("lec") or {}
    ls_raw = raw.get("ls") or {}
    lec_factors, lec_labels = _parse_factors(lec_raw.get("factors"), ("l", "e", "c"), "lec.factors")
    ls_factors, ls_labels = _parse_factors(ls_raw.get("factors"), ("l", "s"), "ls.factors")
    for name, vals in ls_factors.items():
        for fv in vals:
            if fv.value != int(fv.value):
                raise _cfg_error("LS 因子取值须为整数", f"ls.factors.{name}")
    return GradingConfig(
        levels=tuple(levels),
        lec_factors=lec_factors,
        lec_factor_labels=lec_labels,
        lec_bands=_parse_bands(lec_raw.get("bands"), "lec.bands", key_field="key", level_keys=None),
        lec_levels=_parse_bands(lec_raw.get("levels"), "lec.levels", key_field="level", level_keys=keys),
        ls_factors=ls_factors,
        ls_factor_labels=ls_labels,
        ls_levels=_parse_bands(ls_raw.get("levels"), "ls.levels", key_field="level", level_keys=keys),
        boundary_convention=str(raw.get("boundary_convention", "")),
    )


def load_grading_config(path: str | Path | None = None) -> GradingConfig:
    """Load and validate a grading configuration.

    ``path=None`` loads the packaged default ``yingji/risk/config/grading.json``.
    Raises :class:`ValidationFailed` (code ``bad_config``) naming the faulty JSON path.
    """
    return _parse(read_config("yingji.risk", "grading.json", path))


@lru_cache(maxsize=1)
def default_grading_config() -> GradingConfig:
    """The packaged default configuration (parsed once, cached)."""
    return load_grading_config()


def _cfg(config: GradingConfig | None) -> GradingConfig:
    return config if config is not None else default_grading_config()


# --------------------------------------------------------------------------- scoring


def _check_factor(
    name: str, value: Any, allowed: tuple[FactorValue, ...], label: str
) -> float:
    choices = "、".join(_fmt(fv.value) for fv in allowed)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationFailed(
            f"{label}必须是数字，可选值：{choices}", field=name, code="invalid_factor"
        )
    for fv in allowed:
        if abs(float(value) - fv.value) <= 1e-6:
            return fv.value
    raise ValidationFailed(
        f"{label}取值 {_fmt(float(value))} 不在允许范围内，可选值：{choices}",
        field=name,
        code="invalid_factor",
    )


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _first(bands: tuple[Band, ...], x: float) -> Band:
    for band in bands:
        if band.matches(x):
            return band
    return bands[-1]  # unreachable: the last band is a catch-all


def lec(l: float, e: float, c: float, config: GradingConfig | None = None) -> LecResult:
    """Score one risk with LEC: ``D = L × E × C``.

    Each factor must be one of its table values (tolerance 1e-6), otherwise
    :class:`ValidationFailed` with ``field`` ``"l"``, ``"e"`` or ``"c"``.
    """
    cfg = _cfg(config)
    lv = _check_factor("l", l, cfg.lec_factors["l"], cfg.lec_factor_labels["l"])
    ev = _check_factor("e", e, cfg.lec_factors["e"], cfg.lec_factor_labels["e"])
    cv = _check_factor("c", c, cfg.lec_factors["c"], cfg.lec_factor_labels["c"])
    d = round(lv * ev * cv, 2)
    band = _first(cfg.lec_bands, d)
    level = _first(cfg.lec_levels, d).key
    return LecResult(
        l=lv, e=ev, c=cv, d=d, band=band.key, band_label=band.short_label,
        level=level, level_label=cfg.level(level).label,
    )


def ls(l: int, s: int, config: GradingConfig | None = None) -> LsResult:
    """Score one risk with the risk matrix: ``R = L × S`` (L, S integers from the table).

    Invalid factors raise :class:`ValidationFailed` with ``field`` ``"l"`` or ``"s"``.
    """
    cfg = _cfg(config)
    lv = _check_factor("l", l, cfg.ls_factors["l"], cfg.ls_factor_labels["l"])
    sv = _check_factor("s", s, cfg.ls_factors["s"], cfg.ls_factor_labels["s"])
    r = int(round(lv * sv))
    level = _first(cfg.ls_levels, r).key
    return LsResult(l=int(lv), s=int(sv), r=r, level=level, level_label=cfg.level(level).label)


def level_for_score(method: str, score: float, config: GradingConfig | None = None) -> str:
    """Level key for an already computed score (``method`` ``"lec"`` → D, ``"ls"`` → R)."""
    cfg = _cfg(config)
    if method == "lec":
        return _first(cfg.lec_levels, round(float(score), 2)).key
    if method == "ls":
        return _first(cfg.ls_levels, float(score)).key
    raise ValidationFailed(f"评估方法“{method}”无效，可选：lec、ls", field="method", code="invalid_method")


def band_for_score(d: float, config: GradingConfig | None = None) -> Band:
    """The LEC danger band (极其危险 … 稍有危险) of an already computed D."""
    return _first(_cfg(config).lec_bands, round(float(d), 2))


def level_info(level: str, config: GradingConfig | None = None) -> LevelInfo:
    """Display facts (label, colour, hex, roman, management tier, meaning) of a level key."""
    return _cfg(config).level(level)


def all_levels(config: GradingConfig | None = None) -> tuple[LevelInfo, ...]:
    """All levels, highest first (for legends and filters)."""
    return _cfg(config).levels


def unit_level(levels: Iterable[str | None], config: GradingConfig | None = None) -> str | None:
    """A unit's level is the highest level among its risk sources.

    ``None`` entries (sources not yet assessed) are ignored; returns ``None`` when no
    source has a level. Unknown keys raise :class:`ValidationFailed` (field ``levels``).
    """
    cfg = _cfg(config)
    rank = {lv.key: lv.rank for lv in cfg.levels}
    best: str | None = None
    for key in levels:
        if key is None:
            continue
        if key not in rank:
            raise ValidationFailed(
                f"风险等级“{key}”不存在，可选：{'、'.join(rank)}", field="levels", code="unknown_level"
            )
        if best is None or rank[key] < rank[best]:
            best = key
    return best
