"""Region reference data and district attribution (region 3205, Suzhou)."""

import pytest

from transform.attribution import CONFIDENCE as CONFIDENCE_BY_EVIDENCE
from transform.attribution import AttributionError, Register, resolve, resolve_org
from transform.records import OrgEvidence
from transform.region import RegionError, load_region
from transform.uscc import make_uscc

REGION = load_region("3205")

# Real-looking credit codes: registration department 9, enterprise 1, then the division code.
SIP = make_uscc("91320594MA1MCK8E7")  # 苏州工业园区 registration authority
KUNSHAN = make_uscc("91320583MA1MCK8E7")
HUQIU = make_uscc("91320505MA1MCK8E7")
PINGJIANG = make_uscc("91320503MA1MCK8E7")  # 平江区, merged into 姑苏区 in 2012
WUJIANG_CITY = make_uscc("91320584MA1MCK8E7")  # 吴江市, became 吴江区 in 2012
CITY_LEVEL = make_uscc("91320500MA1MCK8E7")
WUXIAN = make_uscc("91320586MA1MCK8E7")  # 吴县市: split into 吴中区 and 相城区
HANGZHOU = make_uscc("91330106MA1MCK8E7")


def _broken(code: str) -> str:
    """The same code with a wrong check character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


# --- region data ----------------------------------------------------------------------------

def test_load_region_is_cached():
    assert load_region("3205") is REGION


def test_region_settings():
    assert (REGION.name, REGION.aliases, REGION.province) == ("苏州市", ("苏州市", "苏州"), "江苏省")
    assert (REGION.unknown_district_code, REGION.unknown_district_name) == ("320500", "区县未知")


def test_unknown_region_raises_naming_it():
    with pytest.raises(RegionError, match="'9999'"):
        load_region("9999")


def test_region_has_ten_districts():
    assert len(REGION.districts) == 10


def test_district_by_code():
    assert REGION.district_by_code("320583").name == "昆山市"


def test_district_by_unknown_code_is_none():
    assert REGION.district_by_code("320599") is None


@pytest.mark.parametrize("name, code", [
    ("昆山市", "320583"), ("昆山", "320583"), ("苏州高新区", "320505"), ("苏州工业园区", "320571"),
    ("苏州市工业园区", "320571"), ("平江区", "320508"), ("吴江市", "320509"),
])
def test_district_by_name_or_alias(name, code):
    assert REGION.district_by_name(name).code == code


def test_district_by_name_of_ambiguous_former_county_is_none():
    assert REGION.district_by_name("吴县市") is None


@pytest.mark.parametrize("code, district", [
    ("320503", "姑苏区"), ("320584", "吴江区"), ("320594", "苏州工业园区"), ("320576", "苏州工业园区"),
    ("320592", "张家港市"), ("320511", "虎丘区"),
])
def test_historical_and_authority_division_codes(code, district):
    assert REGION.divisions[code].district.name == district


@pytest.mark.parametrize("code", ["320500", "320586"])
def test_city_level_and_ambiguous_division_codes_have_no_district(code):
    assert REGION.divisions[code].district is None


@pytest.mark.parametrize("town, code", [
    ("狮山街道", "320505"), ("浒墅关经开区(镇)", "320505"), ("浒墅关", "320505"), ("浒墅关镇", "320505"),
    ("东渚街道", "320505"), ("木渎镇", "320506"), ("娄葑街道", "320571"), ("虎丘街道", "320508"),
])
def test_gazetteer_names_and_alias_forms(town, code):
    assert REGION.towns[town] == code


@pytest.mark.parametrize("excluded", ["开发区", "经济开发区", "科技城", "科教新城", "木渎", "狮山", "虎丘"])
def test_gazetteer_excludes_generic_and_short_forms(excluded):
    assert excluded not in REGION.towns


# --- level 0: override ----------------------------------------------------------------------

def test_override_by_normalized_name():
    result = resolve(REGION, name="某某（集团）有限公司", overrides={"某某(集团)有限公司": "320583"})
    assert (result.in_region, result.district_name, result.method, result.confidence) == (
        True, "昆山市", "override", 1.0)


def test_override_outside():
    result = resolve(REGION, name="苏州某某有限公司", overrides={"苏州某某有限公司": "outside"})
    assert (result.in_region, result.district_code, result.method) == (False, None, "override")


def test_override_records_conflicts_but_does_not_return_to_review():
    result = resolve(REGION, name="某某有限公司", address="江苏省昆山市周市镇", overrides={"某某有限公司": "320505"})
    assert result.district_name == "虎丘区"
    assert result.conflict == "override says 虎丘区, address says 昆山市: override used"
    assert result.needs_review is False


def test_override_naming_no_district_raises_naming_the_organisation():
    with pytest.raises(AttributionError, match="某某有限公司"):
        resolve(REGION, name="某某有限公司", overrides={"某某有限公司": "320599"})


# --- level 1: division field ----------------------------------------------------------------

def test_division_field_code():
    result = resolve(REGION, name="某某有限公司", division="320583")
    assert (result.district_name, result.method, result.confidence) == ("昆山市", "division_field", 0.98)


def test_division_field_historical_code():
    assert resolve(REGION, division="320503").district_name == "姑苏区"


def test_division_field_town_code_by_prefix():
    assert resolve(REGION, division="320576050").district_name == "苏州工业园区"


def test_division_field_village_code_by_prefix():
    assert resolve(REGION, division="320583102001").district_name == "昆山市"


def test_division_field_name():
    assert resolve(REGION, division="江苏省苏州市吴中区").district_name == "吴中区"


def test_division_field_city_level_code_is_in_region_without_district():
    result = resolve(REGION, division="320500")
    assert (result.in_region, result.district_code, result.needs_review) == (True, None, True)


def test_division_field_outside_code():
    result = resolve(REGION, division="330106")
    assert (result.in_region, result.method) == (False, "division_field")


def test_division_field_beats_address():
    result = resolve(REGION, division="320583", address="江苏省苏州市吴江区松陵街道")
    assert result.district_name == "昆山市"
    assert result.conflict == "division field says 昆山市, address says 吴江区: division field used"


# --- level 2: address and gazetteer ---------------------------------------------------------

def test_address_names_county_level_city():
    result = resolve(REGION, address="江苏省昆山市周市镇青阳北路1号")
    assert (result.in_region, result.district_code, result.method, result.confidence) == (
        True, "320583", "address", 0.95)
    assert result.evidence == ["address '江苏省昆山市周市镇青阳北路1号' names 昆山市"]


@pytest.mark.parametrize("address, district", [
    ("苏州市姑苏区干将西路1号", "姑苏区"),
    ("苏州工业园区星湖街328号", "苏州工业园区"),
    ("江苏省苏州市工业园区金鸡湖大道88号", "苏州工业园区"),
    ("苏州高新区竹园路209号", "虎丘区"),
    ("张家港市杨舍镇", "张家港市"),
    ("江苏省苏州市平江区白塔东路", "姑苏区"),
    ("江苏省吴江市松陵镇", "吴江区"),
])
def test_address_names_district_or_alias(address, district):
    result = resolve(REGION, address=address)
    assert (result.district_name, result.method) == (district, "address")


def test_address_town_is_placed_by_gazetteer():
    result = resolve(REGION, address="苏州市木渎镇金山路1号")
    assert (result.district_name, result.method, result.confidence) == ("吴中区", "gazetteer", 0.9)


def test_address_street_named_like_a_district_alias_belongs_to_its_own_district():
    # 虎丘 is an alias of 虎丘区, but 虎丘街道 is a street of 姑苏区.
    assert resolve(REGION, address="苏州市虎丘街道山塘街").district_name == "姑苏区"


def test_address_bracketed_gazetteer_alias():
    assert resolve(REGION, address="苏州市浒墅关镇").district_name == "虎丘区"


@pytest.mark.parametrize("address", [
    "浙江省杭州市西湖区", "上海市长宁区昆山路1号", "南京市玄武区", "无锡新吴区", "北京市海淀区",
    "江苏省南京市江宁区", "江苏省江阴市",
])
def test_address_in_another_province_or_city_is_outside(address):
    result = resolve(REGION, address=address)
    assert (result.in_region, result.district_code, result.method) == (False, None, "address")


def test_address_naming_only_the_region_is_in_region_district_unknown():
    result = resolve(REGION, address="苏州市干将路1号")
    assert (result.in_region, result.district_code, result.district_name, result.needs_review) == (
        True, None, None, True)


def test_address_naming_only_the_region_lets_the_credit_code_name_the_district():
    result = resolve(REGION, address="苏州市干将路1号", uscc=SIP)
    assert (result.district_name, result.method, result.conflict) == ("苏州工业园区", "uscc", None)


def test_address_naming_the_former_wu_county_is_in_region_district_unknown():
    result = resolve(REGION, address="江苏省吴县市")
    assert (result.in_region, result.district_code) == (True, None)


def test_generic_zone_name_does_not_place_an_address():
    assert resolve(REGION, address="经济开发区1号").in_region is None


# --- level 3: credit code -------------------------------------------------------------------

@pytest.mark.parametrize("code, district", [
    (SIP, "苏州工业园区"), (KUNSHAN, "昆山市"), (PINGJIANG, "姑苏区"), (WUJIANG_CITY, "吴江区"),
])
def test_credit_code_division(code, district):
    result = resolve(REGION, uscc=code)
    # The code alone is a registration authority, not an address: 0.8, not the 0.85 of a corroborated code.
    assert (result.district_name, result.method, result.confidence, result.uscc_valid) == (
        district, "uscc", 0.8, True)


def test_credit_code_evidence_line():
    assert resolve(REGION, uscc=SIP).evidence == [
        f"credit code '{SIP}' division 320594 → 苏州工业园区 (registration authority, seen in credit codes)",
        "the credit code is the only evidence of the district: it names the registration authority, not the address"]


@pytest.mark.parametrize("code", [CITY_LEVEL, WUXIAN])
def test_credit_code_city_level_or_ambiguous_is_in_region_without_district(code):
    result = resolve(REGION, uscc=code)
    assert (result.in_region, result.district_code, result.needs_review) == (True, None, True)


def test_credit_code_outside_region():
    result = resolve(REGION, uscc=HANGZHOU)
    assert (result.in_region, result.method) == (False, "uscc")


def test_address_beats_credit_code_and_conflict_is_flagged():
    result = resolve(REGION, address="江苏省昆山市周市镇", uscc=HUQIU)
    assert (result.district_name, result.method, result.needs_review) == ("昆山市", "address", True)
    assert result.conflict == "address says 昆山市, credit code says 虎丘区: address used"


def test_address_in_region_beats_credit_code_outside():
    result = resolve(REGION, address="苏州工业园区星湖街328号", uscc=HANGZHOU)
    assert (result.in_region, result.district_name, result.needs_review) == (True, "苏州工业园区", True)
    assert "credit code says outside 苏州市 (浙江省)" in result.conflict


def test_region_only_address_beats_credit_code_outside():
    result = resolve(REGION, address="苏州市干将路1号", uscc=HANGZHOU)
    assert (result.in_region, result.district_code, result.needs_review) == (True, None, True)
    assert result.conflict is not None


def test_invalid_credit_code_is_reported_and_never_used():
    result = resolve(REGION, name="某某有限公司", uscc=_broken(KUNSHAN))
    assert (result.in_region, result.uscc_valid, result.method) == (None, False, "none")
    assert any("check character expected '8'" in line and "not used" in line for line in result.evidence)


def test_no_credit_code_leaves_uscc_valid_none():
    assert resolve(REGION, name="昆山某某有限公司").uscc_valid is None


# --- level 4: name --------------------------------------------------------------------------

@pytest.mark.parametrize("name, district", [
    ("昆山某某精密机械有限公司", "昆山市"),
    ("张家港市某某化工有限公司", "张家港市"),
    ("苏州工业园区某某科技有限公司", "苏州工业园区"),
    ("江苏吴中某某医药集团有限公司", "吴中区"),
])
def test_name_containing_a_district(name, district):
    result = resolve(REGION, name=name)
    assert (result.district_name, result.method, result.confidence) == (district, "name", 0.75)


@pytest.mark.parametrize("name", ["苏州某某科技有限公司", "中国科学院苏州纳米技术与纳米仿生研究所"])
def test_name_containing_only_the_region(name):
    result = resolve(REGION, name=name)
    assert (result.in_region, result.district_code, result.method, result.needs_review) == (
        True, None, "name", True)


@pytest.mark.parametrize("name", [
    "杭州某某科技有限公司", "北京某某研究院", "上海某某有限公司", "无锡某某有限公司", "南京某某大学",
    "浙江某某股份有限公司", "江苏省质量和标准化研究院",
])
def test_name_starting_with_another_place_is_outside_with_low_confidence(name):
    result = resolve(REGION, name=name)
    assert (result.in_region, result.method, result.confidence) == (False, "name", 0.6)


@pytest.mark.parametrize("name", ["江苏某某科技有限公司", "中国标准化研究院", "某某有限公司"])
def test_name_that_says_nothing_is_not_placed(name):
    result = resolve(REGION, name=name)
    assert (result.in_region, result.district_code, result.method, result.confidence) == (None, None, "none", 0.0)


def test_nothing_given_places_nothing():
    result = resolve(REGION)
    assert (result.in_region, result.district_code, result.method, result.needs_review) == (
        None, None, "none", False)


def test_credit_code_beats_name_and_conflict_is_flagged():
    result = resolve(REGION, name="昆山某某有限公司", uscc=HUQIU)
    assert result.district_name == "虎丘区"
    assert result.conflict == "credit code says 虎丘区, name says 昆山市: credit code used"


# --- register -------------------------------------------------------------------------------

QYBZ_ROW = OrgEvidence(name="苏州某某（集团）有限公司", source="qybz", uscc=KUNSHAN, division="昆山市",
                       origin="exports/qybz.xlsx#Sheet1!12")
TC_ROW = OrgEvidence(name="苏州某某电子有限公司", source="tc", address="苏州工业园区星湖街328号")


def test_register_lends_evidence_to_a_bare_name():
    register = Register.from_evidence([QYBZ_ROW, TC_ROW])
    result = resolve(REGION, name="苏州某某(集团)有限公司", register=register)
    assert (result.district_name, result.method) == ("昆山市", "division_field")
    assert result.evidence[0] == "register qybz exports/qybz.xlsx#Sheet1!12: division field '昆山市' names 昆山市"


def test_register_lends_evidence_to_a_bare_credit_code():
    register = Register.from_evidence([TC_ROW, OrgEvidence(name="苏州某某有限公司", source="tc", uscc=SIP,
                                                            address="苏州工业园区星湖街328号")])
    result = resolve(REGION, uscc=SIP, register=register)
    assert (result.district_name, result.method) == ("苏州工业园区", "address")
    assert result.evidence[0].startswith("register tc: address")


def test_register_finds_a_former_name_through_the_credit_code():
    register = Register.from_evidence([
        OrgEvidence(name="苏州新名有限公司", source="qybz", uscc=KUNSHAN),
        OrgEvidence(name="苏州旧名有限公司", source="tc", uscc=KUNSHAN, address="江苏省昆山市花桥镇"),
    ])
    result = resolve(REGION, name="苏州新名有限公司", register=register)
    assert (result.district_name, result.method) == ("昆山市", "address")


def test_register_is_not_consulted_when_the_caller_has_an_address():
    register = Register.from_evidence([QYBZ_ROW])
    result = resolve(REGION, name="苏州某某(集团)有限公司", address="苏州市吴中区", register=register)
    assert (result.district_name, result.conflict) == ("吴中区", None)


def test_register_without_the_organisation_changes_nothing():
    register = Register.from_evidence([TC_ROW])
    assert resolve(REGION, name="昆山某某有限公司", register=register).method == "name"


def test_register_ignores_invalid_credit_codes():
    register = Register.from_evidence([OrgEvidence(name="甲公司", source="qybz", uscc=_broken(KUNSHAN),
                                                   division="320583")])
    assert register.by_uscc(_broken(KUNSHAN)) == []
    assert len(register.by_name("甲公司")) == 1


def test_register_drops_rows_with_only_a_name():
    assert len(Register.from_evidence([OrgEvidence(name="甲公司", source="samr")])) == 0


# --- several evidence rows ------------------------------------------------------------------

def test_resolve_org_prefers_division_over_address_across_rows():
    rows = [OrgEvidence(name="某某有限公司", source="tc", address="江苏省昆山市花桥镇"),
            OrgEvidence(name="某某有限公司", source="qybz", division="320583")]
    result = resolve_org(REGION, rows)
    assert (result.district_name, result.method, result.conflict) == ("昆山市", "division_field", None)


def test_resolve_org_flags_rows_that_disagree():
    rows = [OrgEvidence(name="某某有限公司", source="qybz", division="320583", origin="q.xlsx#S!2"),
            OrgEvidence(name="某某有限公司", source="tc", address="苏州市吴江区松陵街道")]
    result = resolve_org(REGION, rows)
    assert (result.district_name, result.needs_review) == ("昆山市", True)
    assert result.conflict == (
        "division field (qybz q.xlsx#S!2) says 昆山市, address (tc) says 吴江区: division field (qybz q.xlsx#S!2) used")


def test_resolve_org_flags_different_credit_codes():
    rows = [OrgEvidence(name="某某有限公司", source="qybz", uscc=KUNSHAN),
            OrgEvidence(name="某某有限公司", source="inbox", uscc=make_uscc("91320583MA1MCK8E8"))]
    result = resolve_org(REGION, rows)
    assert result.needs_review is True
    assert result.conflict.startswith("credit codes differ:")


def test_resolve_org_reads_repeated_evidence_once():
    rows = [OrgEvidence(name="昆山某某有限公司", source="samr"), OrgEvidence(name="昆山某某有限公司", source="ttbz")]
    assert resolve_org(REGION, rows).evidence == ["samr: name '昆山某某有限公司' contains 昆山 → 昆山市"]


def test_resolve_org_applies_overrides():
    rows = [OrgEvidence(name="某某有限公司", source="samr")]
    assert resolve_org(REGION, rows, overrides={"某某有限公司": "吴江区"}).district_code == "320509"


# --- real organisations (tests/fixtures/orgs/real_orgs.csv) ---------------------------------
# Each row: an organisation as a public register or filing states it, the district that source
# states, and what the evidence given can at best say, written by hand before the code ran:
#   placed       the district is decidable: it must be exactly the stated one
#   in_region    in the city, district not decidable: in_region True, no district or the stated one
#   in_province  only "somewhere in the province": not placed, and never reported outside
#   outside      another city or province: in_region False

import csv  # noqa: E402
from pathlib import Path  # noqa: E402

_REAL = list(csv.DictReader((Path(__file__).parent / "fixtures" / "orgs" / "real_orgs.csv").open(encoding="utf-8")))


def _resolve_real(row: dict):
    return resolve(REGION, name=row["name"], uscc=row["uscc"] or None, address=row["address"] or None)


def _confidently_wrong(row: dict, result) -> bool:
    stated = row["stated_district"]
    if stated == "outside":
        return result.in_region is True
    if result.in_region is False:
        return True
    is_district = REGION.district_by_name(stated) is not None
    return is_district and result.district_name is not None and result.district_name != stated


def test_real_organisations_are_at_least_forty():
    assert len({row["name"] for row in _REAL}) >= 40


@pytest.mark.parametrize("row", _REAL, ids=[f"{r['name']}|{r['expect']}|{bool(r['uscc'])}" for r in _REAL])
def test_real_organisation(row):
    result = _resolve_real(row)
    expect, stated = row["expect"], row["stated_district"]
    if expect == "placed":
        assert (result.in_region, result.district_name) == (True, stated), result.evidence
    elif expect == "in_region":
        assert result.in_region is True, result.evidence
        assert result.district_name in (None, stated) or stated == "苏州市", result.evidence
    elif expect == "in_province":
        assert (result.in_region, result.district_code) == (None, None), result.evidence
    else:
        assert result.in_region is False, result.evidence


def test_real_organisations_none_confidently_wrong():
    wrong = [row["name"] for row in _REAL if _confidently_wrong(row, _resolve_real(row))]
    assert wrong == []


# --- province-level registration, gazetteer gaps, shared town names, confidence --------------
# Written before the change (issue 12), from the classes of failure.

PROVINCE_LEVEL = "91320000743718216W"  # 江苏恒力化纤股份有限公司, registered with the province


def test_province_level_credit_code_alone_says_in_the_province_district_unknown():
    result = resolve(REGION, name="江苏恒力化纤股份有限公司", uscc=PROVINCE_LEVEL)
    assert (result.in_region, result.district_code, result.reason) == (None, None, "province_level_code")
    assert any("江苏省" in line and "province" in line for line in result.evidence)


def test_province_level_credit_code_lets_the_address_place_without_conflict():
    result = resolve(REGION, uscc=PROVINCE_LEVEL, address="江苏省苏州市吴江区盛泽镇")
    assert (result.district_name, result.method, result.conflict) == ("吴江区", "address", None)


def test_province_level_credit_code_with_an_address_elsewhere_in_the_province_is_outside():
    result = resolve(REGION, uscc=PROVINCE_LEVEL, address="江苏省南京市玄武区")
    assert (result.in_region, result.conflict) == (False, None)


@pytest.mark.parametrize("address, district", [
    ("汾湖高新技术产业开发区金家坝社区金贤路386号", "吴江区"),
    ("汾湖高新区临沪大道1号", "吴江区"),
    ("汾湖经济开发区", "吴江区"),
    ("金家坝镇杨文头村", "吴江区"),
    ("芦墟镇浦北路463号", "吴江区"),
    ("北厍镇", "吴江区"),
    ("苏州太湖国家旅游度假区孙武路8号", "吴中区"),
    ("东桥镇人民路38号", "相城区"),
    ("湘城镇", "相城区"),
    ("渡村镇", "吴中区"),
    ("徐市镇安康路", "常熟市"),
    ("冶塘镇新巷村祥和路", "常熟市"),
    ("淼泉镇陈塘工业园", "常熟市"),
    ("塘市镇", "张家港市"),
    ("锦溪镇", "昆山市"),
    ("淀山湖镇", "昆山市"),
    ("直塘镇", "太仓市"),
])
def test_gazetteer_gap_on_real_addresses_resolves(address, district):
    result = resolve(REGION, address=address)
    assert (result.district_name, result.method) == (district, "gazetteer")


@pytest.mark.parametrize("address", ["周庄镇大桥路27号", "练塘镇", "国家旅游度假区孙武路8号"])
def test_bare_town_name_shared_with_another_city_is_unsure(address):
    result = resolve(REGION, address=address)
    assert (result.in_region, result.district_code, result.reason) == (None, None, "ambiguous_town")
    assert result.needs_review is True


@pytest.mark.parametrize("address, outside", [
    ("江苏省无锡市江阴市周庄镇", True), ("上海市青浦区练塘镇", True), ("昆山市周庄镇", False),
])
def test_an_address_naming_the_city_beats_a_shared_town_name(address, outside):
    result = resolve(REGION, address=address)
    assert result.in_region is (not outside)
    if not outside:
        assert result.district_name == "昆山市"


def test_shared_town_name_is_placed_when_other_evidence_puts_it_in_the_city():
    result = resolve(REGION, name="苏州玖隆再生科技股份有限公司", uscc=make_uscc("91320500664911448"),
                     address="练塘镇常兴工业园")
    assert (result.district_name, result.method) == ("常熟市", "gazetteer")
    assert result.confidence < CONFIDENCE_BY_EVIDENCE["gazetteer"]


def test_credit_code_alone_is_less_confident_than_address_and_code_agreeing():
    alone = resolve(REGION, uscc=KUNSHAN)
    agreeing = resolve(REGION, uscc=KUNSHAN, address="昆山市周市镇")
    assert alone.district_name == agreeing.district_name == "昆山市"
    assert alone.confidence < agreeing.confidence
    assert alone.reason == "credit_code_only"
    assert any("only evidence" in line for line in alone.evidence)


def test_city_level_credit_code_alone_gives_its_reason():
    assert resolve(REGION, uscc=CITY_LEVEL).reason == "city_level_code"


def test_conflict_gives_its_reason():
    assert resolve(REGION, address="江苏省昆山市周市镇", uscc=HUQIU).reason == "conflict"
