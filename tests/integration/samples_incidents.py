"""Jurisdiction-walk samples of the incidents domain (records in county A: 鼓楼区 350102 / 350102001)."""

from __future__ import annotations

from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

TOWNSHIP_A = "350102001"
TRANSCRIPT = "鼓楼区东街口附近一栋居民楼着火了，三楼有两个人被困，快来"


def wav_bytes(seconds: float = 0.5, rate: int = 16000, channels: int = 1, width: int = 2) -> bytes:
    """A small PCM WAV recording (a 440 Hz tone), written with the standard library."""
    import io
    import math
    import wave

    frames = int(seconds * rate)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        peak = 127 if width == 1 else 8000
        samples = (int(peak * math.sin(2 * math.pi * 440 * n / rate)) for n in range(frames))
        if width == 1:
            data = bytes((x + 128) for x in samples for _ in range(channels))
        else:
            data = b"".join(x.to_bytes(2, "little", signed=True) * channels for x in samples)
        w.writeframes(data)
    return buf.getvalue()


class FakeExtraction:
    """A stand-in for ``incidents.extract.extract`` (the fixtures need no segmenter)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def value(self, key: str) -> Any:
        return self.values.get(key)

    def to_dict(self) -> dict[str, Any]:
        return {k: {"value": v, "confidence": 0.9, "evidence": str(v)} for k, v in self.values.items()}


def fake_extractor(text: str) -> FakeExtraction:
    return FakeExtraction({"type": "建筑火灾", "category": "事故灾难", "place_text": "东街口", "county": "鼓楼区",
                           "trapped": 2, "injured": None, "dead": None, "hazards": ["高层"], "keywords": ["有人被困"]})


def no_places(text: str, near: Any) -> list[Any]:
    return []


def make_incident(db: Database, division_code: str = TOWNSHIP_A, type_: str = "建筑火灾", **extra: Any) -> int:
    from yingji.incidents import actions
    from yingji.incidents.schemas import IncidentIn

    with db.session() as s:
        i = actions.create_incident(s, system_principal(), IncidentIn(
            type=type_, category="事故灾难", place_text="东街口", division_code=division_code, lon=119.2966,
            lat=26.0866, **extra))
        return i.id


def _incident(db: Database, ctx: dict[str, Any]) -> int:
    if "incident_id" not in ctx:
        ctx["incident_id"] = make_incident(db)
    return ctx["incident_id"]


def _call(db: Database, ctx: dict[str, Any]) -> int:
    if "call_id" not in ctx:
        from yingji.incidents import actions
        from yingji.incidents.schemas import CallIn

        with db.session() as s:
            taken = actions.take_call(s, system_principal(), CallIn(transcript=TRANSCRIPT),
                                      extractor=fake_extractor, locator=no_places)
            ctx["call_id"] = taken["call"].id
    return ctx["call_id"]


def _report(db: Database, ctx: dict[str, Any]) -> int:
    if "report_id" not in ctx:
        from yingji.incidents import actions
        from yingji.incidents.schemas import ReportIn, ReportSubmitIn

        with db.session() as s:
            r = actions.generate_report(s, system_principal(), _incident(db, ctx), ReportIn(kind="first"))
            actions.submit_report(s, system_principal(), r.id, ReportSubmitIn())
            ctx["report_id"] = r.id
    return ctx["report_id"]


PATH_SAMPLES = {"incident_id": _incident, "call_id": _call, "report_id": _report}

WRITE_BODIES = {
    ("POST", "/api/v1/incidents"): lambda ctx: {"type": "建筑火灾", "division_code": TOWNSHIP_A, "place_text": "越权"},
    ("POST", "/api/v1/incidents/calls"): lambda ctx: {"transcript": TRANSCRIPT},
    ("POST", "/api/v1/incidents/calls/{call_id}/merge"): lambda ctx: {"incident_id": ctx.get("incident_id", 1)},
    ("POST", "/api/v1/incidents/calls/audio"): lambda ctx: {
        "__files__": {"file": ("call.wav", wav_bytes(), "audio/wav")}, "__data__": {"transcript": TRANSCRIPT}},
    ("POST", "/api/v1/incidents/calls/{call_id}/transcript"): lambda ctx: {"transcript": TRANSCRIPT},
    ("PUT", "/api/v1/incidents/reports/{report_id}"): lambda ctx: {"text": "越权修改"},
    ("POST", "/api/v1/incidents/reports/{report_id}/submit"): lambda ctx: {},
    ("POST", "/api/v1/incidents/reports/{report_id}/receive"): lambda ctx: {"received_by": "越权签收"},
    ("PUT", "/api/v1/incidents/{incident_id}/counts"): lambda ctx: {"dead": 1},
    ("POST", "/api/v1/incidents/{incident_id}/status"): lambda ctx: {"status": "handling"},
    ("POST", "/api/v1/incidents/{incident_id}/reports"): lambda ctx: {"kind": "first"},
}
