"""Recorded calls and the speech adapter through the HTTP API (SQLite and PostgreSQL): a fake engine
registered here proves the wiring (audio → transcript → extracted form); without an engine the recording
is kept, the answer says why in Chinese and text intake goes on; bad audio is refused with a Chinese 422.
Report drafts: saved before submitting."""

from __future__ import annotations

import io
import wave

import pytest
from sqlalchemy import func, select

from tests.integration.samples_incidents import make_incident, wav_bytes
from yingji.core.audit import AuditRecord
from yingji.incidents import speech
from yingji.incidents.models import Call

SAID = "喂，119吗？鼓楼区东街口这边一栋居民楼着火了，三楼好像有两个人被困"


class FakeEngine:
    """Hears the same sentence in every recording; remembers what it was given."""

    name = "fake-test"

    def __init__(self) -> None:
        self.heard: list[tuple[int, str]] = []

    def transcribe(self, audio: bytes, content_type: str) -> speech.Transcript:
        self.heard.append((len(audio), content_type))
        return speech.Transcript(text=SAID, confidence=0.87, engine=self.name, seconds=0.01)


def _configure(app, monkeypatch, **settings):  # type: ignore[no-untyped-def]
    """This test's settings (State keeps its attributes in ``_state``: patch the entry, not an attribute)."""
    monkeypatch.setitem(app.state._state, "settings", app.state.settings.model_copy(update=settings))


@pytest.fixture
def fake_engine(app, monkeypatch):  # type: ignore[no-untyped-def]
    engine = FakeEngine()
    speech.register_engine("fake-test", lambda model_path: engine)
    _configure(app, monkeypatch, speech_engine="fake-test")
    yield engine
    speech.unregister_engine("fake-test")


def _upload(client, content: bytes, name: str = "来电.wav", **data):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/incidents/calls/audio", files={"file": (name, content, "audio/wav")}, data=data)


def _msg(r) -> str:  # type: ignore[no-untyped-def]
    return r.json()["error"]["message"]


def _calls(database) -> int:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(Call))


def test_a_recording_is_transcribed_by_the_configured_engine_and_the_form_extracted(client_for, fake_engine):
    duty = client_for("county_officer", "350102")
    audio = wav_bytes(seconds=1.0)
    r = _upload(duty, audio, caller_number="13800000002")
    assert r.status_code == 201, r.text
    taken = r.json()
    assert fake_engine.heard == [(len(audio), "audio/wav")]
    t = taken["transcription"]
    assert t["status"] == "transcribed" and t["engine"] == "fake-test" and t["confidence"] == 0.87
    assert t["audio_seconds"] == 1.0 and "已自动转写" in t["message"]
    assert taken["call"]["transcript"] == SAID and taken["call"]["caller_number"] == "13800000002"
    form = taken["form"]
    assert form["type"]["value"] == "建筑火灾" and form["trapped"]["value"] == 2
    assert form["division_code"]["value"].startswith("350102")
    assert taken["grade"]["grade"] == "general"

    # the recording is kept and served back as it was uploaded
    got = duty.get(f"/api/v1/incidents/calls/{taken['call']['id']}/audio")
    assert got.status_code == 200 and got.content == audio
    assert got.headers["content-type"] == "audio/wav" and got.headers["x-content-type-options"] == "nosniff"
    assert client_for("county_officer", "350121").get(
        f"/api/v1/incidents/calls/{taken['call']['id']}/audio").status_code == 404

    # the call goes on like a typed one: the edited form makes the incident
    body = {"type": "建筑火灾", "place_text": "东街口", "division_code": form["division_code"]["value"],
            "trapped": 2, "call_id": taken["call"]["id"]}
    assert duty.post("/api/v1/incidents", json=body).status_code == 201


def test_typed_text_with_a_recording_wins_over_the_engine(client_for, fake_engine):
    duty = client_for("county_officer", "350102")
    r = _upload(duty, wav_bytes(), transcript="鼓楼区东街口发生交通事故，两车相撞，一人受伤")
    assert r.status_code == 201, r.text
    assert fake_engine.heard == [] and r.json()["transcription"]["status"] == "typed"
    assert r.json()["form"]["type"]["value"] == "交通事故"


def test_without_an_engine_the_recording_is_kept_and_the_text_is_typed_afterwards(client_for, database):
    duty = client_for("county_officer", "350102")
    audio = wav_bytes(seconds=0.8, rate=8000, channels=2, width=1)  # telephone quality, stereo, 8 bit
    r = _upload(duty, audio, caller_number="13800000003")
    assert r.status_code == 201, r.text
    taken = r.json()
    t = taken["transcription"]
    assert t["status"] == "not_configured" and taken["form"] is None and taken["grade"] is None
    assert "未配置语音识别引擎" in t["message"] and "录音已保存" in t["message"] and "输入文字" in t["message"]
    call_id = taken["call"]["id"]
    assert taken["call"]["transcript"] == "" and taken["call"]["audio_path"].endswith(".wav")
    assert duty.get(f"/api/v1/incidents/calls/{call_id}/audio").content == audio  # nothing lost
    with database.session() as s:
        actions = s.scalars(select(AuditRecord.action).where(AuditRecord.entity_type == "incident_call",
                                                             AuditRecord.entity_id == str(call_id))).all()
    assert actions == ["incident_call.audio_stored"]

    # the call-taker listens and types: the same call gets its text and the form
    r = duty.post(f"/api/v1/incidents/calls/{call_id}/transcript", json={"transcript": SAID})
    assert r.status_code == 200, r.text
    assert r.json()["call"]["id"] == call_id and r.json()["form"]["type"]["value"] == "建筑火灾"
    assert r.json()["call"]["audio_path"] == taken["call"]["audio_path"]
    r = duty.post(f"/api/v1/incidents/calls/{call_id}/transcript", json={"transcript": SAID})
    assert r.status_code == 409 and "已有来电内容" in _msg(r)

    # text intake never needed an engine
    r = duty.post("/api/v1/incidents/calls", json={"transcript": SAID})
    assert r.status_code == 201 and r.json()["form"]["type"]["value"] == "建筑火灾"


