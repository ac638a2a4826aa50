"""Deterministic synthetic demo data for the supervision domain (监督管理演示数据).

``generate(townships, now=...)`` builds, at the Fuzhou plan's scale, plain-dict records:

* ~3,000 units (生产经营单位/学校/医院/…) placed inside their township polygon, with a
  synthetic 统一社会信用代码-like code (contains ``SYN``, which no real code can contain),
  synthetic responsible persons and clearly fake phones ``1380000xxxx``;
* exactly ``n_sources`` (default 8,860) risk sources covering all 42 subclasses of the
  taxonomy, each scored with :func:`yingji.risk.grading.lec` or :func:`~yingji.risk.grading.ls`
  (factors drawn so that few are red, more orange, many yellow/blue);
* ~3,000 hidden hazards in every lifecycle state, built by replaying
  :func:`yingji.hazards.lifecycle.next_state` (so every record is a legal history; major
  hazards carry a 五到位 plan from rectification on) and escalated with
  :func:`yingji.hazards.escalation.evaluate` at ``now`` (some are overdue and listed).

Every record carries ``synthetic: True``. Datetimes are timezone-aware UTC. The output is a
pure function of (townships, now, seed, sizes): numpy ``Generator(PCG64(seed))`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from yingji.core.errors import ValidationFailed
from yingji.hazards.catalog import default_tier_config, load_checklists
from yingji.hazards.escalation import HazardFacts, evaluate
from yingji.hazards.lifecycle import STATE_LABELS, STATES, next_state
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.grading import LEVEL_KEYS, default_grading_config, lec, level_info, ls, unit_level

__all__ = ["DemoDataset", "generate"]


@dataclass(slots=True)
class DemoDataset:
    units: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    hazards: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0
    now: datetime | None = None


# ----------------------------------------------------------------------------- demo tables
# (demo-only shaping constants, not business rules)

_INDUSTRY_WEIGHTS = {
    "crowded_places": 22, "industry_trade": 20, "construction": 8, "school": 8, "hazchem": 6,
    "special_equipment": 6, "transport": 4, "municipal": 4, "geology": 4, "medical": 3,
    "elderly_care": 3, "water": 3, "gas": 2, "fireworks": 2, "forestry": 2, "port": 1,
    "mining": 1, "metallurgy": 1,
}
_RURAL = {"geology", "forestry", "water", "mining"}  # placed preferably in large townships
_EXTRA_SOURCES = {"hazchem": 3.0, "metallurgy": 3.0, "mining": 2.0, "port": 2.0, "gas": 2.0,
                  "construction": 1.5, "industry_trade": 1.2}

# level mix per taxonomy class: (major, significant, general, low)
_LEVEL_MIX = {"A": (0.05, 0.17, 0.38, 0.40), "B": (0.02, 0.10, 0.35, 0.53), "C": (0.03, 0.12, 0.35, 0.50)}

_STATE_MIX = {"reported": 0.08, "confirmed": 0.07, "rectifying": 0.25, "submitted": 0.10,
              "accepted": 0.10, "closed": 0.40}
_ACTION_PATH = {
    "reported": [],
    "confirmed": ["confirm"],
    "rectifying": ["confirm", "start_rectification"],
    "submitted": ["confirm", "start_rectification", "submit_acceptance"],
    "accepted": ["confirm", "start_rectification", "submit_acceptance", "accept"],
    "closed": ["confirm", "start_rectification", "submit_acceptance", "accept", "close"],
}
_REJECT_LOOP = ["submit_acceptance", "reject"]

_WORDS = list("榕闽鼓乌屏旗金仓马晋江洪福华鑫恒永兴瑞海东南中宏盛达源泰安和丰顺嘉祥信德隆新昌博航远润辉融创宇正通")
_WORD2 = ["榕城", "闽江", "鼓山", "乌山", "屏山", "旗山", "金山", "仓山", "马尾", "晋安", "琅岐", "南屿",
          "海峡", "东南", "华祥", "鑫源", "恒达", "宏发", "永盛", "兴业", "瑞丰", "福兴", "中闽", "嘉和",
          "信德", "隆昌", "新港", "博远", "润丰", "辉煌", "融信", "创新", "宇通", "正兴", "通达", "泰和",
          "安泰", "顺发", "海西", "三山", "青口", "闽侯", "长乐", "连江", "罗源", "闽清", "永泰", "福清",
          "洪塘", "上街", "荆溪", "宦溪", "亭江", "琯头", "江田", "城门", "盖山", "建新", "螺洲", "义序"]
_VILLAGES = ["前洋", "后坪", "溪头", "岭下", "坂中", "洋里", "山兜", "湖头", "塘边", "新厝", "林坑",
             "上洋", "下岐", "东岭", "西坑", "南山", "北岭", "石门", "竹岐", "桥头"]
_SURNAMES = list("陈林黄张吴王郑李刘杨何许郭游魏叶蔡周朱翁江高徐谢余施方潘邱范庄卓詹严")
_GIVEN = list("建国明华志强伟芳敏静丽军勇杰涛斌鹏辉玲燕霞红平丹云峰海波斌鑫宇晨欣怡婷琳锋磊超浩翔")

_NAME_TEMPLATES = {
    "hazchem": ["福州{w}化工有限公司", "福建{w}石化储运有限公司", "福州{t}{w}加油站", "福州{w}工业气体有限公司",
                "福州{w}危险品仓储有限公司"],
    "mining": ["福州{w}石材矿业有限公司", "{t}{w}采石场", "福建{w}矿业有限公司"],
    "fireworks": ["福州{w}烟花爆竹批发有限公司", "{t}{w}烟花爆竹零售点"],
    "metallurgy": ["福州{w}钢铁有限公司", "福建{w}铝业有限公司", "福州{w}铸造有限公司"],
    "industry_trade": ["福州{w}机械制造有限公司", "福建{w}纺织有限公司", "福州{w}食品冷冻有限公司",
                       "福州{w}木业有限公司", "福州{w}鞋业有限公司", "福州{w}建材有限公司"],
    "construction": ["福州{t}{w}项目施工工地", "福建{w}建设工程有限公司{t}项目部"],
    "transport": ["福州{w}运输有限公司", "福州{w}危险货物运输有限公司", "福州{t}汽车站", "福州{w}公交场站"],
    "port": ["福州港{w}码头有限公司", "{t}{w}客渡码头"],
    "gas": ["福州{w}燃气有限公司{t}分公司", "{t}{w}液化石油气储配站"],
    "municipal": ["福州{t}污水处理厂", "福州{w}水务有限公司{t}加压泵站", "福州{t}排水管理所", "{t}{w}桥隧管理站"],
    "crowded_places": ["{w}商场", "{w}购物广场", "福州{w}大酒店", "{w}宾馆", "{w}KTV", "{w}影城",
                       "{w}餐厅", "{t}{w}景区"],
    "school": ["福州{t}中心小学", "福州{w}小学", "福州{w}中学", "{t}{w}幼儿园"],
    "medical": ["福州{t}社区卫生服务中心", "福州{w}医院", "{t}卫生院"],
    "elderly_care": ["福州{t}敬老院", "{w}养老服务中心"],
    "special_equipment": ["福州{w}物业服务有限公司", "{w}小区物业服务中心", "福州{w}游乐有限公司"],
    "water": ["{t}{w}水库管理所", "{t}水利工作站", "福州{w}海堤管理站"],
    "geology": ["{t}{v}村民委员会"],
    "forestry": ["{t}{w}林场", "{t}林业工作站"],
}
_SCALES = (("大型", 0.05), ("中型", 0.15), ("小型", 0.45), ("微型", 0.35))
_STANDARDISATION = (("一级", 0.02), ("二级", 0.10), ("三级", 0.45), ("未达标", 0.43))


# ----------------------------------------------------------------------------- helpers


def _pick(rng: np.random.Generator, seq: Sequence[Any]) -> Any:
    return seq[int(rng.integers(len(seq)))]


def _weighted(rng: np.random.Generator, pairs: Sequence[tuple[Any, float]]) -> Any:
    p = np.array([w for _, w in pairs], dtype=float)
    return pairs[int(rng.choice(len(pairs), p=p / p.sum()))][0]


def _short(name: str) -> str:
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _person(rng: np.random.Generator) -> tuple[str, str]:
    given = "".join(_pick(rng, _GIVEN) for _ in range(int(rng.integers(1, 3))))
    return _pick(rng, _SURNAMES) + given, f"1380000{int(rng.integers(0, 10000)):04d}"


def _points_in(rng: np.random.Generator, geom: Any, k: int) -> np.ndarray:
    """``k`` uniform random points inside ``geom`` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = geom.bounds
    fill = max(geom.area / max((maxx - minx) * (maxy - miny), 1e-18), 0.01)
    out: list[np.ndarray] = []
    have = 0
    for _ in range(200):
        m = int(math.ceil((k - have) / fill * 1.3)) + 8
        xs = rng.uniform(minx, maxx, m)
        ys = rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(geom, xs, ys)
        pts = np.column_stack([xs[ok], ys[ok]])
        out.append(pts)
        have += len(pts)
        if have >= k:
            break
    else:  # pragma: no cover - degenerate sliver geometry
        rp = geom.representative_point()
        out.append(np.tile([rp.x, rp.y], (k, 1)))
    return np.concatenate(out)[:k]


