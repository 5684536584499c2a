"""www.qybz.org.cn (企业标准信息公共服务平台): enterprise standards (portals.md §5).

Served paths (grades from portals.md):

- `GET /` [C1 BIAOZ] → the homepage; its table lists **only the latest 100 disclosures**
  (`corpus.qybz_home()`), newest 公开时间 first, no paging. Each row is a `<tr
  onclick="toDetail('<id>')">` whose cells are [0] 序号, [1] 企业名称 (an `a` with
  `href="javascript:toDetail('<id>');"`), [2] "Q/XXX 001—2024《标准名称》" (em dash on most),
  [3] 公开时间, [4] 状态. Two of the 100 are malformed: no number before 《》, an impossible
  公开时间. The homepage has a search box linking to the search, but no Geetest script.
- `GET /user/detail/<id>` [C1] → tables 0 and 1 of label/value cells (even cells are
  labels): 标准名称, 标准编号, 标准类型, 标准状态 | 机构名称, 统一社会信用代码, 行政区划 (e.g.
  "江苏省苏州市昆山市" [I: the live format is unknown]), 公开时间; table 2 the product table
  (header row + data row: 产品名称, 通用名, 品牌, 条码, 规格, 型号, 分类); a self-commitment
  sentence; hidden `input[name=standardId]`. Every enterprise standard has a detail page,
  including those no crawler can reach without the search.
- `GET /user/toSearch/`, `GET /user/searchR?…` [C] → the Geetest captcha page ("请完成安全验证",
  `gt.js`, `initGeetest`, hidden `geetest_challenge`/`geetest_validate`/`geetest_seccode`),
  whatever the parameters: the search is never answered.
- `GET /gc/geetest/login?t=<ms>` [C] → the Geetest registration JSON (`gt`, `challenge`).
- `POST /usercenter/detail.fileDown` [C1] → the captcha page too.
"""

from __future__ import annotations

import hashlib
import html
import random

from mirror import vocab
from mirror.corpus import Corpus
from mirror.registries import Record, defect_value
from mirror.web import Request, Response, html_response, json_response

HOME_PATH = "/"
DETAIL_PREFIX = "/user/detail/"
CAPTCHA_PATHS = ("/user/toSearch", "/user/searchR", "/usercenter/detail.fileDown")
GEETEST_PATH = "/gc/geetest/login"


