"""transform.parsers.qybz on saved pages (tests/fixtures/qybz/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from transform.parsers import qybz
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "qybz"
BASE = "https://www.qybz.org.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("qybz", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


HOME_PROV = provenance(f"{BASE}/", "home")
SENSOR_URL = f"{BASE}/user/detail/8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b"
HOME = qybz.parse_home(read("home.html"), HOME_PROV)
BY_NO = {r.std_no: r for r in HOME.records}
SENSOR = BY_NO["Q/SZMX 001-2024"]  # em dash, href toDetail
MOULD = BY_NO["Q/320583KSJM 002-2023"]  # enterprise code printed with a space
FOOD = BY_NO["Q/SZSP 0001S-2024"]  # onclick toDetail, letter suffix, spam in the company
REJECTS = {r.reason: r for r in HOME.rejects}

SENSOR_DETAIL = qybz.parse_detail(read("detail.8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b.html"),
                                  provenance(SENSOR_URL, "detail"))
MOULD_DETAIL = qybz.parse_detail(read("detail.1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a.spam.html"),
                                 provenance(f"{BASE}/user/detail/{MOULD.source_id}", "detail-spam"))


# -- homepage ---------------------------------------------------------------------------------


def test_total_is_the_rows_found():
    assert HOME.total == 8


def test_std_no_is_canonical_and_raw_is_kept():
    assert (SENSOR.std_no, SENSOR.std_no_raw) == ("Q/SZMX 001-2024", "Q/SZMX 001—2024")


def test_spaced_enterprise_code_is_joined():
    assert (MOULD.std_no, MOULD.prefix, MOULD.std_no_raw) == ("Q/320583KSJM 002-2023", "Q/320583KSJM", "Q/320583 KSJM 002-2023")


def test_std_type_prefix_year():
    assert (SENSOR.std_type, SENSOR.prefix, SENSOR.year) == ("enterprise", "Q/SZMX", 2024)
    assert FOOD.std_no == "Q/SZSP 0001S-2024"


def test_name_from_the_brackets():
    assert (SENSOR.name, MOULD.name) == ("工业级无线传感节点", "精密冲压模具")


def test_company_is_the_known_drafter():
    assert (SENSOR.drafters, SENSOR.drafters_known) == (["苏州工业园区某某电子有限公司"], True)


def test_spam_removed_from_the_company_and_flagged():
    assert FOOD.drafters == ["苏州某某食品有限公司"] and FOOD.spam and not SENSOR.spam


def test_disclosure_date_is_the_issue_date():
    assert (SENSOR.issue_date, SENSOR.act_date, SENSOR.abolish_date) == (date(2024, 5, 20), None, None)


def test_status():
    assert SENSOR.status == "有效"


def test_source_id_from_href_or_onclick_and_detail_url():
    assert SENSOR.source_id == "8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b" and FOOD.source_id == "2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b"
    assert SENSOR.detail_url is None  # the parser builds no URL: extract.sources.qybz.detail_url does


def test_provenance_is_the_homepage():
    assert SENSOR.provenance == HOME_PROV and SENSOR.source == "qybz"


def test_rejected_rows_name_the_row_and_why():
    assert "no name in 《》" in REJECTS["missing_field"].detail
    assert "'企业标准'" in REJECTS["bad_std_no"].detail
    assert "4 cells" in REJECTS["bad_row"].detail
    assert "GB/T 22846-2009 is national, not enterprise" in REJECTS["type_mismatch"].detail
    assert "公开时间 '2024-02-30'" in REJECTS["bad_date"].detail
    assert all("homepage row " in r.detail and r.url == HOME_PROV.url for r in HOME.rejects)


def test_every_row_is_a_record_or_a_reject():
    assert len(HOME.records) + len(HOME.rejects) == HOME.total
    assert len(HOME.records) == 3 and len({r.source_id for r in HOME.records}) == 3


def test_homepage_without_rows_is_one_reject():
    result = qybz.parse_home("<html><body><p>系统维护中</p></body></html>", HOME_PROV)
    assert (result.total, result.records) == (0, [])
    assert [r.reason for r in result.rejects] == ["no_rows"]


def test_homepage_spam_is_listed():
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in HOME.spam


# -- detail pages -------------------------------------------------------------------------------


def test_detail_std_no_and_title():
    assert (SENSOR_DETAIL.std_no, SENSOR_DETAIL.std_no_raw) == ("Q/SZMX 001-2024", "Q/SZMX 001—2024")
    assert SENSOR_DETAIL.title == "工业级无线传感节点"
    assert MOULD_DETAIL.std_no == "Q/320583KSJM 002-2023"


def test_detail_org_name():
    assert SENSOR_DETAIL.org_name == "苏州工业园区某某电子有限公司"


def test_detail_credit_code_and_validity():
    assert (SENSOR_DETAIL.uscc, SENSOR_DETAIL.uscc_valid) == ("91320594MA1MXK3L24", True)
    assert (MOULD_DETAIL.uscc, MOULD_DETAIL.uscc_valid) == ("91320583MA20ABC1XD", False)


def test_detail_division_as_printed():
    assert SENSOR_DETAIL.division == "江苏省苏州市苏州工业园区" and MOULD_DETAIL.division == "320583"


def test_detail_published_date():
    assert SENSOR_DETAIL.published == date(2024, 5, 20)


def test_detail_products():
    first, second = SENSOR_DETAIL.products
    assert first == {"产品名称": "无线传感节点", "通用名": "传感器", "品牌": "某某", "条码": "6901234567892",
                     "规格": "50mm×30mm", "型号": "WSN-100", "分类": "仪器仪表"}
    assert second["型号"] == "WSN-G1" and MOULD_DETAIL.products == []


def test_detail_standard_id():
    assert SENSOR_DETAIL.standard_id == "8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b"


def test_detail_evidence_is_the_identity_of_the_enterprise():
    [evidence] = SENSOR_DETAIL.evidence
    assert (evidence.name, evidence.source, evidence.uscc, evidence.division) == (
        "苏州工业园区某某电子有限公司", "qybz", "91320594MA1MXK3L24", "江苏省苏州市苏州工业园区")
    assert evidence.provenance == SENSOR_DETAIL.provenance


def test_an_invalid_credit_code_is_kept_as_seen_in_the_evidence():
    assert MOULD_DETAIL.evidence[0].uscc == "91320583MA20ABC1XD"


def test_detail_labels_with_colons_are_read_and_none_missing():
    assert SENSOR_DETAIL.fields["行政区划"] == "江苏省苏州市苏州工业园区" and SENSOR_DETAIL.missing == []


def test_clean_detail_has_no_spam_or_rejects():
    assert SENSOR_DETAIL.spam == [] and SENSOR_DETAIL.rejects == []


def test_spam_detail_is_flagged_and_the_name_cleaned():
    assert MOULD_DETAIL.org_name == "昆山市某某精密机械有限公司"
    assert "皇冠体育投注" in MOULD_DETAIL.spam and "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in MOULD_DETAIL.spam


def test_a_page_without_the_tables_names_what_is_missing():
    detail = qybz.parse_detail("<html><body>标准不存在</body></html>", provenance(SENSOR_URL, "x"))
    assert detail.evidence == [] and detail.std_no is None and len(detail.missing) == 6


def test_unreadable_detail_values_become_rejects():
    html = read("detail.8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b.html").replace("2024-05-20 10:31:05", "2024-05-40")
    detail = qybz.parse_detail(html, provenance(SENSOR_URL, "x"))
    assert detail.published is None and [r.reason for r in detail.rejects] == ["bad_date"]


# -- merge --------------------------------------------------------------------------------------


def test_merge_takes_the_org_name_date_and_provenance_from_the_page():
    merged = qybz.merge_detail(SENSOR, SENSOR_DETAIL)
    assert merged.drafters == ["苏州工业园区某某电子有限公司"] and merged.drafters_known
    assert merged.issue_date == date(2024, 5, 20) and merged.provenance == SENSOR_DETAIL.provenance
    assert merged.status == "有效"  # only the homepage says it


def test_merge_flags_spam_from_the_page():
    assert qybz.merge_detail(MOULD, MOULD_DETAIL).spam and not qybz.merge_detail(SENSOR, SENSOR_DETAIL).spam


def test_merge_refuses_another_standards_page():
    with pytest.raises(qybz.DetailMismatch, match="Q/320583KSJM 002-2023"):
        qybz.merge_detail(SENSOR, MOULD_DETAIL)


def test_an_empty_body_is_an_empty_page_not_an_error():
    assert [r.reason for r in qybz.parse_home("", HOME_PROV).rejects] == ["no_rows"]
    assert len(qybz.parse_detail(" ", provenance(SENSOR_URL, "x")).missing) == 6
