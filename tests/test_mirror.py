"""The mirror: a deterministic corpus, an independent ground truth, and the portal's paths over loopback."""

from __future__ import annotations

import ast
import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from mirror import uscc, vocab
from mirror.corpus import OUTSIDE, SCENARIOS, UNKNOWN, Corpus
from mirror.server import MirrorServer, Response
from mirror.truth import WINDOW_START, counts_of, ground_truth, write_corpus
from mirror.variants import Variants

LIST = "/gb/search/gbAdvancedSearchPage"
ROW_KEYS = {
    "id", "C_STD_CODE", "STD_CODE2", "STD_CODE3", "C_C_NAME", "C_E_NAME", "STATE", "STD_NATURE", "STD_TYPE",
    "ICS", "CCS", "ISSUE_DATE", "ACT_DATE", "ISSUE_ANN_NO", "TOTAL_REPE", "TA_CODE", "TA_NAME", "OPEN_HASH_CODE",
    "SYS_INPUTIME", "STD_DOMAIN", "TABLE_NAME",
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(seed=7, size="demo")


@pytest.fixture(scope="module")
def truth(corpus: Corpus) -> dict:
    return ground_truth(corpus)


@pytest.fixture(scope="module")
def mirror(corpus: Corpus):
    with MirrorServer(corpus) as server:
        yield server


@pytest.fixture(scope="module")
def client(mirror: MirrorServer):
    headers = {"Referer": "https://std.samr.gov.cn/gb/search/gbAdvancedSearch", "X-Requested-With": "XMLHttpRequest"}
    with httpx.Client(base_url=mirror.base_url, headers=headers) as c:
        yield c


# -- independence and determinism ---------------------------------------------------------


def test_mirror_imports_nothing_from_the_product():
    product = {"flows", "extract", "transform", "warehouse"}
    for path in (Path(__file__).parents[1] / "mirror").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in product for n in names), f"{path} imports {names}"


def test_same_seed_and_size_give_identical_files(tmp_path: Path):
    first = Corpus(seed=7, size="demo")
    a = write_corpus(first, tmp_path / "a")
    b = write_corpus(Corpus(seed=7, size="demo"), tmp_path / "b")
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key
    c = write_corpus(Corpus(seed=8, size="demo"), tmp_path / "c")
    assert c["ground_truth"].read_bytes() != a["ground_truth"].read_bytes()


def test_written_ground_truth_is_the_ground_truth(tmp_path: Path, corpus: Corpus, truth: dict):
    paths = write_corpus(corpus, tmp_path)
    assert json.loads(paths["ground_truth"].read_text(encoding="utf-8")) == truth
    assert truth["region"] == "3205" and truth["window_start"] == "2022-08-21" and truth["generated_for"] == "samr"


