"""The mirror's seeded corpus: organisations with known evidence, and the standards they draft.

Deterministic: `Corpus(seed, size)` draws everything from `random.Random` seeded
by (seed, size), so the same pair gives the same corpus, byte for byte, in any
process. Only the metadata needed to answer queries and to state the truth is
held in memory; list rows and detail pages are rendered on request
(`mirror.render`): a million standards build in ~25 s and take ~0.7 GB.

What the corpus knows, and the product has to find out:

- every organisation has exactly one **evidence scenario** (`SCENARIOS`), its
  **true** district (where it is; `None` = outside the region) and its **knowable**
  district: what the evidence it publishes supports under the precedence
  行政区划 field > address > valid credit code > name. The knowable value is set
  by construction (the scenario says which evidence exists), never by reading
  the evidence back;
- every standard has a lead (first-listed) drafting organisation; ~30% of
  leads are organisations in the region (`Corpus(region=…)`, default 3205 Suzhou: `mirror.region`);
- ~15% of standards revise an older standard of the corpus (same number, later
  year); the old one becomes 被代替;
- damage as the live portal has it: variant standard numbers, `<sacinfo>`
  highlight tags, `TOTAL_REPE` == ",", list rows without `DRAFT_UNIT`, spam
  injected into ~3% of detail pages, and a few malformed rows the product must
  reject (`Standard.defect`).

`corpus.standards` are std.samr's (national and industry). The other portals'
records are built afterwards by `mirror.registries.populate`, from their own
generators (so the std.samr part of a seed and size never changes): `local`,
`hbba_only`, `associations`/`group`, `enterprises`/`enterprise` (`qybz_home()`),
`committees`, `openstd_status`, `plan_url_path`; their organisations are appended
to `orgs` with the same evidence scenarios.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mirror import uscc, vocab
from mirror.region import DEFAULT_REGION, MirrorRegion, load_region
from mirror.variants import Variants

SIZES = {"demo": 3_000, "medium": 30_000, "large": 300_000, "bench": 1_000_000}

FIRST_ISSUE = date(2019, 1, 1)
LAST_ISSUE = date(2026, 11, 20)
# Issue dates are drawn so that ~40% fall before this day: the plan window's start,
# which is also the default start of the window the ground truth counts.
SPLIT = WINDOW_START = date(2022, 8, 21)
# The day the corpus describes: standards taking effect later are 即将实施.
AS_OF = date(2026, 12, 31)

UNKNOWN = "区县未知"
OUTSIDE = "outside"

SCENARIOS = (
    "name_district",
    "register_address",
    "register_gazetteer",
    "register_uscc_current",
    "register_uscc_historical",
    "register_uscc_city",
    "register_conflict",
    "register_invalid_uscc",
    "name_city_only",
    "outside_name",
    "outside_register",
    "neutral_no_evidence",
    "register_division_field",
)
# Share of each scenario among organisations in the region and outside (percent).
_REGION_MIX = {
    "name_district": 25, "register_address": 12, "register_gazetteer": 10, "register_uscc_current": 8,
    "register_uscc_historical": 6, "register_uscc_city": 4, "register_conflict": 4, "register_invalid_uscc": 3,
    "name_city_only": 14, "register_division_field": 8, "neutral_no_evidence": 6,
}
_OUTSIDE_MIX = {"outside_name": 70, "outside_register": 20, "neutral_no_evidence": 10}

REGION_LEAD_SHARE = 0.30
_REVISION_P = 0.17  # of standards that have an older one to revise: ~15% overall
_DEFECT_SHARE = 0.0025

NATIONAL, INDUSTRY = 2, 3  # the portal's tid
_EPOCH = datetime(2000, 1, 1)


@dataclass(slots=True, frozen=True)
class RegisterRow:
    """One row of the organisation register import (`org_register.csv`/`.xlsx`); "" = empty cell."""

    name: str
    uscc: str
    address: str
    division: str
    uscc_valid: bool | None  # None when there is no credit code


@dataclass(slots=True, frozen=True)
class Org:
    name: str
    scenario: str
    true_district: str | None  # None = outside the region
    known: str  # a district name, UNKNOWN, or OUTSIDE
    register: RegisterRow | None


class Clock:
    """The day a corpus describes (`AS_OF` until `mirror.calendar` moves it): statuses follow it."""

    __slots__ = ("today",)

    def __init__(self, today: date = AS_OF) -> None:
        self.today = today


_DAY0 = Clock()  # every corpus's standards share their corpus's clock; this one stands for "as built"


class Standard:
    """One standard as the portal holds it. Rendering lives in `mirror.render`."""

    __slots__ = (
        "clock", "idx", "id", "tid", "prefix", "root", "year", "issue", "act_offset", "input_ts",
        "domain", "subject", "aspect", "part", "units", "replaces", "replaced_by", "abolished",
        "code_variant", "highlight", "draft_unit_mode", "empty_repe", "spam_unit", "spam_text", "defect",
    )

    def __init__(self, idx: int, tid: int, clock: Clock = _DAY0) -> None:
        self.clock = clock
        self.idx = idx
        self.tid = tid
        self.replaces = -1
        self.replaced_by = -1
        self.abolished = False
        self.code_variant = 0  # 0 canonical, 1 em dash, 2 full-width prefix, 3 no space
        self.highlight = False  # C_C_NAME carries <sacinfo> tags
        self.draft_unit_mode = 0  # 0 listed, 1 empty string, 2 key absent
        self.empty_repe = ","
        self.spam_unit = -1  # index of the drafting unit whose name carries spam; -1 = clean page
        self.spam_text = 0
        self.defect = 0  # 0 none, 1 unparseable C_STD_CODE, 2 impossible ISSUE_DATE
        self.part = 0  # 第N部分 in the title (0 = none)

    @property
    def std_no(self) -> str:
        """Canonical number: prefix, space, number[.part], ASCII hyphen, 4-digit year."""
        return f"{self.prefix} {self.root}-{self.year}"

    @property
    def std_type(self) -> str:
        return "national" if self.tid == NATIONAL else "industry"

    @property
    def issue_date(self) -> date:
        return date.fromordinal(self.issue)

    @property
    def act_date(self) -> date:
        return date.fromordinal(self.issue + self.act_offset)

    @property
    def input_time(self) -> datetime:
        return _EPOCH + timedelta(seconds=self.input_ts)

    @property
    def lead(self) -> int:
        return self.units[0]

    @property
    def status(self) -> str:
        if self.replaced_by >= 0:
            return "被代替"
        if self.abolished:
            return "废止"
        if self.act_date > self.clock.today:
            return "即将实施"
        return "现行"

    @property
    def detail_path(self) -> str:
        if self.tid == NATIONAL:
            return f"/gb/search/gbDetailed?id={self.id}"
        return f"/hb/search/stdHBDetailed?id={self.id}"


def build_corpus(size: str | int = "demo", seed: int = 7, window_start: date = WINDOW_START,
                 window_end: date | None = None, variants: Variants | None = None,
                 region: str = DEFAULT_REGION) -> Corpus:
    """`Corpus` with the window the ground truth counts (keyword form used by `stdwatch demo`)."""
    return Corpus(seed=seed, size=size, window_start=window_start, window_end=window_end, variants=variants,
                  region=region)


def resolve_size(size: str | int) -> int:
    if isinstance(size, int):
        n = size
    elif size in SIZES:
        n = SIZES[size]
    elif size.isdigit():
        n = int(size)
    else:
        raise ValueError(f"unknown corpus size {size!r}: use one of {', '.join(SIZES)} or a number of standards")
    if n < 1:
        raise ValueError(f"corpus size must be at least 1, got {n}")
    return n


def _apportion(total: int, mix: dict[str, int]) -> list[str]:
    """Exactly `total` scenario labels in the proportions of `mix`, each at least once."""
    weight = sum(mix.values())
    counts = {k: max(1, math.floor(total * v / weight)) for k, v in mix.items()}
    order = sorted(mix, key=lambda k: -(total * mix[k] / weight - math.floor(total * mix[k] / weight)))
    for k in itertools.cycle(order):
        short = total - sum(counts.values())
        if short <= 0:
            break
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _places_only_in(text: str, placed: int, cues: tuple[str, ...]) -> bool:
    """True if every place word (`cues`) in `text` lies within its first `placed` characters."""
    for tok in cues:
        i = text.find(tok)
        while i != -1:
            if i + len(tok) > placed:
                return False
            i = text.find(tok, i + 1)
    return True


class _OrgFactory:
    """Builds organisations scenario by scenario; names are unique and carry only their intended place."""

    def __init__(self, rng: random.Random, region: MirrorRegion) -> None:
        self.rng = rng
        self.region = region
        self.names: set[str] = set()
        self.codes: set[str] = set()

    # -- names ---------------------------------------------------------------
    def _try_name(self, prefix: str, body, attempts: int) -> str | None:
        for _ in range(attempts):
            name = prefix + body()
            if name not in self.names and "、" not in name and _places_only_in(name, len(prefix), self.region.cue_tokens):
                self.names.add(name)
                return name
        return None

    def _name(self, prefix: str, body) -> str:
        name = self._try_name(prefix, body, 200)
        if name is None:
            raise RuntimeError(f"cannot find a fresh organisation name after prefix {prefix!r}")
        return name

    def _company_body(self) -> str:
        r = self.rng
        return r.choice(self.region.brands) + r.choice(vocab.INDUSTRIES) + r.choice(vocab.COMPANY_SUFFIXES)

    def district_name(self, district: str) -> str:
        return self._name(self.rng.choice(self.region.name_prefixes[district]), self._company_body)

    def city_name(self) -> str:
        """A name that places the organisation in the region's city but in no district."""
        r, short, city = self.rng, self.region.short, self.region.name
        if r.random() < 0.1:
            prefix = r.choice((f"中国科学院{short}", city, short))
            suffix = "研究所" if prefix != short else "研究院"
            name = self._try_name(prefix, lambda: r.choice(vocab.RESEARCH_FIELDS) + r.choice(("", "技术")) + suffix, 5)
            if name is not None:  # institutes run out in big corpora; firms do not
                return name
        return self._name(r.choice((short, short, city)), self._company_body)

    def register_name(self) -> str:
        """A name for an organisation placed by the register: the city's (苏州…), the province's (江苏…)
        or no place at all."""
        x = self.rng.random()
        if x < 0.55:
            return self.city_name()
        if x < 0.8:
            return self._name(self.region.province_short, self._company_body)
        return self._name("", self._company_body)

    def neutral_name(self) -> str:
        r = self.rng
        if r.random() < 0.45:
            form = r.choice(("中国{}研究院", "国家{}质量检验检测中心", "中国{}研究所"))
            name = form.format(r.choice(vocab.NEUTRAL_FIELDS))
            if name not in self.names and _places_only_in(name, 0, self.region.cue_tokens):
                self.names.add(name)
                return name
        return self._name("", self._company_body)

    def outside_name(self) -> str:
        r = self.rng
        prefix = r.choice(self.region.outside_name_prefixes)
        if r.random() < 0.15:
            name = self._try_name(prefix, lambda: r.choice(vocab.RESEARCH_FIELDS) + r.choice(("研究院", "研究所")), 5)
            if name is not None:
                return name
        return self._name(prefix, self._company_body)

    # -- addresses -------------------------------------------------------------
    def _address(self, place: str) -> str:
        r = self.rng
        for _ in range(50):
            rest = f"{r.choice(self.region.roads)}{r.randint(1, 999)}号"
            if r.random() < 0.3:
                rest += f"{r.randint(1, 30)}幢"
            if _places_only_in(place + rest, len(place), self.region.cue_tokens):
                return place + rest
        raise RuntimeError(f"no clean road found for {place!r}")

    def district_address(self, district: str) -> str:
        r = self.rng
        place = r.choice(self.region.address_prefixes[district])
        if r.random() < 0.3:
            place += r.choice(self.region.gazetteer_towns[district])
        return self._address(place)

    def gazetteer_address(self, district: str) -> str:
        r = self.rng
        city = self.region.name
        return self._address(r.choice((city, self.region.province + city, "")) + r.choice(self.region.gazetteer_towns[district]))

    # -- credit codes ------------------------------------------------------------
    def _code(self, division: str, name: str, valid: bool = True) -> str:
        kind = "12" if name.endswith(("研究所", "研究院", "中心")) else "91"
        while True:
            code = (uscc.make if valid else uscc.make_invalid)(self.rng, division, kind)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def district_code(self, district: str) -> str:
        """A division code that credit codes of firms registered in `district` carry (current or former)."""
        options = [c for c, d in self.region.historical_code.items() if d == district]
        if district in self.region.current_code:
            options.append(self.region.current_code[district])
        return self.rng.choice(options)

    # -- organisations -----------------------------------------------------------
    def make(self, scenario: str, in_region: bool) -> Org:
        r, region = self.rng, self.region
        districts = region.districts
        pick = lambda ds: r.choices(ds, weights=[region.district_weights[districts.index(d)] for d in ds])[0]  # noqa: E731
        d = pick(districts)

        def row(name: str, code: str = "", address: str = "", division: str = "", valid: bool | None = None) -> RegisterRow:
            return RegisterRow(name, code, address, division, (valid if code else None))

        if scenario == "name_district":
            return Org(self.district_name(d), scenario, d, d, None)
        if scenario == "register_address":
            name = self.register_name()
            code = self._code(self.district_code(d), name) if r.random() < 0.5 else ""
            return Org(name, scenario, d, d, row(name, code, self.district_address(d), valid=True))
        if scenario == "register_gazetteer":
            name = self.register_name()
            code = self._code(r.choice(region.city_codes), name) if r.random() < 0.4 else ""
            return Org(name, scenario, d, d, row(name, code, self.gazetteer_address(d), valid=True))
        if scenario == "register_uscc_current":
            d = pick(tuple(region.current_code))
            name = self.register_name()
            return Org(name, scenario, d, d, row(name, self._code(region.current_code[d], name), valid=True))
        if scenario == "register_uscc_historical":
            code = r.choice(tuple(region.historical_code))
            d = region.historical_code[code]
            name = self.register_name()
            return Org(name, scenario, d, d, row(name, self._code(code, name), valid=True))
        if scenario == "register_uscc_city":
            name = self.city_name() if r.random() < 0.5 else self._name("", self._company_body)
            return Org(name, scenario, d, UNKNOWN, row(name, self._code(r.choice(region.city_codes), name), valid=True))
        if scenario == "register_conflict":
            other = pick(tuple(x for x in districts if x != d))
            name = self.register_name()
            code = self._code(self.district_code(other), name)
            return Org(name, scenario, d, d, row(name, code, self.district_address(d), valid=True))
        if scenario == "register_invalid_uscc":
            name = self.city_name()
            code = self._code(self.district_code(pick(districts)), name, valid=False)
            return Org(name, scenario, d, UNKNOWN, row(name, code, valid=False))
        if scenario == "name_city_only":
            return Org(self.city_name(), scenario, d, UNKNOWN, None)
        if scenario == "register_division_field":
            name = self.register_name()
            division = region.current_code[d] if d in region.current_code and r.random() < 0.4 else d
            address = self.district_address(d) if r.random() < 0.3 else ""
            code = self._code(self.district_code(d), name) if r.random() < 0.3 else ""
            return Org(name, scenario, d, d, row(name, code, address, division, valid=True))
        if scenario == "outside_name":
            return Org(self.outside_name(), scenario, None, OUTSIDE, None)
        if scenario == "outside_register":
            city, place, division, roads = r.choice(region.outside_places)
            if place.startswith(region.province) and r.random() < 0.4:
                name = self._name(region.province_short, self._company_body)
            else:
                name = self.neutral_name()
            how = r.random()
            address = f"{place}{r.choice(roads)}{r.randint(1, 300)}号" if how < 0.7 else ""
            code = self._code(division, name) if how > 0.4 else ""
            return Org(name, scenario, None, OUTSIDE, row(name, code, address, valid=True))
        if scenario == "neutral_no_evidence":
            return Org(self.neutral_name(), scenario, d if in_region else None, OUTSIDE, None)
        raise ValueError(f"unknown scenario {scenario!r}")


