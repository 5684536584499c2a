"""The corpus beyond std.samr: local, group and enterprise standards, hbba listings, committees, openstd.

`populate(corpus)` runs at the end of `Corpus.__init__`. It draws from its own seeded
generators (one per registry), after the std.samr part is built, so the std.samr
corpus of a (seed, size) is the same as before these registries existed. It adds:

- organisations (appended to `corpus.orgs`, every one with one of the existing
  evidence scenarios, so `Org.known` keeps its meaning): Jiangsu organisations
  outside the region (南京/无锡/常州… names, or register rows placing them there),
  associations (ttbz publishers), enterprises (qybz declarers, each with a valid
  统一社会信用代码 and a 行政区划), committee secretariat units (placed by the address
  their committee page prints, or by name);
- `corpus.local` — local standards (dbba): DB32/T, DB3205/T, other Jiangsu cities'
  DB32xx/T, other provinces' DBs;
- `corpus.hbba_only` — industry standards listed on hbba but not on std.samr; most
  std.samr industry standards are listed on hbba too (`hbba_view`);
- `corpus.associations`, `corpus.group` — ttbz associations and group standards;
- `corpus.enterprises`, `corpus.enterprise` — qybz declarers and enterprise standards;
  `corpus.qybz_home()` the latest 100 disclosures (all the homepage shows);
- `corpus.committees` — TC/SC/WG of the std.samr committee directory;
- `corpus.openstd_status` — std.samr ids whose openstd status differs (status conflicts);
- `corpus.plan_url_path` / `corpus.plan_issue_date` — the plan article on www.suzhou.gov.cn.

What counts, and for which district, is decided in `mirror.truth` from how these were
built (`Record.drafters`, the lead's `Org.known`…), never by reading pages back.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from mirror import vocab
from mirror.render import facts
from mirror.corpus import (
    _DAY0, AS_OF, FIRST_ISSUE, INDUSTRY, LAST_ISSUE, NATIONAL, OUTSIDE, SIZES, SPLIT, UNKNOWN, Clock, Corpus, Org,
    RegisterRow, Standard, _OrgFactory, title,
)

LOCAL, GROUP, ENTERPRISE, HBBA_ONLY = "local", "group", "enterprise", "industry"
QYBZ_HOME_ROWS = 100
PLAN_URL_PATH = "/szsrmzf/zfwj/202208/6f0a2c1e8b9d4e37a5c2d1f08e7b6a94.shtml"
PLAN_ISSUE_DATE = date(2022, 8, 21)

# How 起草单位 appears on a detail page (hbba/dbba `stdDetail`, ttbz `editorUnit`).
PUBLISHED, SECTION_ABSENT, SECTION_EMPTY = 0, 1, 2

_HB_MINISTRY = {  # hbba `ministry` code of each industry prefix's department (samples/…/ministry-codes.csv)
    "JT/T": ("jtysb", "交通运输部"), "QB/T": ("gxb", "工业和信息化部"), "YY/T": ("yjj", "国家药监局"),
    "HG/T": ("gxb", "工业和信息化部"), "SJ/T": ("gxb", "工业和信息化部"), "JB/T": ("gxb", "工业和信息化部"),
    "NY/T": ("ncnyb", "农业农村部"), "YD/T": ("gxb", "工业和信息化部"), "GA/T": ("gab", "公安部"),
    "CY/T": ("xwcbs", "国家新闻出版署"),
}
_LETTERS = "ABCDEFGHJKLMNPQRSTWXYZ"
_UID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


class Record:
    """A standard of hbba (industry, not on std.samr), dbba (local), ttbz (group) or qybz (enterprise)."""

    __slots__ = (
        "clock", "idx", "kind", "uid", "num_id", "prefix", "root", "year", "issue", "act_offset", "record_offset",
        "units", "title", "replaces", "replaced_by", "abolished", "code_variant", "drafters", "spam_unit",
        "spam_text", "defect", "region", "province", "charge_dept", "ministry", "publisher", "time_suffix",
        "separator", "empty", "subject",
    )

    def __init__(self, idx: int, kind: str, clock: Clock = _DAY0) -> None:
        self.clock = clock
        self.idx = idx
        self.kind = kind
        self.replaces = -1
        self.replaced_by = -1
        self.abolished = False
        self.code_variant = 0  # 0 canonical, 1 em dash, 2 no space, 3 full-width hyphen
        self.drafters = PUBLISHED
        self.spam_unit = -1
        self.spam_text = 0
        self.defect = ""  # "", "bad_std_no" (unreadable), "bad_date", "missing_field" (an id or number left empty)
        self.region = self.province = self.charge_dept = self.ministry = ""
        self.publisher = -1
        self.time_suffix = False
        self.separator = "、"
        self.empty = False
        self.num_id = 0
        self.subject = 0

    @property
    def std_no(self) -> str:
        return f"{self.prefix} {self.root}-{self.year}"

    @property
    def issue_date(self) -> date:
        return date.fromordinal(self.issue)

    @property
    def act_date(self) -> date:
        return date.fromordinal(self.issue + self.act_offset)

    @property
    def record_date(self) -> date:
        return date.fromordinal(self.issue + self.record_offset)

    @property
    def lead(self) -> int:
        return self.units[0]

    @property
    def status(self) -> str:
        """Status as hbba/dbba print it (ttbz and qybz know only 现行/废止)."""
        if self.replaced_by >= 0:
            return "有更新版"
        if self.abolished:
            return "废止"
        if self.act_date > self.clock.today:
            return "即将实施"
        return "现行"

    def printed_code(self, dash_variant: bool = True) -> str:
        """The number as the portal prints it (variants included; defects not)."""
        if self.kind == GROUP:
            return self.std_no.replace("-", "—")
        if not dash_variant:
            return self.std_no
        if self.code_variant == 1:
            return self.std_no.replace("-", "—")
        if self.code_variant == 2:
            return self.std_no.replace(" ", "")
        if self.code_variant == 3:
            return self.std_no.replace("-", "－")  # full-width hyphen-minus
        return self.std_no

    def __repr__(self) -> str:
        return f"Record({self.kind} {self.std_no} {self.uid})"


@dataclass(slots=True)
class Association:
    idx: int
    org: int  # index in corpus.orgs
    uid: str  # organUniqueId
    code: str  # organCode: the T/<code> of its numbers
    province: str  # certUnitArea
    address: str


@dataclass(slots=True)
class Enterprise:
    idx: int
    org: int
    uscc: str
    division: str  # 行政区划 as the qybz detail page prints it
    code: str  # the Q/<code> of its numbers
    in_region: bool


@dataclass(slots=True)
class Committee:
    idx: int
    uid: str
    code: str  # 委员会编号: TC573, TC28/SC41, TC124/WG9
    kind: str  # TC / SC / WG
    name: str
    short_name: str
    en_name: str
    scope: str
    intl: str
    secretariat: int  # index in corpus.orgs
    province: str  # 所在省（市）
    city: str
    address: str
    postcode: str
    phone: str
    established: date | None
    term: str
    secretary: str
    founder: str


@dataclass(slots=True, frozen=True)
class HbbaView:
    """How hbba lists one std.samr industry standard."""

    listed: bool
    pk: str
    code: str
    record_offset: int
    drafters: int
    empty: bool


# -- helpers -----------------------------------------------------------------------------------------


def _cumulative(n: int, skew: float = 0.6) -> list[float]:
    return list(itertools.accumulate(1 / (k + 1) ** skew for k in range(n)))


def _draw(rng: random.Random, pool: list[int], cum: list[float]) -> int:
    return pool[bisect.bisect_left(cum, rng.random() * cum[-1])]


def _issue(rng: random.Random) -> date:
    if rng.random() < 0.40:
        return FIRST_ISSUE + timedelta(days=rng.randrange((SPLIT - FIRST_ISSUE).days))
    return SPLIT + timedelta(days=rng.randrange((LAST_ISSUE - SPLIT).days + 1))


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _letters(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(lo, hi)))


def _months_back(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last_day = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(day.day, last_day))


def hbba_view(s: Standard) -> HbbaView:
    """Whether and how hbba lists std.samr industry standard `s` (~85% are listed; never a malformed row)."""
    rng = random.Random(f"hbba:{s.id}")
    listed = s.tid == INDUSTRY and not s.defect and rng.random() < 0.85
    pk = hashlib.sha256(f"hbba:{s.id}".encode()).hexdigest()
    x = rng.random()
    code = s.std_no.replace("-", "—") if x < 0.10 else s.std_no
    y = rng.random()
    drafters = SECTION_ABSENT if y < 0.03 else SECTION_EMPTY if y < 0.06 else PUBLISHED
    return HbbaView(listed, pk, code, rng.randint(3, 30), drafters, rng.random() < 0.1)


def sacinfo_status(s: Standard) -> str:
    return {"被代替": "有更新版"}.get(s.status, s.status)


def openstd_status(corpus: Corpus, s: Standard) -> tuple[str, date | None]:
    """(status, abolish date) of a national standard as openstd shows it."""
    override = corpus.openstd_status.get(s.id)
    if override is not None:
        return override
    if s.abolished:
        return "废止", date.fromisoformat(facts(s).abolish_date)
    return s.status, None


# -- organisations -------------------------------------------------------------------------------------


class _Orgs:
    """Appends organisations to the corpus, sharing the existing names and credit codes (all stay unique)."""

    def __init__(self, corpus: Corpus, rng: random.Random) -> None:
        self.corpus = corpus
        self.rng = rng
        self.factory = _OrgFactory(rng, corpus.region)
        self.factory.names = corpus._org_names
        self.factory.codes = corpus._org_codes

    def add(self, org: Org) -> int:
        self.corpus.orgs.append(org)
        if org.register is not None and org.register.uscc:
            self.corpus._org_codes.add(org.register.uscc)
        return len(self.corpus.orgs) - 1

    def code(self, division: str, name: str) -> str:
        return self.factory._code(division, name)

    def road_address(self, place: str) -> str:
        return self.factory._address(place)

    def jiangsu_city(self) -> tuple[str, str, str, tuple]:
        region = self.corpus.region
        return self.rng.choices(region.other_cities, weights=region.other_city_weights)[0]

    def jiangsu_outside(self, body=None) -> tuple[int, str, str]:
        """A Jiangsu organisation outside the region: (index, its address, its 行政区划 text)."""
        r, f = self.rng, self.factory
        short, city, _, districts = self.jiangsu_city()
        code, district = r.choice(districts)
        place = f"江苏省{city}{district}"
        body = body or f._company_body
        if r.random() < 0.6:
            name = f._name(r.choice((short, city)), body)
            org = Org(name, "outside_name", None, OUTSIDE, None)
            address = self.road_address(place)
        else:
            name = f._name("江苏", body) if r.random() < 0.6 else f._name("", body)
            how = r.random()
            address = self.road_address(place) if how < 0.7 else ""
            uscc_ = self.code(code, name) if how > 0.4 else ""
            org = Org(name, "outside_register", None, OUTSIDE, RegisterRow(name, uscc_, address, "", True if uscc_ else None))
            address = address or self.road_address(place)
        return self.add(org), address, place

    def institute_body(self) -> str:
        r = self.rng
        field = r.choice(vocab.RESEARCH_FIELDS)
        kinds = [k for k in vocab.TC_UNIT_KINDS if k[:2] not in field]  # no 技术技术研究院, 检验检测检验检测中心
        return field + r.choice(kinds)


# -- the registries ------------------------------------------------------------------------------------


def populate(corpus: Corpus) -> None:
    n = corpus.n
    scale = max(1.0, math.sqrt(n / SIZES["demo"]))
    seed = f"stdwatch-mirror:{corpus.seed}:{n}"
    corpus._org_names = {o.name for o in corpus.orgs}
    corpus._org_codes = {o.register.uscc for o in corpus.orgs if o.register is not None and o.register.uscc}
    suzhou_pool, outside_pool = corpus._lead_pools

    orgs = _Orgs(corpus, random.Random(f"{seed}:jiangsu"))
    jiangsu = [orgs.jiangsu_outside()[0] for _ in range(round(120 * scale))]
    jiangsu_cum = _cumulative(len(jiangsu))
    pools = {"suzhou": suzhou_pool, "outside": outside_pool, "jiangsu": (jiangsu, jiangsu_cum)}

    corpus.hbba_only = _hbba_only(corpus, random.Random(f"{seed}:hbba"), pools)
    corpus.local = _local(corpus, random.Random(f"{seed}:dbba"), pools)
    corpus.associations, corpus.group = _group(corpus, random.Random(f"{seed}:ttbz"), pools, scale)
    corpus.enterprises, corpus.enterprise = _enterprise(corpus, random.Random(f"{seed}:qybz"), scale)
    corpus.committees = _committees(corpus, random.Random(f"{seed}:tc"), scale)
    corpus.openstd_status = _openstd_conflicts(corpus, random.Random(f"{seed}:openstd"))
    # The plan article is Suzhou's city portal's (mirror.sites.suzhou_gov): a region without that site has none.
    corpus.plan_url_path = PLAN_URL_PATH if corpus.region.site_of("szinf") == "suzhou_gov" else None
    corpus.today = None  # "today" for relative date filters (hbba/dbba pubdate, openstd p.p7); None = the wall clock
    corpus.plan_issue_date = PLAN_ISSUE_DATE
    del corpus._org_names, corpus._org_codes
    for rec in itertools.chain(corpus.hbba_only, corpus.local, corpus.group, corpus.enterprise):
        rec.clock = corpus.clock

    corpus.local_by_uid = {r.uid: r for r in corpus.local if r.uid}
    corpus.hbba_only_by_uid = {r.uid: r for r in corpus.hbba_only}
    corpus.group_by_uid = {r.uid: r for r in corpus.group if r.uid}
    corpus.enterprise_by_uid = {r.uid: r for r in corpus.enterprise}
    corpus.committee_by_uid = {c.uid: c for c in corpus.committees}
    corpus.association_by_uid = {a.uid: a for a in corpus.associations}
    corpus.enterprise_of_org = {e.org: e for e in corpus.enterprises}
    order = sorted(corpus.enterprise, key=lambda r: (r.issue, r.num_id), reverse=True)
    corpus._qybz_home = order[:QYBZ_HOME_ROWS]


def _units(rng: random.Random, corpus: Corpus, lead: int, extra: list[int] | None = None, most: int = 7) -> tuple[int, ...]:
    k = rng.choices(range(1, most + 1), weights=(14, 18, 18, 16, 14, 10, 10)[:most])[0]
    units = [lead]
    n_base = len(corpus._org_ids)
    while len(units) < k:
        o = extra[rng.randrange(len(extra))] if extra and rng.random() < 0.3 else corpus._org_ids[rng.randrange(n_base)]
        if o not in units:
            units.append(o)
    return tuple(units)


def _damage(rng: random.Random, rec: Record, spam_p: float = 0.03, missing_p: float = 0.08) -> None:
    x = rng.random()
    rec.drafters = SECTION_ABSENT if x < missing_p / 2 else SECTION_EMPTY if x < missing_p else PUBLISHED
    if rng.random() < spam_p:
        rec.spam_unit = rng.randrange(len(rec.units))
        rec.spam_text = rng.randrange(len(vocab.SPAM))


def _number_and_revise(rng: random.Random, records: list[Record], width: dict[str, tuple[int, int]],
                       used: set[str], revise_p: float) -> None:
    """Numbers per prefix in issue order; a revision takes an older record's number (earlier year)."""
    by_prefix: dict[str, list[Record]] = {}
    for rec in records:
        by_prefix.setdefault(rec.prefix, []).append(rec)
    for prefix, recs in by_prefix.items():
        recs.sort(key=lambda r: (r.issue, r.uid))
        lo, hi = width[prefix]
        hi = max(hi, lo + 3 * len(recs) + len([u for u in used if u.startswith(prefix + " ")]))  # big corpora
        pool: list[Record] = []
        ready = 0
        for rec in recs:
            while ready < len(recs) and recs[ready].year < rec.year:
                if not recs[ready].defect:
                    pool.append(recs[ready])
                ready += 1
            if pool and not rec.defect and rng.random() < revise_p:
                j = rng.randrange(len(pool))
                pool[j], pool[-1] = pool[-1], pool[j]
                old = pool.pop()
                rec.root, rec.subject, rec.title = old.root, old.subject, old.title
                rec.replaces, old.replaced_by = old.idx, rec.idx
                continue
            for _ in range(1000):
                root = str(rng.randint(lo, hi))
                if f"{prefix} {root}" not in used:
                    break
            else:
                raise RuntimeError(f"numbers for {prefix} ran out")
            used.add(f"{prefix} {root}")
            rec.root = root


