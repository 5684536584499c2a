"""extract.http + extract.archive + extract.blocks against a tiny loopback server started here (not the mirror).

Waits go through an injected fake clock/sleep, so nothing really sleeps except
the one timeout test (tens of milliseconds).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import pytest

from extract import blocks
from extract.archive import Archive, iter_archive, read_response
from extract.http import (
    Blocked,
    DisallowedHost,
    FetchFailed,
    HttpClient,
    PolitenessUnavailable,
    ResponseTooLarge,
    decode_text,
)
from loopback import reply, serve

HTML_UTF8 = "<html><head><meta charset='utf-8'><title>标准</title></head><body>全国标准信息公共服务平台</body></html>"
GBK_WITH_META = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'></head>"
    "<body>苏州市市场监督管理局 通知公告</body></html>"
).encode("gb18030")
GBK_BARE = "<html><body>昆山市标准化协会 团体标准</body></html>".encode("gb18030")
WAF_PAGE = (
    "<html><head><title>WEB 应用防火墙</title></head><body><h1>您的访问被阻断</h1>"
    "<p>WEB 应用防火墙 检测到可疑访问</p></body></html>"
)
JSL_CHALLENGE = (
    "<html><body><script>document.cookie=('__jsl_clearance_s=1700000000.1|0|abc');"
    "location.href=location.pathname+location.search</script></body></html>"
)
GEETEST_PAGE = (
    "<html><head><script src='https://static.geetest.com/static/tools/gt.js'></script></head>"
    "<body><div id='captcha'>请完成下方验证</div><script>initGeetest({gt: 'x'})</script></body></html>"
)
TOO_FREQUENT = json.dumps({"code": 500, "message": "访问过于频繁，请稍后再试"}, ensure_ascii=False)
BIG_NORMAL_PAGE = (
    "<html><body><div class='login'>用户名 密码 验证码 <img src='/captcha.jpg'></div>"
    + "<p>" + "国家标准化管理委员会发布标准公告。" * 200 + "</p></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: dict[str, int] = {}
    served: dict[str, list[bytes]] = {}

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status, body=b"", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.served.setdefault(self.path.split("?")[0], []).append(body)
        reply(self, status, body, headers=headers)

    def do_GET(self):  # noqa: C901 - a routing table
        path = self.path.split("?")[0]
        n = self.state[path] = self.state.get(path, 0) + 1
        html = ("Content-Type", "text/html; charset=utf-8")
        if path == "/ok":
            self._send(200, HTML_UTF8, [html])
        elif path == "/always500":
            self._send(500, "<h1>Internal Server Error</h1>", [html])
        elif path == "/flaky503":
            if n == 1:
                self._send(503, "busy", [("Retry-After", "1")])
            else:
                self._send(200, HTML_UTF8, [html])
        elif path == "/429-date":
            if n == 1:
                now = time.time()
                self._send(429, "slow down", [("Date", formatdate(now, usegmt=True)),
                                               ("Retry-After", formatdate(now + 2, usegmt=True))])
            else:
                self._send(200, HTML_UTF8, [html])
        elif path == "/429-always":
            self._send(429, "slow down", [("Retry-After", "3")])
        elif path == "/429-long":
            self._send(429, "come back tomorrow", [("Retry-After", "86400")])
        elif path == "/big":
            self._send(200, b"x" * 5000, [("Content-Type", "text/plain")])
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(10):
                chunk = b"y" * 600
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip":
            self._send(200, gzip.compress(HTML_UTF8.encode()), [html, ("Content-Encoding", "gzip")])
        elif path == "/redirect-ok":
            self._send(302, "", [("Location", "/ok")])
        elif path == "/redirect-off":
            self._send(302, "", [("Location", "http://evil.invalid/steal")])
        elif path == "/redirect-loop":
            self._send(302, "", [("Location", "/redirect-loop")])
        elif path == "/gbk-meta":
            self._send(200, GBK_WITH_META, [("Content-Type", "text/html")])
        elif path == "/gbk-bare":
            self._send(200, GBK_BARE, [("Content-Type", "text/html")])
        elif path == "/gbk-latin1":
            self._send(200, GBK_BARE, [("Content-Type", "text/html; charset=ISO-8859-1")])
        elif path == "/521":
            self._send(521, JSL_CHALLENGE, [html])
        elif path == "/waf":
            self._send(200, WAF_PAGE, [html])
        elif path == "/jsl":
            self._send(200, JSL_CHALLENGE, [html])
        elif path == "/captcha":
            self._send(200, GEETEST_PAGE, [html])
        elif path == "/too-frequent":
            self._send(200, TOO_FREQUENT, [("Content-Type", "application/json;charset=UTF-8")])
        elif path == "/forbidden":
            self._send(403, "<h1>403 Forbidden</h1>", [html])
        elif path == "/big-normal":
            self._send(200, BIG_NORMAL_PAGE, [html])
        elif path == "/truncate-once":
            if n == 1:
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                self.wfile.write(b"0123456789")
                self.wfile.flush()
                self.close_connection = True
            else:
                self._send(200, "x" * 100, [("Content-Type", "text/plain")])
        elif path == "/slow":
            time.sleep(0.25)
            self._send(200, "late")
        elif path == "/404":
            self._send(404, "no such page", [html])
        else:
            self._send(404, "unknown test route")


@pytest.fixture(scope="module")
def server():
    with serve(Handler) as url:
        yield url


class FakeTime:
    """clock() and sleep() that only move when slept on; records every wait."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "archive", "test-run")
    yield archive
    archive.close()


