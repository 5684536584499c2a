"""The leader's report (`stdwatch report`): the plan's progress on one page, in Chinese with English
subtitles, as one self-contained HTML file or as an xlsx workbook with the same sections.

The charts are Vega-Lite specs (altair) rendered to SVG in this process by vl-convert and inlined:
the page has no script, loads no font, style sheet, image or map tile, and its Content-Security-Policy
forbids any request, so it opens offline and shows the same thing in every browser. Text is drawn in
the viewer's own Chinese fonts (Noto CJK, Microsoft YaHei, PingFang, …).

`build_province_sections` makes the province report from the same parts: the cities side by side (new
standards by type, every indicator of each city's plan, every district), each city counted in its own
warehouse under its own rules, which the report states and compares.

The map is a tile map from the region's reference data (`transform/regions/<code>/map_tiles.csv`):
no district polygons with a stated source are bundled, so it says it is a schematic, not borders.

Everything crawled (indicator names, notes, URLs) is escaped as text in the HTML and neutralised in
the workbook (a cell that starts with = + - @ is written with a leading apostrophe, as OWASP advises).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from transform.region import MapTile, Region
from warehouse.export import neutralise
from warehouse.report import ProvinceReportData, ReportData

TYPES = {  # standard type → (zh, en), in the order the tables show them
    "national": ("国家标准", "national"),
    "industry": ("行业标准", "industry"),
    "local": ("地方标准", "local"),
    "group": ("团体标准", "group"),
    "enterprise": ("企业标准", "enterprise"),
}
STATUS = {  # status → (zh, en, colour)
    "met": ("已完成", "met", "#1a7f37"),
    "on track": ("进度正常", "on track", "#4ac26b"),
    "behind": ("滞后", "behind", "#d1242f"),
    "not met": ("未完成", "not met", "#82071e"),
    "no data yet": ("暂无数据", "no data yet", "#bf8700"),
    "no target yet": ("待导入规划", "no target yet", "#8c959f"),
}
NO_PLAN = "规划未导入 plan not loaded: no targets to measure against yet (set plan_url or plan_file)"
DRAFTER = {"lead": "牵头单位 lead drafter", "any": "任一本地起草单位 any region drafter"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
DATA_MODEL = "docs/data-model.md"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "text"  # text | num | pct | date
    link: str | None = None  # the row key holding the anchor this cell links to (HTML)
    raw: str | None = None  # the row key of the number behind a formatted text, for the workbook


@dataclass
class Section:
    key: str  # HTML anchor
    sheet: str  # xlsx sheet name (≤ 31 characters)
    zh: str
    en: str
    notes: list[str]  # stated next to the figures they qualify
    columns: list[Column]
    rows: list[dict]
    chart: object | None = None  # an altair chart
    chart_note: str = ""
    row_anchor: str | None = None  # the row key whose value is the row's own anchor (the trace section)
    folded: bool = False  # a long table: the HTML shows it folded under its chart (<details>, no script)
    extra: dict = field(default_factory=dict)


# ── content ─────────────────────────────────────────────────────────────────────────────────


def build_sections(data: ReportData, region: Region, tiles: Sequence[MapTile]) -> list[Section]:
    """The report's sections, in reading order: indicators, district × type, map, trend, rules, trace."""
    return [
        _indicators(data),
        _district_types(data),
        _map(data, region, tiles),
        _trend(data),
        _rules(data, region),
        _trace(data),
    ]


def status_of(row: dict) -> str:
    """The status a leader reads: "behind" once the window is over is "not met"."""
    return "not met" if row["status"] == "behind" and row["deadline_passed"] else row["status"]


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _target(row: dict) -> str:
    if row["target"] is None:
        return "—"
    return f"{row['comparator'] or ''}{_number(row['target'])}{row['unit'] or ''}"


def _actual(row: dict) -> str:
    if row["actual"] is None:
        return "—"
    return f"{row['actual']:.1f}%" if row["unit"] == "%" else _number(row["actual"])


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def _unplaced(data: ReportData) -> dict[str, dict]:
    """indicator id → the 区县未知 row of the district figures (its actual and share of the city)."""
    return {r["indicator_id"]: r for r in data.progress.districts if r["is_unknown"] and r["has_data"]}


def _coverage_for(data: ReportData, kind: str | None) -> list[str]:
    """The coverage notes of the sources that feed one indicator kind."""
    sources = (data.measures.get(kind) or {}).get("sources") or []
    return [f"覆盖不全 partial coverage — {s}: {note}" for s, note in data.progress.coverage.items() if s in sources]


