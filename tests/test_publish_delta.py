"""The publish's working copy (warehouse/publish.py): the spare brought forward with the last
session's change log ("delta"), block by block ("blocks"), or copied whole.

Whatever way it was made, a session's working copy starts with exactly the published file's
contents: every table, row for row, compared with the published file read on its own. A change
log that does not lead from this spare to this published file is never used, readers keep the
file they hold, and a run killed at any step of a publish leaves the published file whole and the
next session right.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.test_warehouse import RULES, placed, rows, standard
from transform.region import load_region
from warehouse import Warehouse, open_readonly
from warehouse.publish import _BLOCK, _HEADERS, _copy_changed_blocks

REPO = Path(__file__).resolve().parents[1]
TABLES = """SELECT schema_name, table_name FROM duckdb_tables()
            WHERE database_name = current_database() AND NOT temporary ORDER BY ALL"""
MART_DIFF = """SELECT count(*) FROM (
    (SELECT * FROM core.standard_placed EXCEPT ALL SELECT * FROM core.standard_placing)
    UNION ALL
    (SELECT * FROM core.standard_placing EXCEPT ALL SELECT * FROM core.standard_placed))"""


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards([
            standard("GB/T 1-2023", drafters=("昆山甲科技有限公司", "苏州乙公司")),
            standard("GB/T 2-2024", drafters=("苏州乙公司",), issued=date(2024, 2, 1)),
        ], "run-1")
        w.replace_org_attributions([
            (None, "昆山甲科技有限公司", placed("320583", "昆山市")),
            (None, "苏州乙公司", placed(None, None)),
        ])
    return path


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table of the connection's file, its rows in order (as text: lists and JSON compare too)."""
    return {f"{schema}.{table}": sorted(map(repr, con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()))
            for schema, table in con.execute(TABLES).fetchall()}


def published_contents(path: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return contents(con)
    finally:
        con.close()


def session(published: Warehouse, std_no: str, run_id: str) -> None:
    """A write session that adds one standard; its working copy is checked against the published file first."""
    expected = published_contents(published.path)
    with published.writing() as w:
        assert contents(w.con) == expected
        w.merge_standards([standard(std_no, issued=date(2024, 3, 1))], run_id)


def standards_of(path: Path) -> list[str]:
    return [r["std_no"] for r in rows(path, "SELECT std_no FROM mart.standard ORDER BY 1")]


# ── the change log ─────────────────────────────────────────────────────────────────────────

def test_each_session_after_the_first_brings_the_spare_forward_with_the_last_change_log(wh):
    published = Warehouse(wh)
    methods = []
    for run in range(4):
        spare = published.spare_path.stat().st_ino if published.spare_path.exists() else None
        session(published, f"GB/T {100 + run}-2024", f"run-d{run}")
        methods.append(published.copy_method)
        if spare is not None:  # two files take turns: the spare became the published file
            assert wh.stat().st_ino == spare
        assert published.spare_path.exists() and published.delta_path.exists()
        assert json.loads(published.delta_record_path.read_text())["published"][1] == wh.stat().st_ino
    # the fixture's session had nothing to replace, so the first one here had no spare
    assert methods == ["whole", "delta", "delta", "delta"]
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 100-2024", "GB/T 101-2024", "GB/T 102-2024",
                                "GB/T 103-2024", "GB/T 2-2024"]
    assert rows(wh, MART_DIFF.replace("count(*)", "count(*) AS n")) == [{"n": 0}]
    # the log is the change, not the warehouse: far smaller than the file it brings forward
    assert published.delta_path.stat().st_size < wh.stat().st_size / 4


def test_a_session_that_checkpointed_on_its_way_keeps_no_log_and_the_next_copies_blocks(wh):
    """A streaming inbox load checkpoints between its large steps (WriteSession.checkpoint) to free
    DuckDB's memory: its log then holds only what came after, so it is not kept, and the next
    session brings the spare forward block by block to the same contents."""
    published = Warehouse(wh)
    session(published, "GB/T 100-2024", "run-c0")
    with published.writing() as w:
        w.merge_standards([standard("GB/T 101-2024", issued=date(2024, 3, 1))], "run-c1")
        w.checkpoint()
        w.merge_standards([standard("GB/T 102-2024", issued=date(2024, 3, 1))], "run-c1")
    assert published.copy_method == "delta"
    assert not published.delta_path.exists()
    session(published, "GB/T 103-2024", "run-c2")  # its working copy is checked against the published file
    assert published.copy_method == "blocks"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 100-2024", "GB/T 101-2024", "GB/T 102-2024",
                                "GB/T 103-2024", "GB/T 2-2024"]