def _point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}


def _validate_townships(townships: Sequence[Mapping[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    if not townships:
        raise ValidationFailed("至少需要一个乡镇（街道）", field="townships", code="empty")
    out = []
    for i, t in enumerate(townships):
        for key in ("code", "name", "county_code", "geometry"):
            if not t.get(key):
                raise ValidationFailed(f"第 {i + 1} 个乡镇缺少字段 {key}", field=f"townships[{i}].{key}",
                                       code="missing_field")
        geom_raw = t["geometry"]
        if not isinstance(geom_raw, Mapping) or geom_raw.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValidationFailed(f"乡镇“{t['name']}”的边界必须是 GeoJSON Polygon 或 MultiPolygon",
                                   field=f"townships[{i}].geometry", code="invalid_geometry")
        try:
            geom = shape(geom_raw)
        except Exception:  # noqa: BLE001 - any shapely parse error is bad input
            raise ValidationFailed(f"乡镇“{t['name']}”的边界无法解析", field=f"townships[{i}].geometry",
                                   code="invalid_geometry") from None
        if geom.is_empty or geom.area <= 0:
            raise ValidationFailed(f"乡镇“{t['name']}”的边界面积为零", field=f"townships[{i}].geometry",
                                   code="invalid_geometry")
        shapely.prepare(geom)
        out.append((dict(t), geom))
    return out


# ----------------------------------------------------------------------------- generator


def generate(
    townships: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    seed: int = 20261128,
    n_units: int = 3000,
    n_sources: int = 8860,
    n_hazards: int = 3000,
) -> DemoDataset:
    """Build the synthetic supervision dataset (see module docstring).

    Args:
        townships: ``{code, name, county_code, geometry}`` dicts, geometry GeoJSON WGS84.
        now: aware datetime the dataset is "as of" (hazard deadlines fall either side).
        seed, n_units, n_sources, n_hazards: size and seed; the output depends on nothing else.
    """
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValidationFailed("now 必须是带时区的日期时间", field="now", code="naive_datetime")
    now = now.astimezone(timezone.utc)
    taxonomy = default_taxonomy()
    subclasses = taxonomy.subclasses
    industries = {i.code: i for i in default_industries()}
    needed = sorted({ind for s in subclasses for ind in s.industries})
    if n_units < len(needed):
        raise ValidationFailed(f"单位数量至少为 {len(needed)}（每个行业至少一个单位）", field="n_units",
                               code="too_small")
    if n_sources < len(subclasses):
        raise ValidationFailed(f"风险源数量至少为 {len(subclasses)}（覆盖全部小类）", field="n_sources",
                               code="too_small")
    if n_hazards < 0:
        raise ValidationFailed("隐患数量不能为负数", field="n_hazards", code="too_small")

    towns = _validate_townships(townships)
    rng = np.random.default_rng(seed)
    ds = DemoDataset(seed=seed, now=now)
    _make_units(ds, rng, towns, industries, needed, n_units)
    _make_sources(ds, rng, towns, taxonomy, n_sources)
    _make_hazards(ds, rng, n_hazards, now)
    return ds


def _make_units(ds: DemoDataset, rng: np.random.Generator, towns: list[tuple[dict[str, Any], Any]],
                industries: Mapping[str, Any], needed: list[str], n_units: int) -> None:
    weights = [(code, float(_INDUSTRY_WEIGHTS.get(code, 1))) for code in needed]
    unit_inds = list(needed) + [_weighted(rng, weights) for _ in range(n_units - len(needed))]
    rng.shuffle(unit_inds)

    areas = np.array([g.area for _, g in towns])
    p_area = areas / areas.sum()
    p_flat = np.full(len(towns), 1.0 / len(towns))
    town_idx = [int(rng.choice(len(towns), p=p_area if ind in _RURAL else p_flat)) for ind in unit_inds]

    # sample all points of a township at once
    locs: dict[int, np.ndarray] = {}
    for ti in sorted(set(town_idx)):
        locs[ti] = _points_in(rng, towns[ti][1], town_idx.count(ti))
    cursor = dict.fromkeys(locs, 0)

    seen_names: set[str] = set()
    for i, (ind, ti) in enumerate(zip(unit_inds, town_idx)):
        town = towns[ti][0]
        tshort = _short(str(town["name"]))
        name = ""
        for attempt in range(10):
            tpl = _pick(rng, _NAME_TEMPLATES.get(ind, ["福州{w}有限公司"]))
            w = _pick(rng, _WORD2) if rng.random() < 0.7 else _pick(rng, _WORD2)[0] + _pick(rng, _WORDS)
            name = tpl.format(w=w, t=tshort, v=_pick(rng, _VILLAGES))
            if name not in seen_names:
                break
        else:
            name = f"{name}（{i + 1}）"
        seen_names.add(name)
        enterprise = bool(industries[ind].enterprise)
        x, y = locs[ti][cursor[ti]]
        cursor[ti] += 1
        boss, boss_phone = _person(rng)
        safety, safety_phone = _person(rng)
        county = str(town["county_code"])[:6].ljust(6, "0")
        ds.units.append({
            "id": f"U{i + 1:05d}",
            "index": i,
            "name": name,
            "code": f"{'91' if enterprise else '12'}{county}SYN{i + 1:06d}0",
            "code_is_synthetic": True,
            "industry": ind,
            "industry_name": industries[ind].name,
            "regulator": industries[ind].regulator,
            "township_code": str(town["code"]),
            "township_name": str(town["name"]),
            "county_code": str(town["county_code"]),
            "location": _point(x, y),
            "scale": _weighted(rng, _SCALES) if enterprise else None,
            "standardisation_level": _weighted(rng, _STANDARDISATION) if enterprise else None,
            "responsible_persons": [
                {"role": "主要负责人", "name": boss, "phone": boss_phone, "synthetic": True},
                {"role": "安全管理负责人", "name": safety, "phone": safety_phone, "synthetic": True},
            ],
            "risk_level": None,
            "source_count": 0,
            "synthetic": True,
        })


def _level_combos() -> tuple[dict[str, list[tuple[float, ...]]], dict[str, list[tuple[int, ...]]]]:
    cfg = default_grading_config()
    lec_by: dict[str, list[tuple[float, ...]]] = {k: [] for k in LEVEL_KEYS}
    for lv in cfg.lec_factors["l"]:
        for ev in cfg.lec_factors["e"]:
            for cv in cfg.lec_factors["c"]:
                lec_by.setdefault(lec(lv.value, ev.value, cv.value).level, []).append((lv.value, ev.value, cv.value))
    ls_by: dict[str, list[tuple[int, ...]]] = {k: [] for k in LEVEL_KEYS}
    for lv in cfg.ls_factors["l"]:
        for sv in cfg.ls_factors["s"]:
            ls_by.setdefault(ls(int(lv.value), int(sv.value)).level, []).append((int(lv.value), int(sv.value)))
    return lec_by, ls_by


def _make_sources(ds: DemoDataset, rng: np.random.Generator, towns: list[tuple[dict[str, Any], Any]],
                  taxonomy: Any, n_sources: int) -> None:
    subclasses = list(taxonomy.subclasses)
    class_names = {c.code: c.name for c in taxonomy.classes}
    by_industry: dict[str, list[Any]] = {}
    for s in subclasses:
        for ind in s.industries:
            by_industry.setdefault(ind, []).append(s)
    units_by_ind: dict[str, list[int]] = {}
    for u in ds.units:
        units_by_ind.setdefault(u["industry"], []).append(u["index"])

    owners: list[tuple[int, Any]] = []  # (unit index, subclass)
    has_source: set[int] = set()
    # 1. every subclass at least once
    for s in subclasses:
        cands = [i for ind in s.industries for i in units_by_ind.get(ind, []) if i not in has_source]
        if not cands:
            cands = [i for ind in s.industries for i in units_by_ind.get(ind, [])]
        ui = int(cands[int(rng.integers(len(cands)))])
        owners.append((ui, s))
        has_source.add(ui)
    # 2. every other unit gets one source while the budget lasts
    rest = [u["index"] for u in ds.units if u["index"] not in has_source]
    rng.shuffle(rest)
    for ui in rest[: max(n_sources - len(owners), 0)]:
        owners.append((int(ui), _pick(rng, by_industry[ds.units[ui]["industry"]])))
    # 3. the remainder weighted towards high-hazard industries
    remaining = n_sources - len(owners)
    if remaining > 0:
        w = np.array([_EXTRA_SOURCES.get(u["industry"], 1.0) for u in ds.units])
        for ui in rng.choice(len(ds.units), size=remaining, p=w / w.sum()):
            owners.append((int(ui), _pick(rng, by_industry[ds.units[int(ui)]["industry"]])))

    lec_by, ls_by = _level_combos()
    town_geom = {str(t["code"]): g for t, g in towns}
    # locations near the owner, kept inside the owner's township
    base = np.array([ds.units[ui]["location"]["coordinates"] for ui, _ in owners])
    cand = base + rng.normal(0.0, 0.002, size=base.shape)
    inside = np.zeros(len(owners), dtype=bool)
    codes = np.array([ds.units[ui]["township_code"] for ui, _ in owners])
    for code, geom in town_geom.items():
        mask = codes == code
        if mask.any():
            inside[mask] = shapely.contains_xy(geom, cand[mask, 0], cand[mask, 1])
    coords = np.where(inside[:, None], cand, base)

    for j, (ui, sub) in enumerate(owners):
        unit = ds.units[ui]
        level_target = _weighted(rng, list(zip(LEVEL_KEYS, _LEVEL_MIX[sub.class_code])))
        if sub.method == "lec":
            combos = lec_by[level_target] or [c for v in lec_by.values() for c in v]
            lv, ev, cv = combos[int(rng.integers(len(combos)))]
            res = lec(lv, ev, cv)
            factors: dict[str, float] = {"l": lv, "e": ev, "c": cv}
            score, band, band_label, level = res.d, res.band, res.band_label, res.level
        else:
            combos2 = ls_by[level_target] or [c for v in ls_by.values() for c in v]
            lv2, sv2 = combos2[int(rng.integers(len(combos2)))]
            res2 = ls(lv2, sv2)
            factors = {"l": lv2, "s": sv2}
            score, band, band_label, level = res2.r, None, None, res2.level
        info = level_info(level)
        ds.sources.append({
            "id": f"S{j + 1:05d}",
            "index": j,
            "code": f"FX-{sub.code}-{j + 1:05d}",
            "name": f"{unit['name']}{_pick(rng, sub.typical_sources) if sub.typical_sources else sub.name}",
            "class_code": sub.class_code,
            "class_name": class_names[sub.class_code],
            "subclass_code": sub.code,
            "subclass_name": sub.name,
            "industry": unit["industry"],
            "unit_index": ui,
            "unit_id": unit["id"],
            "township_code": unit["township_code"],
            "county_code": unit["county_code"],
            "location": _point(*coords[j]),
            "method": sub.method,
            "factors": factors,
            "score": score,
            "band": band,
            "band_label": band_label,
            "level": level,
            "level_label": info.label,
            "colour": info.colour,
            "synthetic": True,
        })
    levels_by_unit: dict[int, list[str]] = {}
    for s in ds.sources:
        levels_by_unit.setdefault(s["unit_index"], []).append(s["level"])
    for u in ds.units:
        lv_list = levels_by_unit.get(u["index"], [])
        u["risk_level"] = unit_level(lv_list)
        u["source_count"] = len(lv_list)


def _make_hazards(ds: DemoDataset, rng: np.random.Generator, n_hazards: int, now: datetime) -> None:
    if n_hazards == 0:
        return
    tiers = default_tier_config()
    checklists = load_checklists()
    requires_plan = {t.key: t.requires_plan for t in tiers.tiers}
    tier_label = {t.key: t.label for t in tiers.tiers}
    sources_by_unit: dict[int, list[int]] = {}
    for s in ds.sources:
        sources_by_unit.setdefault(s["unit_index"], []).append(s["index"])

    w = np.array([1.0 + len(sources_by_unit.get(u["index"], [])) for u in ds.units])
    owner_idx = rng.choice(len(ds.units), size=n_hazards, p=w / w.sum())
    state_keys = list(_STATE_MIX)
    states = list(rng.choice(len(state_keys), size=n_hazards, p=np.array(list(_STATE_MIX.values()))))
    state_list = [state_keys[int(k)] for k in states]
    for k, st in enumerate(STATES[: min(len(STATES), n_hazards)]):  # every state present
        state_list[k] = st
    year = now.astimezone(timezone(timedelta(hours=8))).year
    day = timedelta(days=1)

    for k in range(n_hazards):
        ui = int(owner_idx[k])
        unit = ds.units[ui]
        state = state_list[k]
        tier = "major" if rng.random() < 0.05 and "major" in requires_plan else "general"
        items = checklists.get(unit["industry"], ())
        pool = [it for it in items if it.suggested_tier == tier] or list(items)
        item = pool[int(rng.integers(len(pool)))] if pool else None

        open_state = state in ("reported", "confirmed", "rectifying", "submitted")
        if state == "reported":
            discovered = now - day * float(rng.uniform(0.1, 10))
        elif open_state:
            discovered = now - day * float(rng.uniform(5, 150) if tier == "major" else rng.uniform(1, 45))
        else:
            discovered = now - day * float(rng.uniform(30, 365))
        discovered = discovered.replace(microsecond=0)

        path = list(_ACTION_PATH[state])
        rejects = 0
        if state in ("rectifying", "submitted", "accepted", "closed") and rng.random() < 0.15:
            at = 2  # after confirm, start_rectification
            path[at:at] = _REJECT_LOOP
            rejects = 1
        end = now - day * float(rng.uniform(0.05, 1.0)) if open_state else min(
            discovered + day * float(rng.uniform(10, 120)), now - day)
        if end <= discovered:
            end = discovered + (now - discovered) / 2
        times = sorted(float(x) for x in rng.uniform(0.0, 1.0, size=len(path)))
        stamps = [(discovered + (end - discovered) * t).replace(microsecond=0) for t in times]

        confirmed_at = stamps[0] if path else None
        deadline = None
        if confirmed_at is not None:
            span = rng.uniform(30, 120) if tier == "major" else rng.uniform(7, 30)
            deadline = (confirmed_at + day * float(span)).replace(minute=0, second=0, microsecond=0)

        plan = None
        if tier == "major" and deadline is not None:
            person, phone = _person(rng)
            plan = {
                "goal": "消除重大事故隐患，恢复安全生产条件",
                "measures": f"针对“{item.text if item else '重大事故隐患'}”制定专项整改方案，整改期间局部停产并落实现场监护",
                "funds": round(float(rng.uniform(5, 200)), 1),
                "funds_unit": "万元",
                "materials": "整改所需设备、材料已落实",
                "deadline": deadline.isoformat(),
                "responsible_person": person,
                "responsible_phone": phone,
                "contingency_plan": "已编制整改期间专项应急预案并组织演练",
                "safety_measures": "设置警戒区域，专人值守，加强监测",
                "synthetic": True,
            }
            if state == "confirmed" and rng.random() < 0.5:
                plan = {k2: v for k2, v in plan.items() if k2 not in ("funds", "contingency_plan")}

        current = "reported"
        history: list[dict[str, Any]] = [{"action": "report", "from": None, "to": "reported",
                                          "at": discovered, "reason": None}]
        for action, at_time in zip(path, stamps):
            reason = "整改措施未落实到位，现场复查不合格" if action == "reject" else None
            nxt = next_state(current, action, tier_requires_plan=requires_plan[tier], plan=plan, reason=reason)
            history.append({"action": action, "from": current, "to": nxt, "at": at_time, "reason": reason})
            current = nxt
        assert current == state

        facts = HazardFacts(state=state, tier=tier, deadline=deadline)
        applied: list[str] = []
        overdue = False
        supervision = None
        for step in evaluate(facts, now):
            applied.append(step.key)
            if step.kind == "mark_overdue":
                overdue = True
            elif step.kind == "list_county":
                supervision = "county"
            elif step.kind == "list_city":
                supervision = "city"
        overdue_days = int((now - deadline) // day) if overdue and deadline is not None else None

        src_list = sources_by_unit.get(ui, [])
        source_index = int(src_list[int(rng.integers(len(src_list)))]) if src_list and rng.random() < 0.7 else None
        ds.hazards.append({
            "id": f"H{k + 1:05d}",
            "index": k,
            "code": f"YH{year}{k + 1:05d}",
            "unit_index": ui,
            "unit_id": unit["id"],
            "source_index": source_index,
            "source_id": ds.sources[source_index]["id"] if source_index is not None else None,
            "industry": unit["industry"],
            "checklist_item_code": item.code if item else None,
            "description": f"{unit['name']}：{item.text}" if item else f"{unit['name']}：存在安全隐患",
            "tier": tier,
            "tier_label": tier_label[tier],
            "state": state,
            "state_label": STATE_LABELS[state],
            "discovered_at": discovered,
            "confirmed_at": confirmed_at,
            "deadline": deadline,
            "closed_at": history[-1]["at"] if state == "closed" else None,
            "plan": plan,
            "history": history,
            "reject_count": rejects,
            "overdue": overdue,
            "overdue_days": overdue_days,
            "supervision_level": supervision,
            "applied_steps": applied,
            "township_code": unit["township_code"],
            "county_code": unit["county_code"],
            "location": unit["location"],
            "synthetic": True,
        })
