"""Extraction of an incident form from a call transcript (接警语义抽取) — pure: no ORM, no web.

``extract(text)`` returns an :class:`Extraction` whose ``fields`` hold, per form field, the value,
a confidence in 0..1 and the evidence (the words of the transcript that gave it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FIELD_KEYS = ("type", "category", "place_text", "county", "trapped", "injured", "dead", "hazards", "keywords")


@dataclass(frozen=True)
class Field:
    value: Any
    confidence: float
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 3), "evidence": self.evidence}


@dataclass(frozen=True)
class Extraction:
    fields: dict[str, Field] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        f = self.fields.get(key)
        return f.value if f else None

    def to_dict(self) -> dict[str, Any]:
        return {k: f.to_dict() for k, f in self.fields.items()}


def extract(text: str, *, gazetteer_names: Iterable[str] | None = None) -> Extraction:
    empty = {k: Field(None, 0.0) for k in FIELD_KEYS}
    empty["hazards"] = Field([], 0.0)
    empty["keywords"] = Field([], 0.0)
    return Extraction(empty)