def _hbba_only(corpus: Corpus, rng: random.Random, pools: dict) -> list[Record]:
    out: list[Record] = []
    used = {f"{s.prefix} {s.root}" for s in corpus.standards}
    prefixes = tuple(vocab.HB_DOMAINS)
    for i in range(max(5, round(corpus.n * 0.01))):
        rec = Record(i, HBBA_ONLY)
        issue = _issue(rng)
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(60, 300), rng.randint(3, 30)
        rec.prefix = rng.choice(prefixes)
        rec.uid = _hex(rng, 64)
        rec.subject = rng.randrange(len(vocab.HB_DOMAINS[rec.prefix][4]))
        aspect = vocab.ASPECTS[rng.randrange(len(vocab.ASPECTS))][0]
        rec.title = vocab.HB_DOMAINS[rec.prefix][4][rec.subject][0] + aspect
        pool, cum = pools["suzhou"] if rng.random() < 0.35 else pools["outside"]
        rec.units = _units(rng, corpus, _draw(rng, pool, cum))
        rec.ministry, rec.charge_dept = _HB_MINISTRY[rec.prefix]
        rec.code_variant = 1 if rng.random() < 0.1 else 0
        rec.empty = rng.random() < 0.1
        _damage(rng, rec, spam_p=0.0, missing_p=0.10)
        out.append(rec)
    _number_and_revise(rng, out, {p: (1, 1500) for p in prefixes}, used, 0.0)
    return out