def _indicators(data: ReportData) -> Section:
    rules = data.progress.rules
    unplaced = _unplaced(data)
    rows = []
    for r in data.progress.indicators:
        status = status_of(r)
        notes = _coverage_for(data, r["kind"])
        gap = unplaced.get(r["kind"])
        if gap and gap["actual"]:
            notes.append(f"区县未知 unplaced: {_number(gap['actual'])} of {_number(gap['city_actual'])} "
                         f"({_pct(gap['share_of_city'])}) counted for the city, no district")
        if r["waits_for"]:
            notes.append(f"等待 waits for: {r['waits_for']}")
        rows.append({
            "position": r["position"], "indicator": r["indicator"], "indicator_id": r["indicator_id"],
            "target": _target(r), "actual": _actual(r), "actual_value": r["actual"],
            "share": r["share_of_target"], "expected": r["expected_share"],
            "status": f"{STATUS[status][0]} {STATUS[status][1]}", "status_key": status,
            "note": "；".join(notes), "anchor": f"trace-{r['indicator_id']}",
        })
    counts = {key: sum(1 for row in rows if row["status_key"] == key) for key in STATUS}
    window_over = rules["as_of"] > rules["window_end"] if rules["window_end"] and rules["as_of"] else False
    headline = (f"{len(rows)} 项指标 indicators：" + " · ".join(
        f"{STATUS[k][0]} {STATUS[k][1]} {n}" for k, n in counts.items() if n))
    not_loaded = [] if data.progress.plan else [NO_PLAN]
    if not rows:  # no plan and no measures (a region folder without indicators.csv): nothing is zero
        headline = NO_PLAN
    period = (f"规划期 plan window {rules['window_start']} – {rules['window_end']}"
              f"{'（已结束 over）' if window_over else ''} · 统计截止 as of {rules['as_of']}"
              f" · 计至 counted to {rules['counted_until']}{_published(data.publish)}")
    notes = [
        *_held_back(data.publish),
        *not_loaded,
        "应完成 expected by now = 规划期已过天数 ÷ 规划期总天数 (share of the window elapsed); "
        "状态 status compares 完成率 share of target with it; after the window, 未完成 not met.",
        *[f"覆盖不全 partial coverage — {s}: {note}" for s, note in data.progress.coverage.items()],
    ]
    return Section(
        key="indicators", sheet="指标进度", zh="规划指标进度", en="Progress against every target of the plan",
        notes=notes,
        columns=[
            Column("position", "序号", "#", "num"),
            Column("indicator", "指标", "indicator"),
            Column("target", "目标", "target", link="anchor"),
            Column("actual", "实际", "actual", link="anchor", raw="actual_value"),
            Column("share", "完成率", "share of target", "pct", link="anchor"),
            Column("expected", "应完成", "expected by now", "pct"),
            Column("status", "状态", "status"),
            Column("note", "说明（口径、覆盖、未定位）", "note: coverage, unplaced, waiting"),
            Column("indicator_id", "追溯", "trace", link="anchor"),
        ],
        rows=rows,
        chart=_indicator_chart(rows) if rows else None,
        chart_note="条为完成率，黑色竖线为应完成进度 Bars: share of target; black tick: share expected by now.",
        extra={"headline": headline, "period": period},
    )


def _district_types(data: ReportData) -> Section:
    cells: dict[str, dict[str, int]] = {}
    for r in data.by_district_type:
        cells.setdefault(r["district_code"], {})[r["std_type"]] = int(r["n"])
    rows = []
    for d in data.districts:
        counts = cells.get(d["district_code"], {})
        rows.append({"district": d["district_name"], "district_code": d["district_code"],
                     "is_unknown": d["is_unknown"], **{t: counts.get(t, 0) for t in TYPES},
                     "total": sum(counts.values()), "anchor": "trace-districts"})
    total = sum(r["total"] for r in rows)
    unknown = sum(r["total"] for r in rows if r["is_unknown"])
    rows.append({"district": "合计 total", "district_code": "", "is_unknown": False,
                 **{t: sum(r[t] for r in rows) for t in TYPES}, "total": total, "anchor": "trace-districts"})
    rules = data.progress.rules
    notes = [
        f"计数口径 rule: issued {rules['window_start']} – {rules['counted_until']}, counted for the district of the "
        f"{'lead drafting unit 牵头单位' if rules['count_drafter'] == 'lead' else 'first region drafting unit 任一本地起草单位'}"
        " (the region's own local standards always count); one count per canonical standard number.",
        f"区县未知 unplaced: {unknown} of {total} ({_pct(unknown / total if total else None)}) new standards are the "
        "city's but could not be placed in a district (mart.review_queue lists their organisations).",
        *dict.fromkeys(note for kind, m in data.measures.items() if m["source_view"] == "mart.standard"
                       for note in _coverage_for(data, kind)),
    ]
    return Section(
        key="districts", sheet="区县×类型", zh="各区县新增标准（按类型）", en="New standards per district and type",
        notes=notes,
        columns=[Column("district", "区县", "district"),
                 *[Column(t, zh, en, "num", link="anchor") for t, (zh, en) in TYPES.items()],
                 Column("total", "合计", "total", "num", link="anchor")],
        rows=rows,
        chart=_district_chart(rows[:-1]),
        chart_note="每条为一个区县的新增标准，按类型堆叠 One bar per district, stacked by standard type.",
    )


