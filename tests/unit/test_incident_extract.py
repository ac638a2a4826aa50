"""Extraction of the incident form from call transcripts (yingji.incidents.extract).

Table-driven cases for the documented behaviour (numerals, vague words, negation, hazards) and the
accuracy over the development set tests/data/calls_dev.jsonl, printed per split: ``train`` (the half
the rules were developed against) and ``heldout`` (the other half, only measured). The test fails
below 90 % type or county accuracy on either half.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from yingji.incidents.extract import Extraction, extract, incident_types

DEV = Path(__file__).resolve().parents[1] / "data" / "calls_dev.jsonl"
KEYS = ("type", "county", "trapped", "injured", "dead")


@pytest.mark.parametrize(("text", "expected"), [
    ("仓山区金山街道一栋楼三楼着火了，里面有三个人被困", {"type": "建筑火灾", "county": "仓山区", "trapped": 3}),
    ("鼓楼那边一辆小车自燃了，没有人受伤", {"type": "车辆火灾", "county": "鼓楼区", "injured": 0}),
    ("上街镇一个小区电梯卡住了，里面困了两个人", {"type": "电梯困人", "county": "闽侯县", "trapped": 2}),
    ("有好几个人被困在车里", {"trapped": 3}),
    ("十几个人受伤了", {"injured": 10}),
    ("五六个工人被炸伤，化工厂爆炸了", {"type": "危化品爆炸", "injured": 5}),
    ("二十三个人被困在屋顶上，水淹到二楼了", {"type": "内涝被困", "trapped": 23}),
    ("车祸，一死两伤", {"type": "交通事故", "dead": 1, "injured": 2}),
    ("有人跳河了，捞上来已经没气了", {"type": "溺水", "dead": 1}),
    ("山上着火了，烧了一大片林子", {"type": "森林火灾", "category": "自然灾害"}),
    ("几百个人聚集在广场上拉横幅", {"type": "群体事件", "category": "社会安全事件", "trapped": None}),
    ("电梯里困了一个小孩子，大概七八岁", {"trapped": 1}),
])
def test_extract_table(text: str, expected: dict) -> None:
    got = extract(text)
    for key, value in expected.items():
        assert got.value(key) == value, (key, got.to_dict())


def test_fields_confidence_and_evidence() -> None:
    e = extract("福清市音西街道十五楼着火了，有个老人和一个孕妇困在里面，闻到煤气味")
    assert isinstance(e, Extraction)
    d = e.to_dict()
    assert set(d) == {"type", "category", "place_text", "county", "trapped", "injured", "dead", "hazards", "keywords"}
    assert all(0.0 <= f["confidence"] <= 1.0 for f in d.values())
    assert {"高层", "老人", "孕妇", "燃气"} <= set(e.value("hazards"))
    assert "有人被困" in e.value("keywords")
    assert e.fields["county"].evidence == "福清市"
    assert "音西街道" in e.value("place_text")
    vague = extract("有好几个人被困").fields["trapped"]
    exact = extract("有三个人被困").fields["trapped"]
    assert vague.confidence < exact.confidence


def test_gazetteer_names_give_place_and_county() -> None:
    e = extract("华林路和五四路路口一辆车着火了", gazetteer_names={"华林路": "鼓楼区"})
    assert e.value("county") == "鼓楼区"
    assert "华林路" in e.value("place_text")


def test_every_type_has_a_class() -> None:
    classes = {t["category"] for t in incident_types()}
    assert classes <= {"自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"}
    assert {"建筑火灾", "电梯困人", "泥石流", "群体事件"} <= {t["type"] for t in incident_types()}


def _accuracy(rows: list[dict]) -> dict[str, float]:
    ok: Counter = Counter()
    for r in rows:
        e = extract(r["text"])
        for k in KEYS:
            ok[k] += e.value(k) == r[k]
    return {k: ok[k] / len(rows) for k in KEYS}


def test_development_set_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 120
    assert len({r["county"] for r in rows}) == 13
    results = {split: _accuracy([r for r in rows if r["split"] == split]) for split in ("train", "heldout")}
    with capsys.disabled():
        for split, acc in results.items():
            n = sum(1 for r in rows if r["split"] == split)
            print(f"\nextraction accuracy, {split} ({n} calls): " + ", ".join(f"{k} {v:.1%}" for k, v in acc.items()))
    for acc in results.values():
        assert acc["type"] >= 0.9 and acc["county"] >= 0.9