def test_register_files_hold_the_same_rows(tmp_path: Path, corpus: Corpus):
    paths = write_corpus(corpus, tmp_path)
    raw = paths["org_register_csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\xe6\x9c\xba\xe6\x9e\x84\xe5\x90\x8d\xe7\xa7\xb0")  # BOM + 机构名称
    with paths["org_register_csv"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["机构名称", "统一社会信用代码", "地址", "行政区划"]
    sheet = load_workbook(paths["org_register_xlsx"], read_only=True).active
    cells = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert cells == rows
    assert len(rows) - 1 == len(corpus.register_rows())


# -- organisations and their evidence ------------------------------------------------------


def test_credit_code_check_matches_published_codes():
    assert uscc.is_valid("91350100M000100Y43")  # the example in GB 32100-2015
    assert uscc.is_valid("91110108551385082Q")
    assert not uscc.is_valid("91110108551385082R")
    assert not uscc.is_valid("9111010855138508IQ")  # I is not in the character set


def test_register_codes_are_valid_except_the_deliberately_invalid(corpus: Corpus):
    seen = set()
    for org in corpus.orgs:
        row = org.register
        if row is None or not row.uscc:
            continue
        assert row.uscc not in seen
        seen.add(row.uscc)
        if org.scenario == "register_invalid_uscc":
            assert not uscc.is_valid(row.uscc) and row.uscc_valid is False
            assert len(row.uscc) == 18 and row.uscc[2:8] in {*vocab.CURRENT_CODE.values(), *vocab.HISTORICAL_CODE}
        else:
            assert uscc.is_valid(row.uscc) and row.uscc_valid is True


def test_every_scenario_occurs_and_leads_counted_or_excluded_standards(corpus: Corpus, truth: dict):
    assert {o.scenario for o in corpus.orgs} == set(SCENARIOS)
    in_window = [s for s in truth["standards"] if s["issue_date"] >= "2022-08-21"]
    assert {s["lead_scenario"] for s in in_window} == set(SCENARIOS)
    districts = {o.true_district for o in corpus.orgs if o.true_district}
    assert districts == set(vocab.DISTRICTS)
    assert {o.known for o in corpus.orgs} == {*vocab.DISTRICTS, UNKNOWN, OUTSIDE}


_DISTRICT_WORDS = ("姑苏", "虎丘", "吴中", "相城", "吴江", "工业园区", "高新区", "常熟", "张家港", "昆山", "太仓")


def test_each_organisation_shows_exactly_its_scenarios_evidence(corpus: Corpus):
    for o in corpus.orgs:
        r = o.register
        in_name = [w for w in _DISTRICT_WORDS if w in o.name]
        if o.scenario == "name_district":
            assert in_name and r is None and o.known == o.true_district
            continue
        assert not in_name, o
        if o.scenario in ("name_city_only", "register_invalid_uscc"):
            assert "苏州" in o.name and o.known == UNKNOWN
        if o.scenario in ("name_city_only", "outside_name", "neutral_no_evidence"):
            assert r is None
        else:
            assert r is not None and r.name == o.name
        if o.scenario.startswith("register_uscc") or o.scenario == "register_invalid_uscc":
            assert r.address == "" and r.division == "" and r.uscc
        if o.scenario == "register_uscc_city":
            assert r.uscc[2:8] in ("320500", "320586") and o.known == UNKNOWN
        if o.scenario == "register_uscc_historical":
            assert r.uscc[2:8] in vocab.HISTORICAL_CODE and o.known == vocab.HISTORICAL_CODE[r.uscc[2:8]]
        if o.scenario == "register_uscc_current":
            assert vocab.CURRENT_CODE[o.known] == r.uscc[2:8]
        if o.scenario in ("register_address", "register_conflict"):
            assert r.division == "" and any(w in r.address for w in _DISTRICT_WORDS)
        if o.scenario == "register_conflict":
            assert r.uscc[2:8] not in (vocab.CURRENT_CODE.get(o.known), *[c for c, d in vocab.HISTORICAL_CODE.items() if d == o.known])
        if o.scenario == "register_gazetteer":
            assert r.division == "" and not any(w in r.address for w in _DISTRICT_WORDS)
            assert any(t in r.address for t in vocab.GAZETTEER_TOWNS[o.known])
        if o.scenario == "register_division_field":
            assert r.division in (o.known, vocab.CURRENT_CODE.get(o.known))
        if o.scenario == "outside_register":
            assert (r.address or r.uscc) and "苏州" not in r.address and not r.uscc[2:6] == "3205"
        if o.scenario in ("outside_name", "outside_register", "neutral_no_evidence"):
            assert o.known == OUTSIDE and "苏州" not in o.name


# -- the ground truth ---------------------------------------------------------------------------


def test_counts_equal_a_recount_of_the_standards(truth: dict):
    recount = Counter()
    for s in truth["standards"]:
        if s["issue_date"] >= truth["window_start"] and s["known"] != "outside":
            recount[s["known"], s["std_type"], int(s["issue_date"][:4])] += 1
    assert {(c["district"], c["std_type"], c["year"]): c["n"] for c in truth["counts"]} == recount
    assert counts_of(truth["standards"]) == truth["counts"]
    assert {c["district"] for c in truth["counts"]} == {*vocab.DISTRICTS, UNKNOWN}


def test_the_window_decides_what_is_counted_not_the_corpus():
    closed = ground_truth(Corpus(size=600, window_start=date(2023, 1, 1), window_end=date(2025, 12, 31)))
    assert closed["window_start"] == "2023-01-01" and closed["window_end"] == "2025-12-31"
    assert {c["year"] for c in closed["counts"]} == {2023, 2024, 2025}
    assert counts_of(closed["standards"]) == closed["counts"]
    assert [s["id"] for s in closed["standards"]] == [s["id"] for s in ground_truth(Corpus(size=600))["standards"]]


def test_truth_shape_revisions_and_rejects(corpus: Corpus, truth: dict):
    standards = truth["standards"]
    numbers = [s["std_no"] for s in standards]
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"[A-Z]+(/[TZ])? \d+(\.\d+)?-\d{4}", n) for n in numbers)
    by_no = {s["std_no"]: s for s in standards}
    revisions = [s for s in standards if s["is_revision"]]
    assert 0.12 < len(revisions) / len(standards) < 0.18
    for s in revisions:
        (old,) = s["replaces"]
        assert by_no[old]["status"] == "被代替" and old.rsplit("-", 1)[0] == s["std_no"].rsplit("-", 1)[0]
    before = sum(s["issue_date"] < "2022-08-21" for s in standards)
    assert 0.35 < before / len(standards) < 0.45
    assert {r["reason"] for r in truth["rejects"]} == {"bad_std_no", "bad_date"}
    assert len(standards) + len(truth["rejects"]) == len(corpus.standards)
    assert not {r["id"] for r in truth["rejects"]} & {s["id"] for s in standards}
    in_window = [s for s in standards if s["issue_date"] >= "2022-08-21"]
    region_led = sum(s["true_district"] is not None for s in in_window) / len(in_window)
    assert 0.25 < region_led < 0.35


