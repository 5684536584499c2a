"""www.suzhou.gov.cn (苏州市人民政府): the plan document's article page.

Served paths (portals.md §6.1):

- `GET <corpus.plan_url_path>` (`/szsrmzf/zfwj/202208/<32 hex>.shtml`, the CMS's article
  pattern [C]) → the article as the city's custom-tag CMS prints it [C RSSHUB-SZ]:
  `meta[name=PubDate]` "2022-08-21 15:58:00", `meta[name=SiteName|ColumnName|ColumnDescription]`,
  the title in `<ucaptitle>`, the source in `span.ly b`, breadcrumbs joined by U+00A0, and
  the body in `<ucapcontent>`: **the plan text exactly as it was crawled** (a copy of
  shared/plans/suzhou-2022-standardization-opinions.txt in `mirror/data/`), damage and spam
  included, byte for byte (it holds no `<` or `&`, so it needs no escaping).
  The title and source lines are damaged the same way as the body (the site was hijacked).
- `GET /szsrmzf/zfwj/nav_list.shtml` → the column list (`ul.infolist li`, `a[title]`,
  `a@href`, `.time`) holding the plan's item [C].
- Anything else → a 404 page.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from mirror.corpus import Corpus
from mirror.notices import notice_routes
from mirror.web import Request, Response, html_response

PLAN_FILE = Path(__file__).parents[1] / "data" / "suzhou-2022-standardization-opinions.txt"
PLAN_PUB_TIME = "2022-08-21 15:58:00"
COLUMN_LIST_PATH = "/szsrmzf/zfwj/nav_list.shtml"
_NBSP = "\u00a0"


@cache
def plan_text() -> str:
    """The crawled plan text, exactly (UTF-8, no trailing newline added)."""
    return PLAN_FILE.read_bytes().decode("utf-8")


def _damaged_line(prefix: str) -> str:
    for line in plan_text().splitlines():
        if line.startswith(prefix):
            return line
    return ""


def plan_title() -> str:
    """The article's title as the hijacked page prints it (the text's own title line)."""
    return _damaged_line("中共")


def plan_source() -> str:
    meta = _damaged_line("时间:")
    return meta.split("来源:", 1)[1].split("访问量", 1)[0].strip() if "来源:" in meta else ""


class SuzhouGovApp:
    site = "suzhou_gov"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    @property
    def notice_routes(self) -> dict:
        return notice_routes(self.corpus)["suzhou_gov"]

    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return html_response(_not_found(), 405)
        if request.path == self.corpus.plan_url_path:
            return html_response(self.article())
        if request.path == COLUMN_LIST_PATH:
            return html_response(self.column())
        if request.path in self.notice_routes:  # the city portal's notice list API and articles
            return self.notice_routes[request.path](request)
        return html_response(_not_found(), 404)

    def article(self) -> str:
        text = plan_text()
        assert "<" not in text and "&" not in text, "the plan text would need escaping"
        e = html.escape
        title = plan_title()
        crumbs = f"{_NBSP}>{_NBSP}".join(('<a href="/">首页</a>', '<a href="/szsrmzf/zwgk/">政务公开</a>',
                                          '<a href="/szsrmzf/zfxxgkzl/">政府信息公开专栏</a>',
                                          '<a href="/szsrmzf/zfwj/nav_list.shtml">党政混合信息</a>'))
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="苏州市人民政府">
<meta name="SiteDomain" content="www.suzhou.gov.cn">
<meta name="ColumnName" content="政府文件">
<meta name="ColumnDescription" content="党政混合信息">
<meta name="ColumnKeywords" content="政府文件,党政混合信息">
<meta name="ArticleTitle" content="{e(title)}">
<meta name="PubDate" content="{PLAN_PUB_TIME}">
<meta name="ContentSource" content="{e(plan_source())}">
<title>{e(title)}_苏州市人民政府</title>
<link rel="stylesheet" href="/szsrmzf/xhtml/css/common.css">
<link rel="stylesheet" href="/szsrmzf/xhtml/css/article.css">
<script src="/szsrmzf/xhtml/js/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="w1200"><a class="logo" href="/"><img src="/szsrmzf/xhtml/images/logo.png" alt="苏州市人民政府"></a>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/szsrmzf/zwgk/">政务公开</a></li><li><a href="/szsrmzf/zxfw/">政务服务</a></li><li><a href="/szsrmzf/hdjl/">互动交流</a></li><li><a href="/szsrmzf/zjsz/">走进苏州</a></li></ul></div></div>
<div class="w1200 main">
<div class="position">当前位置：{crumbs}</div>
<div class="article">
<h1 class="article-title"><ucaptitle>{e(title)}</ucaptitle></h1>
<div class="article-info"><span class="time">时间：{PLAN_PUB_TIME[:16]}</span><span class="ly">来源：<b>{e(plan_source())}</b></span><span class="views">访问量：<em id="views"></em></span>
<span class="font">字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
<div class="article-content" id="zoom"><ucapcontent>{text}</ucapcontent></div>
<div class="article-tools"><a href="javascript:window.print()">打印本页</a><a href="javascript:window.close()">关闭窗口</a>
<div class="qrcode"><img src="/szsrmzf/xhtml/images/qrcode.png" alt=""><p>扫一扫在手机打开当前页</p></div></div>
</div>
</div>
<div class="footer"><div class="w1200"><p>主办：苏州市人民政府办公室　承办：苏州市大数据管理局</p>
<p>苏ICP备05003521号　苏公网安备 32050802010555号　网站标识码：3205000003</p></div></div>
</body>
</html>
"""

    def column(self) -> str:
        e = html.escape
        title = plan_title()
        return f"""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="SiteName" content="苏州市人民政府"><meta name="ColumnName" content="政府文件">
<title>政府文件_苏州市人民政府</title></head>
<body>
<div class="w1200 main">
<div class="position">当前位置：<a href="/">首页</a>{_NBSP}>{_NBSP}<a href="/szsrmzf/zwgk/">政务公开</a>{_NBSP}>{_NBSP}政府文件</div>
<ul class="infolist">
<li><a href="{self.corpus.plan_url_path}" title="{e(title)}" target="_blank">{e(title)}</a><span class="time">{PLAN_PUB_TIME[:10]}</span></li>
</ul>
<div class="page">共1条 1/1页</div>
</div>
</body>
</html>
"""


def _not_found() -> str:
    return """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404_苏州市人民政府</title></head>
<body><div class="w1200"><h2>您访问的页面不存在或已被删除</h2><p><a href="/">返回首页</a></p></div></body></html>
"""
