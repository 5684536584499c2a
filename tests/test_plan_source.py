"""The plan source over loopback HTTP: a government-CMS page wrapping the crawled plan text in
`<ucapcontent>` → cleaned (spam removed, page flagged), issue date read, 18 targets loaded into
ref.indicator / ref.indicator_mention; and what happens when there is no plan, or no page."""

from __future__ import annotations

import html
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from extract.archive import Archive, read_response
from extract.http import HttpClient
from extract.sources import plan as plan_source
from flows.settings import Settings
from flows.targets import crawl_plan, plan_step
from loopback import reply, serve
from warehouse import Warehouse, progress_report, query
from transform.region import load_region

PLAN_FILE = Path(__file__).parent / "fixtures" / "plans" / "suzhou-2022-standardization-opinions.txt"
PLAN_TEXT = PLAN_FILE.read_text(encoding="utf-8")
PLAN_PATH = "/szsrmzf/zfwj/202208/5d2c1e0f7a3b4c6d8e9f0a1b2c3d4e5f.shtml"
SPAM = "澳门皇冠赌场_澳门皇冠游戏-投注app官网"


def cms_page(text: str) -> bytes:
    """The suzhou.gov.cn article template (portals.md §6.1): title in <ucaptitle>, body in <ucapcontent>."""
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="苏州市人民政府"><meta name="ColumnName" content="政府文件">
<meta name="PubDate" content="2022-08-21 15:58:00"><title>贯彻落实国家标准化发展纲要的实施意见</title>
<script>var _hmt = _hmt || [];</script></head>
<body><div class="crumb">当前位置：<a href="/">首页</a>&nbsp;&gt;&nbsp;政务公开</div>
<ucaptitle>贯彻落实国家标准化发展纲要的实施意见</ucaptitle>
<div class="ly">来源：<b>市委办公室</b></div>
<ucapcontent>{paragraphs}</ucapcontent>
<div class="footer">扫一扫在手机打开当前页 主办单位：苏州市人民政府办公室</div>
</body></html>""".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.seen.append((self.path, dict(self.headers)))
        if self.path == PLAN_PATH:
            self._answer(200, cms_page(PLAN_TEXT))
        elif self.path == "/challenge.shtml":
            self._answer(521, b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>")
        else:
            self._answer(404, "<html><body>页面不存在</body></html>".encode())

    def _answer(self, status: int, body: bytes) -> None:
        reply(self, status, body, "text/html; charset=utf-8")


@pytest.fixture(scope="module")
def base():
    with serve(Handler) as url:
        yield url


def settings_for(tmp_path: Path, **values) -> Settings:
    return Settings(data_dir=tmp_path, **values)


def run_plan_step(settings: Settings, run_id: str = "run-1"):
    """A load as the nightly does it: one write session, the plan step inside it."""
    archive = Archive(settings.archive_dir, run_id)
    client = HttpClient(user_agent="stdwatch-test", allowed_hosts={"127.0.0.1"}, host_policy=lambda h: (0.0, 1),
                        timeout=5, max_retries=0, archive=archive, sleep=lambda s: None)
    try:
        with Warehouse(settings.warehouse_path).writing() as w:
            w.load_region(load_region("3205"))
            w.set_settings({"window_start": settings.window_start, "window_end": settings.window_end, "region": "3205"})
            result = plan_step(settings, client, w, archive)
    finally:
        client.close()
        archive.close()
    return result


def rows(settings: Settings, sql: str) -> list[dict]:
    return query(settings.warehouse_path, sql).to_pylist()


def test_the_plan_page_loads_18_targets_with_spam_flagged_and_the_issue_date(base, tmp_path):
    settings = settings_for(tmp_path, plan_url=base + PLAN_PATH)
    result = run_plan_step(settings)

    assert (result.status, result.message, result.problem) == ("read", None, None)
    assert result.plan.issue_date == date(2022, 8, 21)
    assert result.plan.doc_number == "苏委发〔2022〕30号"
    assert SPAM in result.plan.spam and SPAM not in result.plan.text
    assert len(result.targets) == 18

    indicators = rows(settings, "SELECT indicator_id, value, unit, plan_issue_date, response_id FROM ref.indicator ORDER BY position")
    assert len(indicators) == 18 and len({r["indicator_id"] for r in indicators}) == 18
    assert indicators[1] == {"indicator_id": "national_industry_led", "value": 500, "unit": "项",
                             "plan_issue_date": date(2022, 8, 21), "response_id": result.provenance.response_id}
    mentions = rows(settings, "SELECT clause FROM ref.indicator_mention WHERE indicator_id = 'local_std' ORDER BY mention")
    assert mentions == [{"clause": "(二)"}, {"clause": "(二十四)"}]

    plan = rows(settings, "SELECT plan_url, issue_date, spam, n_targets FROM ref.plan")
    assert plan == [{"plan_url": base + PLAN_PATH, "issue_date": date(2022, 8, 21), "spam": True, "n_targets": 18}]
    page = rows(settings, "SELECT source, url, status, spam, spam_terms, warc_path, warc_offset FROM raw.response")
    assert len(page) == 1
    assert (page[0]["source"], page[0]["url"], page[0]["status"], page[0]["spam"]) == ("plan", base + PLAN_PATH, 200, True)
    assert SPAM in page[0]["spam_terms"]
    status, _, body = read_response(settings.archive_dir, page[0]["warc_path"], page[0]["warc_offset"])
    assert status == 200 and "<ucapcontent>" in body.decode()

    figures = rows(settings, "SELECT requests, pages, records, spam_pages, extra->>'status' AS status FROM meta.run_source")
    assert figures == [{"requests": 1, "pages": 1, "records": 18, "spam_pages": 1, "status": "read"}]


def test_the_request_names_the_site_and_asks_for_html(base, tmp_path):
    Handler.seen.clear()
    run_plan_step(settings_for(tmp_path, plan_url=base + PLAN_PATH))
    [(path, headers)] = Handler.seen
    assert path == PLAN_PATH
    assert headers["Referer"] == base + "/" and "text/html" in headers["Accept"]
    assert plan_source.page_headers(base + PLAN_PATH)["Referer"] == base + "/"


def test_progress_reads_the_loaded_plan(base, tmp_path):
    settings = settings_for(tmp_path, plan_url=base + PLAN_PATH, as_of=date(2024, 12, 31))
    run_plan_step(settings)
    report = progress_report(settings.warehouse_path)
    assert report.rules["as_of"] == date(2024, 12, 31)  # the as_of setting, written by the step
    assert len(report.indicators) == 18
    assert {r["status"] for r in report.indicators} == {"no data yet"}  # no standard or event loaded


def test_no_plan_configured_asks_nothing_and_the_targets_wait_for_it(tmp_path):
    settings = settings_for(tmp_path)
    result = run_plan_step(settings)
    assert (result.status, result.problem) == ("not_configured", None)
    # nothing was fetched, so no plan figures join the run's per-source report
    assert rows(settings, "SELECT count(*) AS n FROM meta.run_source WHERE source = 'plan'") == [{"n": 0}]
    report = progress_report(settings.warehouse_path)
    assert report.plan is None
    assert {r["status"] for r in report.indicators} == {"no target yet"}
    assert all("plan_url" in r["waits_for"] for r in report.indicators)


def test_a_missing_or_refused_page_keeps_the_targets_already_loaded(base, tmp_path):
    run_plan_step(settings_for(tmp_path, plan_url=base + PLAN_PATH), "run-1")

    missing = run_plan_step(settings_for(tmp_path, plan_url=base + "/gone.shtml"), "run-2")
    assert missing.status == "failed" and "HTTP 404" in missing.problem
    refused = run_plan_step(settings_for(tmp_path, plan_url=base + "/challenge.shtml"), "run-3")
    assert refused.status == "blocked" and "js_challenge" in refused.problem

    settings = settings_for(tmp_path)
    assert rows(settings, "SELECT count(*) AS n FROM ref.indicator") == [{"n": 18}]
    assert rows(settings, "SELECT plan_url FROM ref.plan") == [{"plan_url": base + PLAN_PATH}]
    statuses = rows(settings, "SELECT run_id, blocked, extra->>'status' AS status FROM meta.run_source ORDER BY run_id")
    assert [(r["run_id"], r["blocked"], r["status"]) for r in statuses] == [
        ("run-1", 0, "read"), ("run-2", 0, "failed"), ("run-3", 1, "blocked")]
    assert rows(settings, "SELECT count(*) AS n FROM raw.response WHERE source = 'plan'") == [{"n": 3}]  # all archived


def test_a_host_off_the_allow_list_is_refused(tmp_path):
    with Archive(tmp_path, "run") as archive, HttpClient(
        user_agent="t", allowed_hosts={"127.0.0.1"}, host_policy=lambda h: (0.0, 1), archive=archive
    ) as client:
        result = crawl_plan(settings_for(tmp_path, plan_url="https://www.example.com/plan.shtml"), client)
    assert result.status == "failed" and "www.example.com" in result.message


def test_a_local_plan_file_is_read_without_fetching(tmp_path):
    settings = settings_for(tmp_path, plan_file=PLAN_FILE)
    result = run_plan_step(settings)
    assert (result.status, len(result.targets), result.requests) == ("read", 18, 0)
    plan = rows(settings, "SELECT plan_url, response_id, spam, issue_date FROM ref.plan")
    assert plan == [{"plan_url": PLAN_FILE.resolve().as_uri(), "response_id": None, "spam": True,
                     "issue_date": date(2022, 8, 21)}]


def test_a_plan_with_no_numeric_target_is_a_failure_not_an_empty_plan(tmp_path):
    page = tmp_path / "notice.txt"
    page.write_text("关于开展世界标准日活动的通知\n各单位：请做好宣传工作。\n", encoding="utf-8")
    result = run_plan_step(settings_for(tmp_path, plan_file=page))
    assert result.status == "failed" and "no numeric targets" in result.message
