"""hbba.sacinfo.org.cn and dbba.sacinfo.org.cn: the same software, two sites (portals.md §3); and
their unified host ba.sacinfo.org.cn (`mirror.sites.ba`).

Under the variant `sacinfo_host=ba` (`mirror.variants`) hbba and dbba answer **every** request
with `301 Moved Permanently` to the same path and query on ba.sacinfo.org.cn [C1:
evidence/hbba-dbba/EVIDENCE.md §3 — 2025 scripts use the ba host with the same form and keys,
links to local standards point at it; that the old hosts redirect, and with 301, is I]. A
browser (and httpx) turns a POST into a GET on a 301, so a crawler that POSTs its list to the
old host gets the ba host's 405, as a real move would give it.

Served paths (grades from portals.md):

- `GET /stdList` [C] → the search page; sets a session cookie (`JSESSIONID`) as crawlers
  expect to prime [C]. The list does not insist on it [I: unknown whether the live site does].
- `POST /stdQueryList` (form) [C] → `{"total", "current", "pages", "size", "records"}`.
  Form: `current` (from 1), `size` (default 15, capped at 100 [I]), `key` (substring of the
  number — printed or canonical — or of the name; a name hit is wrapped in `<sacinfo>` [I]),
  `status` or repeated `status[]` [C] (现行 / 即将实施 / 废止 / 有更新版), `ministry` [C] (hbba:
  the department's code, e.g. `jtysb`; dbba: the province's regulator, `jszjj` = 江苏省: the
  province's own DB32/T **and** its cities' DB32xx/T), `industry` (hbba: industry label, e.g.
  交通 [C]; dbba: a region name [C1]: a province name selects the province and its cities, a
  city name that city only [I]), `pubdate` ('' or -1/-3/-6/-12/-24/-36: filed within that many
  months of today — the wall-clock date, or `corpus.today` when set [C for the values]),
  `date` (ignored [I]). A GET answers 405 [I].
  Records, newest filing first [I]: `pk` (64 hex; some dbba records 32 [C]), `code` (em dash
  or missing space on a few [C]), `chName`, `industry` (hbba label; dbba city/province),
  `chargeDept`, `status`, `issueDate`/`actDate`/`recordDate`/`fzDate` (epoch ms at 00:00
  Asia/Shanghai; `fzDate` null unless abolished or superseded), `recordNo`,
  `reviseStdCodes`, `empty`, `otherResultColumns` ({}) [C]. Malformed records: a number no
  parser reads ("待定"…) or an `issueDate` that is a string naming an impossible day.
- `GET /stdDetail/<pk>` [C] → HTML: `.page-header h4` (title, `span.label-info` industry or
  region, `span.label-primary` status), `div.basic-info dl` of `dt`/`dd` pairs (标准号, 发布日期,
  实施日期, 废止日期, 制修订, 代替标准 | 中国标准分类号, 国际标准分类号, 技术归口, 批准发布部门, 行业分类,
  标准类别; empty `dd`s kept as the live page has them [C1]), `<p>备案号：…</p>`, `<p>备案日期：…</p>`,
  then `div.para-title > h2` 起草单位 followed by **one `<p>` of units joined by 、** [C] and the
  same for 起草人. On ~3–10% of pages the 起草单位 section is absent or its `<p>` empty [C1
  CASE8]; spam is injected into a few pages (title and one unit name) [as the live web has it].
"""

from __future__ import annotations

import html
import math
import random
import secrets
from datetime import date
from urllib.parse import urlencode

from mirror import vocab
from mirror.corpus import Corpus
from mirror.registries import PUBLISHED, SECTION_ABSENT, SacinfoItem, defect_value, months_back, sacinfo_items
from mirror.web import BadRequest, Request, Response, html_response, int_value, json_response, last

LIST_PAGE_PATH = "/stdList"
LIST_PATH = "/stdQueryList"
DETAIL_PREFIX = "/stdDetail/"
DEFAULT_SIZE = 15
MAX_SIZE = 100
PUBDATE_MONTHS = {"-1": 1, "-3": 3, "-6": 6, "-12": 12, "-24": 24, "-36": 36}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_TITLES = {"hbba": "行业标准信息服务平台", "dbba": "地方标准信息服务平台", "ba": "标准备案信息服务平台"}


def epoch_ms(ordinal: int) -> int:
    """Midnight Asia/Shanghai of a day, in epoch milliseconds (as hbba/dbba print dates)."""
    return (ordinal - _EPOCH_ORDINAL) * 86_400_000 - 8 * 3_600_000


