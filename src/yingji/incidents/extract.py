"""Extraction of an incident form from a call transcript (接警语义抽取) — pure: no ORM, no web.

``extract(text)`` returns an :class:`Extraction` whose ``fields`` hold, per form field, the value,
a confidence in 0..1 and the evidence (the words of the transcript that gave it):

- ``type`` / ``category``: operational subtype (建筑火灾, 车辆火灾 …) scored by the weighted keyword
  rules of ``data/extract_rules.json`` and its GB/T 35561 class (自然灾害, 事故灾难, 公共卫生事件,
  社会安全事件);
- ``place_text``: the place as said (the longest run of place words found by the jieba segmenter,
  whose user dictionary holds the counties, townships, landmarks and any gazetteer names passed);
- ``county``: the official county name (鼓楼区 …) from a county, township or landmark name said
  (``data/extract_places.json``); the evidence gives the words as said;
- ``trapped`` / ``injured`` / ``dead``: counts; numerals converted by cn2an; vague words mapped as
  documented in ``extract_rules.json`` (``vague_note``) with a lower confidence; ``没有人受伤`` gives 0;
- ``hazards`` and ``keywords`` (alerts): lists, from the lexicons of the rules file.

The rules are data; the code reads them once (``functools.cache``) and never downloads anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import cn2an
import jieba

FIELD_KEYS = ("type", "category", "place_text", "county", "trapped", "injured", "dead", "hazards", "keywords")
ROLES = ("trapped", "injured", "dead")


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


# --------------------------------------------------------------------------- data


def _read(name: str) -> dict[str, Any]:
    return json.loads(resources.files("yingji.incidents").joinpath("data", name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Places:
    counties: dict[str, str]  # any spoken form -> official name
    townships: dict[str, str]  # full township name -> county
    township_short: dict[str, str]  # short township name (whole segmenter tokens only) -> county
    landmarks: dict[str, str]  # landmark -> county


@cache
def rules() -> dict[str, Any]:
    return _read("extract_rules.json")


@cache
def places() -> _Places:
    raw = _read("extract_places.json")
    counties: dict[str, str] = {}
    for official, aliases in raw["counties"].items():
        counties[official] = official
        for a in aliases:
            counties[a] = official
    towns = dict(raw["townships"])
    stop = set(raw["township_short_stop"])
    short: dict[str, str] = {}
    for name, county in towns.items():
        for suffix in ("畲族乡", "街道", "镇", "乡"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                s = name[: -len(suffix)]
                if s not in stop and s not in counties:
                    short[s] = county
                break
    return _Places(counties, towns, short, dict(raw["landmarks"]))


_PLACE_SUFFIXES = ("区", "县", "市", "镇", "乡", "街道", "路", "大道", "街", "巷", "村", "小区", "大厦", "广场", "桥",
                   "高速", "站", "公园", "港", "码头", "湾", "景区", "海滩", "工业区", "园区", "开发区", "机场", "山",
                   "江", "河", "湖", "溪", "水库", "万达", "段", "路口", "交叉口", "门口", "国道", "大通道", "新城")
_JOIN_SUFFIX = {"路", "街", "巷", "村", "镇", "乡", "区", "县", "桥", "山", "江", "河", "湖", "港", "站", "湾", "段", "溪",
                "路口", "大道", "门口"}
_CONNECT = {"和", "与", "跟", "的"}
_TRAILING = ("那边", "这边", "那里", "这里", "附近", "旁边", "上面", "下面", "里面", "这段")
_NOT_PLACE = {"房", "楼", "厂", "店", "车", "人", "我", "这边", "那边", "那个", "这个", "一个", "在", "有", "喂", "山上"}


@cache
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    p = places()
    words: set[str] = set(p.counties) | set(p.townships) | set(p.township_short) | set(p.landmarks)
    for group in rules()["groups"].values():
        words.update(w for w in group if len(w) >= 2)
    for cues in rules()["roles"].values():
        words.update(w for w in cues if len(w) >= 2)
    for w in sorted(words):
        tok.add_word(w, freq=200000)
    return tok


def _user_tokenizer(extra: tuple[str, ...]) -> jieba.Tokenizer:
    tok = _tokenizer()
    for w in extra:
        if w and w not in tok.FREQ:
            tok.add_word(w, freq=200000)
    return tok


# --------------------------------------------------------------------------- helpers


_FULLWIDTH = str.maketrans("０１２３４５６７８９，。！？；：", "0123456789,.!?;:")
_CLAUSE_SPLIT = re.compile(r"[，。！？；,.!?;、\s]+")


def _normalise(text: str) -> str:
    # 俩/仨 are numerals with their classifier built in: 他们俩 = 两个, 仨孩子 = 三个孩子
    return (text or "").translate(_FULLWIDTH).replace("俩", "两个").replace("仨", "三个").strip()


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(text) if c]


def _first(words: Iterable[str], text: str) -> str | None:
    for w in sorted(words, key=len, reverse=True):
        if w in text:
            return w
    return None


def _regex_first(patterns: Iterable[str], text: str) -> str | None:
    for p in patterns:
        m = re.search(p, text)
        if m:
            return m.group(0)
    return None


# --------------------------------------------------------------------------- type


def _score_types(text: str) -> list[tuple[int, str, str, list[str]]]:
    r = rules()
    groups = r["groups"]
    scored = []
    for order, t in enumerate(r["types"]):
        score = 0
        evidence: list[str] = []
        for rule in t["rules"]:
            hits = []
            if "all" in rule:
                for g in rule["all"]:
                    hit = _first(groups[g], text)
                    if hit is None:
                        break
                    hits.append(hit)
                else:
                    score += rule["w"]
                    evidence.extend(h for h in hits if h not in evidence)
            elif "any" in rule:
                hit = _first(rule["any"], text)
                if hit:
                    score += rule["w"]
                    if hit not in evidence:
                        evidence.append(hit)
        if score:
            scored.append((score, -order, t["type"], evidence))
    scored.sort(reverse=True)
    return [(s, t, _category(t), ev) for s, _, t, ev in scored]


@cache
def _categories() -> dict[str, str]:
    return {t["type"]: t["category"] for t in rules()["types"]}


def _category(type_: str) -> str:
    return _categories().get(type_, "事故灾难")


def incident_types() -> list[dict[str, str]]:
    """Every operational subtype with its GB/T 35561 class, in the rules' order."""
    return [{"type": t["type"], "category": t["category"]} for t in rules()["types"]]


