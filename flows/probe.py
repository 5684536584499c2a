"""`stdwatch probe`: each source's portal contract, checked live with one or two requests per endpoint.

The first thing to run on a machine that reaches the live portals (docs/operations.md, "First live
run"). Every request goes through the run's `HttpClient` (the same politeness, host allow-list and
archive as a nightly: run `probe` twice and the archive holds both), against the base URLs of the
settings — so `STDWATCH_CONFIG` or `STDWATCH_BASE_URLS__*` pointing at `stdwatch mirror` probes the
mirror. Each fact is one line of a table `source | fact | expected | seen | ok`.

A fact comes from the source's contract (the opening docstring of `extract/sources/<name>.py`, with
its portals.md grades): the endpoint answers; the JSON keys or selectors the parser reads are there;
the page size served; the list order; the date format; redirects. A **contested** fact (samr's page
cap 20 or 50, its list order, page 2's suffix on scjgj, hbba/dbba answering on their own host or
redirected) is reported as seen and is ok under every reading the product handles; only a real drift
fails. When an endpoint does not answer, or its list is not where the contract says, the facts that
depend on it are not checked (the one failing fact names the drift).

Adding a source: one `_probe_<name>(checks, client, settings)` section below and one line in `PROBES`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from extract.archive import Archive
from extract.http import FetchError, Fetched, HttpClient
from extract.sources import notices as notices_source
from extract.sources import openstd as openstd_source
from extract.sources import qybz as qybz_source
from extract.sources import sacinfo as sacinfo_source
from extract.sources import samr as samr_source
from extract.sources import tc as tc_source
from extract.sources import ttbz as ttbz_source
from flows.settings import Settings
from transform.dates import DateError, parse_date
from transform.parsers import notices as notices_parser
from transform.parsers import openstd as openstd_parser
from transform.parsers import qybz as qybz_parser
from transform.parsers import samr as samr_parser
from transform.parsers import sacinfo as sacinfo_parser
from transform.parsers import tc as tc_parser
from transform.parsers import ttbz as ttbz_parser
from transform.parsers.common import html_document
from transform.records import Provenance

__all__ = ["PROBES", "Fact", "run_probe"]

DATES_READ = 0.9  # share of a page's dates the product must read for the format to hold (a few rows are defects)


@dataclass(frozen=True, slots=True)
class Fact:
    source: str  # the portal, by its base-URL key (samr, hbba, scjgj_suzhou…)
    fact: str
    expected: str
    seen: str
    ok: bool


@dataclass
class Checks:
    """One portal's facts as they are checked."""

    source: str
    facts: list[Fact] = field(default_factory=list)

    def check(self, fact: str, expected: str, seen: str, ok: bool) -> bool:
        self.facts.append(Fact(self.source, fact, expected, seen, bool(ok)))
        return bool(ok)

    def answers(self, fact: str, call: Callable[[], Fetched]) -> Fetched | None:
        """`fact` = "<endpoint> answers": ok for a 2xx answer; the answer, or None when there is none."""
        try:
            fetched = call()
        except FetchError as exc:
            self.check(fact, "HTTP 2xx", f"{type(exc).__name__}: {exc}"[:160], False)
            return None
        moved = f", redirected from {' → '.join(fetched.redirected_from)}" if fetched.redirected_from else ""
        ok = self.check(fact, "HTTP 2xx", f"HTTP {fetched.status} at {urlsplit(fetched.url).path}{moved}", fetched.ok)
        return fetched if ok else None

    def json(self, fact: str, fetched: Fetched, expected: str, find: Callable[[Any], Any]) -> Any:
        """The value `find` takes out of the page's JSON (a KeyError/TypeError/ValueError: not there)."""
        try:
            value = find(json.loads(fetched.text))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            start = fetched.text[:60].replace("\n", " ")
            self.check(fact, expected, f"not there ({type(exc).__name__}: {exc}); the page starts {start!r}"[:160],
                       False)
            return None
        self.check(fact, expected, "present", True)
        return value


def _provenance(fetched: Fetched) -> Provenance:
    return Provenance(**fetched.provenance_fields())


