"""CAP 1.2 (OASIS Common Alerting Protocol) out and in — pure: no ORM, no web framework.

* :func:`build` writes one message (``alert`` with one ``info``) in the schema's element order,
  times with their UTC offset, polygons closed with ≥ 4 points (``lat,lon`` pairs), circles as
  ``lat,lon radius_km``, division codes as ``geocode``s, the colour level as ``parameter``s and
  ``references`` (``sender,identifier,sent`` of every earlier message) for Update/Cancel.
* :func:`validate` checks a document against the official schema shipped in ``data/CAP-v1.2.xsd``
  (offline; the same file the tests use).
* :func:`identifier` makes GB/T 35965.1 identifiers: ``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N``.
* :func:`parse` reads an external message: *tolerant* (element order, several ``info`` blocks,
  several polygons, unclosed or swapped polygons, missing optional parts, missing UTC offset, CAP
  1.1 namespace — each repaired and reported as a fault) or *strict* (any fault rejects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from importlib import resources
from typing import Any

from lxml import etree

NS = "urn:oasis:names:tc:emergency:cap:1.2"
OLD_NS = ("urn:oasis:names:tc:emergency:cap:1.1", "urn:oasis:names:tc:emergency:cap:1.0")
SEVERITY_OF_COLOUR = {"blue": "Minor", "yellow": "Moderate", "orange": "Severe", "red": "Extreme"}
COLOUR_OF_SEVERITY = {v: k for k, v in SEVERITY_OF_COLOUR.items()}
COLOUR_WORDS = {"蓝": "blue", "黄": "yellow", "橙": "orange", "红": "red", "BLUE": "blue", "YELLOW": "yellow",
                "ORANGE": "orange", "RED": "red"}
GRADE_OF_COLOUR = {"blue": "Ⅳ", "yellow": "Ⅲ", "orange": "Ⅱ", "red": "Ⅰ"}
COLOUR_PARAM = "COLOUR"  # our parameter names (documented in docs/warnings.md)
GRADE_PARAM = "LEVEL"
GEOCODE_NAMES = {6: "GB/T 2260", 9: "GB/T 10114", 12: "CN-STATS-12"}
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")
ID_PATTERN = re.compile(r"^\d{6}\d{3}\d{3}\d{2}_\d{14}_\d$")


def _xsd_bytes() -> bytes:
    return resources.files("yingji.warnings").joinpath("data/CAP-v1.2.xsd").read_bytes()


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(_xsd_bytes(), parser=etree.XMLParser(resolve_entities=False)))


def cap_time(dt: datetime, tz: tzinfo) -> str:
    """``2026-11-30T08:00:00+08:00``: seconds, with the offset (never ``Z``, never ``-00:00``)."""
    if dt.tzinfo is None:
        raise ValueError("CAP times must be timezone-aware")
    return dt.astimezone(tz).replace(microsecond=0).isoformat()


def identifier(division6: str, org: str, sub: str, ext: str, entered: datetime, tz: tzinfo, seq: int) -> str:
    """GB/T 35965.1-2018 annex A: 6-digit division, 3-digit organisation code, 3-digit sub-code,
    2-digit extension, ``_`` entry time (local, 14 digits) ``_`` a 0–9 sequence: 31 characters."""
    parts = (division6, org, sub, ext)
    widths = (6, 3, 3, 2)
    for p, w in zip(parts, widths, strict=True):
        if len(p) != w or not p.isdigit():
            raise ValueError(f"identifier part {p!r} must be {w} digits")
    out = f"{division6}{org}{sub}{ext}_{entered.astimezone(tz):%Y%m%d%H%M%S}_{seq % 10}"
    assert len(out) == 31
    return out


def ring_points(ring: list[Any]) -> list[tuple[float, float]]:
    """A ring of ``[lon, lat]`` closed (first == last); at least 4 points or ValueError."""
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    if len(pts) < 4 or len(set(pts)) < 3:
        raise ValueError("多边形至少需要 3 个不同的顶点")
    return pts


def polygon_text(ring: list[Any]) -> str:
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring_points(ring))


def circle_text(lon: float, lat: float, radius_m: float) -> str:
    return f"{lat:.6f},{lon:.6f} {radius_m / 1000:.3f}"


def _sub(parent: etree._Element, tag: str, text: Any = None) -> etree._Element:
    e = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        e.text = str(text)
    return e


@dataclass
class Area:
    desc: str
    polygons: list[list[Any]] = field(default_factory=list)  # rings of [lon, lat]
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # lon, lat, radius_m
    geocodes: list[str] = field(default_factory=list)  # division codes (6/9/12 digits)


@dataclass
class Message:
    identifier: str
    sender: str
    sent: datetime
    msg_type: str = "Alert"
    status: str = "Actual"
    scope: str = "Public"
    note: str | None = None
    references: list[tuple[str, str, datetime]] = field(default_factory=list)
    language: str = "zh-CN"
    category: str = "Met"
    event: str = ""
    response_type: str | None = None
    urgency: str = "Expected"
    severity: str = "Unknown"
    certainty: str = "Likely"
    event_code: tuple[str, str] | None = None
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str | None = None
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None
    parameters: list[tuple[str, str]] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)


def build(m: Message, tz: tzinfo) -> bytes:
    """The CAP 1.2 document of one message (UTF-8, with declaration), in the schema's order."""
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(root, "identifier", m.identifier)
    _sub(root, "sender", m.sender)
    _sub(root, "sent", cap_time(m.sent, tz))
    _sub(root, "status", m.status)
    _sub(root, "msgType", m.msg_type)
    _sub(root, "scope", m.scope)
    if m.note:
        _sub(root, "note", m.note)
    if m.references:
        _sub(root, "references", " ".join(f"{s},{i},{cap_time(t, tz)}" for s, i, t in m.references))
    info = _sub(root, "info")
    _sub(info, "language", m.language)
    _sub(info, "category", m.category)
    _sub(info, "event", m.event)
    if m.response_type:
        _sub(info, "responseType", m.response_type)
    _sub(info, "urgency", m.urgency)
    _sub(info, "severity", m.severity)
    _sub(info, "certainty", m.certainty)
    if m.event_code:
        ec = _sub(info, "eventCode")
        _sub(ec, "valueName", m.event_code[0])
        _sub(ec, "value", m.event_code[1])
    for tag, t in (("effective", m.effective), ("onset", m.onset), ("expires", m.expires)):
        if t is not None:
            _sub(info, tag, cap_time(t, tz))
    for tag, text in (("senderName", m.sender_name), ("headline", m.headline), ("description", m.description),
                      ("instruction", m.instruction), ("web", m.web), ("contact", m.contact)):
        if text:
            _sub(info, tag, text)
    for name, value in m.parameters:
        p = _sub(info, "parameter")
        _sub(p, "valueName", name)
        _sub(p, "value", value)
    for a in m.areas:
        area = _sub(info, "area")
        _sub(area, "areaDesc", a.desc or "预警区域")
        for ring in a.polygons:
            _sub(area, "polygon", polygon_text(ring))
        for lon, lat, r in a.circles:
            _sub(area, "circle", circle_text(lon, lat, r))
        for code in a.geocodes:
            g = _sub(area, "geocode")
            _sub(g, "valueName", GEOCODE_NAMES.get(len(code), "GB/T 2260"))
            _sub(g, "value", code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(doc: bytes) -> list[str]:
    """Schema errors of a document (empty: valid CAP 1.2)."""
    try:
        tree = etree.fromstring(doc, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"XML 格式错误：{exc}"]
    s = schema()
    if s.validate(tree):
        return []
    return [f"第 {e.line} 行：{e.message.replace('{' + NS + '}', '')}"  # type: ignore[attr-defined]
            for e in s.error_log]


# -- in ---------------------------------------------------------------------------------------------
@dataclass
class Parsed:
    """An external message as read, with every fault found (and repaired, in tolerant mode)."""

    identifier: str = ""
    sender: str = ""
    sent: datetime | None = None
    status: str = "Actual"
    msg_type: str = "Alert"
    references: list[tuple[str, str]] = field(default_factory=list)  # (sender, identifier)
    event: str = ""
    category: str = ""
    severity: str = "Unknown"
    colour: str | None = None
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    onset: datetime | None = None
    expires: datetime | None = None
    area_desc: str = ""
    polygons: list[list[list[float]]] = field(default_factory=list)  # rings of [lon, lat]
    circles: list[dict[str, float]] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)  # faults that stop even a tolerant import

    @property
    def ok(self) -> bool:
        return not self.fatal