def _map(data: ReportData, region: Region, tiles: Sequence[MapTile]) -> Section:
    totals: dict[str, int] = {}
    for r in data.by_district_type:
        totals[r["district_code"]] = totals.get(r["district_code"], 0) + int(r["n"])
    city = sum(totals.values())
    rows = [{"district": t.district.name, "district_code": t.district.code, "row": t.row, "col": t.col,
             "n": totals.get(t.district.code, 0), "share": totals.get(t.district.code, 0) / city if city else None,
             "anchor": "trace-districts"} for t in tiles]
    unknown = totals.get(region.unknown_district_code, 0)
    notes = [
        "示意图：每个区县一格，位置大致对应其地理方位，不是真实边界（未附带有明确来源的区县边界数据）。"
        " Schematic tile map: one tile per district in its rough geographic place, not real borders "
        "(no district boundary data with a stated source is bundled).",
        "颜色 colour: 规划期内新增标准数 new standards in the window (all types, as in the district table).",
        f"{region.unknown_district_name} unplaced: {unknown} of {city} ({_pct(unknown / city if city else None)}) "
        "are counted for the city but are on no tile.",
    ]
    return Section(
        key="map", sheet="区县地图", zh=f"{region.name}各区县进度地图", en="The city's districts, coloured by progress",
        notes=notes,
        columns=[Column("district", "区县", "district"), Column("n", "新增标准", "new standards", "num", link="anchor"),
                 Column("share", "占全市", "share of the city", "pct", link="anchor"),
                 Column("row", "图中行（北→南）", "tile row (north→south)", "num"),
                 Column("col", "图中列（西→东）", "tile column (west→east)", "num")],
        rows=rows,
        chart=_map_chart(rows),
        chart_note="示意图，非真实边界 Schematic, not real borders.",
    )


def _trend(data: ReportData) -> Section:
    rules = data.progress.rules
    ws, we = rules["window_start"], rules["window_end"]
    shown = [r for r in data.progress.indicators
             if r["target"] is not None and r["actual"] is not None and r["comparator"] in ("≥", ">", "=")
             and (data.measures.get(r["kind"]) or {}).get("aggregate") in ("count", "sum")] if ws and we else []
    days_total = (we - ws).days + 1 if ws and we else None
    figures = {(p["indicator_id"], p["day"]): p["actual"] for p in data.trend}
    rows = []
    for r in shown:
        for day in data.trend_days:
            elapsed = min(1.0, max(0.0, ((day - ws).days + 1) / days_total))
            rows.append({"indicator": r["indicator"], "indicator_id": r["indicator_id"], "position": r["position"],
                         "month": day, "actual": figures.get((r["kind"], day), 0.0), "pace": r["target"] * elapsed,
                         "anchor": f"trace-{r['indicator_id']}"})
    left_out = [r["indicator"] for r in data.progress.indicators if r not in shown]
    notes = [
        "规划所需进度 pace needed = 目标 × 规划期已过天数占比 target × share of the window elapsed (a straight line "
        f"from 0 on {ws} to the target on {we}); 实际 actual = cumulative count at each month's end.",
    ]
    if left_out:
        notes.append("不适用累计进度 no cumulative pace (rates, ceilings, or no data / no target yet): "
                     + "、".join(left_out))
    return Section(
        key="trend", sheet="月度趋势", zh="月度累计进度与规划所需进度", en="Monthly trend against the pace the plan needs",
        notes=notes,
        columns=[Column("indicator", "指标", "indicator"), Column("month", "月末", "month end", "date"),
                 Column("actual", "累计实际", "actual (cumulative)", "num", link="anchor"),
                 Column("pace", "规划所需", "pace needed", "num")],
        rows=rows,
        chart=_trend_chart(rows, shown, ws, we) if rows else None,
        chart_note="实线为累计实际，虚线为规划所需进度 Solid: cumulative actual; dashed: the pace the plan needs.",
        folded=True,
    )


