"""transform.parsers.ttbz on saved answers (tests/fixtures/ttbz/, real URLs in its README).

Parsed once at module level; one small test per field, then invariants.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from transform.parsers import ttbz
from transform.records import Provenance

FIXTURES = Path(__file__).parent / "fixtures" / "ttbz"
BASE = "https://www.ttbz.org.cn"
FETCHED_AT = datetime(2026, 5, 27, 1, 0, tzinfo=timezone.utc)


def provenance(url: str, response_id: str) -> Provenance:
    return Provenance("ttbz", url, FETCHED_AT, response_id, "0" * 64)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LIST_PROV = provenance(f"{BASE}/cms-proxy/ms/portal/standardInfo/getPortalStandardList", "list-1")
SECONDARY_URL = f"{BASE}/standardDetail/a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p.html"
LIST = ttbz.parse_list(read("getPortalStandardList.json"), LIST_PROV)
BY_NO = {r.std_no: r for r in LIST.records}
SECONDARY_NODE = BY_NO["T/SZZZ 012-2024"]  # every field
CARS = BY_NO["T/NAIA 0497-2026"]  # publishDate with a time
MOULDS = BY_NO["T/KSJX 003-2023"]  # spam in the title
BROCADE = BY_NO["T/WJSC 001-2019"]  # abolished
REJECTS = {r.reason: r for r in LIST.rejects}

ORGAN_PROV = provenance(f"{BASE}/cms-proxy/ms/bus/organList/portal/queryOrgan?pageNo=1&pageSize=100", "organs")
ORGANS = ttbz.parse_organs(read("queryOrgan.jiangsu.json"), ORGAN_PROV, province="江苏省")
PROVINCES, PROVINCE_REJECTS = ttbz.parse_provinces(read("getProvince.json"), provenance(f"{BASE}/p", "prov"))

DETAIL = ttbz.parse_detail(read("standardDetail.a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p.html"),
                           provenance(SECONDARY_URL, "detail"))
SPAM_DETAIL = ttbz.parse_detail(read("standardDetail.z9y8x7w6v5u4t3s2r1q0p9o8n7m6l5k.spam.html"),
                                provenance(f"{BASE}/standardDetail/{MOULDS.source_id}.html", "detail-spam"))


# -- standards list ---------------------------------------------------------------------------


def test_total():
    assert LIST.total == 8


def test_em_dash_number_is_canonical_and_raw_is_kept():
    assert (SECONDARY_NODE.std_no, SECONDARY_NODE.std_no_raw) == ("T/SZZZ 012-2024", "T/SZZZ 012—2024")


def test_std_type_prefix_year():
    assert (SECONDARY_NODE.std_type, SECONDARY_NODE.prefix, SECONDARY_NODE.year) == ("group", "T/SZZZ", 2024)


def test_name():
    assert SECONDARY_NODE.name == "工业互联网标识解析 二级节点建设规范"


def test_spam_removed_from_the_name_and_flagged():
    assert MOULDS.name == "精密模具 热处理工艺规范" and MOULDS.spam and not SECONDARY_NODE.spam


def test_status():
    assert (SECONDARY_NODE.status, BROCADE.status) == ("现行", "废止")


def test_publish_date_is_the_issue_date():
    assert SECONDARY_NODE.issue_date == date(2024, 3, 15)
    assert CARS.issue_date == date(2026, 5, 6)


def test_implement_and_abolish_dates():
    assert (SECONDARY_NODE.act_date, SECONDARY_NODE.abolish_date) == (date(2024, 4, 1), None)
    assert BROCADE.abolish_date == date(2025, 1, 1)


def test_no_drafters_or_replacements_in_the_list():
    assert (SECONDARY_NODE.drafters, SECONDARY_NODE.drafters_known) == ([], False)
    assert (SECONDARY_NODE.replaces, SECONDARY_NODE.is_revision) == ([], False)


def test_source_id_and_no_detail_url_the_parser_builds_no_url():
    assert (SECONDARY_NODE.source, SECONDARY_NODE.source_id) == ("ttbz", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p")
    assert SECONDARY_NODE.detail_url is None


def test_publishers_by_std_no():
    assert LIST.publishers["T/SZZZ 012-2024"] == "苏州市某某智能制造协会"
    assert LIST.publishers["T/WJSC 001-2019"] == "苏州市吴江区某某丝绸协会"
    assert set(LIST.publishers) == set(BY_NO)


def test_provenance_is_the_list_answer():
    assert SECONDARY_NODE.provenance == LIST_PROV


def test_rejects_name_the_row_and_why():
    assert "GB/T 1234-2020 is national, not group" in REJECTS["type_mismatch"].detail
    assert "no standardUniqueId" in REJECTS["missing_field"].detail
    assert "publishDate '2022-02-30'" in REJECTS["bad_date"].detail
    assert "row 7" in REJECTS["bad_row"].detail


@pytest.mark.parametrize(("text", "says"), [
    ('{"result": false, "message": "系统繁忙"}', "系统繁忙"),
    ("<html>WEB 应用防火墙</html>", "not JSON"),
    ('{"result": true, "data": {"total": 1, "records": []}}', "data.rows"),
])
def test_an_answer_that_is_not_a_list_is_one_reject(text, says):
    result = ttbz.parse_list(text, LIST_PROV)
    assert (result.total, result.records, result.publishers) == (None, [], {})
    assert [r.reason for r in result.rejects] == ["bad_json"] and says in result.rejects[0].detail


def test_every_row_is_a_record_or_a_reject():
    assert len(LIST.records) + len(LIST.rejects) == LIST.total == 8
    assert len(LIST.records) == 4


def test_ids_and_numbers_are_unique_and_all_group():
    assert len(BY_NO) == len({r.source_id for r in LIST.records}) == len(LIST.records)
    assert all(r.std_type == "group" for r in LIST.records)


# -- associations -----------------------------------------------------------------------------


def test_provinces():
    assert PROVINCES == ["北京市", "江苏省", "浙江省"] and PROVINCE_REJECTS == []


def test_organs_ids_names_and_provinces():
    assert [o.organ_unique_id for o in ORGANS.organs] == ["org0001jiangsuszzz", "org0002jiangsuksjx", "org0003jiangsunoname"]
    assert ORGANS.organs[0].name == "苏州市某某智能制造协会" and ORGANS.organs[2].name is None
    assert {o.province for o in ORGANS.organs} == {"江苏省"}


def test_organ_evidence_carries_the_address_or_else_the_province():
    first, second = ORGANS.evidence
    assert (first.name, first.source, first.address) == ("苏州市某某智能制造协会", "ttbz", "江苏省苏州市工业园区星湖街某某号")
    assert (second.name, second.address) == ("昆山市某某机械行业协会", "江苏省")
    assert first.provenance == ORGAN_PROV and first.uscc is None


def test_organ_without_an_id_is_rejected():
    [bad] = ORGANS.rejects
    assert bad.reason == "missing_field" and "江苏省, row 3" in bad.detail and ORGANS.total == 4


# -- detail pages -------------------------------------------------------------------------------


def test_detail_readable_and_std_no():
    assert DETAIL.unreadable is None and DETAIL.std_no == "T/SZZZ 012-2024"


def test_detail_drafters_from_editor_unit_lead_first():
    assert DETAIL.drafters == ["苏州工业园区某某信息科技有限公司", "苏州市某某智能制造协会",
                               "江苏省某某（集团、控股）有限公司", "张家港市某某电子有限公司"]


def test_detail_drafter_people():
    assert DETAIL.drafter_people == ["张三", "李四", "王五"]


def test_detail_fields():
    assert DETAIL.fields == {"icsl1Name": "35 信息技术", "ccss1Name": "L70",
                             "ccsl1Name": "I 信息传输、软件和信息技术服务业", "isPatentName": "否"}


def test_clean_detail_has_no_spam():
    assert DETAIL.spam == [] and DETAIL.rejects == []


def test_spam_detail_is_flagged_and_drafters_cleaned():
    assert SPAM_DETAIL.drafters == ["昆山市某某模具有限公司", "昆山某某热处理有限公司", "昆山市某某机械行业协会"]
    assert "皇冠体育投注" in SPAM_DETAIL.spam and any("百家乐" in s for s in SPAM_DETAIL.spam)
    assert "澳门皇冠赌场_澳门皇冠游戏-投注app官网" in SPAM_DETAIL.spam


@pytest.mark.parametrize(("html", "says"), [
    ("<html><body><div id='app'></div></body></html>", "no #portal-standard-detail-json"),
    ("<html><body><script id='portal-standard-detail-json'>{oops</script></body></html>", "not JSON"),
    ("<html><body><script id='portal-standard-detail-json'>[1]</script></body></html>", "list"),
    ("<html><body><script id='portal-standard-detail-json'>{\"a\": 1}</script></body></html>", "none of the keys"),
    ("<html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + "</body></html>", "no #portal-standard-detail-json"),
])
def test_a_page_without_a_readable_blob_is_unreadable(html, says):
    """The flow makes it a `layout_changed` reject (tests/test_detail_drift.py): never "drafters known, none"."""
    detail = ttbz.parse_detail(html, provenance(SECONDARY_URL, "x"))
    assert detail.unreadable and says in detail.unreadable and detail.drafters == []


# -- merge --------------------------------------------------------------------------------------


def test_merge_fills_drafters_and_takes_the_pages_provenance():
    merged = ttbz.merge_detail(SECONDARY_NODE, DETAIL)
    assert merged.drafters == DETAIL.drafters and merged.drafters_known
    assert merged.provenance == DETAIL.provenance and merged.name == SECONDARY_NODE.name


def test_merge_keeps_people_out_unless_asked():
    assert ttbz.merge_detail(SECONDARY_NODE, DETAIL).drafter_people == []
    assert ttbz.merge_detail(SECONDARY_NODE, DETAIL, keep_people=True).drafter_people == ["张三", "李四", "王五"]


def test_merge_with_a_page_without_the_blob_leaves_drafters_unknown():
    missing = ttbz.parse_detail("<html><body></body></html>", provenance(SECONDARY_URL, "x"))
    merged = ttbz.merge_detail(SECONDARY_NODE, missing)
    assert (merged.drafters_known, merged.provenance) == (False, LIST_PROV)


def test_merge_flags_spam_from_the_page():
    assert ttbz.merge_detail(MOULDS, SPAM_DETAIL).spam


def test_merge_refuses_another_standards_page():
    with pytest.raises(ttbz.DetailMismatch, match="T/KSJX 003-2023"):
        ttbz.merge_detail(SECONDARY_NODE, SPAM_DETAIL)


def test_an_empty_detail_body_is_unreadable():
    assert ttbz.parse_detail("", provenance(SECONDARY_URL, "x")).unreadable
