"""openstd on quiet nights (flows/sources/openstd.py): one list page down to the watermark's floor, and
deeper only on the night a standard read as 即将实施 reaches its implementation date — as deep as its
issue date —, so the status it turns to (现行) is read that night."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from extract.archive import Archive
from flows.crawl import make_client
from flows.settings import load_settings
from flows.sources import openstd as openstd_flow
from flows.sources.common import Window
from mirror.calendar import DAY0
from mirror.cluster import MirrorCluster
from mirror.corpus import build_corpus
from transform.dates import SHANGHAI


def test_a_quiet_night_reads_one_page_and_a_turning_night_reads_down_to_the_turning_standard(tmp_path, monkeypatch):
    corpus = build_corpus("demo", 7)
    with MirrorCluster(corpus, sites=["openstd"]) as cluster:
        settings = load_settings(data_dir=tmp_path, base_urls=cluster.base_urls,
                                 hosts={"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}})

        def night(day: date, watermarks: dict[str, str], name: str):
            corpus.clock.today = corpus.today = day - timedelta(days=1)  # the portal as of the day before 02:00
            monkeypatch.setattr(openstd_flow, "portal_now", lambda: datetime.combine(day, time(2), SHANGHAI))
            cluster.reset_log("openstd")
            archive = Archive(settings.archive_dir, name, fsync=False)
            client = make_client(settings, archive)
            try:
                result = openstd_flow.crawl(client, settings, watermarks=watermarks,
                                            window=Window(settings.window_start, None))
            finally:
                client.close()
                archive.close()
            return result, cluster.requests_to("openstd", "/bzgk/std/std_list")

        first, full = night(DAY0 + timedelta(days=1), {}, "first")
        assert first.complete and full > 3
        marks = dict(first.watermarks)
        upcoming = {date.fromisoformat(a): date.fromisoformat(i) for a, i in json.loads(marks["flips"]).items()}
        # by hand: every row the first night read as 即将实施 is remembered under its implementation date
        expected = {}
        for r in first.records:
            if r.status == "即将实施":
                expected[r.act_date] = min(expected.get(r.act_date, r.issue_date), r.issue_date)
        assert upcoming == expected and upcoming
        turning = min(upcoming)

        quiet, read = night(turning - timedelta(days=1), marks, "quiet")  # the night before anything turns
        assert quiet.complete and read == 1
        marks.update(quiet.watermarks)

        turned, read = night(turning + timedelta(days=1), marks, "turned")  # 02:00, the day after it turned
        assert turned.complete and read > 1
        statuses = {r.std_no: r.status for r in turned.records if r.act_date == turning}
        assert statuses and set(statuses.values()) == {"现行"}
        assert turning.isoformat() not in json.loads(turned.watermarks["flips"])
