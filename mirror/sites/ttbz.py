"""www.ttbz.org.cn (全国团体标准信息平台): group standards (portals.md §4).

Served paths (grades from portals.md):

- `POST /cms-proxy/ms/portal/standardInfo/getPortalStandardList` (form) [C] →
  `{"result": true, "code": 200, "message": "操作成功", "data": {"total", "rows"}}`.
  Form: `pageNo` (from 1), `pageSize` (10–50: larger is cut to 50 [I]), filters
  `organUniqueId` [C], `publishDateBegin` (YYYY-MM-DD, inclusive [I]), `searchKey` (number
  or title [C]), `standardName`, `standardNo`, `organName`, `standardStatus` (1 现行, 0 废止) [C].
  Rows, newest `publishDate` first [I]: `standardUniqueId` (31 chars [a-z0-9]), `id`,
  `standardNo` ("T/XXX 012—2024", **em dash**), `standardTitleCn`, `standardTitleEn`,
  `organName`, `organCode`, `standardStatus`, `standardStatusName`, `publishDate` (公布日期;
  "YYYY-MM-DD", or with " 00:00:00" on ~10%), `implementDate`, `filePublishDate`,
  `abolishDate`, `icsl1Name`, `ccsl1Name`, `isOpenName` [C]. Malformed rows: an empty
  `standardUniqueId`, an impossible `publishDate`, a number without one.
- `POST /cms-proxy/ms/portal/standardInfo/getPortalStandardById` (form `standardUniqueId`) [C]
  → `data`: `standardNo`, `publishDate`, `isOpen`, `isOpenName`, `hasCnPdf`, `files` [].
- `POST /cms-proxy/ms/district/portal/getProvince` (JSON `{}`) [C1] → `data: [{"name"}]`.
- `POST /cms-proxy/ms/bus/organList/portal/queryOrgan?pageNo=&pageSize=` (JSON
  `{"certUnitArea": "江苏省"}`) [C1] → `data.total`, `data.rows[]` (`organUniqueId`,
  `organName`, `organCode`, `certUnitArea`, `address` — empty where the association gives
  none). pageSize up to 100.
- `GET /standardDetail/<standardUniqueId>.html` [C] → a Vue shell with the record in
  `<script id="portal-standard-detail-json" type="application/json">` [C1]: `editorUnit`
  (起草单位, lead first, joined by 、 — by "，" on a few pages; empty on ~5%), `drafterNames`,
  `scope`, `mainContent`, `isPatentName`, `icsl1Name`, `ccss1Name`, `ccsl1Name`, … Spam is
  injected into a few pages (title and one unit).
- `GET /standard.html` → the list UI shell (data comes from the API).
- `GET /Home/Standard`, `/Home/*`, `/StandardManage/*` (the legacy ASP.NET site) → the WAF
  "WEB 应用防火墙" JavaScript challenge page, status 200, with a `__jsluid_s` cookie [C1 STDCN-DOC].
"""

from __future__ import annotations

import html
import json
import random
from datetime import date

from mirror import vocab
from mirror.corpus import Corpus
from mirror.registries import PUBLISHED, Association, Record, defect_value
from mirror.web import BadRequest, Request, Response, date_value, html_response, int_value, json_response, last

API = "/cms-proxy/ms"
LIST_PATH = API + "/portal/standardInfo/getPortalStandardList"
BY_ID_PATH = API + "/portal/standardInfo/getPortalStandardById"
PROVINCE_PATH = API + "/district/portal/getProvince"
ORGAN_PATH = API + "/bus/organList/portal/queryOrgan"
DETAIL_PREFIX = "/standardDetail/"
MAX_PAGE_SIZE = 50
MAX_ORGAN_PAGE_SIZE = 100
LEGACY_PREFIXES = ("/Home/", "/StandardManage/", "/Home")


def _ok(data: object) -> Response:
    return json_response({"result": True, "code": 200, "message": "操作成功", "data": data})