@pytest.fixture
def make_client(archive, fake_time):
    Handler.state.clear()
    Handler.served.clear()
    clients = []

    def make(**overrides):
        kwargs = dict(
            user_agent="stdwatch-test/0.1 (contact: test@example.org)",
            allowed_hosts={"127.0.0.1"},
            host_policy=lambda host: (0.0, 4),  # no spacing unless a test asks for it
            timeout=5.0,
            max_retries=2,
            backoff=0.5,
            max_retry_after=60.0,
            max_bytes=1_000_000,
            archive=archive,
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            jitter=0.0,
        )
        kwargs.update(overrides)
        client = HttpClient(**kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# -- archive before parse ------------------------------------------------------------------------


def test_every_response_is_archived_with_its_sha256_including_errors(make_client, archive, server):
    client = make_client(max_retries=1)
    ok = client.fetch("GET", f"{server}/ok", source="t")
    with pytest.raises(FetchFailed) as failed:
        client.fetch("GET", f"{server}/always500", source="t")
    assert failed.value.reason == "http_500" and failed.value.attempts == 2

    assert [e.status for e in archive.entries] == [200, 500, 500]
    assert ok.response_id == archive.entries[0].response_id
    for entry, body in zip(archive.entries, Handler.served["/ok"] + Handler.served["/always500"]):
        assert entry.sha256 == hashlib.sha256(body).hexdigest()
        status, headers, stored = read_response(archive.root, entry.warc_path, entry.offset)
        assert (status, stored) == (entry.status, body)
        assert ("Content-Length", str(len(body))) in headers


def test_iter_archive_rebuilds_the_index_from_the_warc_files_alone(make_client, archive, server):
    client = make_client(max_retries=0)
    client.fetch("GET", f"{server}/ok", source="a")
    client.fetch("GET", f"{server}/gzip", source="b")
    with pytest.raises(Blocked):
        client.fetch("GET", f"{server}/waf", source="b")
    archive.close()

    rebuilt = {e.response_id: (e, body) for e, body in iter_archive(archive.root)}
    assert set(rebuilt) == {e.response_id for e in archive.entries}
    for entry in archive.entries:
        again, body = rebuilt[entry.response_id]
        assert again == entry
    assert [e.source for e, _ in iter_archive(archive.root, source="a")] == ["a"]
    assert rebuilt[archive.entries[2].response_id][0].blocked == blocks.WAF


def test_gzip_body_is_archived_as_received_and_read_back_decoded(make_client, archive, server):
    fetched = make_client().fetch("GET", f"{server}/gzip", source="t")
    assert fetched.text == HTML_UTF8
    entry = archive.entries[0]
    assert entry.sha256 == hashlib.sha256(Handler.served["/gzip"][0]).hexdigest() == fetched.sha256
    assert read_response(archive.root, entry.warc_path, entry.offset)[2] == HTML_UTF8.encode()


def test_provenance_fields_name_the_archived_response(make_client, archive, server):
    fields = make_client().fetch("GET", f"{server}/ok", source="samr").provenance_fields()
    entry = archive.entries[0]
    assert fields == {
        "source": "samr", "url": f"{server}/ok", "fetched_at": entry.fetched_at,
        "response_id": entry.response_id, "sha256": entry.sha256,
    }
    assert fields["fetched_at"].tzinfo is not None


def test_iter_archive_tolerates_a_truncated_last_record(make_client, archive, server):
    client = make_client()
    for _ in range(3):
        client.fetch("GET", f"{server}/ok", source="t")
    archive.close()
    last = archive.entries[-1]
    path = archive.root / last.warc_path
    with open(path, "r+b") as fh:
        fh.truncate(last.offset + last.length // 2)  # a run killed mid-write

    with pytest.warns(UserWarning, match="truncated"):
        survivors = [e.response_id for e, _ in iter_archive(archive.root)]
    assert survivors == [e.response_id for e in archive.entries[:-1]]

    resumed = Archive(archive.root, archive.run_id)  # same run appends: the partial record is trimmed first
    resumed.write(source="t", method="GET", url="http://127.0.0.1/x", status=200, headers=[], body=b"x",
                  fetched_at=last.fetched_at)
    resumed.close()
    assert len(list(iter_archive(archive.root))) == 3


# -- retries, Retry-After, faults ------------------------------------------------------------------


def test_503_with_retry_after_is_retried_after_that_wait(make_client, fake_time, server):
    client = make_client()
    fetched = client.fetch("GET", f"{server}/flaky503", source="t")
    assert (fetched.status, fetched.attempts) == (200, 2)
    assert fake_time.sleeps == [1.0]
    assert client.stats["t"]["retries"] == 1
    assert client.stats["t"]["responses"] == {"5xx": 1, "2xx": 1}


def test_429_with_an_http_date_retry_after_is_honoured(make_client, fake_time, server):
    fetched = make_client().fetch("GET", f"{server}/429-date", source="t")
    assert fetched.status == 200
    assert fake_time.sleeps == [pytest.approx(2.0, abs=1.0)]  # HTTP dates have whole seconds


def test_429_that_persists_becomes_blocked_after_the_retries(make_client, archive, fake_time, server):
    client = make_client(max_retries=2)
    with pytest.raises(Blocked) as blocked:
        client.fetch("GET", f"{server}/429-always", source="t")
    assert blocked.value.reason == blocks.HTTP_429
    assert fake_time.sleeps == [3.0, 3.0]
    assert [e.blocked for e in archive.entries] == [None, None, blocks.HTTP_429]
    assert client.stats["t"]["blocked_reasons"] == {blocks.HTTP_429: 1}


def test_retry_after_longer_than_we_wait_is_a_block_not_a_sleep(make_client, fake_time, server):
    with pytest.raises(Blocked) as blocked:
        make_client(max_retry_after=1800).fetch("GET", f"{server}/429-long", source="t")
    assert blocked.value.reason == "http_429"
    assert fake_time.sleeps == []
    assert Handler.state["/429-long"] == 1


def test_backoff_doubles_without_retry_after(make_client, fake_time, server):
    with pytest.raises(FetchFailed):
        make_client(max_retries=3, backoff=0.5).fetch("GET", f"{server}/always500", source="t")
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


def test_truncated_body_is_archived_then_retried(make_client, archive, server):
    client = make_client()
    fetched = client.fetch("GET", f"{server}/truncate-once", source="t")
    assert fetched.attempts == 2 and fetched.body == b"x" * 100
    assert [(e.truncated, e.size) for e in archive.entries] == [("disconnect", 10), (None, 100)]
    assert client.stats["t"]["fault_kinds"] == {"truncated": 1}


def test_timeouts_are_counted_not_archived(make_client, archive, server):
    client = make_client(timeout=0.05, max_retries=1)
    with pytest.raises(FetchFailed) as failed:
        client.fetch("GET", f"{server}/slow", source="t")
    assert failed.value.reason.startswith("timeout") and failed.value.fetched is None
    assert archive.entries == []
    assert client.stats["t"]["faults"] == 2 and client.stats["t"]["fault_kinds"] == {"timeout": 2}


def test_other_statuses_are_returned_for_the_caller_to_judge(make_client, server):
    fetched = make_client().fetch("GET", f"{server}/404", source="t")
    assert fetched.status == 404 and not fetched.ok and fetched.attempts == 1


# -- size cap, allow-list, redirects -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_size_cap_aborts_and_archives_what_was_read(make_client, archive, server, path):
    with pytest.raises(ResponseTooLarge):
        make_client(max_bytes=1000).fetch("GET", f"{server}{path}", source="t")
    [entry] = archive.entries
    assert entry.truncated == "length" and entry.size <= 1000


def test_disallowed_host_is_refused_without_a_request(make_client, archive):
    with pytest.raises(DisallowedHost, match="evil.invalid"):
        make_client().fetch("GET", "http://evil.invalid/", source="t")
    assert archive.entries == []


def test_a_host_port_entry_allows_that_port_only(make_client, archive, server):
    port = int(server.rsplit(":", 1)[1])
    client = make_client(allowed_hosts={f"127.0.0.1:{port}"})
    assert client.fetch("GET", f"{server}/ok", source="t").status == 200
    with pytest.raises(DisallowedHost, match="not on the allow-list"):
        client.fetch("GET", f"http://127.0.0.1:{port + 1}/ok", source="t")
    assert len(archive.entries) == 1  # the refused port was never asked


def test_redirect_off_the_allow_list_is_refused_after_archiving_the_redirect(make_client, archive, server):
    with pytest.raises(DisallowedHost):
        make_client().fetch("GET", f"{server}/redirect-off", source="t")
    assert [e.status for e in archive.entries] == [302]


def test_allowed_redirect_is_followed_and_each_hop_archived(make_client, archive, server):
    fetched = make_client().fetch("GET", f"{server}/redirect-ok", source="t")
    assert fetched.url == f"{server}/ok" and fetched.redirected_from == (f"{server}/redirect-ok",)
    assert [e.status for e in archive.entries] == [302, 200]


def test_redirect_loop_stops(make_client, archive, server):
    from extract.http import TooManyRedirects

    with pytest.raises(TooManyRedirects):
        make_client().fetch("GET", f"{server}/redirect-loop", source="t")
    assert len(archive.entries) == 6


# -- charset --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected", "encoding"),
    [
        ("/ok", "全国标准信息公共服务平台", "utf-8"),
        ("/gbk-meta", "苏州市市场监督管理局", "gb18030"),
        ("/gbk-bare", "昆山市标准化协会", "gb18030"),
        ("/gbk-latin1", "昆山市标准化协会", "gb18030"),
    ],
)
def test_charset_detection(make_client, server, path, expected, encoding):
    fetched = make_client().fetch("GET", f"{server}{path}", source="t")
    assert expected in fetched.text and fetched.encoding == encoding


def test_decode_text_prefers_the_declared_charset():
    body = "标准".encode("gb18030")
    assert decode_text(body, "text/html; charset=GBK") == ("标准", "gb18030")
    assert decode_text("标准".encode(), None) == ("标准", "utf-8")


# -- blocks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/521", blocks.JS_CHALLENGE),
        ("/jsl", blocks.JS_CHALLENGE),
        ("/waf", blocks.WAF),
        ("/captcha", blocks.CAPTCHA),
        ("/too-frequent", blocks.RATE_LIMITED),
        ("/forbidden", blocks.HTTP_403),
    ],
)
def test_blocked_answers_are_archived_reported_and_not_retried(make_client, archive, server, path, reason):
    client = make_client()
    with pytest.raises(Blocked) as blocked:
        client.fetch("GET", f"{server}{path}", source="t")
    assert blocked.value.reason == reason
    assert blocked.value.fetched.response_id == archive.entries[0].response_id
    assert [e.blocked for e in archive.entries] == [reason]
    assert Handler.state[path] == 1
    assert client.stats["t"]["blocked"] == 1