def _local(corpus: Corpus, rng: random.Random, pools: dict) -> list[Record]:
    out: list[Record] = []
    total = max(30, round(corpus.n * 0.10))
    others = vocab.OTHER_PROVINCES
    region = corpus.region
    width: dict[str, tuple[int, int]] = {"DB32/T": (1000, 4999), region.local_prefix: (1001, 1400)}
    suzhou, outside, (js, js_cum) = pools["suzhou"], pools["outside"], pools["jiangsu"]
    for i in range(total):
        rec = Record(i, LOCAL)
        issue = _issue(rng)
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(30, 180), rng.randint(5, 40)
        rec.uid = _hex(rng, 64) if rng.random() < 0.9 else _hex(rng, 32)  # older links use 32 hex
        x = rng.random()
        if x < 0.45:
            rec.prefix, rec.region, rec.province, rec.ministry = "DB32/T", "江苏省", "江苏省", "jszjj"
            rec.charge_dept = "江苏省市场监督管理局"
            y = rng.random()
            lead = _draw(rng, *suzhou) if y < 0.40 else _draw(rng, js, js_cum) if y < 0.85 else _draw(rng, *outside)
        elif x < 0.70:
            rec.prefix, rec.region, rec.province, rec.ministry = region.local_prefix, region.name, "江苏省", "jszjj"
            rec.charge_dept = region.regulator
            y = rng.random()
            lead = _draw(rng, *suzhou) if y < 0.85 else _draw(rng, *outside) if y < 0.95 else _draw(rng, js, js_cum)
        elif x < 0.80:
            short, city, db, _ = rng.choices(region.other_cities, weights=region.other_city_weights)[0]
            rec.prefix, rec.region, rec.province, rec.ministry = f"DB{db}/T", city, "江苏省", "jszjj"
            rec.charge_dept = f"{city}市场监督管理局"
            width.setdefault(rec.prefix, (100, 999))
            lead = _draw(rng, js, js_cum)
        else:
            province, db, ministry, city, city_db, regulator = rng.choice(others)
            if city and rng.random() < 0.3:
                rec.prefix, rec.region, rec.charge_dept = f"DB{city_db}/T", city, f"{city}市场监督管理局"
                width.setdefault(rec.prefix, (100, 999))
            else:
                rec.prefix, rec.region, rec.charge_dept = f"DB{db}/T", province, regulator
                width.setdefault(rec.prefix, (1000, 1999))
            rec.province, rec.ministry = province, ministry
            lead = _draw(rng, *outside)
        extra = js if rec.province == "江苏省" else None
        rec.units = _units(rng, corpus, lead, extra)
        rec.subject = rng.randrange(len(vocab.LOCAL_SUBJECTS))
        rec.title = vocab.LOCAL_SUBJECTS[rec.subject] + rng.choice(vocab.LOCAL_ASPECTS)
        z = rng.random()
        rec.code_variant = 1 if z < 0.06 else 2 if z < 0.08 else 3 if z < 0.10 else 0
        rec.empty = rng.random() < 0.1
        _damage(rng, rec, spam_p=0.03, missing_p=0.08)
        if rec.issue_date < date(2021, 1, 1) and rng.random() < 0.05:
            rec.abolished = True
        out.append(rec)
    for j, rec in enumerate(rng.sample(out, max(2, round(total * 0.008)))):
        rec.defect = ("bad_std_no", "bad_date")[j % 2]
        rec.abolished = False
    _number_and_revise(rng, out, width, set(), 0.12)
    return out


