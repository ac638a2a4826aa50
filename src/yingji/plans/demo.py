"""The demo plans (合成, labelled synthetic): Fuzhou's general plan and three special plans — typhoon,
hazardous chemicals, high-rise fire — with realistic structure, and one evaluated drill. Pure data:
names of bodies are generic (市应急管理局, 市消防救援支队 …); numbers are plausible, not official."""

from __future__ import annotations

from typing import Any


def _role(name: str, group: str, owner: str, *tasks: tuple[str, int, list[int]]) -> dict[str, Any]:
    return {"name": name, "group": group, "owner": owner,
            "tasks": [{"title": t, "deadline_minutes": m, "levels": lv} for t, m, lv in tasks]}


def _res(unit_type: str, count: int, note: str = "", levels: list[int] | None = None) -> dict[str, Any]:
    return {"unit_type": unit_type, "count": count, "note": note, "levels": levels or []}


def _levels(*rows: tuple[int, str, str]) -> list[dict[str, Any]]:
    names = {1: "Ⅰ级响应", 2: "Ⅱ级响应", 3: "Ⅲ级响应", 4: "Ⅳ级响应"}
    return [{"level": lv, "name": names[lv], "criteria": c, "commander": cmd} for lv, c, cmd in rows]


GENERAL = {
    "title": "福州市突发事件总体应急预案（演示）", "kind": "general", "level": "city", "division": "350100",
    "department": "福州市应急管理局", "state": "filed", "filing_no": "榕应急备〔2026〕1号",
    "content": {
        "summary": "（合成演示数据）本市应对各类突发事件的总纲：组织体系、运行机制、应急保障。特别重大、重大突发事件由市应急委统一领导。",
        "triggers": [{"incident_type": "*", "grades": [1], "response_level": 1, "condition": "特别重大突发事件"},
                     {"incident_type": "*", "grades": [2], "response_level": 2, "condition": "重大突发事件"}],
        "response_levels": _levels((1, "特别重大突发事件，或超出本市处置能力", "市长"),
                                   (2, "重大突发事件", "常务副市长")),
        "command": {"headquarters": "福州市突发事件应急委员会", "commander": "市长", "groups": [
            {"name": "综合协调组", "lead": "市应急管理局", "members": "市委办、市政府办"},
            {"name": "抢险救援组", "lead": "市消防救援支队", "members": "市公安局、驻榕部队、社会救援力量"},
            {"name": "医疗救治组", "lead": "市卫健委", "members": "各医疗机构"},
            {"name": "新闻宣传组", "lead": "市委宣传部", "members": "市网信办"}]},
        "roles": [
            _role("值班调度", "综合协调组", "市应急管理局", ("向市委市政府主要领导报告", 30, []),
                  ("向省应急管理厅报送快报", 60, []), ("每 4 小时续报", 240, [])),
            _role("现场指挥部", "抢险救援组", "市消防救援支队", ("设立现场指挥部，划定警戒区", 60, []),
                  ("调集专业救援力量", 30, [])),
            _role("医疗救治", "医疗救治组", "市卫健委", ("开设伤员救治绿色通道", 60, [])),
            _role("信息发布", "新闻宣传组", "市委宣传部", ("发布首条权威信息", 300, []))],
        "resources": [_res("rescue_vehicle", 6, "各区县抢险救援车"), _res("medical_team", 4, "", [1]),
                      _res("ambulance", 10), _res("pla", 1, "协调驻榕部队", [1])],
        "revision_notes": [],
    },
}

