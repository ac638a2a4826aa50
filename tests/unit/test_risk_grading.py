"""Safety-risk grading: LEC and LS tables, band edges, validation, levels, config loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yingji.core.errors import ValidationFailed
from yingji.enforcement.catalog import load_inspection_frequencies
from yingji.risk.catalog import load_taxonomy
from yingji.risk.grading import (
    all_levels,
    band_for_score,
    default_grading_config,
    lec,
    level_for_score,
    level_info,
    load_grading_config,
    ls,
    unit_level,
)
from yingji.units.catalog import load_industries


@pytest.mark.parametrize(
    ("l", "e", "c", "d", "band", "level"),
    [
        # D = 20 (edge: "D<20 稍有危险", so 20 is 一般危险) and neighbours
        (10, 2, 1, 20, "possible", "general"),
        (6, 1, 3, 18, "slight", "low"),
        (3, 1, 7, 21, "possible", "general"),
        # D = 70 (edge: the range 70～160 includes its lower end) and neighbours
        (10, 1, 7, 70, "notable", "significant"),
        (1, 10, 7, 70, "notable", "significant"),
        (10, 6, 1, 60, "possible", "general"),
        (6, 2, 7, 84, "notable", "significant"),
        (0.5, 10, 15, 75, "notable", "significant"),
        # D = 160 and D = 320 are not products of table values: their exact bounds are
        # exercised through level_for_score / band_for_score below; nearest products here.
        (10, 1, 15, 150, "notable", "significant"),
        (3, 6, 7, 126, "notable", "significant"),
        (0.5, 6, 40, 120, "notable", "significant"),
        (10, 3, 7, 210, "high", "major"),
        (10, 0.5, 40, 200, "high", "major"),
        # D = 320 neighbours and beyond
        (1, 3, 100, 300, "high", "major"),
        (6, 6, 7, 252, "high", "major"),
        (0.5, 10, 100, 500, "extreme", "major"),
        (6, 6, 15, 540, "extreme", "major"),
        (10, 10, 100, 10000, "extreme", "major"),
        # float safety on tiny products
        (0.1, 0.5, 1, 0.05, "slight", "low"),
        (0.2, 0.5, 7, 0.7, "slight", "low"),
        (0.1, 3, 7, 2.1, "slight", "low"),
    ],
)
def test_lec_scores_and_bands(l, e, c, d, band, level):
    r = lec(l, e, c)
    assert r.d == pytest.approx(d)
    assert r.d == round(r.d, 2)
    assert r.band == band
    assert r.level == level
    assert r.level_label == level_info(level).label


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (19.99, "low"), (20, "general"), (20.01, "general"),
        (69.99, "general"), (70, "significant"), (70.01, "significant"),
        (159.99, "significant"), (160, "major"), (160.01, "major"),
        (320, "major"), (320.01, "major"), (0, "low"),
        (19.999999999999996, "general"),  # float noise just under a bound counts as on it
        (159.99999999999997, "major"),
    ],
)
def test_lec_level_edges_exactly_on_the_bounds(score, level):
    assert level_for_score("lec", score) == level


@pytest.mark.parametrize(
    ("score", "band"),
    [(19.99, "slight"), (20, "possible"), (69.99, "possible"), (70, "notable"), (159.99, "notable"),
     (160, "high"), (320, "high"), (320.000000000001, "high"), (320.01, "extreme")],
)
def test_lec_band_edges(score, band):
    assert band_for_score(score).key == band


def test_lec_float_products_compare_with_tolerance():
    # 0.1 * 6 * 40 = 24.000000000000004 in IEEE floats
    r = lec(0.1, 6, 40)
    assert r.d == 24.0
    assert r.level == "general"
    # factor given with float noise is accepted as the table value
    assert lec(0.1 + 1e-12, 6, 40).d == 24.0


@pytest.mark.parametrize(
    ("l", "s", "r", "level"),
    [
        (1, 1, 1, "low"), (1, 3, 3, "low"), (3, 1, 3, "low"),
        (2, 2, 4, "general"), (1, 4, 4, "general"), (3, 3, 9, "general"),
        (2, 5, 10, "significant"), (5, 2, 10, "significant"), (3, 4, 12, "significant"),
        (4, 4, 16, "significant"), (3, 5, 15, "significant"),
        (4, 5, 20, "major"), (5, 4, 20, "major"), (5, 5, 25, "major"),
        (2, 4, 8, "general"), (2, 3, 6, "general"), (1, 2, 2, "low"),
    ],
)
def test_ls_matrix(l, s, r, level):
    res = ls(l, s)
    assert (res.r, res.level) == (r, level)


@pytest.mark.parametrize(("r", "level"), [(17, "significant"), (18, "significant"), (19, "significant"),
                                          (11, "significant"), (5, "general"), (0, "low"), (30, "major")])
def test_ls_impossible_products_still_map_by_threshold(r, level):
    assert level_for_score("ls", r) == level


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((7, 6, 7), "l"), ((0, 6, 7), "l"), ((-1, 6, 7), "l"), (("6", 6, 7), "l"), ((True, 6, 7), "l"),
        ((None, 6, 7), "l"), ((float("nan"), 6, 7), "l"),
        ((6, 4, 7), "e"), ((6, 0.2, 7), "e"), ((6, None, 7), "e"),
        ((6, 6, 50), "c"), ((6, 6, 0), "c"), ((6, 6, 2), "c"),
    ],
)
def test_lec_rejects_factors_outside_the_tables(args, field):
    with pytest.raises(ValidationFailed) as exc:
        lec(*args)
    assert exc.value.field == field
    assert exc.value.status == 422
    assert "可选值" in exc.value.message


@pytest.mark.parametrize(("args", "field"), [((0, 3), "l"), ((6, 3), "l"), ((2.5, 3), "l"), ((3, 0), "s"),
                                             ((3, 6), "s"), ((3, "2"), "s")])
def test_ls_rejects_factors_outside_1_to_5(args, field):
    with pytest.raises(ValidationFailed) as exc:
        ls(*args)
    assert exc.value.field == field


def test_factor_error_message_is_chinese_and_names_the_factor():
    with pytest.raises(ValidationFailed) as exc:
        lec(7, 6, 7)
    assert "事故发生的可能性" in exc.value.message
    assert "10、6、3、1、0.5、0.2、0.1" in exc.value.message


def test_factor_tables_match_the_domain_rules():
    cfg = default_grading_config()
    assert [(f.value, f.description) for f in cfg.lec_factors["l"]][:2] == [(10, "完全可以预料"), (6, "相当可能")]
    assert [f.value for f in cfg.lec_factors["e"]] == [10, 6, 3, 2, 1, 0.5]
    assert [f.value for f in cfg.lec_factors["c"]] == [100, 40, 15, 7, 3, 1]
    assert sorted(f.value for f in cfg.ls_factors["l"]) == [1, 2, 3, 4, 5]
    assert sorted(f.value for f in cfg.ls_factors["s"]) == [1, 2, 3, 4, 5]


def test_levels_are_ordered_highest_first():
    assert [lv.key for lv in all_levels()] == ["major", "significant", "general", "low"]


def test_unknown_level_is_a_validation_error():
    with pytest.raises(ValidationFailed) as exc:
        level_info("purple")
    assert exc.value.field == "level"


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (["low", "general", "major", "significant"], "major"),
        (["low", "general"], "general"),
        (["low"], "low"),
        ([], None),
        ([None, None], None),
        ([None, "significant", "low"], "significant"),
    ],
)
def test_unit_level_is_the_highest_source_level(levels, expected):
    assert unit_level(levels) == expected


def test_unit_level_rejects_unknown_keys():
    with pytest.raises(ValidationFailed) as exc:
        unit_level(["low", "purple"])
    assert exc.value.field == "levels"


def _edited_config(tmp_path: Path, mutate) -> Path:
    raw = json.loads((Path(__file__).parents[2] / "src/yingji/risk/config/grading.json").read_text("utf-8"))
    mutate(raw)
    p = tmp_path / "grading.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return p


def test_admin_edited_thresholds_change_the_grading(tmp_path):
    def lower_major(raw):
        raw["lec"]["levels"][0] = {"level": "major", "gte": 70}
        raw["lec"]["levels"][1] = {"level": "significant", "gt": 50}

    cfg = load_grading_config(_edited_config(tmp_path, lower_major))
    assert lec(10, 1, 7, config=cfg).level == "major"  # D = 70 now major (gte)
    assert lec(10, 1, 7).level == "significant"  # the default is untouched


@pytest.mark.parametrize(
    "mutate",
    [
        lambda raw: raw["lec"]["levels"].append({"level": "low", "gt": 1}),  # last band has a bound
        lambda raw: raw["lec"]["levels"].__setitem__(0, {"level": "purple", "gt": 160}),
        lambda raw: raw["lec"]["levels"].__setitem__(0, {"level": "major", "gt": 10, "gte": 10}),
        lambda raw: raw["lec"]["levels"].__setitem__(1, {"level": "significant", "gt": 500}),  # not descending
        lambda raw: raw["ls"]["factors"]["l"]["values"].append({"value": 2.5, "description": "x"}),
        lambda raw: raw.pop("levels"),
    ],
)
def test_malformed_config_is_rejected_with_a_named_field(tmp_path, mutate):
    with pytest.raises(ValidationFailed) as exc:
        load_grading_config(_edited_config(tmp_path, mutate))
    assert exc.value.code == "bad_config"
    assert exc.value.field


def test_taxonomy_has_3_classes_and_42_subclasses_with_known_industries():
    tax = load_taxonomy()
    assert len(tax.classes) == 3
    assert len(tax.subclasses) == 42
    assert len({s.code for s in tax.subclasses}) == 42
    known = {i.code for i in load_industries()}
    assert all(set(s.industries) <= known and s.industries for s in tax.subclasses)
    assert all(s.method in ("lec", "ls") for s in tax.subclasses)


def test_inspection_frequency_defaults():
    freq = load_inspection_frequencies()
    assert freq["major"] > freq["significant"] > freq["general"] >= freq["low"] >= 1
    assert None in freq
