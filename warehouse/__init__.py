"""The DuckDB warehouse: versioned schema, bulk Arrow loads and merges, marts, blue/green publish.

Nothing but this package speaks SQL to the warehouse. Readers use `open_readonly`/`query`
on the published file — locked: no other file, no network, no extensions, and `query` runs
only a single read query (RefusedStatement otherwise); the one writer uses `Warehouse(path).writing()`.
"""

import importlib

# `export` is imported now: it is both a module and its function, and importing the module later
# would make the package's `export` the module.
from warehouse.export import export

# Each other public name and the module it lives in, imported on first use (PEP 562): a reader such
# as `stdwatch progress` imports warehouse.db and warehouse.progress, not the loads' modules.
_HOMES = {
    "db": ["RefusedStatement", "SchemaVersionError", "WarehouseMissing", "apply_migrations", "check_read_query",
           "open_readonly", "query", "schema_version"],
    "load": ["MergeCounts", "WriteSession", "default_org_key"],
    "publish": ["Warehouse", "WarehouseBusy"],
    "read": ["completed_windows", "coverage_notes", "inbox_file_in_force", "new_standards_by_district",
             "org_evidence", "read_watermarks", "recent_source_records"],
    "trace": ["org_trace", "standard_trace"],
    "progress": ["ProgressReport", "progress_report", "replace_indicator_events", "replace_plan"],
    "report": ["ProvinceReportData", "ReportData", "province_report_data", "report_data"],
    "province": ["ProvinceUnavailable", "open_province", "query_province"],
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> object:
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME_OF[name]}"), name)
    globals()[name] = value
    return value


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
