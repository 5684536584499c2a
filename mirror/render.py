"""Rendering of std.samr.gov.cn list rows (JSON) and detail pages (HTML) from corpus metadata.

Rendered on request and never cached. Values that only decorate a record (ICS,
committee, announcement number, drafters' names, the openstd hcno) are drawn
from a generator seeded by the standard's id, so a row and its detail page agree
and every render of a page is identical.

Detail-page structure follows portals.md §1.3 [C: Zotero translator tests,
SCRAPY-ESI XPaths, CASE8] and samples/std.samr.gov.cn/detail-basicInfo.synthetic.html:
`.page-header > h4` title, `h5` English title, `span.label-info` level label,
`.label-primary.s-status` status, `div.basic-info` with `dt.basicInfo-item.name` /
`dd.basicInfo-item.value` pairs, then `div.para-title > h2.title-text` "起草单位" and
"起草人", each followed by `div.basic-info > dl > dd.basicInfo-item.value > a`
(a `span.glyphicon-link` before the text). The openstd link `newGbInfo?hcno=` is
embedded on national pages [C1 STDSD]. The chrome around it is imitation.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import timedelta

from mirror import vocab
from mirror.corpus import NATIONAL, Corpus, Standard, english_title, title

_FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ/"})
_NATURE = {"GB": "强制性", "GB/T": "推荐性", "GB/Z": "指导性技术文件"}
_PLAN_KIND = {"GB": "Q", "GB/T": "T", "GB/Z": "Z"}
# Malformed rows (Standard.defect): a number no parser can read, a day that does not exist.
_BAD_STD_CODES = ("待定", "暂无", "报批稿")
_BAD_DAYS = ("02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-01", "00-15")


@dataclass(slots=True)
class Facts:
    """Decorative values of one standard, the same for its list row and its detail page."""

    std_code: str  # C_STD_CODE as printed (variants and defects included)
    issue_date: str  # ISSUE_DATE as printed
    std_type: str
    ann_no: str
    staff: list[str]
    hcno: str
    plan_code: str
    highlight: tuple[int, int]  # span of the title wrapped in <sacinfo> when the row is highlighted
    abolish_date: str


def facts(s: Standard) -> Facts:
    rng = random.Random(int(s.id, 16))
    if s.defect == 1:
        code = rng.choice(_BAD_STD_CODES)
    elif s.code_variant == 1:
        code = s.std_no.replace("-", "—")
    elif s.code_variant == 2:
        code = s.prefix.translate(_FULLWIDTH) + " " + s.std_no.split(" ", 1)[1]
    elif s.code_variant == 3:
        code = s.std_no.replace(" ", "")
    else:
        code = s.std_no
    issued = s.issue_date.isoformat()
    bad_day = rng.choice(_BAD_DAYS)
    if s.defect == 2:
        issued = f"{s.year}-{bad_day}"
    staff = [rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
             for _ in range(rng.randint(2, 3 + 2 * len(s.units)))]
    name = title(s)
    start = rng.randrange(max(1, len(name) - 3))
    abolish = min(s.act_date + timedelta(days=1100), s.clock.today) if s.abolished else None
    return Facts(
        std_code=code,
        issue_date=issued,
        std_type=rng.choice(vocab.STD_TYPES),
        ann_no=f"{s.year}年第{rng.randint(1, 40)}号",
        staff=staff,
        hcno=f"{rng.getrandbits(128):032X}" if s.tid == NATIONAL else "",
        plan_code=f"{s.year - rng.randint(1, 3)}{rng.randint(0, 4999):04d}-{_PLAN_KIND.get(s.prefix, 'T')}-{rng.randint(100, 999)}",
        highlight=(start, start + rng.randint(2, 4)),
        abolish_date=abolish.isoformat() if abolish else "",
    )


def _classes(s: Standard) -> tuple[str, str, str, str, str, str]:
    """ICS, ICS path, CCS, committee code, committee name, department."""
    if s.tid == NATIONAL:
        d = vocab.GB_DOMAINS[s.domain]
        return d["ics"], d["ics_full"], d["ccs"], d["ta"][0], d["ta"][1], d["cd"]
    _, _, department, committee, _ = vocab.HB_DOMAINS[s.prefix]
    ics, ccs = vocab.HB_CLASS[s.prefix]
    return ics, "", ccs, "", committee, department


def _nature(s: Standard) -> str:
    return _NATURE.get(s.prefix, "推荐性" if s.prefix.endswith("/T") else "强制性")


def _replaces(corpus: Corpus, s: Standard) -> str:
    return corpus.standards[s.replaces].std_no if s.replaces >= 0 else ""


def list_row(corpus: Corpus, s: Standard, query: str = "") -> dict:
    """One row of `gbAdvancedSearchPage`, keys as the live portal names them (portals.md §1.2)."""
    f = facts(s)
    name = title(s)
    if query and query in name:
        name = name.replace(query, f"<sacinfo>{query}</sacinfo>", 1)
    elif s.highlight:
        a, b = f.highlight
        name = f"{name[:a]}<sacinfo>{name[a:b]}</sacinfo>{name[b:]}"
    ics, ics_full, ccs, ta_code, ta_name, _ = _classes(s)
    plain = s.std_no.split(" ", 1)
    row = {
        "id": s.id,
        "C_STD_CODE": f.std_code,
        "STD_CODE2": "" if s.defect == 1 else "".join(plain),
        "STD_CODE3": "" if s.defect == 1 else f"{s.prefix.replace('/', '')} {plain[1]}",
        "C_C_NAME": name,
        "C_E_NAME": english_title(s),
        "STATE": s.status,
        "STD_NATURE": _nature(s),
        "STD_TYPE": f.std_type,
        "ICS": ics,
        "CCS": ccs,
        "ICS_NAME1_FULL": ics_full,
        "ISSUE_DATE": f.issue_date,
        "ACT_DATE": s.act_date.isoformat(),
        "ISSUE_ANN_NO": f.ann_no,
        "TOTAL_REPE": _replaces(corpus, s) or s.empty_repe,
        "TA_CODE": ta_code,
        "TA_NAME": ta_name,
        "C_PLAN_CODE": f.plan_code if s.tid == NATIONAL else "",
        "OPEN_HASH_CODE": f.hcno,
        "DRAFT_UNIT": "、".join(corpus.orgs[o].name for o in s.units),
        "DRAFT_STAFF": "、".join(f.staff),
        "SYS_INPUTIME": s.input_time.strftime("%Y-%m-%d %H:%M:%S"),
        "STD_DOMAIN": "国家标准" if s.tid == NATIONAL else "行业标准",
        "TABLE_NAME": "BV_GB" if s.tid == NATIONAL else "BV_HB",
    }
    if s.draft_unit_mode == 1:
        row["DRAFT_UNIT"] = row["DRAFT_STAFF"] = ""
    elif s.draft_unit_mode == 2:
        del row["DRAFT_UNIT"], row["DRAFT_STAFF"]
    return row


def _item(name: str, value: str) -> str:
    return (f'<dt class="basicInfo-item name">{name}</dt>\n'
            f'<dd class="basicInfo-item value">{value}</dd>\n')


def detail_html(corpus: Corpus, s: Standard) -> str:
    """The gbDetailed / stdHBDetailed page of one standard."""
    f = facts(s)
    e = html.escape
    name = title(s)
    spam = vocab.SPAM[s.spam_text] if s.spam_unit >= 0 else ""
    ics, ics_full, ccs, ta_code, ta_name, department = _classes(s)
    if s.tid == NATIONAL:
        label = "国家标准"
        crumb = '<li><a href="/gb">国家标准</a></li>'
    else:
        label = "行业标准-" + vocab.HB_DOMAINS[s.prefix][0]
        crumb = '<li><a href="/hb">行业标准</a></li>'

    left = _item("标准号", e(f.std_code))
    if s.tid == NATIONAL:
        left += _item("中国标准分类号", e(ccs))
        left += _item("国际标准分类号", f'<table class="ics-table"><tr><td>{e(ics)}</td><td>{e(ics_full.rsplit("_", 1)[-1])}</td></tr></table>')
    left += _item("发布日期", e(f.issue_date)) + _item("实施日期", s.act_date.isoformat())
    if f.abolish_date:
        left += _item("废止日期", f.abolish_date)
    if s.replaces >= 0:
        left += _item("代替标准", e(_replaces(corpus, s)))
    if s.tid != NATIONAL:
        left += _item("中国标准分类号", e(ccs))
        left += _item("国际标准分类号", f'<table class="ics-table"><tr><td>{e(ics)}</td></tr></table>')
        left += _item("行业分类", e(vocab.HB_DOMAINS[s.prefix][1]))
    left += _item("标准类别", e(f.std_type)) + _item("标准性质", _nature(s))
    if s.tid == NATIONAL:
        right = (_item("主管部门", f'<a href="javascript:void(0);" cd_code="1">{e(department)}</a>')
                 + _item("归口单位", f'<a href="javascript:void(0);" ta_code="1">{e(ta_name)}（{e(ta_code)}）</a>')
                 + _item("发布单位", "国家市场监督管理总局、国家标准化管理委员会")
                 + _item("公告号", e(f.ann_no)))
    else:
        right = (_item("归口单位", e(ta_name))
                 + _item("批准发布部门", e(department))
                 + _item("备案号", f"{s.year % 100:02d}{int(s.id[:6], 16) % 100000:05d}-{s.year}"))

    units = ""
    for k, o in enumerate(s.units):
        unit = corpus.orgs[o].name + (spam if k == s.spam_unit else "")
        units += (f'<dd class="basicInfo-item value"><a href=""><span class="glyphicon glyphicon-link"></span>'
                  f'{e(unit)}</a></dd>\n')
    people = "".join(
        f'<dd class="basicInfo-item value"><a href=""><span class="glyphicon glyphicon-link"></span>{e(p)}</a></dd>\n'
        for p in f.staff)
    openstd = ""
    if s.tid == NATIONAL:
        openstd = (f'<a class="btn btn-primary btn-sm" target="_blank" '
                   f'href="http://openstd.samr.gov.cn/bzgk/gb/newGbInfo?hcno={f.hcno}">在线预览</a>')
    page_title = e(name + spam)
    stray = f"<p>{e(spam)}</p>\n" if spam else ""

    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page_title} - 全国标准信息公共服务平台</title>
<meta name="keywords" content="{e(f.std_code)},{e(name)},标准,全国标准信息公共服务平台">
<meta name="description" content="{e(f.std_code)} {e(name)}">
{_HEAD}
</head>
<body>
{_NAV}
<div class="container main-body">
<div class="row">
<div class="col-sm-9 col-md-9">
<ol class="breadcrumb"><li><a href="/">首页</a></li>{crumb}<li class="active">标准详情</li></ol>
<div class="page-header">
<h4>{page_title}</h4>
<h5>{e(english_title(s))}</h5>
<span class="label label-info">{label}</span>
<span class="label label-primary s-status">{s.status}</span>
<span class="label label-default">{_nature(s)}</span>
</div>
{stray}<div class="btn-toolbar">{openstd}<a class="btn btn-default btn-sm" href="javascript:void(0);" onclick="collect('{s.id}')">收藏</a></div>
<div class="para-title"><h2 class="title-text">基础信息</h2></div>
<div class="basic-info cmn-clearfix">
<dl class="basicInfo-block basicInfo-left">
{left}</dl>
<dl class="basicInfo-block basicInfo-right">
{right}</dl>
</div>
<div class="para-title"><h2 class="title-text">起草单位</h2></div>
<div class="basic-info cmn-clearfix">
<dl class="basicInfo-block basicInfo-left">
{units}</dl>
</div>
<div class="para-title"><h2 class="title-text">起草人</h2></div>
<div class="basic-info cmn-clearfix">
<dl class="basicInfo-block basicInfo-left">
{people}</dl>
</div>
<div class="para-title"><h2 class="title-text">相近标准(计划)</h2></div>
<div class="panel panel-default"><div class="panel-body"><p class="text-muted">暂无相近标准</p></div></div>
</div>
{_SIDEBAR}
</div>
</div>
{_FOOTER}
</body>
</html>
"""