def test_an_ordinary_page_mentioning_a_captcha_is_not_blocked(make_client, server):
    assert make_client().fetch("GET", f"{server}/big-normal", source="t").status == 200


@pytest.mark.parametrize(
    ("status", "text", "reason"),
    [
        (200, '{"total": 0, "rows": []}', None),
        (200, '{"msg": "访问过于频繁"}', blocks.RATE_LIMITED),
        (200, '{"rows": [{"C_C_NAME": "访问过于频繁的说明"}]}', None),
        (200, "<html><body><p>安全验证</p><script src='/x.js'></script></body></html>", blocks.CAPTCHA),
        (200, "<script>var a='__jsluid_s';</script>", blocks.WAF),
        (200, "<script>initGeetest({})</script>" + BIG_NORMAL_PAGE, None),
        (401, "", blocks.HTTP_401),
        (404, "<h1>not found</h1>", None),
    ],
)
def test_detect_block(status, text, reason):
    assert blocks.detect_block(status, {}, text) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<p>Web Application FIREWALL</p>" + BIG_NORMAL_PAGE, blocks.WAF),  # a strong marker: any page
        ("<p>WEB\u3000应用防火墙</p>", blocks.WAF),  # \s is any Unicode space
        ("<p>web application f\u0131rewall</p>", blocks.WAF),  # IGNORECASE matches ı to i
        ("<script>DOCUMENT.COOKIE = 'a=1'; Window.Location = '/';</script>", blocks.JS_CHALLENGE),
        ("<script>var a='__J\u017fLUID';</script>", blocks.WAF),  # ſ to s
        ("<div>CAPTCHA</div>", blocks.CAPTCHA),
        ("<script src='/static/GT.JS'></script>", blocks.CAPTCHA),
        ("<p>请输入验证码</p>", blocks.CAPTCHA),
        # A weak marker counts on a page of fewer than 600 visible characters (spaces are not visible).
        ("<p>" + "字" * 596 + "</p><p>验证码</p>", blocks.CAPTCHA),  # 599
        ("<p>" + "字" * 597 + "</p><p>验证码</p>", None),  # 600
        ("<style>p{}</style><p>" + "字 " * 592 + "</p>captcha", blocks.CAPTCHA),  # 599
        ("<style>p{}</style><p>" + "字 " * 593 + "</p>captcha", None),  # 600
        ("<style>" + "x" * 5000 + "</style><p>captcha</p>", blocks.CAPTCHA),  # styles and scripts are not text
    ],
)
def test_a_marker_is_found_in_any_letter_case_and_a_weak_one_only_on_a_thin_page(text, reason):
    assert blocks.detect_block(200, {"content-type": "text/html"}, text) == reason