def _local(e: etree._Element) -> str:
    return etree.QName(e).localname if isinstance(e.tag, str) else ""


def _children(e: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in e if _local(c) == name]


def _text(e: etree._Element, name: str) -> str:
    found = _children(e, name)
    return (found[0].text or "").strip() if found else ""


def _time(value: str, what: str, tz: tzinfo, faults: list[str]) -> datetime | None:
    if not value:
        return None
    v = value.strip()
    if v.endswith("Z"):
        faults.append(f"{what} 使用了 “Z” 表示 UTC（CAP 要求 +00:00 形式的时差）")
        v = v[:-1] + "+00:00"
    elif not _TIME.match(v):
        faults.append(f"{what} “{value}” 不符合 CAP 时间格式（应含秒和时差，如 2026-07-01T08:00:00+08:00）")
    try:
        t = datetime.fromisoformat(v.replace(" ", "T"))
    except ValueError:
        faults.append(f"{what} “{value}” 无法识别，已忽略")
        return None
    if t.tzinfo is None:
        faults.append(f"{what} 缺少时差，按本地时间理解")
        t = t.replace(tzinfo=tz)
    return t


def _polygon(text: str, i: int, faults: list[str]) -> list[list[float]] | None:
    try:
        pairs = [tuple(float(x) for x in p.split(",")) for p in text.split()]
        if any(len(p) != 2 for p in pairs):
            raise ValueError
    except ValueError:
        faults.append(f"第 {i} 个多边形坐标无法识别（应为 “纬度,经度” 以空格分隔），已忽略")
        return None
    if pairs and all(abs(a) > 90 for a, _ in pairs):
        faults.append(f"第 {i} 个多边形的坐标写成了 “经度,纬度”，已按 “纬度,经度” 纠正")
        pairs = [(b, a) for a, b in pairs]
    if pairs and pairs[0] != pairs[-1]:
        faults.append(f"第 {i} 个多边形未闭合（首尾点不同），已自动闭合")
        pairs.append(pairs[0])
    if len(pairs) < 4 or len(set(pairs)) < 3:
        faults.append(f"第 {i} 个多边形少于 4 个点，已忽略")
        return None
    return [[lon, lat] for lat, lon in pairs]


