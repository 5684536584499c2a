"""The DuckDB warehouse: versioned schema, bulk Arrow loads and merges, marts, blue/green publish.

Nothing but this package speaks SQL to the warehouse. Readers use `open_readonly`/`query`
on the published file — locked: no other file, no network, no extensions, and `query` runs
only a single read query (RefusedStatement otherwise); the one writer uses `Warehouse(path).writing()`.
"""

from warehouse.db import (
    RefusedStatement,
    SchemaVersionError,
    WarehouseMissing,
    apply_migrations,
    check_read_query,
    open_readonly,
    query,
    schema_version,
)
from warehouse.export import export
from warehouse.load import MergeCounts, WriteSession, default_org_key
from warehouse.publish import Warehouse, WarehouseBusy
from warehouse.read import (
    completed_windows,
    coverage_notes,
    inbox_file_in_force,
    new_standards_by_district,
    org_evidence,
    read_watermarks,
    recent_source_records,
)
from warehouse.trace import org_trace, standard_trace
from warehouse.progress import ProgressReport, progress_report, replace_indicator_events, replace_plan
from warehouse.report import ProvinceReportData, ReportData, province_report_data, report_data
from warehouse.province import ProvinceUnavailable, open_province, query_province

__all__ = [
    "MergeCounts",
    "RefusedStatement",
    "SchemaVersionError",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseMissing",
    "WriteSession",
    "apply_migrations",
    "check_read_query",
    "completed_windows",
    "coverage_notes",
    "default_org_key",
    "export",
    "inbox_file_in_force",
    "new_standards_by_district",
    "open_readonly",
    "org_evidence",
    "org_trace",
    "query",
    "read_watermarks",
    "recent_source_records",
    "schema_version",
    "standard_trace",
    "ProgressReport",
    "progress_report",
    "replace_indicator_events",
    "replace_plan",
    "ReportData",
    "report_data",
    "ProvinceReportData",
    "ProvinceUnavailable",
    "open_province",
    "province_report_data",
    "query_province",
]