def _association_name(orgs: _Orgs, prefix: str) -> str:
    r = orgs.rng
    return orgs.factory._name(prefix, lambda: r.choice(vocab.ASSOCIATION_FIELDS) + r.choice(vocab.ASSOCIATION_SUFFIXES))


def _group(corpus: Corpus, rng: random.Random, pools: dict, scale: float) -> tuple[list[Association], list[Record]]:
    orgs = _Orgs(corpus, rng)
    f = orgs.factory
    associations: list[Association] = []
    codes: set[str] = set()

    def organ_code(stem: str) -> str:
        while True:
            code = stem + _letters(rng, 2, 3)
            if code not in codes:
                codes.add(code)
                return code

    region = corpus.region
    districts = region.districts
    for i in range(max(8, round(40 * scale))):
        x = rng.random()
        address = ""
        if x < 0.33:  # in the region
            d = rng.choices(districts, weights=region.district_weights)[0]
            y = rng.random()
            if y < 0.40:
                name = _association_name(orgs, rng.choice(region.name_prefixes[d]))
                org = Org(name, "name_district", d, d, None)
                address = f.district_address(d) if rng.random() < 0.6 else ""
            elif y < 0.75:
                name = _association_name(orgs, region.name)
                org = Org(name, "name_city_only", d, UNKNOWN, None)
            else:
                name = _association_name(orgs, "江苏省")
                address = f.district_address(d)
                org = Org(name, "register_address", d, d, RegisterRow(name, "", address, "", None))
            province, stem = "江苏省", "SZ"
        elif x < 0.55:  # elsewhere in Jiangsu
            short, city, _, dists = orgs.jiangsu_city()
            place = f"江苏省{city}{rng.choice(dists)[1]}"
            if rng.random() < 0.6:
                name = _association_name(orgs, city)
                org = Org(name, "outside_name", None, OUTSIDE, None)
                address = orgs.road_address(place) if rng.random() < 0.5 else ""
            else:
                name = _association_name(orgs, "江苏省")
                address = orgs.road_address(place)
                org = Org(name, "outside_register", None, OUTSIDE, RegisterRow(name, "", address, "", None))
            province, stem = "江苏省", "JS"
        else:  # another province, or a national association
            province, prefix, place, _ = rng.choice(vocab.ASSOCIATION_PLACES)
            if rng.random() < 0.5:
                name = _association_name(orgs, "中国")
                org = Org(name, "neutral_no_evidence", None, OUTSIDE, None)
                province, place = "北京市", "北京市海淀区"
            else:
                name = _association_name(orgs, prefix)
                org = Org(name, "outside_name", None, OUTSIDE, None)
            address = orgs.road_address(place) if rng.random() < 0.5 else ""
            stem = "C" if name.startswith("中国") else ""
        associations.append(Association(i, orgs.add(org), _hex(rng, 32), organ_code(stem), province, address))

    suzhou, outside, (js, js_cum) = pools["suzhou"], pools["outside"], pools["jiangsu"]
    assoc_cum = _cumulative(len(associations), 0.5)
    assoc_ids = list(range(len(associations)))
    records: list[Record] = []
    seen_uids: set[str] = set()
    for i in range(max(30, round(corpus.n * 0.10))):
        rec = Record(i, GROUP)
        a = associations[_draw(rng, assoc_ids, assoc_cum)]
        rec.publisher = a.idx
        issue = _issue(rng)
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(0, 60), rng.randint(0, 5)
        while True:
            rec.uid = "".join(rng.choice(_UID_CHARS) for _ in range(31))
            if rec.uid not in seen_uids:
                seen_uids.add(rec.uid)
                break
        pub = corpus.orgs[a.org]
        y = rng.random()
        if pub.true_district is not None:
            lead = _draw(rng, *suzhou) if y < 0.70 else a.org if y < 0.80 else _draw(rng, *outside) if y < 0.9 else _draw(rng, js, js_cum)
        elif a.province == "江苏省":
            lead = _draw(rng, *suzhou) if y < 0.20 else _draw(rng, js, js_cum) if y < 0.70 else _draw(rng, *outside)
        else:
            lead = _draw(rng, *suzhou) if y < 0.15 else _draw(rng, *outside)
        units = list(_units(rng, corpus, lead, js))
        if a.org not in units and rng.random() < 0.2:
            units.insert(rng.randint(1, len(units)), a.org)
        rec.units = tuple(units)
        rec.prefix = f"T/{a.code}"
        domain = vocab.GB_DOMAINS[rng.randrange(len(vocab.GB_DOMAINS))]
        rec.subject = rng.randrange(len(domain["subjects"]))
        rec.title = domain["subjects"][rec.subject][0] + rng.choice(vocab.ASPECTS)[0]
        rec.time_suffix = rng.random() < 0.10
        rec.separator = "，" if rng.random() < 0.05 else "、"
        rec.num_id = 100_000 + i * 7 + rng.randrange(7)
        x = rng.random()
        rec.drafters = SECTION_EMPTY if x < 0.05 else PUBLISHED
        if rng.random() < 0.03:
            rec.spam_unit = rng.randrange(len(rec.units))
            rec.spam_text = rng.randrange(len(vocab.SPAM))
        if rec.issue_date < date(2022, 1, 1) and rng.random() < 0.06:
            rec.abolished = True
        records.append(rec)
    for j, rec in enumerate(rng.sample(records, max(3, round(len(records) * 0.01)))):
        rec.defect = ("missing_field", "bad_date", "bad_std_no")[j % 3]
        rec.abolished = False
    # Numbers: each association numbers its standards in order (T/XXX 001, 002 …); ~5% are new editions.
    by_assoc: dict[int, list[Record]] = {}
    for rec in records:
        by_assoc.setdefault(rec.publisher, []).append(rec)
    for recs in by_assoc.values():
        recs.sort(key=lambda r: (r.issue, r.uid))
        width = 4 if rng.random() < 0.2 else 3
        seq = 0
        done: list[Record] = []
        for rec in recs:
            older = [o for o in done if o.year < rec.year and o.replaced_by < 0 and not o.defect]
            if older and not rec.defect and rng.random() < 0.05:
                old = rng.choice(older)
                rec.root, rec.title = old.root, old.title
                rec.replaces, old.replaced_by = old.idx, rec.idx
            else:
                seq += 1
                rec.root = f"{seq:0{width}d}"
            done.append(rec)
    return associations, records