# -- the server ---------------------------------------------------------------------------------


def _page(client: httpx.Client, **params) -> dict:
    r = client.get(LIST, params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    return r.json()


def _walk(client: httpx.Client, served: int, **params) -> tuple[int, list[dict]]:
    """Every row of a list, page by page, each page asserted to serve `served` rows but the last."""
    first = _page(client, pageNumber=1, **params)
    rows, n = [], 1
    while len(rows) < first["total"]:
        body = _page(client, pageNumber=n, **params)
        assert body["pageNumber"] == n and body["total"] == first["total"]
        assert len(body["rows"]) == min(served, first["total"] - len(rows))
        rows += body["rows"]
        n += 1
    assert _page(client, pageNumber=n, **params)["rows"] == []
    return first["total"], rows


def test_list_pages_cover_every_row_once_newest_first(client: httpx.Client, corpus: Corpus):
    for tid in (2, 3):
        expected = {s.id for s in corpus.standards if s.tid == tid}
        # The default variant serves at most 50 rows a page (portals.md §1.2 "≤ 50–100" [C]), whatever is asked.
        total, rows = _walk(client, 50, tid=tid, pageSize=500)
        seen = [r["id"] for r in rows]
        assert total == len(expected) and len(seen) == len(set(seen)) and set(seen) == expected
        times = [r["SYS_INPUTIME"] for r in rows]
        assert times == sorted(times, reverse=True)
        assert _page(client, tid=tid, pageNumber=999, pageSize=100)["rows"] == []
        assert len(_page(client, tid=tid, pageSize=7)["rows"]) == 7  # less than the cap: as asked


def test_a_page_cap_of_20_serves_20_rows_a_page_and_every_row_once():
    corpus = Corpus(seed=5, size=300, variants=Variants(samr_page_cap=20))
    with MirrorServer(corpus) as server, httpx.Client(base_url=server.base_url) as c:
        total, rows = _walk(c, 20, tid=2, pageSize=50)
        expected = [s.id for s in corpus.search(2)]
        assert total == len(expected) > 100
        assert [r["id"] for r in rows] == expected  # page n is rows [(n-1)*20, n*20)
        page3 = _page(c, tid=2, pageNumber=3, pageSize=50)["rows"]
        assert [r["id"] for r in page3] == expected[40:60]


def test_issue_order_lists_newest_issue_date_first_and_late_entries_mid_list():
    corpus = Corpus(seed=5, size=300, variants=Variants(samr_order="issue"))
    with MirrorServer(corpus) as server, httpx.Client(base_url=server.base_url) as c:
        late = corpus.add_standards(8, late=True)
        on_time = corpus.add_standards(4)
        for s in late:
            gap = (s.input_time.date() - s.issue_date).days
            assert 30 <= gap <= 150, gap
        for s in on_time:
            assert 2 <= (s.input_time.date() - s.issue_date).days <= 40
        for tid in (2, 3):
            total, rows = _walk(c, 50, tid=tid, pageSize=50)
            assert total == sum(s.tid == tid for s in corpus.standards)
            dates = [corpus.by_id(r["id"]).issue_date for r in rows]  # a defect row prints an impossible date
            assert dates == sorted(dates, reverse=True)
            position = {r["id"]: i for i, r in enumerate(rows)}
            for s in late:
                if s.tid == tid:
                    # Newest-entered of all, yet below rows issued after it.
                    assert any(position[o.id] < position[s.id] for o in corpus.standards
                               if o.tid == tid and o.issue_date > s.issue_date)
        window = _page(c, tid=2, std_p10="2026-01-01", pageSize=50)
        assert window["total"] == sum(s.tid == 2 and s.issue_date >= date(2026, 1, 1) for s in corpus.standards)


def test_list_rows_have_the_portals_keys_and_damage(client: httpx.Client, corpus: Corpus, truth: dict):
    rows = []
    for n in range(1, 37):  # every national row, 50 a page
        rows += _page(client, tid=2, pageNumber=n, pageSize=50)["rows"]
    for r in rows:
        assert ROW_KEYS <= r.keys() and re.fullmatch(r"[0-9A-F]{32}", r["id"])
        assert r["TABLE_NAME"] == "BV_GB" and r["STD_DOMAIN"] == "国家标准"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["SYS_INPUTIME"])
    lead = {s["id"]: s["lead_org"] for s in truth["standards"]}
    with_units = [r for r in rows if r.get("DRAFT_UNIT")]
    assert all(r["DRAFT_UNIT"].split("、")[0] == lead[r["id"]] for r in with_units if r["id"] in lead)
    missing = len(rows) - len(with_units)
    assert 0.10 < missing / len(rows) < 0.20
    assert any("DRAFT_UNIT" not in r for r in rows) and any(r.get("DRAFT_UNIT") == "" for r in rows)
    assert any("<sacinfo>" in r["C_C_NAME"] for r in rows)
    assert any(r["TOTAL_REPE"] == "," for r in rows)
    codes = [r["C_STD_CODE"] for r in rows]
    assert any("—" in c for c in codes) and any(c.startswith("ＧＢ") for c in codes)
    assert any(re.fullmatch(r"GB(/[TZ])?\d.*", c) for c in codes)
    assert any(c == "待定" or c == "暂无" or c == "报批稿" for c in codes)