class TtbzApp:
    site = "ttbz"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._sorted: tuple[int, list[Record]] = (-1, [])

    @property
    def _order(self) -> list[Record]:
        """Group standards, newest first (sorted again when `mirror.calendar` added some)."""
        if self._sorted[0] != len(self.corpus.group):
            self._sorted = (len(self.corpus.group), sorted(self.corpus.group, key=lambda r: (r.issue, r.num_id),
                                                            reverse=True))
        return self._sorted[1]

    def handle(self, request: Request) -> Response:
        path = request.path
        try:
            if path.startswith(API + "/"):
                if request.method != "POST":
                    return json_response({"result": False, "code": 405, "message": "Request method not supported"}, 405)
                if path == LIST_PATH:
                    return self.standard_list(request)
                if path == BY_ID_PATH:
                    return self.by_id(request)
                if path == PROVINCE_PATH:
                    return _ok([{"name": p} for p in vocab.PROVINCES])
                if path == ORGAN_PATH:
                    return self.organs(request)
                return json_response({"result": False, "code": 404, "message": "接口不存在"}, 404)
            if request.method not in ("GET", "HEAD"):
                return html_response(_not_found(), 405)
            if any(path == p or path.startswith(p) for p in LEGACY_PREFIXES):
                return html_response(_waf_page(), 200, headers={
                    "Set-Cookie": "__jsluid_s=3f7a1c9e0b2d4e6f8a1b2c3d4e5f6a7b; max-age=31536000; path=/; HttpOnly"})
            if path in ("/standard.html", "/", "/index.html"):
                return html_response(_shell("团体标准", ""))
            if path.startswith(DETAIL_PREFIX) and path.endswith(".html"):
                rec = self.corpus.group_by_uid.get(path[len(DETAIL_PREFIX):-len(".html")])
                if rec is not None and rec.defect != "missing_field":
                    return html_response(self.detail(rec))
            return html_response(_not_found(), 404)
        except BadRequest as exc:
            return json_response({"result": False, "code": 400, "message": str(exc)}, 400)

    # -- API -------------------------------------------------------------------------------------
    def association(self, rec: Record) -> Association:
        return self.corpus.associations[rec.publisher]

    def row(self, rec: Record) -> dict:
        a = self.association(rec)
        abolished = rec.replaced_by >= 0 or rec.abolished
        abolish = None
        if rec.replaced_by >= 0:
            abolish = self.corpus.group[rec.replaced_by].issue_date.isoformat()
        elif rec.abolished:
            abolish = date.fromordinal(min(rec.issue + 1500, date(2026, 6, 30).toordinal())).isoformat()
        published = rec.issue_date.isoformat() + (" 00:00:00" if rec.time_suffix else "")
        if rec.defect == "bad_date":
            published = defect_value(rec)
        domain = vocab.GB_DOMAINS[rec.subject % len(vocab.GB_DOMAINS)]
        return {
            "standardUniqueId": "" if rec.defect == "missing_field" else rec.uid,
            "id": rec.num_id,
            "standardNo": defect_value(rec) if rec.defect == "bad_std_no" else rec.printed_code(),
            "standardTitleCn": (vocab.SPAM[rec.spam_text] + " " if rec.spam_unit >= 0 else "") + rec.title,
            "standardTitleEn": "",
            "organName": self.corpus.orgs[a.org].name,
            "organCode": a.code,
            "standardStatus": 0 if abolished else 1,
            "standardStatusName": "废止" if abolished else "现行",
            "publishDate": published,
            "implementDate": rec.act_date.isoformat(),
            "filePublishDate": date.fromordinal(rec.issue + rec.record_offset).isoformat(),
            "abolishDate": abolish,
            "icsl1Name": domain["ics"].split(".")[0] + " " + domain["ics_full"].split("/")[0].split("_", 1)[1],
            "ccsl1Name": domain["ccs"][0],
            "isOpenName": "公开",
        }

    def standard_list(self, request: Request) -> Response:
        form = request.form()
        page = int_value(last(form, "pageNo"), "pageNo", 1)
        size = min(int_value(last(form, "pageSize"), "pageSize", 10), MAX_PAGE_SIZE)
        if page < 1 or size < 1:
            raise BadRequest("pageNo and pageSize must be at least 1")
        organ = last(form, "organUniqueId").strip()
        since = date_value(last(form, "publishDateBegin"), "publishDateBegin")
        key = last(form, "searchKey").strip()
        name, number, organ_name = (last(form, k).strip() for k in ("standardName", "standardNo", "organName"))
        status = last(form, "standardStatus").strip()
        hits = []
        for rec in self._order:
            a = self.association(rec)
            if organ and a.uid != organ:
                continue
            if since and rec.issue_date < since:
                continue
            shown_no = rec.printed_code()
            if key and key not in rec.title and key not in shown_no and key not in rec.std_no:
                continue
            if name and name not in rec.title:
                continue
            if number and number not in shown_no and number not in rec.std_no:
                continue
            if organ_name and organ_name not in self.corpus.orgs[a.org].name:
                continue
            if status and status != ("0" if rec.replaced_by >= 0 or rec.abolished else "1"):
                continue
            hits.append(rec)
        rows = [self.row(r) for r in hits[(page - 1) * size: page * size]]
        return _ok({"total": len(hits), "rows": rows})

    def by_id(self, request: Request) -> Response:
        uid = last(request.form(), "standardUniqueId").strip()
        rec = self.corpus.group_by_uid.get(uid)
        if rec is None or rec.defect == "missing_field":
            return json_response({"result": False, "code": 500, "message": "标准不存在", "data": None})
        row = self.row(rec)
        return _ok({"standardUniqueId": rec.uid, "standardNo": row["standardNo"], "publishDate": row["publishDate"],
                    "isOpen": 1, "isOpenName": "公开", "hasCnPdf": 0, "standardPdfUrl": None, "files": []})

    def organs(self, request: Request) -> Response:
        q = request.query
        page = int_value(q.get("pageNo", ""), "pageNo", 1)
        size = min(int_value(q.get("pageSize", ""), "pageSize", 10), MAX_ORGAN_PAGE_SIZE)
        if page < 1 or size < 1:
            raise BadRequest("pageNo and pageSize must be at least 1")
        body = request.json()
        area = body.get("certUnitArea", "") if isinstance(body, dict) else ""
        hits = [a for a in self.corpus.associations if not area or a.province == area]
        rows = [{"organUniqueId": a.uid, "organName": self.corpus.orgs[a.org].name, "organCode": a.code,
                 "certUnitArea": a.province, "address": a.address} for a in hits[(page - 1) * size: page * size]]
        return _ok({"total": len(hits), "rows": rows})

    # -- pages -----------------------------------------------------------------------------------
    def detail(self, rec: Record) -> str:
        rng = random.Random(f"ttbz:{rec.uid}")
        a = self.association(rec)
        spam = vocab.SPAM[rec.spam_text] if rec.spam_unit >= 0 else ""
        units = [self.corpus.orgs[o].name for o in rec.units]
        if spam:
            units[rec.spam_unit] = spam + units[rec.spam_unit]
        editor = rec.separator.join(units) if rec.drafters == PUBLISHED else ""
        staff = "、".join(rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
                         for _ in range(rng.randint(2, 3 + len(units))))
        row = self.row(rec)
        blob = {
            "standardUniqueId": rec.uid, "standardNo": row["standardNo"], "standardTitleCn": row["standardTitleCn"],
            "publishDate": row["publishDate"], "implementDate": row["implementDate"],
            "organName": row["organName"], "standardStatusName": row["standardStatusName"],
            "editorUnit": editor, "drafterNames": staff if editor else "",
            "scope": f"本文件规定了{rec.title}的要求，描述了相应的证实方法。",
            "mainContent": "范围、规范性引用文件、术语和定义、要求、试验方法、检验规则。",
            "isPatentName": rng.choice(("否", "否", "是")), "icsl1Name": row["icsl1Name"], "ccss1Name": row["ccsl1Name"] + "00",
            "ccsl1Name": rng.choice(("C 制造业", "I 信息传输、软件和信息技术服务业", "M 科学研究和技术服务业")),
        }
        payload = json.dumps(blob, ensure_ascii=False).replace("</", "<\\/")
        stray = f'<div style="display:none"><a href="http://www.example.invalid/">{html.escape(spam)}</a></div>\n' if spam else ""
        page_title = f"{spam} {row['standardNo']}" if spam else f"{row['standardNo']} {rec.title}"
        return _shell(page_title, f'{stray}<script id="portal-standard-detail-json" type="application/json">{payload}</script>\n'
                                  '<script src="/static/js/portal-detail.js?v=20260701"></script>\n')


