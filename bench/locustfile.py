"""Locust scenario: duty officers reading the city risk map and the hazard list.

Each simulated user is an officer with an API token (city, county or township scope, from
``YINGJI_LOAD_TOKENS``, comma-separated, handed out round-robin) who alternates between the risk
map (whole scope, or one level filter) and a page of the hazard list, with a think time of 1–3 s
between requests (``YINGJI_LOAD_THINK``, "min,max" seconds).

``YINGJI_LOAD_BROWSER=1`` makes the users behave like browsers: they accept gzip and revalidate
what they already have with ``If-None-Match`` (a 304 counts as a served request). Without it they
behave like the clients measured before HTTP caching existed: no compression, every answer
computed and sent in full.

Run by ``bench/load.py``; alone: ``locust -f bench/locustfile.py --headless -u 50 -r 50 -t 30s
--host http://127.0.0.1:8000`` with the environment variables above.
"""

from __future__ import annotations

import itertools
import os
import random

from locust import FastHttpUser, between, task

TOKENS = [t for t in os.environ.get("YINGJI_LOAD_TOKENS", "").split(",") if t]
BROWSER = os.environ.get("YINGJI_LOAD_BROWSER", "1") == "1"
THINK = tuple(float(x) for x in os.environ.get("YINGJI_LOAD_THINK", "1,3").split(","))
LEVELS = [None, None, "major", "significant"]
_next = itertools.count()
_rng = random.Random(20261130)


class Officer(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        if not TOKENS:
            raise RuntimeError("YINGJI_LOAD_TOKENS is empty")
        self.token = TOKENS[next(_next) % len(TOKENS)]
        self.etags: dict[str, str] = {}

    def _get(self, url: str, name: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}",
                   "Accept-Encoding": "gzip" if BROWSER else "identity"}
        if BROWSER and url in self.etags:
            headers["If-None-Match"] = self.etags[url]
        with self.client.get(url, headers=headers, name=name, catch_response=True) as resp:
            if resp.status_code == 200:
                if BROWSER and resp.headers.get("etag"):
                    self.etags[url] = resp.headers["etag"]
                resp.success()
            elif resp.status_code == 304 and BROWSER:
                resp.success()
            else:
                resp.failure(f"HTTP {resp.status_code}")

    @task
    def risk_map(self) -> None:
        level = _rng.choice(LEVELS)
        self._get("/api/v1/risk/map" + (f"?level={level}" if level else ""), "风险一张图 /api/v1/risk/map")

    @task
    def hazard_list(self) -> None:
        page = _rng.randint(1, 5)
        self._get(f"/api/v1/hazards?page={page}&page_size=20", "隐患列表 /api/v1/hazards")
