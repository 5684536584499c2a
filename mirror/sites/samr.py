"""std.samr.gov.cn (全国标准信息公共服务平台): the advanced search, detail pages and the committee directory.

Served paths (portals.md §1, §7.1; confidence grades from there):

- `GET /gb/search/gbAdvancedSearchPage` [C] → JSON `{"total", "pageNumber", "rows"}`.
  Parameters: `tid` 2 = 国家标准 [C], 3 = 行业标准 [C1 CASE8] (any other tid: no rows);
  `pageNumber` from 1 and `pageSize` [C] (default 10 [I]). **A page serves
  min(pageSize, `corpus.variants.samr_page_cap`) rows**, and page n is rows
  [(n−1)·served, n·served): what the live server does in the one measurement
  (evidence/std.samr.gov.cn/pagesize_cap_check.py, a 20-row cap whatever is asked [C1]);
  the default cap 50 is portals.md §1.2 "pageSize ≤ 50–100" [C];
  `std_p10`/`std_p11` issue date from/to, inclusive, `YYYY-MM-DD`, empty = open [C1];
  `std_p8` name substring [C] (the hit is wrapped in `<sacinfo>` as the live site does [C]);
  every other `std_p*`, `typeRadio`, `_` is accepted and ignored. A date or number that
  does not parse answers 400 [I]. Row keys: `mirror.render.list_row`.
  **Row order** (`corpus.variants.samr_order`): "entry" = newest `SYS_INPUTIME` first [I: no
  source states the advanced search's order]; "issue" = newest `ISSUE_DATE` first, the only
  independent statement (for gbQueryPage, evidence/std.samr.gov.cn/PROVENANCE.md and
  portals.md "Update 2026-12") [C1]; ties newest SYS_INPUTIME, then larger id, first. A
  standard entered late (`Corpus.add_standards(late=True)`) then sits mid-list.
- `GET /gb/search/gbDetailed?id=<id>` (national) and `GET /hb/search/stdHBDetailed?id=<id>`
  (industry) [C] → the HTML detail page (`mirror.render`); an unknown id, or the id of the
  other kind of standard, answers a 404 HTML page [I].
- `GET /search/orgPage?q=&op=TABLE_NAME:"BV_COMMITEE_INFO",G_SECRETARIAT_UNIT_PROVINCE:"江苏省"&pageNo=<n>`
  [C1 TC-ORG] → the committee directory, HTML, 10 per page: items
  `div.row > div.panel.panel-default.post` with the number in `span.line11`, the title in
  `div.page-header span`, the detail link (absolute, as TC-ORG fetches it directly) in
  `div.page-header a[target=_blank]@href`, and summary pairs `div.media.media-inner`
  (label `span`, value `div.media-body`): 英文名称, 专业范围, 对口/相关联国际组织, 秘书处承担单位,
  秘书处所在地. `op` is a comma-separated list of `FIELD:"value"`; a TABLE_NAME other than
  BV_COMMITEE_INFO lists nothing [I]; `q` is a substring of name, number or secretariat [I].
- `GET /search/orgDetailView?data_id=<32 hex>` [I: the detail path is not documented; the
  list links to it] → `div.basic-info.cmn-clearfix dl` with `dt`/`dd` text pairs (every `dt`
  has a non-empty `dd`, as TC-ORG's zip needs): 委员会全称, 英文全称, 委员会简称, 委员会编号,
  负责专业范围, 本届届号, 成立时间 (absent on ~10% [I]), 筹建单位, 业务指导单位, 对口/相关联国际组织,
  现任秘书长, 秘书处所在单位, 所在省（市）, 通讯地址, 邮编, 联系人, 电话, 邮箱, 传真.
- Anything else → 404.

`Referer` and `X-Requested-With: XMLHttpRequest` are expected from clients [C] but not
required. Responses are UTF-8 [C].
"""

from __future__ import annotations

import html
import math
import random
import re
import threading
from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import quote

from mirror import render
from mirror.corpus import INDUSTRY, NATIONAL, Corpus, Standard
from mirror.registries import Committee
from mirror.web import BadRequest, Request, Response, date_value, host_url, int_value, json_response

LIST_PATH = "/gb/search/gbAdvancedSearchPage"
GB_DETAIL_PATH = "/gb/search/gbDetailed"
HB_DETAIL_PATH = "/hb/search/stdHBDetailed"
ORG_LIST_PATH = "/search/orgPage"
ORG_DETAIL_PATH = "/search/orgDetailView"
DEFAULT_PAGE_SIZE = 10
ORG_PAGE_SIZE = 10
COMMITTEE_TABLE = "BV_COMMITEE_INFO"

