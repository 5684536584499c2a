"""Organisation name keys and drafting-unit lists."""


import pytest

from transform.orgs import normalize_org_name, split_units


def test_normalize_org_name_turns_fullwidth_brackets_halfwidth():
    assert normalize_org_name("苏州某某（集团）有限公司") == "苏州某某(集团)有限公司"


def test_normalize_org_name_removes_all_spaces():
    assert normalize_org_name(" 苏州 某某\u3000科技\u00a0有限公司 ") == "苏州某某科技有限公司"


def test_normalize_org_name_removes_trailing_punctuation():
    assert normalize_org_name("苏州某某科技有限公司。；") == "苏州某某科技有限公司"


def test_normalize_org_name_converts_fullwidth_letters():
    assert normalize_org_name("苏州ＡＢＣ科技有限公司") == "苏州ABC科技有限公司"


def test_normalize_org_name_keeps_legal_form_variants_distinct():
    assert normalize_org_name("苏州某某有限公司") != normalize_org_name("苏州某某有限责任公司")


def test_normalize_org_name_strips_markup():
    assert normalize_org_name("<sacinfo>苏州</sacinfo>某某&amp;有限公司") == "苏州某某&有限公司"


def test_split_units_on_each_separator_in_order():
    text = "甲公司、乙公司，丙公司,丁公司；戊公司;己公司\n庚公司"
    assert split_units(text) == ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司", "己公司", "庚公司"]


def test_split_units_does_not_split_inside_brackets():
    text = "中国科学院苏州纳米技术与纳米仿生研究所、苏州某某（集团、控股）有限公司"
    assert split_units(text) == ["中国科学院苏州纳米技术与纳米仿生研究所", "苏州某某（集团、控股）有限公司"]


def test_split_units_drops_empties_and_strips():
    assert split_units(" 甲公司 、、\n ，乙公司， ") == ["甲公司", "乙公司"]


def test_split_units_treats_br_as_a_separator_and_strips_tags():
    assert split_units("<b>甲公司</b><br>乙公司") == ["甲公司", "乙公司"]


def test_split_units_of_empty_field_is_empty():
    assert split_units("") == []


@pytest.mark.parametrize("text, last", [
    ("青岛海尔股份有限公司、海信冰箱有限公司等", "海信冰箱有限公司"),
    ("青岛海尔股份有限公司、海信冰箱有限公司等单位", "海信冰箱有限公司"),
    ("苏州某某科技有限公司等3家单位", "苏州某某科技有限公司"),
    ("苏州某某科技有限公司、等", "苏州某某科技有限公司"),
    ("苏州平等科技有限公司", "苏州平等科技有限公司"),  # 等 inside a name stays
])
def test_a_trailing_etc_is_not_part_of_the_last_unit(text, last):
    assert split_units(text)[-1] == last
