"""The mirror's calendar (`mirror.calendar`): deterministic from (seed, size, day), the truth as of each
day, and what a day publishes served by the sites — and by `stdwatch mirror --day N` by hand."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date

import httpx

from mirror.calendar import Calendar
from mirror.cluster import MirrorCluster
from mirror.corpus import Corpus
from mirror.notices import notice_corpus, notice_truth
from mirror.truth import ground_truth
from ops_support import REPO

END = date(2027, 12, 31)


def _season(days: int) -> tuple[Corpus, Calendar]:
    corpus = Corpus(seed=7, size=300, window_end=END)
    calendar = Calendar(corpus)
    calendar.advance_to(days)
    return corpus, calendar


def test_the_same_seed_and_day_give_the_same_mirror_and_truth():
    (a, cal_a), (b, cal_b) = _season(30), _season(30)
    assert json.dumps(ground_truth(a), sort_keys=True) == json.dumps(ground_truth(b), sort_keys=True)
    assert notice_truth(cal_a.notices) == notice_truth(cal_b.notices)
    assert [cal_a.published(d) for d in range(31)] == [cal_b.published(d) for d in range(31)]
    assert ground_truth(a)["as_of"] == "2027-01-30"


def test_each_day_brings_what_a_real_day_brings_and_the_truth_follows():
    corpus, calendar = _season(0)
    before = {e["std_no"] for e in ground_truth(corpus)["all_standards"]}
    soon = [s for s in corpus.standards if s.status == "即将实施" and s.act_date <= date(2027, 1, 30)]
    calendar.advance_to(30)
    published = [p for d in range(1, 31) for p in calendar.published(d)]
    kinds = {p.kind for p in published}
    assert {"standard", "revision", "status", "committee", "decision", "preliminary", "edit", "withdrawn"} <= kinds
    assert {p.site for p in published if p.kind == "standard"} >= {"samr", "dbba", "ttbz", "qybz"}
    new = {p.what for p in published if p.kind == "standard"}
    truth = ground_truth(corpus)
    assert new <= {e["std_no"] for e in truth["all_standards"]} and not new & before
    assert soon and all(s.status == "现行" for s in soon)  # 即将实施 → 现行 as the clock passes
    replaced = [p.what.split(" replaces ")[1] for p in published if p.kind == "revision"]
    assert replaced and all(e["status"] in ("被代替", "有更新版", "废止") for e in truth["all_standards"]
                            if e["std_no"] in replaced)
    assert sum(c["established"] is not None and c["established"] > "2026-12-31" for c in truth["committees"]) == 2


def test_the_sites_serve_the_day_a_withdrawn_article_answers_404_and_is_put_up_again():
    corpus, calendar = _season(7)
    with MirrorCluster(corpus, sites=["scjgj_suzhou", "suzhou_gov", "scjgj_jiangsu"]) as cluster:
        calendar.advance_to(8)
        [withdrawn] = [p for p in calendar.published(8) if p.kind == "withdrawn"]
        site, path = withdrawn.pages[0]
        assert httpx.get(cluster.base_urls[site] + path).status_code == 404
        listed = {n.path for n in notice_corpus(corpus).notices}
        assert path in listed  # still on its column's list
        calendar.advance_to(9)
        [again] = [p for p in calendar.published(9) if p.kind == "decision" and p.what == withdrawn.what]
        site, path = again.pages[0]
        assert httpx.get(cluster.base_urls[site] + path).status_code == 200
        assert withdrawn.pages[0][1] not in {n.path for n in notice_corpus(corpus).notices}


def test_stdwatch_mirror_serves_a_calendar_day_by_hand(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "flows.cli", "mirror", "--size", "300", "--day", "14"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("# day"):
                break
        assert lines[-1].startswith("# day 14 (2027-01-14)")
        samr = next(line.split()[1] for line in lines if line.startswith("samr "))
        _, calendar = _season(14)
        [committee] = [p for p in calendar.published(14) if p.kind == "committee"]
        _, path = committee.pages[0]
        assert httpx.get(samr + path).status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
