"""The analysts' SQL surface is locked: hostile statements through `stdwatch sql` leave the published
warehouse byte-identical and write no file; every example query of docs/data-model.md still answers."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import Warehouse, query
from transform.region import load_region

DOC = Path(__file__).parents[1] / "docs" / "data-model.md"
RULES = {"window_start": date(2022, 8, 21), "window_end": date(2025, 12, 31), "as_of": date(2026, 6, 30),
         "count_drafter": "lead", "group_count_by": "drafter", "region": "3205"}


@pytest.fixture
def published(tmp_path, monkeypatch) -> Path:
    """A published warehouse (districts, rules, every view) in a data dir; the working directory and
    HOME are tmp_path, so any file a statement managed to write would show up under it."""
    data_dir = tmp_path / "data"
    with Warehouse(data_dir / "warehouse.duckdb").writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(data_dir))
    return data_dir / "warehouse.duckdb"


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hostile(published: Path) -> list[str]:
    out = published.parent.parent
    return [
        f"USE memory; DETACH warehouse; ATTACH '{published}' AS w2; DELETE FROM w2.ref.district",
        "USE memory",
        "DETACH warehouse",
        f"ATTACH '{published}' AS w2",
        f"ATTACH '{published}' AS w3 (READ_WRITE)",
        "DELETE FROM ref.district",
        "UPDATE ref.setting SET value = 'any' WHERE key = 'count_drafter'",
        "WITH d AS (SELECT 1) DELETE FROM ref.district",
        "DROP VIEW mart.standard",
        "CREATE TABLE memory.main.scratch AS SELECT 1 AS x",
        f"COPY ref.district TO '{out}/districts.csv'",
        f"COPY (SELECT 1) TO '{out}/one.parquet' (FORMAT parquet)",
        f"EXPORT DATABASE '{out}/dump'",
        f"ATTACH '{out}/new.duckdb' AS fresh",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/hostname')",
        "SELECT * FROM glob('/**')",
        "SELECT * FROM '/etc/passwd'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_parquet('https://example.org/x.parquet')",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA enable_profiling",
        "CALL pragma_version()",
        "CHECKPOINT",
        "SELECT 1; SELECT 2",
        "SELECT * FROM query('ATTACH ''x.duckdb''')",
    ]


def test_hostile_statements_change_nothing_and_write_nothing(published, tmp_path):
    before_sha, before_files = _sha256(published), _files(tmp_path)
    runner = CliRunner()
    for statement in hostile(published):
        result = runner.invoke(app, ["sql", statement])
        assert result.exit_code != 0, statement
        message = result.stderr.strip()
        assert message and "\n" not in message and "Traceback" not in message, (statement, message)
    assert _sha256(published) == before_sha
    assert _files(tmp_path) == before_files
    assert query(published, "SELECT count(*) AS n FROM ref.district").column("n")[0].as_py() == 11


def test_a_refused_statement_says_why_in_one_line(published):
    result = CliRunner().invoke(app, ["sql", "DELETE FROM ref.district"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("DELETE statements are refused: the warehouse is read-only for analysts "
                                     "(SELECT, FROM …, WITH …, DESCRIBE, SHOW and SUMMARIZE are allowed)")
    result = CliRunner().invoke(app, ["sql", "SELECT 1; SELECT 2"])
    assert result.exit_code == 2 and result.stderr.startswith("2 statements given")


def test_read_queries_of_every_shape_still_answer(published):
    runner = CliRunner()
    for statement in ("SELECT district_name FROM ref.district ORDER BY district_code LIMIT 1",
                      "FROM ref.district SELECT count(*)", "WITH d AS (FROM ref.district) SELECT count(*) FROM d",
                      "DESCRIBE mart.standard", "SUMMARIZE ref.district", "SHOW TABLES"):
        result = runner.invoke(app, ["sql", statement])
        assert result.exit_code == 0, (statement, result.output, result.stderr)


def doc_examples() -> list[str]:
    """Every statement of the ```sql blocks of docs/data-model.md."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    con = duckdb.connect()
    try:
        return [s.query.strip() for block in blocks for s in con.extract_statements(block)]
    finally:
        con.close()


def test_stdwatch_sql_answers_every_example_query_of_the_data_model(published):
    examples = doc_examples()
    assert len(examples) >= 5  # the provenance query, the history replays, the trace's query
    runner = CliRunner()
    for statement in examples:
        result = runner.invoke(app, ["sql", "--json", "--", statement])
        assert result.exit_code == 0, (statement, result.stderr)