TYPHOON = {
    "title": "福州市防台风应急预案（演示）", "kind": "special", "level": "city", "division": "350100",
    "department": "福州市防汛抗旱指挥部办公室", "state": "filed", "filing_no": "榕防指备〔2026〕3号",
    "content": {
        "summary": "（合成演示数据）适用于本市行政区域内台风灾害的防御和应急处置，按台风预警级别启动相应响应。",
        "triggers": [
            {"incident_type": "typhoon", "grades": [1], "response_level": 1, "condition": "发布台风红色预警，或预计 12 小时内登陆本市"},
            {"incident_type": "typhoon", "grades": [2], "response_level": 2, "condition": "发布台风橙色预警"},
            {"incident_type": "typhoon", "grades": [3], "response_level": 3, "condition": "发布台风黄色预警"},
            {"incident_type": "typhoon", "grades": [4], "response_level": 4, "condition": "发布台风蓝色预警"},
            {"incident_type": "rainstorm", "grades": [1, 2], "response_level": 2, "condition": "台风伴随特大暴雨，城区严重内涝"}],
        "response_levels": _levels((1, "台风红色预警", "市长"), (2, "台风橙色预警", "常务副市长"),
                                   (3, "台风黄色预警", "分管副市长"), (4, "台风蓝色预警", "市防指办主任")),
        "command": {"headquarters": "福州市防汛抗旱指挥部", "commander": "市长", "groups": [
            {"name": "综合协调组", "lead": "市防指办", "members": "市应急管理局、市气象局"},
            {"name": "转移安置组", "lead": "各县（市）区政府", "members": "市民政局、乡镇（街道）"},
            {"name": "抢险救援组", "lead": "市消防救援支队", "members": "水域救援队、社会救援力量"},
            {"name": "城市排涝组", "lead": "市城乡建设局", "members": "市水务集团"}]},
        "roles": [
            _role("值班调度", "综合协调组", "市防指办", ("发布启动响应通知", 15, []),
                  ("每 2 小时汇总报送风情、雨情、灾情", 120, [1, 2]), ("每 6 小时汇总报送", 360, [3, 4])),
            _role("人员转移", "转移安置组", "各县（市）区政府", ("危险区域人员转移到位", 360, [1, 2]),
                  ("海上船只回港、渔排人员上岸", 240, [1, 2, 3])),
            _role("城市排涝", "城市排涝组", "市城乡建设局", ("排涝泵站满负荷运行，易涝点值守", 60, [1, 2, 3]),
                  ("下穿通道积水超 27 厘米封闭", 30, [])),
            _role("抢险救援", "抢险救援组", "市消防救援支队", ("水域救援力量前置到易涝区", 120, [1, 2]))],
        "resources": [_res("water_team", 6, "城区易涝点前置", [1, 2]), _res("water_team", 2, "", [3]),
                      _res("drainage_vehicle", 20, "移动泵车", [1, 2]), _res("drainage_vehicle", 8, "", [3, 4]),
                      _res("power_team", 4, "电力抢修", [1, 2]), _res("militia", 2, "民兵应急分队", [1])],
        "revision_notes": [],
    },
}

HAZCHEM = {
    "title": "福州市危险化学品事故应急预案（演示）", "kind": "special", "level": "city", "division": "350100",
    "department": "福州市应急管理局", "state": "approved", "filing_no": None,
    "content": {
        "summary": "（合成演示数据）适用于本市危险化学品生产、储存、使用、经营和运输环节发生的火灾、爆炸、泄漏、中毒事故。",
        "triggers": [
            {"incident_type": "hazchem", "grades": [1, 2], "response_level": 1, "condition": "重大及以上危化品事故，或可能造成大面积中毒"},
            {"incident_type": "hazchem", "grades": [3], "response_level": 2, "condition": "较大危化品事故"},
            {"incident_type": "hazchem", "grades": [4], "response_level": 3, "condition": "一般危化品事故，泄漏未得到控制"}],
        "response_levels": _levels((1, "重大及以上危化品事故", "市长"), (2, "较大危化品事故", "分管副市长"),
                                   (3, "一般事故，泄漏未控制", "市应急管理局局长")),
        "command": {"headquarters": "福州市危险化学品事故应急指挥部", "commander": "分管副市长", "groups": [
            {"name": "现场处置组", "lead": "市消防救援支队", "members": "危化品救援队、事故单位"},
            {"name": "环境监测组", "lead": "市生态环境局", "members": "市气象局"},
            {"name": "警戒疏散组", "lead": "市公安局", "members": "属地政府"},
            {"name": "专家组", "lead": "市应急管理局", "members": "危化品专家库"}]},
        "roles": [
            _role("现场处置", "现场处置组", "市消防救援支队", ("侦检确定泄漏物质与范围", 20, []),
                  ("关阀堵漏、稀释洗消", 60, [])),
            _role("环境监测", "环境监测组", "市生态环境局", ("下风向布设监测点，首次监测数据报指挥部", 45, [])),
            _role("警戒疏散", "警戒疏散组", "市公安局", ("划定警戒区、交通管制", 30, []),
                  ("下风向 1 公里内群众疏散", 90, [1, 2])),
            _role("专家会商", "专家组", "市应急管理局", ("专家到场会商处置方案", 60, [1, 2]))],
        "resources": [_res("hazmat_team", 2, "化工园区专职队", []), _res("hazmat_vehicle", 2, "洗消", []),
                      _res("foam_engine", 4, "", [1, 2]), _res("foam_engine", 2, "", [3]),
                      _res("expert", 3, "危化品专家", [1, 2]), _res("ambulance", 4, "", [])],
        "revision_notes": [],
    },
}

