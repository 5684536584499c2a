"""What the leader's report (`stdwatch report`) reads from the published warehouse.

`report_data` is the report's one read: one read-only connection for every section, so the
figures, the district table and the trend are one snapshot. The named statements are in
`sql/report.sql`; the indicator figures are the progress report's own (`read_progress`).
`province_report_data` reads the province report the same way, from one province session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse.db import open_readonly, relation
from warehouse.progress import ProgressReport, read_progress
from warehouse.province import open_province

_SQL = "report.sql"


@dataclass(frozen=True, slots=True)
class ReportData:
    progress: ProgressReport  # rules, plan, indicators, districts (per indicator), coverage notes
    measures: dict[str, dict]  # indicator kind → ref.measure row (sources, rule_zh, rule_en, …)
    districts: list[dict]  # the region's districts as loaded (district_code, district_name, is_unknown)
    by_district_type: list[dict]  # new standards: district_code, district_name, std_type, n
    trend_days: list[date]  # every month's end in the window up to the as-of date (the last one clipped to it)
    trend: list[dict]  # day, indicator_id, actual: each measured figure on each of trend_days (no row: none yet)
    publish: dict  # mart.publish_status: when these figures were published, whether the latest load was held back


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from `start`'s month to `end`'s, the last one clipped to `end`."""
    days: list[date] = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        days.append(min(following - timedelta(days=1), end))
        first = following
    return days


def report_data(path: str | Path, as_of: date | None = None) -> ReportData:
    """Every section of the report from the published warehouse, as of `as_of` (None: the
    as-of date in ref.setting, else today)."""
    con = open_readonly(path)
    try:
        return _read(con, as_of)
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, as_of: date | None) -> ReportData:
    def rows(name: str, params: dict | None = None) -> list[dict]:
        return relation(con, _SQL, name, params or {"as_of": as_of}).to_arrow_table().to_pylist()

    progress = read_progress(con, as_of)
    rules = progress.rules
    days = []
    if rules["window_start"] and rules["counted_until"] and rules["counted_until"] >= rules["window_start"]:
        days = month_ends(rules["window_start"], rules["counted_until"])
    return ReportData(
        progress=progress,
        measures={row["indicator_id"]: row for row in rows("measures")},
        districts=rows("region_districts"),
        by_district_type=rows("new_standards_by_district_type"),
        trend_days=days,
        trend=rows("trend", {"days": days}) if days else [],
        publish=relation(con, "gate.sql", "publish_status").to_arrow_table().to_pylist()[0],
    )


@dataclass(frozen=True, slots=True)
class ProvinceReportData:
    regions: list[dict]  # province.regions: every region asked for, read or left out (`problem`)
    rules: list[dict]  # province.counting_rules: the rules each city's figures are counted under
    cities: list[dict]  # province.new_standards_by_city
    districts: list[dict]  # province.new_standards_by_district, each city's districts in its order, with is_unknown
    progress: list[dict]  # province.indicator_progress (a city without a plan: one row, 'plan not loaded')


def province_report_data(warehouses: Mapping[str, str | Path]) -> ProvinceReportData:
    """Every section of the province report, `{region code: published warehouse}`, at each city's rules in
    force; a region that cannot be read is in `regions` with its problem, and the others are read."""
    con = open_province(warehouses)
    try:
        def rows(name: str) -> list[dict]:
            return relation(con, _SQL, name).to_arrow_table().to_pylist()

        return ProvinceReportData(regions=rows("province_regions"), rules=rows("province_rules"),
                                  cities=rows("province_cities"), districts=rows("province_districts"),
                                  progress=rows("province_progress"))
    finally:
        con.close()
