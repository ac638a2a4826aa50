"""A sample call for every action of the incidents domain (see test_actions_walk.py)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.integration.samples_incidents import TOWNSHIP_A, TRANSCRIPT, fake_extractor, no_places, wav_bytes
from yingji.core.auth import system_principal

SYSTEM = system_principal()
_n = itertools.count(1)


def SAMPLES(tmp_path: Any) -> dict[str, Any]:
    from yingji.incidents import actions
    from yingji.incidents.schemas import (
        AudioCallIn,
        CallIn,
        CountsIn,
        IncidentIn,
        MergeIn,
        ReceiveIn,
        ReportDraftIn,
        ReportIn,
        ReportSubmitIn,
        StatusIn,
        TranscriptIn,
    )

    def incident(s: Any) -> int:
        return actions.create_incident(s, SYSTEM, IncidentIn(type="建筑火灾", division_code=TOWNSHIP_A,
                                                             place_text=f"动作巡检{next(_n)}")).id

    def call(s: Any) -> int:
        return actions.take_call(s, SYSTEM, CallIn(transcript=TRANSCRIPT), extractor=fake_extractor,
                                 locator=no_places)["call"].id

    def report(s: Any, submitted: bool = False) -> int:
        r = actions.generate_report(s, SYSTEM, incident(s), ReportIn(kind="first"))
        if submitted:
            actions.submit_report(s, SYSTEM, r.id, ReportSubmitIn())
        return r.id

    def merge(s: Any, ctx: dict[str, Any]) -> Any:
        cid, iid = call(s), incident(s)
        return lambda: actions.merge_call(s, SYSTEM, cid, MergeIn(incident_id=iid))

    def counts(s: Any, ctx: dict[str, Any]) -> Any:
        iid = incident(s)
        return lambda: actions.update_counts(s, SYSTEM, iid, CountsIn(dead=3))

    def status(s: Any, ctx: dict[str, Any]) -> Any:
        iid = incident(s)
        return lambda: actions.change_status(s, SYSTEM, iid, StatusIn(status="handling"))

    def generate(s: Any, ctx: dict[str, Any]) -> Any:
        iid = incident(s)
        return lambda: actions.generate_report(s, SYSTEM, iid, ReportIn(kind="first"))

    def submit(s: Any, ctx: dict[str, Any]) -> Any:
        rid = report(s)
        return lambda: actions.submit_report(s, SYSTEM, rid, ReportSubmitIn())

    def receive(s: Any, ctx: dict[str, Any]) -> Any:
        rid = report(s, submitted=True)
        return lambda: actions.receive_report(s, SYSTEM, rid, ReceiveIn(received_by="市应急局值班室"))

    def audio_call(s: Any, ctx: dict[str, Any]) -> Any:
        return lambda: actions.take_audio_call(s, SYSTEM, AudioCallIn(caller_number="110"), wav_bytes(),
                                               data_dir=tmp_path, extractor=fake_extractor, locator=no_places)

    def transcript(s: Any, ctx: dict[str, Any]) -> Any:
        cid = actions.take_audio_call(s, SYSTEM, AudioCallIn(), wav_bytes(), data_dir=tmp_path)["call"].id
        return lambda: actions.enter_transcript(s, SYSTEM, cid, TranscriptIn(transcript=TRANSCRIPT),
                                                extractor=fake_extractor, locator=no_places)

    def draft(s: Any, ctx: dict[str, Any]) -> Any:
        rid = report(s)
        return lambda: actions.save_report_draft(s, SYSTEM, rid, ReportDraftIn(text=f"【首报】修改稿{next(_n)}"))

    return {
        "yingji.incidents.actions.take_audio_call": audio_call,
        "yingji.incidents.actions.enter_transcript": transcript,
        "yingji.incidents.actions.save_report_draft": draft,
        "yingji.incidents.actions.take_call": lambda s, ctx: lambda: actions.take_call(
            s, SYSTEM, CallIn(transcript=TRANSCRIPT), extractor=fake_extractor, locator=no_places),
        "yingji.incidents.actions.create_incident": lambda s, ctx: lambda: incident(s),
        "yingji.incidents.actions.merge_call": merge,
        "yingji.incidents.actions.update_counts": counts,
        "yingji.incidents.actions.change_status": status,
        "yingji.incidents.actions.generate_report": generate,
        "yingji.incidents.actions.submit_report": submit,
        "yingji.incidents.actions.receive_report": receive,
    }