def _rules(data: ReportData, region: Region) -> Section:
    r, plan = data.progress.rules, data.progress.plan
    rows = [
        ("地区 region", f"{region.name} ({r['region_code']})"),
        ("规划期 plan window", f"{r['window_start']} – {r['window_end']}"),
        ("统计截止 as of", str(r["as_of"])),
        ("计至 counted to", str(r["counted_until"])),
        ("计数单位 counting drafter", DRAFTER.get(r["count_drafter"], r["count_drafter"])),
        ("团体标准 group standards by", r["group_count_by"]),
        ("未定位 unplaced", f"{r['unknown_district_name']}: in the region, district unknown; counted for the city"),
    ]
    if plan:
        spam = f"; {len(plan['spam_terms'])} injected spam strings removed, page flagged" if plan["spam"] else ""
        rows.append(("规划 plan", f"{plan['doc_number'] or ''} {plan['title'] or ''} issued {plan['issue_date']}, "
                                  f"{plan['n_targets']} targets{spam}".strip()))
        rows.append(("规划来源 plan source", plan["plan_url"]))
    else:
        rows.append(("规划 plan", "未导入 not loaded: the targets wait for it (set plan_url or plan_file)"))
    rows += [(f"覆盖不全 partial coverage: {s}", note) for s, note in data.progress.coverage.items()]
    for m in data.measures.values():
        rows.append((f"口径 rule: {m['indicator_id']}", f"{m['rule_zh']} — {m['rule_en']}"))
    return Section(
        key="rules", sheet="计数口径与覆盖", zh="计数口径与覆盖情况", en="Counting rules and coverage",
        notes=["Each indicator's rule in full: docs/counting-rules.md."],
        columns=[Column("item", "项目", "item"), Column("value", "内容", "value")],
        rows=[{"item": k, "value": v} for k, v in rows],
    )


def _trace(data: ReportData) -> Section:
    rows = []
    for r in data.progress.indicators:
        m = data.measures.get(r["kind"]) or {}
        view = m.get("source_view")
        if view == "mart.standard":
            types = ", ".join(f"'{t}'" for t in m["std_types"])
            sql = (f"SELECT std_no, name, issue_date, district_name, source, url FROM mart.standard "
                   f"WHERE counted AND std_type IN ({types})")
            then = ("stdwatch trace STD_NO: every page the standard came from (URL, fetch time, sha256, archive "
                    f"file and offset); {DATA_MODEL}: mart.standard_provenance")
        elif view == "mart.committee":
            sql = "SELECT * FROM mart.committee WHERE counted"
            then = f"url and response_id name the archived page; {DATA_MODEL}: provenance"
        elif view == "core.indicator_event":
            sql = f"SELECT * FROM core.indicator_event WHERE indicator_id = '{r['kind']}'"
            then = f"url and response_id name the notice or the inbox file; {DATA_MODEL}: provenance"
        else:
            sql, then = "", "no counting method is defined for this indicator yet"
        rows.append({"anchor": f"trace-{r['indicator_id']}", "indicator_id": r["indicator_id"],
                     "indicator": r["indicator"], "sql": f'stdwatch sql "{sql}"' if sql else "", "then": then})
    rows.append({"anchor": "trace-districts", "indicator_id": "districts", "indicator": "区县×类型、地图 districts, map",
                 "sql": 'stdwatch sql "SELECT district_name, std_type, std_no, name, issue_date, url '
                        'FROM mart.standard WHERE counted ORDER BY district_name, std_type"',
                 "then": f"stdwatch trace STD_NO; {DATA_MODEL}: mart.new_standards_by_district, mart.standard_provenance"})
    return Section(
        key="trace", sheet="如何追溯", zh="如何追溯每个数字", en="How to trace every figure",
        notes=["'counted' in the queries is as of the as-of date in the settings; add --as-of to `stdwatch report` "
               "and compare issue_date with the window for another day. Run the commands where the warehouse is."],
        columns=[Column("indicator_id", "编号", "id"), Column("indicator", "指标", "indicator"),
                 Column("sql", "列出计入的记录", "list the records counted"),
                 Column("then", "再追溯到网页", "then trace to the page")],
        rows=rows,
        row_anchor="anchor",
    )