def _enterprise(corpus: Corpus, rng: random.Random, scale: float) -> tuple[list[Enterprise], list[Record]]:
    orgs = _Orgs(corpus, rng)
    f = orgs.factory
    enterprises: list[Enterprise] = []
    qcodes: set[str] = set()
    region = corpus.region
    districts = region.districts
    for i in range(max(20, round(150 * scale))):
        x = rng.random()
        if x < 0.60:
            d = rng.choices(districts, weights=region.district_weights)[0]
            division = f"{region.province}{region.name}{d}"
            if rng.random() < 0.7:
                name = f.register_name()
                code = orgs.code(f.district_code(d), name)
                field = region.current_code[d] if d in region.current_code and rng.random() < 0.4 else d
                org = Org(name, "register_division_field", d, d, RegisterRow(name, code, "", field, True))
            else:
                name = f.district_name(d)
                code = orgs.code(f.district_code(d), name)
                org = Org(name, "name_district", d, d, None)
            in_region = True
        elif x < 0.80:
            short, city, _, dists = orgs.jiangsu_city()
            div_code, district = rng.choice(dists)
            division = f"江苏省{city}{district}"
            if rng.random() < 0.5:
                name = f._name(rng.choice((short, city)), f._company_body)
                code = orgs.code(div_code, name)
                org = Org(name, "outside_name", None, OUTSIDE, None)
            else:
                name = f._name("江苏", f._company_body) if rng.random() < 0.5 else f._name("", f._company_body)
                code = orgs.code(div_code, name)
                org = Org(name, "outside_register", None, OUTSIDE, RegisterRow(name, code, "", "", True))
            in_region = False
        else:
            city, place, div_code, _ = rng.choice(corpus.region.outside_places)
            division = place
            if rng.random() < 0.5 and not place.startswith(corpus.region.province):
                name = f._name(city, f._company_body)
                org_scenario = "outside_name"
            else:
                name = f._name("", f._company_body)
                org_scenario = "outside_register"
            code = orgs.code(div_code, name)
            row = RegisterRow(name, code, "", "", True) if org_scenario == "outside_register" else None
            org = Org(name, org_scenario, None, OUTSIDE, row)
            in_region = False
        while True:
            q = _letters(rng, 2, 4)
            if q not in qcodes:
                qcodes.add(q)
                break
        enterprises.append(Enterprise(i, orgs.add(org), code, division, q, in_region))

    ids = list(range(len(enterprises)))
    cum = _cumulative(len(enterprises), 0.7)
    records: list[Record] = []
    for i in range(max(50, round(corpus.n * 0.20))):
        rec = Record(i, ENTERPRISE)
        e = enterprises[_draw(rng, ids, cum)]
        rec.publisher = e.idx  # the declaring enterprise
        issue = _issue(rng)
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(0, 30), 0
        rec.uid = _hex(rng, 32)
        rec.num_id = rng.getrandbits(40)
        rec.units = (e.org,)
        rec.prefix = f"Q/{e.code}"
        rec.subject = rng.randrange(len(vocab.ENTERPRISE_PRODUCTS))
        rec.title = vocab.ENTERPRISE_PRODUCTS[rec.subject] + rng.choice(vocab.ENTERPRISE_ASPECTS)
        rec.abolished = rng.random() < 0.05
        rec.code_variant = 0 if rng.random() < 0.2 else 1  # the homepage prints the em dash mostly
        records.append(rec)
    by_enterprise: dict[int, list[Record]] = {}
    for rec in records:
        by_enterprise.setdefault(rec.publisher, []).append(rec)
    for recs in by_enterprise.values():
        recs.sort(key=lambda r: (r.issue, r.uid))
        for k, rec in enumerate(recs, 1):
            rec.root = f"{k:03d}"
    home = sorted(records, key=lambda r: (r.issue, r.num_id), reverse=True)[:QYBZ_HOME_ROWS]
    for j, rec in enumerate(rng.sample(home[5:], 2)):
        rec.defect = ("missing_field", "bad_date")[j]  # no number before 《》; an impossible day
    return enterprises, records


