"""Speech recognition of recorded calls, behind a small adapter.

* :class:`SpeechEngine` — the contract: ``transcribe(audio_bytes, content_type) -> Transcript``.
* :func:`check_wav` — the audio accepted (WAV, PCM 8/16 bit, mono or stereo, 8–48 kHz), checked by
  its content (the RIFF/WAVE header and every frame), never by its name or claimed type.
* The registry — ``YINGJI_SPEECH_ENGINE`` names the engine (``none`` by default; ``vosk`` built in;
  tests and deployments may :func:`register_engine` their own) and ``YINGJI_SPEECH_MODEL_PATH`` the
  local model directory. :func:`resolve` answers the engine, or ``None`` and the Chinese reason why
  transcription is not available — so text intake always works and nothing is downloaded at run
  time: an engine library is an *optional* import (``pip install 'yingji[speech]'``) and only ever
  loads a model from a local directory.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

from yingji.core.errors import ValidationFailed

log = logging.getLogger(__name__)

WAV_TYPE = ("audio/wav", ".wav")
ENGINE_LABELS = {"none": "未启用", "vosk": "Vosk（本地离线识别）"}
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3400-\u9fff\uff00-\uffef])")


@dataclass(frozen=True)
class Transcript:
    """What an engine heard: the text, its confidence (0–1), the engine's name, seconds it took."""

    text: str
    confidence: float
    engine: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SpeechEngine(Protocol):
    """A speech-recognition engine (Chinese speech → text)."""

    name: str

    def transcribe(self, audio: bytes, content_type: str) -> Transcript: ...


@dataclass(frozen=True)
class AudioLimits:
    max_bytes: int = 30 * 1024 * 1024
    max_seconds: float = 3600.0


