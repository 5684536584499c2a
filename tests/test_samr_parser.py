"""transform.parsers.samr on saved pages (tests/fixtures/samr/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from transform.parsers import samr
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "samr"
BASE = "https://std.samr.gov.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)
BEIJING = timezone(timedelta(hours=8))


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("samr", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LIST_PROV = provenance(f"{BASE}/gb/search/gbAdvancedSearchPage?tid=2&pageNumber=1&pageSize=50", "list-1")
LIST = samr.parse_list(read("gbAdvancedSearchPage.tid2.json"), LIST_PROV, tid=2)
BY_NO = {r.std_no: r for r in LIST.records}
NEW_TOYS = BY_NO["GB/T 9832-2026"]  # the live-shaped row, no DRAFT_UNIT
OLD_TOYS = BY_NO["GB/T 9832-2007"]  # `<b>` in the name, TOTAL_REPE ","
TWIN = BY_NO["GB/T 46001-2026"]  # em dash, <sacinfo>, DRAFT_UNIT, two replaced numbers
BATTERY = BY_NO["GB 46003-2026"]  # DRAFT_UNIT ""
EDGE = BY_NO["GB/T 46004.2-2026"]  # STD_CODE2 fallback, spam in DRAFT_UNIT, D_DATE
LATE_ENTRY = BY_NO["GB/T 46005-2026"]  # unreadable SYS_INPUTIME
REJECTS = {r.reason: r for r in LIST.rejects}

INDUSTRY = samr.parse_list(
    read("gbAdvancedSearchPage.tid3.json"), provenance(f"{BASE}/gb/search/gbAdvancedSearchPage?tid=3", "list-3"),
    tid=3,
)

GB_URL = f"{BASE}/gb/search/gbDetailed?id=71F772D8055ED3A7E05397BE0A0AB82A"
HB_URL = f"{BASE}/hb/search/stdHBDetailed?id=8B1827F23645BB19E05397BE0A0AB44A"
GB = samr.parse_detail(read("gbDetailed.GB_T_7714-2015.html"), provenance(GB_URL, "gb-detail"))
GB_SPAM = samr.parse_detail(read("gbDetailed.GB_T_7714-2015.spam.html"), provenance(GB_URL, "gb-spam"))
HB = samr.parse_detail(read("stdHBDetailed.CY_T_154-2017.html"), provenance(HB_URL, "hb-detail"))


# -- list page --------------------------------------------------------------------------------


def test_paging_fields():
    assert (LIST.total, LIST.page_number) == (9, 1)


def test_std_no_is_canonical_and_raw_is_kept():
    assert (NEW_TOYS.std_no, NEW_TOYS.std_no_raw) == ("GB/T 9832-2026", "GB/T 9832-2026")


def test_em_dash_number():
    assert (TWIN.std_no, TWIN.std_no_raw) == ("GB/T 46001-2026", "GB/T 46001—2026")


def test_std_code2_fallback():
    assert (EDGE.std_no, EDGE.std_no_raw) == ("GB/T 46004.2-2026", "GB/T46004.2-2026")


def test_std_type_prefix_year():
    assert (NEW_TOYS.std_type, NEW_TOYS.prefix, NEW_TOYS.year) == ("national", "GB/T", 2026)
    assert (BATTERY.prefix, BATTERY.std_type) == ("GB", "national")


def test_name():
    assert NEW_TOYS.name == "毛绒、布制玩具"


def test_name_tags_entities_and_invisibles_removed():
    assert OLD_TOYS.name == "毛绒、布制玩具"
    assert TWIN.name == "智能制造 数字孪生系统通用要求"


def test_status():
    assert (NEW_TOYS.status, OLD_TOYS.status) == ("即将实施", "现行")


def test_dates():
    assert (NEW_TOYS.issue_date, NEW_TOYS.act_date, NEW_TOYS.abolish_date) == (date(2026, 5, 25), date(2027, 6, 1), None)
    assert EDGE.abolish_date == date(2031, 11, 1)


def test_replaces_and_is_revision():
    assert NEW_TOYS.replaces == ["GB/T 9832-2007"] and NEW_TOYS.is_revision
    assert TWIN.replaces == ["GB/T 40001-2021", "GB/T 40002-2021"]


def test_literal_comma_total_repe_is_no_replacement():
    assert OLD_TOYS.replaces == [] and not OLD_TOYS.is_revision


def test_drafters_lead_first():
    assert TWIN.drafters == ["苏州工业园区某某智能科技有限公司", "江苏省质量和标准化研究院", "昆山市某某精密机械有限公司"]
    assert TWIN.drafters_known


def test_drafters_unknown_when_draft_unit_missing_or_empty():
    assert (NEW_TOYS.drafters, NEW_TOYS.drafters_known) == ([], False)
    assert (BATTERY.drafters, BATTERY.drafters_known) == ([], False)


def test_spam_removed_from_drafters_and_flagged():
    assert EDGE.drafters == ["张家港某某电子有限公司", "常熟某某信息技术有限公司"]
    assert EDGE.spam and not TWIN.spam


def test_committee():
    assert (NEW_TOYS.committee_code, NEW_TOYS.committee_name) == ("TC253", "全国玩具标准化技术委员会")
    assert (BATTERY.committee_code, BATTERY.committee_name) == (None, None)


def test_input_time_is_beijing_time():
    assert NEW_TOYS.input_time == datetime(2026, 5, 26, 9, 31, 32, tzinfo=BEIJING)
    assert OLD_TOYS.input_time is None


def test_unreadable_input_time_keeps_the_row():
    assert LATE_ENTRY.input_time is None and LATE_ENTRY.issue_date == date(2026, 4, 10)


def test_source_id_and_no_detail_url():
    # Parsers build no URL: the flow adds the detail URL (extract.sources.samr.detail_url).
    assert (NEW_TOYS.source, NEW_TOYS.source_id) == ("samr", "52AF72FB01A5403AE06397BE0A0AD6A8")
    assert all(r.detail_url is None for r in LIST.records + INDUSTRY.records)


def test_provenance_is_the_list_page():
    assert NEW_TOYS.provenance == LIST_PROV


def test_drafter_people_dropped_unless_asked():
    assert TWIN.drafter_people == []
    kept = samr.parse_list(read("gbAdvancedSearchPage.tid2.json"), LIST_PROV, tid=2, keep_people=True)
    assert {r.std_no: r for r in kept.records}["GB/T 46001-2026"].drafter_people == ["张三", "李四", "王五"]


def test_bad_date_row_is_rejected():
    assert "ISSUE_DATE '2026-13-45'" in REJECTS["bad_date"].detail
    assert "GB/T 46002-2026" not in BY_NO


def test_bad_number_row_is_rejected():
    assert "'待定'" in REJECTS["bad_std_no"].detail


def test_wrong_type_for_the_list_is_rejected():
    assert "QB/T 5999-2026" in REJECTS["type_mismatch"].detail
    assert "QB/T 5999-2026" not in BY_NO


def test_industry_list():
    [record] = INDUSTRY.records
    assert (record.std_no, record.std_type, record.prefix) == ("CY/T 154-2017", "industry", "CY/T")
    assert record.source_id == HB_URL.rsplit("=", 1)[1]
    assert [r.reason for r in INDUSTRY.rejects] == ["type_mismatch"]


@pytest.mark.parametrize("text", ["<html>系统维护中</html>", '{"total": 1}', "[]"])
def test_a_page_that_is_not_a_list_is_one_reject(text):
    result = samr.parse_list(text, LIST_PROV, tid=2)
    assert (result.total, result.records) == (None, [])
    assert [r.reason for r in result.rejects] == ["bad_json"]


# -- list invariants ----------------------------------------------------------------------------


def test_every_row_is_a_record_or_a_reject():
    assert len(LIST.records) + len(LIST.rejects) == LIST.total == 9
    assert len(LIST.records) == 6
    assert sorted(REJECTS) == ["bad_date", "bad_std_no", "type_mismatch"] and len(LIST.rejects) == 3


def test_std_nos_are_unique():
    assert len(BY_NO) == len(LIST.records)


def test_records_are_national_with_provenance():
    assert all(r.std_type == "national" and r.provenance == LIST_PROV for r in LIST.records)


def test_rejects_carry_reason_url_and_response():
    for reject in LIST.rejects:
        assert reject.source == "samr" and reject.reason and reject.detail
        assert (reject.url, reject.response_id) == (LIST_PROV.url, "list-1")
        assert "row " in reject.detail and "id " in reject.detail


# -- detail pages -------------------------------------------------------------------------------


def test_detail_std_no():
    assert (GB.std_no, GB.std_no_raw) == ("GB/T 7714-2015", "GB/T 7714-2015")
    assert HB.std_no == "CY/T 154-2017"


def test_detail_title():
    assert GB.title == "信息与文献 参考文献著录规则"
    assert HB.title == "中文出版物夹用英文的编辑规范"


def test_detail_english_title():
    assert GB.title_en.startswith("Information and documentation")
    assert HB.title_en is None


def test_detail_type_label():
    assert (GB.type_label, HB.type_label) == ("国家标准", "行业标准-CY 新闻出版")


def test_detail_status():
    assert GB.status == HB.status == "现行"


def test_an_empty_status_span_is_skipped_for_the_first_with_text():
    page = samr.parse_detail(read("gbDetailed.GB_T_7714-2015.empty-status.html"), provenance(GB_URL, "gb-empty"))
    assert page.status == "现行"
    assert page.std_no == "GB/T 7714-2015" and page.drafters == GB.drafters


def test_detail_dates():
    assert (GB.issue_date, GB.act_date, GB.abolish_date) == (date(2015, 5, 15), date(2015, 12, 1), None)


def test_detail_replaces():
    assert GB.replaces == ["GB/T 7714-2005"] and HB.replaces == []


def test_detail_committee():
    assert (GB.committee_code, GB.committee_name) == ("TC4", "全国信息与文献标准化技术委员会")
    assert (HB.committee_code, HB.committee_name) == ("TC527", "全国新闻出版标准化技术委员会")


def test_detail_drafters():
    assert GB.drafters == ["北京大学信息管理系", "中国科学技术信息研究所", "北京师范大学学报（自然科学版）编辑部", "中国科学院文献情报中心"]
    assert HB.drafters == ["中国新闻出版研究院", "商务印书馆有限公司"]


def test_detail_drafter_people():
    assert GB.drafter_people == ["张三", "李四"] and HB.drafter_people == []


def test_detail_basic_info_fields():
    assert GB.fields["中国标准分类号"] == "A14"
    assert GB.fields["国际标准分类号"].startswith("01.140.20")
    assert HB.fields["行业分类"] == "文化、体育和娱乐业"


def test_clean_detail_has_no_spam():
    assert GB.spam == [] and HB.spam == [] and GB.rejects == []


def test_spam_page_is_flagged_and_its_facts_still_extracted():
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in GB_SPAM.spam
    assert "皇冠体育投注" in GB_SPAM.spam
    assert any("百家乐" in s for s in GB_SPAM.spam)  # the hidden link block
    assert GB_SPAM.title == GB.title
    assert GB_SPAM.drafters == GB.drafters
    assert (GB_SPAM.std_no, GB_SPAM.issue_date) == (GB.std_no, GB.issue_date)


def test_hbba_style_paragraph_of_drafters():
    html = (
        '<div class="para-title"><h2 class="title-text">起草单位</h2></div>'
        "<p>苏州某某科技有限公司、昆山某某（集团、控股）有限公司</p>"
        '<div class="para-title"><h2 class="title-text">起草人</h2></div><p>张三、李四</p>'
    )
    detail = samr.parse_detail(html, provenance(HB_URL, "x"))
    assert detail.drafters == ["苏州某某科技有限公司", "昆山某某（集团、控股）有限公司"]
    assert detail.drafter_people == ["张三", "李四"]


def test_unreadable_detail_values_become_rejects():
    html = read("gbDetailed.GB_T_7714-2015.html").replace("2015-12-01", "2015-12-32")
    detail = samr.parse_detail(html, provenance(GB_URL, "x"))
    assert detail.act_date is None and [r.reason for r in detail.rejects] == ["bad_date"]


# -- merge --------------------------------------------------------------------------------------


def list_record_for_gb_7714():
    # The tid=3 fixture's GB/T row, read as a national list would give it.
    record = samr.parse_list(read("gbAdvancedSearchPage.tid3.json"), LIST_PROV, tid=2).records[0]
    assert record.std_no == "GB/T 7714-2015" and not record.drafters_known
    return record


def test_merge_fills_drafters_from_the_detail_page():
    merged = samr.merge_detail(list_record_for_gb_7714(), GB)
    assert merged.drafters == GB.drafters and merged.drafters_known
    assert merged.drafters[0] == "北京大学信息管理系"  # the lead unit stays first


def test_merge_takes_the_detail_pages_provenance():
    assert samr.merge_detail(list_record_for_gb_7714(), GB).provenance == GB.provenance


def test_merge_fills_only_missing_fields():
    record = list_record_for_gb_7714()
    merged = samr.merge_detail(record, GB)
    assert merged.name == record.name and merged.issue_date == record.issue_date
    assert merged.act_date == date(2015, 12, 1)  # the list row had none
    assert merged.replaces == ["GB/T 7714-2005"] and merged.is_revision
    assert merged.committee_code == "TC4"


def test_merge_flags_spam_from_the_page():
    assert samr.merge_detail(list_record_for_gb_7714(), GB_SPAM).spam
    assert not samr.merge_detail(list_record_for_gb_7714(), GB).spam


def test_merge_keeps_people_out_unless_asked():
    record = list_record_for_gb_7714()
    assert samr.merge_detail(record, GB).drafter_people == []
    assert samr.merge_detail(record, GB, keep_people=True).drafter_people == ["张三", "李四"]


def test_merge_refuses_another_standards_page():
    with pytest.raises(samr.DetailMismatch, match="CY/T 154-2017"):
        samr.merge_detail(list_record_for_gb_7714(), HB)


def test_merge_with_a_page_without_drafters_marks_them_known_and_empty():
    no_drafters = replace(GB, drafters=[])
    merged = samr.merge_detail(list_record_for_gb_7714(), no_drafters)
    assert merged.drafters == [] and merged.drafters_known