_TERMS = ("第一届", "第二届", "第三届", "第四届", "第五届")


def _committees(corpus: Corpus, rng: random.Random, scale: float) -> list[Committee]:
    orgs = _Orgs(corpus, rng)
    f = orgs.factory
    out: list[Committee] = []
    numbers: set[int] = set()
    fields = list(vocab.TC_FIELDS)
    used_names: set[str] = set()
    n_js, n_other = max(10, round(40 * scale)), max(3, round(10 * scale))
    top = max(620, 100 + 3 * (n_js + n_other))
    region = corpus.region
    districts = region.districts
    for i in range(n_js + n_other):
        in_js = i < n_js
        if in_js and rng.random() < 0.6:  # secretariat in the region
            d = rng.choices(districts, weights=region.district_weights)[0]
            y = rng.random()
            body = orgs.institute_body
            if y < 0.35:
                name = f._name(rng.choice((region.short, region.province, "")), body)
                address = f.district_address(d)
                code = orgs.code(f.district_code(d), name) if rng.random() < 0.5 else ""
                org = Org(name, "register_address", d, d, RegisterRow(name, code, address, "", True if code else None))
            elif y < 0.50:
                name = f._name(rng.choice((region.short, region.province, "")), body)
                address = f.gazetteer_address(d)
                org = Org(name, "register_gazetteer", d, d, RegisterRow(name, "", address, "", None))
            elif y < 0.80:
                name = f._name(rng.choice(region.name_prefixes[d]), body)
                address = f.district_address(d)
                org = Org(name, "name_district", d, d, None)
            else:
                name = f._name(region.name, body)
                address = orgs.road_address(region.province + region.name)
                org = Org(name, "name_city_only", d, UNKNOWN, None)
            secretariat = orgs.add(org)
            province, city = region.province, region.name
            postcode = region.postcode(rng)
            phone = region.phone(rng)
        elif in_js:
            secretariat, address, place = orgs.jiangsu_outside(orgs.institute_body)
            province, city = "江苏省", place[3:place.index("市") + 1]
            postcode = f"2{rng.randint(10000, 29999)}"
            phone = f"025-8{rng.randint(1000000, 9999999)}"
        else:
            short, place, _, _ = rng.choice(tuple(p for p in region.outside_places if not p[1].startswith(region.province)))
            name = f._name(short, orgs.institute_body)
            secretariat = orgs.add(Org(name, "outside_name", None, OUTSIDE, None))
            address = orgs.road_address(place)
            province = {"北京": "北京市", "上海": "上海市", "杭州": "浙江省", "深圳": "广东省", "广州": "广东省",
                        "宁波": "浙江省", "青岛": "山东省"}[short]
            city = short + "市"
            postcode = f"{rng.randint(100000, 599999)}"
            phone = f"0{rng.randint(10, 99)}-{rng.randint(10000000, 99999999)}"
        kind = rng.choices(("TC", "SC", "WG"), weights=(55, 35, 10))[0]
        while True:
            tc_no = rng.randint(100, top)
            if tc_no not in numbers:
                numbers.add(tc_no)
                break
        for attempt in range(400):
            if attempt == 100 and kind == "TC":  # every field has its TC: make it a subcommittee
                kind = "SC"
            field, en, intl = rng.choice(fields)
            parent_field, parent_en, _ = rng.choice(fields)
            if kind == "TC":
                cname = f"全国{field}标准化技术委员会"
            elif kind == "SC":
                cname = f"全国{parent_field}标准化技术委员会{field}分技术委员会"
            else:
                cname = f"全国{parent_field}标准化技术委员会{field}工作组"
            if cname not in used_names and (kind == "TC" or field != parent_field):
                break
        else:  # names ran out (huge corpora): number it
            cname = cname.replace("标准化技术委员会", f"第{i}标准化技术委员会", 1)
        used_names.add(cname)
        if kind == "TC":
            code, short_name = f"TC{tc_no}", f"{field}标委会"
            en_name = f"National Technical Committee {tc_no} on {en} of Standardization Administration of China"
        elif kind == "SC":
            code, short_name = f"TC{tc_no}/SC{rng.randint(1, 40)}", f"{field}分委会"
            en_name = f"{en} Subcommittee of National Technical Committee {tc_no} on {parent_en}"
        else:
            code, short_name = f"TC{tc_no}/WG{rng.randint(1, 20)}", f"{field}工作组"
            en_name = f"{en} Working Group of National Technical Committee {tc_no} on {parent_en}"
        if rng.random() < 0.10:
            established = None
        elif rng.random() < 0.45:
            established = SPLIT + timedelta(days=rng.randrange((date(2026, 10, 31) - SPLIT).days))
        else:
            established = date(2005, 1, 1) + timedelta(days=rng.randrange((SPLIT - date(2005, 1, 1)).days))
        age = (AS_OF - established).days // 1825 if established else rng.randrange(4)
        sec_name = rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
        out.append(Committee(
            idx=i, uid=f"{rng.getrandbits(128):032X}", code=code, kind=kind, name=cname, short_name=short_name,
            en_name=en_name, scope=f"负责{field}领域的术语、分类、产品、方法和管理等国家标准制修订工作",
            intl=intl or "无", secretariat=secretariat, province=province, city=city, address=address,
            postcode=postcode, phone=phone, established=established, term=_TERMS[min(age, len(_TERMS) - 1)],
            secretary=sec_name, founder=rng.choice(("国家标准化管理委员会", "工业和信息化部", "中国机械工业联合会",
                                                    "中国轻工业联合会", "国家市场监督管理总局")),
        ))
    return out