# -- politeness -----------------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_by_the_rate(make_client, fake_time, server):
    client = make_client(host_policy=lambda host: (2.0, 1))
    for _ in range(3):
        client.fetch("GET", f"{server}/ok", source="t")
    assert fake_time.sleeps == [0.5, 0.5]


def test_jitter_only_ever_lengthens_the_spacing(make_client, fake_time, server):
    client = make_client(host_policy=lambda host: (2.0, 1), jitter=0.25, seed=7)
    for _ in range(5):
        client.fetch("GET", f"{server}/ok", source="t")
    assert len(fake_time.sleeps) == 4
    assert all(0.5 <= s <= 0.625 for s in fake_time.sleeps)
    assert len(set(fake_time.sleeps)) > 1


def test_concurrency_cap_per_host(make_client, archive, server):
    from concurrent.futures import ThreadPoolExecutor

    client = make_client(host_policy=lambda host: (0.0, 2))
    in_flight, peak, lock = 0, 0, threading.Lock()
    original = client._client.send

    def counting_send(*args, **kwargs):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            time.sleep(0.01)
            return original(*args, **kwargs)
        finally:
            with lock:
                in_flight -= 1

    client._client.send = counting_send
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: client.fetch("GET", f"{server}/ok", source="t"), range(12)))
    assert all(r.status == 200 for r in results)
    assert peak == 2
    assert client.stats["t"]["requests"] == 12
    archive.close()  # twelve records written from six threads, all whole
    assert sorted(e.response_id for e, _ in iter_archive(archive.root)) == sorted(r.response_id for r in results)