@dataclass(frozen=True)
class AudioInfo:
    """What an uploaded recording turned out to be."""

    content_type: str
    extension: str
    size: int
    channels: int
    sample_width: int  # bytes per sample
    sample_rate: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def check_wav(content: bytes, limits: AudioLimits | None = None) -> AudioInfo:
    """Validate a whole recording; raise :class:`ValidationFailed` (field ``file``, Chinese) unless it is
    an intact PCM WAV file within the limits."""
    limits = limits or AudioLimits()
    if not content:
        raise _fail("录音文件为空")
    if len(content) > limits.max_bytes:
        raise _fail(f"录音文件不能超过 {limits.max_bytes / 1024 / 1024:g} MB")
    if not (content[:4] == b"RIFF" and content[8:12] == b"WAVE"):
        raise _fail("只能上传 WAV 格式的录音（文件内容不是 WAV）")
    try:
        with wave.open(BytesIO(content), "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            data = w.readframes(frames)
    except wave.Error as exc:
        if "unknown format" in str(exc):
            raise _fail("只接受 PCM 编码的 WAV 录音（8 位或 16 位），请转换后再上传") from None
        raise _fail("录音文件已损坏或不完整，无法读取") from None
    except (EOFError, struct.error, ValueError, OSError):  # a broken header
        raise _fail("录音文件已损坏或不完整，无法读取") from None
    if width not in (1, 2):
        raise _fail(f"只接受 8 位或 16 位 PCM 的 WAV 录音（该文件为 {width * 8} 位）")
    if channels not in (1, 2):
        raise _fail(f"只接受单声道或双声道的录音（该文件为 {channels} 声道）")
    if not 8000 <= rate <= 48000:
        raise _fail(f"录音采样率须在 8000–48000 Hz 之间（该文件为 {rate} Hz）")
    if frames == 0:
        raise _fail("录音中没有声音数据")
    if len(data) < frames * channels * width:
        raise _fail("录音文件不完整（数据被截断）")
    if frames / rate > limits.max_seconds:
        raise _fail(f"录音过长（{frames / rate / 60:.0f} 分钟），最长 {limits.max_seconds / 60:g} 分钟")
    return AudioInfo(WAV_TYPE[0], WAV_TYPE[1], len(content), channels, width, rate, frames)


def pcm16_mono(audio: bytes) -> tuple[bytes, int]:
    """A WAV file's samples as 16-bit little-endian mono PCM, and its sample rate (what engines want)."""
    import numpy as np

    with wave.open(BytesIO(audio), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) * 256
    else:
        samples = np.frombuffer(raw, dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples.astype("<i2").tobytes(), rate


def join_cjk(text: str) -> str:
    """Engines write Chinese words apart ("鼓楼 区 东街口"); the extraction reads it written together."""
    return _CJK_GAP.sub("", " ".join(text.split()))


# --- engines ---------------------------------------------------------------------------------------

class EngineUnavailable(Exception):
    """The configured engine cannot run here; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VoskEngine:
    """Vosk (Kaldi) — offline, CPU, models from https://alphacephei.com/vosk/models (e.g.
    ``vosk-model-small-cn-0.22``), unpacked by the operator into a local directory."""

    name = "vosk"

    def __init__(self, model_path: Path) -> None:
        try:
            import vosk
        except ImportError:
            raise EngineUnavailable("语音识别引擎 vosk 未安装（运维人员可执行 pip install 'yingji[speech]'）") from None
        vosk.SetLogLevel(-1)
        try:
            # a model *path* only: vosk downloads when given a model name or language, never from a path
            self._model = vosk.Model(model_path=str(model_path))
        except Exception as exc:  # noqa: BLE001 - vosk raises a bare Exception for a bad model
            log.warning("vosk could not load the model at %s: %s", model_path, exc)
            raise EngineUnavailable("语音识别模型无法加载，请检查 YINGJI_SPEECH_MODEL_PATH 指向的模型目录") from None
        self._vosk = vosk

    def transcribe(self, audio: bytes, content_type: str) -> Transcript:
        started = time.perf_counter()
        pcm, rate = pcm16_mono(audio)
        rec = self._vosk.KaldiRecognizer(self._model, rate)
        rec.SetWords(True)
        parts: list[dict[str, Any]] = []
        step = rate  # bytes: half a second of 16-bit mono samples
        for i in range(0, len(pcm), step):
            if rec.AcceptWaveform(pcm[i:i + step]):
                parts.append(json.loads(rec.Result()))
        parts.append(json.loads(rec.FinalResult()))
        text = join_cjk("".join(p.get("text", "") + " " for p in parts))
        confs = [w["conf"] for p in parts for w in p.get("result", []) if "conf" in w]
        return Transcript(text, round(sum(confs) / len(confs), 3) if confs else 0.0, self.name,
                          round(time.perf_counter() - started, 3))


EngineFactory = Callable[[Path | None], SpeechEngine]


def _vosk(model_path: Path | None) -> SpeechEngine:
    if model_path is None:
        raise EngineUnavailable("未配置语音识别模型目录（YINGJI_SPEECH_MODEL_PATH）")
    if not Path(model_path).is_dir():
        raise EngineUnavailable("语音识别模型目录不存在，请检查 YINGJI_SPEECH_MODEL_PATH")
    return VoskEngine(Path(model_path))


_FACTORIES: dict[str, EngineFactory] = {"vosk": _vosk}
_LOADED: dict[tuple[str, str], SpeechEngine] = {}
_LOCK = threading.Lock()


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make an engine available under ``name`` (``YINGJI_SPEECH_ENGINE=name``); replaces one of that name."""
    with _LOCK:
        _FACTORIES[name] = factory
        for key in [k for k in _LOADED if k[0] == name]:
            del _LOADED[key]


def unregister_engine(name: str) -> None:
    with _LOCK:
        _FACTORIES.pop(name, None)
        for key in [k for k in _LOADED if k[0] == name]:
            del _LOADED[key]


def engine_names() -> list[str]:
    return ["none", *sorted(_FACTORIES)]


NOT_CONFIGURED = "未配置语音识别引擎（YINGJI_SPEECH_ENGINE），无法自动转写"


def resolve(engine: str, model_path: Path | None) -> tuple[SpeechEngine | None, str]:
    """The engine to use, loaded once per process; or ``(None, why not)`` in Chinese."""
    name = (engine or "none").strip().lower()
    if name == "none":
        return None, NOT_CONFIGURED
    key = (name, str(model_path or ""))
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key], ""
        factory = _FACTORIES.get(name)
        if factory is None:
            return None, f"语音识别引擎“{name}”不可用（可选：{'、'.join(engine_names())}）"
        try:
            loaded = factory(model_path)
        except EngineUnavailable as exc:
            return None, exc.message
        _LOADED[key] = loaded
        return loaded, ""