@cache
def _place_name_re() -> re.Pattern[str]:
    p = places()
    names = set(p.counties) | set(p.townships) | set(p.landmarks)
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _type_fields(text: str) -> tuple[Field, Field]:
    # place names are not event words: 鼓楼 is no building, 鼓山 no mountain fire
    scored = _score_types(_place_name_re().sub("□", text))
    if not scored:
        return Field(None, 0.0), Field(None, 0.0)
    top, type_, category, evidence = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0
    conf = min(0.97, 0.45 + 0.08 * top + 0.1 * (top - second))
    if top == second:
        conf = min(conf, 0.5)
    return Field(type_, round(conf, 3), "、".join(evidence)), Field(category, round(conf, 3), type_)


# --------------------------------------------------------------------------- quantities


_NUM = "零〇一二两三四五六七八九十百千0123456789"
_QTY_RE = re.compile(
    rf"(?P<q>好几十|好几百|几十|几百|一两百|上百|好几|好多|很多|[{_NUM}]+(?:几|多|来)?|几)(?P<c>个|名|位|口|人|对)")
_RANGE_RE = re.compile(r"^([一二两三四五六七八九])([二三四五六七八九])$")
_DIGITS = "一二三四五六七八九"


@dataclass(frozen=True)
class _Qty:
    start: int
    end: int
    value: int
    confidence: float
    words: str


