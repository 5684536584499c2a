"""openstd.samr.gov.cn (国家标准全文公开系统): national standards' status and dates (portals.md §2).

Served paths (grades from portals.md):

- `GET /bzgk/std/std_list` and `/bzgk/std/std_list_type` [C] → HTML, **GBK-encoded**
  (`Content-Type: text/html;charset=GBK` and a matching `<meta>`: the mirror's GBK site [I]).
  Parameters: `p.p1` type (0/'' all, 1 GB, 2 GB/T, 3 GB/Z, 6 外文版 = nothing here) [C], `p.p2`
  keyword (number or name) [C], `p.p5` status PUBLISHED/TOBEIMP/WITHDRAWN/REPLACED [C], `p.p6`
  ICS prefix [C], `p.p7` issued within that many years of today (wall clock, or
  `corpus.today`) [C1], `p.p90` sort field (circulation_date, implement_date, standard_no,
  cn_name, standard_type, status, caibiao_status) and `p.p91` asc/desc [C] (default:
  circulation_date desc), `page` from 1, `pageSize` **10, 25 or 50 only** (anything else
  gives 10) [C GB688DL], `r` ignored.
  Rows `table.result_list > tbody:nth-of-type(2) > tr` [C]: td1 index, td2 `a` number with
  `onclick="showInfo('<HCNO>');"` (hcno = onclick[10:-3]), td3 `span` "采" when it adopts an
  international standard, td4 `.mytxt > a` name, td5 type, td6 `span` status, td7 issue date,
  td8 implementation date. Total in `<span class="badge">N</span>` [C]; page info in
  `div.hidden-xs > table > tr > td:nth-of-type(1) > span` [C1].
  Lists every well-formed national standard of std.samr, by the `OPEN_HASH_CODE` it prints.
- `GET /bzgk/std/newGbInfo?hcno=<32 hex>` [C] → `div.bor2`: `table.mk1 tr td h1` "标准号：GB/T 1234-2023"
  (an em dash on ~30% of pages; a trailing `span` "采" when adopted), `table.tdlist` (tr1 `td b`
  中文标准名称, tr2 "英文标准名称：…", tr3 `td span` 标准状态, tr4 `button.ck_btn`/`button.xz_btn`),
  then `div.content` in order: CCS, ICS, 发布日期, 实施日期, 主管部门, 归口部门, 发布单位, 备注
  (备注 "废止日期：YYYY-MM-DD" on abolished standards, "被 … 代替" on superseded ones). An unknown
  hcno answers 200 with "您所查询的标准系统尚未收录…" in the `h1` [C].
  For a few standards the status differs from std.samr's (`corpus.openstd_status`: std.samr
  现行 / openstd 废止 with a later date, or std.samr 被代替 / openstd still 现行): the
  ground truth's `status_conflicts`.
- `GET /bzgk/gb/<anything>` → **301** to `/bzgk/std/<anything>` with the same query [C1 STDCN-DOC].
- Anything else → 404.
"""

from __future__ import annotations

import html
import math
import random
from datetime import date, timedelta
from urllib.parse import urlencode

from mirror import render
from mirror.corpus import Corpus, Standard, english_title, title
from mirror.registries import openstd_by_hcno, openstd_items, openstd_status
from mirror.web import BadRequest, Request, Response, host_url, html_response, int_value

LIST_PATHS = ("/bzgk/std/std_list", "/bzgk/std/std_list_type")
DETAIL_PATH = "/bzgk/std/newGbInfo"
OLD_PREFIX = "/bzgk/gb/"
NEW_PREFIX = "/bzgk/std/"
PAGE_SIZES = (10, 25, 50)
ENCODING = "gbk"
_TYPES = {"1": "GB", "2": "GB/T", "3": "GB/Z"}
_STATUS = {"PUBLISHED": "现行", "TOBEIMP": "即将实施", "WITHDRAWN": "废止", "REPLACED": "被代替"}
_NATURE = {"GB": "强制性", "GB/T": "推荐性", "GB/Z": "指导性技术文件"}
_LABEL = {"现行": "label-success", "即将实施": "label-info", "废止": "label-default", "被代替": "label-warning"}


