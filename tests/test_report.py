"""`stdwatch report` after the demo: the HTML page opened in headless Chromium with the network
disabled, and the xlsx workbook read back with openpyxl.

Chromium's only way out is a proxy the test listens on: every request the page made would reach
it, so "no request leaves the file" is counted, not assumed. Console messages are read from
Chromium's log (`--enable-logging=stderr`). Two small pages that do make a request or log an
error show the harness would notice. Expected districts come from the region's reference file
and expected counts from the mirror's ground truth.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import socket
import subprocess
import threading
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from flows.leader_report import Column, Section, write_xlsx

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHEETS = ["指标进度", "区县×类型", "区县地图", "月度趋势", "计数口径与覆盖", "如何追溯"]
TYPE_COLUMNS = ["国家标准\nnational", "行业标准\nindustry", "地方标准\nlocal", "团体标准\ngroup", "企业标准\nenterprise"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("report")
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--data-dir", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("r.html", "r.xlsx"):
        result = runner.invoke(app, ["report", "--data-dir", str(data_dir), "--out", str(data_dir / name)])
        assert result.exit_code == 0, result.output
    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    truth["notices"] = json.loads((data_dir / "mirror" / "notices_ground_truth.json").read_text(encoding="utf-8"))
    return data_dir, truth


def region_districts() -> list[str]:
    text = resources.files("transform").joinpath("regions/3205/districts.csv").read_text(encoding="utf-8")
    return [row["district_name"] for row in csv.DictReader(text.splitlines())]


def expected_by_district_type(truth: dict) -> Counter:
    """(district, type) → n counted in the plan window: the registries' standards and the regulator's export."""
    expected = Counter()
    for r in truth["all_counts"]:
        expected[(r["district"], r["std_type"])] += r["n"]
    for district, _, n in truth["notices"]["indicators"]["enterprise_std"]["by_district_year"]:
        expected[(district, "enterprise")] += n
    return expected


class Trap:
    """A TCP listener standing in for the network (Chromium's proxy): it records the host of every
    request (`GET http://host/…` or `CONNECT host:443`) and answers nothing."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hosts: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(5)
            try:
                line = conn.recv(1024).split(b"\r\n")[0].decode("latin-1")
            except OSError:
                line = "? (no request line)"
            conn.close()
            if not line:  # closed before sending anything (Chromium opens spare sockets to its proxy): no host asked
                continue
            target = line.split(" ")[1] if " " in line else line
            self.hosts.add(re.sub(r"^[a-z]+://", "", target).split("/")[0].rsplit(":", 1)[0])

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


def open_in_chromium(page: Path, tmp_path: Path, *extra: str) -> tuple[str, list[str], set[str]]:
    """(stdout, console messages, hosts asked for) of headless Chromium opening `page`."""
    trap = Trap()
    try:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", f"--proxy-server=127.0.0.1:{trap.port}",
             "--proxy-bypass-list=<-loopback>", "--enable-logging=stderr", "--v=0", *extra, page.as_uri()],
            capture_output=True, text=True, timeout=180,
        )
    finally:
        trap.close()
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console, trap.hosts


@pytest.fixture(scope="module")
def browser_own_hosts(tmp_path_factory) -> set[str]:
    """The hosts Chromium asks for by itself (time, component updates) with a page that asks for nothing."""
    tmp_path = tmp_path_factory.mktemp("blank")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body>x</body></html>")
    return open_in_chromium(blank, tmp_path, "--dump-dom")[2]


def test_the_harness_sees_a_request_and_a_console_error(tmp_path, browser_own_hosts):
    fetching = tmp_path / "fetching.html"
    fetching.write_text('<!DOCTYPE html><html><body><img src="http://198.51.100.7/x.png">x</body></html>')
    _, console, hosts = open_in_chromium(fetching, tmp_path, "--dump-dom")
    assert hosts - browser_own_hosts == {"198.51.100.7"}
    failing = tmp_path / "failing.html"
    failing.write_text('<!DOCTYPE html><html><body><script>console.error("boom")</script>x</body></html>')
    _, console, _ = open_in_chromium(failing, tmp_path, "--dump-dom")
    assert any("boom" in line for line in console)


