"""The mirror's calendar: day 0 is the corpus as built; each further day publishes what a real day brings.

    calendar = Calendar(corpus)          # day 0, dated `DAY0` (the corpus's `AS_OF`, 2026-12-31)
    calendar.advance_to(5)               # the corpus, its notices and every site now show day 5
    calendar.published(5)                # what day 5 published: the day log
    ground_truth(corpus), notice_truth(notice_corpus(corpus))   # the truth as of day 5

What a day brings (drawn from `random.Random` seeded by (seed, size, day), so day N is the same
whoever asks, in any process, as long as days are published in order — `advance_to` does):

- new std.samr standards (national, industry; `Corpus.add_standards`, entered at 09:00 that day),
  some entered late (issued 30–150 days before), ~15% revising an older number (which becomes
  被代替); the industry ones hbba lists, the national ones openstd lists, as on day 0;
- a new local standard (dbba: DB32/T or DB3205/T, filed that day, issued up to 60 days before),
  a new group standard (ttbz), a new enterprise standard (qybz's homepage), on some days. ttbz and
  qybz date them the day they publish them or the day before;
- status changes: 即将实施 → 现行 as the clock passes a standard's implementation date, and now and
  then a current national standard abolished (废止);
- notices: a decision with its list (an HTML table or an xlsx attachment) on some days; every
  ten days a 公示, whose decision follows a week later (one entry dropped); every twelve days a
  notice's title corrected (an edited notice: same list, same URL); every fifteen days a decision
  listed whose article answers 404 (withdrawn), put up again the next day at a new address;
- every fourteen days a new technical committee with its secretariat in Suzhou;
- the plan page unchanged.

`published(day)` lists each change with the pages beyond the lists a crawler must read to have
it (`Published.pages`: a detail page, an article, an attachment): `minimum_requests` builds the
floor a nightly's requests are measured against from it.

Status and dates follow the corpus's clock (`Corpus.clock`), and the relative date filters of
hbba/dbba/openstd follow `corpus.today`: both are set to the day's date.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from mirror import vocab
from mirror.corpus import AS_OF, INDUSTRY, NATIONAL, Corpus, Org
from mirror.notices import (
    DECISION, PRELIMINARY, SPECS, Batch, NoticeCorpus, _prelim_variant,
)
from mirror.registries import (
    ENTERPRISE, GROUP, LOCAL, PUBLISHED, QYBZ_HOME_ROWS, Committee, Record, _draw, _hex, _Orgs, _units, hbba_view,
)

__all__ = ["DAY0", "Calendar", "Published", "minimum_requests", "samr_list_pages"]

DAY0 = AS_OF
_UID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class Published:
    """One change a day brought: `kind`, the site showing it, what it is, and the pages beyond the
    lists that carry it — (site, path) pairs a crawler must read to have it."""

    day: int
    kind: str  # standard | revision | status | committee | notice | preliminary | decision | edit | withdrawn
    site: str
    what: str
    pages: tuple[tuple[str, str], ...] = ()


@dataclass
class Calendar:
    """Publishes a corpus day by day (see the module docstring). The corpus, its notices
    (`corpus.notices`, its own from now on) and every site serving it change in place."""

    corpus: Corpus
    day: int = 0
    log: dict[int, list[Published]] = field(default_factory=dict)
    _pending: dict[int, list] = field(default_factory=dict)  # day → (what, batch, …) announced for then

    def __post_init__(self) -> None:
        if "notices" not in self.corpus.__dict__:
            self.corpus.notices = NoticeCorpus(self.corpus)
        self.notices: NoticeCorpus = self.corpus.notices
        self.corpus.qybz_seen = {r.idx for r in self.corpus.qybz_home()}
        self._set_clock(self.day)

    @staticmethod
    def date_of(day: int) -> date:
        return DAY0 + timedelta(days=day)

    def advance_to(self, day: int) -> None:
        """Publish every day after the current one up to `day` (a day already past is an error)."""
        if day < self.day:
            raise ValueError(f"the mirror is at day {self.day}; it cannot go back to day {day} (start a new mirror)")
        while self.day < day:
            self.day += 1
            self._publish(self.day)

    def published(self, day: int) -> list[Published]:
        """What `day` published (nothing for day 0: that is the corpus as built)."""
        return list(self.log.get(day, []))

    # -- one day ---------------------------------------------------------------------------------
    def _set_clock(self, day: int) -> None:
        self.corpus.clock.today = self.date_of(day)
        self.corpus.today = self.date_of(day)

    def _publish(self, day: int) -> None:
        rng = random.Random(f"stdwatch-calendar:{self.corpus.seed}:{self.corpus.n}:{day}")
        self._set_clock(day)
        out: list[Published] = []
        self._samr(day, rng, out)
        if rng.random() < 0.35:
            self._local(day, rng, out)
        if rng.random() < 0.4:
            self._group(day, rng, out)
        if rng.random() < 0.3:
            self._enterprise(day, rng, out)
        if rng.random() < 0.2:
            self._abolish(day, rng, out)
        if day % 14 == 0:
            self._committee(day, rng, out)
        self._notices(day, rng, out)
        self.log[day] = out

    def _samr(self, day: int, rng: random.Random, out: list[Published]) -> None:
        entered = datetime.combine(self.date_of(day), time(9))
        for late, n in ((False, rng.choice((0, 1, 1, 2, 2, 3))), (True, int(rng.random() < 0.3))):
            if not n:
                continue
            start = max(entered, max(s.input_time for s in self.corpus.standards) + timedelta(seconds=1))
            for s in self.corpus.add_standards(n, start, late=late):
                pages = []
                if s.draft_unit_mode != 0:  # the list row names no drafter: the detail page does
                    pages.append(("samr", s.detail_path))
                if s.tid == INDUSTRY and hbba_view(s).listed:
                    pages.append(("hbba", f"/stdDetail/{hbba_view(s).pk}"))
                out.append(Published(day, "standard", "samr", s.std_no, tuple(pages)))
                if s.replaces >= 0:
                    out.append(Published(day, "revision", "samr",
                                         f"{s.std_no} replaces {self.corpus.standards[s.replaces].std_no}"))

    def _lead(self, rng: random.Random, suzhou_share: float) -> int:
        suzhou, outside = self.corpus._lead_pools
        return _draw(rng, *(suzhou if rng.random() < suzhou_share else outside))

    def _local(self, day: int, rng: random.Random, out: list[Published]) -> None:
        c = self.corpus
        rec = Record(len(c.local), LOCAL, c.clock)
        issue = self.date_of(day) - timedelta(days=rng.randint(5, 60))
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(30, 180), (self.date_of(day) - issue).days
        rec.uid = _hex(rng, 64)
        if rng.random() < 0.5:
            rec.prefix, rec.region, rec.charge_dept = c.region.local_prefix, c.region.name, c.region.regulator
        else:
            rec.prefix, rec.region, rec.charge_dept = "DB32/T", "江苏省", "江苏省市场监督管理局"
        rec.province, rec.ministry = "江苏省", "jszjj"
        rec.units = _units(rng, c, self._lead(rng, 0.7))
        rec.subject = rng.randrange(len(vocab.LOCAL_SUBJECTS))
        rec.title = vocab.LOCAL_SUBJECTS[rec.subject] + rng.choice(vocab.LOCAL_ASPECTS)
        rec.root = str(1 + max((int(r.root) for r in c.local if r.prefix == rec.prefix and r.root.isdigit()),
                               default=1000))
        rec.drafters = PUBLISHED
        c.local.append(rec)
        c.local_by_uid[rec.uid] = rec
        out.append(Published(day, "standard", "dbba", rec.std_no, (("dbba", f"/stdDetail/{rec.uid}"),)))

    def _group(self, day: int, rng: random.Random, out: list[Published]) -> None:
        c = self.corpus
        a = rng.choice(c.associations)
        rec = Record(len(c.group), GROUP, c.clock)
        rec.publisher = a.idx
        issue = self.date_of(day) - timedelta(days=rng.randint(0, 1))
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(0, 60), 0
        while True:
            rec.uid = "".join(rng.choice(_UID_CHARS) for _ in range(31))
            if rec.uid not in c.group_by_uid:
                break
        rec.units = _units(rng, c, self._lead(rng, 0.6))
        rec.prefix = f"T/{a.code}"
        mine = [int(r.root) for r in c.group if r.publisher == a.idx and r.root.isdigit()]
        rec.root = f"{1 + max(mine, default=0):03d}"
        domain = vocab.GB_DOMAINS[rng.randrange(len(vocab.GB_DOMAINS))]
        rec.subject = rng.randrange(len(domain["subjects"]))
        rec.title = domain["subjects"][rec.subject][0] + rng.choice(vocab.ASPECTS)[0]
        rec.num_id = max(r.num_id for r in c.group) + 7
        rec.drafters = PUBLISHED
        c.group.append(rec)
        c.group_by_uid[rec.uid] = rec
        out.append(Published(day, "standard", "ttbz", rec.std_no, (("ttbz", f"/standardDetail/{rec.uid}.html"),)))

    def _enterprise(self, day: int, rng: random.Random, out: list[Published]) -> None:
        c = self.corpus
        e = rng.choice(c.enterprises)
        rec = Record(len(c.enterprise), ENTERPRISE, c.clock)
        rec.publisher = e.idx
        issue = self.date_of(day) - timedelta(days=rng.randint(0, 1))
        rec.issue, rec.year = issue.toordinal(), issue.year
        rec.act_offset, rec.record_offset = rng.randint(0, 30), 0
        rec.uid = _hex(rng, 32)
        rec.num_id = rng.getrandbits(40)
        rec.units = (e.org,)
        rec.prefix = f"Q/{e.code}"
        rec.root = f"{1 + sum(r.publisher == e.idx for r in c.enterprise):03d}"
        rec.subject = rng.randrange(len(vocab.ENTERPRISE_PRODUCTS))
        rec.title = vocab.ENTERPRISE_PRODUCTS[rec.subject] + rng.choice(vocab.ENTERPRISE_ASPECTS)
        rec.code_variant = 1
        c.enterprise.append(rec)
        c.enterprise_by_uid[rec.uid] = rec
        c._qybz_home = sorted(c.enterprise, key=lambda r: (r.issue, r.num_id), reverse=True)[:QYBZ_HOME_ROWS]
        c.qybz_seen |= {r.idx for r in c._qybz_home}
        out.append(Published(day, "standard", "qybz", rec.std_no, (("qybz", f"/user/detail/{rec.uid}"),)))

    def _abolish(self, day: int, rng: random.Random, out: list[Published]) -> None:
        current = [s for s in self.corpus.standards[-400:] if s.tid == NATIONAL and s.status == "现行"
                   and not s.defect and s.id not in self.corpus.openstd_status]
        if current:
            s = rng.choice(current)
            s.abolished = True
            out.append(Published(day, "status", "samr", f"{s.std_no} 现行 → 废止"))

    def _committee(self, day: int, rng: random.Random, out: list[Published]) -> None:
        c = self.corpus
        c._org_names = {o.name for o in c.orgs}
        c._org_codes = set()
        try:
            orgs = _Orgs(c, rng)
            district = rng.choices(c.region.districts, weights=c.region.district_weights)[0]
            name = orgs.factory._name(rng.choice(c.region.name_prefixes[district]), orgs.institute_body)
            address = orgs.factory.district_address(district)
            secretariat = orgs.add(Org(name, "name_district", district, district, None))
        finally:
            del c._org_names, c._org_codes
        numbers = {int(x.code[2:].split("/")[0]) for x in c.committees}
        number = 1 + max(numbers)
        names = {x.name for x in c.committees}
        field_, en, intl = next(((f, e, i) for f, e, i in vocab.TC_FIELDS
                                 if f"全国{f}标准化技术委员会" not in names), rng.choice(vocab.TC_FIELDS))
        cname = f"全国{field_}标准化技术委员会"
        if cname in names:
            cname = f"全国第{number}{field_}标准化技术委员会"
        committee = Committee(
            idx=len(c.committees), uid=f"{rng.getrandbits(128):032X}", code=f"TC{number}", kind="TC", name=cname,
            short_name=f"{field_}标委会",
            en_name=f"National Technical Committee {number} on {en} of Standardization Administration of China",
            scope=f"负责{field_}领域的术语、分类、产品、方法和管理等国家标准制修订工作", intl=intl or "无",
            secretariat=secretariat, province=c.region.province, city=c.region.name, address=address,
            postcode=c.region.postcode(rng), phone=c.region.phone(rng), established=self.date_of(day), term="第一届",
            secretary=rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN_CHARS),
            founder="国家标准化管理委员会",
        )
        c.committees.append(committee)
        c.committee_by_uid[committee.uid] = committee
        out.append(Published(day, "committee", "samr", f"{committee.code} {cname}",
                             (("samr", f"/search/orgDetailView?data_id={committee.uid}"),)))

    # -- notices -----------------------------------------------------------------------------------
    def _notices(self, day: int, rng: random.Random, out: list[Published]) -> None:
        nc = self.notices
        nc._rng = rng  # the notices' own helpers draw from the day's generator
        for what, *args in self._pending.pop(day, []):
            if what == "decide":
                self._decide(day, *args, out=out)
            else:
                self._republish(day, *args, out=out)
        if rng.random() < 0.25:
            kind = rng.choice(list(SPECS))
            batch = self._batch(rng, kind)
            batch.decided_on = self._today()
            self._announce(day, batch, DECISION, batch.entries, rng.choice(("html", "xlsx")), "decision", out)
        if day % 10 == 3:
            kind = rng.choice([k for k, spec in SPECS.items() if spec.preliminary])
            batch = self._batch(rng, kind)
            batch.dropped, batch.entries = batch.entries, []
            batch.decided_on = None
            self._announce(day, batch, PRELIMINARY, [_prelim_variant(e) for e in batch.dropped], "html",
                           "preliminary", out)
            self._pending.setdefault(day + 7, []).append(("decide", batch))
        if day % 12 == 6:
            self._edit(day, out)
        if day % 15 == 8:
            batch = self._batch(rng, rng.choice(list(SPECS)))
            notice = self._notice(batch, DECISION, batch.entries, "html")
            notice.withdrawn = True  # listed, but the article answers 404; the list counts from its new address
            batch.notices.append(notice)
            entries, batch.entries, batch.decided_on = batch.entries, [], None
            nc.publish(batch, notice)
            out.append(Published(day, "withdrawn", notice.site, notice.title, ((notice.site, notice.path),)))
            self._pending.setdefault(day + 1, []).append(("republish", batch, notice, entries))

    def _today(self) -> date:
        return self.corpus.clock.today

    def _batch(self, rng: random.Random, kind: str) -> Batch:
        spec = SPECS[kind]
        level = "市级" if "市级" in spec.levels else spec.levels[-1]
        entries = [self.notices._entry(kind, level, True, "in") for _ in range(rng.randint(2, 4))]
        return Batch(kind, level, entries, None, [], readable=True)

    def _notice(self, batch: Batch, role: str, entries: list, fmt: str):
        nc = self.notices
        rng = nc._rng
        site, column = nc.site_and_column(rng, batch.level)
        if batch.notices:  # a batch's notices stay on its site and column
            site, column = batch.notices[0].site, batch.notices[0].column
        return nc._notice(batch, site, column, self._today(), role, SPECS[batch.kind], list(entries), fmt, True)

    def _announce(self, day: int, batch: Batch, role: str, entries: list, fmt: str, kind: str,
                  out: list[Published]) -> None:
        notice = self._notice(batch, role, entries, fmt)
        batch.notices.append(notice)
        self.notices.publish(batch, notice)
        out.append(Published(day, kind, notice.site, notice.title, _pages(notice)))

    def _decide(self, day: int, batch: Batch, *, out: list[Published]) -> None:
        """The decision after a 公示: every entry but one (dropped at the 公示 stage)."""
        batch.entries, batch.dropped = batch.dropped[:-1], batch.dropped[-1:]
        batch.decided_on = self._today()
        self._announce(day, batch, DECISION, batch.entries, "xlsx", "decision", out)

    def _republish(self, day: int, batch: Batch, withdrawn, entries: list, *, out: list[Published]) -> None:
        self.notices.withdraw(withdrawn)
        batch.entries, batch.decided_on = entries, self._today()
        self._announce(day, batch, DECISION, entries, "html", "decision", out)  # on the same site and column
        batch.notices.remove(withdrawn)

    def _edit(self, day: int, out: list[Published]) -> None:
        """A recent decision's title corrected: the same list at the same address."""
        recent = [n for n in self.notices.notices if n.role == DECISION and not n.withdrawn
                  and not n.title.endswith("（更正）") and (self._today() - n.published).days <= 30]
        if recent:
            notice = recent[0]
            notice.title += "（更正）"
            self.notices._changed()
            out.append(Published(day, "edit", notice.site, notice.title, _pages(notice)))