class OpenstdApp:
    site = "openstd"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def handle(self, request: Request) -> Response:
        if request.path.startswith(OLD_PREFIX):
            target = NEW_PREFIX + request.path[len(OLD_PREFIX):]
            if request.query_lists:
                target += "?" + urlencode(request.query_lists, doseq=True)
            return html_response(_moved(target), 301, ENCODING, {"Location": host_url(request) + target})
        if request.method not in ("GET", "HEAD"):
            return html_response(_not_found(), 405, ENCODING)
        try:
            if request.path in LIST_PATHS:
                return html_response(self.std_list(request), encoding=ENCODING)
            if request.path == DETAIL_PATH:
                return html_response(self.detail(request.query.get("hcno", "").strip()), encoding=ENCODING)
        except BadRequest as exc:
            return html_response(f"<html><body><p>参数错误：{html.escape(str(exc))}</p></body></html>", 400, ENCODING)
        return html_response(_not_found(), 404, ENCODING)

    # -- data ------------------------------------------------------------------------------------
    def status(self, s: Standard) -> tuple[str, date | None]:
        return openstd_status(self.corpus, s)

    def search(self, q) -> list[Standard]:
        items = openstd_items(self.corpus)
        prefix = _TYPES.get(q.get("p.p1", "").strip())
        if q.get("p.p1", "").strip() == "6":
            return []
        kw = q.get("p.p2", "").strip()
        kw_no = kw.replace("—", "-").replace("－", "-")
        status = _STATUS.get(q.get("p.p5", "").strip())
        ics = q.get("p.p6", "").strip()
        years = q.get("p.p7", "").strip()
        since = None
        if years:
            try:
                since = (self.corpus.today or date.today()) - timedelta(days=round(float(years) * 365.25))
            except ValueError:
                raise BadRequest(f"p.p7={years!r}") from None
        out = []
        for s in items:
            if prefix and s.prefix != prefix:
                continue
            if kw and kw not in title(s) and kw_no not in s.std_no and kw_no.replace(" ", "") not in s.std_no.replace(" ", ""):
                continue
            if status and self.status(s)[0] != status:
                continue
            if ics and not render._classes(s)[0].startswith(ics):
                continue
            if since and s.issue_date < since:
                continue
            out.append(s)
        field, order = q.get("p.p90", "").strip() or "circulation_date", q.get("p.p91", "").strip() or "desc"
        keys = {
            "circulation_date": lambda s: (s.issue, s.id), "implement_date": lambda s: (s.issue + s.act_offset, s.id),
            "standard_no": lambda s: (s.std_no, s.id), "cn_name": lambda s: (title(s), s.id),
            "standard_type": lambda s: (s.prefix, s.id), "status": lambda s: (self.status(s)[0], s.id),
            "caibiao_status": lambda s: (_adopts(s), s.id),
        }
        if field not in keys:
            raise BadRequest(f"p.p90={field!r}")
        if field != "circulation_date" or order != "desc":
            out.sort(key=keys[field], reverse=order == "desc")
        return out

    # -- pages -----------------------------------------------------------------------------------
    def std_list(self, request: Request) -> str:
        q = request.query
        page = int_value(q.get("page", ""), "page", 1)
        size = int_value(q.get("pageSize", ""), "pageSize", 10)
        if size not in PAGE_SIZES:
            size = 10
        if page < 1:
            raise BadRequest("page must be at least 1")
        hits = self.search(q)
        pages = max(1, math.ceil(len(hits) / size))
        e = html.escape
        rows = []
        for k, s in enumerate(hits[(page - 1) * size: page * size], (page - 1) * size + 1):
            hcno = render.facts(s).hcno
            status, _ = self.status(s)
            onclick = f"showInfo('{hcno}');"
            adopted = '<span class="text-danger">采</span>' if _adopts(s) else ""
            rows.append(
                f'<tr><td class="text-center">{k}</td>'
                f'<td><a href="javascript:void(0);" onclick="{onclick}">{e(s.std_no)}</a></td>'
                f'<td>{adopted}</td>'
                f'<td class="mytxt"><a href="javascript:void(0);" onclick="{onclick}">{e(title(s))}</a></td>'
                f'<td>{_NATURE[s.prefix]}</td>'
                f'<td><span class="label {_LABEL[status]}">{status}</span></td>'
                f'<td>{s.issue_date.isoformat()}</td><td>{s.act_date.isoformat()}</td>'
                f'<td><button class="btn btn-xs btn-default" onclick="{onclick}">查看详细</button></td></tr>')
        body = "\n".join(rows)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>国家标准全文公开系统</title>
{_HEAD}
</head>
<body>
{_TOP}
<div class="container">
<div class="result-head">共检索到 <span class="badge">{len(hits)}</span> 条记录</div>
<table class="table result_list table-striped table-hover">
<tbody><tr><th>序号</th><th>标准号</th><th>是否采标</th><th>标准名称</th><th>类别</th><th>状态</th><th>发布日期</th><th>实施日期</th><th>操作</th></tr></tbody>
<tbody>
{body}
</tbody>
</table>
<div class="hidden-xs"><table class="page-table"><tr><td>第 <span>{page}</span>/<span>{pages}</span> 页，每页 {size} 条</td>
<td><a href="javascript:void(0);" onclick="goPage({max(1, page - 1)})">上一页</a> <a href="javascript:void(0);" onclick="goPage({min(pages, page + 1)})">下一页</a></td></tr></table></div>
</div>
<script>
function showInfo(id) {{ window.open("{DETAIL_PATH}?hcno=" + id); }}
function goPage(p) {{ var u = new URL(location.href); u.searchParams.set("page", p); location.href = u.toString(); }}
</script>
{_FOOT}
</body>
</html>
"""

    def detail(self, hcno: str) -> str:
        s = openstd_by_hcno(self.corpus).get(hcno)
        if s is None:
            return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>国家标准全文公开系统</title>{_HEAD}</head>
<body>{_TOP}<div class="container"><div class="bor2"><table class="mk1"><tr><td><h1>您所查询的标准系统尚未收录，请核对标准号后重新查询。</h1></td></tr></table></div></div>{_FOOT}</body></html>
"""
        e = html.escape
        rng = random.Random(f"openstd:{hcno}")
        status, abolished = self.status(s)
        number = s.std_no.replace("-", "—") if rng.random() < 0.3 else s.std_no
        ics, _, ccs, ta_code, ta_name, department = render._classes(s)
        note = ""
        if status == "废止" and abolished:
            note = f"废止日期：{abolished.isoformat()}"
        elif status == "被代替" and s.replaced_by >= 0:
            note = f"被 {self.corpus.standards[s.replaced_by].std_no} 代替"
        adopted = ' <span class="text-danger">采</span>' if _adopts(s) else ""
        fields = (("中国标准分类号（CCS）", ccs), ("国际标准分类号（ICS）", ics), ("发布日期", s.issue_date.isoformat()),
                  ("实施日期", s.act_date.isoformat()), ("主管部门", department), ("归口部门", f"{ta_name}（{ta_code}）"),
                  ("发布单位", "国家市场监督管理总局、国家标准化管理委员会"), ("备注", note))
        cells = "\n".join(f'<div class="row"><div class="col-xs-12 col-sm-4 title">{k}</div>'
                          f'<div class="col-xs-12 col-sm-8 content">{e(v)}</div></div>' for k, v in fields)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{e(s.std_no)} {e(title(s))} - 国家标准全文公开系统</title>
{_HEAD}
<script>document.onkeydown = function (e) {{ if (e.keyCode == 123) {{ return false; }} }}; document.oncontextmenu = function () {{ return false; }};</script>
</head>
<body>
{_TOP}
<div class="container">
<div class="bor2">
<table class="mk1"><tr><td><h1>标准号：{e(number)}{adopted}</h1></td></tr></table>
<table class="tdlist">
<tr><td>中文标准名称：<b>{e(title(s))}</b></td></tr>
<tr><td>英文标准名称：{e(english_title(s))}</td></tr>
<tr><td>标准状态：<span class="label {_LABEL[status]}">{status}</span></td></tr>
<tr><td><button class="btn ck_btn" onclick="window.open('http://c.gb688.cn/bzgk/gb/showGb?type=online&amp;hcno={hcno}')">在线预览</button>
<button class="btn xz_btn" onclick="window.open('http://c.gb688.cn/bzgk/gb/showGb?type=download&amp;hcno={hcno}')">下载标准</button></td></tr>
</table>
<div class="detail-fields">
{cells}
</div>
</div>
</div>
{_FOOT}
</body>
</html>
"""


def _adopts(s: Standard) -> bool:
    return random.Random(f"caibiao:{s.id}").random() < 0.15


def _moved(target: str) -> str:
    return (f"<html><head><title>301 Moved Permanently</title></head><body><center><h1>301 Moved Permanently</h1></center>"
            f"<hr><center>nginx</center></body></html>\n")


def _not_found() -> str:
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>404 Not Found</title></head>'
            '<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n')


_HEAD = """<link rel="stylesheet" href="/bzgk/std/css/bootstrap.min.css">
<link rel="stylesheet" href="/bzgk/std/css/style.css">
<script src="/bzgk/std/js/jquery.min.js"></script>
<script src="/bzgk/std/js/disable-devtool.min.js"></script>"""
_TOP = """<div class="top"><div class="container"><a href="/bzgk/std/index"><img src="/bzgk/std/images/logo.png" alt="国家标准全文公开系统"></a>
<form class="navbar-form" action="/bzgk/std/std_list" method="get"><input type="text" name="p.p2" class="form-control" placeholder="请输入标准号或标准名称"><button type="submit" class="btn btn-primary">检索</button></form></div></div>"""
_FOOT = """<div class="footer"><p>主办单位：国家市场监督管理总局　国家标准化管理委员会</p><p>京ICP备09001239号</p></div>"""
