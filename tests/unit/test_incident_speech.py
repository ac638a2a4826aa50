"""The speech adapter without a server: WAV checks by content, sample conversion, the engine registry
(none / unknown / vosk without a model / a registered engine, loaded once), and — opt-in — a real
Vosk model when ``YINGJI_SPEECH_MODEL_PATH`` names one (none ships with the project, none is downloaded)."""

from __future__ import annotations

import os
import wave
from io import BytesIO
from pathlib import Path

import pytest

from tests.integration.samples_incidents import wav_bytes
from yingji.core.errors import ValidationFailed
from yingji.incidents import speech


@pytest.mark.parametrize("rate,channels,width", [(8000, 1, 2), (16000, 1, 2), (44100, 2, 2), (8000, 2, 1)])
def test_pcm_wav_files_are_accepted_and_described(rate, channels, width):
    info = speech.check_wav(wav_bytes(seconds=0.25, rate=rate, channels=channels, width=width))
    assert (info.content_type, info.extension) == ("audio/wav", ".wav")
    assert (info.sample_rate, info.channels, info.sample_width) == (rate, channels, width)
    assert info.seconds == pytest.approx(0.25, abs=1e-3)


def _no_frames() -> bytes:
    buf = BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
    return buf.getvalue()


@pytest.mark.parametrize("content,words", [
    (b"", "为空"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "损坏或不完整"),
    (b"OggS" + b"\0" * 100, "只能上传 WAV"),
    (wav_bytes(rate=16000)[:-100], "不完整"),
    (_no_frames(), "没有声音数据"),
])
def test_anything_else_is_refused_with_a_chinese_message(content, words):
    with pytest.raises(ValidationFailed) as err:
        speech.check_wav(content)
    assert words in err.value.message and err.value.field == "file"


def test_limits_of_size_rate_and_length():
    with pytest.raises(ValidationFailed, match="不能超过"):
        speech.check_wav(wav_bytes(seconds=1), speech.AudioLimits(max_bytes=1000))
    with pytest.raises(ValidationFailed, match="最长"):
        speech.check_wav(wav_bytes(seconds=2), speech.AudioLimits(max_seconds=1))
    with pytest.raises(ValidationFailed, match="采样率"):
        speech.check_wav(wav_bytes(seconds=0.1, rate=96000))


def test_samples_become_16_bit_mono_for_the_engines():
    pcm, rate = speech.pcm16_mono(wav_bytes(seconds=0.5, rate=8000, channels=2, width=1))
    assert rate == 8000 and len(pcm) == 4000 * 2
    mono, _ = speech.pcm16_mono(wav_bytes(seconds=0.5, rate=8000, channels=1, width=2))
    assert mono == speech.pcm16_mono(wav_bytes(seconds=0.5, rate=8000, channels=2, width=2))[0]


def test_chinese_words_are_joined_and_other_words_kept_apart():
    assert speech.join_cjk(" 鼓楼 区  东街口 着火 了 ") == "鼓楼区东街口着火了"
    assert speech.join_cjk("三 楼 有 two people 被困") == "三楼有 two people 被困"


def test_no_engine_unknown_engine_and_vosk_without_a_model_say_why(tmp_path):
    assert speech.resolve("none", None) == (None, speech.NOT_CONFIGURED)
    engine, why = speech.resolve("whisperx", None)
    assert engine is None and "不可用" in why and "vosk" in why
    engine, why = speech.resolve("vosk", None)
    assert engine is None and "YINGJI_SPEECH_MODEL_PATH" in why
    engine, why = speech.resolve("vosk", tmp_path / "missing")
    assert engine is None and "模型目录不存在" in why
    engine, why = speech.resolve("vosk", tmp_path)  # a directory, but no model in it
    assert engine is None and ("vosk 未安装" in why or "无法加载" in why)


def test_a_registered_engine_is_loaded_once_per_model_path(tmp_path):
    loads: list[Path | None] = []

    class Echo:
        name = "echo"

        def transcribe(self, audio: bytes, content_type: str) -> speech.Transcript:
            return speech.Transcript(f"{len(audio)} 字节", 1.0, self.name, 0.0)

    def factory(model_path: Path | None) -> Echo:
        loads.append(model_path)
        return Echo()

    speech.register_engine("echo", factory)
    try:
        a, why = speech.resolve("echo", tmp_path)
        b, _ = speech.resolve("ECHO", tmp_path)
        assert a is b and why == "" and loads == [tmp_path]
        assert a.transcribe(b"1234", "audio/wav").text == "4 字节"
        assert "echo" in speech.engine_names()
    finally:
        speech.unregister_engine("echo")
    assert speech.resolve("echo", tmp_path)[0] is None


@pytest.mark.skipif(not os.environ.get("YINGJI_SPEECH_MODEL_PATH"),
                    reason="no local Vosk model: set YINGJI_SPEECH_MODEL_PATH to an unpacked model directory "
                           "(e.g. vosk-model-small-cn-0.22) and pip install 'yingji[speech]'; nothing is downloaded")
def test_a_real_vosk_model_transcribes_a_recording():
    pytest.importorskip("vosk", reason="vosk is not installed (pip install 'yingji[speech]')")
    engine, why = speech.resolve("vosk", Path(os.environ["YINGJI_SPEECH_MODEL_PATH"]))
    assert engine is not None, why
    sample = os.environ.get("YINGJI_SPEECH_TEST_WAV")  # optional: a recording of Chinese speech
    audio = Path(sample).read_bytes() if sample else wav_bytes(seconds=1.0)
    t = engine.transcribe(audio, "audio/wav")
    assert t.engine == "vosk" and isinstance(t.text, str) and 0.0 <= t.confidence <= 1.0 and t.seconds >= 0
    if sample:
        assert t.text, "the model heard nothing in YINGJI_SPEECH_TEST_WAV"
