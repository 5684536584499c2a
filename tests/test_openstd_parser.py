"""transform.parsers.openstd on saved pages (tests/fixtures/openstd/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from transform.parsers import openstd
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "openstd"
BASE = "https://openstd.samr.gov.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("openstd", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LIST_PROV = provenance(f"{BASE}/bzgk/std/std_list?p.p1=&p.p90=circulation_date&p.p91=desc&page=1&pageSize=50", "list-1")
LIST = openstd.parse_list(read("std_list.html"), LIST_PROV)
BY_NO = {r.std_no: r for r in LIST.records}
REFERENCES = BY_NO["GB/T 7714-2015"]
SI_UNITS = BY_NO["GB 3100-1993"]  # 采
CAMERA = BY_NO["GB/Z 43082-2023"]
TWIN = BY_NO["GB/T 46001-2026"]  # spam in the name
REJECTS = {r.reason: r for r in LIST.rejects}

GB_7714_URL = f"{BASE}/bzgk/std/newGbInfo?hcno=7FA63E9BBA56E60471AEDAEBDE44B14C"
GB_7714 = openstd.parse_detail(read("newGbInfo.GB_T_7714-2015.html"), provenance(GB_7714_URL, "d-7714"))
GB_3100 = openstd.parse_detail(read("newGbInfo.GB_3100-1993.html"), provenance(f"{BASE}/bzgk/std/newGbInfo?hcno={SI_UNITS.source_id}", "d-3100"))
NOT_FOUND = openstd.parse_detail(read("newGbInfo.not_found.html"), provenance(GB_7714_URL, "d-none"))


# -- list page --------------------------------------------------------------------------------


def test_total_from_the_badge():
    assert LIST.total == 8


def test_em_dash_numbers_are_canonical_and_raw_is_kept():
    assert (REFERENCES.std_no, REFERENCES.std_no_raw) == ("GB/T 7714-2015", "GB/T 7714—2015")


def test_std_type_prefix_year():
    assert (SI_UNITS.std_type, SI_UNITS.prefix, SI_UNITS.year) == ("national", "GB", 1993)
    assert CAMERA.prefix == "GB/Z"


def test_name():
    assert REFERENCES.name == "信息与文献 参考文献著录规则"


def test_spam_removed_from_the_name_and_flagged():
    assert TWIN.name == "智能制造 数字孪生系统通用要求" and TWIN.spam and not REFERENCES.spam
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in LIST.spam


def test_status():
    assert (REFERENCES.status, TWIN.status) == ("现行", "即将实施")


def test_dates():
    assert (REFERENCES.issue_date, REFERENCES.act_date, REFERENCES.abolish_date) == (
        date(2015, 5, 15), date(2015, 12, 1), None)
    assert (CAMERA.issue_date, CAMERA.act_date) == (date(2023, 11, 27), date(2023, 11, 27))


def test_no_drafters_ever():
    assert all(r.drafters == [] and not r.drafters_known for r in LIST.records)


def test_hcno_is_the_source_id_and_the_parser_builds_no_url():
    assert REFERENCES.source_id == "7FA63E9BBA56E60471AEDAEBDE44B14C" and GB_7714_URL.endswith(REFERENCES.source_id)
    assert REFERENCES.detail_url is None


def test_adopted_standards():
    assert LIST.adopted == {"GB 3100-1993"}


def test_provenance_is_the_list_page():
    assert REFERENCES.provenance == LIST_PROV and REFERENCES.source == "openstd"


def test_rejects_name_the_row_and_why():
    assert "foreign-language edition" in REJECTS["translation"].detail
    assert "发布日期 '2026-13-45'" in REJECTS["bad_date"].detail
    assert "'20213456-T-469'" in REJECTS["bad_std_no"].detail
    assert "hcno" in REJECTS["missing_field"].detail
    assert all(r.url == LIST_PROV.url and "row " in r.detail for r in LIST.rejects)


def test_every_row_is_a_record_or_a_reject():
    assert len(LIST.records) + len(LIST.rejects) == 8
    assert len(LIST.records) == 4 and len({r.source_id for r in LIST.records}) == 4


def test_a_page_without_rows_is_empty():
    result = openstd.parse_list("<html><body><p>没有找到相关数据</p></body></html>", LIST_PROV)
    assert (result.total, result.records, result.rejects) == (None, [], [])


# -- detail pages -------------------------------------------------------------------------------


def test_detail_std_no_and_adoption():
    assert (GB_7714.std_no, GB_7714.std_no_raw, GB_7714.adopted) == ("GB/T 7714-2015", "GB/T 7714—2015", False)
    assert (GB_3100.std_no, GB_3100.adopted) == ("GB 3100-1993", True)


def test_detail_titles():
    assert GB_7714.title == "信息与文献 参考文献著录规则"
    assert GB_7714.title_en.startswith("Information and documentation—Rules for bibliographic references")


def test_detail_status():
    assert GB_7714.status == GB_3100.status == "现行"


def test_detail_dates_by_label_and_by_position():
    assert (GB_7714.issue_date, GB_7714.act_date) == (date(2015, 5, 15), date(2015, 12, 1))
    assert (GB_3100.issue_date, GB_3100.act_date) == (date(1993, 7, 1), date(1994, 7, 1))


def test_detail_classification_and_departments():
    assert (GB_7714.fields["CCS"], GB_7714.fields["ICS"], GB_7714.fields["主管部门"]) == ("A14", "01.140.20", "国家标准化管理委员会")
    assert (GB_3100.fields["CCS"], GB_3100.fields["ICS"], GB_3100.fields["主管部门"]) == ("A51", "", "国家市场监督管理总局")


def test_detail_committee():
    assert (GB_7714.committee_code, GB_7714.committee_name) == ("TC4", "全国信息与文献标准化技术委员会")
    assert (GB_3100.committee_code, GB_3100.committee_name) == (None, "全国量和单位标准化技术委员会")


def test_clean_detail_has_no_spam_or_rejects():
    assert GB_7714.spam == [] and GB_7714.rejects == [] and GB_7714.found


def test_not_in_the_system_is_not_found():
    assert not NOT_FOUND.found and NOT_FOUND.std_no is None
    assert [r.reason for r in NOT_FOUND.rejects] == ["not_found"] and "尚未收录" in NOT_FOUND.rejects[0].detail


def test_unreadable_detail_date_is_a_reject():
    detail = openstd.parse_detail(read("newGbInfo.GB_T_7714-2015.html").replace("2015-12-01", "2015-12-41"),
                                  provenance(GB_7714_URL, "x"))
    assert detail.act_date is None and [r.reason for r in detail.rejects] == ["bad_date"]


# -- merge --------------------------------------------------------------------------------------


def test_merge_fills_the_committee_and_takes_the_pages_provenance():
    merged = openstd.merge_detail(REFERENCES, GB_7714)
    assert (merged.committee_code, merged.provenance) == ("TC4", GB_7714.provenance)
    assert (merged.drafters, merged.drafters_known) == ([], False)


def test_merge_with_a_not_found_page_changes_nothing():
    assert openstd.merge_detail(REFERENCES, NOT_FOUND) == REFERENCES


def test_merge_refuses_another_standards_page():
    with pytest.raises(openstd.DetailMismatch, match="GB 3100-1993"):
        openstd.merge_detail(REFERENCES, GB_3100)


def test_an_empty_detail_body_is_not_found():
    assert not openstd.parse_detail("", provenance(GB_7714_URL, "x")).found