def _keys(checks: Checks, fact: str, row: dict, wanted: Iterable[str]) -> bool:
    missing = [k for k in wanted if k not in row]
    return checks.check(fact, ", ".join(wanted), f"missing {', '.join(missing)}" if missing else "all present",
                        not missing)


def _dates(checks: Checks, fact: str, expected: str, values: list[Any]) -> None:
    """Ok when the product reads at least DATES_READ of the values (`transform.dates.parse_date`)."""
    read = 0
    for value in values:
        try:
            read += parse_date(value) is not None
        except DateError:
            pass
    sample = (repr(values[0]) if isinstance(values[0], str) else str(values[0])) if values else "no values"
    checks.check(fact, expected, f"{read} of {len(values)} read, e.g. {sample}",
                 bool(values) and read >= DATES_READ * len(values))


def _page_size(checks: Checks, fact: str, served: int, asked: int, total: int | None, readings: str) -> None:
    """Whatever the cap, the product pages by what was served (`extract.paging`): a page larger than
    asked, or an empty first page of a list that states rows, is a drift; any smaller size is not."""
    checks.check(fact, f"≤ {asked} asked ({readings})",
                 f"{served} of {asked} asked" + (f", total {total}" if total is not None else ""),
                 served <= asked and (served > 0 or total == 0))


def _order(checks: Checks, fact: str, readings: dict[str, list[Any]], handled: Iterable[str]) -> None:
    """Which readings of the list order hold on this page (each a list of sortable keys, newest first)."""
    held = [name for name, keys in readings.items()
            if len(keys) > 1 and all(a >= b for a, b in zip(keys, keys[1:]))]
    handled = list(handled)
    either = " (either is handled)" if len(handled) > 1 else ""
    checks.check(fact, " or ".join(f"{h} newest first" for h in handled) + either,
                 (" and ".join(held) + " newest first") if held else "neither",
                 any(h in held for h in handled))


# -- std.samr.gov.cn ------------------------------------------------------------------------------

SAMR_ROW_KEYS = ("id", "C_STD_CODE", "C_C_NAME", "STATE", "ISSUE_DATE", "SYS_INPUTIME")


def _probe_samr(checks: Checks, client: HttpClient, settings: Settings) -> None:
    for tid, kind in samr_source.TIDS.items():
        _probe_samr_tid(checks, client, settings, tid, kind)


def _probe_samr_tid(checks: Checks, client: HttpClient, settings: Settings, tid: int, kind: str) -> None:
    base, size = settings.base_url("samr"), settings.page_size

    def page(n: int) -> Fetched:
        params = samr_source.list_params(tid, n, size, settings.window_start, settings.window_end)
        return client.fetch("GET", samr_source.list_url(base), source=samr_source.SOURCE, params=params,
                            headers=samr_source.list_headers(base))

    first = checks.answers(f"{kind} list answers", lambda: page(1))
    if first is None:
        return
    payload = checks.json(f"{kind} list JSON keys", first, "total (number), rows (list)",
                          lambda p: (int(p["total"]), list(p["rows"])))
    if payload is None:
        return
    total, rows = payload
    if not checks.check(f"{kind} list rows", "rows on page 1 of the plan window", f"{len(rows)} rows, total {total}",
                        rows and all(isinstance(r, dict) for r in rows)):
        return
    _keys(checks, f"{kind} row keys", rows[0], SAMR_ROW_KEYS)
    _page_size(checks, f"{kind} page size served", len(rows), size, total, "a cap of 20 or 50: either is handled")
    _dates(checks, f"{kind} date format ISSUE_DATE", "YYYY-MM-DD", [r.get("ISSUE_DATE") for r in rows])
    times = [samr_source.row_input_time(r) for r in rows]
    checks.check(f"{kind} date format SYS_INPUTIME", "YYYY-MM-DD HH:MM:SS", f"{sum(t is not None for t in times)} of "
                 f"{len(rows)} read, e.g. {rows[0].get('SYS_INPUTIME')!r}", all(t is not None for t in times))
    issued = [d for d in (_date_or_none(r.get("ISSUE_DATE")) for r in rows) if d is not None]
    _order(checks, f"{kind} list order", {"entry time": [t for t in times if t is not None], "issue date": issued},
           ("entry time", "issue date"))
    if total > len(rows):
        second = checks.answers(f"{kind} list page 2 answers", lambda: page(2))
        again = (checks.json(f"{kind} list page 2 JSON keys", second, "rows (list)", lambda p: list(p["rows"]))
                 if second else None)
        if again is not None:
            repeated = {r.get("id") for r in rows} & {r.get("id") for r in again if isinstance(r, dict)}
            checks.check(f"{kind} page 2 follows page 1", "no row of page 1 again", f"{len(repeated)} repeated",
                         again and not repeated)
    url = samr_source.detail_url(base, tid, str(rows[0].get("id", "")))
    endpoint = urlsplit(url).path.rsplit("/", 1)[-1]
    detail = checks.answers(f"{kind} detail {endpoint} answers", lambda: client.fetch(
        "GET", url, source=samr_source.SOURCE, headers=samr_source.detail_headers(url)))
    if detail is None:
        return
    read = samr_parser.parse_detail(detail.text, _provenance(detail))
    checks.check(f"{kind} detail title and 标准号", ".page-header > h4, div.basic-info dt 标准号",
                 f"title {bool(read.title)}, 标准号 {read.std_no_raw!r}", read.title and read.std_no_raw)
    section = html_document(detail.text).xpath('//h2[normalize-space()="起草单位"]/../following-sibling::div[1]//dl')
    checks.check(f"{kind} detail 起草单位 section", 'h2 "起草单位" followed by div.basic-info dl',
                 f"{len(section)} found", section)


