"""mirror/notices.py, and the notices source driven end to end against it over loopback HTTP:
crawl → archive → parse → events → warehouse, plus the demo's inbox files, equal to the mirror's truth."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import httpx
import pytest

import warehouse
from extract.archive import Archive, iter_archive
from flows.inbox import load_file
from flows.crawl import make_client
from flows.settings import load_settings
from flows.sources import notices as notices_flow
from flows.sources.common import Window
from mirror.corpus import build_corpus
from mirror.notices import (
    HANWEB, INBOX_FILES, SCJGJ, SUZHOU_GOV, NoticeCorpus, notice_apps, notice_corpus, notice_truth, write_inbox_files,
)
from mirror.web import SiteServer
from transform.orgs import normalize_org_name
from transform.parsers.notices import announces_a_list
from transform.region import load_region
from warehouse import Warehouse

WINDOW_END = date(2025, 12, 31)
CORPUS = build_corpus("demo", 7, window_end=WINDOW_END)
NC = notice_corpus(CORPUS)
TRUTH = notice_truth(NC)


# -- the mirror on its own ------------------------------------------------------------------------

def test_deterministic_for_a_seed(tmp_path):
    again = NoticeCorpus(build_corpus("demo", 7, window_end=WINDOW_END))
    assert [n.path for n in again.notices] == [n.path for n in NC.notices]
    sample = [n for n in NC.notices if n.fmt in ("xlsx", "docx", "pdf", "xls")][:4]
    assert [again.attachment_bytes(n) for n in sample] == [NC.attachment_bytes(n) for n in sample]
    a, b = write_inbox_files(NC, tmp_path / "a"), write_inbox_files(again, tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert json.dumps(notice_truth(again), sort_keys=True) == json.dumps(TRUTH, sort_keys=True)


def test_what_the_notices_hold():
    roles = Counter(n.role for n in NC.notices)
    assert roles["decision"] and roles["preliminary"] and roles["repost"] and roles["irrelevant"] >= 30
    formats = {n.fmt for n in NC.notices if n.role != "irrelevant"}
    assert formats == {"html", "xlsx", "xls", "docx", "pdf", "scan"}
    assert {n.site for n in NC.notices} == {SCJGJ, SUZHOU_GOV, HANWEB}
    assert len(TRUTH["needs_manual_entry"]) == 1 and TRUTH["provisional"]
    assert all(TRUTH["indicators"][k]["city"] > 0 for k in TRUTH["indicators"])
    assert set(TRUTH["rates"]) == {"std_research_rate", "std_director_coverage"}
    assert all(TRUTH["inbox_rejects"][name] for name in INBOX_FILES.values())


@pytest.fixture(scope="module")
def sites():
    servers = {site: SiteServer(app, site=site).start() for site, app in notice_apps(CORPUS).items()}
    yield servers
    for server in servers.values():
        server.stop()


def test_cms_paths_answer_in_their_formats(sites):
    scjgj, gov, hanweb = sites[SCJGJ].base_url, sites[SUZHOU_GOV].base_url, sites[HANWEB].base_url
    first = httpx.get(f"{scjgj}/szqts/tzgg/nav_xwtz.shtml").text  # evidence/scjgj.suzhou.gov.cn/EVIDENCE.md
    pages = -(-len(NC.column_notices(SCJGJ, "tzgg")) // 15)
    assert 'class="cont mt10"' in first and f'createPageHTML({pages}, 0, "nav_xwtz", "shtml")' in first
    assert f'createPageHTML({pages}, 1, "nav_xwtz", "shtml")' in httpx.get(f"{scjgj}/szqts/tzgg/nav_xwtz_2.shtml").text
    assert httpx.get(f"{scjgj}/szqts/tzgg/nav_list.shtml").status_code == 404
    assert httpx.get(f"{scjgj}/szqts/tzgg/nav_xwtz_99.shtml").status_code == 404
    listed = httpx.get(f"{gov}/szinf/info/getInfoCommon/",
                       params={"pagesize": 5, "currpage": 1, "channelid": "260915178a1f4c4fac44c4bf6378c9b0"}).json()
    assert len(listed["infolist"]) == 5 and listed["infolist"][0]["link"].startswith("/szsrmzf/zwgg/")
    assert "<datastore>" in httpx.get(f"{hanweb}/col/col78963/index.html").text
    form = {"col": "1", "appid": "1", "webid": "41", "path": "/", "columnid": "78963", "sourceContentType": "1",
            "unitid": "320112", "webname": "江苏省市场监督管理局", "permissiontype": "0"}
    reply = httpx.post(f"{hanweb}/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15", data=form).text
    total = len(NC.column_notices(HANWEB, "78963"))
    assert total > 15 and f"<totalrecord>{total}</totalrecord>" in reply
    assert reply.count("<record>") == min(15, total - 15)


# -- end to end -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(sites, tmp_path_factory):
    """One crawl of every column and every demo inbox file, loaded into a fresh warehouse."""
    data = tmp_path_factory.mktemp("notices")
    settings = load_settings(data_dir=data, base_urls={site: s.base_url for site, s in sites.items()},
                             hosts={"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}})
    archive = Archive(settings.archive_dir, "run-1", fsync=False)
    client = make_client(settings, archive)
    try:
        result = notices_flow.crawl(client, settings, watermarks={}, window=Window(settings.window_start, None))
    finally:
        client.close()
    _load(settings, result, "run-1")
    loads = [load_file(path, settings) for path in write_inbox_files(NC, data / "inbox")]
    return settings, result, loads


def _load(settings, result, run_id):
    with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing() as w:
        w.begin_run(run_id, "test", {}, {})
        w.set_settings({"region": "3205", "window_start": settings.window_start.isoformat(),
                        "window_end": settings.window_end.isoformat(), "as_of": "2026-06-30"})
        w.load_region(load_region("3205"))
        counts = notices_flow.load(w, result, run_id=run_id)
        notices_flow.attribute_events(w, settings, {})
        w.finish_run(run_id, "completed")
    return counts


def _counted(settings) -> dict[str, dict[str, int]]:
    rows = warehouse.query(settings.warehouse_path, "SELECT indicator_id, district_name, count(*) AS n "
                           "FROM mart.indicator_events WHERE counted GROUP BY ALL").to_pylist()
    enterprise = warehouse.query(settings.warehouse_path, "SELECT 'enterprise_std' AS indicator_id, district_name, "
                                 "count(*) AS n FROM mart.standard WHERE counted AND std_type = 'enterprise' GROUP BY ALL")
    got: dict[str, dict[str, int]] = {}
    for row in rows + enterprise.to_pylist():
        got.setdefault(row["indicator_id"], {})[row["district_name"]] = row["n"]
    return got


def test_crawl_is_complete_and_archived(loaded):
    settings, result, _ = loaded
    assert result.complete and not result.blocked and not result.rejects, (result.error, result.rejects[:3])
    columns = {key for key in result.watermarks if not key.startswith(notices_flow.ENTRY)}
    assert columns == {c.watermark_key for c in notices_flow.region_columns(load_region(settings.region))}
    urls = {entry.url for entry, _ in iter_archive(settings.archive_dir, "notices")}
    # each article read is remembered with its list entry, so a quiet night does not fetch it again
    remembered = {key.removeprefix(notices_flow.ENTRY) for key in result.watermarks if key.startswith(notices_flow.ENTRY)}
    assert remembered and remembered <= urls
    urls = {entry.url for entry, _ in iter_archive(settings.archive_dir, "notices")}
    assert any("downfile.jsp" in u for u in urls) and any("/files/" in u for u in urls)
    assert any("dataproxy.jsp" in u for u in urls) and any("getInfoCommon" in u for u in urls)
    # a notice whose title announces no list is never opened; one that does is read and yields nothing
    irrelevant = [n for n in NC.notices if n.role == "irrelevant"]
    opened = {n.path for n in irrelevant if any(u.endswith(n.path) for u in urls)}
    assert opened == {n.path for n in irrelevant if announces_a_list(n.title)} != set()
    assert not any(e.notice_url.endswith(tuple(opened)) for e in result.events)


def test_counts_equal_the_truth_city_wide_and_per_district(loaded):
    settings, _, _ = loaded
    got = _counted(settings)
    for indicator, truth in TRUTH["indicators"].items():
        assert got.get(indicator, {}) == truth["by_district"], indicator
        assert sum(got.get(indicator, {}).values()) == truth["city"], indicator


def test_counts_equal_the_truth_per_district_and_year(loaded):
    settings, _, _ = loaded
    rows = warehouse.query(settings.warehouse_path, "SELECT indicator_id, district_name, year, count(*) AS n "
                           "FROM mart.indicator_events WHERE counted GROUP BY ALL").to_pylist()
    got = sorted([r["indicator_id"], r["district_name"], r["year"], r["n"]] for r in rows)
    expected = sorted([k, *cell] for k, t in TRUTH["indicators"].items() if k != "enterprise_std"
                      for cell in t["by_district_year"])
    assert got == expected


def test_no_entry_counts_twice_across_a_preliminary_and_its_decision(loaded):
    settings, _, _ = loaded
    events = warehouse.query(settings.warehouse_path, "SELECT * FROM mart.indicator_events").to_pylist()
    counted_keys = Counter(e["entry_key"] for e in events if e["status"] == "counted")
    assert max(counted_keys.values()) == 1
    superseded = [e for e in events if e["status"] == "superseded"]
    assert superseded and all(e["stage"] == "preliminary" for e in superseded)
    decided = {e["entry_key"] for e in events if e["stage"] == "decision"}
    assert all(e["entry_key"] in decided for e in superseded)
    assert any(e["status"] == "duplicate" and e["source"] == "notices" for e in events)  # reposts
    assert any(e["status"] == "duplicate" and e["source"] == "inbox" for e in events)  # an analyst row already announced


def test_provisional_entries_are_shown_not_counted(loaded):
    settings, _, _ = loaded
    rows = warehouse.query(settings.warehouse_path, "SELECT indicator_id, name, org, district_name FROM "
                           "mart.indicator_events WHERE provisional").to_pylist()
    expected = sorted((p["indicator_id"], normalize_org_name(p["org"]), p["district"]) for p in TRUTH["provisional"])
    assert sorted((r["indicator_id"], normalize_org_name(r["org"]), r["district_name"]) for r in rows) == expected


def test_scanned_list_is_queued_for_manual_entry(loaded):
    settings, result, _ = loaded
    queue = warehouse.query(settings.warehouse_path, "SELECT * FROM mart.manual_entry_queue").to_pylist()
    assert [(q["indicator_id"], q["reason"], q["notice_title"]) for q in queue] == [
        (m["indicator_id"], "scanned_pdf", m["title"]) for m in TRUTH["needs_manual_entry"]]


def test_rates_equal_the_truth(loaded):
    settings, _, _ = loaded
    rows = warehouse.query(settings.warehouse_path, "SELECT * FROM mart.manual_facts").to_pylist()
    for indicator, years in TRUTH["rates"].items():
        for year, truth in years.items():
            city = next(r for r in rows if r["indicator_id"] == indicator and r["scope"] == "city" and r["year"] == int(year))
            assert round(city["value"], 4) == truth["city"]
            districts = {r["district_name"]: round(r["value"], 4) for r in rows
                         if r["indicator_id"] == indicator and r["scope"] == "district" and r["year"] == int(year)}
            assert districts == truth["by_district"]


def test_inbox_rejects_equal_the_truth_and_a_second_load_changes_nothing(loaded):
    settings, _, loads = loaded
    for report in loads:
        expected = TRUTH["inbox_rejects"][report.path.name]
        got = [{"row": int(r.url.rpartition("!")[2]), "reason": r.reason} for r in report.rejects]
        assert got == expected, report.path.name
    snapshot = settings.warehouse_path.read_bytes()
    assert {load_file(r.path, settings).status for r in loads} == {"unchanged"}
    assert settings.warehouse_path.read_bytes() == snapshot


def test_a_second_crawl_loads_nothing_new(loaded, sites):
    settings, first, _ = loaded
    archive = Archive(settings.archive_dir, "run-2", fsync=False)
    client = make_client(settings, archive)
    try:
        second = notices_flow.crawl(client, settings, watermarks=first.watermarks,
                                    window=Window(settings.window_start, None))
    finally:
        client.close()
    assert second.pages < first.pages  # the watermark stops paging early
    before = _counted(settings)
    counts = _load(settings, second, "run-2")
    assert counts["events_inserted"] == 0
    assert _counted(settings) == before


def test_reparse_from_the_archive_gives_the_same_events(loaded):
    settings, first, _ = loaded
    again = notices_flow.reparse(iter_archive(settings.archive_dir, "notices"), load_region(settings.region))
    key = lambda e: (e.origin, e.entry_key, e.stage, e.announced_on)  # noqa: E731
    assert sorted(map(key, again.events)) == sorted(map(key, first.events))
    assert [m.reason for m in again.manual_entries] == [m.reason for m in first.manual_entries]


def test_progress_measures_read_the_counted_events_and_the_latest_rates(loaded):
    settings, _, _ = loaded
    rows = warehouse.query(settings.warehouse_path, "SELECT indicator_id, district_name, count(*) AS n FROM "
                           "core.indicator_event WHERE source = 'events' AND value = 1 AND district_name IS NOT NULL "
                           "AND event_date BETWEEN DATE '2022-08-21' AND DATE '2025-12-31' GROUP BY ALL").to_pylist()
    got: dict[str, dict[str, int]] = {}
    for row in rows:
        got.setdefault(row["indicator_id"], {})[row["district_name"]] = row["n"]
    for indicator, truth in TRUTH["indicators"].items():
        if indicator != "enterprise_std":
            assert got.get(indicator, {}) == truth["by_district"], indicator
    rates = warehouse.query(settings.warehouse_path, "SELECT indicator_id, year(event_date) AS year, value FROM "
                            "core.indicator_event WHERE source = 'events' AND district_name IS NULL").to_pylist()
    for rate in rates:
        assert round(rate["value"], 4) == TRUTH["rates"][rate["indicator_id"]][str(rate["year"])]["city"]