def test_report_opens_offline_with_every_district_indicator_and_the_map(demo, tmp_path, browser_own_hosts):
    data_dir, truth = demo
    page = data_dir / "r.html"
    dom, console, hosts = open_in_chromium(page, tmp_path, "--dump-dom")
    assert console == []
    assert hosts <= browser_own_hosts
    assert "苏州市标准化规划进度报告" in dom
    for district in region_districts():
        assert district in dom, district
    expected_ids = set(truth["notices"]["indicators"]) | set(truth["notices"]["rates"]) | {
        "national_industry_led", "local_std", "group_std", "enterprise_std", "std_tech_orgs"}
    assert len(expected_ids) == 18
    for indicator_id in expected_ids:
        assert f'id="trace-{indicator_id}"' in dom, indicator_id
        assert f'href="#trace-{indicator_id}"' in dom, indicator_id
    # the map: one filled tile per district of the region, each named on it
    map_section = dom[dom.index('<section id="map"'):]
    map_section = map_section[:map_section.index("</section>")]
    tiles = re.findall(r'aria-roledescription="rect mark"[^>]*fill="(rgb\([^)]*\))"', map_section)
    assert len(tiles) == len(region_districts())
    assert all(fill not in ("rgb(255, 255, 255)", "rgb(0, 0, 0)") for fill in tiles)
    svg_text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", map_section))
    assert all(district in svg_text for district in region_districts())
    # the file itself references nothing outside it
    source = page.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\((?!#)|\ssrc=", source)  # url(#…): in-page
    assert all(h.startswith("#") for h in re.findall(r'\shref="([^"]*)"', source))

    shot = tmp_path / "report.png"
    _, console, hosts = open_in_chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    assert console == [] and hosts <= browser_own_hosts
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200  # text, bars, legend: far from a blank page


def test_report_district_figures_equal_ground_truth(demo):
    data_dir, truth = demo
    sheet = load_workbook(data_dir / "r.xlsx")["区县×类型"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "区县\ndistrict")
    header = list(rows[header_at])
    assert header[1:6] == TYPE_COLUMNS
    got = Counter()
    for r in rows[header_at + 1:]:
        if r[0] == "合计 total":
            break
        for std_type, col in zip(("national", "industry", "local", "group", "enterprise"), range(1, 6), strict=True):
            if r[col]:
                got[(r[0], std_type)] = r[col]
    assert got == expected_by_district_type(truth)
    assert {r[0] for r in rows[header_at + 1:]} >= set(region_districts())


def test_workbook_has_one_sheet_per_section_and_the_trend_ends_at_the_actual(demo):
    data_dir, truth = demo
    book = load_workbook(data_dir / "r.xlsx")
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes is not None and sheet.auto_filter.ref, name
    trend = list(book["月度趋势"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(trend) if r[0] == "指标\nindicator")
    last = {}
    for r in trend[header_at + 1:]:
        last[r[0]] = r[2]  # rows run month by month: the last one per indicator is the window's end
    wanted = sum(n for (_, t), n in expected_by_district_type(truth).items() if t in ("national", "industry"))
    assert last["新增牵头起草国家标准、行业标准"] == wanted
    numbered = [r for r in book["指标进度"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in numbered] == list(range(1, 19))
    assert numbered[1][3] == wanted  # 实际 actual of 新增牵头起草国家标准、行业标准, a number


def test_a_formula_looking_text_is_written_as_text(tmp_path):
    section = Section(key="k", sheet="s", zh="标题", en="title", notes=["=1+1"],
                      columns=[Column("name", "名称", "name")], rows=[{"name": '=HYPERLINK("http://x","y")'}])
    path = tmp_path / "x.xlsx"
    write_xlsx([section], path, title="t", generated="g")
    cells = [c for row in load_workbook(path)["s"].iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in [c.value for c in cells]


def test_a_tile_map_missing_a_district_is_refused(monkeypatch):
    from transform import region

    real = region._rows
    monkeypatch.setattr(region, "_rows", lambda code, name: [
        r for r in real(code, name) if not (name == "map_tiles.csv" and r["district_code"] == "320583")])
    region.map_tiles.cache_clear()
    try:
        with pytest.raises(region.RegionError, match="昆山市"):
            region.map_tiles("3205")
    finally:
        region.map_tiles.cache_clear()


def test_report_refuses_an_unknown_format(demo):
    data_dir, _ = demo
    result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir), "--out", str(data_dir / "r.pdf")])
    assert result.exit_code == 2
    assert ".html or .xlsx" in result.output
