"""transform.parsers.tc on saved pages (tests/fixtures/tc/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from transform.parsers import tc
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "tc"
BASE = "https://std.samr.gov.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("tc", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LIST_PROV = provenance(f"{BASE}/search/orgPage?q=&op=...&pageNo=1", "list-1")
LIST = tc.parse_list(read("orgPage.jiangsu.p1.html"), LIST_PROV)
EQUIPMENT, TESTING, MATERIALS = LIST.items

TC_URL = f"{BASE}/search/orgDetailView?data_id=AB12CD34EF56AB12CD34EF56AB12CD34"
TC_PAGE = tc.parse_detail(read("orgDetailView.TC530.html"), provenance(TC_URL, "tc-530"), item=EQUIPMENT)
SC_PAGE = tc.parse_detail(read("orgDetailView.TC530_SC1.html"), provenance(f"{BASE}/search/orgDetailView?tcCode=TC530%2FSC1", "sc-1"))
TC_RECORD, SC_RECORD = TC_PAGE.record, SC_PAGE.record


# -- directory ------------------------------------------------------------------------------------


def test_total():
    assert LIST.total == 4


def test_item_number_and_code():
    assert (EQUIPMENT.number, EQUIPMENT.code) == ("TC 530", "TC530")
    assert TESTING.code == "TC530/SC1"


def test_item_title():
    assert EQUIPMENT.title == "全国某某装备标准化技术委员会"


def test_item_title_spam_removed_and_page_flagged():
    assert MATERIALS.title == "全国某某材料标准化技术委员会"
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in LIST.spam


def test_item_href_as_printed_relative_or_absolute():
    """The parser builds no URL: `extract.sources.tc.detail_url` joins the href to the base."""
    assert EQUIPMENT.href == TC_URL.removeprefix(BASE)
    assert TESTING.href == f"{BASE}/search/orgDetailView?tcCode=TC530%2FSC1"


def test_item_summary_pairs():
    assert EQUIPMENT.summary["专业范围"].startswith("某某装备的术语")
    assert EQUIPMENT.summary["英文名称"].startswith("National Technical Committee")


def test_item_secretariat_unit_and_location():
    assert (EQUIPMENT.secretariat_unit, EQUIPMENT.location) == ("苏州某某装备研究院有限公司", "江苏省苏州市")


def test_item_without_a_link_is_rejected():
    [bad] = LIST.rejects
    assert bad.reason == "missing_field" and "全国某某服务标准化技术委员会" in bad.detail and "detail link" in bad.detail
    assert len(LIST.items) + len(LIST.rejects) == LIST.total


def test_an_empty_page_has_no_items():
    result = tc.parse_list("", LIST_PROV)
    assert (result.total, result.items, result.rejects) == (None, [], [])


# -- committee pages ------------------------------------------------------------------------------


def test_code_is_canonical():
    assert (TC_RECORD.code, SC_RECORD.code) == ("TC530", "TC530/SC1")


def test_kind():
    assert (TC_RECORD.kind, SC_RECORD.kind) == ("TC", "SC")


def test_name():
    assert TC_RECORD.name == "全国某某装备标准化技术委员会"
    assert SC_RECORD.name == "全国某某装备标准化技术委员会检测分技术委员会"


def test_secretariat_unit():
    assert (TC_RECORD.secretariat_unit, SC_RECORD.secretariat_unit) == ("苏州某某装备研究院有限公司", "昆山市某某检测技术有限公司")


def test_address():
    assert TC_RECORD.address == "江苏省苏州市吴中区越溪街道某某路88号"


def test_province_with_full_or_half_width_brackets():
    assert TC_RECORD.province == SC_RECORD.province == "江苏省"


def test_established_when_the_page_has_it():
    assert (TC_RECORD.established, SC_RECORD.established) == (date(2008, 6, 18), None)


def test_provenance_and_detail_url():
    assert (TC_RECORD.provenance.url, TC_RECORD.provenance.response_id) == (TC_URL, "tc-530")
    assert TC_RECORD.detail_url == TC_URL


def test_evidence_is_the_secretariat_with_its_address():
    [evidence] = TC_PAGE.evidence
    assert (evidence.name, evidence.source, evidence.address) == (
        "苏州某某装备研究院有限公司", "tc", "江苏省苏州市吴中区越溪街道某某路88号")
    assert evidence.provenance.response_id == "tc-530" and evidence.uscc is None


def test_fields_keep_the_committee_facts_and_drop_personal_data():
    assert TC_PAGE.fields["本届届号"] == "第三届" and TC_PAGE.fields["筹建单位"] == "中国某某工业协会"
    assert not tc.PERSONAL_LABELS & set(TC_PAGE.fields)
    assert "张三" not in repr(TC_PAGE) and "0512-00000000" not in repr(TC_PAGE)


def test_clean_pages_have_no_spam_or_rejects():
    assert (TC_PAGE.spam, TC_PAGE.rejects, TC_RECORD.spam) == ([], [], False)
    assert SC_PAGE.rejects == []


def test_the_directory_item_fills_what_the_page_lacks():
    page = "<html><body><div class='basic-info cmn-clearfix'><dl><dt>委员会编号</dt><dd>SAC/TC 530</dd></dl></div></body></html>"
    detail = tc.parse_detail(page, provenance(TC_URL, "x"), item=EQUIPMENT)
    record = detail.record
    assert (record.name, record.secretariat_unit, record.address) == (
        "全国某某装备标准化技术委员会", "苏州某某装备研究院有限公司", "江苏省苏州市")


def test_a_page_without_a_code_is_a_reject_and_no_record():
    detail = tc.parse_detail("<html><body><p>页面不存在</p></body></html>", provenance(TC_URL, "x"))
    assert detail.record is None and detail.evidence == []
    assert [r.reason for r in detail.rejects] == ["missing_field"]


def test_an_unreadable_code_is_a_bad_code():
    page = "<html><body><div class='basic-info'><dl><dt>委员会编号</dt><dd>待定</dd></dl></div></body></html>"
    detail = tc.parse_detail(page, provenance(TC_URL, "x"))
    assert detail.record is None and "'待定'" in detail.rejects[0].detail and detail.rejects[0].reason == "bad_code"


def test_an_unreadable_founding_date_is_rejected_and_the_record_kept():
    detail = tc.parse_detail(read("orgDetailView.TC530.html").replace("2008-06-18", "2008年13月"), provenance(TC_URL, "x"))
    assert detail.record.established is None and [r.reason for r in detail.rejects] == ["bad_date"]


def test_spam_on_a_committee_page_is_removed_and_flagged():
    html = read("orgDetailView.TC530.html").replace("<dd>苏州某某装备研究院有限公司", "<dd>皇冠体育投注苏州某某装备研究院有限公司")
    detail = tc.parse_detail(html, provenance(TC_URL, "x"))
    assert detail.record.secretariat_unit == "苏州某某装备研究院有限公司" and detail.record.spam
    assert "皇冠体育投注" in detail.spam


def test_an_empty_committee_page_is_a_reject():
    assert tc.parse_detail("", provenance(TC_URL, "x")).record is None