def _pages(notice) -> tuple[tuple[str, str], ...]:
    pages = [(notice.site, notice.path)]
    if notice.attachment_href:
        pages.append((notice.site, notice.attachment_href))
    return tuple(pages)


# How long after its issue a standard may be entered on std.samr (`Corpus.add_standards(late=True)`:
# issued 30–150 days before it is entered).
LATEST_LATE_ENTRY = timedelta(days=150)


def samr_list_pages(corpus: Corpus, day: int) -> int:
    """The std.samr list pages a night must read to see the day's entries, over its two types: one
    each where the list is newest-entry first (the day's entries lead it); where it is newest-issue
    first (`samr_order=issue`) a late entry may be anywhere among the rows issued since
    `LATEST_LATE_ENTRY` before, so every page of those, at the rows the portal serves a page."""
    if corpus.variants.samr_order == "entry":
        return 2
    since = Calendar.date_of(day) - LATEST_LATE_ENTRY
    rows = (len(corpus.search(tid, since, None, "")) for tid in (NATIONAL, INDUSTRY))
    return sum(max(1, -(-n // corpus.variants.samr_page_cap)) for n in rows)


# The lists a nightly must read every night however quiet: one page per list, or every page of a
# list that has no order to stop by (the committee directory: a change may be on any page).
def minimum_requests(published: Iterable[Published], *, directory_pages: int, samr_pages: int) -> int:
    """The fewest requests that read a night's news: one page per list the nightly walks (std.samr's
    two types — `samr_pages`, more where its order hides the day's entries: `samr_list_pages` —,
    hbba, dbba's two — the province's filings and the city's own prefix, since whether a city's
    standards are filed under the province is unknown —, openstd, ttbz, qybz's homepage, the four
    notice columns, the plan page), every page of the committee directory (`directory_pages`), and
    each page that carries something new (`Published.pages`, each once)."""
    lists = samr_pages + 1 + 2 + 1 + 1 + 1 + 4 + 1
    pages = {page for p in published for page in p.pages}
    return lists + directory_pages + len(pages)
