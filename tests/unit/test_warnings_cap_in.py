"""CAP in over the faulty real-world-style samples in tests/data/cap/: the tolerant mode imports
(repairing and reporting each fault) or refuses what cannot be identified; the strict mode rejects
every non-conforming message with the reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingji.warnings import cap

DATA = Path(__file__).resolve().parents[1] / "data" / "cap"
TZ = cap.fixed_offset(8)

# file: (tolerant imports?, fault words the tolerant import reports, strict accepts?)
CASES = {
    "01_valid_alert.xml": (True, [], True),
    "02_element_order.xml": (True, ["顺序"], False),
    "03_two_info_blocks.xml": (True, ["2 个 info"], False),
    "04_unclosed_swapped_polygon.xml": (True, ["经度,纬度", "未闭合"], False),
    "05_sent_without_offset.xml": (True, ["缺少时差", "Z"], False),
    "06_cap11_namespace.xml": (True, ["命名空间"], False),
    "07_missing_optional.xml": (True, ["headline", "area"], False),
    "08_missing_identifier.xml": (False, ["identifier"], False),
    "09_not_xml.xml": (False, ["XML 格式错误"], False),
    "10_update_of_01.xml": (True, [], True),
    "11_cancel_of_01.xml": (True, [], True),
    "12_short_polygon.xml": (True, ["未闭合", "AB0105"], False),
}


def test_every_sample_has_a_case():
    assert {p.name for p in DATA.glob("*.xml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_tolerant_and_strict(name):
    imports, words, strict_ok = CASES[name]
    doc = (DATA / name).read_bytes()
    tolerant = cap.parse(doc, strict=False, tz=TZ)
    assert tolerant.ok is imports, (tolerant.fatal, tolerant.faults)
    said = " ".join(tolerant.faults + tolerant.fatal)
    for w in words:
        assert w in said, (w, said)
    if imports and not words:
        assert tolerant.faults == []
    strict = cap.parse(doc, strict=True, tz=TZ)
    assert strict.ok is strict_ok, strict.fatal
    if not strict_ok:
        assert strict.fatal  # the reasons


def test_repairs_are_applied():
    p = cap.parse((DATA / "04_unclosed_swapped_polygon.xml").read_bytes(), strict=False, tz=TZ)
    ring = p.polygons[0]
    assert ring[0] == ring[-1] == [118.90, 25.85] and len(ring) == 5  # [lon, lat], closed
    p = cap.parse((DATA / "03_two_info_blocks.xml").read_bytes(), strict=False, tz=TZ)
    assert p.headline.startswith("台风红色") and p.colour == "red"
    p = cap.parse((DATA / "05_sent_without_offset.xml").read_bytes(), strict=False, tz=TZ)
    assert p.sent is not None and p.sent.utcoffset().total_seconds() == 8 * 3600
    p = cap.parse((DATA / "11_cancel_of_01.xml").read_bytes(), strict=True, tz=TZ)
    assert p.msg_type == "Cancel" and [r[1] for r in p.references] == [
        "35000041600000_20260701080000_1", "35000041600000_20260701110000_0"]
    p = cap.parse((DATA / "01_valid_alert.xml").read_bytes(), strict=True, tz=TZ)
    assert p.colour == "orange" and p.divisions == ["350102", "350103"] and len(p.polygons) == 2