# ── the province: the cities side by side ───────────────────────────────────────────────────

PLAN_STATUS = {"plan not loaded": "未导入规划 plan not loaded", "another region's plan": "他市规划 another region's plan"}


def build_province_sections(data: ProvinceReportData) -> list[Section]:
    """The province report's sections: cities × type, cities × indicators, every city's districts, the
    rules and state of each city."""
    return [_cities(data), _city_indicators(data), _city_districts(data), _city_rules(data)]


def _left_out(data: ProvinceReportData) -> list[str]:
    return [f"未纳入 left out — {r['problem']}" for r in data.regions if not r["attached"]]


def _rules_differ(data: ProvinceReportData) -> list[str]:
    """A note when the cities are counted under different rules, so their figures are not like for like."""
    keys = ("window_start", "window_end", "as_of", "count_drafter", "group_count_by")
    differ = [k for k in keys if len({r[k] for r in data.rules}) > 1]
    if not differ:
        return []
    return ["各市计数口径不同，数字不可直接比较 The cities are counted under different rules (" + ", ".join(differ)
            + "): see 计数口径与状态 rules and state."]


def _cities(data: ProvinceReportData) -> Section:
    rows = [{"district": c["region_name"], "region_code": c["region_code"],
             **{t: c[f"n_{t}"] for t in TYPES}, "total": c["n_total"], "unplaced": c["n_unplaced"],
             "unplaced_share": c["n_unplaced"] / c["n_total"] if c["n_total"] else None} for c in data.cities]
    rows.append({"district": "合计 total", "region_code": "", **{t: sum(r[t] for r in rows) for t in TYPES},
                 "total": sum(r["total"] for r in rows), "unplaced": sum(r["unplaced"] for r in rows),
                 "unplaced_share": None})
    read = [r for r in data.regions if r["attached"]]
    rules = data.rules[0] if data.rules else {}
    headline = (f"{len(data.regions)} 个市 cities: {len(read)} 已纳入 read"
                + (f" · {len(data.regions) - len(read)} 未纳入 left out" if len(read) < len(data.regions) else "")
                + f" · 新增标准 new standards {rows[-1]['total']:,}")
    period = " · ".join(f"{r['region_name']} 规划期 window {r['window_start']} – {r['window_end']}, "
                        f"as of {r['as_of']}" for r in data.rules) if _rules_differ(data) else (
        f"规划期 plan window {rules.get('window_start')} – {rules.get('window_end')} · 统计截止 as of {rules.get('as_of')}")
    notes = [
        *_left_out(data),
        *_rules_differ(data),
        "每个市在其自己的数据仓库中按其自己的口径计数 Each city is counted in its own warehouse under its own rules: "
        "new standards issued in the plan window, led by an organisation of the city (or the city's own local "
        "standards); 区县未知 unplaced = the city's, district not known.",
    ]
    return Section(
        key="cities", sheet="各市×类型", zh="各市新增标准（按类型）", en="New standards per city and type",
        notes=notes,
        columns=[Column("district", "市", "city"), Column("region_code", "代码", "code"),
                 *[Column(t, zh, en, "num") for t, (zh, en) in TYPES.items()],
                 Column("total", "合计", "total", "num"), Column("unplaced", "区县未知", "unplaced", "num"),
                 Column("unplaced_share", "未定位占比", "unplaced share", "pct")],
        rows=rows,
        chart=_district_chart(rows[:-1]) if len(rows) > 1 else None,
        chart_note="每条为一个市的新增标准，按类型堆叠 One bar per city, stacked by standard type.",
        extra={"headline": headline, "period": period},
    )