def test_a_log_whose_record_does_not_match_the_published_file_is_not_replayed(wh):
    published = Warehouse(wh)
    session(published, "GB/T 200-2024", "run-t1")
    record = json.loads(published.delta_record_path.read_text())
    record["state"]["token"] = "another session"
    published.delta_record_path.write_text(json.dumps(record))
    with published.writing() as w:  # the spare is made byte-identical instead
        assert hashlib.sha256(published.next_path.read_bytes()).digest() == hashlib.sha256(wh.read_bytes()).digest()
        w.merge_standards([standard("GB/T 201-2024", issued=date(2024, 3, 1))], "run-t2")
    assert published.copy_method == "blocks"
    session(published, "GB/T 202-2024", "run-t3")
    assert published.copy_method == "delta"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 200-2024", "GB/T 201-2024", "GB/T 202-2024"]


def test_a_log_cut_short_leaves_the_replay_without_the_token_and_is_not_used(wh):
    published = Warehouse(wh)
    session(published, "GB/T 210-2024", "run-c1")
    with published.delta_path.open("r+b") as log:
        log.truncate(published.delta_path.stat().st_size // 2)
    record = json.loads(published.delta_record_path.read_text())
    record["log_bytes"] = published.delta_path.stat().st_size
    published.delta_record_path.write_text(json.dumps(record))
    session(published, "GB/T 211-2024", "run-c2")
    assert published.copy_method == "blocks"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 210-2024", "GB/T 211-2024"]


def test_a_log_written_for_another_file_is_refused(wh, tmp_path):
    published = Warehouse(wh)
    session(published, "GB/T 220-2024", "run-f1")
    other = Warehouse(tmp_path / "other" / "warehouse.duckdb")
    with other.writing() as w:
        w.set_settings(RULES)
    session(other, "GB/T 999-2024", "run-o1")  # the same session's kind of log, of another warehouse
    published.delta_path.write_bytes(other.delta_path.read_bytes())
    record = json.loads(published.delta_record_path.read_text())
    record["log_bytes"] = published.delta_path.stat().st_size
    published.delta_record_path.write_text(json.dumps(record))
    session(published, "GB/T 221-2024", "run-f2")
    assert published.copy_method == "blocks"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 220-2024", "GB/T 221-2024"]


def test_a_held_load_keeps_no_log_and_the_accepted_one_keeps_none_either(wh):
    """A held session does not change the published file, and an accepted one starts from the
    held copy, not from the published state the spare is a session behind."""
    published = Warehouse(wh)
    session(published, "GB/T 230-2024", "run-h0")
    with published.writing() as w:
        w.merge_standards([standard("GB/T 231-2024", issued=date(2024, 3, 1))], "run-h1")
        w.held_back = True
    assert published.held_path.exists() and not published.delta_path.exists()
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 230-2024"]
    with published.writing(from_held=True):
        pass
    assert not published.delta_path.exists() and not published.delta_record_path.exists()
    session(published, "GB/T 232-2024", "run-h2")
    assert published.copy_method == "blocks"
    session(published, "GB/T 233-2024", "run-h3")
    assert published.copy_method == "delta"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 230-2024", "GB/T 231-2024", "GB/T 232-2024",
                                "GB/T 233-2024"]


def test_a_failed_session_leaves_the_published_file_and_keeps_no_log(wh):
    published = Warehouse(wh)
    session(published, "GB/T 240-2024", "run-e0")
    before = hashlib.sha256(wh.read_bytes()).digest()
    with pytest.raises(RuntimeError, match="broken load"):
        with published.writing() as w:
            w.merge_standards([standard("GB/T 241-2024", issued=date(2024, 3, 1))], "run-e1")
            raise RuntimeError("broken load")
    assert hashlib.sha256(wh.read_bytes()).digest() == before
    assert not published.delta_path.exists() and not published.next_path.exists()
    session(published, "GB/T 242-2024", "run-e2")  # the spare was consumed: a whole copy
    assert published.copy_method == "whole"
    assert standards_of(wh) == ["GB/T 1-2023", "GB/T 2-2024", "GB/T 240-2024", "GB/T 242-2024"]


# ── readers ────────────────────────────────────────────────────────────────────────────────

def test_a_reader_holding_the_spare_keeps_its_snapshot_and_the_writer_copies_the_whole_file(wh):
    published = Warehouse(wh)
    reader = open_readonly(wh)  # holds the file that the next publish turns into the spare
    try:
        session(published, "GB/T 300-2024", "run-r1")
        session(published, "GB/T 301-2024", "run-r2")  # its spare is the reader's file
        assert published.copy_method == "whole"
        assert reader.execute("SELECT count(*) FROM core.standard").fetchone()[0] == 2
    finally:
        reader.close()
    assert rows(wh, "SELECT count(*) AS n FROM core.standard") == [{"n": 4}]
    session(published, "GB/T 302-2024", "run-r3")
    assert published.copy_method == "delta"


