"""Import of a plan's structure from the Word and Excel templates, with errors per row / paragraph."""

from __future__ import annotations

import io

import docx
from openpyxl import load_workbook

from yingji.plans.importing import parse, template_docx, template_xlsx


def test_the_downloadable_templates_import_cleanly_and_identically():
    x, d = parse("t.xlsx", template_xlsx()), parse("t.docx", template_docx())
    assert x.errors == [] and d.errors == []
    assert x.meta == d.meta and x.content == d.content
    assert x.meta["kind"] == "special" and x.meta["level"] == "county" and x.meta["division_code"] == "350102"
    assert [r["name"] for r in x.content["roles"]] == ["值班调度", "转移安置"]
    assert x.content["roles"][0]["tasks"][1] == {"title": "每 2 小时汇总报送灾情", "deadline_minutes": 120, "levels": [1, 2]}
    assert x.content["triggers"][0] == {"incident_type": "typhoon", "grades": [1, 2], "response_level": 1,
                                        "condition": "台风红色预警或预计 24 小时内登陆"}


def test_excel_errors_name_the_sheet_and_row():
    wb = load_workbook(io.BytesIO(template_xlsx()))
    wb["职责任务"].append(["值班调度", "", "", "布置任务", "半小时", ""])
    wb["调用资源"].append(["坦克", 1, "", ""])
    wb["启动条件"].append(["外星人入侵", "Ⅰ", "Ⅰ", ""])
    wb["基本信息"]["B4"] = "省级"
    buf = io.BytesIO()
    wb.save(buf)
    errors = parse("t.xlsx", buf.getvalue()).errors
    where = {e["where"]: e["message"] for e in errors}
    assert "时限须为分钟数" in where["工作表“职责任务”第 5 行"]
    assert "力量类型" in where["工作表“调用资源”第 4 行"]
    assert "事件类型" in where["工作表“启动条件”第 4 行"]
    assert "预案层级" in where["工作表“基本信息”第 4 行"]


def test_word_errors_name_the_table_row_and_paragraph():
    document = docx.Document(io.BytesIO(template_docx()))
    document.tables[0].add_row().cells[0].text = "台风"
    document.tables[0].rows[-1].cells[1].text = "九级"
    for p in document.paragraphs:
        if p.text.startswith("预案类别"):
            p.text = "预案类别："
    buf = io.BytesIO()
    document.save(buf)
    errors = parse("t.docx", buf.getvalue()).errors
    messages = [f"{e['where']}：{e['message']}" for e in errors]
    assert any(m.startswith("表格 1（启动条件）第 4 行") and "等级" in m for m in messages), messages
    assert any("段" in e["where"] and "预案类别" in e["message"] for e in errors), messages
    assert any("缺少“预案类别”" in m for m in messages)


def test_other_files_are_refused():
    assert parse("plan.pdf", b"%PDF").errors[0]["message"].startswith("只支持")
    assert "无法读取" in parse("plan.xlsx", b"not a zip").errors[0]["message"]
    assert "无法读取" in parse("plan.docx", b"not a zip").errors[0]["message"]
