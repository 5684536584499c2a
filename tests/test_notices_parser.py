"""transform/parsers/notices.py on pages in the three CMS kinds' real formats (tests/fixtures/notices)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from transform.parsers import notices as p
from transform.region import load_region

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
SUZHOU = load_region("3205")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# -- scjgj.suzhou.gov.cn ------------------------------------------------------------------------

SCJGJ_LIST_URL = "https://scjgj.suzhou.gov.cn/szqts/tzgg/nav_xwtz.shtml"
SCJGJ_LIST = p.parse_scjgj_list(fixture("scjgj_tzgg_nav_xwtz.shtml"), SCJGJ_LIST_URL)


def test_scjgj_list_items():
    assert len(SCJGJ_LIST.links) == 5
    first = SCJGJ_LIST.links[0]
    assert first.url == "https://scjgj.suzhou.gov.cn/szqts/tzgg/202403/8c1f0e6a2b4d4f7e9a0b1c2d3e4f5a6b.shtml"
    assert first.title == "关于下达2024年度苏州市标准化试点示范项目的通知"
    assert first.published == date(2024, 3, 15)


def test_scjgj_list_title_attribute_beats_truncated_text_and_relative_links_resolve():
    last = SCJGJ_LIST.links[-1]
    assert last.title.endswith("知识产权与标准融合发展试点项目名单的通知")
    assert last.url == "https://scjgj.suzhou.gov.cn/szqts/tzgg/202312/fedcba9876543210fedcba9876543210.shtml"


def test_scjgj_list_page_count_from_create_page_html():
    assert SCJGJ_LIST.total_pages == 6
    assert SCJGJ_LIST.pager == p.Pager(6, 0, "nav_xwtz", "shtml")


def test_scjgj_pager_names_each_columns_own_pages():
    # another column names its own pager; some sites put an element id first and a row count last
    assert p.scjgj_pager('<script>createPageHTML(30, 2, "nav_list", "shtml");</script>') == p.Pager(30, 2, "nav_list", "shtml")
    assert p.scjgj_pager("createPageHTML('page_div', 135, 0, 'nav_xwtz', 'shtml', 2013);") == p.Pager(135, 0, "nav_xwtz", "shtml")
    assert p.scjgj_pager("<div>no pager here</div>") is None


def test_scjgj_list_without_its_pager_is_not_a_column_page():
    html = fixture("scjgj_tzgg_nav_xwtz.shtml").replace("createPageHTML", "makePager")
    with pytest.raises(p.NoticeParseError, match="createPageHTML"):
        p.parse_scjgj_list(html, SCJGJ_LIST_URL)


def test_scjgj_article_table_and_attachments():
    url = "https://scjgj.suzhou.gov.cn/szqts/tzgg/202403/8c1f0e6a2b4d4f7e9a0b1c2d3e4f5a6b.shtml"
    article = p.parse_article(fixture("scjgj_article_decision.shtml"), url)
    assert article.title == "关于下达2024年度苏州市标准化试点示范项目的通知"
    assert article.published == date(2024, 3, 15)
    assert [a.url.rsplit(".", 1)[-1] for a in article.attachments] == ["xlsx", "pdf"]
    assert article.attachments[0].text == "2024年度苏州市标准化试点示范项目名单.xlsx"
    assert article.attachments[0].url.startswith("https://scjgj.suzhou.gov.cn/szqts/tzgg/202403/")
    entries = p.table_entries(article.tables[0])
    assert [(e.name, e.org, e.division) for e in entries] == [
        ("智能制造标准化试点项目", "昆山恒瑞精密机械有限公司", "昆山市"),
        ("绿色建材标准化示范项目", "苏州博达新材料科技有限公司", "苏州工业园区"),
        ("智慧物流标准化试点项目", "江苏德信物流有限公司", "苏州高新区"),
        ("家政服务标准化试点项目", "苏州市锐创家政服务有限公司", "苏州市"),
    ]
    assert [e.row for e in entries] == [3, 4, 5, 6]


# -- www.suzhou.gov.cn ----------------------------------------------------------------------------

def test_suzhou_gov_json_list():
    page = p.parse_szinf_list(fixture("suzhou_gov_getInfoCommon.json"),
                                   "https://www.suzhou.gov.cn/szinf/info/getInfoCommon/?pagesize=15&currpage=1")
    assert [link.published for link in page.links] == [date(2023, 11, 6), date(2023, 10, 12), date(2023, 9, 28)]
    assert page.links[0].url == "https://www.suzhou.gov.cn/szsrmzf/zwgg/202311/3e9a1c0b7d2f4e6a8b5c9d0e1f2a3b4c.shtml"
    assert page.links[2].url.startswith("https://www.suzhou.gov.cn/szsrmzf/zwgg/202309/")


def test_suzhou_gov_list_that_is_not_json_names_the_page():
    with pytest.raises(p.NoticeParseError, match="not JSON"):
        p.parse_szinf_list("<html>维护中</html>", "https://www.suzhou.gov.cn/szinf/info/getInfoCommon/")


def test_suzhou_gov_ucap_article():
    article = p.parse_article(fixture("suzhou_gov_article_award.shtml"),
                              "https://www.suzhou.gov.cn/szsrmzf/zwgg/202311/3e9a1c0b7d2f4e6a8b5c9d0e1f2a3b4c.shtml")
    assert article.title == "关于公布2023年度苏州市标准化创新奖获奖名单的通知"
    assert article.published == date(2023, 11, 6)
    assert "予以公布" in article.body and "扫一扫" not in article.body
    assert [a.url.rsplit(".", 1)[-1] for a in article.attachments] == ["docx"]


# -- Hanweb (scjgj.jiangsu.gov.cn) -----------------------------------------------------------------

HANWEB_URL = "https://scjgj.jiangsu.gov.cn/col/col78963/index.html"


def test_hanweb_column_records_and_dataproxy_fields():
    page = p.parse_hanweb_column(fixture("hanweb_col78963_index.html"), HANWEB_URL)
    assert len(page.links) == 3
    assert page.links[0].url == "https://scjgj.jiangsu.gov.cn/art/2024/1/9/art_78963_11234567.html"
    assert page.links[1].title == "2023年度江苏省标准化试点示范项目拟立项名单公示"
    paging = page.hanweb
    assert (paging.columnid, paging.unitid, paging.webid, paging.webname) == ("78963", "320112", "41", "江苏省市场监督管理局")
    assert (paging.total_records, paging.per_page) == (57, 15)


def test_hanweb_column_without_datastore_is_refused():
    with pytest.raises(p.NoticeParseError, match="datastore"):
        p.parse_hanweb_column("<html><body>521</body></html>", HANWEB_URL)


def test_hanweb_dataproxy_reply():
    page = p.parse_hanweb_dataproxy(fixture("hanweb_dataproxy.xml"),
                                    "https://scjgj.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46")
    assert (page.total_records, page.total_pages) == (57, 4)
    assert [link.published for link in page.links] == [date(2023, 6, 20), date(2023, 5, 8)]
    assert page.links[1].url == "https://scjgj.jiangsu.gov.cn/art/2023/5/8/art_78963_10850000.html"


def test_hanweb_article_downfile_attachments():
    url = "https://scjgj.jiangsu.gov.cn/art/2023/12/15/art_78963_11200001.html"
    article = p.parse_article(fixture("hanweb_article_prelim.html"), url)
    assert article.published == date(2023, 12, 15)
    assert [a.url for a in article.attachments] == [
        "https://scjgj.jiangsu.gov.cn/module/download/downfile.jsp?classid=0&filename=2312151000001.xls",
        "https://scjgj.jiangsu.gov.cn/module/download/downfile.jsp?classid=0&filename=2312151000002.pdf",
    ]
    assert p.select_notice(article.title, SUZHOU) == p.Selection("pilot_projects", "preliminary", "省级")


def test_article_without_a_body_container():
    with pytest.raises(p.NoticeParseError, match="no article body"):
        p.parse_article("<html><body><div class='x'>hi</div></body></html>", "https://x.example/a.html")


# -- selection ------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, expected", [
    ("关于下达2024年度苏州市标准化试点示范项目的通知", ("pilot_projects", "decision", "市级")),
    ("2024年度苏州市标准化试点示范项目拟立项名单公示", ("pilot_projects", "preliminary", "市级")),
    ("转发市场监管总局 国家标准委关于下达第十批国家级标准化试点示范项目的通知", ("pilot_projects", "decision", "国家级")),
    ("转发江苏省市场监督管理局关于公布2023年度江苏省知识产权与标准融合发展试点项目名单的通知",
     ("ip_std_pilots", "decision", "省级")),
    ("关于公布2023年度中国标准创新贡献奖获奖名单的通知", ("innovation_awards", "decision", "国家级")),
    ("关于公布2023年度苏州市标准化创新奖获奖名单的通知", ("innovation_awards", "decision", "市级")),
    ("关于公布2023年江苏省技术标准创新基地筹建名单的通知", ("innovation_bases", "decision", "省级")),
    ("2024年度苏州市质量赋能站拟认定名单公示", ("quality_stations", "preliminary", "市级")),
    ("关于同意设立2024年度国际标准化组织对口技术机构苏州联络站的通知", ("intl_liaison_stations", "decision", "市级")),
    ("关于公布第二批入驻苏州市新兴产业标准化协作平台技术组织名单的通知", ("tc_platform_entries", "decision", "市级")),
    ("关于认定2023年度苏州市标准化创新载体的通知", ("innovation_carriers", "decision", "市级")),
    ("关于公布2024年度苏州市标准化服务机构培育名单的通知", ("service_orgs", "decision", "市级")),
    ("关于公布2024年度苏州市主导制定国际标准奖励名单的通知", ("intl_std_led", "decision", "市级")),
])
def test_select_notice(title, expected):
    assert p.select_notice(title, SUZHOU) == p.Selection(*expected)


@pytest.mark.parametrize("title", [
    "关于组织开展2024年度苏州市标准化试点示范项目申报工作的通知",  # a call for applications
    "关于开展2024年度中国标准创新贡献奖推荐工作的通知",
    "关于公布2023年度苏州市标准化试点项目验收结果的通知",  # an acceptance check, not a new project
    "关于2024年第1批食品安全监督抽检信息的通告",
    "苏州市市场监督管理局2024年度行政许可事项办理情况公示",  # a 公示, but of nothing the plan counts
    "关于举办2024年标准化知识培训班的通知",
    "关于苏州市标准化试点示范项目的情况介绍",  # names the kind, announces no list
])
def test_notices_that_announce_no_list_are_not_selected(title):
    assert p.select_notice(title, SUZHOU) is None


# -- list tables ----------------------------------------------------------------------------------

def test_table_without_a_header_is_not_a_list():
    assert p.table_entries([["联系人", "电话"], ["张三", "0512-1234"]]) is None


def test_header_columns_org_before_name_and_recommending_body_as_division():
    columns = p.header_columns(["序号", "单位名称", "项目名称", "推荐单位", "级别"])
    assert columns == {"seq": 0, "org": 1, "name": 2, "division": 3, "level": 4}


def test_level_column_and_notes_and_repeated_header():
    rows = [["序号", "机构名称", "所在地区", "级别"],
            ["1", "苏州市标准化研究院", "姑苏区", "市级"],
            ["序号", "机构名称", "所在地区", "级别"],
            ["2", "昆山标准化服务中心", "昆山市", "省级"],
            ["注：排名不分先后"]]
    entries = p.table_entries(rows)
    assert [(e.name, e.org, e.level) for e in entries] == [
        ("苏州市标准化研究院", "苏州市标准化研究院", "市级"), ("昆山标准化服务中心", "昆山标准化服务中心", "省级")]


def test_spam_in_a_cell_is_removed_and_flagged():
    rows = [["序号", "项目名称", "承担单位"], ["1", "智能制造标准化试点项目", "苏州澳门皇冠赌场_澳门皇冠游戏-投注app官网某某科技有限公司"]]
    (entry,) = p.table_entries(rows)
    assert entry.spam and "赌场" not in entry.org


def test_a_title_that_names_no_kind_is_read_with_the_body_opening():
    body = "各有关单位：经组织评审，现将入驻苏州市新兴产业标准化协作平台技术组织名单予以公布。"
    assert p.select_notice("关于公布第二批入驻技术组织名单的通知", SUZHOU, body) == p.Selection(
        "tc_platform_entries", "decision", "市级")
    assert p.select_notice("关于公布第二批入驻技术组织名单的通知", SUZHOU) is None
    assert p.select_notice("苏州市2024年度行政许可事项办理情况公示", SUZHOU, "根据有关规定，现将办理情况予以公示。") is None


def test_level_of_prefers_the_highest_level_named():
    assert p.level_of("苏州市市场监督管理局转发江苏省市场监督管理局关于…的通知", SUZHOU) == "省级"
    assert p.level_of("关于公布…名单的通知", SUZHOU) is None


def test_level_of_without_a_region_reads_only_the_generic_words():
    assert p.level_of("关于公布2024年度苏州市质量赋能站名单的通知") is None
    assert p.level_of("关于公布2024年度市级质量赋能站名单的通知") == "市级"
    assert p.level_of("转发市场监管总局关于…的通知") == "国家级"
