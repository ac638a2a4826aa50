"""Synthetic units (生产经营单位) for the Fuzhou demo — reproducible, labelled 合成.

``generate_units(townships, seed=..., n_units=...)`` places ~3,000 units across the 42 subclasses'
industries inside their township polygons, with a synthetic 统一社会信用代码-like code (contains
``SYN``, which no real code can contain), synthetic responsible persons and clearly fake phones
``1380000xxxx``. A pure function of its arguments (numpy ``Generator(PCG64(seed))`` only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from yingji.core.errors import ValidationFailed
from yingji.core.synthetic import (
    geo_point,
    person,
    pick,
    points_in,
    short_town,
    township_geometries,
    weighted,
)
from yingji.units.catalog import default_industries

__all__ = ["generate_units"]

# demo-only shaping constants, not business rules
_INDUSTRY_WEIGHTS = {
    "crowded_places": 22, "industry_trade": 20, "construction": 8, "school": 8, "hazchem": 6,
    "special_equipment": 6, "transport": 4, "municipal": 4, "geology": 4, "medical": 3,
    "elderly_care": 3, "water": 3, "gas": 2, "fireworks": 2, "forestry": 2, "port": 1,
    "mining": 1, "metallurgy": 1,
}
_RURAL = {"geology", "forestry", "water", "mining"}  # placed preferably in large townships
_WORDS = list("榕闽鼓乌屏旗金仓马晋江洪福华鑫恒永兴瑞海东南中宏盛达源泰安和丰顺嘉祥信德隆新昌博航远润辉融创宇正通")
_WORD2 = ["榕城", "闽江", "鼓山", "乌山", "屏山", "旗山", "金山", "仓山", "马尾", "晋安", "琅岐", "南屿",
          "海峡", "东南", "华祥", "鑫源", "恒达", "宏发", "永盛", "兴业", "瑞丰", "福兴", "中闽", "嘉和",
          "信德", "隆昌", "新港", "博远", "润丰", "辉煌", "融信", "创新", "宇通", "正兴", "通达", "泰和",
          "安泰", "顺发", "海西", "三山", "青口", "闽侯", "长乐", "连江", "罗源", "闽清", "永泰", "福清",
          "洪塘", "上街", "荆溪", "宦溪", "亭江", "琯头", "江田", "城门", "盖山", "建新", "螺洲", "义序"]
_VILLAGES = ["前洋", "后坪", "溪头", "岭下", "坂中", "洋里", "山兜", "湖头", "塘边", "新厝", "林坑",
             "上洋", "下岐", "东岭", "西坑", "南山", "北岭", "石门", "竹岐", "桥头"]
_NAME_TEMPLATES = {
    "hazchem": ["{c}{w}化工有限公司", "福建{w}石化储运有限公司", "{c}{t}{w}加油站", "{c}{w}工业气体有限公司",
                "{c}{w}危险品仓储有限公司"],
    "mining": ["{c}{w}石材矿业有限公司", "{t}{w}采石场", "福建{w}矿业有限公司"],
    "fireworks": ["{c}{w}烟花爆竹批发有限公司", "{t}{w}烟花爆竹零售点"],
    "metallurgy": ["{c}{w}钢铁有限公司", "福建{w}铝业有限公司", "{c}{w}铸造有限公司"],
    "industry_trade": ["{c}{w}机械制造有限公司", "福建{w}纺织有限公司", "{c}{w}食品冷冻有限公司",
                       "{c}{w}木业有限公司", "{c}{w}鞋业有限公司", "{c}{w}建材有限公司"],
    "construction": ["{c}{t}{w}项目施工工地", "福建{w}建设工程有限公司{t}项目部"],
    "transport": ["{c}{w}运输有限公司", "{c}{w}危险货物运输有限公司", "{c}{t}汽车站", "{c}{w}公交场站"],
    "port": ["{c}港{w}码头有限公司", "{t}{w}客渡码头"],
    "gas": ["{c}{w}燃气有限公司{t}分公司", "{t}{w}液化石油气储配站"],
    "municipal": ["{c}{t}污水处理厂", "{c}{w}水务有限公司{t}加压泵站", "{c}{t}排水管理所", "{t}{w}桥隧管理站"],
    "crowded_places": ["{w}商场", "{w}购物广场", "{c}{w}大酒店", "{w}宾馆", "{w}KTV", "{w}影城",
                       "{w}餐厅", "{t}{w}景区"],
    "school": ["{c}{t}中心小学", "{c}{w}小学", "{c}{w}中学", "{t}{w}幼儿园"],
    "medical": ["{c}{t}社区卫生服务中心", "{c}{w}医院", "{t}卫生院"],
    "elderly_care": ["{c}{t}敬老院", "{w}养老服务中心"],
    "special_equipment": ["{c}{w}物业服务有限公司", "{w}小区物业服务中心", "{c}{w}游乐有限公司"],
    "water": ["{t}{w}水库管理所", "{t}水利工作站", "{c}{w}海堤管理站"],
    "geology": ["{t}{v}村民委员会"],
    "forestry": ["{t}{w}林场", "{t}林业工作站"],
}
_SCALES = (("大型", 0.05), ("中型", 0.15), ("小型", 0.45), ("微型", 0.35))
_STANDARDISATION = (("一级", 0.02), ("二级", 0.10), ("三级", 0.45), ("未达标", 0.43))



def generate_units(townships: Sequence[Mapping[str, Any]], *, seed: int = 20261128, n_units: int = 3000,
                   industries_needed: Sequence[str] | None = None, city: str = "福州") -> list[dict[str, Any]]:
    """Units as plain dicts (``index``, ``code`` = credit code, ``industry``, ``township_code``, ``location``…).

    ``industries_needed`` (default: every configured industry) each get at least one unit, so that
    every risk subclass can find an owner. ``city`` is the short city name used in made-up unit names.
    """
    industries = {i.code: i for i in default_industries()}
    needed = sorted(industries_needed if industries_needed is not None else industries)
    if n_units < len(needed):
        raise ValidationFailed(f"单位数量至少为 {len(needed)}（每个行业至少一个单位）", field="n_units",
                               code="too_small")
    towns = township_geometries(townships)
    rng = np.random.default_rng(seed)
    units: list[dict[str, Any]] = []
    _make_units(units, rng, towns, industries, needed, n_units, city)
    return units


def _make_units(out: list[dict[str, Any]], rng: np.random.Generator, towns: list[tuple[dict[str, Any], Any]],
                industries: Mapping[str, Any], needed: list[str], n_units: int, city: str) -> None:
    weights = [(code, float(_INDUSTRY_WEIGHTS.get(code, 1))) for code in needed]
    unit_inds = list(needed) + [weighted(rng, weights) for _ in range(n_units - len(needed))]
    rng.shuffle(unit_inds)

    areas = np.array([g.area for _, g in towns])
    p_area = areas / areas.sum()
    p_flat = np.full(len(towns), 1.0 / len(towns))
    town_idx = [int(rng.choice(len(towns), p=p_area if ind in _RURAL else p_flat)) for ind in unit_inds]

    # sample all points of a township at once
    locs: dict[int, np.ndarray] = {}
    for ti in sorted(set(town_idx)):
        locs[ti] = points_in(rng, towns[ti][1], town_idx.count(ti))
    cursor = dict.fromkeys(locs, 0)

    seen_names: set[str] = set()
    for i, (ind, ti) in enumerate(zip(unit_inds, town_idx)):
        town = towns[ti][0]
        tshort = short_town(str(town["name"]))
        name = ""
        for attempt in range(10):
            tpl = pick(rng, _NAME_TEMPLATES.get(ind, ["{c}{w}有限公司"]))
            w = pick(rng, _WORD2) if rng.random() < 0.7 else pick(rng, _WORD2)[0] + pick(rng, _WORDS)
            name = tpl.format(c=city, w=w, t=tshort, v=pick(rng, _VILLAGES))
            if name not in seen_names:
                break
        else:
            name = f"{name}（{i + 1}）"
        seen_names.add(name)
        enterprise = bool(industries[ind].enterprise)
        x, y = locs[ti][cursor[ti]]
        cursor[ti] += 1
        boss, boss_phone = person(rng)
        safety, safety_phone = person(rng)
        county = str(town["county_code"])[:6].ljust(6, "0")
        out.append({
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
            "location": geo_point(x, y),
            "scale": weighted(rng, _SCALES) if enterprise else None,
            "standardisation_level": weighted(rng, _STANDARDISATION) if enterprise else None,
            "responsible_persons": [
                {"role": "主要负责人", "name": boss, "phone": boss_phone, "synthetic": True},
                {"role": "安全管理负责人", "name": safety, "phone": safety_phone, "synthetic": True},
            ],
            "risk_level": None,
            "source_count": 0,
            "synthetic": True,
        })