def test_a_configured_engine_that_cannot_load_says_why_and_keeps_the_recording(app, client_for, monkeypatch):
    _configure(app, monkeypatch, speech_engine="vosk", speech_model_path=None)
    r = _upload(client_for("county_officer", "350102"), wav_bytes())
    assert r.status_code == 201, r.text
    message = r.json()["transcription"]["message"]
    assert ("vosk 未安装" in message or "未配置语音识别模型目录" in message) and "录音已保存" in message
    assert r.json()["transcription"]["status"] == "not_configured"


def _float_wav() -> bytes:
    good = wav_bytes()
    return good[:20] + (3).to_bytes(2, "little") + good[22:]  # WAVE_FORMAT_IEEE_FLOAT


def _three_channels() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(3)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 3 * 100)
    return buf.getvalue()


@pytest.mark.parametrize("content,name,words", [
    (b"", "empty.wav", "录音文件为空"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "来电.wav", "只能上传 WAV"),  # the name says WAV, the content does not
    (b"ID3\x03\x00" + b"\0" * 200, "call.mp3", "只能上传 WAV"),
    (wav_bytes()[:-4000], "cut.wav", "不完整"),
    (wav_bytes()[:30], "header.wav", "损坏或不完整"),
    (_float_wav(), "float.wav", "PCM"),
    (_three_channels(), "surround.wav", "声道"),
])
def test_bad_audio_is_refused_in_chinese_and_nothing_is_stored(client_for, database, fake_engine, content, name,
                                                                words):
    duty = client_for("county_officer", "350102")
    before = _calls(database)
    r = _upload(duty, content, name=name)
    assert r.status_code == 422, r.text
    assert words in _msg(r), r.json()
    assert fake_engine.heard == [] and _calls(database) == before


def test_a_recording_over_the_size_limit_is_refused(app, client_for, monkeypatch):
    _configure(app, monkeypatch, speech_max_audio_bytes=4096)
    r = _upload(client_for("county_officer", "350102"), wav_bytes(seconds=1.0))
    assert r.status_code == 422 and "不能超过" in _msg(r)


def test_read_only_users_cannot_upload_recordings(client_for):
    r = _upload(client_for("leader", "350100"), wav_bytes())
    assert r.status_code == 403


# --- report drafts ---------------------------------------------------------------------------------

def test_a_report_draft_is_saved_before_it_is_submitted(client_for, database):
    duty = client_for("county_officer", "350102")
    iid = make_incident(database)
    rep = duty.post(f"/api/v1/incidents/{iid}/reports", json={"kind": "first"}).json()
    edited = rep["text"] + "\n现场已疏散周边群众 30 人。"
    r = duty.put(f"/api/v1/incidents/reports/{rep['id']}", json={"text": edited})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == edited and r.json()["submitted_at"] is None
    detail = duty.get(f"/api/v1/incidents/{iid}").json()
    assert next(x for x in detail["reports"] if x["id"] == rep["id"])["text"] == edited
    assert any(e["text"].startswith("修改首报草稿") for e in detail["timeline"])
    with database.session() as s:
        a = s.scalars(select(AuditRecord).where(AuditRecord.action == "incident_report.draft_saved",
                                                AuditRecord.entity_id == str(rep["id"]))).one()
        assert a.before["text"] == rep["text"] and a.after["text"] == edited

    r = duty.put(f"/api/v1/incidents/reports/{rep['id']}", json={"text": edited})
    assert r.status_code == 409 and "没有修改" in _msg(r)
    r = duty.put(f"/api/v1/incidents/reports/{rep['id']}", json={"text": ""})
    assert r.status_code == 422 and _msg(r)
    assert client_for("county_officer", "350121").put(
        f"/api/v1/incidents/reports/{rep['id']}", json={"text": "越权"}).status_code == 404
    assert client_for("leader", "350100").put(
        f"/api/v1/incidents/reports/{rep['id']}", json={"text": "只读"}).status_code == 403

    # submitting without text sends the saved draft; a submitted report is no longer edited
    r = duty.post(f"/api/v1/incidents/reports/{rep['id']}/submit", json={})
    assert r.status_code == 200 and r.json()["text"] == edited
    r = duty.put(f"/api/v1/incidents/reports/{rep['id']}", json={"text": edited + "再改"})
    assert r.status_code == 403 and "已报送" in _msg(r)