def _date_or_none(value: Any):
    try:
        return parse_date(value)
    except DateError:
        return None


# -- hbba / dbba.sacinfo.org.cn --------------------------------------------------------------------

SACINFO_RECORD_KEYS = ("pk", "code", "chName", "status", "issueDate")


def _probe_sacinfo(checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
    for site in sacinfo_source.SITES:
        checks = checks_for(site)
        base, size = settings.base_url(site), settings.page_size
        if checks.answers("session page /stdList answers", lambda: sacinfo_source.prime(client, base)) is None:
            continue
        first = checks.answers("list stdQueryList answers", lambda: client.fetch(
            "POST", sacinfo_source.list_url(base), source=sacinfo_source.SOURCE,
            data=sacinfo_source.list_params(page=1, page_size=size), headers=sacinfo_source.list_headers(base)))
        if first is None:
            continue
        moved = first.redirected_from
        checks.check("list host", "its own host, or redirected to ba.sacinfo.org.cn (either is handled)",
                     f"redirected to {first.url}" if moved else "its own host", True)
        payload = checks.json("list JSON keys", first, "total, records (list)",
                              lambda p: (int(p["total"]), list(p["records"])))
        if payload is None:
            continue
        total, records = payload
        if not checks.check("list records", "records on page 1", f"{len(records)} records, total {total}",
                            records and all(isinstance(r, dict) for r in records)):
            continue
        _keys(checks, "record keys", records[0], SACINFO_RECORD_KEYS)
        _page_size(checks, "page size served", len(records), size, total, "15 by default, 50/100 used by others")
        _dates(checks, "date format issueDate", "epoch milliseconds", [r.get("issueDate") for r in records])
        pk = str(records[0].get("pk", ""))
        detail = checks.answers("detail stdDetail answers", lambda: client.fetch(
            "GET", sacinfo_source.detail_url(base, pk), source=sacinfo_source.SOURCE,
            headers=sacinfo_source.page_headers(base)))
        if detail is not None:
            read = sacinfo_parser.parse_detail(detail.text, _provenance(detail))
            checks.check("detail title and 标准号", "the page's title and standard number",
                         f"title {bool(read.title)}, 标准号 {read.std_no_raw!r}", read.title and read.std_no_raw)


# -- openstd.samr.gov.cn -------------------------------------------------------------------------


def _probe_openstd(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("openstd")
    size = max((s for s in openstd_source.PAGE_SIZES if s <= settings.page_size), default=min(openstd_source.PAGE_SIZES))
    first = checks.answers("list std_list answers", lambda: client.fetch(
        "GET", openstd_source.list_url(base), source=openstd_source.SOURCE,
        params=openstd_source.list_params(page=1, page_size=size), headers=openstd_source.page_headers(base)))
    if first is None:
        return
    read = openstd_parser.parse_list(first.text, _provenance(first), base_url=base)
    rows = len(read.records) + len(read.rejects)
    if not checks.check("list rows", "table.result_list rows with showInfo('<hcno>')",
                        f"{rows} rows, total {read.total}", rows):
        return
    _page_size(checks, "page size served", rows, size, read.total, "10/25/50 offered")
    issued = [r.issue_date for r in read.records if r.issue_date]
    _order(checks, "list order", {"issue date": issued}, ("issue date",))
    record = read.records[0] if read.records else None
    if record is None or not record.source_id:
        return
    detail = checks.answers("detail newGbInfo answers", lambda: client.fetch(
        "GET", openstd_source.detail_url(base, record.source_id), source=openstd_source.SOURCE,
        headers=openstd_source.page_headers(base)))
    if detail is not None:
        got = openstd_parser.parse_detail(detail.text, _provenance(detail))
        checks.check("detail 标准号", "the page's standard number", f"{got.std_no_raw!r}", got.std_no_raw)


# -- www.ttbz.org.cn -------------------------------------------------------------------------------

TTBZ_ROW_KEYS = ("standardUniqueId", "standardNo", "standardTitleCn", "organName", "publishDate")


def _probe_ttbz(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("ttbz")
    size = min(settings.page_size, ttbz_source.MAX_PAGE_SIZE)
    first = checks.answers("list getPortalStandardList answers", lambda: client.fetch(
        "POST", ttbz_source.list_url(base), source=ttbz_source.SOURCE,
        data=ttbz_source.list_params(page=1, page_size=size), headers=ttbz_source.api_headers(base)))
    if first is None:
        return
    payload = checks.json("list JSON keys", first, "result true, data.total, data.rows (list)",
                          lambda p: (_true(p["result"]), int(p["data"]["total"]), list(p["data"]["rows"])))
    if payload is None:
        return
    _, total, rows = payload
    if not checks.check("list rows", "rows on page 1", f"{len(rows)} rows, total {total}",
                        rows and all(isinstance(r, dict) for r in rows)):
        return
    _keys(checks, "row keys", rows[0], TTBZ_ROW_KEYS)
    _page_size(checks, "page size served", len(rows), size, total, "10–50 offered")
    _dates(checks, "date format publishDate", "YYYY-MM-DD, a time may follow", [r.get("publishDate") for r in rows])
    uid = str(rows[0].get("standardUniqueId", ""))
    detail = checks.answers("detail standardDetail answers", lambda: client.fetch(
        "GET", ttbz_source.detail_url(base, uid), source=ttbz_source.SOURCE, headers=ttbz_source.page_headers(base)))
    if detail is not None:
        got = ttbz_parser.parse_detail(detail.text, _provenance(detail))
        checks.check("detail JSON blob", "#portal-standard-detail-json with standardNo",
                     f"found {got.found}, standardNo {got.std_no!r}", got.found and got.std_no)


def _true(value: Any) -> bool:
    if value is not True:
        raise ValueError(f"result is {value!r}")
    return True


# -- www.qybz.org.cn -------------------------------------------------------------------------------


def _probe_qybz(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("qybz")
    home = checks.answers("homepage answers (no captcha)", lambda: qybz_source.fetch_home(client, base))
    if home is None:
        return
    read = qybz_parser.parse_home(home.text, _provenance(home), base_url=base)
    rows = len(read.records) + len(read.rejects)
    if not checks.check("latest disclosures", "tr rows with toDetail('<id>')", f"{rows} rows", rows):
        return
    _dates(checks, "date format 公开时间", "a date", [r.issue_date for r in read.records][:20])
    record = next((r for r in read.records if r.source_id), None)
    if record is None:
        return
    detail = checks.answers("detail answers", lambda: qybz_source.fetch_detail(client, base, record.source_id))
    if detail is not None:
        got = qybz_parser.parse_detail(detail.text, _provenance(detail))
        checks.check("detail 标准编号 and 机构名称", "label/value tables", f"{got.std_no_raw!r}, {got.org_name!r}",
                     got.std_no_raw and got.org_name)


# -- std.samr.gov.cn technical committees -----------------------------------------------------------


def _probe_tc(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("samr")
    province = "江苏省"
    first = checks.answers("directory orgPage answers", lambda: client.fetch(
        "GET", tc_source.list_url(base, province, 1), source=tc_source.SOURCE, headers=tc_source.page_headers(base)))
    if first is None:
        return
    read = tc_parser.parse_list(first.text, _provenance(first), base_url=base)
    if not checks.check("directory items", "div.panel.post items", f"{len(read.items)} items, total {read.total}",
                        read.items):
        return
    _page_size(checks, "page size served", len(read.items), tc_source.PAGE_SIZE, read.total, "10 a page [I]")
    item = read.items[0]
    if not item.detail_url:
        return
    detail = checks.answers("committee page answers", lambda: tc_source.fetch_detail(client, base, item.detail_url))
    if detail is not None:
        got = tc_parser.parse_detail(detail.text, _provenance(detail), item=item)
        code = got.record.code if got.record else None
        checks.check("committee page fields", "div.basic-info dt/dd pairs with the committee code",
                     f"code {code!r}", code)


# -- notices: scjgj.suzhou, www.suzhou.gov.cn, scjgj.jiangsu ----------------------------------------


def _probe_notices(checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
    for column in notices_source.COLUMNS:
        checks = checks_for(column.site)
        base = settings.base_url(column.site)
        if column.cms == notices_source.SCJGJ:
            _probe_scjgj(checks, client, base, column)
        elif column.cms == notices_source.SUZHOU_GOV:
            listed = checks.answers(f"{column.label} getInfoCommon answers", lambda: notices_source.fetch_suzhou_gov_list(
                client, base, column, 1, 15))
            if listed is None:
                continue
            rows = checks.json(f"{column.label} JSON keys", listed, "infolist of title, link, pubtime",
                               lambda p: [(r["title"], r["link"], r["pubtime"]) for r in p["infolist"]])
            if rows:
                _dates(checks, f"{column.label} date format pubtime", "YYYY-MM-DD HH:mm:ss", [r[2] for r in rows])
        else:
            page = checks.answers(f"{column.label} column page answers", lambda: notices_source.fetch_hanweb_column(
                client, base, column))
            if page is None:
                continue
            try:
                read = notices_parser.parse_hanweb_column(page.text, page.url)
            except notices_parser.NoticeParseError as exc:
                checks.check(f"{column.label} datastore and jpage", "<datastore> records, unitid/webid, totalRecord",
                             str(exc)[:160], False)
                continue
            if not checks.check(f"{column.label} datastore and jpage", "<datastore> records, unitid/webid, totalRecord",
                                f"{len(read.links)} records of {read.total_records}", read.links):
                continue
            paging = read.hanweb
            if not paging.total_records or paging.total_records <= len(read.links):
                continue
            per_page = paging.per_page or len(read.links)
            start, end = len(read.links) + 1, min(len(read.links) + per_page, paging.total_records)
            more = checks.answers(f"{column.label} dataproxy.jsp answers", lambda: notices_source.fetch_hanweb_records(
                client, base, column, start=start, end=end, per_page=per_page, unitid=paging.unitid,
                webid=paging.webid, webname=paging.webname, path=paging.path))
            if more is not None:
                try:
                    got = notices_parser.parse_hanweb_dataproxy(more.text, more.url)
                    seen, ok = f"{len(got.links)} records ({start}–{end} asked) of {got.total_records}", got.links
                except notices_parser.NoticeParseError as exc:
                    seen, ok = str(exc)[:160], False
                checks.check(f"{column.label} dataproxy records", "<datastore><totalrecord> and CDATA <record>s",
                             seen, ok)


def _probe_scjgj(checks: Checks, client: HttpClient, base: str, column: notices_source.Column) -> None:
    first_url = notices_source.scjgj_first_url(base, column)
    first = checks.answers(f"{column.label} {column.first_page}.shtml answers", lambda: client.fetch(
        "GET", first_url, source=notices_source.SOURCE, headers={"Accept": "text/html"}))
    if first is None:
        return
    pager = notices_parser.scjgj_pager(first.text)
    if not checks.check(f"{column.label} pager", f'createPageHTML(count, 0, "{column.first_page}", "shtml")',
                        f"createPageHTML({pager.count}, {pager.index}, {pager.name!r}, {pager.ext!r})" if pager
                        else "no createPageHTML call", pager and pager.index == 0):
        return
    read = notices_parser.parse_scjgj_list(first.text, first.url)
    if not checks.check(f"{column.label} items", "div.cont.mt10 li: a@href, a@title, date span",
                        f"{len(read.links)} items", read.links):
        return
    _dates(checks, f"{column.label} date format", "YYYY-MM-DD", [link.published for link in read.links])
    _order(checks, f"{column.label} list order", {"date": [link.published for link in read.links if link.published]}, ("date",))
    if pager.count < 2:
        return
    seen = []
    for suffix in (notices_source.SCJGJ_PAGE2_SUFFIX, 1):
        url = notices_source.scjgj_page_url(base, column, pager.name, pager.ext, suffix)
        try:
            page = client.fetch("GET", url, source=notices_source.SOURCE, headers={"Referer": first_url})
        except FetchError as exc:
            seen.append(f"{url.rsplit('/', 1)[-1]}: {exc}"[:80])
            continue
        stated = notices_parser.scjgj_pager(page.text) if page.ok else None
        if stated and stated.index == 1:
            checks.check(f"{column.label} page 2", f"{pager.name}_2 or {pager.name}_1 states index 1 (either is handled)",
                         f"{url.rsplit('/', 1)[-1]} states index 1", True)
            return
        seen.append(f"{url.rsplit('/', 1)[-1]}: HTTP {page.status}, index {stated.index if stated else None}")
    checks.check(f"{column.label} page 2", f"{pager.name}_2 or {pager.name}_1 states index 1", "; ".join(seen), False)


# -- the probe ---------------------------------------------------------------------------------------

# settings.sources name → (its section, whether it reports per site: hbba/dbba, the notice sites)
PROBES: dict[str, tuple[Callable[..., None], bool]] = {
    "samr": (_probe_samr, False),
    "sacinfo": (_probe_sacinfo, True),
    "openstd": (_probe_openstd, False),
    "ttbz": (_probe_ttbz, False),
    "qybz": (_probe_qybz, False),
    "tc": (_probe_tc, False),
    "notices": (_probe_notices, True),
}


def run_probe(settings: Settings, sources: Iterable[str], *, run_id: str) -> list[Fact]:
    """Probe each of `sources` (names of `PROBES`); every answer is archived under `run_id`."""
    from flows.pipeline import make_client  # noqa: PLC0415 - the pipeline imports every source

    unknown = [s for s in sources if s not in PROBES]
    if unknown:
        raise ValueError(f"no probe for {', '.join(unknown)}: probes exist for {', '.join(PROBES)}")
    archive = Archive(settings.archive_dir, run_id)
    client = make_client(settings, archive)
    facts: list[Fact] = []
    try:
        for name in sources:
            section, per_site = PROBES[name]
            made: dict[str, Checks] = {}

            def checks_for(site: str, made: dict[str, Checks] = made) -> Checks:
                return made.setdefault(site, Checks(site))

            try:
                section(checks_for if per_site else checks_for(name), client, settings)
            except Exception as exc:  # a page so unlike the contract that a parser broke: that is drift too
                checks_for(name).check("probe ran", "no error", f"{type(exc).__name__}: {exc}"[:160], False)
            for checks in made.values():
                facts.extend(checks.facts)
    finally:
        client.close()
        archive.close()
    return facts


def facts_json(facts: list[Fact], *, base_urls: dict[str, str], run_id: str) -> str:
    return json.dumps({"run_id": run_id, "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                       "ok": all(f.ok for f in facts), "base_urls": base_urls,
                       "facts": [asdict(f) for f in facts]}, ensure_ascii=False, indent=1)

