"""qybz — 企业标准信息公共服务平台 (www.qybz.org.cn, formerly www.cpbz.gov.cn): enterprise standards.

Coverage is PARTIAL BY DESIGN. The search (`/user/searchR`, with its 行政区划 filter `xzqh`)
sits behind a Geetest slider captcha [C: BIAOZ "企业站全量搜索入口需要极验校验"], and this
project never solves or works around a captcha (architecture.md, "Sources"). What can be
fetched without one is the homepage's list of the latest disclosures and each disclosure's
detail page [C1 BIAOZ]; region-wide enumeration comes from analysts' exports (the `inbox`
source). Every run of this source is therefore reported as partially covered (`COVERAGE`),
and a captcha met anyway (the client raises `Blocked(reason="captcha")`) is recorded as such.

Contract (portals.md §5; grades [C] confirmed, [C1] one source, [I] inference). Evidence:
BIAOZ (2025–26). This project has never reached the live site: check every [C1]/[I] item on
the first live run.

Homepage — `GET {base}/` HTML [C1]: each `<tr>` holding an `a[href*="toDetail("]` is one
  disclosure: id in `toDetail('<id>')`; cells [1] 企业名称, [2] "Q/XXX 001—2024《标准名称》",
  [3] 公开时间, [4] 状态. Only the most recent items: there is no paging [C1].
Detail — `GET {base}/user/detail/<id>` HTML [C1], `Referer: {base}/`: tables 0 and 1 are
  label/value pairs (标准名称, 标准编号, 机构名称, 统一社会信用代码, 行政区划, 公开时间), table 2
  the products; hidden `input[name=standardId]`. Mapping: transform/parsers/qybz.py.
Search — `GET {base}/user/searchR?keyword=&pageNo=&standardType=&standardStatus=&xzqh=&geetest_…`
  [C]: never fetched. `search_url` names it only so that an answer or a redirect landing
  there (`is_captcha_gate`) is recognised as the gate, not mistaken for data.
File download (`POST /usercenter/detail.fileDown`) may answer with Geetest [C1]: not fetched.

Risk [I]: `extract.blocks` counts `initGeetest` on any page as a captcha. Should the live
homepage embed the search form's Geetest script, the homepage itself would be reported
blocked; the first live run will tell.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from extract.http import Fetched, HttpClient

SOURCE = "qybz"
COVERAGE = "partial"  # by design: the search is behind a captcha (see the module docstring)
HOME_PATH = "/"
DETAIL_PATH = "/user/detail"
SEARCH_PATH = "/user/searchR"
# Where the captcha-gated search lives: the search UI, its answer, and the Geetest challenge [C].
CAPTCHA_GATE_PATHS = ("/user/toSearch", SEARCH_PATH, "/gc/geetest")


def _base(base: str) -> str:
    return base.rstrip("/")


def home_url(base: str) -> str:
    return _base(base) + HOME_PATH


def detail_url(base: str, detail_id: str) -> str:
    return f"{_base(base)}{DETAIL_PATH}/{detail_id}"


def page_headers(base: str) -> dict[str, str]:
    """A detail page is opened from the homepage [C1 BIAOZ sends this Referer]."""
    return {"Referer": home_url(base), "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def search_url(base: str, *, keyword: str = "", page: int = 1, xzqh: str = "") -> str:
    """The captcha-gated search, without the Geetest answers. Never fetched; see `is_captcha_gate`."""
    query = {"keyword": keyword, "pageNo": page, "standardType": "", "standardStatus": "", "xzqh": xzqh}
    return f"{_base(base)}{SEARCH_PATH}?{urlencode(query)}"


def is_captcha_gate(url: str) -> bool:
    """True for a URL on the captcha-gated side of the site (search UI, search answers, Geetest)."""
    path = urlsplit(url).path
    return any(path == gate or path.startswith(gate + "/") for gate in CAPTCHA_GATE_PATHS)


def fetch_home(client: HttpClient, base: str) -> Fetched:
    return client.fetch("GET", home_url(base), source=SOURCE, headers={"Accept": "text/html,*/*;q=0.8"})