def _convert(q: str) -> tuple[int, float] | None:
    vague = rules()["vague"]
    if q in vague:
        return int(vague[q]), 0.4
    m = _RANGE_RE.match(q)
    if m and _DIGITS.index(m.group(2).replace("两", "二")) == _DIGITS.index(m.group(1).replace("两", "二")) + 1:
        return int(cn2an.cn2an(m.group(1), "smart")), 0.6
    lower_bound = q[-1] in "几多来" and len(q) > 1
    core = q[:-1] if lower_bound else q
    try:
        value = int(cn2an.cn2an(core, "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    return value, (0.55 if lower_bound else 0.9)


@cache
def _person_followers() -> tuple[str, ...]:
    r = rules()
    words = set(r["person_nouns"]) | {"夫妻", "妈妈", "爸爸", "男子", "女子", "老板", "老人家"}
    for cues in r["roles"].values():
        words.update(cues)
    words.update({"的", "都", "被", "在", "还", "是", "受", "死", "伤", "困"})
    return tuple(sorted(words, key=len, reverse=True))


def _quantities(clause: str) -> list[_Qty]:
    out: list[_Qty] = []
    nouns = tuple(rules()["person_nouns"]) + ("夫妻", "老人家", "妈妈", "爸爸")
    for m in _QTY_RE.finditer(clause):
        q, c = m.group("q"), m.group("c")
        rest = clause[m.end():]
        if c == "个" and rest and not rest.startswith(_person_followers()):
            gap = re.match(r"^[^，]{1,6}?的", rest)  # 一个骑电动车的学生
            if not (gap and rest[gap.end():].startswith(nouns)):
                continue
        if c == "对" and not re.match(r"^[^，]{0,2}(夫妻|老人|夫妇|母子|母女|父子)", rest):
            continue
        conv = _convert(q)
        if conv is None:
            continue
        value, conf = conv
        if c == "对":
            value *= 2
        out.append(_Qty(m.start(), m.end(), value, conf, m.group(0)))
    if not out:
        m2 = re.search(r"有个(人|[^，]{0,4}(人|孩|老|工|学生|游客))", clause)
        if m2:
            out.append(_Qty(m2.start(), m2.end(), 1, 0.6, m2.group(0)))
    return out


def _cue_in(clause: str, cues: Iterable[str]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for w in sorted(cues, key=len, reverse=True):
        i = clause.find(w)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, w)
    return best


_NEGATION = re.compile(r"(没有人|没人|无人|没看到有人|没有.{0,2}人员|没.{0,2}伤到人|没伤人)")


def _counts(text: str, type_: str | None) -> dict[str, Field]:
    r = rules()
    role_cues: dict[str, list[str]] = {k: list(v) for k, v in r["roles"].items()}
    both = r["both_roles"]
    clauses = _clauses(text)
    quantities = [_quantities(c) for c in clauses]
    used: set[tuple[int, int]] = set()
    found: dict[str, Field] = {}

    def put(role: str, value: int, conf: float, evidence: str, additive: bool) -> None:
        prev = found.get(role)
        if prev is None or prev.value is None:
            found[role] = Field(value, conf, evidence)
        elif additive and value:
            found[role] = Field(prev.value + value, min(prev.confidence, conf), f"{prev.evidence}；{evidence}")
        elif value > prev.value or (prev.value == 0 and value):
            found[role] = Field(value, conf, evidence)

    # 一死两伤
    for m in re.finditer(rf"([{_NUM}]+)死([{_NUM}]+)伤", text):
        d, i = _convert(m.group(1)), _convert(m.group(2))
        if d and i:
            put("dead", d[0], 0.85, m.group(0), False)
            put("injured", i[0], 0.85, m.group(0), False)

    for ci, clause in enumerate(clauses):
        additive = bool(re.match(r"^[^，]{0,3}(还有|另外)", clause))
        hits: list[tuple[str, int, str]] = []
        for role in ROLES:
            cue = _cue_in(clause, role_cues[role])
            if cue:
                hits.append((role, cue[0], cue[1]))
        for word, roles_of in both.items():
            i = clause.find(word)
            if i >= 0:
                hits.extend((role, i, word) for role in roles_of if role not in {h[0] for h in hits})
        if not hits and type_ in _TRAPPING_TYPES:
            for pattern in r["weak_trapped"]:
                weak = re.search(pattern, clause)
                if weak:
                    hits.append(("trapped", weak.start(), weak.group(0)))
                    break
        for role, pos, cue in hits:
            neg = _NEGATION.search(clause)
            if re.search(r"没有?[^人，有]{1,3}$", clause[:pos]):  # 还好没有车被埋: not about people
                continue
            if neg and neg.start() <= pos + len(cue):
                put(role, 0, 0.8, neg.group(0) + "…" + cue if neg.group(0) not in cue else cue, False)
                continue
            qs = [q for q in quantities[ci] if (ci, q.start) not in used]
            if qs:
                q = min(qs, key=lambda q: min(abs(q.start - pos), abs(q.end - pos)))
                used.add((ci, q.start))
                put(role, q.value, q.confidence, f"{q.words}…{cue}" if q.end <= pos else f"{cue}…{q.words}", additive)
                continue
            if "有人" in clause:
                put(role, 1, 0.4, "有人…" + cue, additive)
                continue
            # the subject was said just before (…一个钓鱼的老人掉进江里了，…已经没气了) or just after
            taken = None
            for back in (ci - 1, ci - 2):
                if back >= 0:
                    cands = [q for q in quantities[back] if (back, q.start) not in used]
                    if cands and not any(_cue_in(clauses[back], role_cues[x]) for x in ROLES if x == role):
                        taken = (back, cands[-1])
                        break
            for ahead in (ci + 1, ci + 2):  # …电梯困人，一个妈妈抱着婴儿在里面，总共两个人
                if taken is not None and taken[0] < ci or ahead >= len(clauses):
                    break
                if any(_cue_in(clauses[ahead], role_cues[x]) for x in ROLES):
                    break
                for q in quantities[ahead]:
                    if taken is None or q.value > taken[1].value:
                        taken = (ahead, q)
            if taken:
                used.add((taken[0], taken[1].start))
                q = taken[1]
                put(role, q.value, q.confidence * 0.8, f"{q.words}…{cue}", additive)
            else:
                put(role, 1, 0.35, cue, additive)

    # an elevator or a flood call that names how many people are there names the trapped
    if "trapped" not in found and type_ in ("电梯困人", "内涝被困"):
        for ci, qs in enumerate(quantities):
            free = [q for q in qs if (ci, q.start) not in used]
            if free:
                q = free[-1]
                found["trapped"] = Field(q.value, q.confidence * 0.6, q.words)
                break
    return {role: found.get(role, Field(None, 0.0)) for role in ROLES}


_TRAPPING_TYPES = {"建筑火灾", "建筑坍塌", "电梯困人", "内涝被困", "山体滑坡", "泥石流", "车辆火灾"}


# --------------------------------------------------------------------------- place and county


def _is_place_token(tok: str, known: set[str]) -> bool:
    if tok in _NOT_PLACE or len(tok) < 2 and tok not in _JOIN_SUFFIX:
        return False
    return tok in known or tok.endswith(_PLACE_SUFFIXES)


def _place_text(text: str, extra: tuple[str, ...]) -> Field:
    p = places()
    known = set(p.counties) | set(p.townships) | set(p.township_short) | set(p.landmarks) | set(extra)
    best = ""
    best_score = 0.0
    for clause in _clauses(text):
        raw = _user_tokenizer(extra).lcut(clause)
        toks: list[str] = []
        for t in raw:  # 北大 + 路 -> 北大路
            if toks and t in _JOIN_SUFFIX and toks[-1] not in _NOT_PLACE and not toks[-1].endswith(_PLACE_SUFFIXES):
                toks[-1] += t
            else:
                toks.append(t)
        i = 0
        while i < len(toks):
            if not _is_place_token(toks[i], known):
                i += 1
                continue
            j = i + 1
            while j < len(toks):
                if _is_place_token(toks[j], known) or toks[j] in _TRAILING:
                    j += 1
                elif toks[j] in _CONNECT and j + 1 < len(toks) and _is_place_token(toks[j + 1], known):
                    j += 2
                else:
                    break
            run = "".join(toks[i:j])
            while run.endswith(_TRAILING):
                run = run[: -2]
            score = len(run) + 10 * sum(1 for t in toks[i:j] if t in known)
            if score > best_score and len(run) >= 2:
                best, best_score = run, score
            i = j
    if not best:
        return Field(None, 0.0)
    return Field(best, 0.8 if best_score >= 10 else 0.5, best)


def _county(text: str, extra_counties: Mapping[str, str]) -> Field:
    p = places()
    hits: list[tuple[int, float, str, str]] = []  # position, confidence, county, words
    for spoken, official in p.counties.items():
        i = text.find(spoken)
        if i >= 0:
            hits.append((i, 0.95 if spoken == official else 0.9, official, spoken))
    if hits:
        hits.sort(key=lambda h: (h[0], -len(h[3])))
        i, conf, county, words = hits[0]
        others = {h[2] for h in hits}
        return Field(county, conf if len(others) == 1 else 0.6, words)
    for name, county in sorted(p.townships.items(), key=lambda kv: -len(kv[0])):
        if name in text:
            return Field(county, 0.85, name)
    toks = set(_tokenizer().lcut(text))
    for name, county in p.township_short.items():
        if name in toks:
            return Field(county, 0.75, name)
    for name, county in sorted({**p.landmarks, **extra_counties}.items(), key=lambda kv: -len(kv[0])):
        if name in text and county in p.counties:
            return Field(p.counties[county], 0.7, name)
    return Field(None, 0.0)


# --------------------------------------------------------------------------- lists


def _lexicon_hits(lexicon: Mapping[str, list[str]], text: str) -> Field:
    values, evidence = [], []
    for label, patterns in lexicon.items():
        hit = _regex_first(patterns, text)
        if hit:
            values.append(label)
            evidence.append(hit)
    return Field(values, 0.85 if values else 0.5, "、".join(evidence))


# --------------------------------------------------------------------------- entry point


def extract(text: str, *, gazetteer_names: Iterable[str] | None = None) -> Extraction:
    """The incident form read from a transcript; each field with a confidence and its evidence.

    ``gazetteer_names``: more place names to keep whole when segmenting (roads, landmarks of the
    platform's gazetteer); a mapping name -> county name also lets them give the county.
    """
    text = _normalise(text)
    extra_counties: Mapping[str, str] = gazetteer_names if isinstance(gazetteer_names, Mapping) else {}
    extra = tuple(sorted(gazetteer_names or ()))
    type_f, cat_f = _type_fields(text)
    fields: dict[str, Field] = {"type": type_f, "category": cat_f,
                                "place_text": _place_text(text, extra),
                                "county": _county(text, extra_counties)}
    fields.update(_counts(text, type_f.value))
    fields["hazards"] = _lexicon_hits(rules()["hazards"], text)
    fields["keywords"] = _lexicon_hits(rules()["keywords"], text)
    return Extraction(fields)
