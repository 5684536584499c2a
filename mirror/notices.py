"""The notice columns of the three government CMS kinds, their list attachments, the analysts'
inbox files, and the ground truth of every indicator they feed.

Standalone: `NoticeCorpus(corpus)` draws everything from `random.Random` seeded by the
corpus seed, using the corpus's organisations where lists name organisations, so the
same corpus always gives the same notices, files and truth, byte for byte. Nothing
here imports the product.

Sites (keys as in the product's `base_urls` setting) and what they serve (portals.md §6):

- `scjgj_suzhou` — 通知公告 at `/szqts/tzgg/nav_xwtz.shtml`, then `nav_xwtz_2.shtml`, … (15 items a
  page, `div.cont.mt10 li`, the page's own `createPageHTML(pages, index, "nav_xwtz", "shtml")`;
  page 2 is `_2`, or `_1` under the variant `scjgj_first_suffix=1`); articles
  `/szqts/tzgg/<YYYYMM>/<32 hex>.shtml` with the body in `#zoom`; attachments
  `/szqts/tzgg/<YYYYMM>/<32 hex>/files/<32 hex>.<ext>`.
- `suzhou_gov` — `GET /szinf/info/getInfoCommon/?pagesize=&currpage=&channelid=` → JSON
  `{"infolist": [{title, link (relative), pubtime}]}` for channels 政务公告 and 部门动态;
  articles `/szsrmzf/<col>/<YYYYMM>/<32 hex>.shtml` with `<ucaptitle>`/`<ucapcontent>`.
- `scjgj_jiangsu` — Hanweb: `/col/col78963/index.html` (the first 15 records in a
  `<script type="text/xml"><datastore>`, `<nextgroup>` and the jpage call carry
  unitid/webid/webname/totalRecord), `POST /module/web/jpage/dataproxy.jsp?startrecord=
  &endrecord=&perpage=` → XML; articles `/art/<Y>/<M>/<D>/art_78963_<id>.html`
  (`.main-txt#zoom`); attachments `/module/download/downfile.jsp?classid=0&filename=…`.

Those are region 3205's. A corpus of another region (`mirror.region`) announces on the sites its
`region.toml` lists: its scjgj site under the column root and first page named there (Wuxi's
`scjgj_wuxi`: `/xwzx/tzgg/index.shtml`, `index_2.shtml`, …), its city portal if it has one (else
those notices go on its scjgj site), the province's Hanweb site; titles and names the Suzhou
templates write with 苏州 are written with the region's name.

What the notices hold, per indicator kind announced in notices: batches of entries
(projects, awards, bases, stations…) announced by a decision (公布/下达/认定/同意),
most preceded by a 公示 (some entries of which are dropped from the decision), lists
in HTML tables and in xlsx, xls, docx and text-PDF attachments; provincial and national
decisions reposted by the city; a decision whose only list is a scanned PDF; lists
naming organisations outside Suzhou; a 公示 with no decision yet; calls for
applications and other notices that name an indicator but announce no list; and
notices irrelevant to the plan.

The inbox files (`write_inbox_files`) are the kinds `stdwatch inbox template` writes,
filled in, with rows that must be rejected (each with its reason in the truth).

`notice_truth(nc)` says what the product must arrive at, from how things were built.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path
from urllib.parse import quote

from mirror import uscc, vocab
from mirror.corpus import OUTSIDE, UNKNOWN, Corpus, Org
from mirror.web import Request, Response

SCJGJ, SUZHOU_GOV, HANWEB = "scjgj_suzhou", "suzhou_gov", "scjgj_jiangsu"
SITES = (SCJGJ, SUZHOU_GOV, HANWEB)  # region 3205's; a corpus's own are its region's (`NoticeCorpus.scjgj`…)
GOV_CHANNELS = {"260915178a1f4c4fac44c4bf6378c9b0": "zwgg", "b3d097e3eb79421f88439ea381ce33c3": "bmdt"}
HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID, HANWEB_WEBNAME = "78963", "320112", "41", "江苏省市场监督管理局"
PAGE_SIZE = 15
DECISION, PRELIMINARY = "decision", "preliminary"

_HTML = "text/html;charset=UTF-8"
_CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "scan": "application/pdf",
}
_LEVEL_NAME = {"国家级": "国家级", "省级": "江苏省", "市级": "苏州市"}
_CN_NUMBERS = "一二三四五六七八九十"
FIELDS = ("智能制造", "绿色建材", "智慧物流", "家政服务", "养老服务", "工业互联网", "跨境电商", "文旅融合",
          "新能源汽车", "生物医药", "纳米材料", "集成电路", "丝绸纺织", "现代农业", "智慧社区", "检验检测")
INTL_BODIES = ("ISO/TC 299 机器人", "IEC/TC 47 半导体器件", "ISO/TC 229 纳米技术", "IEC/TC 82 光伏系统",
               "ISO/TC 38 纺织品", "ISO/TC 268 城市可持续发展", "IEC/TC 21 蓄电池", "ISO/TC 314 老龄社会")
OUTSIDE_DIVISION = {
    "杭州": "杭州市", "北京": "北京市", "上海": "上海市", "无锡": "无锡市", "南京": "南京市", "深圳": "深圳市",
    "广州": "广州市", "宁波": "宁波市", "青岛": "青岛市", "武汉": "武汉市", "成都": "成都市", "浙江": "浙江省",
    "山东": "山东省", "广东": "广东省", "苏州": "苏州市",
}


# -- what is announced ----------------------------------------------------------------------


@dataclass(slots=True)
class ListedEntry:
    name: str
    org: str
    division: str  # the 地区 cell, when the list has that column
    truth: str  # district name, UNKNOWN or OUTSIDE
    level: str


@dataclass(slots=True)
class Notice:
    site: str
    column: str  # scjgj column, city channelid, Hanweb column
    id: str  # 32 hex (Hanweb: digits)
    title: str
    published: date
    role: str  # decision | preliminary | repost | irrelevant
    kind: str | None = None
    level: str | None = None
    fmt: str = "none"  # html | xlsx | xls | docx | pdf | scan | none
    entries: list[ListedEntry] = field(default_factory=list)
    district_column: bool = True
    header: tuple[str, ...] = ()
    attachment_id: str = ""
    attachment_title: str = ""
    subject: str = ""  # what the list is, as the body's first sentence names it
    withdrawn: bool = False  # still listed, but the article answers 404 (`mirror.calendar`)
    root: str = "/szqts"  # scjgj sites: the path its columns live under (region.toml `column_root`)

    @property
    def path(self) -> str:
        d = self.published
        if self.site == HANWEB:
            return f"/art/{d.year}/{d.month}/{d.day}/art_{self.column}_{self.id}.html"
        if self.site == SUZHOU_GOV:
            return f"/szsrmzf/{GOV_CHANNELS[self.column]}/{d:%Y%m}/{self.id}.shtml"
        return f"{self.root}/{self.column}/{d:%Y%m}/{self.id}.shtml"

    @property
    def attachment_ext(self) -> str:
        return "pdf" if self.fmt == "scan" else self.fmt

    @property
    def attachment_href(self) -> str | None:
        if self.fmt in ("none", "html"):
            return None
        name = f"{self.attachment_id}.{self.attachment_ext}"
        if self.site == HANWEB:
            return f"/module/download/downfile.jsp?classid=0&filename={name}"
        return self.path.rsplit(".", 1)[0] + f"/files/{name}"


@dataclass(slots=True)
class Batch:
    """One list: its entries, announced by a decision, maybe a 公示 first, maybe reposted."""

    kind: str
    level: str
    entries: list[ListedEntry]
    decided_on: date | None  # None: only the 公示 is out
    dropped: list[ListedEntry]  # in the 公示, not in the decision
    readable: bool  # False: the decision's only list is a scanned PDF
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class KindSpec:
    levels: tuple[str, ...]
    batches: int
    size: tuple[int, int]
    header: tuple[str, ...]  # (序号, name column, org column, 地区 column) — "" = no such column
    decision: str  # title templates: {year} {n} {level} ({level} = 国家级 / 江苏省 / 苏州市)
    preliminary: str | None


SPECS: dict[str, KindSpec] = {
    "pilot_projects": KindSpec(("国家级", "省级", "市级", "市级"), 5, (4, 7), ("序号", "项目名称", "承担单位", "所属地区"),
                               "关于下达{year}年度{level}标准化试点示范项目的通知", "{year}年度{level}标准化试点示范项目拟立项名单公示"),
    "innovation_awards": KindSpec(("国家级", "省级", "市级"), 3, (3, 5), ("序号", "获奖项目", "主要完成单位", "所属地区"),
                                  "关于公布{year}年度{award}获奖名单的通知", "{year}年度{award}拟授奖名单公示"),
    "innovation_bases": KindSpec(("国家级", "省级"), 3, (1, 3), ("序号", "基地名称", "依托单位", "所在地区"),
                                 "关于公布{year}年{level}技术标准创新基地筹建名单的通知", None),
    "ip_std_pilots": KindSpec(("省级", "市级"), 3, (3, 6), ("序号", "试点项目名称", "申报单位", "所属地区"),
                              "关于公布{year}年度{level}知识产权与标准融合发展试点项目名单的通知",
                              "{year}年度{level}知识产权与标准融合发展试点项目拟入选名单的公示"),
    "quality_stations": KindSpec(("市级",), 3, (3, 5), ("序号", "站点名称", "建设单位", "所在地区"),
                                 "关于公布{year}年度苏州市质量赋能站名单的通知", "{year}年度苏州市质量赋能站拟认定名单公示"),
    "intl_liaison_stations": KindSpec(("市级",), 2, (2, 3), ("序号", "联络站名称", "依托单位", "所在地区"),
                                      "关于同意设立{year}年度国际标准化组织对口技术机构苏州联络站的通知", None),
    "tc_platform_entries": KindSpec(("市级",), 2, (3, 4), ("序号", "技术组织名称", "秘书处承担单位", "所在地区"),
                                    "关于公布第{n}批入驻苏州市新兴产业标准化协作平台技术组织名单的通知", None),
    "innovation_carriers": KindSpec(("市级",), 3, (3, 5), ("序号", "载体名称", "建设单位", "所属地区"),
                                    "关于认定{year}年度苏州市标准化创新载体的通知", "{year}年度苏州市标准化创新载体拟认定名单公示"),
    "service_orgs": KindSpec(("市级",), 2, (3, 5), ("序号", "机构名称", "", "所在地区"),
                             "关于公布{year}年度苏州市标准化服务机构培育名单的通知", None),
    "intl_std_led": KindSpec(("市级",), 2, (2, 4), ("序号", "标准编号", "牵头单位", "所属地区"),
                             "关于公布{year}年度苏州市主导制定国际标准奖励名单的通知", None),
}
_AWARD = {"国家级": "中国标准创新贡献奖", "省级": "江苏省标准创新贡献奖", "市级": "苏州市标准化创新奖"}

IRRELEVANT_TITLES = (
    "关于组织开展{year}年度苏州市标准化试点示范项目申报工作的通知",
    "关于开展{year}年度中国标准创新贡献奖推荐工作的通知",
    "关于公布{year}年度苏州市标准化试点项目验收结果的通知",
    "关于{year}年第{n}批食品安全监督抽检信息的通告",
    "苏州市市场监督管理局{year}年度行政许可事项办理情况公示",
    "关于举办{year}年标准化知识培训班的通知",
    "关于印发《苏州市标准化资助项目管理办法》的通知",
    "关于{year}年度特种设备安全监督检查情况的通报",
    "关于征集{year}年度江苏省地方标准制修订项目的通知",
    "关于做好{year}年度企业标准“领跑者”评估工作的通知",
    "{year}年度产品质量监督抽查结果公告",
    "关于开展{year}年“世界标准日”宣传活动的通知",
)


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


class NoticeCorpus:
    """Every notice, attachment and inbox file of one corpus, and their truth."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.region = region = corpus.region
        self.window_start = corpus.window_start
        self.window_end = corpus.window_end
        # The region's sites (region.toml): its market regulator's scjgj site, its city portal (szinf;
        # a region without one gets the portal's notices on the scjgj site) and the province's Hanweb site.
        self.scjgj = region.site_of("scjgj") or SCJGJ
        self.city_portal = region.site_of("szinf") or self.scjgj
        self.hanweb = region.site_of("hanweb") or HANWEB
        column = region.column_of(self.scjgj)
        self.scjgj_column, self.scjgj_pager = column["key"], column.get("first_page", "nav_list")
        self.scjgj_root = region.site(self.scjgj).get("column_root", "/szqts")
        rng = random.Random(f"stdwatch-notices:{corpus.seed}")
        self._rng = rng
        self._used_keys: set[tuple[str, str, str]] = set()
        self._pools()
        self.batches: list[Batch] = []
        self.notices: list[Notice] = []
        self._fmt_turn = -1  # list formats are dealt in turn (`_FORMATS`)
        for kind, spec in SPECS.items():
            self._make_batches(kind, spec)
        self._make_irrelevant()
        self.notices.sort(key=lambda n: (n.published, n.id), reverse=True)
        self._by_path = {n.path: n for n in self.notices}
        self._by_attachment = {n.attachment_href: n for n in self.notices if n.attachment_href}
        self.inbox = InboxFiles(self)
        self._rendered: dict[str, bytes] = {}
        self.version = 0  # bumped by every change `mirror.calendar` makes; the routes follow it
        self._routes: tuple[int, dict] | None = None

    # -- organisations ------------------------------------------------------------------------
    def _pools(self) -> None:
        orgs = self.corpus.orgs
        self.named = [o for o in orgs if o.scenario == "name_district"]  # the name places them
        self.placed = [o for o in orgs if o.true_district is not None and o.known not in (OUTSIDE, UNKNOWN)]
        self.city_only = [o for o in orgs if o.scenario == "name_city_only"]
        self.outside = [o for o in orgs if o.scenario == "outside_name"
                        and any(o.name.startswith(p) for p in OUTSIDE_DIVISION)]

    def _outside_division(self, org: Org) -> str:
        for prefix in sorted(OUTSIDE_DIVISION, key=len, reverse=True):
            if org.name.startswith(prefix):
                return OUTSIDE_DIVISION[prefix]
        raise ValueError(org.name)

    def _local(self, text: str) -> str:
        """A title or name of the Suzhou templates, written for the corpus's region."""
        return text.replace("苏州", self.region.short)

    def site_and_column(self, rng: random.Random, level: str) -> tuple[str, str]:
        """Where a list of `level` is announced: the province's site for national and provincial
        lists, else the city's scjgj site or its portal (one of its channels)."""
        site = self.hanweb if level in ("国家级", "省级") else rng.choice((self.scjgj, self.scjgj, self.city_portal))
        column = {self.hanweb: HANWEB_COLUMN, self.scjgj: self.scjgj_column}.get(site) or rng.choice(tuple(GOV_CHANNELS))
        return site, column

    def _entry(self, kind: str, level: str, district_column: bool, where: str) -> ListedEntry:
        """A fresh entry: `where` is "in" (a placed organisation of the region), "unknown" (苏州…
        only: the city's name and no district) or "outside"."""
        rng = self._rng
        for _ in range(200):
            if where == "outside":
                org = rng.choice(self.outside)
                division, truth = self._outside_division(org), OUTSIDE
            elif where == "unknown":
                org = rng.choice(self.city_only)
                division, truth = self.region.name, UNKNOWN
            else:
                org = rng.choice(self.placed if district_column else self.named)
                division, truth = org.true_district, org.known
            name = self._entry_name(kind, level, org)
            key = (kind, org.name, name)
            if key not in self._used_keys:
                self._used_keys.add(key)
                return ListedEntry(name, org.name, division, truth, level)
        raise RuntimeError(f"no fresh {kind} entry")

    def _entry_name(self, kind: str, level: str, org: Org) -> str:
        rng = self._rng
        f = rng.choice(FIELDS)
        if kind == "pilot_projects":
            return f"{f}标准化{rng.choice(('试点', '示范'))}项目"
        if kind == "innovation_awards":
            return f"《{f}{rng.choice(('通用技术要求', '服务规范', '评价指南', '术语'))}》系列标准"
        if kind == "innovation_bases":
            prefix = "国家" if level == "国家级" else "江苏省"
            return f"{prefix}技术标准创新基地（{f}）"
        if kind == "ip_std_pilots":
            return f"{f}知识产权与标准融合发展试点"
        if kind == "quality_stations":
            return f"{f}质量{rng.choice(('赋能', '接力'))}站"
        if kind == "intl_liaison_stations":
            return self._local(f"{rng.choice(INTL_BODIES)}苏州联络站")
        if kind == "tc_platform_entries":
            return f"全国{f}标准化技术委员会{rng.choice(_CN_NUMBERS)}分委会"
        if kind == "innovation_carriers":
            return self._local(f"苏州市{f}标准化创新{rng.choice(('中心', '实验室', '服务站'))}")
        if kind == "service_orgs":
            return org.name
        if kind == "intl_std_led":
            return f"ISO {rng.randint(10000, 24999)}:{rng.randint(2022, 2025)}"
        raise ValueError(kind)

    # -- batches and their notices ------------------------------------------------------------
    def _make_batches(self, kind: str, spec: KindSpec) -> None:
        rng = self._rng
        for b in range(spec.batches):
            level = spec.levels[b % len(spec.levels)]
            # the first batch of each kind is announced before the window (not counted)
            if b == 0:
                decided = date(2021, 6, 1) + timedelta(days=rng.randrange(300))
            else:
                decided = date(2022, 10, 1) + timedelta(days=rng.randrange(1150))
            site, column = self.site_and_column(rng, level)
            district_column = not (kind == "pilot_projects" and b == 2) and not (kind == "innovation_carriers" and b == 1)
            n = rng.randint(*spec.size)
            entries = []
            outside = 0 if level == "市级" else (2 if n >= 5 else 1)
            for i in range(n):
                where = "in"
                if i >= n - outside:
                    where = "outside"
                elif district_column and kind in ("pilot_projects", "quality_stations") and i == 0 and b == 1:
                    where = "unknown"
                entries.append(self._entry(kind, level, district_column, where))
            batch = Batch(kind, level, entries, decided, [], readable=True)
            fmt = self._fmt()
            if kind == "quality_stations" and b == 2:
                fmt, batch.readable = "scan", False  # the decision's list is a scan: needs manual entry
            has_prelim = spec.preliminary is not None and batch.readable and (b == 1 or rng.random() < 0.8)
            if has_prelim:
                if b == 1 and kind in ("pilot_projects", "ip_std_pilots", "innovation_carriers"):
                    batch.dropped = [self._entry(kind, level, district_column, "in")]
                prelim_day = decided - timedelta(days=rng.randint(10, 40))
                if kind == "pilot_projects" and b == 1:
                    # the 公示 before the window, its decision inside it: counted at the decision
                    prelim_day = self.window_start - timedelta(days=5)
                    batch.decided_on = decided = self.window_start + timedelta(days=40)
                prelim_entries = [_prelim_variant(e) for e in entries + batch.dropped]
                batch.notices.append(self._notice(batch, site, column, prelim_day, PRELIMINARY, spec,
                                                  prelim_entries, self._fmt(), district_column))
            batch.notices.append(self._notice(batch, site, column, decided, DECISION, spec, entries, fmt, district_column))
            in_region = [e for e in entries if e.truth != OUTSIDE]
            if site == self.hanweb and in_region and rng.random() < 0.6:
                repost_day = decided + timedelta(days=rng.randint(3, 20))
                batch.notices.append(self._notice(batch, self.scjgj, self.scjgj_column, repost_day, "repost", spec,
                                                  in_region, self._fmt(), district_column))
            self.batches.append(batch)
            self.notices.extend(batch.notices)
        if kind in ("pilot_projects", "ip_std_pilots"):
            # a 公示 whose decision is not out yet: its entries are provisional
            level = "市级"
            entries = [self._entry(kind, level, True, "in") for _ in range(3)]
            batch = Batch(kind, level, [], None, entries, readable=True)
            batch.notices.append(self._notice(batch, self.scjgj, self.scjgj_column, date(2025, 12, 12), PRELIMINARY,
                                              spec, entries, "html", True))
            self.batches.append(batch)
            self.notices.extend(batch.notices)

    _FORMATS = ("html", "xlsx", "xls", "docx", "pdf")

    def _fmt(self) -> str:
        self._fmt_turn += 1
        return self._FORMATS[self._fmt_turn % len(self._FORMATS)]

    def _notice(self, batch: Batch, site: str, column: str, day: date, role: str, spec: KindSpec,
                entries: list[ListedEntry], fmt: str, district_column: bool) -> Notice:
        rng = self._rng
        template = spec.preliminary if role == PRELIMINARY else spec.decision
        level_name = _LEVEL_NAME[batch.level]
        title = template.format(year=day.year if role == PRELIMINARY else (batch.decided_on or day).year,
                                level=level_name, n=_CN_NUMBERS[len(self.batches) % 10], award=_AWARD[batch.level])
        if batch.kind == "tc_platform_entries" and len(self.batches) % 2:
            # a title that names no kind: the body does ("…入驻苏州市新兴产业标准化协作平台…")
            subject = self._local(_attachment_title(title))
            title = title.replace("苏州市新兴产业标准化协作平台", "")
        else:
            subject = self._local(_attachment_title(title))
        title = self._local(title)
        if role == "repost":
            sender = "市场监管总局 国家标准委" if batch.level == "国家级" else "江苏省市场监督管理局"
            title = f"转发{sender}{title}"
        header = spec.header if district_column else spec.header[:3]
        return Notice(site, column, self._id(site), title, day, role, batch.kind, batch.level, fmt,
                      list(entries), district_column, header, attachment_id=_hex(rng),
                      attachment_title=_attachment_title(title), subject=subject, root=self.scjgj_root)

    def _id(self, site: str) -> str:
        if site == self.hanweb:
            return str(self._rng.randint(10_000_000, 99_999_999))
        return _hex(self._rng)

    def _make_irrelevant(self) -> None:
        rng = self._rng
        for i in range(45):
            site = (self.scjgj, self.scjgj, self.city_portal, self.hanweb)[i % 4]
            column = {self.hanweb: HANWEB_COLUMN, self.scjgj: self.scjgj_column}.get(site) or tuple(GOV_CHANNELS)[i % 2]
            day = date(2021, 3, 1) + timedelta(days=rng.randrange(1900))
            title = self._local(IRRELEVANT_TITLES[i % len(IRRELEVANT_TITLES)].format(year=day.year, n=rng.randint(1, 30)))
            notice = Notice(site, column, self._id(site), title, day, "irrelevant",
                            fmt="docx" if i % 3 == 0 else "none", attachment_id=_hex(rng),
                            attachment_title="申报书" if "申报" in title else "附件", root=self.scjgj_root)
            if notice.fmt == "docx":
                # an application form: a table with organisation columns, in a notice that is no list
                notice.header = ("序号", "单位名称", "联系人", "联系电话")
                notice.entries = [ListedEntry("", rng.choice(self.placed).name, "", OUTSIDE, "") for _ in range(2)]
            self.notices.append(notice)

    # -- changes (`mirror.calendar`) ---------------------------------------------------------------
    def publish(self, batch: Batch | None, *notices: Notice) -> None:
        """Put new notices up (of `batch`, new or already known; None: notices no list comes with)."""
        if batch is not None and batch not in self.batches:
            self.batches.append(batch)
        self.notices.extend(notices)
        self._changed()

    def withdraw(self, notice: Notice) -> None:
        """Take an article down: off its column's list, and its page answers 404."""
        self.notices.remove(notice)
        self._changed()

    def _changed(self) -> None:
        self.notices.sort(key=lambda n: (n.published, n.id), reverse=True)
        self._by_path = {n.path: n for n in self.notices}
        self._by_attachment = {n.attachment_href: n for n in self.notices if n.attachment_href}
        self.version += 1

    # -- HTTP -----------------------------------------------------------------------------------
    def column_notices(self, site: str, column: str) -> list[Notice]:
        return [n for n in self.notices if n.site == site and n.column == column]

    def routes(self, first_suffix: int = 2) -> dict[str, dict[str, Callable[[Request], Response]]]:
        """site → path → handler; a handler answers 404 for a page that does not exist.
        `first_suffix`: the suffix of 通知公告's page 2 (`mirror.variants.Variants.scjgj_first_suffix`)."""
        scjgj: dict[str, Callable[[Request], Response]] = {}
        items = self.column_notices(self.scjgj, self.scjgj_column)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        # 通知公告 is `nav_xwtz`, paged `nav_xwtz_<n>` [C: evidence/scjgj.suzhou.gov.cn/EVIDENCE.md,
        # portals.md §6.2]; page 2's suffix, `_2` (the crawlers') or `_1` (the TRS pager's), is [C1].
        # Another region's column is named as its region.toml says (Wuxi's: `index`, `index_2`, …).
        pager = self.scjgj_pager
        for page in range(1, pages + 1):
            name = pager if page == 1 else f"{pager}_{page - 2 + first_suffix}"
            scjgj[f"{self.scjgj_root}/{self.scjgj_column}/{name}.shtml"] = \
                lambda request, page=page: self._scjgj_list(page, pages)
        gov: dict[str, Callable[[Request], Response]] = {"/szinf/info/getInfoCommon/": self._gov_list}
        hanweb: dict[str, Callable[[Request], Response]] = {
            f"/col/col{HANWEB_COLUMN}/index.html": lambda request: self._hanweb_column(),
            "/module/web/jpage/dataproxy.jsp": self._hanweb_dataproxy,
            "/module/download/downfile.jsp": self._hanweb_download,
        }
        by_site = {self.scjgj: scjgj, self.hanweb: hanweb}
        if self.city_portal != self.scjgj:
            by_site[self.city_portal] = gov
        for notice in self.notices:
            if notice.withdrawn:
                continue
            by_site[notice.site][notice.path] = lambda request, n=notice: _page(self.article_html(n))
            href = notice.attachment_href
            if href and notice.site != self.hanweb:
                by_site[notice.site][href] = lambda request, n=notice: self._attachment(n)
        return by_site

    def _scjgj_list(self, page: int, pages: int) -> Response:
        items = self.column_notices(self.scjgj, self.scjgj_column)[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        regulator = self.region.regulator
        lis = "\n".join(
            f'<li><a href="{n.path}" target="_blank" title="{escape(n.title)}">{escape(n.title)}</a>'
            f"<span>{n.published.isoformat()}</span></li>" for n in items)
        return _page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告-{regulator}</title></head>
<body><div class="header"><div class="logo">{regulator}</div></div>
<div class="main"><div class="lm-title"><span>通知公告</span></div>
<div class="cont mt10"><ul>
{lis}
</ul></div>
<div class="page" id="page"><script type="text/javascript">createPageHTML({pages}, {page - 1}, "{self.scjgj_pager}", "shtml");</script></div>
</div><div class="footer">主办：{regulator}</div></body></html>""")

    def _gov_list(self, request: Request) -> Response:
        channel = request.query.get("channelid", "")
        try:
            size = max(1, min(50, int(request.query.get("pagesize") or 15)))
            page = max(1, int(request.query.get("currpage") or 1))
        except ValueError:
            return Response(400, b'{"error":"bad paging"}', "application/json;charset=UTF-8")
        items = self.column_notices(self.city_portal, channel)[(page - 1) * size: page * size]
        payload = {"infolist": [{"title": n.title, "link": n.path, "pubtime": f"{n.published.isoformat()} 09:30:00"}
                                for n in items]}
        return Response(200, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")

    def _hanweb_record(self, n: Notice) -> str:
        return (f'<record><![CDATA[<li><a href="{n.path}" title="{escape(n.title)}" target="_blank">{escape(n.title)}</a>'
                f"<span>{n.published.isoformat()}</span></li>]]></record>")

    def _hanweb_column(self) -> Response:
        items = self.column_notices(self.hanweb, HANWEB_COLUMN)
        records = "\n".join(self._hanweb_record(n) for n in items[:PAGE_SIZE])
        nextgroup = (f"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={HANWEB_WEBID}&path=/&columnid={HANWEB_COLUMN}"
                     f"&unitid={HANWEB_UNIT}&webname={quote(HANWEB_WEBNAME)}&permissiontype=0")
        return _page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告 江苏省市场监督管理局</title>
<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script></head>
<body><div class="bt-list"><div class="title">通知公告</div>
<div id="{HANWEB_UNIT}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>
<recordset>
{records}
</recordset></datastore></script></div>
<script type="text/javascript">$(function(){{$('#{HANWEB_UNIT}').jpage({{dataStore: dataStore, totalRecord: {len(items)}, perPage: {PAGE_SIZE}, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp', barPosition: 'bottom', ajaxParam: {{col: 1, appid: 1, webid: {HANWEB_WEBID}, path: '/', columnid: {HANWEB_COLUMN}, sourceContentType: 1, unitid: {HANWEB_UNIT}, webname: '{HANWEB_WEBNAME}', permissiontype: 0}}}});}});</script>
</div></body></html>""")

    def _hanweb_dataproxy(self, request: Request) -> Response:
        form = {k: v[-1] for k, v in request.form().items()} if request.method == "POST" else dict(request.query)
        try:
            start = int(request.query.get("startrecord") or 1)
            end = int(request.query.get("endrecord") or start + PAGE_SIZE - 1)
            per_page = int(request.query.get("perpage") or PAGE_SIZE)
        except ValueError:
            return Response(400, b"<error>bad paging</error>", "text/xml;charset=UTF-8")
        if form.get("columnid") != HANWEB_COLUMN or form.get("unitid") != HANWEB_UNIT or form.get("webid") != HANWEB_WEBID:
            body = "<datastore><totalrecord>0</totalrecord><totalpage>0</totalpage><recordset></recordset></datastore>"
            return Response(200, body.encode("utf-8"), "text/xml;charset=UTF-8")
        items = self.column_notices(self.hanweb, HANWEB_COLUMN)
        chosen = items[max(0, start - 1): max(0, end)]
        total_pages = -(-len(items) // max(1, per_page))
        body = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(items)}</totalrecord>'
                f"<totalpage>{total_pages}</totalpage><recordset>"
                + "".join(self._hanweb_record(n) for n in chosen) + "</recordset></datastore>")
        return Response(200, body.encode("utf-8"), "text/xml;charset=UTF-8")

    def _hanweb_download(self, request: Request) -> Response:
        href = f"/module/download/downfile.jsp?classid=0&filename={request.query.get('filename', '')}"
        notice = self._by_attachment.get(href)
        if notice is None:
            return Response(404, b"<html><body>404</body></html>", _HTML)
        return self._attachment(notice)

    def _attachment(self, notice: Notice) -> Response:
        return Response(200, self.attachment_bytes(notice), _CONTENT_TYPES[notice.fmt],
                        {"Content-Disposition": f"attachment; filename={notice.attachment_id}.{notice.attachment_ext}"})

    # -- rendering ------------------------------------------------------------------------------
    def table_rows(self, notice: Notice) -> list[list[str]]:
        rows = [list(notice.header)]
        columns = [i for i, h in enumerate(notice.header) if h]
        for number, entry in enumerate(notice.entries, start=1):
            cells = {0: str(number), 1: entry.name, 2: entry.org, 3: entry.division}
            if notice.role == "irrelevant":
                cells = {0: str(number), 1: entry.org, 2: "", 3: ""}
            rows.append([cells[i] if i in columns else "" for i in range(len(notice.header))])
        if notice.kind == "service_orgs":  # no organisation column: the institution is the name
            rows = [[cell for i, cell in enumerate(row) if i != 2] for row in rows]
        return rows

    def article_html(self, notice: Notice) -> str:
        body = self._body(notice)
        d = notice.published
        title = escape(notice.title)
        city, regulator = self.region.name, self.region.regulator
        if notice.site == SUZHOU_GOV:
            return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="SiteName" content="{city}人民政府">