class SacinfoApp:
    site = "hbba"
    detail_prefixes: tuple[str, ...] = (DETAIL_PREFIX,)

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        # Base URL per mirror site, set by `MirrorCluster.start` (where `sacinfo_host=ba` redirects to).
        self.peers: dict[str, str] = {}

    def items(self) -> tuple[list[SacinfoItem], dict[str, SacinfoItem]]:
        """(records newest filing first, by pk) this site lists."""
        return sacinfo_items(self.corpus, self.site)

    def moved(self, request: Request) -> Response | None:
        """The 301 to ba.sacinfo.org.cn under the variant `sacinfo_host=ba` (module docstring)."""
        if self.site not in ("hbba", "dbba") or self.corpus.variants.sacinfo_host != "ba" or "ba" not in self.peers:
            return None
        query = urlencode({k: v for k, v in request.query_lists.items()}, doseq=True)
        location = self.peers["ba"] + request.path + (f"?{query}" if query else "")
        return Response(301, b"", "text/html;charset=UTF-8", {"Location": location})

    def handle(self, request: Request) -> Response:
        moved = self.moved(request)
        if moved is not None:
            return moved
        path = request.path
        try:
            if path == LIST_PATH:
                if request.method != "POST":
                    return json_response({"status": 405, "error": "Method Not Allowed",
                                          "message": f"Request method '{request.method}' not supported"}, 405)
                return self.query_list(request)
            if request.method not in ("GET", "HEAD"):
                return html_response(_not_found(self.site), 405)
            if path in (LIST_PAGE_PATH, "/"):
                return html_response(self.list_page(), headers={
                    "Set-Cookie": f"JSESSIONID={secrets.token_hex(16).upper()}; Path=/; HttpOnly"})
            for prefix in self.detail_prefixes:
                if path.startswith(prefix):
                    item = self.items()[1].get(path[len(prefix):])
                    if item is not None:
                        return html_response(self.detail(item))
            return html_response(_not_found(self.site), 404)
        except BadRequest as exc:
            return json_response({"status": 400, "error": "Bad Request", "message": str(exc)}, 400)

    # -- list ----------------------------------------------------------------------------------
    def matches(self, it: SacinfoItem, ministry: str, industry: str) -> bool:
        return (not ministry or it.ministry == ministry) and (not industry or it.industry == industry)

    def query_list(self, request: Request) -> Response:
        form = request.form()
        page = int_value(last(form, "current"), "current", 1)
        size = min(int_value(last(form, "size"), "size", DEFAULT_SIZE), MAX_SIZE)
        if page < 1 or size < 1:
            raise BadRequest("current and size must be at least 1")
        key = last(form, "key").strip()
        statuses = {v for k in ("status", "status[]") for v in form.get(k, []) if v}
        ministry, industry = last(form, "ministry").strip(), last(form, "industry").strip()
        pubdate = last(form, "pubdate").strip()
        since = None
        if pubdate:
            if pubdate not in PUBDATE_MONTHS:
                raise BadRequest(f"pubdate={pubdate!r}")
            since = months_back(self.corpus.today or date.today(), PUBDATE_MONTHS[pubdate]).toordinal()
        items, _ = self.items()
        hits = [
            it for it in items
            if self.matches(it, ministry, industry)
            and (not statuses or it.status in statuses)
            and (since is None or it.record >= since)
            and (not key or key in it.code or key in it.title or key in it.source.std_no)
        ]
        records = [self.record(it, key) for it in hits[(page - 1) * size: page * size]]
        return json_response({"total": len(hits), "current": page, "pages": math.ceil(len(hits) / size),
                              "size": size, "records": records})

    def record(self, it: SacinfoItem, key: str = "") -> dict:
        name = it.title
        if key and key in name:
            name = name.replace(key, f"<sacinfo>{key}</sacinfo>", 1)
        if it.spam_unit >= 0:
            name = f"{vocab.SPAM[it.spam_text]} {name}"
        return {
            "pk": it.pk,
            "code": it.code,
            "chName": name,
            "industry": it.industry,
            "chargeDept": it.charge_dept,
            "status": it.status,
            "issueDate": defect_value(it.source) if it.defect == "bad_date" else epoch_ms(it.issue),
            "actDate": epoch_ms(it.act),
            "recordDate": epoch_ms(it.record),
            "recordNo": it.record_no,
            "reviseStdCodes": it.revise,
            "fzDate": epoch_ms(it.fz) if it.fz is not None else None,
            "empty": it.empty,
            "otherResultColumns": {},
        }

    # -- pages -----------------------------------------------------------------------------------
    def classes(self, it: SacinfoItem, rng: random.Random) -> tuple[str, str, str, str]:
        """CCS, ICS, 技术归口, 行业分类."""
        prefix = it.source.prefix
        ics, ccs = vocab.HB_CLASS[prefix]
        return ccs, ics, vocab.HB_DOMAINS[prefix][3], vocab.HB_DOMAINS[prefix][1]

    def detail(self, it: SacinfoItem) -> str:
        e = html.escape
        rng = random.Random(f"{self.site}:{it.pk}")
        spam = vocab.SPAM[it.spam_text] if it.spam_unit >= 0 else ""
        ccs, ics, committee, sector = self.classes(it, rng)
        title = f"{spam} {it.title}" if spam else it.title
        code = it.code
        issued = defect_value(it.source) if it.defect == "bad_date" else date.fromordinal(it.issue).isoformat()
        fz = date.fromordinal(it.fz).isoformat() if it.fz is not None else ""

        def dl(pairs: list[tuple[str, str]], side: str) -> str:
            rows = "".join(f'<dt class="basicInfo-item name">{k}</dt><dd class="basicInfo-item value">{e(v)}</dd>\n'
                           for k, v in pairs)
            return f'<dl class="basicInfo-block basicInfo-{side}">\n{rows}</dl>'

        left = [("标准号", code), ("发布日期", issued), ("实施日期", date.fromordinal(it.act).isoformat()),
                ("废止日期", fz), ("制修订", "修订" if it.is_revision else "制定"), ("代替标准", it.revise)]
        right = [("中国标准分类号", ccs), ("国际标准分类号", ics), ("技术归口", committee), ("批准发布部门", it.charge_dept),
                 ("行业分类", sector), ("标准类别", rng.choice(vocab.STD_TYPES))]
        units = [self.corpus.orgs[o].name for o in it.units]
        if spam:
            units[it.spam_unit] = spam + units[it.spam_unit]
        staff = "、".join(rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
                         for _ in range(rng.randint(2, 3 + len(units))))
        if it.drafters == PUBLISHED:
            drafters = (f'<div class="para-title"><h2 class="title-text">起草单位</h2></div>\n<p>{e("、".join(units))}</p>\n'
                        f'<div class="para-title"><h2 class="title-text">起草人</h2></div>\n<p>{e(staff)}</p>\n')
        elif it.drafters == SECTION_ABSENT:
            drafters = ""
        else:
            drafters = ('<div class="para-title"><h2 class="title-text">起草单位</h2></div>\n<p></p>\n'
                        '<div class="para-title"><h2 class="title-text">起草人</h2></div>\n<p></p>\n')
        stray = f'<div style="display:none"><a href="http://www.example.invalid/">{e(spam)}</a></div>\n' if spam else ""
        site_title = _TITLES[self.site]
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(code)} {e(title)} - {site_title}</title>
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/detail.css?v=20250318">
<script src="/static/js/jquery.min.js"></script>
</head>
<body>
{_navbar(self.site)}
{stray}<div class="container main-body">
<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="{LIST_PAGE_PATH}">标准查询</a></li><li class="active">标准详情</li></ol>
<div class="page-header">
<h4>{e(title)}
<span class="label label-info">{e(it.industry)}</span>
<span class="label label-primary">{e(it.status)}</span>
</h4>
<a class="btn btn-default" href="/attachment/onlineRead/{it.pk}">在线预览</a>
<a class="btn btn-default" href="/portal/download/{it.pk}">下载</a>
</div>
<div class="para-title"><h2 class="title-text">基础信息</h2></div>
<div class="basic-info cmn-clearfix">
{dl(left, "left")}
{dl(right, "right")}
</div>
<p>备案号：{e(it.record_no)}</p>
<p>备案日期：{date.fromordinal(it.record).isoformat()}</p>
{drafters}</div>
{_footer(self.site)}
</body>
</html>
"""

    def list_page(self) -> str:
        site_title = _TITLES[self.site]
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<title>标准查询 - {site_title}</title>
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
<script src="/static/js/jquery.min.js"></script>
<script src="/static/js/stdList.js?v=20250318"></script>
</head>
<body>
{_navbar(self.site)}
<div class="container main-body">
<form id="searchForm" class="form-inline" onsubmit="return false;">
<input type="text" class="form-control" name="key" placeholder="请输入标准号或标准名称">
<select name="status" class="form-control"><option value="">全部状态</option><option>现行</option><option>即将实施</option><option>废止</option><option>有更新版</option></select>
<select name="pubdate" class="form-control"><option value="">备案日期</option><option value="-1">近一个月</option><option value="-3">近三个月</option><option value="-6">近半年</option><option value="-12">近一年</option><option value="-24">近两年</option><option value="-36">近三年</option></select>
<button class="btn btn-primary" id="searchBtn">检索</button>
</form>
<table class="table table-striped" id="stdTable"><thead><tr><th>序号</th><th>标准编号</th><th>标准名称</th><th>{"行业领域" if self.site == "hbba" else "地区"}</th><th>状态</th><th>备案日期</th></tr></thead><tbody></tbody></table>
<div id="pager"></div>
</div>
<script>
function query(current) {{
  $.post("{LIST_PATH}", $("#searchForm").serialize() + "&current=" + current + "&size=15", function (r) {{ render(r); }});
}}
</script>
{_footer(self.site)}
</body>
</html>
"""


def _navbar(site: str) -> str:
    return (f'<div class="navbar navbar-default"><div class="container"><a class="navbar-brand" href="/">{_TITLES[site]}</a>'
            f'<ul class="nav navbar-nav"><li><a href="{LIST_PAGE_PATH}">标准查询</a></li><li><a href="/notice">通知公告</a></li>'
            '<li><a href="/help">使用帮助</a></li></ul></div></div>')


def _footer(site: str) -> str:
    return ('<div class="footer"><p>主办单位：国家标准化管理委员会　技术支持：中国标准化研究院</p>'
            '<p>地址：北京市海淀区知春路4号　京ICP备05003534号</p></div>')


def _not_found(site: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8"><title>404 - {_TITLES[site]}</title></head>'
            '<body><div class="container"><h3>页面不存在</h3><p><a href="/">返回首页</a></p></div></body></html>\n')
