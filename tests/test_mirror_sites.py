"""The mirror's other portals: each site over loopback, the cluster, and the five-type ground truth."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from mirror import uscc, vocab
from mirror.cluster import MirrorCluster
from mirror.corpus import OUTSIDE, UNKNOWN, Corpus, build_corpus
from mirror.registries import PUBLISHED, hbba_view, openstd_status, sacinfo_items
from mirror.render import facts
from mirror.server import MirrorServer
from mirror.sites import APPS, SITES
from mirror.truth import counts_for, counts_of, ground_truth, write_corpus
from mirror.web import Request, Response

ROOT = Path(__file__).parents[1]
PLAN_BYTES = (ROOT / "mirror" / "data" / "suzhou-2022-standardization-opinions.txt").read_bytes()
TC_OP = 'TABLE_NAME:"BV_COMMITEE_INFO",G_SECRETARIAT_UNIT_PROVINCE:"江苏省"'
TTBZ_LIST = "/cms-proxy/ms/portal/standardInfo/getPortalStandardList"
TTBZ_ORGANS = "/cms-proxy/ms/bus/organList/portal/queryOrgan"
SHANGHAI = timezone(timedelta(hours=8))


def _canon(code: str) -> str:
    return code.replace("—", "-").replace("－", "-")


def _ms_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, SHANGHAI).date().isoformat()


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(seed=7, size="demo")


@pytest.fixture(scope="module")
def truth(corpus: Corpus) -> dict:
    return ground_truth(corpus)


@pytest.fixture(scope="module")
def cluster(corpus: Corpus):
    with MirrorCluster(corpus) as c:
        yield c


@pytest.fixture(scope="module")
def http(cluster: MirrorCluster):
    clients = {site: httpx.Client(base_url=url, timeout=10) for site, url in cluster.base_urls.items()}
    yield clients
    for c in clients.values():
        c.close()


def _entries(truth: dict, std_type: str) -> list[dict]:
    return [e for e in truth["all_standards"] if e["std_type"] == std_type]


# -- the cluster ---------------------------------------------------------------------------------------


def test_mirror_still_imports_nothing_from_the_product():
    product = {"flows", "extract", "transform", "warehouse"}
    files = list((ROOT / "mirror").rglob("*.py"))
    assert any(p.parent.name == "sites" for p in files)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in product for n in names), f"{path} imports {names}"
        assert "/work/shared" not in path.read_text(encoding="utf-8"), f"{path} reads the shared folder"


def test_every_site_on_its_own_port_with_env_lines(cluster: MirrorCluster):
    urls = cluster.base_urls
    assert tuple(urls) == SITES == (
        "samr", "openstd", "hbba", "dbba", "ba", "ttbz", "qybz", "suzhou_gov", "scjgj_suzhou", "scjgj_jiangsu",
    )
    assert len(set(urls.values())) == len(urls) and all(u.startswith("http://127.0.0.1:") for u in urls.values())
    assert cluster.env()["STDWATCH_BASE_URLS__HBBA"] == urls["hbba"]
    assert cluster.env()["STDWATCH_BASE_URLS__BA"] == urls["ba"]  # hbba/dbba's unified host (sacinfo_host=ba)
    assert cluster.env()["STDWATCH_BASE_URLS__SUZHOU_GOV"] == urls["suzhou_gov"]
    assert cluster.env()["STDWATCH_PLAN_URL"] == urls["suzhou_gov"] + cluster.corpus.plan_url_path
    assert isinstance(cluster["samr"], MirrorServer)


def test_a_subset_of_sites_logs_and_fault_policies(corpus: Corpus):
    with pytest.raises(ValueError):
        MirrorCluster(corpus, sites=["samr", "nope"])
    policy = lambda r: Response(503, b"busy") if r.site == "dbba" and r.path == "/stdList" else None  # noqa: E731
    with MirrorCluster(corpus, sites=["samr", "dbba"], fault_policy=policy) as c:
        assert set(c.base_urls) == {"samr", "dbba"}
        assert httpx.get(c.base_urls["dbba"] + "/stdList").status_code == 503
        r = httpx.post(c.base_urls["dbba"] + "/stdQueryList", data={"current": 1, "size": 1})
        assert r.status_code == 200
        assert httpx.get(c.base_urls["samr"] + "/stdList").status_code == 404
        assert c.request_log("dbba") == {"/stdList": 1, "/stdQueryList": 1}
        assert c.requests_to("dbba", "/std") == 2 and c.requests_to("samr", "/") == 1
        (post,) = [q for q in c.requests("dbba") if q.method == "POST"]
        assert post.form() == {"current": ["1"], "size": ["1"]}
        c.set_fault_policy(None)
        assert httpx.get(c.base_urls["dbba"] + "/stdList").status_code == 200
        c.reset_log("dbba")
        assert c.request_log("dbba") == {}


# -- std.samr: the committee directory --------------------------------------------------------------------


def test_committee_directory_pages_and_details(http: dict, corpus: Corpus, truth: dict):
    jiangsu = {c.uid: c for c in corpus.committees if c.province == "江苏省"}
    assert 35 <= len(jiangsu) < len(corpus.committees)
    seen = []
    for page in range(1, 10):
        r = http["samr"].get("/search/orgPage", params={"q": "", "op": TC_OP, "pageNo": page})
        assert r.status_code == 200 and r.headers["content-type"] == "text/html;charset=UTF-8"
        soup = BeautifulSoup(r.text, "lxml")
        assert soup.select_one(".search-summary span").get_text() == str(len(jiangsu))
        items = soup.select("div.row > div.panel.panel-default.post")
        assert len(items) <= 10
        for item in items:
            number = item.select_one("span.line11").get_text()
            title = item.select_one("div.page-header span").get_text()
            link = item.select_one("div.page-header a[target=_blank]")["href"]
            pairs = {m.select_one("span").get_text(): m.select_one("div.media-body").get_text()
                     for m in item.select("div.media.media-inner")}
            uid = link.rsplit("=", 1)[1]
            c = jiangsu[uid]
            assert (number, title) == (c.code, c.name) and link.startswith(str(http["samr"].base_url).rstrip("/"))
            assert pairs["秘书处承担单位"] == corpus.orgs[c.secretariat].name and pairs["秘书处所在地"].startswith("江苏省")
            assert set(pairs) == {"英文名称", "专业范围", "对口/相关联国际组织", "秘书处承担单位", "秘书处所在地"}
            seen.append(uid)
    assert sorted(seen) == sorted(jiangsu)
    other = http["samr"].get("/search/orgPage", params={"q": "", "op": 'TABLE_NAME:"BV_GB"', "pageNo": 1})
    assert "没有找到相关结果" in other.text
    everywhere = http["samr"].get("/search/orgPage", params={"q": "", "op": 'TABLE_NAME:"BV_COMMITEE_INFO"'})
    assert BeautifulSoup(everywhere.text, "lxml").select_one(".search-summary span").get_text() == str(len(corpus.committees))

    by_code = {c["code"]: c for c in truth["committees"]}
    for c in list(jiangsu.values())[:12] + [c for c in jiangsu.values() if c.established is None][:2]:
        r = http["samr"].get("/search/orgDetailView", params={"data_id": c.uid})
        block = BeautifulSoup(r.text, "lxml").select_one("div.basic-info.cmn-clearfix")
        dts = [dt.get_text() for dt in block.select("dl > dt")]
        dds = [dd.get_text() for dd in block.select("dl > dd")]
        assert len(dts) == len(dds) and all(dds)  # TC-ORG zips dt/text() with dd/text()
        info = dict(zip(dts, dds))
        assert info["委员会编号"] == c.code and info["秘书处所在单位"] == corpus.orgs[c.secretariat].name
        assert info["通讯地址"] == c.address and info["所在省（市）"] == "江苏省"
        assert info.get("成立时间") == (c.established.isoformat() if c.established else None)
        assert by_code[c.code]["established"] == info.get("成立时间")
    assert http["samr"].get("/search/orgDetailView", params={"data_id": "0" * 32}).status_code == 404


# -- openstd ------------------------------------------------------------------------------------------------


def test_openstd_list_is_gbk_and_pages_every_national_standard(http: dict, corpus: Corpus):
    national = {facts(s).hcno: s for s in corpus.standards if s.tid == 2 and not s.defect}
    r = http["openstd"].get("/bzgk/std/std_list", params={"p.p1": 0, "page": 1, "pageSize": 50})
    assert r.headers["content-type"] == "text/html;charset=GBK" and r.encoding.lower() == "gbk"
    assert "charset=gbk" in r.text and "国家标准全文公开系统" in r.text
    r.content.decode("gbk")  # really GBK
    soup = BeautifulSoup(r.text, "lxml")
    assert soup.select_one("span.badge").get_text() == str(len(national))
    seen, dates = [], []
    pages = -(-len(national) // 50)
    for page in range(1, pages + 1):
        soup = BeautifulSoup(http["openstd"].get("/bzgk/std/std_list", params={"page": page, "pageSize": 50}).text, "lxml")
        for tr in soup.select("table.result_list > tbody:nth-of-type(2) > tr"):
            tds = tr.find_all("td", recursive=False)
            onclick = tds[1].a["onclick"]
            hcno = onclick[10:-3]
            assert re.fullmatch(r"showInfo\('[0-9A-F]{32}'\);", onclick) and hcno in national
            s = national[hcno]
            assert tds[1].a.get_text() == s.std_no and tds[3].select_one("a").get_text() and "mytxt" in tds[3]["class"]
            assert tds[6].get_text() == s.issue_date.isoformat() and tds[7].get_text() == s.act_date.isoformat()
            seen.append(hcno)
            dates.append(tds[6].get_text())
    assert sorted(seen) == sorted(national) and dates == sorted(dates, reverse=True)
    odd = BeautifulSoup(http["openstd"].get("/bzgk/std/std_list", params={"pageSize": 30}).text, "lxml")
    assert len(odd.select("table.result_list > tbody:nth-of-type(2) > tr")) == 10  # 10/25/50 only
    gbz = BeautifulSoup(http["openstd"].get("/bzgk/std/std_list", params={"p.p1": 3, "pageSize": 10}).text, "lxml")
    assert gbz.select_one("span.badge").get_text() == str(sum(s.prefix == "GB/Z" for s in national.values()))


def test_openstd_detail_status_conflicts_and_the_gb_redirect(http: dict, corpus: Corpus, truth: dict):
    conflicts = truth["status_conflicts"]
    assert len(conflicts) >= 5 and {c["openstd_status"] for c in conflicts} == {"废止", "现行"}
    listed = set()
    for page in (1, 2, 3):
        withdrawn = BeautifulSoup(http["openstd"].get("/bzgk/std/std_list", params={
            "p.p5": "WITHDRAWN", "pageSize": 50, "page": page}).text, "lxml")
        listed |= {tr.find_all("td")[1].a["onclick"][10:-3]
                   for tr in withdrawn.select("table.result_list > tbody:nth-of-type(2) > tr")}
    assert int(withdrawn.select_one("span.badge").get_text()) == len(listed) == sum(
        openstd_status(corpus, s)[0] == "废止" for s in corpus.standards if s.tid == 2 and not s.defect)
    for c in conflicts:
        s = corpus.by_id(c["samr_id"])
        assert c["samr_status"] == s.status != c["openstd_status"] and c["hcno"] == facts(s).hcno
        r = http["openstd"].get("/bzgk/std/newGbInfo", params={"hcno": c["hcno"]})
        soup = BeautifulSoup(r.text, "lxml")
        assert _canon(soup.select_one("div.bor2 table.mk1 tr td h1").get_text()).startswith(f"标准号：{c['std_no']}")
        rows = soup.select("table.tdlist tr")
        assert rows[0].select_one("td b").get_text() and rows[1].get_text().startswith("英文标准名称：")
        assert rows[2].select_one("td span").get_text() == c["openstd_status"]
        contents = [d.get_text() for d in soup.select("div.content")]
        assert len(contents) == 8 and contents[2] == s.issue_date.isoformat() and contents[3] == s.act_date.isoformat()
        if c["openstd_status"] == "废止":
            assert c["openstd_abolish_date"] > s.issue_date.isoformat() and contents[7] == f"废止日期：{c['openstd_abolish_date']}"
            assert c["hcno"] in listed
    samr_row = http["samr"].get("/gb/search/gbAdvancedSearchPage", params={"tid": 2, "pageSize": 1}).json()["rows"][0]
    page = http["openstd"].get("/bzgk/std/newGbInfo", params={"hcno": samr_row["OPEN_HASH_CODE"]})
    assert _canon(BeautifulSoup(page.text, "lxml").h1.get_text()).startswith("标准号：")
    missing = http["openstd"].get("/bzgk/std/newGbInfo", params={"hcno": "F" * 32})
    assert missing.status_code == 200 and "您所查询的标准系统尚未收录" in missing.text

    moved = http["openstd"].get("/bzgk/gb/std_list", params={"p.p1": 2, "p.p2": "光伏", "page": 1})
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{http['openstd'].base_url}/bzgk/std/std_list?p.p1=2&p.p2=%E5%85%89%E4%BC%8F&page=1"
    followed = http["openstd"].get("/bzgk/gb/newGbInfo", params={"hcno": conflicts[0]["hcno"]}, follow_redirects=True)
    assert followed.status_code == 200 and followed.url.path == "/bzgk/std/newGbInfo" and len(followed.history) == 1


# -- hbba and dbba --------------------------------------------------------------------------------------------


def _sacinfo_all(client: httpx.Client, **form) -> tuple[int, list[dict]]:
    records, total, page = [], None, 1
    while True:
        body = client.post("/stdQueryList", data={"current": page, "size": 100, **form}).json()
        assert set(body) == {"total", "current", "pages", "size", "records"} and body["current"] == page
        total = body["total"]
        records += body["records"]
        if page >= body["pages"]:
            break
        page += 1
    assert len(records) == total
    return total, records


def test_sacinfo_cookie_forms_and_paging(http: dict):
    r = http["hbba"].get("/stdList")
    assert r.status_code == 200 and "JSESSIONID" in r.cookies and 'name="key"' in r.text
    assert http["dbba"].get("/stdList").cookies.get("JSESSIONID")
    assert http["hbba"].get("/stdQueryList").status_code == 405
    first = http["hbba"].post("/stdQueryList", data={"current": 1, "size": 15}).json()
    assert first["size"] == 15 and len(first["records"]) == 15 and first["pages"] == -(-first["total"] // 15)
    rec = first["records"][0]
    assert set(rec) == {"pk", "code", "chName", "industry", "chargeDept", "status", "issueDate", "actDate", "recordDate",
                        "recordNo", "reviseStdCodes", "fzDate", "empty", "otherResultColumns"}
    assert re.fullmatch(r"[0-9a-f]{64}", rec["pk"]) and isinstance(rec["issueDate"], int) and rec["recordDate"] > 1e12
    assert http["hbba"].post("/stdQueryList", data={"current": 1, "size": 0}).status_code == 400
    late = http["hbba"].post("/stdQueryList", data={"current": 999, "size": 15}).json()
    assert late["records"] == [] and late["total"] == first["total"]


def test_hbba_lists_samr_industry_standards_once_and_a_few_of_its_own(http: dict, corpus: Corpus, truth: dict):
    total, records = _sacinfo_all(http["hbba"])
    pks = [r["pk"] for r in records]
    assert len(pks) == len(set(pks))
    numbers = Counter(_canon(r["code"]) for r in records)
    assert max(numbers.values()) == 1
    samr_industry = {s.std_no for s in corpus.standards if s.tid == 3 and not s.defect}
    on_hbba = set(numbers)
    assert 0.8 < len(on_hbba & samr_industry) / len(samr_industry) < 0.9
    only = on_hbba - samr_industry
    assert only == {r.std_no for r in corpus.hbba_only} and len(only) == 30
    assert any("—" in r["code"] for r in records)
    entries = {e["std_no"]: e for e in _entries(truth, "industry")}
    for no in on_hbba:
        assert "hbba" in entries[no]["portals"]
        assert entries[no]["portals"] == (["hbba", "samr"] if no in samr_industry else ["hbba"])
    days = [r["recordDate"] for r in records]
    assert days == sorted(days, reverse=True)
    # filters
    jt = http["hbba"].post("/stdQueryList", data={"current": 1, "size": 100, "ministry": "jtysb"}).json()
    assert jt["total"] == sum(n.startswith("JT/T") for n in on_hbba) and all(r["industry"] == "交通" for r in jt["records"])
    qb = http["hbba"].post("/stdQueryList", data={"current": 1, "size": 5, "industry": "轻工"}).json()
    assert qb["total"] == sum(n.startswith("QB/T") for n in on_hbba)
    both = http["hbba"].post("/stdQueryList", content="current=1&size=5&status%5B%5D=%E7%8E%B0%E8%A1%8C&status%5B%5D=%E5%BA%9F%E6%AD%A2",
                             headers={"Content-Type": "application/x-www-form-urlencoded"}).json()
    assert both["total"] == sum(r["status"] in ("现行", "废止") for r in records)
    # samr-listed ones keep samr's dates and drafters
    by_no = {s.std_no: s for s in corpus.standards if s.tid == 3}
    for r in records[:60]:
        s = by_no.get(_canon(r["code"]))
        if s is None:
            continue
        assert _ms_day(r["issueDate"]) == s.issue_date.isoformat()
        page = BeautifulSoup(http["hbba"].get(f"/stdDetail/{r['pk']}").text, "lxml")
        h2 = page.find("h2", string="起草单位")
        if hbba_view(s).drafters == PUBLISHED:
            units = h2.parent.find_next_sibling("p").get_text().split("、")
            assert units == [corpus.orgs[o].name for o in s.units]
        else:
            assert h2 is None or h2.parent.find_next_sibling("p").get_text() == ""


def test_dbba_province_filters_and_local_records(http: dict, corpus: Corpus, truth: dict):
    total, records = _sacinfo_all(http["dbba"], ministry="jszjj")
    same_total, same = _sacinfo_all(http["dbba"], industry="江苏省")
    assert total == same_total and [r["pk"] for r in records] == [r["pk"] for r in same]
    jiangsu = {r.uid for r in corpus.local if r.province == "江苏省"}
    assert {r["pk"] for r in records} == jiangsu and len(jiangsu) < len(corpus.local)
    assert not any(r["code"].startswith(("DB33", "DB31", "DB44", "DB37", "DB34", "DB61")) for r in records)
    assert {r["industry"] for r in records} >= {"江苏省", "苏州市"}
    assert any(len(r["pk"]) == 32 for r in records) and any(len(r["pk"]) == 64 for r in records)
    _, suzhou = _sacinfo_all(http["dbba"], industry="苏州市")
    _, key = _sacinfo_all(http["dbba"], key="DB3205")
    assert {r["pk"] for r in suzhou} == {r["pk"] for r in key} == {r.uid for r in corpus.local if r.prefix == "DB3205/T"}
    zhejiang = http["dbba"].post("/stdQueryList", data={"current": 1, "size": 1, "ministry": "zjzjj"}).json()
    assert zhejiang["total"] == sum(r.province == "浙江省" for r in corpus.local) > 0
    # rejects as printed
    rejects = {r["id"]: r for r in truth["all_rejects"] if r["portal"] == "dbba"}
    assert {r["reason"] for r in rejects.values()} == {"bad_std_no", "bad_date"}
    printed = {r["pk"]: r for r in _sacinfo_all(http["dbba"])[1]}
    for pk, rej in rejects.items():
        assert printed[pk][rej["field"]] == rej["value"]
    # pubdate: filed within N months of today
    corpus.today = date(2026, 6, 30)
    try:
        recent = http["dbba"].post("/stdQueryList", data={"current": 1, "size": 1, "pubdate": "-6"}).json()
        assert recent["total"] == sum(r.record_date >= date(2025, 12, 30) for r in corpus.local)
    finally:
        corpus.today = None
    # dates and numbers agree with the truth (epoch ms at midnight Asia/Shanghai)
    entries = {e["ids"]["dbba"]: e for e in _entries(truth, "local")}
    for r in records:
        if r["pk"] in entries:
            assert _ms_day(r["issueDate"]) == entries[r["pk"]]["issue_date"]
            assert _canon(r["code"]).replace(" ", "") == entries[r["pk"]]["std_no"].replace(" ", "")


def test_dbba_detail_pages(http: dict, corpus: Corpus, truth: dict):
    entries = {e["ids"]["dbba"]: e for e in _entries(truth, "local")}
    _, by_pk = sacinfo_items(corpus, "dbba")
    sample = [r for r in corpus.local if not r.defect][:40] + [
        r for r in corpus.local if not r.defect and (r.spam_unit >= 0 or r.drafters != PUBLISHED)]
    kinds = Counter()
    for rec in sample:
        r = http["dbba"].get(f"/stdDetail/{rec.uid}")
        assert r.status_code == 200
        soup = BeautifulSoup(r.text, "lxml")
        pairs = {}
        for dt in soup.select("div.basic-info dl dt"):
            pairs[dt.get_text()] = dt.find_next_sibling("dd").get_text()
        assert {"标准号", "发布日期", "实施日期", "废止日期", "制修订", "代替标准", "技术归口", "批准发布部门"} <= set(pairs)
        assert _canon(pairs["标准号"]).replace(" ", "") == rec.std_no.replace(" ", "")
        assert pairs["制修订"] == ("修订" if rec.replaces >= 0 else "制定")
        assert pairs["代替标准"] == (corpus.local[rec.replaces].std_no if rec.replaces >= 0 else "")
        assert soup.find("p", string=re.compile("^备案号：")) and soup.find("p", string=re.compile("^备案日期："))
        assert soup.select_one("span.label-info").get_text() == rec.region
        h2 = soup.find("h2", string="起草单位")
        e = entries[rec.uid]
        if rec.drafters == PUBLISHED:
            units = h2.parent.find_next_sibling("p").get_text().split("、")
            spam = vocab.SPAM[rec.spam_text] if rec.spam_unit >= 0 else "\0"
            assert [u.replace(spam, "") for u in units] == [corpus.orgs[o].name for o in rec.units]
            assert units[0].replace(spam, "") == e["lead_org"] and e["drafters_published"]
            kinds["published"] += 1
        else:
            assert h2 is None or h2.parent.find_next_sibling("p").get_text() == ""
            assert not e["drafters_published"]
            assert e["known"] == (UNKNOWN if rec.prefix == "DB3205/T" else OUTSIDE)
            kinds["absent" if h2 is None else "empty"] += 1
        if rec.spam_unit >= 0:
            assert vocab.SPAM[rec.spam_text] in soup.title.get_text()
            kinds["spam"] += 1
    assert kinds["published"] and kinds["absent"] and kinds["empty"] and kinds["spam"]
    assert http["dbba"].get("/stdDetail/" + "0" * 64).status_code == 404
    assert len(by_pk) == len(corpus.local)


# -- ttbz -------------------------------------------------------------------------------------------------


def test_ttbz_provinces_associations_and_their_standards(http: dict, corpus: Corpus):
    c = http["ttbz"]
    headers = {"Referer": str(c.base_url) + "/standard.html"}
    provinces = c.post("/cms-proxy/ms/district/portal/getProvince", json={}, headers=headers).json()
    assert provinces["result"] is True and {"name": "江苏省"} in provinces["data"] and len(provinces["data"]) == 31
    organs = c.post(TTBZ_ORGANS, params={"pageNo": 1, "pageSize": 100}, json={"certUnitArea": "江苏省"}).json()["data"]
    jiangsu = [a for a in corpus.associations if a.province == "江苏省"]
    assert organs["total"] == len(jiangsu) == len(organs["rows"])
    assert {r["organUniqueId"] for r in organs["rows"]} == {a.uid for a in jiangsu}
    assert all(r["certUnitArea"] == "江苏省" and "organName" in r for r in organs["rows"])
    small = c.post(TTBZ_ORGANS, params={"pageNo": 2, "pageSize": 5}, json={"certUnitArea": "江苏省"}).json()["data"]
    assert small["rows"] == organs["rows"][5:10]
    found = 0
    for row in organs["rows"]:
        body = c.post(TTBZ_LIST, data={"pageNo": 1, "pageSize": 50, "organUniqueId": row["organUniqueId"]}).json()
        expected = [r for r in corpus.group if corpus.associations[r.publisher].uid == row["organUniqueId"]]
        assert body["data"]["total"] == len(expected) and len(body["data"]["rows"]) == min(50, len(expected))
        assert all(r["organName"] == row["organName"] for r in body["data"]["rows"])
        found += len(expected)
    assert 0 < found < len(corpus.group)


def test_ttbz_standard_list_rows_and_paging(http: dict, corpus: Corpus, truth: dict):
    c = http["ttbz"]
    first = c.post(TTBZ_LIST, data={"pageNo": 1, "pageSize": 200}).json()
    assert first["result"] is True and first["data"]["total"] == len(corpus.group) and len(first["data"]["rows"]) == 50
    rows = []
    for page in range(1, len(corpus.group) // 50 + 2):
        rows += c.post(TTBZ_LIST, data={"pageNo": page, "pageSize": 50}).json()["data"]["rows"]
    assert len(rows) == len(corpus.group)
    keys = {"standardUniqueId", "id", "standardNo", "standardTitleCn", "organName", "organCode", "standardStatus",
            "standardStatusName", "publishDate", "implementDate", "abolishDate"}
    assert all(keys <= r.keys() for r in rows)
    ok = [r for r in rows if r["standardUniqueId"]]
    assert all(re.fullmatch(r"[a-z0-9]{31}", r["standardUniqueId"]) for r in ok)
    rejects = [r for r in truth["all_rejects"] if r["portal"] == "ttbz"]
    bad_numbers = {r["value"] for r in rejects if r["reason"] == "bad_std_no"}
    assert all(r["standardNo"].startswith("T/") for r in rows)
    assert all(re.fullmatch(r"T/[A-Z]+ \d{3,4}—\d{4}", r["standardNo"]) for r in rows if r["standardNo"] not in bad_numbers)
    assert any(r["publishDate"].endswith(" 00:00:00") for r in rows)
    assert {r["reason"] for r in rejects} == {"missing_field", "bad_date", "bad_std_no"}
    assert sum(r["standardUniqueId"] == "" for r in rows) == sum(r["reason"] == "missing_field" for r in rejects)
    since = c.post(TTBZ_LIST, data={"pageNo": 1, "pageSize": 10, "publishDateBegin": "2025-01-01"}).json()["data"]
    assert since["total"] == sum(r.issue_date >= date(2025, 1, 1) for r in corpus.group)
    key = c.post(TTBZ_LIST, data={"pageNo": 1, "pageSize": 10, "searchKey": rows[3]["standardNo"]}).json()["data"]
    assert rows[3]["standardUniqueId"] in {r["standardUniqueId"] for r in key["rows"]}
    assert c.get(TTBZ_LIST).status_code == 405


def test_ttbz_detail_json_blob_and_the_legacy_waf(http: dict, corpus: Corpus, truth: dict):
    entries = {e["ids"]["ttbz"]: e for e in _entries(truth, "group")}
    sample = [r for r in corpus.group if not r.defect][:40] + [
        r for r in corpus.group if not r.defect and (r.spam_unit >= 0 or r.drafters != PUBLISHED)]
    seen = Counter()
    for rec in sample:
        r = http["ttbz"].get(f"/standardDetail/{rec.uid}.html")
        assert r.status_code == 200
        blob = json.loads(BeautifulSoup(r.text, "lxml").select_one("script#portal-standard-detail-json").string)
        assert {"editorUnit", "drafterNames", "scope", "mainContent", "isPatentName", "icsl1Name", "ccss1Name", "ccsl1Name"} <= blob.keys()
        e = entries[rec.uid]
        if rec.drafters == PUBLISHED:
            units = re.split("[、，]", blob["editorUnit"])
            spam = vocab.SPAM[rec.spam_text] if rec.spam_unit >= 0 else "\0"
            assert units[0].replace(spam, "") == e["lead_org"] and len(units) == len(rec.units)
            seen["，" if "，" in blob["editorUnit"] else "、"] += 1
        else:
            assert blob["editorUnit"] == "" and e["known"] == OUTSIDE
            seen["empty"] += 1
        seen["spam"] += rec.spam_unit >= 0
    assert seen["、"] and seen["empty"] and seen["spam"]
    waf = http["ttbz"].get("/Home/Standard")
    assert "WEB 应用防火墙" in waf.text and "__jsluid_s" in waf.headers["set-cookie"] and "document[" in waf.text
    assert "WEB 应用防火墙" in http["ttbz"].get("/StandardManage/Detail/12345").text
    assert http["ttbz"].get("/standardDetail/" + "x" * 31 + ".html").status_code == 404


# -- qybz -----------------------------------------------------------------------------------------------------


def test_qybz_homepage_shows_only_the_latest_100(http: dict, corpus: Corpus, truth: dict):
    r = http["qybz"].get("/")
    assert r.status_code == 200 and "请完成安全验证" not in r.text and "initGeetest" not in r.text
    soup = BeautifulSoup(r.text, "lxml")
    rows = [tr for tr in soup.find_all("tr") if tr.find("a", href=re.compile(r"toDetail\("))]
    assert len(rows) == 100 == len(corpus.qybz_home()) < len(corpus.enterprise)
    ids = [re.search(r"toDetail\('([0-9a-f]{32})'\)", tr["onclick"]).group(1) for tr in rows]
    assert ids == [rec.uid for rec in corpus.qybz_home()]
    newest = max(rec.issue for rec in corpus.enterprise)
    assert corpus.qybz_home()[0].issue == newest
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in rows]
    assert all(re.fullmatch(r"(Q/[A-Z]+ \d{3}[—-]\d{4})?《.+》", c[2]) for c in cells)
    assert sum(c[2].startswith("《") for c in cells) == 1
    reachable = {e["ids"]["qybz"] for e in _entries(truth, "enterprise") if e["reachable"]}
    assert reachable == {i for i in ids} - {r["id"] for r in truth["all_rejects"] if r["portal"] == "qybz"}


def test_qybz_detail_pages_carry_credit_code_and_division(http: dict, corpus: Corpus, truth: dict):
    entries = {e["ids"]["qybz"]: e for e in _entries(truth, "enterprise")}
    for rec in corpus.qybz_home()[:30] + corpus.enterprise[:5]:
        soup = BeautifulSoup(http["qybz"].get(f"/user/detail/{rec.uid}").text, "lxml")
        tables = soup.find_all("table")
        pairs = {}
        for table in tables[:2]:
            cells = [td.get_text() for td in table.find_all("td")]
            pairs.update(zip(cells[0::2], cells[1::2]))
        assert {"标准名称", "标准编号", "机构名称", "统一社会信用代码", "行政区划", "公开时间"} <= set(pairs)
        assert uscc.is_valid(pairs["统一社会信用代码"])
        assert [th.get_text() for th in tables[2].find_all("th")] == ["产品名称", "通用名", "品牌", "条码", "规格", "型号", "分类"]
        assert soup.select_one("input[name=standardId]")["value"] == rec.uid
        if not rec.defect:
            e = entries[rec.uid]
            assert pairs["标准编号"] == e["std_no"] and pairs["机构名称"] == e["declarer"] and pairs["行政区划"] == e["division"]
            in_region = pairs["行政区划"].startswith("江苏省苏州市")
            assert in_region == (e["known"] != OUTSIDE)
            if in_region:
                assert pairs["行政区划"].endswith(e["known"]) and pairs["统一社会信用代码"][2:6] == "3205"
            assert e["counted"] == (e["reachable"] and in_region and e["issue_date"] >= truth["window_start"])


def test_qybz_search_answers_the_captcha(http: dict):
    for path, params in (("/user/searchR", {"keyword": "苏州", "pageNo": 1, "standardType": "", "standardStatus": "",
                                            "xzqh": "320500"}), ("/user/toSearch/", {})):
        r = http["qybz"].get(path, params=params)
        assert r.status_code == 200
        for marker in ("请完成安全验证", "gt.js", "geetest_challenge", "initGeetest"):
            assert marker in r.text
    assert "challenge" in http["qybz"].get("/gc/geetest/login", params={"t": 1}).json()


# -- the plan page ----------------------------------------------------------------------------------------------


def test_plan_page_holds_the_damaged_text_byte_for_byte(http: dict, corpus: Corpus, truth: dict):
    assert re.fullmatch(r"/szsrmzf/zfwj/202208/[0-9a-f]{32}\.shtml", corpus.plan_url_path)
    r = http["suzhou_gov"].get(corpus.plan_url_path)
    assert r.status_code == 200
    start = r.content.index(b"<ucapcontent>") + len(b"<ucapcontent>")
    assert r.content[start:r.content.index(b"</ucapcontent>")] == PLAN_BYTES
    assert "澳门皇冠赌场".encode() in PLAN_BYTES and "2022821日".encode() in PLAN_BYTES
    soup = BeautifulSoup(r.text, "lxml")
    assert soup.find("meta", attrs={"name": "PubDate"})["content"] == "2022-08-21 15:58:00"
    assert soup.find("ucaptitle").get_text().endswith("贯彻落实国家标准化发展纲要的实施意见")
    assert soup.select_one("span.ly b").get_text().endswith("委办公室")
    assert "\u00a0>\u00a0" in soup.select_one("div.position").get_text()
    assert truth["plan"] == {"url_path": corpus.plan_url_path, "issue_date": "2022-08-21", "pub_time": "2022-08-21 15:58:00",
                             "text_sha256": hashlib.sha256(PLAN_BYTES).hexdigest(), "text_chars": len(PLAN_BYTES.decode())}
    column = BeautifulSoup(http["suzhou_gov"].get("/szsrmzf/zfwj/nav_list.shtml").text, "lxml")
    assert column.select_one("ul.infolist li a")["href"] == corpus.plan_url_path
    assert http["suzhou_gov"].get("/szsrmzf/zfwj/202208/" + "0" * 32 + ".shtml").status_code == 404


# -- the ground truth -------------------------------------------------------------------------------------------


def test_all_counts_equal_a_recount_and_duplicates_count_once(truth: dict):
    every = truth["all_standards"]
    numbers = [e["std_no"] for e in every]
    assert len(numbers) == len(set(numbers))
    recount = Counter()
    for e in every:
        in_window = e["issue_date"] >= truth["window_start"] and (truth["window_end"] is None or e["issue_date"] <= truth["window_end"])
        if in_window and e["known"] != OUTSIDE and e.get("reachable", True):  # enterprise: only what the homepage shows
            recount[e["known"], e["std_type"], int(e["issue_date"][:4])] += 1
    assert {(c["district"], c["std_type"], c["year"]): c["n"] for c in truth["all_counts"]} == recount
    assert counts_of(every) == truth["all_counts"]
    assert {c["std_type"] for c in truth["all_counts"]} == {"national", "industry", "local", "group", "enterprise"}
    several = [e for e in every if len(e["portals"]) > 1]
    assert sum(e["portals"] == ["hbba", "samr"] for e in several) > 900
    assert sum(c["n"] for c in truth["all_counts"]) == sum(e["counted"] for e in every)


def test_the_samr_view_is_unchanged_and_recoverable(truth: dict):
    assert truth["generated_for"] == "samr" and {"standards", "counts", "rejects", "organisations"} <= truth.keys()
    assert counts_for(truth, {"national", "industry"}, {"samr"}) == truth["counts"]
    assert counts_for(truth, {"national", "industry"}) != truth["counts"]  # hbba-only industry standards count too
    assert counts_for(truth) == truth["all_counts"]
    samr_numbers = {s["std_no"] for s in truth["standards"]}
    assert samr_numbers == {e["std_no"] for e in truth["all_standards"] if "samr" in e["portals"]}


def test_type_rules_in_the_truth(corpus: Corpus, truth: dict):
    local = _entries(truth, "local")
    for e in local:
        prefix = e["std_no"].split(" ")[0]
        if prefix == "DB3205/T":
            assert e["known"] in (*vocab.DISTRICTS, UNKNOWN)
        elif prefix != "DB32/T":
            assert e["known"] == OUTSIDE and not e["counted"]
    assert any(e["std_no"].startswith("DB3205/T") and e["lead_known"] == OUTSIDE and e["known"] == UNKNOWN for e in local)
    assert {e["known"] for e in local if e["std_no"].startswith("DB32/T")} >= {OUTSIDE, UNKNOWN}
    group = _entries(truth, "group")
    assert all(e["known"] == (e["lead_known"] if e["drafters_published"] else OUTSIDE) for e in group)
    tally = Counter((e["publisher_known"], int(e["issue_date"][:4])) for e in group
                    if e["issue_date"] >= truth["window_start"] and e["publisher_known"] != OUTSIDE)
    assert {(r["district"], r["year"]): r["n"] for r in truth["group_publisher_counts"]} == tally
    enterprise = _entries(truth, "enterprise")
    assert sum(e["reachable"] for e in enterprise) == 98  # the homepage's 100, less its two malformed rows
    counted = Counter(e["known"] for e in enterprise if e["counted"])
    hidden = Counter()
    for r in truth["enterprise_total_true"]:
        hidden[r["district"]] += r["n"]
    assert all(hidden[d] >= n for d, n in counted.items()) and sum(hidden.values()) > 2 * sum(counted.values())
    committees = truth["committees"]
    assert all(c["counted"] == (c["established"] is not None and c["established"] >= truth["window_start"]
                                and c["known"] != OUTSIDE) for c in committees)
    tally = Counter((c["known"], int(c["established"][:4])) for c in committees if c["counted"])
    assert {(r["district"], r["year"]): r["n"] for r in truth["committee_counts"]} == tally
    assert {c["known"] for c in committees if c["counted"]} - {UNKNOWN} and any(c["established"] is None for c in committees)
    reasons = Counter((r["portal"], r["reason"]) for r in truth["all_rejects"])
    assert {p for p, _ in reasons} == {"samr", "dbba", "ttbz", "qybz"}
    assert [r for r in truth["all_rejects"] if r["portal"] == "samr"] == [{"portal": "samr", **r} for r in truth["rejects"]]


def test_new_organisations_use_the_existing_scenarios(corpus: Corpus):
    from mirror.corpus import SCENARIOS

    names = [o.name for o in corpus.orgs]
    assert len(names) == len(set(names)) and len(corpus.orgs) > 1000
    assert {o.scenario for o in corpus.orgs} <= set(SCENARIOS)
    js_names = [o.name for o in corpus.orgs[900:] if o.name.startswith(("南京", "无锡", "常州", "南通", "扬州"))]
    assert len(js_names) > 30
    for e in corpus.enterprises:
        assert uscc.is_valid(e.uscc) and (e.uscc[2:6] == "3205") == e.in_region


# -- determinism ----------------------------------------------------------------------------------------


def test_same_seed_same_files_and_pages(tmp_path: Path, corpus: Corpus):
    again = build_corpus("demo", 7)
    a = write_corpus(corpus, tmp_path / "a")
    b = write_corpus(again, tmp_path / "b")
    assert a["ground_truth"].read_bytes() == b["ground_truth"].read_bytes()
    assert json.loads(a["ground_truth"].read_text(encoding="utf-8")) == ground_truth(corpus)
    requests = [
        ("samr", "GET", "/search/orgPage", {"op": TC_OP, "pageNo": "2"}, b""),
        ("openstd", "GET", "/bzgk/std/std_list", {"pageSize": "25", "page": "3"}, b""),
        ("hbba", "POST", "/stdQueryList", {}, b"current=2&size=50"),
        ("dbba", "GET", f"/stdDetail/{corpus.local[5].uid}", {}, b""),
        ("ttbz", "POST", TTBZ_LIST, {}, b"pageNo=3&pageSize=20"),
        ("ttbz", "GET", f"/standardDetail/{corpus.group[7].uid}.html", {}, b""),
        ("qybz", "GET", "/", {}, b""),
        ("qybz", "GET", f"/user/detail/{corpus.enterprise[9].uid}", {}, b""),
        ("suzhou_gov", "GET", corpus.plan_url_path, {}, b""),
    ]
    for site, method, path, query, body in requests:
        answers = [APPS[site](c).handle(Request(method, path, query, {"Host": "x"}, body, site)).body for c in (corpus, again)]
        assert answers[0] == answers[1], (site, path)
    other = build_corpus("demo", 8)
    assert [r.std_no for r in other.local] != [r.std_no for r in corpus.local]


def test_add_standards_reaches_hbba_and_openstd():
    small = Corpus(seed=5, size=400)
    with MirrorCluster(small, sites=["hbba", "openstd"]) as c:
        before = httpx.post(c.base_urls["hbba"] + "/stdQueryList", data={"current": 1, "size": 1}).json()["total"]
        added = small.add_standards(40, "2026-12-30 10:00:00")
        after = httpx.post(c.base_urls["hbba"] + "/stdQueryList", data={"current": 1, "size": 1}).json()["total"]
        assert after - before == sum(s.tid == 3 and hbba_view(s).listed for s in added) > 0
        national = [s for s in added if s.tid == 2]
        page = httpx.get(c.base_urls["openstd"] + "/bzgk/std/newGbInfo", params={"hcno": facts(national[0]).hcno})
        assert national[0].std_no in _canon(page.text)
    truth = ground_truth(small)
    assert {s.std_no for s in added} <= {e["std_no"] for e in truth["all_standards"]}