class QybzApp:
    site = "qybz"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def handle(self, request: Request) -> Response:
        path = request.path
        if any(path == p or path.startswith(p + "/") for p in CAPTCHA_PATHS):
            return html_response(captcha_page())
        if path == GEETEST_PATH:
            challenge = hashlib.md5(request.query.get("t", "").encode()).hexdigest()
            return json_response({"success": 1, "gt": "019924a82c70bb123aae90d483087f94", "challenge": challenge,
                                  "new_captcha": True})
        if request.method not in ("GET", "HEAD"):
            return html_response(_not_found(), 405)
        if path in (HOME_PATH, "/index", "/index.html"):
            return html_response(self.home())
        if path.startswith(DETAIL_PREFIX):
            rec = self.corpus.enterprise_by_uid.get(path[len(DETAIL_PREFIX):])
            if rec is not None:
                return html_response(self.detail(rec))
        return html_response(_not_found(), 404)

    def number(self, rec: Record, dashes: bool) -> str:
        if rec.defect == "missing_field":
            return defect_value(rec)
        return rec.printed_code() if dashes else rec.std_no

    def published(self, rec: Record) -> str:
        return defect_value(rec) if rec.defect == "bad_date" else rec.issue_date.isoformat()

    def status(self, rec: Record) -> str:
        return "废止" if rec.abolished else "现行"

    def home(self) -> str:
        e = html.escape
        rows = []
        for k, rec in enumerate(self.corpus.qybz_home(), 1):
            name = self.corpus.orgs[rec.lead].name
            rows.append(
                f"""<tr onclick="toDetail('{rec.uid}')"><td>{k}</td>"""
                f"""<td><a href="javascript:toDetail('{rec.uid}');" title="{e(name)}">{e(name)}</a></td>"""
                f"""<td>{e(self.number(rec, True))}《{e(rec.title)}》</td><td>{e(self.published(rec))}</td>"""
                f"""<td>{self.status(rec)}</td></tr>""")
        body = "\n".join(rows)
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>企业标准信息公共服务平台</title>
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/index.css?v=20250915">
<script src="/static/js/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="container"><a class="logo" href="/"><img src="/static/images/logo.png" alt="企业标准信息公共服务平台"></a>
<ul class="nav"><li class="active"><a href="/">首页</a></li><li><a href="/user/toSearch/">标准查询</a></li><li><a href="/news/list">通知公告</a></li><li><a href="/help">帮助中心</a></li><li><a href="/usercenter/login">企业登录</a></li></ul></div></div>
<div class="banner"><div class="container"><h2>企业标准自我声明公开</h2>
<form action="/user/toSearch/" method="get" class="search-box"><input type="text" name="keyword" placeholder="请输入企业名称、标准名称或标准编号"><button type="submit">查询</button></form></div></div>
<div class="container">
<div class="panel panel-default"><div class="panel-heading"><h3 class="panel-title">最新公开</h3></div>
<table class="table table-hover new-list">
<thead><tr><th>序号</th><th>企业名称</th><th>标准名称</th><th>公开时间</th><th>状态</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</div>
<div class="notice"><p>企业标准信息公共服务平台是企业标准自我声明公开的统一平台。企业应当公开其执行的国家标准、行业标准、地方标准、团体标准或者企业标准的编号和名称；企业执行自行制定的企业标准的，还应当公开产品、服务的功能指标和产品的性能指标。</p></div>
</div>
<script>function toDetail(id) {{ window.open("/user/detail/" + id); }}</script>
<div class="footer"><p>主办单位：国家市场监督管理总局　技术支持：中国标准化研究院</p><p>京ICP备09031408号</p></div>
</body>
</html>
"""

    def detail(self, rec: Record) -> str:
        e = html.escape
        rng = random.Random(f"qybz:{rec.uid}")
        ent = self.corpus.enterprises[rec.publisher]
        name = self.corpus.orgs[ent.org].name
        product = vocab.ENTERPRISE_PRODUCTS[rec.subject]
        region = self.corpus.region
        brand = name[:2] if not name.startswith((region.short, region.province_short)) else name[2:4]
        spec = f"{rng.randint(1, 99)}×{rng.randint(1, 99)}"
        barcode = f"69{rng.randint(10 ** 10, 10 ** 11 - 1)}"

        def pairs(cells: list[tuple[str, str]]) -> str:
            out = []
            for i in range(0, len(cells), 2):
                row = "".join(f'<td class="label-cell">{k}</td><td class="value-cell">{e(v)}</td>' for k, v in cells[i:i + 2])
                out.append(f"<tr>{row}</tr>")
            return "\n".join(out)

        standard = [("标准名称", rec.title), ("标准编号", self.number(rec, False)), ("标准类型", "企业标准"),
                    ("标准状态", self.status(rec))]
        declarer = [("机构名称", name), ("统一社会信用代码", ent.uscc), ("行政区划", ent.division),
                    ("公开时间", self.published(rec))]
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(rec.title)} - 企业标准信息公共服务平台</title>
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/detail.css?v=20250915">
</head>
<body>
<div class="header"><div class="container"><a class="logo" href="/"><img src="/static/images/logo.png" alt="企业标准信息公共服务平台"></a></div></div>
<div class="container detail">
<h3 class="detail-title">{e(rec.title)}</h3>
<h4>标准信息</h4>
<table class="table table-bordered">
{pairs(standard)}
</table>
<h4>企业信息</h4>
<table class="table table-bordered">
{pairs(declarer)}
</table>
<h4>产品信息</h4>
<table class="table table-bordered product-table">
<tr><th>产品名称</th><th>通用名</th><th>品牌</th><th>条码</th><th>规格</th><th>型号</th><th>分类</th></tr>
<tr><td>{e(product)}</td><td>{e(product)}</td><td>{e(brand)}</td><td>{barcode}</td><td>{spec}</td><td>{_model(rng)}</td><td>{rng.choice(vocab.STD_TYPES)}</td></tr>
</table>
<p class="commitment">本企业承诺：所公开的标准信息真实、准确，所生产的产品、提供的服务符合本企业公开的标准，并对公开的标准信息承担法律责任。</p>
<input type="hidden" name="standardId" value="{rec.uid}">
<div class="btns"><button class="btn btn-primary" onclick="fileDown()">标准文本下载</button></div>
</div>
<script>function fileDown() {{ var f = document.createElement("form"); f.method = "post"; f.action = "/usercenter/detail.fileDown"; f.submit(); }}</script>
<div class="footer"><p>主办单位：国家市场监督管理总局　技术支持：中国标准化研究院</p></div>
</body>
</html>
"""


def _model(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTXYZ") for _ in range(2)) + f"-{rng.randint(100, 9999)}"


def captcha_page() -> str:
    """The Geetest gate the search answers with (never solved; see architecture.md, "Sources")."""
    return """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>安全验证 - 企业标准信息公共服务平台</title>
<script src="/static/js/jquery.min.js"></script>
<script src="/static/js/gt.js"></script>
</head>
<body>
<div class="verify-box">
<h3>请完成安全验证</h3>
<p>为保障平台安全，查询前请按提示完成验证。</p>
<div id="captcha"><p id="wait">正在加载验证码……</p></div>
<form id="searchForm" action="/user/searchR" method="get">
<input type="hidden" name="geetest_challenge" value="">
<input type="hidden" name="geetest_validate" value="">
<input type="hidden" name="geetest_seccode" value="">
</form>
</div>
<script>
$.get("/gc/geetest/login?t=" + new Date().getTime(), function (data) {
  initGeetest({ gt: data.gt, challenge: data.challenge, new_captcha: data.new_captcha, product: "popup", offline: !data.success },
    function (captchaObj) { captchaObj.appendTo("#captcha"); });
}, "json");
</script>
</body>
</html>
"""


def _not_found() -> str:
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>404 - 企业标准信息公共服务平台</title></head>'
            '<body><h3>页面不存在</h3></body></html>\n')