def _shell(title: str, extra: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - 全国团体标准信息平台</title>
<link rel="stylesheet" href="/static/css/element-ui.css">
<link rel="stylesheet" href="/static/css/portal.css?v=20260701">
</head>
<body>
<div id="app"></div>
<noscript>请启用 JavaScript 以浏览全国团体标准信息平台</noscript>
{extra}<script src="/static/js/vue.min.js"></script>
<script src="/static/js/element-ui.js"></script>
<script src="/static/js/portal.js?v=20260701"></script>
</body>
</html>
"""


def _waf_page() -> str:
    return """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>WEB 应用防火墙</title>
<style>body{font-family:"Microsoft YaHei";text-align:center;padding-top:120px;color:#555}</style>
</head>
<body>
<h3>WEB 应用防火墙</h3>
<p>您的访问需要通过安全检测，请稍候……</p>
<script>
var _0x5a1c = ["cookie", "__jsl_clearance_s=1764316800.123|0|", "reload"];
setTimeout(function () { document[_0x5a1c[0]] = _0x5a1c[1] + (Math.random() + "").substr(2) + ";max-age=3600;path=/"; location[_0x5a1c[2]](); }, 1500);
</script>
</body>
</html>
"""


def _not_found() -> str:
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>404 - 全国团体标准信息平台</title></head>'
            '<body><div id="app"><h3>页面不存在</h3></div></body></html>\n')