class Corpus:
    """A seeded corpus of organisations and standards; see the module docstring."""

    def __init__(self, seed: int = 7, size: str | int = "demo", window_start: date = WINDOW_START,
                 window_end: date | None = None, variants: Variants | None = None,
                 region: str = DEFAULT_REGION) -> None:
        self.seed = seed
        # The region the organisations are placed in, read from its folder (`mirror.region`).
        self.region = load_region(region)
        # How the sites serve this corpus where the evidence is contested (`mirror.variants`);
        # the corpus itself, and so the ground truth, is the same under every variant.
        self.variants = variants or Variants()
        # The window only decides what the ground truth counts; the corpus is the same for any window.
        self.window_start = window_start
        self.window_end = window_end
        self.size: str | int = int(size) if isinstance(size, str) and size.isdigit() else size
        self.n = resolve_size(size)
        self.clock = Clock()
        self._lock = threading.Lock()
        self._search_cache: dict[tuple, list[Standard]] = {}
        self._additions = 0
        rng = random.Random(f"stdwatch-mirror:{seed}:{self.n}")
        self.orgs: list[Org] = self._make_orgs(rng)
        self._org_ids = list(range(len(self.orgs)))
        in_region = [i for i, o in enumerate(self.orgs) if o.true_district is not None]
        outside = [i for i, o in enumerate(self.orgs) if o.true_district is None]
        # A few organisations lead many standards, most lead a few.
        self._lead_pools = [(pool, list(itertools.accumulate(1 / (k + 1) ** 0.6 for k in range(len(pool)))))
                            for pool in (in_region, outside)]
        self.standards: list[Standard] = []
        # Numbers in use ("GB/T 41234"), to keep new ones unique; dropped once the
        # corpus is built and rebuilt only if standards are added.
        self._roots: set[str] | None = set()
        self._by_id: dict[str, Standard] = {}
        self._ints: dict[int, int] = {}
        self._generate(rng)
        self._roots = None
        self._rebuild_order()
        # The other portals' registries (dbba, hbba, ttbz, qybz, committees, openstd, the plan page):
        # drawn from their own generators, so the std.samr part above is unchanged by them.
        from mirror import registries  # noqa: PLC0415 - registries builds on this module

        registries.populate(self)

    # -- generation ----------------------------------------------------------------
    def _make_orgs(self, rng: random.Random) -> list[Org]:
        scale = max(1.0, math.sqrt(self.n / SIZES["demo"]))
        plan = [(s, True) for s in _apportion(round(500 * scale), _REGION_MIX)]
        plan += [(s, False) for s in _apportion(round(400 * scale), _OUTSIDE_MIX)]
        rng.shuffle(plan)
        factory = _OrgFactory(rng, self.region)
        return [factory.make(scenario, in_region) for scenario, in_region in plan]

    def _draw_units(self, rng: random.Random) -> tuple[int, ...]:
        pool, cum = self._lead_pools[0 if rng.random() < REGION_LEAD_SHARE else 1]
        lead = pool[bisect.bisect_left(cum, rng.random() * cum[-1])]
        k = rng.choices(range(1, 9), weights=(10, 14, 16, 16, 14, 12, 10, 8))[0]
        units = [lead]
        while len(units) < k:
            # Co-drafters come from the std.samr organisations (the registries append more after them).
            o = self._org_ids[rng.randrange(len(self._org_ids))]  # shared int objects: big corpora repeat them
            if o not in units:
                units.append(o)
        return tuple(units)

    def _new_standard(self, rng: random.Random, tid: int, issue: date, input_ts: int) -> Standard:
        s = Standard(len(self.standards), tid, self.clock)
        while True:
            s.id = f"{rng.getrandbits(128):032X}"
            if s.id not in self._by_id:
                break
        # Days and years repeat across a big corpus: share one int object per value.
        s.issue = self._ints.setdefault(issue.toordinal(), issue.toordinal())
        s.year = self._ints.setdefault(issue.year, issue.year)
        offset = 0 if rng.random() < 0.05 else rng.randint(90, 400)
        s.act_offset = self._ints.setdefault(offset, offset)
        s.input_ts = input_ts
        if tid == NATIONAL:
            s.domain = rng.randrange(len(vocab.GB_DOMAINS))
            s.subject = rng.randrange(len(vocab.GB_DOMAINS[s.domain]["subjects"]))
            s.prefix = rng.choices(("GB/T", "GB", "GB/Z"), weights=(80, 14, 6))[0]
        else:
            s.prefix = rng.choice(tuple(vocab.HB_DOMAINS))
            s.domain = 0
            s.subject = rng.randrange(len(vocab.HB_DOMAINS[s.prefix][4]))
        s.aspect = rng.randrange(-3, len(vocab.ASPECTS))  # negative: the subject alone is the title
        s.units = self._draw_units(rng)
        x = rng.random()
        s.code_variant = 1 if x < 0.04 else 2 if x < 0.07 else 3 if x < 0.10 else 0
        s.highlight = rng.random() < 0.20
        x = rng.random()
        s.draft_unit_mode = 1 if x < 0.09 else 2 if x < 0.15 else 0
        s.empty_repe = "," if rng.random() < 0.65 else ""
        if rng.random() < (0.10 if s.draft_unit_mode else 0.015):
            s.spam_unit = rng.randrange(len(s.units))
            s.spam_text = rng.randrange(len(vocab.SPAM))
        self.standards.append(s)
        self._by_id[s.id] = s
        return s

    def _input_ts(self, rng: random.Random, issue: date) -> int:
        day = issue + timedelta(days=rng.randint(2, 40))
        return (day - _EPOCH.date()).days * 86400 + rng.randint(8 * 3600, 19 * 3600)

    def _give_number(self, rng: random.Random, s: Standard, rank: float, width: int) -> None:
        """A fresh number for a standard that revises nothing; national numbers grow with time."""
        while True:
            part = ""
            if s.tid == NATIONAL and rng.random() < 0.2:
                number = rng.randint(1000, 36999)
                if rng.random() < 0.5:
                    part = f".{rng.randint(1, 6)}"
            elif s.tid == NATIONAL:
                number = 37000 + int(rank * width) + rng.randrange(60)
                if rng.random() < 0.1:
                    part = f".{rng.randint(1, 4)}"
            else:
                number = rng.randint(1, width)
                if rng.random() < 0.08:
                    part = f".{rng.randint(1, 4)}"
            root = f"{number}{part}"
            if f"{s.prefix} {root}" not in self._roots:
                self._roots.add(f"{s.prefix} {root}")
                s.root = root
                s.part = int(part[1:]) if part else 0
                return

    def _revise(self, new: Standard, old: Standard) -> None:
        new.prefix, new.root, new.part = old.prefix, old.root, old.part
        new.domain, new.subject, new.aspect = old.domain, old.subject, old.aspect
        new.replaces = old.idx
        old.replaced_by = new.idx

    def _generate(self, rng: random.Random) -> None:
        pre_days = (SPLIT - FIRST_ISSUE).days
        in_days = (LAST_ISSUE - SPLIT).days + 1
        n_national = round(self.n * 0.6)
        for i in range(self.n):
            if rng.random() < 0.40:
                issue = FIRST_ISSUE + timedelta(days=rng.randrange(pre_days))
            else:
                issue = SPLIT + timedelta(days=rng.randrange(in_days))
            self._new_standard(rng, NATIONAL if i < n_national else INDUSTRY, issue, self._input_ts(rng, issue))

        # Numbers and revisions, in issue order: a revision takes the number of an
        # older standard (issued in an earlier year) of the same kind.
        for tid in (NATIONAL, INDUSTRY):
            order = sorted((s for s in self.standards if s.tid == tid), key=lambda s: (s.issue, s.id))
            width = max(10_000, 3 * len(order)) if tid == NATIONAL else max(1_500, len(order))
            pool: list[Standard] = []
            ready = 0
            for rank, s in enumerate(order):
                while ready < len(order) and order[ready].year < s.year:
                    pool.append(order[ready])
                    ready += 1
                if pool and rng.random() < _REVISION_P:
                    j = rng.randrange(len(pool))
                    pool[j], pool[-1] = pool[-1], pool[j]
                    self._revise(s, pool.pop())
                else:
                    self._give_number(rng, s, rank / len(order), width)

        for s in self.standards:
            if s.replaced_by < 0 and s.issue_date < date(2022, 1, 1) and rng.random() < 0.04:
                s.abolished = True

        # A few malformed rows, never part of a revision pair.
        loose = [s for s in self.standards if s.replaces < 0 and s.replaced_by < 0]
        k = min(len(loose), max(2, round(self.n * _DEFECT_SHARE)))
        for j, s in enumerate(rng.sample(loose, k)):
            s.defect = 1 + j % 2

    def _rebuild_order(self) -> None:
        """Rows per tid, newest SYS_INPUTIME first (ties: larger id first)."""
        self._order = {
            tid: sorted((s for s in self.standards if s.tid == tid), key=lambda s: (s.input_ts, s.id), reverse=True)
            for tid in (NATIONAL, INDUSTRY)
        }
        self._search_cache.clear()

    # -- growth --------------------------------------------------------------------
    def add_standards(self, n: int, input_time: datetime | str | None = None, *, late: bool = False) -> list[Standard]:
        """Add `n` new, well-formed standards entered at `input_time` (default: a day after the newest).

        Their SYS_INPUTIME is later than every existing row's (one second apart,
        starting at `input_time`); ~15% revise an existing standard (which becomes
        被代替). Issued 2–40 days before they were entered, or with `late=True`
        30–150 days before (a standard entered late: in a list ordered by issue date
        it sits among rows loaded long ago). The ground truth counts them by issue
        date, like every standard. Deterministic for a given sequence of calls.
        """
        if isinstance(input_time, str):
            input_time = datetime.strptime(input_time, "%Y-%m-%d %H:%M:%S")
        with self._lock:
            if self._roots is None:
                self._roots = {f"{s.prefix} {s.root}" for s in (*self.standards, *self.hbba_only)}
            newest = max(s.input_ts for s in self.standards)
            if input_time is None:
                start = newest + 86400
            else:
                start = int((input_time - _EPOCH).total_seconds())
                if start <= newest:
                    raise ValueError(
                        f"input_time {input_time} is not later than the newest SYS_INPUTIME "
                        f"{_EPOCH + timedelta(seconds=newest)}"
                    )
            rng = random.Random(f"stdwatch-mirror:{self.seed}:{self.n}:add:{self._additions}")
            self._additions += 1
            entered = (_EPOCH + timedelta(seconds=start)).date()
            added = []
            for i in range(n):
                tid = NATIONAL if rng.random() < 0.6 else INDUSTRY
                issue = entered - timedelta(days=rng.randint(30, 150) if late else rng.randint(2, 40))
                s = self._new_standard(rng, tid, issue, start + i)
                old = self._revisable(rng, s) if rng.random() < 0.15 else None
                if old is not None:
                    self._revise(s, old)
                else:
                    width = max(10_000, 3 * len(self.standards)) if tid == NATIONAL else max(1_500, len(self.standards))
                    self._give_number(rng, s, 1.0, width)
                added.append(s)
            self._rebuild_order()
            return added

    def _revisable(self, rng: random.Random, new: Standard) -> Standard | None:
        for _ in range(30):
            old = self.standards[rng.randrange(len(self.standards) - 1)]
            if old.tid == new.tid and old.year < new.year and old.replaced_by < 0 and not old.defect:
                return old
        return None

    # -- queries --------------------------------------------------------------------
    def by_id(self, std_id: str) -> Standard | None:
        return self._by_id.get(std_id)

    def search(self, tid: int, issued_from: date | None = None, issued_to: date | None = None,
               name_contains: str = "") -> Sequence[Standard]:
        """Standards of one tid, newest SYS_INPUTIME first, filtered like the advanced search."""
        key = (tid, issued_from, issued_to, name_contains)
        with self._lock:
            order = self._order.get(tid, [])
            if not (issued_from or issued_to or name_contains):
                return order
            hit = self._search_cache.get(key)
            if hit is None:
                lo = issued_from.toordinal() if issued_from else -1
                hi = issued_to.toordinal() if issued_to else 1 << 30
                hit = [s for s in order if lo <= s.issue <= hi and (not name_contains or name_contains in title(s))]
                if len(self._search_cache) > 64:
                    self._search_cache.clear()
                self._search_cache[key] = hit
            return hit

    def qybz_home(self) -> list:
        """The latest 100 enterprise-standard disclosures (`registries.Record`), newest first: all qybz's homepage shows."""
        return self._qybz_home

    def register_rows(self) -> list[RegisterRow]:
        return [o.register for o in self.orgs if o.register is not None]


def title(s: Standard) -> str:
    """The standard's Chinese title."""
    if s.tid == NATIONAL:
        subject = vocab.GB_DOMAINS[s.domain]["subjects"][s.subject][0]
    else:
        subject = vocab.HB_DOMAINS[s.prefix][4][s.subject][0]
    if s.aspect < 0:
        return subject if not s.part else f"{subject} 第{s.part}部分：总则"
    aspect = vocab.ASPECTS[s.aspect][0]
    if s.part:
        return f"{subject} 第{s.part}部分：{aspect}"
    return f"{subject} {aspect}" if " " in subject else subject + aspect


def english_title(s: Standard) -> str:
    if s.tid == NATIONAL:
        subject = vocab.GB_DOMAINS[s.domain]["subjects"][s.subject][1]
    else:
        subject = vocab.HB_DOMAINS[s.prefix][4][s.subject][1]
    if s.aspect < 0:
        return subject if not s.part else f"{subject}—Part {s.part}: General"
    aspect = vocab.ASPECTS[s.aspect][1]
    return f"{subject}—Part {s.part}: {aspect}" if s.part else f"{subject}—{aspect}"