def test_list_filters_by_issue_date_and_name(client: httpx.Client, corpus: Corpus):
    lo, hi = date(2023, 1, 1), date(2023, 6, 30)
    expected = {s.id for s in corpus.standards if s.tid == 3 and lo <= s.issue_date <= hi}
    body = _page(client, tid=3, std_p10="2023-01-01", std_p11="2023-06-30", pageSize=50)
    assert body["total"] == len(expected)
    ids = set()
    for n in range(1, body["total"] // 50 + 2):
        ids |= {r["id"] for r in _page(client, tid=3, std_p10="2023-01-01", std_p11="2023-06-30",
                                         pageNumber=n, pageSize=50)["rows"]}
    assert ids == expected
    opened = _page(client, tid=3, std_p10="2026-01-01", std_p11="", pageSize=1)
    assert opened["total"] == sum(s.tid == 3 and s.issue_date >= date(2026, 1, 1) for s in corpus.standards)
    named = _page(client, tid=2, std_p8="光伏", pageSize=100)
    assert named["total"] > 0 and all("<sacinfo>光伏</sacinfo>" in r["C_C_NAME"] for r in named["rows"])
    assert _page(client, tid=4)["total"] == 0
    assert client.get(LIST, params={"tid": 2, "std_p10": "2023-02-30"}).status_code == 400


def test_detail_pages_carry_the_drafting_units(client: httpx.Client, corpus: Corpus, truth: dict):
    by_id = {s["id"]: s for s in truth["standards"]}
    without_units = [s for s in corpus.standards if s.draft_unit_mode and s.id in by_id]
    sample = without_units[:40] + [s for s in corpus.standards if s.spam_unit >= 0][:10]
    for s in sample:
        r = client.get(s.detail_path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert 20_000 <= len(r.content) <= 40_000
        soup = BeautifulSoup(r.text, "lxml")
        assert soup.select_one(".page-header > h4").get_text() and soup.select_one("span.label-info")
        h2 = soup.find("h2", class_="title-text", string="起草单位")
        units = [a.get_text() for a in h2.parent.find_next_sibling("div").select("dl > dd.basicInfo-item.value > a")]
        assert [u.replace(vocab.SPAM[s.spam_text], "") for u in units] == [corpus.orgs[o].name for o in s.units]
        if s.tid == 2:
            assert re.search(r"newGbInfo\?hcno=[0-9A-F]{32}", r.text)
        if s.id in by_id and s.spam_unit < 0:
            assert units[0] == by_id[s.id]["lead_org"]
        if s.spam_unit >= 0:
            spam = vocab.SPAM[s.spam_text]
            assert spam in soup.title.get_text() and spam in soup.select_one(".page-header > h4").get_text()
            assert any(p.get_text() == spam for p in soup.find_all("p"))
            assert sum(spam in u for u in units) == 1


def test_not_found(client: httpx.Client, corpus: Corpus):
    national = next(s for s in corpus.standards if s.tid == 2)
    assert client.get("/gb/search/gbDetailed", params={"id": "0" * 32}).status_code == 404
    assert client.get("/hb/search/stdHBDetailed", params={"id": national.id}).status_code == 404
    r = client.get("/gb/search/nothing")
    assert r.status_code == 404 and "页面不存在" in r.text


def test_request_log_counts_requests_per_path(corpus: Corpus):
    with MirrorServer(corpus) as server, httpx.Client(base_url=server.base_url) as c:
        for n in (1, 2, 3):
            c.get(LIST, params={"tid": 2, "pageNumber": n, "pageSize": 10})
        c.get(corpus.standards[0].detail_path)
        assert server.request_log[LIST] == 3
        assert server.requests_to("/gb/") + server.requests_to("/hb/") == 4
        server.reset_log()
        assert server.request_log == {}


def test_a_fault_policy_answers_before_the_mirror(corpus: Corpus):
    policy = lambda request: Response(503, b"busy") if request.query.get("pageNumber") == "2" else None  # noqa: E731
    with MirrorServer(corpus, fault_policy=policy) as server, httpx.Client(base_url=server.base_url) as c:
        assert c.get(LIST, params={"tid": 2, "pageNumber": 1}).status_code == 200
        assert c.get(LIST, params={"tid": 2, "pageNumber": 2}).status_code == 503


def test_only_loopback():
    with pytest.raises(ValueError):
        MirrorServer(Corpus(size=50), host="0.0.0.0")


# -- growth --------------------------------------------------------------------------------------


def test_add_standards_grows_the_truth_by_exactly_n():
    corpus = Corpus(seed=3, size=400)
    before = ground_truth(corpus)
    newest = max(s.input_time for s in corpus.standards)
    with pytest.raises(ValueError):
        corpus.add_standards(5, newest)
    with MirrorServer(corpus) as server, httpx.Client(base_url=server.base_url) as c:
        head_before = c.get(LIST, params={"tid": 2, "pageSize": 1}).json()["rows"][0]["id"]
        added = corpus.add_standards(25, "2026-12-30 10:00:00")
        after = ground_truth(corpus)
        assert len(after["standards"]) == len(before["standards"]) + 25
        assert {s.id for s in added} == {s["id"] for s in after["standards"]} - {s["id"] for s in before["standards"]}
        assert all(s.input_time > newest for s in added)
        national = sorted((s for s in added if s.tid == 2), key=lambda s: s.input_time, reverse=True)
        rows = c.get(LIST, params={"tid": 2, "pageSize": 50}).json()["rows"]
        assert [r["id"] for r in rows[: len(national)]] == [s.id for s in national]
        assert rows[len(national)]["id"] == head_before
    assert sum(c["n"] for c in after["counts"]) == sum(s["counted"] for s in after["standards"])
    again = Corpus(seed=3, size=400)
    again.add_standards(25, "2026-12-30 10:00:00")
    assert ground_truth(again) == after
    assert WINDOW_START == date(2022, 8, 21)
