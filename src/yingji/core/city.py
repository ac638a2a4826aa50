"""The city profile: names and document prefixes that differ from city to city (rule 7).

Read from ``<reference data>/city.json`` (``YINGJI_REFERENCE_DATA``; the Fuzhou copy ships in
``data/fuzhou``). Code never spells a city's name, its safety committee or its notice
prefixes; it asks this profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed

_COUNTY_SUFFIXES = ("自治县", "区", "县", "市")


@dataclass(frozen=True, slots=True)
class CityProfile:
    city_code: str
    city_name: str
    short_name: str
    platform_name: str
    map_center: tuple[float, float]  # lon, lat (WGS84)
    map_zoom: int
    safety_office_city: str
    safety_office_county: str  # template with {county}, {county_short}
    notice_prefix_city: str
    notice_prefix_county: str  # template with {county}, {county_short}
    penalty_prefix: str

    def safety_office(self, level: str, county_name: str = "") -> str:
        """The 安全生产委员会办公室 that lists at ``level`` (``county`` needs the county's name)."""
        if level == "city":
            return self.safety_office_city
        return self.safety_office_county.format(county=county_name, county_short=county_short(county_name))

    def notice_prefix(self, level: str, county_name: str = "") -> str:
        if level == "city":
            return self.notice_prefix_city
        return self.notice_prefix_county.format(county=county_name, county_short=county_short(county_name))


def county_short(name: str) -> str:
    """鼓楼区 → 鼓楼, 闽侯县 → 闽侯, 福清市 → 福清 (names of one character plus suffix stay whole)."""
    for suffix in _COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def load_city_profile(path: str | Path) -> CityProfile:
    raw = read_config("yingji.core", "city.json", path)
    try:
        lon, lat = (float(x) for x in raw["map"]["center"])
        return CityProfile(
            city_code=str(raw["city_code"]), city_name=str(raw["city_name"]), short_name=str(raw["short_name"]),
            platform_name=str(raw["platform_name"]), map_center=(lon, lat), map_zoom=int(raw["map"]["zoom"]),
            safety_office_city=str(raw["safety_office"]["city"]),
            safety_office_county=str(raw["safety_office"]["county"]),
            notice_prefix_city=str(raw["notice_prefix"]["city"]),
            notice_prefix_county=str(raw["notice_prefix"]["county"]),
            penalty_prefix=str(raw["penalty_prefix"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(f"城市配置 city.json 缺少或错误的字段：{exc}", field="city.json",
                               code="bad_config") from None


@lru_cache(maxsize=4)
def _cached(path: str) -> CityProfile:
    return load_city_profile(path)


def city_profile() -> CityProfile:
    from yingji.config import get_settings

    return _cached(str(Path(get_settings().reference_data) / "city.json"))
