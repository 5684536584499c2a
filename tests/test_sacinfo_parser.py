"""transform.parsers.sacinfo on saved pages (tests/fixtures/sacinfo/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from transform.parsers import sacinfo
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "sacinfo"
DBBA = "https://dbba.sacinfo.org.cn"
HBBA = "https://hbba.sacinfo.org.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)
BEIJING = timezone(timedelta(hours=8))


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("sacinfo", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LIST_PROV = provenance(f"{DBBA}/stdQueryList", "dbba-list-1")
LIST = sacinfo.parse_list(read("dbba.stdQueryList.jszjj.json"), LIST_PROV)
BY_NO = {r.std_no: r for r in LIST.records}
PLATFORM = BY_NO["DB32/T 4567-2023"]  # 64-hex pk, every field present
ELDERLY = BY_NO["DB3205/T 1050-2022"]  # city standard, 32-hex pk, &nbsp; in the name, replaces one
SILK = BY_NO["DB32/T 3001-2016"]  # abolished: fzDate, two replaced numbers
GARDENS = BY_NO["DB3205/T 1077-2023"]  # spam in chName
EMBROIDERY = BY_NO["DB32/T 4602-2023"]  # em dash, no space, <sacinfo> and zero-width space, bad recordDate
REJECTS = {r.reason: [x for x in LIST.rejects if x.reason == r.reason] for r in LIST.rejects}

INDUSTRY = sacinfo.parse_list(read("hbba.stdQueryList.json"), provenance(f"{HBBA}/stdQueryList", "hbba-list"))

DB_URL = f"{DBBA}/stdDetail/{PLATFORM.source_id}"
DB = sacinfo.parse_detail(read("dbba.stdDetail.DB32_T_4567-2023.html"), provenance(DB_URL, "db-detail"))
DB_SPAM = sacinfo.parse_detail(read("dbba.stdDetail.DB3205_T_1077-2023.spam.html"),
                               provenance(f"{DBBA}/stdDetail/{GARDENS.source_id}", "db-spam"))
HB_RECORD = INDUSTRY.records[0]
HB_URL = f"{HBBA}/stdDetail/{HB_RECORD.source_id}"
HB = sacinfo.parse_detail(read("hbba.stdDetail.JT_T_795-2023.html"), provenance(HB_URL, "hb-detail"))


# -- list page --------------------------------------------------------------------------------


def test_paging_fields():
    assert (LIST.total, LIST.page_number) == (10, 1)


def test_std_no_is_canonical_and_raw_is_kept():
    assert (PLATFORM.std_no, PLATFORM.std_no_raw) == ("DB32/T 4567-2023", "DB32/T 4567-2023")
    assert (EMBROIDERY.std_no, EMBROIDERY.std_no_raw) == ("DB32/T 4602-2023", "DB32/T4602—2023")


def test_std_type_prefix_year():
    assert (PLATFORM.std_type, PLATFORM.prefix, PLATFORM.year) == ("local", "DB32/T", 2023)
    assert (ELDERLY.prefix, ELDERLY.year) == ("DB3205/T", 2022)


def test_name():
    assert PLATFORM.name == "智能制造 工业互联网平台 数据采集规范"


def test_name_entities_tags_and_invisibles_removed():
    assert ELDERLY.name == "养老机构服务质量 评价规范"
    assert EMBROIDERY.name == "苏州刺绣 技艺传承基地建设规范"


def test_spam_removed_from_name_and_flagged():
    assert GARDENS.name == "古典园林养护管理规范"
    assert GARDENS.spam and not PLATFORM.spam


def test_status():
    assert (PLATFORM.status, SILK.status, GARDENS.status) == ("现行", "废止", "即将实施")


def test_epoch_ms_dates_are_shanghai_dates():
    assert (PLATFORM.issue_date, PLATFORM.act_date, PLATFORM.abolish_date) == (date(2023, 9, 25), date(2023, 10, 25), None)


def test_abolish_date_from_fzdate():
    assert SILK.abolish_date == date(2024, 5, 1)


def test_replaces_and_is_revision():
    assert ELDERLY.replaces == ["DB3205/T 1001-2020"] and ELDERLY.is_revision
    assert SILK.replaces == ["DB32/T 1234-2008", "DB32/T 1235-2008"]
    assert PLATFORM.replaces == [] and not PLATFORM.is_revision


def test_list_has_no_drafters():
    assert (PLATFORM.drafters, PLATFORM.drafters_known) == ([], False)


def test_input_time_is_the_filing_date_in_beijing_time():
    assert PLATFORM.input_time == datetime(2023, 10, 8, tzinfo=BEIJING)


def test_unreadable_record_date_keeps_the_row():
    assert EMBROIDERY.input_time is None and EMBROIDERY.issue_date == date(2023, 12, 28)


def test_source_id_and_no_detail_url_the_parser_builds_no_url():
    assert (PLATFORM.source, PLATFORM.source_id) == ("sacinfo", "5c1f0e7a9b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e")
    assert PLATFORM.detail_url is None
    assert ELDERLY.source_id == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"  # an older 32-hex pk


def test_provenance_is_the_list_page():
    assert PLATFORM.provenance == LIST_PROV


def test_bad_date_row_is_rejected():
    [bad] = REJECTS["bad_date"]
    assert "issueDate '2023-13-01'" in bad.detail and "DB32/T 4600-2023" not in BY_NO


def test_bad_number_row_is_rejected():
    [bad] = REJECTS["bad_std_no"]
    assert "'待定'" in bad.detail


def test_the_kind_is_the_numbers_not_the_lists():
    """An industry number in a dbba answer is an industry record (a unified host may list both)."""
    assert BY_NO["JT/T 795-2023"].std_type == "industry" and "type_mismatch" not in REJECTS


def test_a_number_neither_industry_nor_local_is_a_type_mismatch():
    text = '{"total": 1, "records": [{"pk": "ab", "code": "GB/T 7714-2015", "chName": "信息与文献"}]}'
    result = sacinfo.parse_list(text, LIST_PROV)
    assert result.records == [] and [r.reason for r in result.rejects] == ["type_mismatch"]
    assert "GB/T 7714-2015 is national, not industry or local" in result.rejects[0].detail


def test_row_without_pk_and_non_object_row_are_rejected():
    assert len(REJECTS["missing_field"]) == 1 and "no pk" in REJECTS["missing_field"][0].detail
    assert "NoneType" in REJECTS["bad_row"][0].detail


def test_industry_list():
    record, local = INDUSTRY.records
    assert (record.std_no, record.std_type, record.prefix) == ("JT/T 795-2023", "industry", "JT/T")
    assert record.replaces == ["JT/T 795-2011"]
    assert (local.std_no, local.std_type) == ("DB32/T 4567-2023", "local") and INDUSTRY.rejects == []


@pytest.mark.parametrize("text", ["<html>系统维护中</html>", '{"total": 1, "rows": []}', "[]"])
def test_a_page_that_is_not_a_list_is_one_reject(text):
    result = sacinfo.parse_list(text, LIST_PROV)
    assert (result.total, result.records) == (None, [])
    assert [r.reason for r in result.rejects] == ["bad_json"]


# -- list invariants ----------------------------------------------------------------------------


def test_every_row_is_a_record_or_a_reject():
    assert len(LIST.records) + len(LIST.rejects) == LIST.total == 10
    assert len(LIST.records) == 6


def test_std_nos_and_pks_are_unique():
    assert len(BY_NO) == len({r.source_id for r in LIST.records}) == len(LIST.records)


def test_records_are_local_from_sacinfo_but_the_industry_number():
    assert all(r.std_type == ("industry" if r.std_no.startswith("JT/") else "local") and r.source == "sacinfo"
               for r in LIST.records)


def test_rejects_carry_reason_url_response_and_row():
    for bad in LIST.rejects:
        assert bad.source == "sacinfo" and bad.reason and bad.detail.startswith("row ")
        assert (bad.url, bad.response_id) == (LIST_PROV.url, "dbba-list-1")


# -- detail pages -------------------------------------------------------------------------------


def test_detail_std_no():
    assert (DB.std_no, DB.std_no_raw) == ("DB32/T 4567-2023", "DB32/T 4567-2023")
    assert (HB.std_no, HB.std_no_raw) == ("JT/T 795-2023", "JT/T 795—2023")


def test_detail_title():
    assert DB.title == "智能制造 工业互联网平台 数据采集规范"
    assert HB.title == "营运车辆自动紧急制动系统性能要求和测试规程"


def test_detail_type_label_and_status():
    assert (DB.type_label, DB.status) == ("江苏省", "现行")
    assert (HB.type_label, DB_SPAM.status) == ("交通", "即将实施")


def test_detail_dates():
    assert (DB.issue_date, DB.act_date, DB.abolish_date) == (date(2023, 9, 25), date(2023, 10, 25), None)


def test_detail_revision_and_replaces():
    assert (DB.revision, DB.replaces) == ("制定", [])
    assert (HB.revision, HB.replaces) == ("修订", ["JT/T 795-2011"])


def test_detail_committee():
    assert (HB.committee_code, HB.committee_name) == ("TC247", "全国汽车维修标准化技术委员会")
    assert (DB.committee_code, DB.committee_name) == ("JS/TC12", "江苏省智能制造标准化技术委员会")
    assert (DB_SPAM.committee_code, DB_SPAM.committee_name) == (None, "苏州市园林和绿化管理局")


def test_detail_record_no_and_date():
    assert (DB.record_no, DB.record_date) == ("91234-2023", date(2023, 10, 8))


def test_detail_drafters_from_the_paragraph_lead_first():
    assert DB.drafters == ["苏州工业园区某某智能科技有限公司", "江苏省质量和标准化研究院",
                           "苏州某某（集团、控股）有限公司", "昆山市某某精密机械有限公司"]
    assert HB.drafters == ["交通运输部公路科学研究所", "苏州某某汽车电子有限公司"]


def test_detail_drafters_from_the_fallback_block():
    assert DB_SPAM.drafters == ["苏州市某某园林发展中心", "苏州某某园林工程有限公司", "吴江区某某绿化养护有限公司"]


def test_detail_drafter_people():
    assert DB.drafter_people == ["张三", "李四", "王五"] and HB.drafter_people == []


def test_detail_fields():
    assert DB.fields["中国标准分类号"] == "J07" and DB.fields["批准发布部门"] == "江苏省市场监督管理局"
    assert HB.fields["行业分类"] == "交通运输、仓储和邮政业"


def test_clean_detail_has_no_spam_or_rejects():
    assert DB.spam == [] and HB.spam == [] and DB.rejects == [] and HB.rejects == []


def test_spam_page_is_flagged_and_its_facts_still_extracted():
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in DB_SPAM.spam
    assert "皇冠体育投注" in DB_SPAM.spam and any("百家乐" in s for s in DB_SPAM.spam)
    assert DB_SPAM.title == "古典园林养护管理规范"
    assert (DB_SPAM.std_no, DB_SPAM.issue_date) == ("DB3205/T 1077-2023", date(2023, 12, 28))


def test_unreadable_detail_values_become_rejects():
    html = read("dbba.stdDetail.DB32_T_4567-2023.html").replace("2023-10-25", "2023-10-32")
    detail = sacinfo.parse_detail(html, provenance(DB_URL, "x"))
    assert detail.act_date is None and [r.reason for r in detail.rejects] == ["bad_date"]
    assert "实施日期 '2023-10-32'" in detail.rejects[0].detail


def test_a_page_without_a_drafter_section_has_no_drafters():
    detail = sacinfo.parse_detail("<html><body><dl><dt>标准号</dt><dd>DB32/T 1-2020</dd></dl></body></html>",
                                  provenance(DB_URL, "x"))
    assert (detail.std_no, detail.drafters, detail.title) == ("DB32/T 1-2020", [], None)


# -- merge --------------------------------------------------------------------------------------


def test_merge_fills_drafters_and_marks_them_known():
    merged = sacinfo.merge_detail(PLATFORM, DB)
    assert merged.drafters == DB.drafters and merged.drafters_known
    assert merged.drafters[0] == "苏州工业园区某某智能科技有限公司"


def test_merge_takes_the_detail_pages_provenance_and_keeps_list_values():
    merged = sacinfo.merge_detail(PLATFORM, DB)
    assert merged.provenance == DB.provenance
    assert (merged.name, merged.issue_date, merged.source_id) == (PLATFORM.name, PLATFORM.issue_date, PLATFORM.source_id)


def test_merge_reads_the_revision_and_committee_from_the_page():
    merged = sacinfo.merge_detail(HB_RECORD, HB)
    assert merged.is_revision and merged.committee_code == "TC247"
    assert not sacinfo.merge_detail(PLATFORM, DB).is_revision


def test_merge_flags_spam_from_the_page():
    assert sacinfo.merge_detail(GARDENS, DB_SPAM).spam
    assert not sacinfo.merge_detail(PLATFORM, DB).spam


def test_merge_keeps_people_out_unless_asked():
    assert sacinfo.merge_detail(PLATFORM, DB).drafter_people == []
    assert sacinfo.merge_detail(PLATFORM, DB, keep_people=True).drafter_people == ["张三", "李四", "王五"]


def test_merge_refuses_another_standards_page():
    with pytest.raises(sacinfo.DetailMismatch, match="JT/T 795-2023"):
        sacinfo.merge_detail(PLATFORM, HB)


def test_an_empty_detail_body_is_an_empty_page_not_an_error():
    detail = sacinfo.parse_detail("", provenance(DB_URL, "x"))
    assert (detail.std_no, detail.drafters, detail.rejects) == (None, [], [])