def _city_indicators(data: ProvinceReportData) -> Section:
    """Indicators down (by kind, so two cities' plans meet on the same row), cities across."""
    cities = [(c["region_code"], c["region_name"]) for c in data.cities]
    kinds: dict[str, dict] = {}
    waiting: dict[str, str] = {}
    for r in data.progress:
        if r["indicator_id"] is None:  # a city with no progress row: no plan (or another region's)
            waiting[r["region_code"]] = PLAN_STATUS.get(r["status"], r["status"])
            continue
        key = r["kind"] or r["indicator_id"]
        row = kinds.setdefault(key, {"kind": key, "indicator": r["indicator"]})
        status = status_of(r)
        row[f"city_{r['region_code']}"] = f"{_actual(r)} / {_target(r)} {STATUS[status][0]} {STATUS[status][1]}"
    rows = list(kinds.values())
    for row in rows:
        for code, _ in cities:
            row.setdefault(f"city_{code}", waiting.get(code, "—"))
    notes = [f"{name}: {waiting[code]} — 无规划目标，不计为零 no targets to measure against, not zeros"
             for code, name in cities if code in waiting]
    if not rows:
        rows = [{"kind": "—", "indicator": "—", **{f"city_{code}": waiting.get(code, "—") for code, _ in cities}}]
    notes += [
        "每格 each cell: 实际 actual / 目标 target 状态 status, against that city's own plan; a row is one kind of "
        "indicator (indicators.md), worded as the first city's plan words it; — : not in that city's plan.",
        *_left_out(data),
    ]
    return Section(
        key="indicators", sheet="各市×指标", zh="各市规划指标进度", en="Every indicator, city by city",
        notes=notes,
        columns=[Column("kind", "类别", "kind"), Column("indicator", "指标", "indicator"),
                 *[Column(f"city_{code}", name, code) for code, name in cities]],
        rows=rows,
    )


def _city_districts(data: ProvinceReportData) -> Section:
    rows = [{"city": d["region_name"], "district": d["district_name"], "district_code": d["district_code"],
             **{t: d[f"n_{t}"] for t in TYPES}, "total": d["n_total"]} for d in data.districts]
    return Section(
        key="districts", sheet="各市×区县", zh="各市各区县新增标准", en="New standards per district of every city",
        notes=["区县未知 = the city's, district not known (that city's mart.review_queue lists the organisations)."],
        columns=[Column("city", "市", "city"), Column("district", "区县", "district"),
                 Column("district_code", "区县代码", "district code"),
                 *[Column(t, zh, en, "num") for t, (zh, en) in TYPES.items()], Column("total", "合计", "total", "num")],
        rows=rows,
        folded=True,
    )


def _city_rules(data: ProvinceReportData) -> Section:
    rules = {r["region_code"]: r for r in data.rules}
    rows = []
    for region in data.regions:
        r = rules.get(region["region_code"], {})
        published = region["published_at"]
        rows.append({
            "city": region["region_name"], "region_code": region["region_code"],
            "state": "已纳入 read" + ("；最新载入暂缓发布 latest load held back" if region["latest_held"] else "")
                     if region["attached"] else f"未纳入 left out: {region['problem']}",
            "published": f"{published:%Y-%m-%d %H:%M} UTC" if published else "—",
            "plan": region["plan"] or PLAN_STATUS.get(region["plan_status"] or "", "—"),
            "window": f"{r['window_start']} – {r['window_end']}" if r else "—",
            "as_of": str(r["as_of"]) if r else "—",
            "count_drafter": DRAFTER.get(r.get("count_drafter"), r.get("count_drafter") or "—"),
            "warehouse": region["warehouse"],
        })
    return Section(
        # the page's "how to trace every figure" links lead here: each city's own report traces its figures
        key="trace", sheet="计数口径与状态", zh="各市计数口径与数据状态", en="Each city's rules and data",
        notes=["Each city's figures, its rules and the trace of every number: that city's own report "
               "(`stdwatch report --region CODE`) and `stdwatch province sql` (docs/data-model.md, Province)."],
        columns=[Column("city", "市", "city"), Column("region_code", "代码", "code"), Column("state", "状态", "state"),
                 Column("published", "数据发布于", "published"), Column("plan", "规划", "plan"),
                 Column("window", "规划期", "plan window"), Column("as_of", "统计截止", "as of"),
                 Column("count_drafter", "计数单位", "counting drafter"), Column("warehouse", "数据仓库", "warehouse")],
        rows=rows,
    )


# ── charts (Vega-Lite through altair, rendered to SVG by vl-convert) ─────────────────────────


def _alt():
    import altair as alt

    return alt