def _circle(text: str, i: int, faults: list[str]) -> dict[str, float] | None:
    try:
        centre, radius = text.split()
        lat, lon = (float(x) for x in centre.split(","))
        r_km = float(radius)
    except ValueError:
        faults.append(f"第 {i} 个圆无法识别（应为 “纬度,经度 半径公里”），已忽略")
        return None
    if r_km <= 0:
        faults.append(f"第 {i} 个圆的半径为 0，已忽略")
        return None
    return {"lon": lon, "lat": lat, "radius_m": r_km * 1000}


def parse(doc: bytes, *, strict: bool, tz: tzinfo) -> Parsed:
    """Read an external CAP message. Strict: schema errors and every repair are faults that reject;
    tolerant: the same are reported but the message is imported when its identity is readable."""
    out = Parsed()
    faults = out.faults
    try:
        root = etree.fromstring(doc, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        if strict:
            out.fatal.append(f"XML 格式错误：{exc}")
            return out
        root = etree.fromstring(doc, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
        if root is None:
            out.fatal.append(f"XML 格式错误，无法恢复：{exc}")
            return out
        faults.append(f"XML 格式错误，已尽量恢复：{exc}")
    if _local(root) != "alert":
        out.fatal.append(f"根元素应为 alert，收到 {_local(root) or '无'}")
        return out
    ns = etree.QName(root).namespace
    if ns != NS:
        faults.append(f"命名空间为 {ns or '（无）'}，应为 CAP 1.2（{NS}）" + ("，按 CAP 1.2 读取" if not strict else ""))
    elif (errors := validate(etree.tostring(root))):
        faults.extend(f"不符合 CAP 1.2 架构：{e}" for e in errors[:10])
    out.identifier = _text(root, "identifier")
    out.sender = _text(root, "sender")
    if not out.identifier:
        out.fatal.append("缺少 identifier（消息标识），无法去重")
    if not out.sender:
        out.fatal.append("缺少 sender（发布者），无法去重")
    sent = _time(_text(root, "sent"), "sent", tz, faults)
    if sent is None:
        out.fatal.append("缺少或无法识别 sent（发送时间）")
    out.sent = sent
    status = _text(root, "status") or "Actual"
    if status not in STATUSES:
        faults.append(f"status “{status}” 不是 CAP 取值，按 Actual 处理")
        status = "Actual"
    out.status = status
    msg_type = _text(root, "msgType") or "Alert"
    if msg_type not in MSG_TYPES:
        faults.append(f"msgType “{msg_type}” 不是 CAP 取值，按 Alert 处理")
        msg_type = "Alert"
    out.msg_type = msg_type
    refs = _text(root, "references")
    for ref in refs.split():
        parts = ref.split(",")
        if len(parts) >= 2:
            out.references.append((parts[0], parts[1]))
        else:
            faults.append(f"references 项 “{ref}” 格式应为 sender,identifier,sent")
    if msg_type in ("Update", "Cancel") and not out.references:
        faults.append(f"{msg_type} 消息缺少 references（被更新/撤销的消息）")
    infos = _children(root, "info")
    if not infos:
        if msg_type != "Cancel":
            out.fatal.append("缺少 info（预警内容），无法导入")
        _order_faults(root, faults)
        return _finish(out, strict)
    chosen = next((i for i in infos if _text(i, "language").lower().startswith("zh")), infos[0])
    if len(infos) > 1:
        faults.append(f"含 {len(infos)} 个 info 块，取语言为 {_text(chosen, 'language') or '未注明'} 的一块")
    out.event = _text(chosen, "event")
    out.category = _text(chosen, "category")
    if not out.event:
        faults.append("info 缺少 event（事件类型）")
    sev = _text(chosen, "severity") or "Unknown"
    if sev not in SEVERITIES:
        faults.append(f"severity “{sev}” 不是 CAP 取值，按 Unknown 处理")
        sev = "Unknown"
    out.severity = sev
    for p in _children(chosen, "parameter"):
        name, value = _text(p, "valueName"), _text(p, "value")
        if name.upper() in (COLOUR_PARAM, "COLOR", "预警颜色", "颜色级别") or "颜色" in name:
            out.colour = next((c for w, c in COLOUR_WORDS.items() if w in value.upper() or w in value), None)
    if out.colour is None:
        out.colour = COLOUR_OF_SEVERITY.get(sev)
        if out.colour is None:
            text = _text(chosen, "headline") + _text(chosen, "event")
            out.colour = next((c for w, c in COLOUR_WORDS.items() if w + "色" in text), None)
        if out.colour is None:
            faults.append("无法确定预警颜色级别（severity 为 Unknown 且无颜色参数）")
    out.headline = _text(chosen, "headline") or out.event
    if not _text(chosen, "headline"):
        faults.append("info 缺少 headline，以 event 代替")
    out.description = _text(chosen, "description")
    out.instruction = _text(chosen, "instruction")
    out.sender_name = _text(chosen, "senderName")
    out.onset = _time(_text(chosen, "onset") or _text(chosen, "effective"), "onset", tz, faults)
    out.expires = _time(_text(chosen, "expires"), "expires", tz, faults)
    areas = _children(chosen, "area")
    if not areas and msg_type != "Cancel":
        faults.append("info 缺少 area（预警区域）")
    descs = []
    n_poly = n_circle = 0
    for a in areas:
        if d := _text(a, "areaDesc"):
            descs.append(d)
        else:
            faults.append("area 缺少 areaDesc")
        for p in _children(a, "polygon"):
            n_poly += 1
            ring = _polygon((p.text or ""), n_poly, faults)
            if ring:
                out.polygons.append(ring)
        for c in _children(a, "circle"):
            n_circle += 1
            circ = _circle((c.text or ""), n_circle, faults)
            if circ:
                out.circles.append(circ)
        for g in _children(a, "geocode"):
            value = _text(g, "value")
            if value.isdigit() and len(value) in (6, 9, 12):
                out.divisions.append(value)
            elif value.isdigit() and len(value) in (8, 10, 11, 14, 15):  # zero-padded forms
                faults.append(f"geocode {value} 位数不符，已忽略")
            else:
                faults.append(f"geocode “{value}” 不是行政区划代码，已忽略")
    out.area_desc = "、".join(descs)
    _order_faults(root, faults)
    return _finish(out, strict)


_ALERT_ORDER = ["identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses",
                "code", "note", "references", "incidents", "info"]


def _order_faults(root: etree._Element, faults: list[str]) -> None:
    seen = [_local(c) for c in root if _local(c) in _ALERT_ORDER]
    ranks = [_ALERT_ORDER.index(n) for n in seen]
    if ranks != sorted(ranks):
        faults.append("alert 的子元素顺序不符合 CAP 1.2（已按名称读取）")


def _finish(out: Parsed, strict: bool) -> Parsed:
    if strict and out.faults:
        out.fatal.extend(out.faults)
    return out


def fixed_offset(hours: int) -> tzinfo:
    return timezone(timedelta(hours=hours))