<meta name="ColumnName" content="{'政务公告' if GOV_CHANNELS[notice.column] == 'zwgg' else '部门动态'}">
<meta name="PubDate" content="{d.isoformat()} 09:30:00"><title>{title}_{city}人民政府</title></head>
<body><div class="article-box"><ucaptitle>{title}</ucaptitle>
<div class="info"><span class="ly">来源：<b>{regulator}</b></span><span>发布时间：{d.isoformat()}</span></div>
<div class="article-content"><ucapcontent>{body}</ucapcontent></div>
<div class="share">扫一扫在手机打开当前页</div></div></body></html>"""
        if notice.site == self.hanweb:
            return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="SiteName" content="江苏省市场监督管理局">
<meta name="ColumnName" content="通知公告"><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{d.isoformat()} 10:00"><meta name="ContentSource" content="江苏省市场监督管理局">
<title>{title}</title></head>
<body><div class="main"><div class="main-title">{title}</div>
<div class="main-info">发布日期：{d.isoformat()}　信息来源：江苏省市场监督管理局</div>
<div class="main-txt" id="zoom">{body}</div></div></body></html>"""
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{d.isoformat()} 09:00"><meta name="ContentSource" content="{regulator}">
<title>{title}</title></head>
<body><div class="article"><h1 class="title">{title}</h1>
<div class="info"><span>发布日期：{d.isoformat()}</span><span>来源：{regulator}</span></div>
<div id="zoom">{body}</div></div></body></html>"""

    def _body(self, notice: Notice) -> str:
        if notice.role == "irrelevant":
            text = "<p>各有关单位：</p><p>根据工作安排，现将有关事项通知如下。请各单位认真做好相关工作。</p>"
        elif notice.role == PRELIMINARY:
            text = (f"<p>根据有关规定，经组织评审，现将{escape(notice.subject)}予以公示。公示期为7个工作日，"
                    "如有异议，请于公示期内向我局反映。</p>")
        else:
            text = (f"<p>各有关单位：</p><p>经组织评审和公示，现将{escape(notice.subject)}予以公布（见附件）。"
                    "请各单位认真组织实施。</p>")
        if notice.fmt == "html":
            rows = self.table_rows(notice)
            head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
            trs = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
            text += f'<table border="1" cellspacing="0"><tbody><tr>{head}</tr>{trs}</tbody></table>'
        href = notice.attachment_href
        if href:
            text += (f'<p>附件：<a href="{escape(href)}" target="_blank">{escape(notice.attachment_title)}.'
                     f"{notice.attachment_ext}</a></p>")
        return text + f'<p style="text-align:right">{notice.published.year}年{notice.published.month}月{notice.published.day}日</p>'

    def attachment_bytes(self, notice: Notice) -> bytes:
        key = notice.attachment_id
        if key not in self._rendered:
            rows = self.table_rows(notice)
            title = f"附件：{notice.attachment_title}"
            self._rendered[key] = {
                "xlsx": _xlsx, "xls": _xls, "docx": _docx, "pdf": _pdf, "scan": _scan,
            }[notice.fmt](title, rows)
        return self._rendered[key]


def _attachment_title(title: str) -> str:
    core = title.removeprefix("关于").removesuffix("的通知").removesuffix("的公示").removesuffix("公示")
    return core if core.endswith("名单") else core + "名单"


def _prelim_variant(entry: ListedEntry) -> ListedEntry:
    """The 公示 prints brackets full-width where the decision prints them ASCII, or the reverse."""
    name = entry.name.replace("（", "(").replace("）", ")") if "（" in entry.name else entry.name.replace("(", "（").replace(")", "）")
    return ListedEntry(name, entry.org, entry.division, entry.truth, entry.level)


def _page(html: str) -> Response:
    return Response(200, html.encode("utf-8"), _HTML)


# -- attachment formats -----------------------------------------------------------------------


def _xlsx(title: str, rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append([title])
    for row in rows:
        sheet.append([int(c) if c.isdigit() and len(c) < 4 else c for c in row])
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip_times(out.getvalue())


def _xls(title: str, rows: list[list[str]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, max(1, len(rows[0]) - 1), title)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            sheet.write(r, c, float(cell) if cell.isdigit() and len(cell) < 4 else cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx(title: str, rows: list[list[str]]) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _pdf(title: str, rows: list[list[str]]) -> bytes:
    """A text PDF: the list drawn as text at fixed column positions (what a Word export looks like)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    font = _cid_font()
    page.setFont(font, 12)
    page.drawString(40, 800, title)
    page.setFont(font, 9)
    widths = _pdf_widths(rows)
    y = 770
    for row in rows:
        x = 40
        for cell, width in zip(row, widths):
            page.drawString(x, y, cell)
            x += width
        y -= 18
    page.save()
    return out.getvalue()