def _openstd_conflicts(corpus: Corpus, rng: random.Random) -> dict[str, tuple[str, date | None]]:
    """A few national standards whose openstd status differs from std.samr's."""
    national = sorted((s for s in corpus.standards if s.tid == NATIONAL and not s.defect), key=lambda s: s.id)
    current = [s for s in national if s.status == "现行" and s.issue_date < date(2022, 1, 1)]
    replaced = [s for s in national if s.status == "被代替"]
    n = len(national)
    out: dict[str, tuple[str, date | None]] = {}
    for s in rng.sample(current, min(len(current), max(4, round(n * 0.003)))):
        out[s.id] = ("废止", date(2025, 1, 1) + timedelta(days=rng.randrange(640)))
    for s in rng.sample(replaced, min(len(replaced), max(2, round(n * 0.001)))):
        out[s.id] = ("现行", None)
    return out


# -- listings (cached; std.samr-derived ones follow Corpus.add_standards) ---------------------------------


class SacinfoItem:
    """One hbba/dbba list record and detail page: a std.samr industry standard, an hbba-only or a local one."""

    __slots__ = ("pk", "code", "title", "industry", "charge_dept", "status", "issue", "act", "record", "record_no",
                 "revise", "fz", "empty", "drafters", "units", "spam_unit", "spam_text", "defect", "ministry",
                 "province", "is_revision", "source")

    @property
    def issue_date(self) -> date:
        return date.fromordinal(self.issue)

    @property
    def record_date(self) -> date:
        return date.fromordinal(self.record)


_BAD_CODES = ("待定", "暂无", "报批稿")
_BAD_DAYS = ("02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-01", "00-15")
# The field each kind of malformed record damages, per portal.
DEFECT_FIELD = {
    (LOCAL, "bad_std_no"): "code", (LOCAL, "bad_date"): "issueDate",
    (HBBA_ONLY, "bad_std_no"): "code", (HBBA_ONLY, "bad_date"): "issueDate",
    (GROUP, "bad_std_no"): "standardNo", (GROUP, "bad_date"): "publishDate", (GROUP, "missing_field"): "standardUniqueId",
    (ENTERPRISE, "missing_field"): "标准编号", (ENTERPRISE, "bad_date"): "公开时间",
}


