"""Jurisdiction-walk samples of the duty domain (records in county A: 鼓楼区 350102)."""

from __future__ import annotations

WRITE_BODIES = {
    ("POST", "/api/v1/duty/roster"): lambda ctx: {"division_code": "350102", "day": "2026-12-01", "role": "officer",
                                                  "name": "越权值班员"},
    ("POST", "/api/v1/duty/handovers"): lambda ctx: {"division_code": "350102", "from_name": "甲", "to_name": "乙"},
    ("POST", "/api/v1/duty/log"): lambda ctx: {"division_code": "350102", "text": "越权日志"},
}
