"""Risk Excel exports keep their exact content (headers, rows, level colours) after the fast writer,
and the statistics page draws its charts as accessible inline SVG — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.integration.test_risk_api import TOWN_A, make_source, make_unit

SOURCE_HEADERS = ("序号", "风险点编号", "风险点名称", "风险大类", "风险小类代码", "风险小类", "行业", "单位ID",
                  "乡镇（街道）代码", "乡镇（街道）", "经度", "纬度", "风险等级", "评估方法", "分值", "管控层级", "演示数据")
# no English code in a column people read: the industry by name (the units import reads it back by name)
UNIT_HEADERS = ("序号", "单位名称", "统一社会信用代码", "行业", "乡镇（街道）代码", "乡镇（街道）", "地址", "经度", "纬度",
                "规模", "标准化等级", "法定代表人", "安全管理负责人", "联系电话", "监管部门", "风险等级", "演示数据")


def _sheet(content: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(content)).active


def test_source_export_rows_and_headers_are_exactly_the_registered_data(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer, industry="hazchem", name="=恶意公式化工厂" + TOWN_A[-3:] + str(id(officer) % 997))
    major = make_source(officer, unit["id"], name="液氨储罐 <区> & “罐”", lon=119.301234, lat=26.081234)
    low = make_source(officer, unit["id"], subclass="A05", name="  前后空格  ")
    plain = make_source(officer, unit["id"], name="-1+1 未评估")
    officer.post(f"/api/v1/risk/sources/{major['id']}/assess", json={"method": "lec", "l": 6, "e": 6, "c": 7})
    officer.post(f"/api/v1/risk/sources/{low['id']}/assess", json={"method": "ls", "l": 1, "s": 2})
    r = officer.get("/api/v1/risk/sources/export.xlsx", params={"division": TOWN_A})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    ws = _sheet(r.content)
    assert ws.title == "风险源"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == SOURCE_HEADERS and all(c.font.b for c in ws[1])
    ids = [major["id"], low["id"], plain["id"]]
    srcs = [officer.get(f"/api/v1/risk/sources/{i}").json() for i in ids]
    tax = officer.get("/api/v1/risk/taxonomy").json()
    classes = {c["code"]: c["name"] for c in tax}
    subs = {sc["code"]: sc["name"] for c in tax for sc in c["subclasses"]}
    town = officer.get(f"/api/v1/divisions/{TOWN_A}").json()["name"]
    expected = [(n, s["code"], "'" + s["name"] if s["name"][:1] in "=+-@" else s["name"], classes[s["class_code"]],
                 s["subclass_code"], subs[s["subclass_code"]], "危险化学品", unit["id"], TOWN_A, town, s["lon"], s["lat"],
                 s["level_label"] or "未评估", {"lec": "LEC", "ls": "风险矩阵"}.get(s["method"] or ""), s["score"],
                 s["management_tier"] or None, "否") for n, s in enumerate(srcs, start=1)]
    assert [row[0] for row in rows[1:]] == list(range(1, len(rows)))  # 序号 runs 1..n
    rows = [rows[0]] + [row for row in rows[1:] if row[7] == unit["id"]]  # this unit's, in id order
    assert [tuple(row)[1:] for row in rows[1:]] == [e[1:] for e in expected]
    assert rows[1][2] == "液氨储罐 <区> & “罐”" and rows[2][2] == srcs[1]["name"] and rows[3][2] == "'-1+1 未评估"
    assert (rows[1][12], rows[2][12], rows[3][12]) == ("重大风险", "低风险", "未评估")
    assert (rows[1][13], rows[2][13], rows[3][13]) == ("LEC", "风险矩阵", None)
    # level cells keep their colour and bold font, white text on red/blue; the unassessed cell is plain
    mine = [n for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2) if row[7] == unit["id"]]
    red, blue, none = (ws[f"M{n}"] for n in mine)
    assert red.fill.fill_type == "solid" and red.fill.fgColor.rgb.endswith("FF0000") and red.font.b
    assert red.font.color.rgb.endswith("FFFFFF") and blue.font.color.rgb.endswith("FFFFFF")
    assert none.fill.fill_type is None


def test_unit_export_and_register_keep_headers_rows_and_formula_guard(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer, address="@地址", safety_manager="张三", phone="+86 591 1234")
    src = make_source(officer, unit["id"])
    officer.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "ls", "l": 4, "s": 5})
    r = officer.get("/api/v1/risk/units/export.xlsx", params={"q": unit["credit_code"]})
    rows = list(_sheet(r.content).iter_rows(values_only=True))
    assert rows[0] == UNIT_HEADERS and len(rows) == 2
    u = officer.get(f"/api/v1/units/{unit['id']}").json()
    town = officer.get(f"/api/v1/divisions/{TOWN_A}").json()["name"]
    assert rows[1] == (1, u["name"], u["credit_code"], "危险化学品", TOWN_A, town, "'@地址", 119.3, 26.08,
                       u["scale"] or None, u["standardisation_level"] or None, u["legal_person"] or None, "张三",
                       "'+86 591 1234", u["supervising_department"] or None, "重大风险", "否")
    ws = _sheet(officer.get(f"/api/v1/risk/units/{unit['id']}/register.xlsx").content)
    rows = list(ws.iter_rows(values_only=True))
    assert ws.title == "风险管控清单" and rows[0][0] == f"{u['name']} 安全风险管控手册（一册）"
    assert rows[1][:4] == ("统一社会信用代码", u["credit_code"], "单位风险等级", "重大风险")
    assert rows[4][0] == "序号" and rows[4][13] == "责任层级/责任人"
    assert rows[5][:9] == (1, src["code"], "液氨储罐区", "危险化学品生产企业", town, "重大风险", "风险矩阵", "L=4，S=5", 20.0)


def test_stats_page_draws_accessible_charts_beside_the_tables(client_for):
    admin = client_for("admin", "350100")
    unit = make_unit(admin, industry="fireworks")
    src = make_source(admin, unit["id"], subclass="A05")
    admin.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "ls", "l": 5, "s": 5})
    stats = admin.get("/api/v1/risk/stats").json()
    r = admin.get("/supervision/risk-stats")
    assert r.status_code == 200
    html = r.text
    for chart in ("risk-chart-district", "risk-chart-class", "risk-chart-industry"):
        svg = re.search(rf'<figure class="risk-chart" id="{chart}".*?</figure>', html, re.DOTALL)
        assert svg, chart
        body = svg.group(0)
        assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in body
        assert f'<title id="{chart}-title">' in body and f'<desc id="{chart}-desc">' in body
    district = re.search(r'id="risk-chart-district".*?</figure>', html, re.DOTALL).group(0)
    # legend names every colour in words; the tables are still there
    for words in ("红 · 重大风险", "橙 · 较大风险", "黄 · 一般风险", "蓝 · 低风险", "灰 · 未评估"):
        assert words in district
    assert html.count('class="table risk-count-table"') == 3
    # one bar per district, its total and its major count written as text, segments titled with level words
    gulou = next(d for d in stats["by_district"] if d["key"] == "350102")
    assert district.count('class="risk-chart-row"') == len(stats["by_district"])
    assert f'data-name="鼓楼区" data-total="{gulou["total"]}"' in district
    assert f'合计 {gulou["total"]:,}（其中红·重大 {gulou["counts"]["major"]:,}）' in district
    assert f"鼓楼区 · 红 · 重大风险：{gulou['counts']['major']:,}" in district
    industry = re.search(r'id="risk-chart-industry".*?</figure>', html, re.DOTALL).group(0)
    fw = next(i for i in stats["by_industry"] if i["key"] == "fireworks")
    assert f'{fw["name"]}：{fw["total"]:,}（其中红·重大 {fw["counts"]["major"]:,}）' in industry
