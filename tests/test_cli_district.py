"""`stdwatch district resolve`: the answers an operator gets, as JSON, for each kind of evidence."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from flows.cli import app

# Valid 统一社会信用代码: check digits per GB 32100-2015, verified with an independent computation.
USCC_SIP_AUTHORITY = "91320594MA1MXXXX03"  # 320594: the industrial park's registration authority
USCC_HUQIU = "91320505MA1N2P3Q40"  # 320505 虎丘区
USCC_HISTORIC_PINGJIANG = "91320503MA1AB2C3DB"  # 320503 平江区 (merged into 姑苏区 in 2012)
USCC_CITY_LEVEL = "91320500MA1W2X3Y4Q"  # 320500: registered at city level
USCC_HANGZHOU = "91330106MA2H3J4K5E"  # 330106: Hangzhou
USCC_BAD_CHECK = "91320505MA1N2P3Q41"  # 虎丘区's code with a wrong check digit


@pytest.fixture
def resolve(tmp_path, monkeypatch):
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))

    def run(*args: str) -> dict:
        result = CliRunner().invoke(app, ["district", "resolve", *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run


def test_name_naming_a_county_level_city(resolve):
    answer = resolve("--name", "昆山市华鼎精密机械有限公司")
    assert (answer["in_region"], answer["district_name"], answer["method"]) == (True, "昆山市", "name")


def test_address_naming_a_district(resolve):
    answer = resolve("--address", "江苏省苏州市吴中区木渎镇金山路18号")
    assert (answer["district_code"], answer["district_name"], answer["method"]) == ("320506", "吴中区", "address")


def test_address_naming_only_a_street_uses_the_gazetteer(resolve):
    answer = resolve("--address", "苏州市狮山街道竹园路209号")
    assert (answer["district_name"], answer["method"]) == ("虎丘区", "gazetteer")


def test_credit_code_of_the_industrial_park_authority(resolve):
    answer = resolve("--uscc", USCC_SIP_AUTHORITY)
    assert (answer["district_name"], answer["method"], answer["uscc_valid"]) == ("苏州工业园区", "uscc", True)


def test_historical_credit_code_maps_to_todays_district(resolve):
    answer = resolve("--uscc", USCC_HISTORIC_PINGJIANG)
    assert answer["district_name"] == "姑苏区"


def test_address_wins_over_a_disagreeing_credit_code_and_says_so(resolve):
    answer = resolve("--uscc", USCC_HUQIU, "--address", "江苏省昆山市玉山镇前进西路1号")
    assert (answer["district_name"], answer["method"]) == ("昆山市", "address")
    assert answer["conflict"] and "虎丘区" in answer["conflict"]
    assert answer["needs_review"] is True


def test_invalid_credit_code_is_reported_and_never_used(resolve):
    answer = resolve("--uscc", USCC_BAD_CHECK)
    assert answer["uscc_valid"] is False
    assert answer["in_region"] is None and answer["district_code"] is None


def test_city_level_credit_code_is_in_the_region_district_unknown(resolve):
    answer = resolve("--uscc", USCC_CITY_LEVEL)
    assert (answer["in_region"], answer["district_code"], answer["district_name"]) == (True, None, None)


def test_city_name_only_is_in_the_region_district_unknown(resolve):
    answer = resolve("--name", "苏州瑞晟新材料科技有限公司")
    assert (answer["in_region"], answer["district_code"]) == (True, None)


def test_outside_the_region(resolve):
    assert resolve("--uscc", USCC_HANGZHOU)["in_region"] is False
    assert resolve("--name", "杭州远景电子有限公司")["in_region"] is False


def test_nothing_placing_it_is_never_a_guess(resolve):
    answer = resolve("--name", "中国计量科学研究院")
    assert (answer["in_region"], answer["district_code"], answer["method"]) == (None, None, "none")


def test_name_found_in_the_organisation_register(resolve, tmp_path, monkeypatch):
    register = tmp_path / "register.csv"
    register.write_text("机构名称,统一社会信用代码,地址,行政区划\n苏州瑞晟新材料科技有限公司,,苏州市相城区元和街道御窑路8号,\n", encoding="utf-8-sig")
    monkeypatch.setenv("STDWATCH_ORG_MAPPING_FILES", json.dumps([str(register)]))
    answer = resolve("--name", "苏州瑞晟新材料科技有限公司")
    assert (answer["district_name"], answer["method"]) == ("相城区", "address")
    assert any("register" in line for line in answer["evidence"])


def test_human_readable_output_names_the_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["district", "resolve", "--name", "苏州瑞晟新材料科技有限公司"])
    assert result.exit_code == 0
    assert "in the region, district unknown" in result.output


def test_province_level_registration_is_in_the_province_district_unknown(resolve):
    # 江苏恒力化纤股份有限公司 (苏州), registered with the provincial authority: 320000.
    answer = resolve("--uscc", "91320000743718216W", "--name", "江苏恒力化纤股份有限公司")
    assert (answer["in_region"], answer["district_code"], answer["reason"]) == (None, None, "province_level_code")
    assert answer["in_province"] is True


def test_province_level_registration_human_readable(tmp_path, monkeypatch):
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["district", "resolve", "--uscc", "91320000743718216W"])
    assert result.exit_code == 0
    assert "in 江苏省, district unknown" in result.output