def _indicator_chart(rows: list[dict]):
    alt = _alt()
    values = []
    for r in rows:
        share = r["share"]
        values.append({
            "label": f"{r['position']}. {r['indicator']}",
            "share": None if share is None else min(share, 1.5),
            "expected": r["expected"],
            "status": f"{STATUS[r['status_key']][0]} {STATUS[r['status_key']][1]}",
            "figure": f"{r['actual']} / {r['target']}",
        })
    domain = [f"{zh} {en}" for zh, en, _ in STATUS.values()]
    colours = [c for _, _, c in STATUS.values()]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=330, labelFontSize=12)))
    x = alt.X("share:Q", title="完成率 share of target", scale=alt.Scale(domain=[0, 1.5]),
              axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]))
    bars = base.mark_bar(height=14).encode(
        x=x, color=alt.Color("status:N", title="状态 status", scale=alt.Scale(domain=domain, range=colours),
                             legend=alt.Legend(orient="bottom", columns=3)))
    ticks = base.mark_tick(color="black", thickness=2, size=20).encode(x="expected:Q")
    text = base.mark_text(align="left", dx=6, fontSize=11).encode(x=alt.X("share:Q"), text="figure:N")
    return (bars + ticks + text).properties(width=420, height=alt.Step(24))


def _district_chart(rows: list[dict]):
    alt = _alt()
    order = [r["district"] for r in rows]
    type_labels = [f"{zh} {en}" for zh, en in TYPES.values()]
    values = [{"district": r["district"], "type": f"{zh} {en}", "n": r[t], "order": i}
              for r in rows for i, (t, (zh, en)) in enumerate(TYPES.items())]
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("district:N", sort=order, title=None),
        x=alt.X("sum(n):Q", title="新增标准 new standards"),
        color=alt.Color("type:N", sort=type_labels, title="类型 type", scale=alt.Scale(domain=type_labels)),
        order=alt.Order("order:Q"),
    ).properties(width=460, height=alt.Step(24))


def _map_chart(rows: list[dict]):
    alt = _alt()
    values = [{**{k: r[k] for k in ("district", "row", "col", "n")}, "label": f"{r['n']}"} for r in rows]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=4, cornerRadius=6).encode(
        color=alt.Color("n:Q", title="新增标准 new standards", scale=alt.Scale(scheme="greens", zero=True),
                        legend=alt.Legend(orient="right")))
    dark = alt.datum.n > max([r["n"] for r in rows] + [1]) * 0.6
    names = base.mark_text(dy=-9, fontSize=13, fontWeight="bold").encode(
        text="district:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
    numbers = base.mark_text(dy=10, fontSize=13).encode(
        text="label:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
    return (tiles + names + numbers).properties(
        width=alt.Step(112), height=alt.Step(74),
        title=alt.Title("示意图，非真实边界", subtitle="Schematic tile map, not real borders", anchor="start"))


def _trend_chart(rows: list[dict], shown: list[dict], ws: date, we: date):
    alt = _alt()
    actual = "实际 actual"
    pace = "规划所需 pace needed"
    values = [{"label": f"{r['position']}. {r['indicator']}", "day": r["month"].isoformat(), "value": r["actual"],
               "series": actual} for r in rows]
    for r in shown:
        label = f"{r['position']}. {r['indicator']}"
        values += [{"label": label, "day": ws.isoformat(), "value": 0, "series": pace},
                   {"label": label, "day": we.isoformat(), "value": r["target"], "series": pace}]
    order = [f"{r['position']}. {r['indicator']}" for r in shown]
    return alt.Chart(alt.Data(values=values)).mark_line(strokeWidth=2).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=[actual, pace], range=["#0969da", "#6e7781"]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=[actual, pace], range=[[1, 0], [5, 4]]),
                                  legend=None),
    ).properties(width=230, height=120).facet(
        facet=alt.Facet("label:N", sort=order, title=None, header=alt.Header(labelLimit=240, labelFontSize=11)),
        columns=3,
    ).resolve_scale(y="independent")


def chart_svg(chart) -> str:
    """The chart as an SVG string, rendered in-process with no access to any URL."""
    import vl_convert

    spec = chart.configure(font=FONT, background="white").configure_view(stroke=None).to_dict()
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


# ── HTML ──────────────────────────────────────────────────────────────────────────────────────

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;
 color:#1f2328;background:#f6f8fa}
