"""Code tables of the plans domain: plan kinds and levels, incident types, grades and response
levels, states, task states, unit types. Pure (no ORM, no web framework)."""

from __future__ import annotations

KINDS = {"general": "总体应急预案", "special": "专项应急预案", "department": "部门应急预案"}
KIND_SHORT = {"general": "总体", "special": "专项", "department": "部门"}
LEVELS = {"city": "市级", "county": "县级", "unit": "单位"}
STATES = {"draft": "草稿", "approved": "已审批", "filed": "已备案", "revised": "修订中"}
TASK_STATES = {"todo": "待办", "doing": "进行中", "done": "完成"}
ACTIVATION_STATES = {"active": "响应中", "closed": "已结束"}
DRILL_KINDS = {"tabletop": "桌面推演", "functional": "功能演练", "full_scale": "实战演练"}

# "*" in a trigger: any incident type (a general plan answers every major incident)
ANY_TYPE = "*"
INCIDENT_TYPES = {
    "typhoon": "台风", "flood": "洪涝灾害", "rainstorm": "暴雨内涝", "geological": "地质灾害",
    "earthquake": "地震", "forest_fire": "森林火灾", "fire": "火灾", "fire_highrise": "高层建筑火灾",
    "hazchem": "危险化学品事故", "mine": "矿山事故", "traffic": "道路交通事故", "water_rescue": "水上救援",
    "elevator": "电梯困人", "gas": "燃气事故", "public_health": "公共卫生事件", ANY_TYPE: "各类突发事件",
}
# incident grades (事件等级) and response levels (响应级别): Ⅰ (most severe) … Ⅳ
ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ"}
GRADE_NAMES = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}
RESPONSE_LEVELS = {1: "Ⅰ级响应", 2: "Ⅱ级响应", 3: "Ⅲ级响应", 4: "Ⅳ级响应"}

UNIT_TYPES = {
    "fire_engine": "水罐消防车", "foam_engine": "泡沫消防车", "aerial_ladder": "登高平台消防车",
    "rescue_vehicle": "抢险救援车", "hazmat_team": "危化品救援队", "hazmat_vehicle": "化学洗消车",
    "water_team": "水域救援队", "mountain_team": "山岳救援队", "highrise_team": "高层救援队",
    "medical_team": "医疗救护队", "ambulance": "救护车", "police": "公安警力", "drainage_vehicle": "排涝车",
    "power_team": "电力抢修队", "expert": "专家", "social_team": "社会救援力量", "militia": "民兵应急分队",
    "pla": "部队支援力量", "supplies": "应急物资",
}

_GRADE_WORDS = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5,
                "特别重大": 1, "重大": 2, "较大": 3, "一般": 4, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                # colours (预警/火警): 红 Ⅰ, 橙 Ⅱ, 黄 Ⅲ, 蓝 Ⅳ; 绿 (the lowest fire alarm) as Ⅳ
                "红": 1, "橙": 2, "黄": 3, "蓝": 4, "绿": 4, "红色": 1, "橙色": 2, "黄色": 3, "蓝色": 4, "绿色": 4}

# fire-alarm grades (《火警和应急救援分级规定》: 1 lowest 绿 … 5 highest 红) → incident grade (1 = Ⅰ most severe)
FIRE_ALARM_TO_GRADE = {5: 1, 4: 2, 3: 3, 2: 4, 1: 4}


def grade_from_fire_alarm(alarm: int) -> int:
    """The incident grade a fire-alarm grade stands for when matching plans (5 红 → Ⅰ … 1 绿 → Ⅳ)."""
    if alarm not in FIRE_ALARM_TO_GRADE:
        raise ValueError(f"火警等级须为 1–5：{alarm}")
    return FIRE_ALARM_TO_GRADE[alarm]


def parse_grade(value: int | str) -> int:
    """1…5 from 1, "2", "Ⅲ", "IV", "Ⅱ级", "重大", "三级"; ValueError with a Chinese message otherwise."""
    if isinstance(value, bool):
        raise ValueError("等级须为 1–5 或 Ⅰ–Ⅴ")  # noqa: TRY004 (a 422 message, not a type error)
    if isinstance(value, int):
        grade = value
    else:
        text = str(value).strip().upper().replace("级", "").replace("响应", "").replace("事件", "")
        if text.isdigit():
            grade = int(text)
        elif text in _GRADE_WORDS:
            grade = _GRADE_WORDS[text]
        else:
            raise ValueError(f"无法识别的等级“{value}”（可填 1–5、Ⅰ–Ⅴ 或 特别重大/重大/较大/一般）")
    if not 1 <= grade <= 5:
        raise ValueError(f"等级须在 1–5（Ⅰ–Ⅴ）之间：{value}")
    return grade


def grade_label(grade: int) -> str:
    return f"{ROMAN.get(grade, grade)}级"


def incident_type_key(value: str) -> str:
    """The type key from a key or its Chinese label ("台风" → typhoon); ValueError if unknown."""
    text = str(value).strip()
    if text in INCIDENT_TYPES:
        return text
    for key, label in INCIDENT_TYPES.items():
        if text == label:
            return key
    raise ValueError(f"未知的事件类型“{value}”")


def key_of(table: dict[str, str], value: str, what: str) -> str:
    text = str(value).strip()
    if text in table:
        return text
    for key, label in table.items():
        if text in (label, KIND_SHORT.get(key)) or (label.endswith(text) and len(text) >= 2):
            return key
    raise ValueError(f"未知的{what}“{value}”（可填：{'、'.join(table.values())}）")
