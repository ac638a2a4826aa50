"""The risk domain through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import itertools
import secrets

from openpyxl import load_workbook

TOWN_A = "350102001"  # 鼓楼区 鼓东街道
TOWN_B = "350121001"  # 闽侯县
_n = itertools.count(1)


def credit() -> str:
    return ("91350" + secrets.token_hex(7).upper())[:18]


def make_unit(client, town: str = TOWN_A, industry: str = "hazchem", **extra) -> dict:  # type: ignore[no-untyped-def]
    body = {"name": f"测试化工厂{next(_n)}{secrets.token_hex(2)}", "credit_code": credit(), "industry": industry,
            "division_code": town, "lon": 119.30, "lat": 26.08} | extra
    r = client.post("/api/v1/units", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def make_source(client, unit_id: int, subclass: str = "A01", **extra) -> dict:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/risk/sources", json={"unit_id": unit_id, "name": "液氨储罐区",
                                                  "subclass_code": subclass} | extra)
    assert r.status_code == 201, r.text
    return r.json()


def test_county_officer_registers_unit_and_sees_it(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer)
    assert unit["risk_level"] is None and unit["division_code"] == TOWN_A
    r = officer.get("/api/v1/units", params={"q": unit["name"]})
    assert r.status_code == 200 and [u["id"] for u in r.json()["items"]] == [unit["id"]]
    r = officer.patch(f"/api/v1/units/{unit['id']}", json={"safety_manager": "张三"})
    assert r.status_code == 200 and r.json()["safety_manager"] == "张三"


def test_unit_with_unknown_industry_or_division_is_refused_in_chinese(client_for):
    officer = client_for("county_officer", "350102")
    r = officer.post("/api/v1/units", json={"name": "某厂", "credit_code": credit(), "industry": "nope",
                                                 "division_code": TOWN_A})
    assert r.status_code == 422 and r.json()["error"]["field"] == "industry"
    assert "行业" in r.json()["error"]["message"]
    r = officer.post("/api/v1/units", json={"name": "某厂", "credit_code": credit(), "industry": "hazchem",
                                                 "division_code": "350102999"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "division_code"


def test_lec_and_ls_assessment_set_levels_and_unit_takes_the_highest(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer)
    s1 = make_source(officer, unit["id"])
    s2 = make_source(officer, unit["id"], subclass="A03")
    r = officer.post(f"/api/v1/risk/sources/{s1['id']}/assess", json={"method": "lec", "l": 3, "e": 6, "c": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["assessment"]["score"] == 54 and body["source"]["level"] == "general"
    assert body["source"]["level_label"] == "一般风险" and body["unit_risk_level"] == "general"
    r = officer.post(f"/api/v1/risk/sources/{s2['id']}/assess", json={"method": "ls", "l": 5, "s": 4})
    assert r.status_code == 200 and r.json()["source"]["level"] == "major"
    assert officer.get(f"/api/v1/units/{unit['id']}").json()["risk_level"] == "major"
    # a later, lower assessment of s2 lowers the unit to the highest remaining level
    r = officer.post(f"/api/v1/risk/sources/{s2['id']}/assess", json={"method": "ls", "l": 2, "s": 1})
    assert r.json()["source"]["level"] == "low"
    assert officer.get(f"/api/v1/units/{unit['id']}").json()["risk_level"] == "general"
    history = officer.get(f"/api/v1/risk/sources/{s2['id']}/assessments").json()
    assert [h["level"] for h in history] == ["low", "major"]


def test_illegal_factor_is_422_naming_the_field(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer)
    src = make_source(officer, unit["id"])
    r = officer.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "lec", "l": 4, "e": 6, "c": 3})
    assert r.status_code == 422 and r.json()["error"]["field"] == "l", r.text
    assert "可选值" in r.json()["error"]["message"]
    r = officer.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "lec", "l": 3, "e": 6})
    assert r.status_code == 422 and r.json()["error"]["field"] == "c"
    r = officer.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "ls", "l": 3, "s": 6})
    assert r.status_code == 422 and r.json()["error"]["field"] == "s"
    assert officer.get(f"/api/v1/risk/sources/{src['id']}").json()["level"] is None


def test_out_of_scope_officer_gets_404_and_cannot_create(client_for):
    gulou = client_for("county_officer", "350102")
    minhou = client_for("county_officer", "350121")
    unit = make_unit(gulou)
    src = make_source(gulou, unit["id"])
    assert minhou.get(f"/api/v1/units/{unit['id']}").status_code == 404
    assert minhou.get(f"/api/v1/risk/sources/{src['id']}").status_code == 404
    r = minhou.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "ls", "l": 5, "s": 5})
    assert r.status_code == 404
    r = minhou.post("/api/v1/units", json={"name": "越权", "credit_code": credit(), "industry": "hazchem",
                                                "division_code": TOWN_A})
    assert r.status_code == 403
    leader = client_for("leader", "350100")
    assert leader.post("/api/v1/units", json={"name": "x", "credit_code": credit(), "industry": "hazchem",
                                                   "division_code": TOWN_A}).status_code == 403


def test_enterprise_manager_sees_and_acts_only_on_its_own_unit(client_for):
    officer = client_for("county_officer", "350102")
    mine, other = make_unit(officer), make_unit(officer)
    my_src, other_src = make_source(officer, mine["id"]), make_source(officer, other["id"])
    ent = client_for("enterprise_manager", TOWN_A, unit_id=mine["id"])
    units = ent.get("/api/v1/units", params={"page_size": 500}).json()
    assert [u["id"] for u in units["items"]] == [mine["id"]]
    sources = ent.get("/api/v1/risk/sources", params={"page_size": 500}).json()["items"]
    assert {s["unit_id"] for s in sources} == {mine["id"]}
    assert ent.get(f"/api/v1/units/{other['id']}").status_code == 404
    assert ent.post(f"/api/v1/risk/sources/{other_src['id']}/assess",
                    json={"method": "ls", "l": 1, "s": 1}).status_code == 404
    r = ent.post(f"/api/v1/risk/sources/{my_src['id']}/assess", json={"method": "ls", "l": 3, "s": 4})
    assert r.status_code == 200 and r.json()["source"]["level"] == "significant"
    assert ent.post("/api/v1/risk/sources", json={"unit_id": other["id"], "name": "x",
                                                  "subclass_code": "A01"}).status_code == 404
    assert ent.post("/api/v1/units", json={"name": "x", "credit_code": credit(), "industry": "hazchem",
                                                "division_code": TOWN_A}).status_code == 403
    r = ent.get("/api/v1/risk/map")
    assert r.status_code == 200 and {p[0] for p in r.json()["points"]["rows"]} == {my_src["id"]}


def _csv(text: str) -> dict:
    return {"file": ("data.csv", text.encode("utf-8"), "text/csv")}


def test_unit_import_reports_every_bad_row_all_or_nothing_then_valid_only(client_for):
    officer = client_for("county_officer", "350102")
    good1, good2 = credit(), credit()
    text = ("单位名称*,统一社会信用代码*,行业代码,乡镇（街道）代码*,经度,纬度\n"
            f"导入甲厂,{good1},hazchem,{TOWN_A},119.3,26.1\n"
            f"导入乙厂,BAD,hazchem,{TOWN_A},,\n"
            f"导入丙厂,{credit()},nope,{TOWN_A},,\n"
            f",{credit()},hazchem,{TOWN_A},,\n"
            f"导入丁厂,{credit()},hazchem,{TOWN_B},,\n"
            f"导入戊厂,{good2},hazchem,{TOWN_A},200,26\n")
    r = officer.post("/api/v1/units/import", files=_csv(text), data={"mode": "all_or_nothing"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["committed"] is False and body["imported"] == 0 and body["total_rows"] == 6
    assert sorted({e["row"] for e in body["errors"]}) == [3, 4, 5, 6, 7]
    assert any(e["field"] == "统一社会信用代码" for e in body["errors"] if e["row"] == 3)
    assert officer.get("/api/v1/units", params={"q": good1}).json()["total"] == 0
    r = officer.post("/api/v1/units/import", files=_csv(text), data={"mode": "valid_only", "dry_run": "true"})
    assert r.json()["committed"] is False and r.json()["imported"] == 1
    r = officer.post("/api/v1/units/import", files=_csv(text), data={"mode": "valid_only"})
    assert r.json()["committed"] is True and r.json()["imported"] == 1
    assert officer.get("/api/v1/units", params={"q": good1}).json()["total"] == 1


def test_source_import_with_assessment_from_xlsx(client_for):
    from openpyxl import Workbook

    officer = client_for("county_officer", "350102")
    unit = make_unit(officer)
    wb = Workbook()
    ws = wb.active
    ws.append(["单位统一社会信用代码", "风险点名称", "风险小类代码", "评估方法", "L", "E", "C", "S"])
    ws.append([unit["credit_code"], "反应釜", "A01", "lec", 6, 6, 7, None])
    ws.append([unit["credit_code"], "坏因子", "A01", "lec", 4, 6, 7, None])
    ws.append(["91350000NOSUCH0000", "无主", "A01", None, None, None, None, None])
    ws.append([unit["credit_code"], "坏小类", "Z99", None, None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    files = {"file": ("s.xlsx", buf.getvalue(), "application/octet-stream")}
    r = officer.post("/api/v1/risk/sources/import", files=files, data={"mode": "all_or_nothing"})
    body = r.json()
    assert r.status_code == 200 and body["committed"] is False, body
    assert sorted(e["row"] for e in body["errors"]) == [3, 4, 5]
    r = officer.post("/api/v1/risk/sources/import", files=files, data={"mode": "valid_only"})
    assert r.json()["imported"] == 1 and r.json()["committed"] is True
    srcs = officer.get("/api/v1/risk/sources", params={"unit_id": unit["id"]}).json()["items"]
    assert [(s["name"], s["level"]) for s in srcs] == [("反应釜", "major")]  # D = 252
    assert officer.get(f"/api/v1/units/{unit['id']}").json()["risk_level"] == "major"


def test_garbage_import_file_is_422_not_500(client_for):
    officer = client_for("county_officer", "350102")
    r = officer.post("/api/v1/units/import", files={"file": ("x.xlsx", b"PK\x03\x04garbage", "a/b")})
    assert r.status_code == 422 and r.json()["error"]["field"] == "file"


def test_excel_exports_open_and_hold_the_rows(client_for):
    officer = client_for("county_officer", "350102")
    unit = make_unit(officer)
    src = make_source(officer, unit["id"])
    officer.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "lec", "l": 6, "e": 6, "c": 7})
    officer.post(f"/api/v1/risk/sources/{src['id']}/measures",
                 json={"measure": "安装可燃气体报警仪", "responsible_tier": "车间", "responsible_person": "李四"})
    r = officer.get("/api/v1/risk/units/export.xlsx", params={"q": unit["name"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "单位名称" and rows[1][1] == unit["name"] and rows[1][15] == "重大风险"
    r = officer.get("/api/v1/risk/sources/export.xlsx", params={"division": TOWN_A, "level": "major"})
    names = [row[1] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
    assert src["code"] in names
    r = officer.get(f"/api/v1/risk/units/{unit['id']}/register.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    text = repr(rows)
    assert unit["name"] in text and "安装可燃气体报警仪" in text and "重大风险" in text and "车间 李四" in text
    card = officer.get(f"/api/v1/risk/sources/{src['id']}/card").json()
    assert card["level"]["label"] == "重大风险" and card["measures"][0]["responsible_person"] == "李四"


def test_map_counts_per_district_match_the_sources(client_for):
    admin = client_for("admin", "350100")
    ind = "fireworks"  # a filter so that other tests' records do not disturb the counts
    before = admin.get("/api/v1/risk/map", params={"industry": ind}).json()
    u1 = make_unit(admin, TOWN_A, industry=ind)
    u2 = make_unit(admin, TOWN_B, industry=ind, lon=119.1, lat=26.1)
    for unit, levels in ((u1, [(5, 5), (1, 1)]), (u2, [(5, 5)])):
        for l, s in levels:
            src = make_source(admin, unit["id"], subclass="A05")
            admin.post(f"/api/v1/risk/sources/{src['id']}/assess", json={"method": "ls", "l": l, "s": s})
    after = admin.get("/api/v1/risk/map", params={"industry": ind}).json()

    def count(data, county, level):  # type: ignore[no-untyped-def]
        return sum(d["counts"][level] for d in data["districts"] if d["key"] == county)

    assert count(after, "350102", "major") - count(before, "350102", "major") == 1
    assert count(after, "350102", "low") - count(before, "350102", "low") == 1
    assert count(after, "350121", "major") - count(before, "350121", "major") == 1
    assert after["totals"]["all"] - before["totals"]["all"] == 3
    assert after["points"]["fields"] == ["id", "lon", "lat", "level"]
    assert len(after["points"]["rows"]) - len(before["points"]["rows"]) == 3
    gulou = next(d for d in after["districts"] if d["key"] == "350102")
    assert gulou["name"] == "鼓楼区"
    # bbox keeps only what is inside; a county officer sees only their county
    box = admin.get("/api/v1/risk/map", params={"industry": ind, "bbox": "119.29,26.07,119.31,26.09"}).json()
    assert {p[3] for p in box["points"]["rows"]} >= {"major", "low"}
    assert all(119.29 <= p[1] <= 119.31 for p in box["points"]["rows"])
    officer = client_for("county_officer", "350121")
    mine = officer.get("/api/v1/risk/map", params={"industry": ind}).json()
    assert {d["key"] for d in mine["districts"]} <= {"350121"}
    assert admin.get("/api/v1/risk/map", params={"bbox": "1,2,3"}).status_code == 422
    stats = admin.get("/api/v1/risk/stats", params={"industry": ind}).json()
    assert stats["totals"]["all"] == after["totals"]["all"]
    assert any(r["key"] == "A" for r in stats["by_class"])


def test_config_endpoints(client_for):
    leader = client_for("leader", "350100")
    tax = leader.get("/api/v1/risk/taxonomy").json()
    assert len(tax) == 3 and sum(len(c["subclasses"]) for c in tax) == 42
    levels = leader.get("/api/v1/risk/levels").json()
    assert [lv["colour_label"] for lv in levels["levels"]] == ["红", "橙", "黄", "蓝"]
    assert any(i["code"] == "hazchem" for i in leader.get("/api/v1/units/industries").json())