HIGHRISE = {
    "title": "鼓楼区高层建筑火灾应急预案（演示）", "kind": "special", "level": "county", "division": "350102",
    "department": "鼓楼区消防救援大队", "state": "filed", "filing_no": "鼓应急备〔2026〕8号",
    "content": {
        "summary": "（合成演示数据）适用于鼓楼区建筑高度大于 27 米的住宅和大于 24 米的公共建筑火灾，明确登高、内攻、疏散的职责与时限。",
        "triggers": [
            {"incident_type": "fire_highrise", "grades": [1, 2, 3], "response_level": 2, "condition": "高层建筑火灾有人员被困，或火势蔓延至多个楼层"},
            {"incident_type": "fire_highrise", "grades": [4], "response_level": 3, "condition": "高层建筑单个房间火灾"}],
        "response_levels": _levels((2, "有人员被困或多层蔓延", "区长"), (3, "单个房间起火", "区消防救援大队大队长")),
        "command": {"headquarters": "鼓楼区高层建筑火灾现场指挥部", "commander": "区消防救援大队大队长", "groups": [
            {"name": "灭火救援组", "lead": "区消防救援大队", "members": "辖区消防站"},
            {"name": "疏散引导组", "lead": "属地街道", "members": "物业、社区"},
            {"name": "后勤保障组", "lead": "区应急管理局", "members": "供水、供电单位"}]},
        "roles": [
            _role("灭火救援", "灭火救援组", "区消防救援大队", ("首车到场，利用室内消火栓内攻", 8, []),
                  ("登高平台车到位，外部救援", 15, []), ("搜救被困人员完毕", 60, [1, 2])),
            _role("疏散引导", "疏散引导组", "属地街道", ("启动楼内广播，组织疏散", 10, []),
                  ("核实人员清点", 45, [])),
            _role("后勤保障", "后勤保障组", "区应急管理局", ("市政供水加压保障", 30, [1, 2]))],
        "resources": [_res("fire_engine", 4, "", [1, 2]), _res("fire_engine", 2, "", [3, 4]),
                      _res("aerial_ladder", 2, "登高平台消防车", [1, 2]), _res("aerial_ladder", 1, "", [3, 4]),
                      _res("highrise_team", 1, "高层救援队", [1, 2]), _res("ambulance", 2, "")],
        "revision_notes": [],
    },
}

PLANS = [GENERAL, TYPHOON, HAZCHEM, HIGHRISE]

DRILL = {"plan": TYPHOON["title"], "title": "2026 年防台风桌面推演（演示）", "kind": "tabletop", "days_ago": 45,
         "location": "福州市应急指挥中心", "participants": "市防指成员单位、各县（市）区防指办",
         "scenario": "超强台风预计 12 小时内在连江登陆，城区普降特大暴雨",
         "score": 82, "findings": [
             {"text": "下穿通道封闭信息未在 30 分钟内推送至导航平台", "section": "roles", "severity": "high"},
             {"text": "渔排人员上岸清点口径不一致", "section": "roles", "severity": "medium"},
             {"text": "排涝车前置点位与最新易涝点清单不符", "section": "resources", "severity": "medium"}]}
