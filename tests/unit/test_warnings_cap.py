"""CAP 1.2 out: every template × level exports a schema-valid message; identifiers, polygons,
times and references follow the rules (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from lxml import etree

from yingji.warnings import cap, catalog, messages

TZ = cap.fixed_offset(8)
NS = {"c": cap.NS}
SENT = datetime(2026, 7, 1, 0, 0, 5, tzinfo=UTC)
AREA = {"divisions": ["350102", "350102001", "350102001001"],
        "polygons": [[[119.28, 26.07], [119.32, 26.07], [119.32, 26.10]]],
        "circles": [{"lon": 119.3, "lat": 26.08, "radius_m": 2500}]}


def _warning(hazard_type: str, level: str) -> SimpleNamespace:
    text = catalog.draft_text(hazard_type, level, "鼓楼区")
    return SimpleNamespace(hazard_type=hazard_type, level=level, area=AREA, area_desc="鼓楼区、绘制区域 2 处",
                           onset=SENT, expires=SENT + timedelta(hours=24), note="", **text)


@pytest.mark.parametrize("hazard_type", catalog.type_keys())
@pytest.mark.parametrize("level", catalog.level_keys())
@pytest.mark.parametrize("msg_type", ["Alert", "Update", "Cancel"])
def test_every_template_and_level_exports_schema_valid_cap(hazard_type, level, msg_type):
    refs = [] if msg_type == "Alert" else [("yingji@350100", "350102000000000_20260630080000_0", SENT)]
    m = messages.cap_message(_warning(hazard_type, level), version=2, msg_type=msg_type,
                             identifier=cap.identifier("350102", "000", "000", "00", SENT, TZ, 3),
                             sender="yingji@350100", sent=SENT, references=refs, note="测试")
    doc = cap.build(m, TZ)
    assert cap.validate(doc) == [], doc.decode()
    root = etree.fromstring(doc)
    assert root.findtext("c:severity", namespaces=NS) is None  # severity sits in info
    assert root.findtext("c:info/c:severity", namespaces=NS) == catalog.level(level)["severity"]
    params = {p.findtext("c:valueName", namespaces=NS): p.findtext("c:value", namespaces=NS)
              for p in root.iterfind("c:info/c:parameter", namespaces=NS)}
    assert params["COLOUR"] == level.upper()
    geocodes = [g.findtext("c:value", namespaces=NS) for g in root.iterfind("c:info/c:area/c:geocode", namespaces=NS)]
    assert geocodes == AREA["divisions"]
    if msg_type != "Alert":
        assert root.findtext("c:references", namespaces=NS).split(",")[1] == "350102000000000_20260630080000_0"
    if hazard_type in ("typhoon", "rainstorm") and msg_type == "Alert":
        assert "防" in root.findtext("c:info/c:instruction", namespaces=NS) or "停" in \
            root.findtext("c:info/c:instruction", namespaces=NS)


def test_identifier_follows_gbt_35965_1():
    ident = cap.identifier("350102", "416", "000", "00", SENT, TZ, 12)
    assert ident == "35010241600000_20260701080005_2" and len(ident) == 31 and cap.ID_PATTERN.match(ident)
    with pytest.raises(ValueError):
        cap.identifier("3501", "416", "000", "00", SENT, TZ, 0)


def test_times_carry_the_offset_and_polygons_close():
    assert cap.cap_time(SENT, TZ) == "2026-07-01T08:00:05+08:00"
    with pytest.raises(ValueError):
        cap.cap_time(datetime(2026, 7, 1), TZ)
    text = cap.polygon_text([[119.0, 26.0], [119.1, 26.0], [119.1, 26.1]])
    pts = text.split()
    assert len(pts) == 4 and pts[0] == pts[-1] == "26.000000,119.000000"
    with pytest.raises(ValueError):
        cap.ring_points([[119.0, 26.0], [119.1, 26.0], [119.0, 26.0]])
    assert cap.circle_text(119.3, 26.08, 2500) == "26.080000,119.300000 2.500"


@pytest.mark.parametrize("codes,expected", [
    (["350102001001", "350102001002"], "350102001"),
    (["350102001", "350102003"], "350102"),
    (["350102", "350121"], "350100"),
    (["350102", "350203"], "350000"),
    ([], "350100"),
])
def test_common_division(codes, expected):
    assert messages.common_division(codes, "350100") == expected


def test_templates_cover_every_type_and_level_with_guidance():
    for t in catalog.templates()["types"]:
        assert set(t["levels"]) == set(catalog.level_keys()), t["key"]
        for lv, entry in t["levels"].items():
            assert entry["criteria"] and len(entry["guidance"]) >= 2, (t["key"], lv)
    assert {"typhoon", "rainstorm", "flood", "geological", "forest_fire", "hazchem", "earthquake", "heat",
            "cold_wave"} <= set(catalog.type_keys())
    assert [lv["grade"] for lv in catalog.levels()] == ["Ⅳ级", "Ⅲ级", "Ⅱ级", "Ⅰ级"]
