"""`stdwatch probe` against the mirror: every fact ok under each variant (the contested facts reported
as seen), and against a drifted mirror exactly the drifted facts named, exit 1."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extract.archive import iter_archive
from flows.cli import app
from flows.probe import probe_names
from mirror.cluster import MirrorCluster
from mirror.corpus import build_corpus
from mirror.variants import PRESETS, Variants, parse_variants

runner = CliRunner()
# Every portal the product crawls, and the facts checked on each whatever the variant (by hand, from
# the contracts in extract/sources/*.py).
FACTS = {
    "samr": {f"{kind} {fact}" for kind, detail in (("national", "gbDetailed"), ("industry", "stdHBDetailed"))
             for fact in ("list answers", "list JSON keys", "list rows", "row keys", "page size served",
                          "date format ISSUE_DATE", "date format SYS_INPUTIME", "list order", "list page 2 answers",
                          "list page 2 JSON keys", "page 2 follows page 1", f"detail {detail} answers",
                          "detail title and 标准号", "detail 起草单位 section")},
    **{site: {"session page /stdList answers", "list stdQueryList answers", "list host", "list JSON keys",
              "list records", "record keys", "page size served", "date format issueDate", "detail stdDetail answers",
              "detail title and 标准号"} for site in ("hbba", "dbba")},
    "openstd": {"list std_list answers", "list rows", "page size served", "list order", "detail newGbInfo answers",
                "detail 标准号"},
    "ttbz": {"list getPortalStandardList answers", "list JSON keys", "list rows", "row keys", "page size served",
             "date format publishDate", "detail standardDetail answers", "detail JSON blob"},
    "qybz": {"homepage answers (no captcha)", "latest disclosures", "date format 公开时间", "detail answers",
             "detail 标准编号 and 机构名称"},
    "tc": {"directory orgPage answers", "directory items", "page size served", "committee page answers",
           "committee page fields"},
    "scjgj_suzhou": {"通知公告 nav_xwtz.shtml answers", "通知公告 pager", "通知公告 items", "通知公告 date format",
                     "通知公告 list order", "通知公告 page 2"},
    "suzhou_gov": {f"{label} {fact}" for label in ("政务公告", "部门动态")
                   for fact in ("getInfoCommon answers", "JSON keys", "date format pubtime")},
    "scjgj_jiangsu": {"通知公告 column page answers", "通知公告 datastore and jpage", "通知公告 dataproxy.jsp answers",
                      "通知公告 dataproxy records"},
}


def _probe(variants: Variants, tmp_path, *args: str):
    corpus = build_corpus("demo", 7, variants=variants)
    with MirrorCluster(corpus) as cluster:
        env = {**cluster.env(), "STDWATCH_DATA_DIR": str(tmp_path), "STDWATCH_RATE_PER_SECOND": "5000",
               "STDWATCH_CONCURRENCY": "4", "COLUMNS": "250"}
        return runner.invoke(app, ["probe", "--json", *args], env=env)


def _facts(result) -> dict[tuple[str, str], dict]:
    return {(f["source"], f["fact"]): f for f in json.loads(result.output)["facts"]}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_fact_ok_under_each_variant(preset, tmp_path):
    result = _probe(PRESETS[preset], tmp_path)
    assert result.exit_code == 0, result.output[-2000:]
    facts = _facts(result)
    assert {(s, f) for s, names in FACTS.items() for f in names} == set(facts)
    assert all(f["ok"] for f in facts.values())
    assert json.loads(result.output)["ok"] is True
    variants = PRESETS[preset]
    # the contested facts are reported as they were seen
    order = {"entry": "entry time newest first", "issue": "issue date newest first"}[variants.samr_order]
    for kind in ("national", "industry"):
        assert facts[("samr", f"{kind} page size served")]["seen"].startswith(f"{variants.samr_page_cap} of 50 asked")
        assert order in facts[("samr", f"{kind} list order")]["seen"]
    assert facts[("scjgj_suzhou", "通知公告 page 2")]["seen"] == f"nav_xwtz_{variants.scjgj_first_suffix}.shtml states index 1"
    # every answer was archived, as a run's are
    probed = {entry.source for entry, _ in iter_archive(tmp_path / "archive")}
    assert {"samr", "sacinfo", "openstd", "ttbz", "qybz", "tc", "notices"} <= probed


DRIFTED = {
    "samr_rows_key": {("samr", "national list JSON keys"), ("samr", "industry list JSON keys")},
    "samr_detail_selector": {("samr", "national detail 起草单位 section"), ("samr", "industry detail 起草单位 section")},
    "scjgj_column_moved": {("scjgj_suzhou", "通知公告 nav_xwtz.shtml answers")},
    "ttbz_rows_key": {("ttbz", "list JSON keys")},
}


@pytest.mark.parametrize("drift", sorted(DRIFTED))
def test_a_drifted_mirror_is_named_exactly_and_exits_1(drift, tmp_path):
    result = _probe(parse_variants(f"drift={drift}"), tmp_path)
    assert result.exit_code == 1
    facts = _facts(result)
    assert {key for key, f in facts.items() if not f["ok"]} == DRIFTED[drift]
    assert json.loads(result.output)["ok"] is False


def test_drifts_on_three_portals_at_once_under_the_contested_variant_name_all_three(tmp_path):
    drifts = ("samr_detail_selector", "scjgj_column_moved", "ttbz_rows_key")
    result = _probe(parse_variants(f"contested,drift={'+'.join(drifts)}"), tmp_path)
    assert result.exit_code == 1
    assert {key for key, f in _facts(result).items() if not f["ok"]} == set().union(*(DRIFTED[d] for d in drifts))


def test_the_table_names_the_drift_and_an_unknown_source_is_refused(tmp_path):
    corpus = build_corpus("demo", 7, variants=parse_variants("drift=scjgj_column_moved"))
    with MirrorCluster(corpus, sites=["scjgj_suzhou", "suzhou_gov", "scjgj_jiangsu"]) as cluster:
        env = {**cluster.env(), "STDWATCH_DATA_DIR": str(tmp_path), "STDWATCH_RATE_PER_SECOND": "5000",
               "COLUMNS": "250"}
        table = runner.invoke(app, ["probe", "--source", "notices"], env=env)
        unknown = runner.invoke(app, ["probe", "--source", "nosuch"], env=env)
    assert table.exit_code == 1
    assert "1 drifted: scjgj_suzhou 通知公告 nav_xwtz.shtml answers" in table.output
    assert "DRIFT" in table.output and "HTTP 404" in table.output
    assert unknown.exit_code == 2 and "no probe for nosuch" in unknown.output and ", ".join(probe_names()) in unknown.output


def test_an_unknown_drift_name_is_refused():
    with pytest.raises(ValueError, match="unknown mirror drift nosuch: choose from samr_rows_key"):
        parse_variants("drift=nosuch")