def not_found_html() -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>404 - 全国标准信息公共服务平台</title>{_HEAD}</head>
<body>
{_NAV}
<div class="container main-body"><div class="jumbotron"><h2>对不起，您访问的页面不存在</h2>
<p>页面可能已被删除、更名或暂时不可用。<a href="/">返回首页</a></p></div></div>
{_FOOTER}
</body>
</html>
"""


# -- page chrome (static) ---------------------------------------------------------------
_ICS = (
    ("01", "综合、术语学、标准化、文献"), ("03", "社会学、服务、公司(企业)的组织和管理、行政、运输"), ("07", "数学、自然科学"),
    ("11", "医药卫生技术"), ("13", "环保、保健和安全"), ("17", "计量学和测量、物理现象"), ("19", "试验"),
    ("21", "机械系统和通用件"), ("23", "流体系统和通用件"), ("25", "机械制造"), ("27", "能源和热传导工程"),
    ("29", "电气工程"), ("31", "电子学"), ("33", "电信、音频和视频工程"), ("35", "信息技术、办公机械"), ("37", "成像技术"),
    ("39", "精密机械、珠宝"), ("43", "道路车辆工程"), ("45", "铁路工程"), ("47", "造船和海上构筑物"),
    ("49", "航空器和航天器工程"), ("53", "材料储运设备"), ("55", "货物的包装和调运"), ("59", "纺织和皮革技术"),
    ("61", "服装工业"), ("65", "农业"), ("67", "食品技术"), ("71", "化工技术"), ("73", "采矿和矿产品"),
    ("75", "石油及相关技术"), ("77", "冶金"), ("79", "木材技术"), ("81", "玻璃和陶瓷工业"), ("83", "橡胶和塑料工业"),
    ("85", "造纸技术"), ("87", "涂料和颜料工业"), ("91", "建筑材料和建筑物"), ("93", "土木工程"), ("95", "军事工程"),
    ("97", "家用和商用设备、文娱、体育"),
)
_CCS = (
    ("A", "综合"), ("B", "农业、林业"), ("C", "医药、卫生、劳动保护"), ("D", "矿业"), ("E", "石油"), ("F", "能源、核技术"),
    ("G", "化工"), ("H", "冶金"), ("J", "机械"), ("K", "电工"), ("L", "电子元器件与信息技术"), ("M", "通信、广播"),
    ("N", "仪器、仪表"), ("P", "工程建设"), ("Q", "建材"), ("R", "公路、水路运输"), ("S", "铁路"), ("T", "车辆"),
    ("U", "船舶"), ("V", "航空、航天"), ("W", "纺织"), ("X", "食品"), ("Y", "轻工、文化与生活用品"), ("Z", "环境保护"),
)

_HEAD = """<link rel="shortcut icon" href="/static/favicon.ico">
<link rel="stylesheet" href="/static/bootstrap-3.3.7/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/common.css?v=20240912">
<link rel="stylesheet" href="/static/css/std-detail.css?v=20240912">
<style>
.main-body{padding-top:20px;min-height:600px}.page-header h4{font-size:20px;line-height:1.5;font-weight:bold;color:#333}
.page-header h5{color:#666;font-size:14px}.para-title{border-bottom:1px solid #e5e5e5;margin:20px 0 10px}
.para-title .title-text{font-size:16px;font-weight:bold;display:inline-block;border-bottom:2px solid #0e6bb8;padding-bottom:6px;margin:0}
.basic-info{padding:10px 0}.basicInfo-block{width:50%;float:left}.basicInfo-item{line-height:28px;margin:0}
.basicInfo-item.name{width:110px;float:left;clear:left;color:#999;font-weight:normal}.basicInfo-item.value{margin-left:120px;color:#333}
.cmn-clearfix:after{content:"";display:block;clear:both}.ics-table td{padding-right:8px}.s-status{margin-left:4px}
.sidebar .list-group-item{padding:6px 12px;font-size:13px}.footer{background:#f5f5f5;border-top:1px solid #e5e5e5;padding:24px 0;color:#777;font-size:12px}
.footer a{color:#777}.navbar-brand img{height:36px}.breadcrumb{background:none;padding-left:0}.glyphicon-link{margin-right:4px;color:#0e6bb8}
</style>
<script src="/static/js/jquery-1.12.4.min.js"></script>
<script src="/static/bootstrap-3.3.7/js/bootstrap.min.js"></script>
<script>
var ctx = "";
function collect(id){ $.post(ctx + "/user/collect/add", {id: id, type: "std"}, function(r){ alert(r.message || "已收藏"); }); }
var _hmt = _hmt || [];
(function() { var hm = document.createElement("script"); hm.src = "/static/js/stat.js"; var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); })();
</script>"""

_NAV = """<nav class="navbar navbar-default navbar-static-top">
<div class="container">
<div class="navbar-header">
<button type="button" class="navbar-toggle collapsed" data-toggle="collapse" data-target="#nav-collapse"><span class="icon-bar"></span><span class="icon-bar"></span><span class="icon-bar"></span></button>
<a class="navbar-brand" href="/"><img src="/static/img/logo.png" alt="全国标准信息公共服务平台"></a>
</div>
<div class="collapse navbar-collapse" id="nav-collapse">
<ul class="nav navbar-nav">
<li><a href="/">首页</a></li>
<li class="dropdown"><a href="/gb" class="dropdown-toggle" data-toggle="dropdown">国家标准 <span class="caret"></span></a>
<ul class="dropdown-menu"><li><a href="/gb/gbQuery">国家标准查询</a></li><li><a href="/gb/search/gbAdvancedSearch">高级检索</a></li><li><a href="/gb/gbPlan">国家标准计划</a></li><li><a href="/gb/gbAnnouncement">发布公告</a></li></ul></li>
<li class="dropdown"><a href="/hb" class="dropdown-toggle" data-toggle="dropdown">行业标准 <span class="caret"></span></a>
<ul class="dropdown-menu"><li><a href="/hb/hbQuery">行业标准查询</a></li><li><a href="/hb/hbAnnouncement">备案公告</a></li></ul></li>
<li><a href="/db">地方标准</a></li>
<li><a href="/tb">团体标准</a></li>
<li><a href="/qb">企业标准</a></li>
<li><a href="/gj">国际标准</a></li>
<li><a href="/gw">国外标准</a></li>
<li><a href="/search/org">技术委员会</a></li>
<li><a href="/search/expert">标准化专家</a></li>
<li><a href="/news">资讯</a></li>
</ul>
<form class="navbar-form navbar-right" action="/search/std" method="get"><div class="form-group"><input type="text" name="q" class="form-control" placeholder="请输入标准号或标准名称"></div> <button type="submit" class="btn btn-primary">搜索</button></form>
</div>
</div>
</nav>"""


def _sidebar() -> str:
    ics = "\n".join(f'<a class="list-group-item" href="/gb/search/gbQueryPage?ics={c}">{c} {n}</a>' for c, n in _ICS)
    ccs = "\n".join(f'<a class="list-group-item" href="/gb/search/gbQueryPage?ccs={c}">{c} {n}</a>' for c, n in _CCS)
    notices = "\n".join(
        f'<li><a href="/gb/gbAnnouncement?year={y}&amp;no={n}">国家市场监督管理总局（国家标准化管理委员会）批准发布'
        f'{y}年第{n}号中国国家标准公告，共{k}项国家标准</a> <span class="text-muted">{y}-{m:02d}</span></li>'
        for y, n, k, m in ((2026, 23, 112, 10), (2026, 22, 58, 9), (2026, 21, 196, 9), (2026, 20, 43, 8),
                           (2026, 19, 87, 8), (2026, 18, 129, 7), (2026, 17, 31, 7), (2026, 16, 204, 6),
                           (2026, 15, 66, 6), (2026, 14, 92, 5), (2026, 13, 150, 5), (2026, 12, 38, 4)))
    faq = "\n".join(f"<dl><dt>{q}</dt><dd>{a}</dd></dl>" for q, a in _FAQ)
    return f"""<div class="col-sm-3 col-md-3 sidebar">
<div class="panel panel-default"><div class="panel-heading">国际标准分类（ICS）</div>
<div class="list-group">
{ics}
</div></div>
<div class="panel panel-default"><div class="panel-heading">中国标准分类（CCS）</div>
<div class="list-group">
{ccs}
</div></div>
<div class="panel panel-default"><div class="panel-heading">标准公告</div>
<ul class="list-unstyled notice-list">
{notices}
</ul></div>
<div class="panel panel-default"><div class="panel-heading">常见问题</div><div class="panel-body faq">
{faq}
</div></div>
<div class="panel panel-default"><div class="panel-heading">服务指南</div><div class="panel-body">
<p>本平台提供国家标准、行业标准、地方标准、团体标准、企业标准和国际国外标准的题录信息查询服务。标准文本请通过国家标准全文公开系统或相关出版机构获取。</p>
<p>如发现标准信息有误，请通过页面底部的“意见反馈”提交，我们将在核实后及时更正。</p>
</div></div>
</div>"""


_FAQ = (
    ("如何查询某项标准是否现行有效？", "在国家标准或行业标准查询页面输入标准号或标准名称，详情页的状态标签显示现行、即将实施、废止或被代替。"),
    ("为什么部分标准没有起草单位信息？", "起草单位和起草人信息来自标准文本前言，部分早期发布或备案信息不完整的标准暂未收录，我们将陆续补充。"),
    ("标准文本在哪里可以阅读或下载？", "强制性国家标准和推荐性国家标准可在国家标准全文公开系统在线阅读；行业标准请访问行业标准信息服务平台。"),
    ("代替标准和被代替标准是什么关系？", "新标准发布实施后，其代替的旧版本标准状态变更为被代替，详情页“代替标准”一栏列出被代替的标准号。"),
    ("标准信息有误如何反馈？", "请点击页面底部的“意见反馈”，注明标准号和有误的字段，工作人员核实后将在五个工作日内更正。"),
    ("平台数据多久更新一次？", "国家标准信息在发布公告后及时更新，行业标准和地方标准信息在备案公告后更新。"),
)

_SIDEBAR = _sidebar()

_FOOTER = """<div class="modal fade" id="feedback" tabindex="-1" role="dialog"><div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><button type="button" class="close" data-dismiss="modal">&times;</button><h4 class="modal-title">意见反馈</h4></div>
<div class="modal-body"><form id="feedback-form"><div class="form-group"><label>反馈类型</label><select class="form-control" name="type"><option>标准信息有误</option><option>页面功能问题</option><option>其他建议</option></select></div>
<div class="form-group"><label>反馈内容</label><textarea class="form-control" rows="4" name="content" placeholder="请详细描述您发现的问题"></textarea></div>
<div class="form-group"><label>联系方式</label><input class="form-control" name="contact" placeholder="邮箱或电话（选填）"></div></form></div>
<div class="modal-footer"><button type="button" class="btn btn-default" data-dismiss="modal">取消</button><button type="button" class="btn btn-primary">提交</button></div>
</div></div></div>
<footer class="footer">
<div class="container">
<div class="row">
<div class="col-sm-8">
<p><a href="/about">关于我们</a> | <a href="/help">使用帮助</a> | <a href="javascript:void(0);" data-toggle="modal" data-target="#feedback">意见反馈</a> | <a href="/sitemap">网站地图</a> | <a href="/disclaimer">免责声明</a></p>
<p>主办单位：国家市场监督管理总局 国家标准化管理委员会　　技术支持：国家市场监督管理总局国家标准技术审评中心</p>
<p>友情链接：<a href="https://www.samr.gov.cn/">国家市场监督管理总局</a> | <a href="https://www.sac.gov.cn/">国家标准化管理委员会</a> | <a href="https://openstd.samr.gov.cn/">国家标准全文公开系统</a> | <a href="https://hbba.sacinfo.org.cn/">行业标准信息服务平台</a> | <a href="https://dbba.sacinfo.org.cn/">地方标准信息服务平台</a> | <a href="https://www.ttbz.org.cn/">全国团体标准信息平台</a> | <a href="https://www.qybz.org.cn/">企业标准信息公共服务平台</a></p>
<p>版权所有：国家市场监督管理总局国家标准技术审评中心　<a href="https://beian.miit.gov.cn/">京ICP备09001239号</a>　京公网安备 11010202007617号</p>
</div>
<div class="col-sm-4 text-right"><img src="/static/img/wechat-qrcode.png" alt="微信公众号" width="90"><p>关注微信公众号</p></div>
</div>
</div>
</footer>"""
