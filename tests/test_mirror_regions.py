"""The mirror builds any region from its folder: Wuxi (3202) next to Suzhou (3205).

Expectations are written by hand from the reference (GB/T 2260, NBS 2022, region.toml),
never read back from what the mirror produced.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mirror.__main__ import main as mirror_main
from mirror.cluster import MirrorCluster
from mirror.corpus import OUTSIDE, UNKNOWN, Corpus
from mirror.notices import notice_corpus, notice_routes, notice_truth
from mirror.region import load_region
from mirror.sites import region_apps
from mirror.truth import ground_truth
from transform.attribution import resolve
from transform.region import load_region as load_product_region

REGIONS = Path(__file__).parents[1] / "transform" / "regions"
# Wuxi's county-level divisions today (GB/T 2260; 梁溪 and 新吴 since 2015), in districts.csv order.
WUXI = {"梁溪区": "320213", "锡山区": "320205", "惠山区": "320206", "滨湖区": "320211", "新吴区": "320214",
        "江阴市": "320281", "宜兴市": "320282"}
# Place words of Suzhou that no organisation placed in Wuxi may carry.
SUZHOU_WORDS = ("苏州", "姑苏", "虎丘", "吴中", "相城", "吴江", "昆山", "常熟", "张家港", "太仓", "工业园区", "3205")


@pytest.fixture(scope="module")
def wuxi() -> Corpus:
    return Corpus(seed=7, size="demo", region="3202")


@pytest.fixture(scope="module")
def wuxi_truth(wuxi: Corpus) -> dict:
    return ground_truth(wuxi)


def test_the_wuxi_folder_lists_its_districts_and_every_town_row_has_a_source():
    with (REGIONS / "3202" / "districts.csv").open(encoding="utf-8") as f:
        assert {r["district_name"]: r["district_code"] for r in csv.DictReader(f)} == WUXI
    with (REGIONS / "3202" / "towns.csv").open(encoding="utf-8") as f:
        towns = list(csv.DictReader(f))
    assert all(t["source"].strip() for t in towns)
    assert {t["district_name"] for t in towns} == set(WUXI)
    assert {t["kind"] for t in towns} == {"current", "former", "zone"}
    with (REGIONS / "3202" / "division_codes.csv").open(encoding="utf-8") as f:
        codes = {r["code"]: r["district_today"] for r in csv.DictReader(f)}
    assert codes["320202"] == codes["320203"] == codes["320204"] == "梁溪区"  # 崇安/南长/北塘 → 梁溪 (2015)
    assert codes["320283"] == ""  # 锡山市 was split in three (2000): ambiguous alone


def test_the_region_tables_come_from_the_folder():
    region = load_region("3202")
    assert (region.name, region.short, region.province) == ("无锡市", "无锡", "江苏省")
    assert region.districts == tuple(WUXI)
    assert region.current_code == WUXI
    assert region.historical_code == {"320202": "梁溪区", "320203": "梁溪区", "320204": "梁溪区", "320212": "滨湖区"}
    assert region.city_codes == ("320200", "320283")
    assert "洛社镇" in region.gazetteer_towns["惠山区"] and "丁蜀镇" in region.gazetteer_towns["宜兴市"]
    assert "周庄镇" not in region.gazetteer_towns["江阴市"]  # 昆山 has a 周庄镇 too: alone it places nothing
    assert "惠山街道" not in region.gazetteer_towns["梁溪区"]  # holds 惠山, another district's name
    suzhou = load_region("3205")
    assert suzhou.current_code["昆山市"] == "320583" and "苏州工业园区" not in suzhou.current_code
    assert suzhou.historical_code["320584"] == "吴江区" and suzhou.historical_code["320594"] == "苏州工业园区"


def test_wuxi_organisations_are_placed_in_wuxi_districts(wuxi: Corpus, wuxi_truth: dict):
    placed = [o for o in wuxi.orgs if o.true_district is not None]
    assert placed and {o.true_district for o in placed} == set(WUXI)
    assert {o.known for o in wuxi.orgs} == {*WUXI, UNKNOWN, OUTSIDE}
    assert wuxi_truth["region"] == "3202"
    assert {c["district"] for c in wuxi_truth["counts"]} == {*WUXI, UNKNOWN}
    assert {c["district"] for c in wuxi_truth["all_counts"]} <= {*WUXI, UNKNOWN}
    for o in placed:
        assert not any(word in o.name for word in SUZHOU_WORDS), o.name
        if o.register is not None:
            row = o.register
            assert not any(word in row.address + row.division for word in SUZHOU_WORDS), row
            if row.uscc and row.uscc_valid and o.known in WUXI:
                assert row.uscc[2:6] == "3202", row  # a Wuxi division code, current or former


def test_the_product_places_every_wuxi_organisation_where_the_truth_says(wuxi: Corpus):
    """The folder read by attribution (transform.region) agrees with what the mirror built from it:
    each organisation's published evidence leads to its knowable district, "in the city" or outside."""
    region = load_product_region("3202")
    wrong = []
    for org in wuxi.orgs:
        row = org.register
        got = resolve(region, name=org.name, uscc=row.uscc if row else None,
                      address=row.address if row else None, division=row.division if row else None)
        if org.known == OUTSIDE:
            ok = got.in_region is not True
        elif org.known == UNKNOWN:
            ok = got.in_region is True and got.district_name is None
        else:
            ok = got.in_region is True and got.district_name == org.known
        if not ok:
            wrong.append((org.name, org.scenario, org.known, got.district_name, got.reason))
    assert wrong == []


