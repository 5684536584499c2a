"""Committees, group-standard publishers and cross-portal disagreements in the warehouse."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

import warehouse
from transform.records import Attribution, CommitteeRecord, Provenance, StandardRecord
from warehouse import Warehouse
from warehouse.registries import load_group_publishers, merge_committees, registry_orgs
from transform.region import load_region

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def prov(source: str, n: int) -> Provenance:
    return Provenance(source, f"http://127.0.0.1/{source}/{n}", NOW, f"{source}-r{n}", f"{source}-sha{n}")


def committee(code: str, unit: str, established: date | None, n: int = 1, name: str = "全国某标准化技术委员会") -> CommitteeRecord:
    return CommitteeRecord(code, name, "TC" if "/" not in code else "SC", unit, None, "江苏省", established, prov("tc", n))


def standard(std_no: str, source: str, *, std_type="national", status="现行", issued=date(2023, 5, 1), drafters=("甲公司",)) -> StandardRecord:
    prefix = std_no.split(" ")[0]
    return StandardRecord(
        std_no=std_no, std_no_raw=std_no, std_type=std_type, prefix=prefix, year=issued.year, name="某标准",
        status=status, issue_date=issued, act_date=None, abolish_date=None, replaces=[], is_revision=False,
        drafters=list(drafters), drafters_known=bool(drafters), source=source, source_id=std_no,
        detail_url=None, provenance=prov(source, hash(std_no) % 1000),
    )


def placed(district_code: str, district_name: str) -> Attribution:
    return Attribution(True, district_code, district_name, "address", 0.95, None)


OUTSIDE = Attribution(False, None, None, "address", 0.95, None)
UNPLACED = Attribution(True, None, None, "name", 0.75, None, needs_review=True)


@pytest.fixture
def wh(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings({"window_start": "2022-08-21", "window_end": "2025-12-31", "region": "3205"})
        counts = merge_committees(w, [
            committee("TC1", "昆山甲研究院", date(2023, 3, 1), 1),
            committee("TC2", "苏州乙公司", date(2024, 6, 1), 2),           # in region, district unknown
            committee("TC3", "南京丙公司", date(2023, 1, 1), 3),           # outside
            committee("TC4", "昆山甲研究院", date(2019, 1, 1), 4),         # before the window
            committee("TC5/SC1", "太仓丁公司", None, 5),                   # no establishment date: not new
        ], "run1")
        assert (counts.inserted, counts.updated, counts.unchanged) == (5, 0, 0)
        w.merge_standards([
            standard("T/ABC 1-2023", "ttbz", std_type="group", drafters=("南京丙公司",)),
            standard("T/ABC 2-2023", "ttbz", std_type="group", drafters=("昆山甲研究院",)),
            standard("GB/T 100-2023", "samr"),
            replace(standard("GB/T 100-2023", "openstd", status="废止"), drafters=[], drafters_known=False),
        ], "run1")
        load_group_publishers(w, "ttbz", {"T/ABC 1-2023": "苏州标准化协会", "T/ABC 2-2023": "南京某协会"})
        names = sorted(set(registry_orgs(w)) | set(w.drafting_orgs()))
        attribution = {
            "昆山甲研究院": placed("320583", "昆山市"), "苏州乙公司": UNPLACED, "南京丙公司": OUTSIDE,
            "太仓丁公司": placed("320585", "太仓市"), "苏州标准化协会": placed("320508", "姑苏区"),
            "南京某协会": OUTSIDE, "甲公司": OUTSIDE,
        }
        w.replace_org_attributions([(None, name, attribution[name]) for name in names])
    return path


def rows(path, sql):
    return warehouse.query(path, sql).to_pylist()


def test_secretariats_and_publishers_are_listed_for_attribution(wh):
    with Warehouse(wh).writing() as w:
        assert set(registry_orgs(w)) == {"昆山甲研究院", "苏州乙公司", "南京丙公司", "太仓丁公司", "苏州标准化协会", "南京某协会"}


def test_committees_count_by_secretariat_district_inside_the_window(wh):
    counted = rows(wh, "SELECT code, district_name FROM mart.committee WHERE counted ORDER BY code")
    assert counted == [{"code": "TC1", "district_name": "昆山市"}, {"code": "TC2", "district_name": "区县未知"}]
    by_district = rows(wh, "SELECT district_name, year, n FROM mart.new_committees_by_district ORDER BY year")
    assert by_district == [{"district_name": "昆山市", "year": 2023, "n": 1}, {"district_name": "区县未知", "year": 2024, "n": 1}]


def test_committee_merge_counts_unchanged_and_updated(wh):
    with Warehouse(wh).writing() as w:
        again = merge_committees(w, [committee("TC1", "昆山甲研究院", date(2023, 3, 1), 9)], "run2")
        moved = merge_committees(w, [committee("TC2", "苏州乙公司", date(2024, 7, 1), 9)], "run2")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert (moved.inserted, moved.updated, moved.unchanged) == (0, 1, 0)
    assert rows(wh, "SELECT established FROM core.committee WHERE code = 'TC2'") == [{"established": date(2024, 7, 1)}]


def test_group_standards_seen_from_the_publisher(wh):
    got = rows(wh, "SELECT std_no, publisher, district_name, counted FROM mart.group_standard_by_publisher ORDER BY std_no")
    assert got == [
        {"std_no": "T/ABC 1-2023", "publisher": "苏州标准化协会", "district_name": "姑苏区", "counted": True},
        {"std_no": "T/ABC 2-2023", "publisher": "南京某协会", "district_name": None, "counted": False},
    ]


def test_portals_disagreeing_on_status_are_recorded_with_the_value_used(wh):
    got = rows(wh, "SELECT std_no, field, values_by_source, value_used, source_used FROM mart.source_disagreements")
    assert got == [{
        "std_no": "GB/T 100-2023", "field": "status", "values_by_source": ["samr: 现行", "openstd: 废止"],
        "value_used": "现行", "source_used": "samr",
    }]
    assert rows(wh, "SELECT status FROM core.standard WHERE std_no = 'GB/T 100-2023'") == [{"status": "现行"}]
