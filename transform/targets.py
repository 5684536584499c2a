"""A plan's numeric targets, read from the plan's own text, each with the sentences it stands in.

Input is `PlanDocument.text` (`transform.plan.read_plan`): spam removed, one paragraph a line.

Reading
-------
Matching runs on a *view* of the text: full-width ASCII → ASCII and a small table of
Traditional forms → Simplified (`_T2S`). Both are one character for one character, so every
offset in the view is an offset in the text and sentences and indicator phrases are cut from
the text as written.

- Structure: a line opening with `X、` starts a section, `(X)`/`（X）` or `第X条` a clause; a
  target's `clause` is the innermost label (`"(二)"`, or `"一、"` in a section without
  clauses, `""` before the first). Sentences end at 。！？ or the end of a line.
- Candidates: a number (`1,200`, `1.5`, with 万/亿 multiplying a count unit) directly followed
  by a unit (`UNITS`), optionally by 以上/及以上 (≥), 以内/以下/之内 (≤), 左右 (=); or
  preceded by 超过/突破/多于/高于 (>), 不超过/不高于 (≤), 不少于/不低于 (≥). A number after 第 or
  前, inside a code (`GB/T 19001`, `5G`) or followed by 余/多 is never a candidate.
- A candidate is a target unless it stands in a past statement (after 截至/已/以来/“十三五”/
  现有/目前/… or a year no later than the plan's own year, up to a later 到YYYY年 in the same
  sentence). A candidate with no comparator (`100项`) must also stand in a deadline context
  (below); a weak unit (条/次/批/部/篇/场: "共25条") needs a comparator.
- Deadline: 到/至YYYY年, YYYY年前/底, or a bare `YYYY年，` opening a segment (the scrape drops
  到) with YYYY after the plan's year, holds until the end of the clause or the next such
  marker (so the goals paragraph's opener covers its "——" paragraphs, and a 2035 paragraph
  gets 2035). `(以下定量指标均为到2025年)` / `(…下同)` sets the default for the rest of the
  document; otherwise a clause starts with no deadline (`default_deadline` if given).
- Indicator phrase: a segment (split at ，；：) reads `<phrase><number><unit><comparator>`
  (postfix) or `<verb><number><unit><comparator><object>` (prefix, "培育30项以上试点项目",
  "推动10个以上国际对口技术机构建立苏州联络站"; only when the words before the number are
  verbs and there is a comparator or a creation verb). After 、/和/及 a further target in the
  same segment without its own leading verb inherits the previous one's verb and qualifier run
  ("新增牵头起草国家标准、行业标准500项以上、地方标准200项以上" → "新增牵头起草地方标准"). Leading
  connectives and steering verbs (其中、力争、争取、推动、确保…) and comparator verbs (达到、
  控制在…) are not part of the phrase. "、" inside a phrase does not split it: "国家标准、行业
  标准500项" is one combined target.
- Scope: rate for %/‰/个百分点 or a …率/比例/比重; cumulative for 累计; total for a non-count
  unit (个月, 万元) or a stock (数量, 总数, 总量); new for a creation verb (新增, 培育, 建设,
  建立, 设立, 牵头, 制定, 落户, 入驻, …); total otherwise.

Identity (one indicator, several mentions)
------------------------------------------
Two extracted targets are the same indicator when value, unit and comparator are equal, the
deadlines are equal or one is unknown, their catalogue kinds do not differ, and their *core*
phrases agree: the core is the phrase without its leading verb/qualifier run and without level
qualifiers (新增, 培育, 牵头起草, 自我声明公开, 各级, 国家级、省级, 累计, …), and the shorter core
must be a subsequence of the longer and at least half its length. So "新增培育地方标准" =
"新增牵头起草地方标准" (地方标准), "新增自我声明企业标准" = "新增自我声明公开企业标准" (企业标准),
"技术标准创新基地" ⊑ "技术标准创新基地落户苏州", "…注册专家、国内标准化技术委员会委员" ⊑
"…注册专家、国内专业标准化技术委员会委员". Restatements rarely repeat the number wrongly, so
value + unit carry most of the weight; the core only keeps two kinds that share a number apart
(地方标准200项 vs 团体标准200项). Scope is not part of identity (a restatement may drop 新增).

Catalogue
---------
`INDICATOR_CATALOGUE` maps the *kinds* of indicator the product can measure (ids of
`shared/design/indicators.md`) to vocabulary and admissible units; it holds no city's numbers.
Kinds are tried in order on the phrase, and, when the phrase is a bare head noun (core of four
characters or fewer), on the words leading up to the number in its sentence (so
"培育30项以上试点项目" after "知识产权与标准融合发展试点工作" is `ip_std_pilots`); a kind also
requires an admissible unit ("企业标准“领跑者”100家" is not `enterprise_std`). An unmatched
target keeps `indicator_id=None` and is still returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from transform.plan import find_doc_number, find_issue_date
from transform.text import to_halfwidth

Comparator = Literal["≥", "≤", ">", "="]
Scope = Literal["new", "cumulative", "rate", "total"]


@dataclass(slots=True)
class Mention:
    clause: str  # "(二)", "一、", "第三条", or "" before the first heading
    sentence: str  # the sentence as it stands in the cleaned text
    span: tuple[int, int]  # offsets of the target expression (phrase … unit/comparator/object) in the text


@dataclass(slots=True)
class Target:
    indicator: str  # the phrase as written, with a shared verb/qualifier carried over
    indicator_id: str | None  # kind in INDICATOR_CATALOGUE, None when no kind matches
    value: int | float
    unit: str  # normalised (Simplified) unit: 项, 个, 名, 家, %, 个月, …
    comparator: Comparator
    deadline_year: int | None
    scope: Scope
    clause: str  # first mention's clause
    sentence: str  # first mention's sentence
    mentions: list[Mention] = field(default_factory=list)


# --- Traditional → Simplified, one character for one --------------------------------------

_T2S_PAIRS = (
    "項项 個个 達达 標标 準准 團团 體体 業业 國国 際际 試试 點点 範范 質质 貢贡 獻献 獎奖 專专 員员 蓋盖 "
    "機机 構构 載载 聯联 絡络 計计 訂订 發发 佈布 聲声 開开 級级 縣县 區区 爭争 動动 確确 實实 現现 養养 "
    "進进 設设 創创 認认 獲获 選选 評评 駐驻 戶户 數数 總总 規规 監监 導导 頭头 與与 參参 識识 產产 權权 "
    "賦赋 礎础 務务 組组 織织 會会 書书 處处 領领 過过 於于 穩稳 長长 萬万 億亿 條条 場场 經经 來来 時时 "
    "並并 較较 從从 為为 內内 號号 辦办 擁拥 佔占 製制 對对 臺台 協协 歲岁 屆届 門门 檢检 測测 驗验 證证 "
    "週周 齊齐 將将 們们 鄉乡 鎮镇 農农 雙双 環环 續续 優优 價价 態态 獨独 廣广 東东 華华 衛卫 醫医 藥药 "
    "傳传 統统 義义 問问 題题 說说 讀读 寫写 網网 電电 腦脑 術术 資资 費费 貿贸 戰战 據据 庫库 纜缆 車车 "
    "輛辆 運运 輸输 鐵铁 銀银 險险 紀纪 錄录 歷历 遠远 邊边 單单 雜杂 階阶 層层 礙碍 節节 約约 綠绿 氣气 "
    "類类 應应 這这 樣样 麼么 還还 種种 斷断 繼继 興兴 舉举 擊击 壓压 厲厉 陸陆 淨净 潔洁 盡尽 職职 稱称 "
    "綜综 維维 護护 績绩 勵励 顯显 濟济 靈灵 嚴严 豐丰 鏈链 圍围 韌韧 關关 鍵键 驅驱 註注 冊册 錶表 習习 "
    "遷迁 匯汇 災灾 飲饮 簡简 預预 歸归"
)
_T2S = str.maketrans({pair[0]: pair[1] for pair in _T2S_PAIRS.split() if pair[0] != pair[1]})


def _view(text: str) -> str:
    """The matching view of `text`: same length, ASCII punctuation/digits, Simplified forms."""
    return to_halfwidth(text).translate(_T2S)


# --- catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorKind:
    label: str
    all_of: tuple[str, ...]  # regexes that must all match the (Simplified) phrase
    units: frozenset[str]  # units an indicator of this kind is counted in

    def matches(self, phrase: str, unit: str) -> bool:
        return unit in self.units and all(re.search(p, phrase) for p in self.all_of)


_COUNT = frozenset({"项", "个", "部"})
_BODIES = frozenset({"个", "家", "所", "座"})
# Order matters: specific kinds before the general ones they overlap with.
INDICATOR_CATALOGUE: dict[str, IndicatorKind] = {
    "std_research_rate": IndicatorKind("科技计划项目形成标准研究成果的比率", (r"标准研究成果|形成标准", r"率|比例|比重"), frozenset({"%"})),
    "std_director_coverage": IndicatorKind("企业标准总监培育覆盖率", (r"标准总监",), frozenset({"%"})),
    "intl_liaison_stations": IndicatorKind("国际对口技术机构联络站", (r"联络站",), _BODIES),
    "tc_platform_entries": IndicatorKind("入驻协作平台的标准化技术组织", (r"入驻", r"技术组织|技术委员会|平台"), _BODIES),
    "quality_stations": IndicatorKind("质量接力站、质量赋能站", (r"质量(?:接力|赋能|服务)站|质量基础设施.{0,8}站",), _BODIES),
    "ip_std_pilots": IndicatorKind("知识产权与标准融合发展试点项目", (r"知识产权", r"试点|示范"), _COUNT),
    "innovation_bases": IndicatorKind("技术标准创新基地", (r"标准创新基地",), _BODIES),
    "innovation_carriers": IndicatorKind("标准化创新载体", (r"创新载体",), _BODIES),
    "innovation_awards": IndicatorKind("标准创新贡献奖", (r"贡献奖|标准.{0,6}创新奖",), _COUNT),
    "pilot_projects": IndicatorKind("标准化试点示范项目", (r"标准化.{0,8}(?:试点|示范)|试点示范|示范试点",), _COUNT),
    "experts": IndicatorKind("注册专家、标准化技术委员会委员", (r"专家|委员(?!会)",), frozenset({"名", "人"})),
    "service_orgs": IndicatorKind("标准化服务机构", (r"服务机构",), _BODIES),
    "std_tech_orgs": IndicatorKind("标准化技术组织", (r"技术组织|技术委员会|秘书处",), _BODIES),
    "national_industry_led": IndicatorKind("牵头起草国家标准、行业标准", (r"国家标准|行业标准",), _COUNT),
    "intl_std_led": IndicatorKind("牵头起草国际标准", (r"国际标准(?!化)",), _COUNT),
    "local_std": IndicatorKind("地方标准", (r"地方标准",), _COUNT),
    "group_std": IndicatorKind("团体标准", (r"团体标准",), _COUNT),
    "enterprise_std": IndicatorKind("企业标准", (r"企业标准(?!化)",), _COUNT),
}


def match_indicator(phrase: str, unit: str, context: str = "") -> str | None:
    """The catalogue kind of an indicator phrase (Simplified).

    `context` (the sentence's words leading up to the number) is tried second, and only when
    the phrase is a bare head noun of four characters or fewer ("试点项目"): a longer phrase
    names its own object, and borrowing a kind from elsewhere in the sentence would mislabel it.
    """
    texts = (phrase, context) if len(_core(phrase)) <= 4 else (phrase,)
    for text in texts:
        for kind_id, kind in INDICATOR_CATALOGUE.items():
            if text and kind.matches(text, unit):
                return kind_id
    return None


# --- vocabulary ----------------------------------------------------------------------------

_COUNT_UNITS = frozenset("项 个 名 家 人 件 所 座 处 支 套 台 条 次 批 部 篇 场 人次 家次".split())
_RATE_UNITS = frozenset({"%", "‰", "个百分点"})
# Units that count things too often outside targets ("共25条", "5部门") to stand without a comparator.
_WEAK_UNITS = frozenset({"条", "次", "批", "部", "篇", "场"})

_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9.\-/_〔\[第前])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
    r"(?P<mult>万|亿)?"
    r"(?P<unit>个百分点|个月|人次|家次|万元|亿元|项(?!目)|个|名|家(?!庭)|人(?![才员民口均])|件|所|座|处|支|套|台(?!阶)"
    r"|%|‰|条|次|批|部(?!门)|篇|场)"
    r"(?P<post>及以上|以上|以内|以下|之内|左右)?"
)
_POST_COMPARATOR: dict[str, Comparator] = {
    "及以上": "≥", "以上": "≥", "以内": "≤", "以下": "≤", "之内": "≤", "左右": "=",
}
# Verbs before the number: a comparator of their own, or neutral ("达到", "控制在").
_PRE_COMPARATOR = re.compile(
    r"(?P<word>不超过|不高于|不多于|不少于|不低于|超过|突破|多于|高于|达到|达|保持在|控制在|稳定在"
    r"|提高到|提升到|提高至|提升至|增加到|增长到|增至|升至|为|在)$"
)
_PRE_MEANING: dict[str, Comparator] = {
    "不超过": "≤", "不高于": "≤", "不多于": "≤", "不少于": "≥", "不低于": "≥",
    "超过": ">", "突破": ">", "多于": ">", "高于": ">",
}

# Leading words that are not part of an indicator: connectives, the deadline, steering verbs.
_LEADING_NOISE = re.compile(
    r"(?:[\s—\-·]+|其中|同时|并且|并|以及|另外|力争|争取|推动|确保|努力|实现|使|"
    r"(?:到|至)?20\d\d年(?:底|末)?前?)+"
)
# A run of verbs and qualifiers at the head of a phrase; carried to a following 、-target.
_LEAD_RUN = re.compile(
    r"(?:(?:新增|新培育|新建|培育|建设|建成|建立|设立|创建|打造|引进|培养|主导和参与|主导或参与|主导|参与"
    r"|牵头|起草|制修订|制定|修订|研制|发布|自我声明|公开|累计|各级|国家级|省级|市级|县级)、?)+"
)
_LEVEL_QUALIFIERS = re.compile(r"各级|国家级|省级|市级|县级")
_CREATION = re.compile(
    r"新增|新建|培育|建设|建成|建立|设立|创建|打造|引进|培养|制定|制修订|修订|研制|起草|发布|主导|牵头|参与"
    r"|落户|入驻|认定|获批"
)
_STOCK = re.compile(r"数量|总数|总量|保有量|拥有")
_RATE_WORD = re.compile(r"(?:率|比例|比重|占比)$")
_CONTINUATION = re.compile(r"(?:、|和|及|与|以及)")
_CJK_OR_QUOTE = re.compile(r"[\u4e00-\u9fff“\"「]")
_SEGMENT_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[;:]")
_SENTENCE = re.compile(r"[^。!?]*[。!?]?")

_SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)、")
_CLAUSE = re.compile(r"^\s*\(([一二三四五六七八九十百零〇]+)\)|^\s*(第[一二三四五六七八九十百零〇]+条)")

# Deadline and past markers, scanned in order with the candidates of a sentence.
_DOC_DEADLINE = re.compile(
    r"以下[^。()]{0,10}?(?:指标|目标)[^。()]{0,6}?均为[到至]?(?P<year>20\d\d)年|[到至](?P<year2>20\d\d)年[^。()]{0,4}下同"
)
_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)年(?!\d{1,2}月)(?P<tail>底前|前|底|末)?")
_PAST_WORDS = re.compile(r"截至|截止|已|以来|十三五|过去|去年|(?<!以)上年|(?<!实)现有|目前")
_BASELINE_BEFORE = re.compile(r"(?:较|比|相比|同比|与|自|从|于)$")


# --- extraction ----------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What the text so far says about deadlines."""

    plan_year: int | None
    doc_default: int | None = None  # "(以下定量指标均为到2025年)"
    deadline: int | None = None  # in force in the current clause
    past: bool = False  # inside a past statement (until a later deadline in the sentence)


@dataclass(slots=True)
class _Found:
    """One target as found at one place, before identical ones are merged."""

    indicator: str
    lead: str  # the verb/qualifier run carried to a following 、-target (as written)
    simplified: str  # indicator in the view
    context: str  # the view's words leading up to the number, for the catalogue
    value: int | float
    unit: str
    comparator: Comparator
    deadline: int | None
    scope: Scope
    clause: str
    sentence: str
    span: tuple[int, int]
    end: int  # where the next target's phrase may start (offset in the sentence)
    indicator_id: str | None = None


def extract_targets(text: str, *, default_deadline: int | None = None) -> list[Target]:
    """Every numeric target of a plan text (`PlanDocument.text`), in order of first mention."""
    view = _view(text)
    state = _State(plan_year=_plan_year(text, view))
    found: list[_Found] = []
    section = clause = ""
    offset = 0
    for line in text.split("\n"):
        line_view = view[offset : offset + len(line)]
        if m := _SECTION.match(line_view):
            section, clause = f"{m[1]}、", ""
            state.deadline = state.doc_default
        elif m := _CLAUSE.match(line_view):
            clause = f"({m[1]})" if m[1] else m[2]
            state.deadline = state.doc_default
        for s in _SENTENCE.finditer(line_view):
            if s.group().strip():
                found += _sentence_targets(text, view, offset + s.start(), offset + s.end(), clause or section, state)
        offset += len(line) + 1
    for f in found:
        if f.deadline is None:
            f.deadline = default_deadline
    return _merge(found)


def _plan_year(text: str, view: str) -> int | None:
    """The plan's own year: years up to it are the past, later ones deadlines."""
    issued = find_issue_date(text)
    if issued:
        return issued.year
    number = find_doc_number(text)
    if number and (m := re.search(r"〔(\d{4})〕", number)):
        return int(m[1])
    deadlines = [int(m[1]) for m in re.finditer(r"[到至](20\d\d)年", view)]
    return min(deadlines) - 1 if deadlines else None


def _events(sv: str, plan_year: int | None) -> list[tuple[int, str, int | None]]:
    """(position, kind, year) of the deadline/past markers of a sentence view, in order."""
    events: list[tuple[int, str, int | None]] = []
    for m in _DOC_DEADLINE.finditer(sv):
        events.append((m.start(), "document", int(m["year"] or m["year2"])))
    for m in _PAST_WORDS.finditer(sv):
        events.append((m.start(), "past", None))
    for m in _YEAR.finditer(sv):
        year, before = int(m["year"]), sv[: m.start()]
        if before.endswith(("截至", "截止")):
            kind = "deadline" if plan_year and year > plan_year else "past"
        elif before.endswith(("到", "至")) or m["tail"]:
            kind = "deadline"
        elif _BASELINE_BEFORE.search(before):
            continue
        elif plan_year and year <= plan_year:
            kind = "past"
        elif plan_year and re.fullmatch(r"[\s—\-]*", sv[_segment_start(sv, m.start()) : m.start()]) and sv[m.end() : m.end() + 1] == ",":
            kind = "deadline"  # "2025年，…": a deadline whose 到 the scrape dropped
        else:
            continue
        events.append((m.start(), kind, year))
    # A deadline cancels a past marker at the same place ("截至2025年底" in a later plan).
    return sorted(events, key=lambda e: (e[0], e[1] != "past"))


def _segment_start(sv: str, position: int) -> int:
    """Where the segment of a sentence view holding `position` starts: after the last break before it."""
    breaks = [m.end() for m in _SEGMENT_BREAK.finditer(sv, 0, position)]
    return breaks[-1] if breaks else 0


def _sentence_targets(text: str, view: str, start: int, end: int, clause: str, state: _State) -> list[_Found]:
    sv = view[start:end]
    sentence_text = text[start:end].strip()
    state.past = False
    events = _events(sv, state.plan_year)
    found: list[_Found] = []
    previous: _Found | None = None
    event_index = 0
    for m in _CANDIDATE.finditer(sv):
        while event_index < len(events) and events[event_index][0] < m.start():
            _apply(events[event_index], state)
            event_index += 1
        target = _read_candidate(text, sv, start, m, previous, clause, sentence_text, state)
        if target is not None:
            found.append(target)
            previous = target
    for event in events[event_index:]:
        _apply(event, state)
    return found


def _apply(event: tuple[int, str, int | None], state: _State) -> None:
    _, kind, year = event
    if kind == "past":
        state.past = True
        return
    state.past = False
    state.deadline = year
    if kind == "document":
        state.doc_default = year


def _read_candidate(
    text: str, sv: str, start: int, m: re.Match, previous: _Found | None, clause: str, sentence: str, state: _State
) -> _Found | None:
    unit = m["unit"]
    value = float(m["num"].replace(",", ""))
    if m["mult"]:
        if unit not in _COUNT_UNITS:
            return None
        value *= 10_000 if m["mult"] == "万" else 100_000_000
    segment_start = _segment_start(sv, m.start())
    continuation = False
    phrase_start = segment_start
    if previous is not None and previous.end > segment_start:
        phrase_start = previous.end
        if c := _CONTINUATION.match(sv, phrase_start):
            phrase_start, continuation = c.end(), True
        elif phrase_start == m.start():
            continuation = True  # "打造10个以上A、5个以上B": the object consumed the 、
    noise = _LEADING_NOISE.match(sv, phrase_start)
    phrase_start = noise.end() if noise and noise.end() <= m.start() else phrase_start
    phrase_end = m.start()
    comparator: Comparator | None = _POST_COMPARATOR.get(m["post"] or "")
    if pre := _PRE_COMPARATOR.search(sv, phrase_start, phrase_end):
        phrase_end = pre.start()
        comparator = _PRE_MEANING.get(pre["word"], comparator)
    explicit = comparator is not None
    if state.past or (unit in _WEAK_UNITS and not explicit):
        return None
    if not explicit and state.deadline is None:
        return None
    phrase = sv[phrase_start:phrase_end]
    lead_run = _LEAD_RUN.match(phrase)
    lead_len = lead_run.end() if lead_run else 0
    carried = ""
    if previous is not None and lead_len == 0 and (continuation or _parallel(previous, phrase, segment_start)):
        carried = previous.lead
    after = m.end()
    verbs = _view(carried) + phrase
    is_prefix = (
        after < len(sv)
        and _CJK_OR_QUOTE.match(sv, after) is not None
        and lead_len == len(phrase)
        and (explicit or _CREATION.search(verbs) is not None)
    )
    if is_prefix:
        object_end = _object_end(sv, after)
        indicator = carried + text[start + phrase_start : start + phrase_end] + text[start + after : start + object_end]
        span = (start + phrase_start, start + object_end)
        target_end = object_end
    else:
        if not phrase and not carried:
            # "…国家标准数量大幅增加，达到500项以上": the subject is the previous segment.
            phrase_start, phrase_end = _previous_segment(sv, segment_start)
        indicator = carried + text[start + phrase_start : start + phrase_end]
        span = (start + phrase_start, start + after)
        target_end = after
    if not indicator.strip():
        return None
    simplified = _view(indicator)
    lead = carried if lead_len == 0 else text[start + phrase_start : start + phrase_start + lead_len]
    context_from = previous.end if previous is not None else 0
    return _Found(
        indicator=indicator,
        lead=lead,
        simplified=simplified,
        context=sv[context_from : m.start()],
        value=int(value) if value.is_integer() else value,
        unit=unit,
        comparator=comparator or "=",
        deadline=state.deadline,
        scope=_scope(simplified, sv[segment_start:m.start()], unit),
        clause=clause,
        sentence=sentence,
        span=span,
        end=target_end,
    )


def _previous_segment(sv: str, segment_start: int) -> tuple[int, int]:
    """(start, end) of the segment before the one starting at `segment_start`, noise stripped."""
    end = max(segment_start - 1, 0)
    begin = _segment_start(sv, end)
    noise = _LEADING_NOISE.match(sv, begin, end)
    return (noise.end() if noise else begin), end


def _parallel(previous: _Found, phrase: str, segment_start: int) -> bool:
    """A verbless phrase in the next segment listing the same kind of thing as the previous
    target ("新增国家标准100项，地方标准50项"): it shares the previous core's last two characters."""
    if previous.end > segment_start or not previous.lead:
        return False
    head = _core(previous.simplified)[-2:]
    return len(head) == 2 and _core(phrase).endswith(head)


def _object_end(sv: str, after: int) -> int:
    """Where the object of a prefix-form target ends: a break, a parenthesis, or the next number."""
    end = after
    while end < len(sv) and sv[end] not in ",;:。!?()" and not _CANDIDATE.match(sv, end):
        end += 1
    while end > after and sv[end - 1] in "、和及与等":
        end -= 1
    return end


def _scope(indicator: str, lead_in: str, unit: str) -> Scope:
    if unit in _RATE_UNITS or _RATE_WORD.search(indicator):
        return "rate"
    if "累计" in indicator:
        return "cumulative"
    if unit not in _COUNT_UNITS or _STOCK.search(indicator):
        return "total"
    if _CREATION.search(indicator) or _CREATION.search(lead_in):
        return "new"
    return "total"


# --- identity ------------------------------------------------------------------------------


def _core(simplified: str) -> str:
    """The indicator without its verb/qualifier run and level qualifiers (see module docstring)."""
    run = _LEAD_RUN.match(simplified)
    core = simplified[run.end() :] if run else simplified
    return _LEVEL_QUALIFIERS.sub("", core).strip("、 ")


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _same_indicator(a: _Found, b: _Found) -> bool:
    if (a.value, a.unit, a.comparator) != (b.value, b.unit, b.comparator):
        return False
    if a.deadline is not None and b.deadline is not None and a.deadline != b.deadline:
        return False
    if a.indicator_id and b.indicator_id and a.indicator_id != b.indicator_id:
        return False
    short, long = sorted((_core(a.simplified), _core(b.simplified)), key=len)
    return bool(short) and 2 * len(short) >= len(long) and _is_subsequence(short, long)


def _merge(found: list[_Found]) -> list[Target]:
    for f in found:
        f.indicator_id = match_indicator(f.simplified, f.unit, f.context)
    groups: list[list[_Found]] = []
    for f in found:
        group = next((g for g in groups if _same_indicator(g[0], f)), None)
        if group is None:
            groups.append([f])
        else:
            group.append(f)
    targets: list[Target] = []
    for group in groups:
        first = group[0]
        targets.append(
            Target(
                indicator=first.indicator,
                indicator_id=first.indicator_id or next((g.indicator_id for g in group if g.indicator_id), None),
                value=first.value,
                unit=first.unit,
                comparator=first.comparator,
                deadline_year=next((g.deadline for g in group if g.deadline is not None), None),
                scope=first.scope,
                clause=first.clause,
                sentence=first.sentence,
                mentions=[Mention(g.clause, g.sentence, g.span) for g in group],
            )
        )
    return targets


def targets_to_json(targets: list[Target]) -> list[dict]:
    """JSON-ready dicts (spans left out: they are offsets into one cleaned text)."""
    return [
        {
            "indicator": t.indicator,
            "indicator_id": t.indicator_id,
            "value": t.value,
            "unit": t.unit,
            "comparator": t.comparator,
            "deadline_year": t.deadline_year,
            "scope": t.scope,
            "clause": t.clause,
            "sentence": t.sentence,
            "mentions": [{"clause": m.clause, "sentence": m.sentence} for m in t.mentions],
        }
        for t in targets
    ]