main{max-width:1180px;margin:0 auto;padding:16px 24px 48px;background:#fff}
h1{font-size:26px;margin:8px 0 0}h2{font-size:20px;margin:32px 0 2px;border-top:1px solid #d0d7de;padding-top:16px}
.en{color:#57606a;font-size:14px;font-weight:normal;display:block}
.headline{font-size:18px;margin:12px 0 4px}.period{color:#57606a}
.note{background:#fff8c5;border-left:4px solid #d4a72c;padding:6px 10px;margin:6px 0;font-size:13px}
figure{margin:12px 0;overflow-x:auto}figcaption{font-size:12px;color:#57606a}
table{border-collapse:collapse;font-size:13px;margin:8px 0;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}
th small{display:block;color:#57606a;font-weight:normal}
a{color:#0969da}nav a{margin-right:12px}tr:target{background:#fff8c5}
code{font-size:12px;word-break:break-all}
"""


def _cell(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return _pct(value)
    if kind == "num":
        return _number(value)
    if kind == "date":
        return value.isoformat()
    return str(value)


def _published(publish: dict) -> str:
    when = publish["last_published_at"]
    return f" · 数据发布于 published {when:%Y-%m-%d %H:%M} UTC" if when else ""


def _held_back(publish: dict) -> list[str]:
    """The note a leader must read first when the latest load was held back by the data tests."""
    if not publish["latest_held"]:
        return []
    when = publish["last_published_at"]
    since = f"{when:%Y-%m-%d %H:%M} UTC" if when else "—"
    return [f"最新一次数据载入未通过数据检查，已暂缓发布；本报告为 {since} 发布的数据。"
            f"The latest load failed its data tests and was held back: these are the figures published {since} "
            "(what failed: mart.data_tests)."]


def render_html(sections: list[Section], *, title: str, generated: str) -> str:
    """The whole report as one HTML document: inline CSS and SVG, no script, no external reference."""
    e = html.escape
    first = sections[0]
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        # nothing may be fetched: the page is complete as it is
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{e(title)}<span class=\"en\">Standardization plan: progress report</span></h1>",
        f"<p class=\"headline\">{e(first.extra['headline'])}</p>",
        f"<p class=\"period\">{e(first.extra['period'])} · {e(generated)}</p>",
        "<nav>" + "".join(f'<a href="#{s.key}">{e(s.zh)}</a>' for s in sections) + "</nav>",
    ]
    for s in sections:
        out.append(f'<section id="{s.key}"><h2>{e(s.zh)}<span class="en">{e(s.en)}</span></h2>')
        out += [f'<p class="note">{e(n)}</p>' for n in s.notes]
        if s.chart is not None:
            out.append(f'<figure>{chart_svg(s.chart)}<figcaption>{e(s.chart_note)} '
                       f'每个数字如何追溯 <a href="#trace">how to trace every figure</a></figcaption></figure>')
        table = _html_table(s)
        if s.folded:
            table = f"<details><summary>数据表 data table ({len(s.rows)} rows)</summary>{table}</details>"
        out.append(table)
        out.append("</section>")
    out.append("</main></body></html>")
    return "\n".join(out)


def _html_table(s: Section) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c.zh)}<small>{e(c.en)}</small></th>" for c in s.columns)
    body = []
    for row in s.rows:
        anchor = f' id="{e(row[s.row_anchor])}"' if s.row_anchor else ""
        cells = []
        for c in s.columns:
            text = e(_cell(row.get(c.key), c.kind))
            if c.key in ("sql", "then"):
                text = f"<code>{text}</code>"
            if c.link and row.get(c.link):
                text = f'<a href="#{e(row[c.link])}">{text}</a>'
            cls = ' class="num"' if c.kind in ("num", "pct") else ""
            cells.append(f"<td{cls}>{text}</td>")
        body.append(f"<tr{anchor}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# ── xlsx ──────────────────────────────────────────────────────────────────────────────────────


def _safe(value):
    """A crawled string that a spreadsheet would read as a formula is written as text."""
    return neutralise(value) if isinstance(value, str) else value


def write_xlsx(sections: list[Section], path: Path, *, title: str, generated: str) -> None:
    """One sheet per section: its title, its notes, then its table with a frozen header and a filter."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    formats = {"pct": "0.0%", "num": "#,##0.##", "date": "yyyy-mm-dd"}
    for s in sections:
        sheet = book.create_sheet(s.sheet)
        sheet.append([f"{s.zh} {s.en}"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([f"{title} · {generated}"])
        for note in s.notes:
            sheet.append([_safe(note)])
        header_row = sheet.max_row + 2
        for i, c in enumerate(s.columns, 1):
            cell = sheet.cell(header_row, i, f"{c.zh}\n{c.en}")
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(s.rows, header_row + 1):
            for i, c in enumerate(s.columns, 1):
                cell = sheet.cell(r, i, _safe(row.get(c.raw or c.key)))
                if c.kind in formats:
                    cell.number_format = formats[c.kind]
        for i, c in enumerate(s.columns, 1):
            longest = max([len(str(row.get(c.key) or "")) for row in s.rows] + [len(c.zh) * 2, len(c.en)])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(s.columns))}{max(header_row, sheet.max_row)}"
    book.save(path)
