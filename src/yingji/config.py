"""One typed settings object, read from the environment (prefix ``YINGJI_``)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YINGJI_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="SQLite file, uploads, demo credentials")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/yingji.db. "
        "Production: postgresql+psycopg://user@host/db",
    )
    bus_url: str = Field(
        default="memory://",
        description="event broker: memory:// (in-process) or redis://host:6379/0",
    )
    bus_channel: str = Field(default="yingji.events", description="Redis channel of this installation's events")
    admin_password: str | None = Field(
        default=None, description="password of the first administrator (else generated and printed once)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    timezone: str = "Asia/Shanghai"
    session_max_age: int = Field(default=12 * 3600, ge=60, description="web session absolute lifetime, seconds")
    session_idle_timeout: int = Field(default=2 * 3600, ge=60,
                                      description="a web session ends after this long without a request, seconds")
    session_touch_interval: int = Field(default=300, ge=1,
                                        description="write a session's 'last seen' at most this often, seconds")
    secure_cookies: bool = Field(default=False, description="always mark cookies Secure (HTTPS deployments); "
                                 "without it they are Secure when the request came over HTTPS")
    forwarded_allow_ips: str = Field(default="127.0.0.1", description="reverse proxies whose X-Forwarded-For/"
                                     "-Proto `yingji serve` trusts (comma-separated addresses/networks, or *)")
    hsts_max_age: int = Field(default=180 * 24 * 3600, ge=0,
                              description="Strict-Transport-Security max-age on HTTPS responses (0: none)")
    csp_enabled: bool = Field(default=True, description="send the Content-Security-Policy header; switch it off "
                              "only in tests that prove the escaping itself (XSS sweep)")
    login_max_failures: int = Field(default=5, ge=1, description="failed logins per account within "
                                    "login_failure_window before the account is locked for a while")
    login_max_failures_per_ip: int = Field(default=20, ge=1, description="failed logins per client address "
                                           "within login_failure_window before the address is locked")
    login_failure_window: int = Field(default=900, ge=1, description="seconds over which failures are counted")
    login_lockout: int = Field(default=900, ge=1, description="first lockout, seconds; doubles with each "
                               "further lockout of the same account or address")
    login_lockout_max: int = Field(default=6 * 3600, ge=1, description="longest lockout, seconds")
    token_default_days: int = Field(default=90, ge=1, description="API token lifetime when none is asked for")
    token_max_days: int = Field(default=365, ge=1, description="longest API token lifetime a user may ask for")
    upload_max_pixels: int = Field(default=60_000_000, ge=1,
                                   description="largest image (width x height) accepted, against decompression bombs")
    upload_pdf_max_pages: int = Field(default=500, ge=1, description="most pages a PDF upload may have")
    speech_engine: str = Field(default="none", max_length=32, description="speech recognition of recorded "
                               "calls: none (text only) or vosk (pip install 'yingji[speech]'); never downloads")
    speech_model_path: Path | None = Field(default=None, description="local directory of the speech model "
                                           "(e.g. an unpacked vosk-model-small-cn-0.22)")
    speech_max_audio_bytes: int = Field(default=30 * 1024 * 1024, ge=1024,
                                        description="largest call recording (WAV) accepted, bytes")
    speech_max_seconds: float = Field(default=3600.0, gt=0, description="longest call recording accepted, seconds")
    docs: Literal["on", "login", "off"] = Field(default="on", description="/docs and /openapi.json: open, "
                                                 "for signed-in users only, or not served")
    metrics: Literal["on", "token", "off"] = Field(default="on", description="/metrics: open, restricted to "
                                                    "metrics_token / metrics_allow, or not served")
    metrics_token: str | None = Field(default=None, description="bearer token Prometheus sends for /metrics")
    metrics_allow: str = Field(default="", description="addresses/networks that may read /metrics without "
                               "the token (comma-separated, e.g. 10.0.0.5,192.168.10.0/24)")
    frontend_dir: Path = Field(default=PROJECT_ROOT / "frontend" / "node_modules")
    reference_data: Path = Field(default=PROJECT_ROOT / "data" / "fuzhou")
    city_code: str = Field(default="350100", description="the city this installation serves")
    # --- serving and load (docs/operations.md, "Production deployment") ---
    workers: int = Field(default=1, ge=1, le=64, description="web worker processes of `yingji serve`")
    threads: int = Field(default=40, ge=1, le=400, description="request threads per worker process")
    queue_timeout: float = Field(
        default=60.0, gt=0, description="seconds a request may wait for one of the threads before 503")
    db_pool_size: int | None = Field(
        default=None, ge=1, description="database connections kept per worker; default threads + 5")
    db_max_overflow: int = Field(default=10, ge=0, description="extra connections a worker may open at peaks")
    db_pool_timeout: float = Field(default=30.0, gt=0, description="seconds to wait for a free connection")
    sqlite_busy_timeout: float = Field(
        default=30.0, gt=0, description="SQLite: seconds a writer waits for other processes' writes")
    write_wait_timeout: float = Field(
        default=60.0, gt=0, description="SQLite: seconds a writer waits in its process's queue before 503")
    relay_interval: float = Field(default=2.0, gt=0, description="seconds between periodic outbox flushes")
    sse_replay_limit: int = Field(
        default=500, ge=0, le=10000, description="missed events replayed to a reconnecting live stream")
    cache_ttl: float = Field(default=300.0, ge=0, description="server-side cache of map/list answers, seconds")
    cache_url: str | None = Field(
        default=None, description="redis://… to share the cache between workers; default in-process")
    cache_max_bytes: int = Field(default=64 * 2**20, ge=0, description="memory of the server-side cache, bytes")
    gzip_min_size: int = Field(default=1000, ge=0, description="compress responses at least this large (bytes)")

    map_center: tuple[float, float] | None = Field(
        default=None, description="map centre (latitude, longitude, WGS84) shown before the boundaries load; "
        "default: the city profile's (data/<city>/city.json)")
    map_zoom: float | None = Field(default=None, ge=0, le=22, description="initial map zoom level; default: the city profile's")
    map_min_zoom: float = Field(default=6, ge=0, le=22, description="farthest a user may zoom out")
    map_max_zoom: float = Field(default=18, ge=0, le=22, description="closest a user may zoom in")
    map_bounds: tuple[float, float, float, float] | None = Field(
        default=None, description="south, west, north, east (WGS84) a map may be panned to; "
        "default: around the jurisdiction's boundaries")

    # --- places (地名地址; yingji.places) ---
    places_index_ttl: float = Field(
        default=300.0, ge=0, description="seconds the place index (gazetteer + the platform's points) is reused "
        "before the platform's points are collected again; an import rebuilds it at once")
    places_gazetteer_dir: Path | None = Field(
        default=None, description="folder of the real reference data the demo loads place names from "
        "(seed_gazetteer_wgs84.csv, hospitals_37.geojson); default <reference data>/places")
    # --- routing (yingji.routing; docs/routing.md) ---
    routing_network: Path | None = Field(
        default=None, description="road network directory (nodes.csv.gz + edges.csv.gz); default "
        "<reference_data>/roads; `yingji routing import-osm` writes one from an OSM file")
    routing_speed_factor: float = Field(
        default=0.7, gt=0, le=2, description="multiplies the network's free-flow speeds (they are optimistic)")
    routing_hour_factors: str = Field(
        default="7-9:0.75,17-19:0.75,22-5:1.15", description="time-of-day speed factors, local hours "
        "'from-to:factor,…' (inclusive; other hours 1.0)")
    routing_max_snap_m: float = Field(
        default=1000.0, gt=0, description="farther than this from a network node a point is outside coverage")
    routing_circuity: float = Field(default=1.4, ge=1, description="fallback model: road/straight-line ratio")
    routing_fallback_speeds: str = Field(
        default="urban:25,suburban:40,rural:55", description="fallback model speeds by area type, km/h")
    routing_cache_origins: int = Field(
        default=256, ge=0, description="precomputed origin trees kept (one float64+float32 per node each)")
    routing_warm: bool = Field(default=True, description="load the road network when the server starts")

    # --- plans (yingji.plans; docs/plans.md) ---
    plans_overdue_interval: float = Field(
        default=60.0, ge=0, description="seconds between the task-board overdue checks under `yingji serve` "
        "(0 = off; `yingji plans overdue` runs one)")

    clock_override: bool = Field(
        default=False, description="accept a simulated `now` in API requests (drills and tests only; never in production)")

    # --- broadcast: warning delivery (docs/broadcast.md) -------------------------------------
    broadcast_deliver: bool = Field(default=True, description="run the warning delivery worker inside "
                                    "`yingji serve` (else run `yingji broadcast deliver`)")
    broadcast_density: int = Field(default=200, ge=1, description="demo: residents one synthetic SMS/app "
                                   "subscriber stands for (1 = full density, 8.3 million subscribers)")
    broadcast_mqtt_host: str = Field(default="127.0.0.1", description="MQTT broker of the broadcast terminals")
    broadcast_mqtt_port: int = Field(default=1883, ge=1, le=65535)
    broadcast_mqtt_prefix: str = Field(default="yingji/broadcast", description="topic prefix of the terminals")
    broadcast_sms_url: str | None = Field(default=None, description="SMS gateway webhook (POST JSON batches)")
    broadcast_app_url: str | None = Field(default=None, description="app push gateway webhook (POST JSON batches)")
    broadcast_gateway_token: str | None = Field(default=None, description="bearer token sent to the gateways")
    broadcast_rate_mqtt: float = Field(default=5000, gt=0, description="terminal messages per second at most")
    broadcast_rate_sms: float = Field(default=20000, gt=0, description="SMS per second at most (gateway contract)")
    broadcast_rate_app: float = Field(default=20000, gt=0, description="app pushes per second at most")
    broadcast_batch: int = Field(default=1000, ge=1, le=20000, description="deliveries claimed per batch")
    broadcast_lease: float = Field(default=120.0, gt=0, description="seconds a claimed batch is held (longer "
                                   "than a batch may take to send: else another worker sends it again)")
    broadcast_max_attempts: int = Field(default=6, ge=1, description="sending attempts before a delivery fails")
    broadcast_retry_base: float = Field(default=2.0, gt=0, description="first retry delay, seconds (doubles)")
    broadcast_retry_max: float = Field(default=300.0, gt=0, description="longest retry delay, seconds")
    # --- warnings: authoring and CAP (docs/warnings.md) ---------------------------------------
    warnings_sender: str = Field(default="yingji@350100", description="CAP <sender> of published warnings "
                                 "(no spaces or commas)")
    warnings_sender_name: str = Field(default="应急管理局", description="CAP <senderName> (issuing office)")
    warnings_org_code: str = Field(default="000", pattern=r"^\d{3}$", description="GB/T 35965.1 identifier: "
                                   "3-digit organisation/industry code of the issuer (GB/T 4657)")
    warnings_sub_code: str = Field(default="000", pattern=r"^\d{3}$", description="GB/T 35965.1 identifier: "
                                   "the issuer's internal sub-code")
    warnings_broadcast: bool = Field(default=True, description="publishing a version submits it to the broadcast "
                                     "package (recipients, delivery, coverage)")
    broadcast_poll: float = Field(default=0.5, gt=0, description="seconds the idle worker waits between polls")
    # --- monitoring (监测预警; docs/monitoring.md) — YINGJI_MONITORING_* ---
    monitoring_ingest: bool = Field(default=True, description="run the MQTT telemetry consumer and the alarm checks "
                                    "inside `yingji serve` (off: run `yingji monitoring ingest` as its own process)")
    monitoring_mqtt_host: str = Field(default="127.0.0.1", description="MQTT broker (Mosquitto) host")
    monitoring_mqtt_port: int = Field(default=1883, ge=1, le=65535, description="MQTT broker port")
    monitoring_mqtt_client_id: str | None = Field(default=None, description="the consumer's persistent MQTT "
                                                  "session (QoS 1 messages wait in the broker while it is away); "
                                                  "default: yingji-ingest-<digest of the database URL>")
    monitoring_batch_size: int = Field(default=2000, ge=1, le=50000, description="messages stored per transaction")
    monitoring_batch_wait_ms: int = Field(default=200, ge=1, description="longest wait to fill a batch, ms")
    monitoring_retention_days: int = Field(default=400, ge=1, description="days of raw readings kept "
                                           "(`yingji monitoring purge`); latest values, hourly history and "
                                           "alarms stay")
    monitoring_hourly_retention_days: int = Field(default=1830, ge=1, description="days of hourly (down-sampled) "
                                                  "history kept (default 5 years)")
    monitoring_rollup_lookback_hours: int = Field(default=24, ge=1, le=24 * 31, description="hours the hourly "
                                                  "rollup recomputes behind its newest hour (late readings)")
    monitoring_escalate_after: int = Field(default=300, ge=1, description="seconds before an unacknowledged "
                                           "alarm escalates (default 5 min)")
    monitoring_check_interval: float = Field(default=30.0, gt=0, description="seconds between escalation/offline checks")

    @model_validator(mode="after")
    def _check_security(self) -> Settings:
        if self.metrics == "token" and not (self.metrics_token or self.metrics_allow.strip()):
            raise ValueError("YINGJI_METRICS=token 需要设置 YINGJI_METRICS_TOKEN 或 YINGJI_METRICS_ALLOW")
        if self.session_idle_timeout > self.session_max_age:
            raise ValueError("YINGJI_SESSION_IDLE_TIMEOUT 不能大于 YINGJI_SESSION_MAX_AGE")
        if self.session_touch_interval * 2 > self.session_idle_timeout:
            raise ValueError("YINGJI_SESSION_TOUCH_INTERVAL 必须小于 YINGJI_SESSION_IDLE_TIMEOUT 的一半")
        if self.token_default_days > self.token_max_days:
            raise ValueError("YINGJI_TOKEN_DEFAULT_DAYS 不能大于 YINGJI_TOKEN_MAX_DAYS")
        parse_networks(self.metrics_allow, "YINGJI_METRICS_ALLOW")
        return self

    @property
    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def engine_options(self) -> dict[str, object]:
        """Pool and lock settings for :class:`yingji.core.db.Database`."""
        return {"pool_size": self.db_pool_size or self.threads + 5, "max_overflow": self.db_max_overflow,
                "pool_timeout": self.db_pool_timeout, "busy_timeout": self.sqlite_busy_timeout,
                "write_wait_timeout": self.write_wait_timeout}

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'yingji.db'}"


def parse_networks(value: str, setting: str = "") -> tuple[Any, ...]:
    """``"10.0.0.5, 192.168.10.0/24"`` → networks; a bad entry raises ValueError (in Chinese)."""
    networks = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{setting or '地址列表'} 中的 {part!r} 不是有效的 IP 地址或网段") from None
    return tuple(networks)



@lru_cache
def get_settings() -> Settings:
    return Settings()