def defect_value(rec: Record) -> str:
    """What the portal prints in the damaged field of a malformed record."""
    rng = random.Random(f"defect:{rec.kind}:{rec.uid}:{rec.idx}")
    if rec.defect == "bad_date":
        return f"{rec.year}-{rng.choice(_BAD_DAYS)}"
    if rec.defect == "missing_field":
        return ""
    if rec.defect == "bad_std_no":
        if rec.kind == GROUP:
            return f"{rec.prefix} {rng.choice(_BAD_CODES)}"
        return rng.choice(_BAD_CODES)
    return ""


def _record_no(key: str, year: int) -> str:
    return f"{int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 90000 + 10000}-{year}"


def _item_from_record(corpus: Corpus, rec: Record, pool: list[Record]) -> SacinfoItem:
    it = SacinfoItem()
    it.pk, it.title = rec.uid, rec.title
    it.code = defect_value(rec) if rec.defect == "bad_std_no" else rec.printed_code()
    it.industry = rec.region if rec.kind == LOCAL else vocab.HB_DOMAINS[rec.prefix][0].split(" ", 1)[1]
    it.charge_dept, it.ministry, it.province = rec.charge_dept, rec.ministry, rec.province
    it.status, it.issue, it.act = rec.status, rec.issue, rec.issue + rec.act_offset
    it.record = rec.issue + rec.record_offset
    it.record_no = _record_no(rec.uid, rec.record_date.year)
    it.revise = pool[rec.replaces].std_no if rec.replaces >= 0 else ""
    if rec.replaced_by >= 0:
        it.fz = pool[rec.replaced_by].issue + pool[rec.replaced_by].act_offset
    elif rec.abolished:
        it.fz = min(it.act + 1100, AS_OF.toordinal())
    else:
        it.fz = None
    it.empty, it.drafters, it.units = rec.empty, rec.drafters, rec.units
    it.spam_unit, it.spam_text, it.defect = rec.spam_unit, rec.spam_text, rec.defect
    it.is_revision, it.source = rec.replaces >= 0, rec
    return it


def _item_from_standard(corpus: Corpus, s: Standard, view: HbbaView) -> SacinfoItem:
    it = SacinfoItem()
    it.pk, it.code, it.title = view.pk, view.code, title(s)
    it.industry = vocab.HB_DOMAINS[s.prefix][0].split(" ", 1)[1]
    it.ministry, it.charge_dept = _HB_MINISTRY[s.prefix]
    it.province = ""
    it.status, it.issue, it.act = sacinfo_status(s), s.issue, s.issue + s.act_offset
    it.record = s.issue + view.record_offset
    it.record_no = _record_no(view.pk, date.fromordinal(it.record).year)
    it.revise = corpus.standards[s.replaces].std_no if s.replaces >= 0 else ""
    it.fz = corpus.standards[s.replaced_by].issue if s.replaced_by >= 0 else (
        min(it.act + 1100, AS_OF.toordinal()) if s.abolished else None)
    it.empty, it.drafters, it.units = view.empty, view.drafters, s.units
    it.spam_unit, it.spam_text, it.defect = -1, 0, ""
    it.is_revision, it.source = s.replaces >= 0, s
    return it


def sacinfo_items(corpus: Corpus, site: str) -> tuple[list[SacinfoItem], dict[str, SacinfoItem]]:
    """(records newest filing first, by pk) of hbba or dbba; hbba follows `Corpus.add_standards`."""
    cache = corpus.__dict__.setdefault("_sacinfo_cache", {})
    version = len(corpus.standards) if site == "hbba" else len(corpus.local)
    hit = cache.get(site)
    if hit is not None and hit[0] == version:
        return hit[1], hit[2]
    with corpus._lock:
        if site == "dbba":
            items = [_item_from_record(corpus, r, corpus.local) for r in corpus.local]
        else:
            items = [_item_from_record(corpus, r, corpus.hbba_only) for r in corpus.hbba_only]
            for s in corpus.standards:
                if s.tid == INDUSTRY:
                    view = hbba_view(s)
                    if view.listed:
                        items.append(_item_from_standard(corpus, s, view))
        items.sort(key=lambda it: (it.record, it.pk), reverse=True)
        by_pk = {it.pk: it for it in items if it.pk}
        cache[site] = (version, items, by_pk)
    return items, by_pk


def openstd_items(corpus: Corpus) -> list[Standard]:
    """National standards on openstd, newest issue first; follows `Corpus.add_standards`."""
    cache = corpus.__dict__.setdefault("_openstd_cache", {})
    version = len(corpus.standards)
    hit = cache.get("items")
    if hit is not None and hit[0] == version:
        return hit[1]
    with corpus._lock:
        items = sorted((s for s in corpus.standards if s.tid == NATIONAL and not s.defect),
                       key=lambda s: (s.issue, s.id), reverse=True)
        cache["items"] = (version, items)
    return items


def openstd_by_hcno(corpus: Corpus) -> dict[str, Standard]:
    """openstd's detail lookup: hcno (std.samr's `OPEN_HASH_CODE`) → standard. Built on first use."""
    cache = corpus.__dict__.setdefault("_openstd_cache", {})
    version = len(corpus.standards)
    hit = cache.get("by_hcno")
    if hit is not None and hit[0] == version:
        return hit[1]
    by_hcno = {facts(s).hcno: s for s in openstd_items(corpus)}
    with corpus._lock:
        cache["by_hcno"] = (version, by_hcno)
    return by_hcno


def qybz_home(corpus: Corpus) -> list[Record]:
    """The latest 100 enterprise-standard disclosures, newest first: all the qybz homepage shows."""
    return corpus._qybz_home


def months_back(day: date, months: int) -> date:
    return _months_back(day, months)