def test_suzhou_is_just_another_city_for_wuxi(wuxi: Corpus):
    suzhou_named = [o for o in wuxi.orgs if o.name.startswith("苏州")]
    assert suzhou_named and all(o.known == OUTSIDE and o.true_district is None for o in suzhou_named)


def test_wuxi_notices_are_on_wuxi_sites_and_count_for_wuxi_districts(wuxi: Corpus):
    notice_corpus(Corpus(seed=7, size="demo"))  # Suzhou's notices of the same seed and size, built first
    routes = notice_routes(wuxi)
    assert set(routes) == {"scjgj_wuxi", "scjgj_jiangsu"}
    assert "/xwzx/tzgg/index.shtml" in routes["scjgj_wuxi"]  # the column and first page region.toml names
    page = routes["scjgj_wuxi"]["/xwzx/tzgg/index.shtml"](None).body.decode("utf-8")
    assert "无锡市市场监督管理局" in page and "苏州" not in page
    nc = notice_corpus(wuxi)
    assert {n.site for n in nc.notices} == {"scjgj_wuxi", "scjgj_jiangsu"}
    assert not any("苏州" in n.title for n in nc.notices)
    truth = notice_truth(nc)
    districts = {d for ind in truth["indicators"].values() for d in ind["by_district"]}
    assert districts and districts <= {*WUXI, UNKNOWN}


def test_the_cluster_serves_wuxi_sites_only(wuxi: Corpus):
    with MirrorCluster(wuxi, sites=None) as cluster:
        assert set(cluster.sites) == {"samr", "openstd", "hbba", "dbba", "ba", "ttbz", "qybz",
                                      "scjgj_wuxi", "scjgj_jiangsu"}
        env = cluster.env()
        assert "STDWATCH_BASE_URLS__SCJGJ_WUXI" in env and "STDWATCH_PLAN_URL" not in env


def test_an_unknown_region_is_one_clear_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        mirror_main(["generate", "--region", "9999", "--out", "unused"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "no region '9999'" in err and "regions: 3202, 3205" in err


@pytest.mark.parametrize("code", sorted(p.name for p in REGIONS.iterdir() if (p / "region.toml").exists()))
def test_every_notice_site_of_every_region_has_a_mirror_site(code: str):
    """A notice site a region's folder names (region.toml [[sites]]) is served by that region's mirror,
    so a demo pointed at the mirror never needs a live host for it."""
    corpus = Corpus(seed=7, size=200, region=code)
    served = set(region_apps(corpus))
    named = {site["key"] for site in corpus.region.sites}
    assert named and named <= served
    assert set(notice_routes(corpus)) <= served