def _pdf_widths(rows: list[list[str]]) -> list[float]:
    columns = max(len(r) for r in rows)
    return [max(9 * 1.05 * max((len(r[i]) for r in rows if i < len(r)), default=2) + 20, 40) for i in range(columns)]


def _scan(title: str, rows: list[list[str]]) -> bytes:
    """A scanned list: one grey raster image per page, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (620, 300), 235)
    draw = ImageDraw.Draw(image)
    for r in range(len(rows) + 1):
        draw.line((20, 20 + r * 30, 600, 20 + r * 30), fill=60, width=2)
        for c in range(4):
            draw.rectangle((30 + c * 140, 28 + r * 30, 30 + c * 140 + 90 - (r * 7 + c * 13) % 40, 40 + r * 30), fill=90)
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawImage(ImageReader(image), 30, 400, width=540, height=260)
    page.save()
    return out.getvalue()


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed member times, so a file is byte-identical whenever it is made."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _strip_core_times(payload)
            target.writestr(fixed, payload)
    return out.getvalue()


def _strip_core_times(xml: bytes) -> bytes:
    import re

    return re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", xml)


# -- the analysts' inbox files ------------------------------------------------------------------

INBOX_HEADERS = {
    "enterprise_std": ("标准编号", "标准名称", "企业名称", "统一社会信用代码", "行政区划", "公开日期"),
    "rates": ("指标", "区县", "年度", "分子", "分母", "备注"),
    "experts": ("姓名", "工作单位", "技术组织", "类别", "区县", "聘任日期"),
    "intl_std_led": ("国际标准编号", "标准名称", "牵头单位", "区县", "发布日期", "国际组织"),
    "liaison_stations": ("联络站名称", "对口国际组织", "依托单位", "区县", "设立日期"),
    "org_register": ("机构名称", "统一社会信用代码", "地址", "行政区划"),
}
INBOX_FILES = {
    "enterprise_std": "企业标准自我声明公开导出.xlsx",
    "rates": "比率填报.xlsx",
    "experts": "标准化专家和委员.xlsx",
    "intl_std_led": "主导制定国际标准.xlsx",
    "liaison_stations": "国际对口技术机构联络站.xlsx",
    "org_register": "机构信息对照.xlsx",
}
RATE_LABELS = {"std_research_rate": "科技计划项目形成标准研究成果比率", "std_director_coverage": "规上企业标准总监覆盖率"}


@dataclass(slots=True)
class InboxRow:
    cells: tuple[object, ...]
    reject: str | None = None  # the reason key the product must give, None for a good row
    truth: dict = field(default_factory=dict)  # what a good row counts for


class InboxFiles:
    """The files the demo ships into the inbox, row by row with what each must come to."""

    def __init__(self, nc: NoticeCorpus) -> None:
        self.nc = nc
        self.region = nc.region
        rng = random.Random(f"stdwatch-inbox:{nc.corpus.seed}")
        self.rng = rng
        taken = {o.name for o in nc.corpus.orgs}
        self._names = taken
        self.rows: dict[str, list[InboxRow]] = {
            "enterprise_std": self._enterprise(),
            "rates": self._rates(),
            "experts": self._experts(),
            "intl_std_led": self._counted_kind("intl_std_led"),
            "liaison_stations": self._counted_kind("intl_liaison_stations"),
            "org_register": self._register(),
        }

    def _fresh_name(self) -> str:
        rng = self.rng
        for _ in range(500):
            name = rng.choice(self.region.brands) + rng.choice(vocab.INDUSTRIES) + rng.choice(vocab.COMPANY_SUFFIXES)
            if name not in self._names and not any(tok in name for tok in self.region.cue_tokens):
                self._names.add(name)
                return name
        raise RuntimeError("no fresh enterprise name")

    def _day(self, lo: date = date(2022, 9, 1), hi: date = date(2025, 12, 20)) -> date:
        return lo + timedelta(days=self.rng.randrange((hi - lo).days))

    def _district(self, i: int) -> str:
        """The region's i-th district (wrapping): the rejected rows' otherwise well-formed district
        (Suzhou's 吴中区 2, 相城区 3, 吴江区 4, 常熟市 6, 昆山市 8, 太仓市 9)."""
        districts = self.region.districts
        return districts[i % len(districts)]

    def _no_district(self) -> str:
        """A place in the city that names no district (苏州新区; 无锡新区 is 新吴区's, so 无锡东区)."""
        known = {a for al in self.region.district_aliases.values() for a in al}
        return next(f"{self.region.short}{zone}" for zone in ("新区", "东区", "北区") if f"{self.region.short}{zone}" not in known)

    def _enterprise(self) -> list[InboxRow]:
        rng, region = self.rng, self.region
        rows: list[InboxRow] = []
        numbers: set[str] = set()
        for i in range(36):
            district = rng.choice(region.districts)
            name = self._fresh_name()
            code_district = region.current_code.get(district) or next(
                code for code, today in region.historical_code.items() if today == district)
            code = uscc.make(rng, code_district)
            abbrev = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4))
            day = self._day(date(2021, 1, 10)) if i % 9 == 0 else self._day()
            std_no = f"Q/{abbrev} {rng.randint(1, 99):03d}-{day.year}"
            while std_no in numbers:
                std_no = f"Q/{abbrev} {rng.randint(100, 999):03d}-{day.year}"
            numbers.add(std_no)
            how = i % 4  # how the district is given: name, code, blank (credit code decides), alias
            division = {0: district, 1: region.current_code.get(district, district), 2: "", 3: district}[how]
            if how == 1 and district not in region.current_code:
                division = district
            truth_district = district
            product = rng.choice(("精密轴承", "电动工具", "智能照明灯具", "医用口罩", "光伏组件", "不锈钢管件"))
            cells = (std_no, f"{product}企业标准", name, code, division, day.isoformat())
            counted = (self.nc.window_start is None or day >= self.nc.window_start) and \
                (self.nc.window_end is None or day <= self.nc.window_end)
            rows.append(InboxRow(cells, truth={"district": truth_district, "year": day.year, "counted": counted,
                                               "std_no": std_no, "org": name}))
        good = [r for r in rows if r.truth["counted"]]
        bad = [
            (("Q/BADX 001-2024", "错误信用代码的企业标准", self._fresh_name(), good[0].cells[3][:-1] + ("0" if good[0].cells[3][-1] != "0" else "1"),
              self._district(8), "2024-03-02"), "bad_uscc"),
            (("Q/BADD 002-2024", "未知区县的企业标准", self._fresh_name(), "", "浦东新区", "2024-04-11"), "unknown_district"),
            (("Q/BADT 003-2024", "日期超范围的企业标准", self._fresh_name(), "", self._district(9), "2035-01-01"),
             "date_out_of_range"),
            (("", "缺标准编号的企业标准", self._fresh_name(), "", self._district(6), "2024-05-05"), "missing_field"),
            (("QB/ 12", "编号不合规的企业标准", self._fresh_name(), "", self._district(6), "2024-05-06"), "bad_std_no"),
            (good[1].cells, "duplicate_row"),
            (("Q/BADE 004-2024", "日期不合法的企业标准", self._fresh_name(), "", self._district(4), "2024-02-30"), "bad_date"),
        ]
        for position, (cells, reason) in zip((3, 8, 14, 19, 25, 30, 33), bad):
            rows.insert(position, InboxRow(cells, reject=reason))
        return rows

    def _rates(self) -> list[InboxRow]:
        rng = self.rng
        rows = []
        for indicator, label in RATE_LABELS.items():
            for year in (2023, 2024, 2025):
                for district in self.region.districts:
                    denominator = rng.randint(40, 400)
                    numerator = rng.randint(denominator // 5, denominator * 7 // 10)
                    name = label if (year + len(district)) % 2 else indicator
                    rows.append(InboxRow((name, district, year, numerator, denominator, ""),
                                         truth={"indicator": indicator, "district": district, "year": year,
                                                "numerator": numerator, "denominator": denominator}))
        bad = [
            (("规上企业标准总监覆盖率", self._district(8), 2024, 120, 80, "分子大于分母"), "numerator_exceeds_denominator"),
            (("规上企业标准总监覆盖率", self._district(9), 2024, 10, 0, ""), "bad_number"),
            (("科技计划项目形成标准研究成果比率", self._no_district(), 2024, 10, 40, ""), "unknown_district"),
            (("科技计划项目形成标准研究成果比率", self._district(2), 2024, "约30", 40, ""), "bad_number"),
            (("研发投入强度", self._district(2), 2024, 3, 100, ""), "unknown_indicator"),
            (("规上企业标准总监覆盖率", self._district(3), 2031, 10, 40, ""), "date_out_of_range"),
        ]
        for position, (cells, reason) in zip((5, 17, 33, 41, 50, 58), bad):
            rows.insert(position, InboxRow(cells, reject=reason))
        return rows

    def _experts(self) -> list[InboxRow]:
        rng = self.rng
        rows = []
        pool = self.nc.placed
        people: set[str] = set()
        for i in range(24):
            org = rng.choice(pool)
            while True:
                person = rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
                if person not in people:
                    people.add(person)
                    break
            international = i % 3 == 0
            committee = (f"{rng.choice(INTL_BODIES).split()[0]}" if international
                         else f"全国{rng.choice(FIELDS)}标准化技术委员会")
            day = self._day(date(2021, 5, 1)) if i % 8 == 0 else self._day()
            counted = day >= self.nc.window_start and (self.nc.window_end is None or day <= self.nc.window_end)
            rows.append(InboxRow((person, org.name, committee, "国际标准化组织注册专家" if international else "国内技术委员会委员",
                                  org.true_district, day.isoformat()),
                                 truth={"district": org.known, "year": day.year, "counted": counted, "org": org.name}))
        bad = [
            (("赵某", "", "全国智能制造标准化技术委员会", "国内技术委员会委员", self._district(8), "2024-06-01"),
             "missing_field"),
            (("钱某", rng.choice(pool).name, "ISO/TC 299", "国际标准化组织注册专家", self._district(4), "2024年13月5日"),
             "bad_date"),
            (rows[2].cells, "duplicate_row"),
        ]
        for position, (cells, reason) in zip((4, 11, 20), bad):
            rows.insert(position, InboxRow(cells, reject=reason))
        return rows

    def _counted_kind(self, kind: str) -> list[InboxRow]:
        """Rows of a kind also announced in notices; one repeats an announced entry (counts once)."""
        rng = self.rng
        rows = []
        announced = [(b, e) for b in self.nc.batches if b.kind == kind and b.readable and b.decided_on
                     and b.decided_on >= self.nc.window_start for e in b.entries if e.truth != OUTSIDE]
        for i in range(6):
            org = rng.choice(self.nc.placed)
            day = self._day()
            counted = self.nc.window_end is None or day <= self.nc.window_end
            if kind == "intl_std_led":
                name = f"ISO {rng.randint(25000, 29999)}:{day.year}"
                cells = (name, "Smart manufacturing — Part 1: Vocabulary", org.name, org.true_district, day.isoformat(), "ISO")
            else:
                name = f"{rng.choice(INTL_BODIES)}{self.region.short}{rng.choice(self.region.liaison_places)}联络站"
                cells = (name, rng.choice(INTL_BODIES).split()[0], org.name, org.true_district, day.isoformat())
            rows.append(InboxRow(cells, truth={"district": org.known, "year": day.year, "counted": counted,
                                               "name": name, "org": org.name}))
        if announced:
            batch, entry = announced[0]
            day = batch.decided_on + timedelta(days=30)
            if kind == "intl_std_led":
                cells = (entry.name, "Already announced", entry.org, "", day.isoformat(), "ISO")
            else:
                cells = (entry.name, "ISO", entry.org, "", day.isoformat())
            rows.append(InboxRow(cells, truth={"duplicate_of_notice": True, "name": entry.name, "org": entry.org}))
        bad_day = "2024-02-31"
        if kind == "intl_std_led":
            rows.insert(2, InboxRow(("ISO 30001:2024", "Bad date", rng.choice(self.nc.placed).name, "", bad_day, "ISO"),
                                    reject="bad_date"))
        else:
            rows.insert(2, InboxRow(("某联络站", "ISO", "", "", "2024-05-05"), reject="missing_field"))
        return rows

    def _register(self) -> list[InboxRow]:
        rng = self.rng
        rows = []
        for org in rng.sample(self.nc.placed, 8):
            rows.append(InboxRow((org.name, "", "", org.true_district)))
        bad_code = uscc.make(rng, self.region.current_code[self._district(8)])
        bad_code = bad_code[:-1] + ("0" if bad_code[-1] != "0" else "1")
        rows.insert(3, InboxRow((self._fresh_name(), bad_code, "", ""), reject="bad_uscc"))
        region = self.region
        rows.insert(6, InboxRow(("", "", f"{region.province}{region.name}{self._district(2)}东吴北路1号", ""),
                                reject="missing_field"))
        return rows


def write_inbox_files(nc: NoticeCorpus, out_dir: str | Path) -> list[Path]:
    """The inbox files the demo ships (one xlsx per kind), byte-identical for a corpus."""
    from openpyxl import Workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, rows in nc.inbox.rows.items():
        book = Workbook()
        sheet = book.active
        sheet.title = kind
        sheet.append(list(INBOX_HEADERS[kind]))
        for row in rows:
            sheet.append(list(row.cells))
        buffer = io.BytesIO()
        book.save(buffer)
        path = out / INBOX_FILES[kind]
        path.write_bytes(_fixed_zip_times(buffer.getvalue()))
        paths.append(path)
    return paths


# -- truth --------------------------------------------------------------------------------------


def _in_window(nc: NoticeCorpus, day: date) -> bool:
    return day >= nc.window_start and (nc.window_end is None or day <= nc.window_end)


def notice_truth(nc: NoticeCorpus) -> dict:
    """What the product must arrive at from the notices and the inbox files.

    `indicators[<id>]`: `city` (counted, in the region), `by_district` (district name or
    区县未知 → n) and `by_district_year` ([district, year, n]); every entry counted once, at its
    earliest decision, if that is in the window and the organisation is in the region.
    `rates[<id>]`: per year, the city (Σ numerators / Σ denominators × 100) and each district.
    `provisional`: entries seen only in a 公示. `needs_manual_entry`: notices whose list is a scan.
    `inbox_rejects`: file → [{row, reason}] (row = spreadsheet row number, header = 1).
    """
    counted: dict[str, Counter] = defaultdict(Counter)
    provisional = []
    manual = []
    for batch in nc.batches:
        if not batch.readable:
            decision = next(n for n in batch.notices if n.role == DECISION)
            manual.append({"title": decision.title, "site": decision.site, "path": decision.path,
                           "indicator_id": batch.kind, "entries": len(batch.entries)})
            continue
        if batch.decided_on is not None:
            for entry in batch.entries:
                if entry.truth != OUTSIDE and _in_window(nc, batch.decided_on):
                    counted[batch.kind][(entry.truth, batch.decided_on.year)] += 1
        for entry in batch.dropped:
            prelim = next(n for n in batch.notices if n.role == PRELIMINARY)
            if entry.truth != OUTSIDE and _in_window(nc, prelim.published):
                provisional.append({"indicator_id": batch.kind, "name": entry.name, "org": entry.org,
                                    "district": entry.truth, "announced_on": prelim.published.isoformat()})
    kinds = {"intl_std_led": "intl_std_led", "liaison_stations": "intl_liaison_stations", "experts": "experts",
             "enterprise_std": "enterprise_std"}
    rejects: dict[str, list[dict]] = {}
    rates: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
    for kind, rows in nc.inbox.rows.items():
        file_rejects = []
        for number, row in enumerate(rows, start=2):
            if row.reject:
                file_rejects.append({"row": number, "reason": row.reject})
                continue
            truth = row.truth
            if kind in kinds and truth.get("counted") and truth["district"] != OUTSIDE:
                counted[kinds[kind]][(truth["district"], truth["year"])] += 1
            if kind == "rates":
                rates[truth["indicator"]][truth["year"]][truth["district"]] = (truth["numerator"], truth["denominator"])
        rejects[INBOX_FILES[kind]] = file_rejects
    indicators = {}
    for kind in (*SPECS, "experts", "enterprise_std"):
        cells = counted.get(kind, Counter())
        by_district: Counter = Counter()
        for (district, _), n in cells.items():
            by_district[district] += n
        indicators[kind] = {
            "city": sum(cells.values()),
            "by_district": dict(sorted(by_district.items())),
            "by_district_year": sorted([d, y, n] for (d, y), n in cells.items()),
        }
    rate_truth = {}
    for indicator, years in rates.items():
        rate_truth[indicator] = {}
        for year, districts in sorted(years.items()):
            num = sum(n for n, _ in districts.values())
            den = sum(d for _, d in districts.values())
            rate_truth[indicator][str(year)] = {
                "city": round(100 * num / den, 4),
                "by_district": {d: round(100 * n / dd, 4) for d, (n, dd) in sorted(districts.items())},
                "numerator": num, "denominator": den,
            }
    return {
        "seed": nc.corpus.seed,
        "window_start": nc.window_start.isoformat(),
        "window_end": nc.window_end.isoformat() if nc.window_end else None,
        "indicators": indicators,
        "rates": rate_truth,
        "provisional": provisional,
        "needs_manual_entry": manual,
        "inbox_rejects": rejects,
        "notices": {"total": len(nc.notices), "by_role": dict(Counter(n.role for n in nc.notices)),
                    "by_format": dict(Counter(n.fmt for n in nc.notices if n.role != "irrelevant"))},
    }


def write_notice_truth(nc: NoticeCorpus, out_dir: str | Path) -> Path:
    path = Path(out_dir) / "notices_ground_truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notice_truth(nc), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


# -- what the cluster routes ----------------------------------------------------------------------

_CACHE: dict[tuple, NoticeCorpus] = {}


def notice_corpus(corpus: Corpus) -> NoticeCorpus:
    """The notices of `corpus`: built once per region, seed, size and window — or the corpus's own,
    once `mirror.calendar` publishes day by day (`corpus.notices`)."""
    own = corpus.__dict__.get("notices")
    if own is not None:
        return own
    key = (corpus.region.code, corpus.seed, corpus.n, corpus.window_start, corpus.window_end)
    if key not in _CACHE:
        _CACHE[key] = NoticeCorpus(corpus)
    return _CACHE[key]


def notice_routes(corpus: Corpus) -> dict[str, dict[str, Callable[[Request], Response]]]:
    """site (`scjgj_suzhou`, `suzhou_gov`, `scjgj_jiangsu`) → path → handler(Request) → Response,
    as the notices stand now (built again after `mirror.calendar` changed them)."""
    nc = notice_corpus(corpus)  # shared by corpora of one seed and size, whatever their variants
    key = (nc.version, corpus.variants.scjgj_first_suffix)
    if nc._routes is None or nc._routes[0] != key:
        nc._routes = (key, nc.routes(first_suffix=corpus.variants.scjgj_first_suffix))
    return nc._routes[1]


class NoticeSite:
    """One site's notice routes as a mirror app (`handle(request) -> Response`); 404 elsewhere.
    `ScjgjSuzhouApp(corpus)` and `ScjgjJiangsuApp(corpus)` are the two sites that serve nothing
    else; the city portal's routes join the `suzhou_gov` app (`notice_routes(corpus)["suzhou_gov"]`)."""

    site = ""

    def __init__(self, corpus: Corpus, site: str | None = None) -> None:
        self.site = site or self.site
        self.corpus = corpus

    @property
    def routes(self) -> dict[str, Callable[[Request], Response]]:
        return notice_routes(self.corpus)[self.site]

    def handle(self, request: Request) -> Response:
        handler = self.routes.get(request.path)
        if handler is None:
            return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", _HTML)
        return handler(request)


class ScjgjSuzhouApp(NoticeSite):
    site = SCJGJ


class ScjgjJiangsuApp(NoticeSite):
    site = HANWEB


def notice_apps(corpus: Corpus) -> dict[str, NoticeSite]:
    """All three sites as standalone apps (tests; the cluster routes them into its own sites)."""
    return {site: NoticeSite(corpus, site) for site in SITES}