def test_a_shared_gate_is_made_per_host_port_from_its_policy_and_held_around_each_request(make_client, server):
    """`host_gate` replaces the in-process gate: made once per host:port with that host's (rate,
    concurrency), entered before each request is sent and left after its answer is read."""
    made, events = [], []

    class Gate:
        def __init__(self, key, rate, concurrency):
            made.append((key, rate, concurrency))

        def __enter__(self):
            events.append("enter")

        def __exit__(self, *exc):
            events.append("exit")

    client = make_client(host_policy=lambda host: (3.0, 2), host_gate=Gate)
    original = client._client.send
    client._client.send = lambda *a, **kw: (events.append("send"), original(*a, **kw))[1]
    for _ in range(2):
        client.fetch("GET", f"{server}/ok", source="t")
    assert made == [(f"127.0.0.1:{server.rsplit(':', 1)[1]}", 3.0, 2)]
    assert events == ["enter", "send", "exit"] * 2


def test_a_gate_that_cannot_be_entered_fails_the_request_unsent(make_client, server):
    class DeadGate:
        def __init__(self, *policy):
            pass

        def __enter__(self):
            raise RuntimeError("the Prefect server at http://127.0.0.1:1/api gave no slot")

        def __exit__(self, *exc):
            raise AssertionError("never entered, never left")

    client = make_client(host_gate=DeadGate)
    with pytest.raises(PolitenessUnavailable, match="not sent, no politeness slot for its host: the Prefect server"):
        client.fetch("GET", f"{server}/ok", source="t")
    assert "/ok" not in Handler.served


def test_each_port_of_a_host_keeps_its_own_concurrency_cap(make_client, server):
    """Two portals on one address (the mirror's on 127.0.0.1) are two hosts: with one request in
    flight allowed per host, a request to each port is in flight at once."""
    from concurrent.futures import ThreadPoolExecutor

    client = make_client(host_policy=lambda host: (0.0, 1))
    both_sent = threading.Barrier(2, timeout=5)  # broken (and the fetch fails) unless both are in flight together
    original = client._client.send

    def send_when_both_are_in_flight(*args, **kwargs):
        both_sent.wait()
        return original(*args, **kwargs)

    client._client.send = send_when_both_are_in_flight
    with serve(Handler) as other_port, ThreadPoolExecutor(max_workers=2) as pool:
        assert server != other_port
        results = list(pool.map(lambda base: client.fetch("GET", f"{base}/ok", source="t"), [server, other_port]))
    assert [r.status for r in results] == [200, 200]