def test_a_reader_in_another_process_keeps_the_spare(wh):
    published = Warehouse(wh)
    session(published, "GB/T 310-2024", "run-p0")  # now the fixture's file is the spare
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; con = duckdb.connect(':memory:'); "
         f"con.execute(\"ATTACH '{published.spare_path}' AS w (READ_ONLY)\"); print('open', flush=True); "
         "sys.stdin.readline(); print(con.execute('SELECT count(*) FROM w.core.standard').fetchone()[0])"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        session(published, "GB/T 311-2024", "run-p1")
        assert published.copy_method == "whole"
        out, _ = reader.communicate("go\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert out.strip() == "2"  # its snapshot, untouched
    assert rows(wh, "SELECT count(*) AS n FROM core.standard") == [{"n": 4}]


def test_a_spare_that_is_the_published_file_itself_is_never_written(wh):
    """Killed between keeping the spare (a hard link) and publishing: both names are one file."""
    published = Warehouse(wh)
    published.spare_path.unlink(missing_ok=True)
    os.link(wh, published.spare_path)
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    with published.writing() as w:
        assert hashlib.sha256(wh.read_bytes()).hexdigest() == before
        w.merge_standards([standard("GB/T 320-2024", issued=date(2024, 3, 1))], "run-k")
    assert published.copy_method == "whole"
    assert rows(wh, "SELECT count(*) AS n FROM core.standard") == [{"n": 3}]


# ── killed at any step ─────────────────────────────────────────────────────────────────────

# A write session in a child process that SIGKILLs itself just before its n-th step: a file
# renamed, linked, removed or synced, or a DuckDB connection opened (the replay of the log).
KILLED_SESSION = textwrap.dedent("""
    import os, shutil, signal, sys
    from datetime import date
    import warehouse.publish as publish
    from tests.test_warehouse import standard
    from warehouse import Warehouse

    path, kill_at, std_no = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    steps = 0

    def step(fn):
        def counted(*args, **kwargs):
            global steps
            steps += 1
            if steps == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return counted

    for name in ("replace", "link", "unlink", "fsync", "ftruncate"):
        setattr(os, name, step(getattr(os, name)))
    shutil.copyfile = step(shutil.copyfile)
    publish.connect = step(publish.connect)
    with Warehouse(path).writing() as w:
        w.merge_standards([standard(std_no, issued=date(2024, 3, 1))], "run-" + std_no)
    print(steps)
""")


def _killed_session(path: Path, kill_at: int, std_no: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLED_SESSION, str(path), str(kill_at), std_no],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


def test_a_session_killed_at_any_step_of_its_publish_leaves_the_published_file_and_the_next_session_right(wh):
    """Killed before each step in turn; after each kill a session runs (from exactly the published
    contents, see `session`), which leaves a spare and a change log for the next kill."""
    published = Warehouse(wh)
    session(published, "GB/T 400-2024", "run-s0")  # a spare and a change log to start from
    whole = _killed_session(wh, 0, "GB/T 401-2024")
    assert whole.returncode == 0, whole.stderr  # never killed: how many steps a session has
    steps = int(whole.stdout.strip().splitlines()[-1])
    assert steps >= 10
    expected = ["GB/T 1-2023", "GB/T 2-2024", "GB/T 400-2024", "GB/T 401-2024"]
    for kill_at in range(1, steps + 1):
        killed = _killed_session(wh, kill_at, f"GB/T {500 + kill_at}-2024")
        assert killed.returncode == -9, (kill_at, killed.stderr)
        seen = standards_of(wh)  # the published file opens and holds one whole state or the other
        assert seen in (expected, sorted([*expected, f"GB/T {500 + kill_at}-2024"])), kill_at
        session(published, f"GB/T {600 + kill_at}-2024", f"run-s{kill_at}")
        expected = sorted([*seen, f"GB/T {600 + kill_at}-2024"])
        assert standards_of(wh) == expected, kill_at
    session(published, "GB/T 700-2024", "run-s-last")
    assert published.copy_method == "delta"
    assert rows(wh, MART_DIFF.replace("count(*)", "count(*) AS n")) == [{"n": 0}]


# ── the block copy ─────────────────────────────────────────────────────────────────────────

def test_a_block_that_differs_past_its_first_bytes_is_copied(tmp_path):
    """DuckDB's per-block checksum is an XOR of the block's words: equal for different contents, so
    the block copy compares whole blocks (a run once published a corrupt file trusting it)."""
    word = b"\x01\x02\x03\x04\x05\x06\x07\x08"
    source = tmp_path / "published"
    source.write_bytes(b"H" * _HEADERS + b"\0" * _BLOCK + word * 2 + b"\0" * (_BLOCK - 16) + b"B" * _BLOCK)
    spare = tmp_path / "spare"
    spare.write_bytes(b"h" * _HEADERS + b"\0" * (2 * _BLOCK) + b"B" * _BLOCK + b"old tail")
    assert _copy_changed_blocks(source, spare)
    assert spare.read_bytes() == source.read_bytes()
