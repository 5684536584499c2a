"""Reprocess: the archive re-parsed with today's parsers and re-loaded, with no network, reporting what changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.nightly import nightly
from flows.reprocess import reprocess
from ops_support import mirror_site, truth_problems
from transform.parsers import samr as samr_parser

pytestmark = pytest.mark.integration


def test_reprocess_reloads_from_the_archive_alone_and_names_what_changed(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        site.apply(monkeypatch)
        first = nightly()
        loaded = first.sources[0].records
    # The mirror is gone: anything that tried the network would fail.

    unchanged = reprocess()
    [samr] = unchanged.sources
    assert (samr.requests, samr.inserted, samr.updated, samr.unchanged) == (0, 0, 0, loaded)
    assert truth_problems(site) == []

    # Today's parser reads statuses differently (replaced standards as abolished, a status the data tests
    # accept): exactly the standards it touches are reported as updated.
    parse_list = samr_parser.parse_list

    def reads_replaced_differently(text, provenance, **kwargs):
        parsed = parse_list(text, provenance, **kwargs)
        parsed.records[:] = [replace(r, status="废止") if r.status == "被代替" else r for r in parsed.records]
        return parsed

    monkeypatch.setattr(samr_parser, "parse_list", reads_replaced_differently)
    changed = reprocess()
    [samr] = changed.sources
    replaced = site.rows("SELECT std_no FROM core.standard_source WHERE status = '废止' ORDER BY std_no")
    assert samr.updated == len(replaced) > 0 and samr.inserted == 0
    assert samr.updated_std_nos == [r["std_no"] for r in replaced][:50]
    assert samr.unchanged == loaded - samr.updated
    history = site.rows("SELECT count(*) AS n FROM core.standard_status_history WHERE status = '废止'")
    assert history == [{"n": samr.updated}]  # a status change is history, not an overwrite
    runs = site.rows("SELECT flow, status FROM meta.run ORDER BY started_at")
    assert [r["flow"] for r in runs] == ["nightly", "reprocess", "reprocess"]
    assert {r["status"] for r in runs} == {"completed"}