_OP_PAIR = re.compile(r'(\w+):"([^"]*)"')


class SamrApp:
    """What std.samr.gov.cn answers, independent of the HTTP plumbing."""

    site = "samr"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        # Hits re-sorted by issue date (the "issue" order), per query and corpus state.
        self._by_issue: dict[tuple, list[Standard]] = {}
        self._by_issue_lock = threading.Lock()
        self.routes: dict[str, Callable[[Request], Response]] = {
            LIST_PATH: self.advanced_search,
            GB_DETAIL_PATH: lambda r: self.detail(r, NATIONAL),
            HB_DETAIL_PATH: lambda r: self.detail(r, INDUSTRY),
            ORG_LIST_PATH: self.org_page,
            ORG_DETAIL_PATH: self.org_detail,
        }

    def handle(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is None or request.method not in ("GET", "HEAD"):
            return Response(404, render.not_found_html().encode())
        try:
            return route(request)
        except BadRequest as exc:
            return json_response({"message": str(exc)}, 400)

    # -- standards -------------------------------------------------------------------------------
    def advanced_search(self, request: Request) -> Response:
        q = request.query
        page = int_value(q.get("pageNumber", ""), "pageNumber", 1)
        asked = int_value(q.get("pageSize", ""), "pageSize", DEFAULT_PAGE_SIZE)
        if page < 1 or asked < 1:
            raise BadRequest("pageNumber and pageSize must be at least 1")
        size = min(asked, self.corpus.variants.samr_page_cap)  # what is served, whatever was asked
        tid = q.get("tid", "")
        name = q.get("std_p8", "").strip()
        if tid in (str(NATIONAL), str(INDUSTRY)):
            query = (int(tid), date_value(q.get("std_p10", ""), "std_p10"),
                     date_value(q.get("std_p11", ""), "std_p11"), name)
            hits = self.ordered(*query)
        else:
            hits = []
        rows = [render.list_row(self.corpus, s, name) for s in hits[(page - 1) * size: page * size]]
        return json_response({"total": len(hits), "pageNumber": page, "rows": rows})

    def ordered(self, tid: int, issued_from: date | None, issued_to: date | None, name: str) -> Sequence[Standard]:
        """The hits of one query in the variant's order (see the module docstring)."""
        hits = self.corpus.search(tid, issued_from, issued_to, name)  # newest SYS_INPUTIME first
        if self.corpus.variants.samr_order == "entry":
            return hits
        key = (tid, issued_from, issued_to, name, len(self.corpus.standards))  # standards are only ever added
        with self._by_issue_lock:
            held = self._by_issue.get(key)
            if held is None:
                # A stable sort of the entry order: equal issue dates stay newest-entered first.
                held = sorted(hits, key=lambda s: s.issue, reverse=True)
                if len(self._by_issue) > 16:
                    self._by_issue.clear()
                self._by_issue[key] = held
            return held

    def detail(self, request: Request, tid: int) -> Response:
        s = self.corpus.by_id(request.query.get("id", ""))
        if s is None or s.tid != tid:
            return Response(404, render.not_found_html().encode())
        return Response(200, render.detail_html(self.corpus, s).encode())

    # -- the committee directory -----------------------------------------------------------------
    def committees(self, q: str, op: str) -> list[Committee]:
        pairs = dict(_OP_PAIR.findall(op))
        if pairs.get("TABLE_NAME", COMMITTEE_TABLE) != COMMITTEE_TABLE:
            return []
        province = pairs.get("G_SECRETARIAT_UNIT_PROVINCE", "")
        q = q.strip()
        out = []
        for c in self.corpus.committees:
            if province and c.province != province:
                continue
            if q and not (q in c.name or q in c.code or q in self.corpus.orgs[c.secretariat].name):
                continue
            out.append(c)
        out.sort(key=lambda c: (int(re.match(r"TC(\d+)", c.code).group(1)), c.code))
        return out

    def org_page(self, request: Request) -> Response:
        q = request.query
        page = int_value(q.get("pageNo", ""), "pageNo", 1)
        if page < 1:
            raise BadRequest("pageNo must be at least 1")
        hits = self.committees(q.get("q", ""), q.get("op", ""))
        shown = hits[(page - 1) * ORG_PAGE_SIZE: page * ORG_PAGE_SIZE]
        return Response(200, _org_list_html(self.corpus, request, hits, shown, page).encode())

    def org_detail(self, request: Request) -> Response:
        c = self.corpus.committee_by_uid.get(request.query.get("data_id", ""))
        if c is None:
            return Response(404, render.not_found_html().encode())
        return Response(200, _org_detail_html(self.corpus, c).encode())


def _media(label: str, value: str) -> str:
    return (f'<div class="media media-inner"><div class="media-left"><span>{label}</span></div>'
            f'<div class="media-body">{html.escape(value)}</div></div>\n')


def _org_list_html(corpus: Corpus, request: Request, hits: list[Committee], shown: list[Committee], page: int) -> str:
    e = html.escape
    base = host_url(request)
    items = []
    for c in shown:
        org = corpus.orgs[c.secretariat]
        link = f"{base}{ORG_DETAIL_PATH}?data_id={c.uid}"
        items.append(f"""<div class="panel panel-default post">
<div class="panel-body">
<div class="post-inner">
<div class="post-head"><span class="line11">{e(c.code)}</span>
<div class="page-header"><a target="_blank" href="{e(link)}"><span>{e(c.name)}</span></a></div>
</div>
<div class="post-info">
{_media("英文名称", c.en_name)}{_media("专业范围", c.scope)}{_media("对口/相关联国际组织", c.intl)}{_media("秘书处承担单位", org.name)}{_media("秘书处所在地", c.province + (c.city if c.city != c.province else ""))}</div>
</div>
</div>
</div>""")
    pages = max(1, math.ceil(len(hits) / ORG_PAGE_SIZE))
    q = request.query
    query = f'{ORG_LIST_PATH}?q={quote(q.get("q", ""))}&amp;op={quote(q.get("op", ""))}'
    active = ' class="active"'
    nav = "".join(f'<li{active if n == page else ""}><a href="{query}&amp;pageNo={n}">{n}</a></li>'
                  for n in range(1, pages + 1))
    body = "\n".join(items) if items else '<p class="text-muted">没有找到相关结果</p>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>技术委员会 - 全国标准信息公共服务平台</title>
{render._HEAD}
</head>
<body>
{render._NAV}
<div class="container main-body">
<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="/search/org">技术委员会</a></li><li class="active">检索结果</li></ol>
<div class="search-summary">为您找到相关结果约&nbsp;<span>{len(hits)}</span>&nbsp;个</div>
<div class="row">
{body}
</div>
<nav><ul class="pagination">{nav}</ul></nav>
</div>
{render._FOOTER}
</body>
</html>
"""


def _org_detail_html(corpus: Corpus, c: Committee) -> str:
    e = html.escape
    org = corpus.orgs[c.secretariat]
    rng = random.Random(f"tc:{c.uid}")
    contact = rng.choice(render.vocab.SURNAMES) + "".join(rng.choice(render.vocab.GIVEN_CHARS) for _ in range(2))
    mail = f"{c.code.lower().replace('/', '')}@{rng.choice(('163.com', 'sina.com', 'qq.com', 'cnis.ac.cn'))}"
    left = [("委员会全称", c.name), ("英文全称", c.en_name), ("委员会简称", c.short_name), ("委员会编号", c.code),
            ("负责专业范围", c.scope), ("本届届号", c.term)]
    if c.established is not None:
        left.append(("成立时间", c.established.isoformat()))
    left += [("筹建单位", c.founder), ("业务指导单位", "国家标准化管理委员会"), ("对口/相关联国际组织", c.intl)]
    right = [("现任秘书长", c.secretary), ("秘书处所在单位", org.name), ("所在省（市）", c.province), ("通讯地址", c.address),
             ("邮编", c.postcode), ("联系人", contact), ("电话", c.phone), ("邮箱", mail), ("传真", c.phone)]

    def block(pairs: list[tuple[str, str]], side: str) -> str:
        rows = "".join(f'<dt class="basicInfo-item name">{e(k)}</dt><dd class="basicInfo-item value">{e(v)}</dd>\n'
                       for k, v in pairs)
        return f'<dl class="basicInfo-block basicInfo-{side}">\n{rows}</dl>'

    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(c.name)} - 全国标准信息公共服务平台</title>
{render._HEAD}
</head>
<body>
{render._NAV}
<div class="container main-body">
<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="/search/org">技术委员会</a></li><li class="active">委员会详情</li></ol>
<div class="page-header"><h4>{e(c.name)}</h4><h5>{e(c.en_name)}</h5><span class="label label-info">{e(c.kind)}</span></div>
<div class="para-title"><h2 class="title-text">基本信息</h2></div>
<div class="basic-info cmn-clearfix">
{block(left, "left")}
{block(right, "right")}
</div>
</div>
{render._FOOTER}
</body>
</html>
"""
