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
- Candidates: a number (`1,200`, `1.5`, with 万/亿 multiplying a count unit; a Chinese
  numeral 十个/二十项/两百项, one of a single digit only with a comparator, so 一批/三个走在前
  are words) directly followed by a unit (`UNITS`), optionally by 以上/及以上 (≥), 以内/以下/
  之内 (≤), 左右 (=); or preceded by 超过/突破/多于/高于 (>), 不超过/不高于 (≤), 不少于/不低于
  (≥). 余/多 after the number reads ">" ("1500余项"); a range "20—30项" commits to its lower end
  (≥20); 每万人 before the number makes the unit per capita ("每万人60件" → 60 件/万人). A
  number after 第 or 前 or inside a code (`GB/T 19001`, `5G`) is never a candidate.
- Not targets: a count followed by a noun that describes the document or its tasks
  (方面/领域/部分/条/重点任务/具体措施/量化指标/项目计划/区县/部门…: "全文共分5部分28条",
  "提出8个方面22项重点任务", "确定了4个领域、402个具体项目计划"); a candidate in a past
  statement (after 截至/已/以来/“十三五”/现有/目前/… or a year before the plan's own year, up to
  a later 到YYYY年 in the same sentence). A candidate with no comparator (`100项`) must also
  stand in a deadline context (below); a weak unit (条/次/批/部/篇/场: "共25条") needs a comparator.
- Unsure: a candidate the rules above do not commit to, in a sentence that speaks of what is to
  be done (力争/争取/计划/目标/确保/预计/今年/明年/年内/每年/到YYYY年), is reported as `Unsure`
  with its sentence (`read_targets(...).unsure`), never silently dropped; so is a 各 list that
  cannot be split into levels.
- Deadline: 到/至YYYY年, YYYY年前/底, or a bare `YYYY年，` opening a segment (after at most
  力争/争取/确保/预计/计划/目标: the writer or the scrape dropped 到) with YYYY not before the
  plan's year, holds until the end of the clause or the next such marker (so the goals
  paragraph's opener covers its "——" paragraphs, and a 2035 paragraph gets 2035). When one
  sentence names several deadlines and no figure follows the last ("到2025年，…；到2035年，…。"),
  the figures after it get the earliest: a 2035 vision is not the 2025 list's deadline. Years
  inside a title 《…》 are names, not statements. `(以下定量指标均为到2025年)` / `(…下同)` sets
  the default for the rest of the document; otherwise a clause starts with no deadline
  (`default_deadline` if given). A text with no clause headings (a news report) has paragraphs
  only: a deadline does not reach a later paragraph unless it continues a list (——/1./(1)) or
  speaks of what is to be done, and a comparator alone (no deadline) makes a target only in a
  sentence that states a goal (力争/争取/计划/目标/确保/预计; "…制定国际标准超过250项" in a
  retrospective is not). In a text with no date of its own, a bare "YYYY年，" without such a
  goal word may report results as well as set a deadline: its figures are unsure.
- Indicator phrase: a segment (split at ，；：) reads `<phrase><number><unit><comparator>`
  (postfix) or `<verb><number><unit><comparator><object>` (prefix, "培育30项以上试点项目",
  "推动10个以上国际对口技术机构建立苏州联络站"; only when the words before the number are
  verbs and there is a comparator or a creation verb). When the words before the number end in
  such a verb ("目标是在重点领域内培育出超过130个…“领跑者”", "组织50家重点企业参与…"), the
  phrase is that verb and the object after the number. After 、/和/及 a further target in the
  same segment without its own leading verb inherits the previous one's verb and qualifier run
  ("新增牵头起草国家标准、行业标准500项以上、地方标准200项以上" → "新增牵头起草地方标准"). Leading
  connectives and steering verbs (其中、力争、争取、推动、确保…) and comparator verbs (达到、
  控制在…) are not part of the phrase. "、" inside a phrase does not split it: "国家标准、行业
  标准500项" is one combined target. A distributive 各 ("国家、行业标准各1000项以上") gives one
  target per listed level (主导制定国家标准 1000, 主导制定行业标准 1000), each with its kind.
- Scope: rate for %/‰/个百分点 or a …率/比例/比重; per_year for 每年/年均 before the number
  ("每年新增企业标准1000项": 1000 a year); cumulative for 累计; total for a non-count
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
requires an admissible unit. An unmatched target keeps `indicator_id=None` and is still returned.

Standards counts map by the *levels* the phrase names (`std_levels`: the first list of
国际/国家/行业/地方/团体/企业 ending in 标准), exactly: {国家, 行业} is `national_industry_led`,
{国家} alone `national_std`, {国际, 国家, 行业} `intl_national_industry_std`, {国家, 行业, 地方}
`national_industry_local_std`, {国际, 国家} `intl_national_std`; a combination with no kind of
its own has none (never a narrower kind than the target). A target is split only where the text
splits it (各). A phrase about 领跑者/示范/试点 is never a standards count: 企业标准“领跑者” is
`std_leaders` (ranked enterprises, not the hundreds of self-declared standards). Taking part in
committees (参与…技术委员会) is not `std_tech_orgs` (committees whose secretariat is here). A kind
the region's `indicators.csv` does not list has no measure (`ref.measure`): its targets show
"waits for a measure".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from transform.plan import find_doc_number, find_issue_date
from transform.text import to_halfwidth

Comparator = Literal["≥", "≤", ">", "="]
Scope = Literal["new", "cumulative", "rate", "total", "per_year"]


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


@dataclass(slots=True)
class Unsure:
    """A number the extractor will not commit to as a target, with the sentence a reader must judge."""

    clause: str
    sentence: str
    number: str  # the number and unit as written ("641項")
    reason: str  # why it is not committed, in plain words


@dataclass(slots=True)
class TargetReading:
    targets: list[Target]
    unsure: list[Unsure]


def _view(text: str) -> str:
    """The matching view of `text`: same length, ASCII punctuation/digits, Simplified forms."""
    return to_halfwidth(text).translate(_T2S)


# --- catalogue -----------------------------------------------------------------------------


_LEVEL_WORDS = {"国际": "intl", "国家": "national", "行业": "industry", "地方": "local", "团体": "group", "企业": "enterprise"}
_LEVEL = "国际|国家|行业|地方|团体|企业"
# A list of standards levels ending in 标准: "国家标准、行业标准", "国家和行业标准", "国际标准或国家标准".
_STD_LIST = re.compile(rf"(?:(?:{_LEVEL})(?:标准)?(?:、|和|及|与|或|以及))*(?:{_LEVEL})标准(?!化)")
# Things that are not standards however a standards level is named with them.
_NOT_STANDARDS = re.compile(r"领跑|示范|试点")


def std_levels(phrase: str) -> frozenset[str]:
    """The standards levels a phrase counts together ({"national", "industry"} for "国家标准、行业标准"):
    those of its first list of levels ending in 标准. Empty when the phrase counts 领跑者/示范/试点."""
    m = _STD_LIST.search(phrase)
    if m is None or _NOT_STANDARDS.search(phrase):
        return frozenset()
    return frozenset(_LEVEL_WORDS[w] for w in re.findall(_LEVEL, m.group()))


@dataclass(frozen=True, slots=True)
class IndicatorKind:
    label: str
    all_of: tuple[str, ...]  # regexes that must all match the (Simplified) phrase
    units: frozenset[str]  # units an indicator of this kind is counted in
    levels: frozenset[str] | None = None  # a standards count: exactly these levels (`std_levels`)
    none_of: tuple[str, ...] = ()  # regexes that must not match
    in_sentence: tuple[str, ...] = ()  # regexes that must match the phrase or the words before its number

    def matches(self, phrase: str, unit: str, context: str = "") -> bool:
        return (
            unit in self.units
            and all(re.search(p, phrase) or re.search(p, context) for p in self.in_sentence)
            and (self.levels is None or std_levels(phrase) == self.levels)
            and all(re.search(p, phrase) for p in self.all_of)
            and not any(re.search(p, phrase) for p in self.none_of)
        )


_COUNT = frozenset({"项", "个", "部"})
_BODIES = frozenset({"个", "家", "所", "座"})
# Order matters: specific kinds before the general ones they overlap with.
INDICATOR_CATALOGUE: dict[str, IndicatorKind] = {
    "std_leaders": IndicatorKind("企业标准“领跑者”", (r"领跑",), frozenset({"个", "家", "项"})),
    "std_research_rate": IndicatorKind("科技计划项目形成标准研究成果的比率", (r"标准研究成果|形成标准", r"率|比例|比重"), frozenset({"%"})),
    "std_director_coverage": IndicatorKind("企业标准总监培育覆盖率", (r"标准总监",), frozenset({"%"})),
    "intl_liaison_stations": IndicatorKind("国际对口技术机构联络站", (r"联络站",), _BODIES),
    # Entries of a collaboration platform: the platform is named in the phrase or the words before it.
    "tc_platform_entries": IndicatorKind("入驻协作平台的标准化技术组织", (r"入驻", r"技术组织|技术委员会|平台"), _BODIES,
                                         in_sentence=(r"平台",)),
    "quality_stations": IndicatorKind("质量接力站、质量赋能站", (r"质量(?:接力|赋能|服务)站|质量基础设施.{0,8}站",), _BODIES),
    "ip_std_pilots": IndicatorKind("知识产权与标准融合发展试点项目", (r"知识产权", r"试点|示范"), _COUNT),
    "innovation_bases": IndicatorKind("技术标准创新基地", (r"标准创新基地",), _BODIES),
    "innovation_carriers": IndicatorKind("标准化创新载体", (r"创新载体",), _BODIES),
    "innovation_awards": IndicatorKind("标准创新贡献奖", (r"贡献奖|标准.{0,6}创新奖",), _COUNT),
    "pilot_projects": IndicatorKind("标准化试点示范项目", (r"标准化.{0,8}(?:试点|示范)|试点示范|示范试点",), _COUNT),
    "experts": IndicatorKind("注册专家、标准化技术委员会委员", (r"专家|委员(?!会)",), frozenset({"名", "人"})),
    "service_orgs": IndicatorKind("标准化服务机构", (r"服务机构",), _BODIES),
    # Taking part in committees is not having their secretariat here.
    "std_tech_orgs": IndicatorKind("标准化技术组织", (r"技术组织|技术委员会|秘书处",), _BODIES, none_of=(r"^[^承]*参与",)),
    # Standards counts: the levels the phrase names, exactly. A combined target is a combined kind.
    "national_industry_led": IndicatorKind("牵头起草国家标准、行业标准", (), _COUNT, frozenset({"national", "industry"})),
    "intl_std_led": IndicatorKind("牵头起草国际标准", (), _COUNT, frozenset({"intl"})),
    "local_std": IndicatorKind("地方标准", (), _COUNT, frozenset({"local"})),
    "group_std": IndicatorKind("团体标准", (), _COUNT, frozenset({"group"})),
    "enterprise_std": IndicatorKind("企业标准", (), _COUNT, frozenset({"enterprise"})),
    "national_std": IndicatorKind("国家标准", (), _COUNT, frozenset({"national"})),
    "industry_std": IndicatorKind("行业标准", (), _COUNT, frozenset({"industry"})),
    "intl_national_std": IndicatorKind("国际标准、国家标准", (), _COUNT, frozenset({"intl", "national"})),
    "intl_national_industry_std": IndicatorKind("国际标准、国家标准、行业标准", (), _COUNT, frozenset({"intl", "national", "industry"})),
    "national_industry_local_std": IndicatorKind("国家标准、行业标准、地方标准", (), _COUNT, frozenset({"national", "industry", "local"})),
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
            if text and kind.matches(text, unit, context):
                return kind_id
    return None


# --- vocabulary ----------------------------------------------------------------------------

_COUNT_UNITS = frozenset("项 个 名 家 人 件 所 座 处 支 套 台 条 次 批 部 篇 场 人次 家次".split())
_RATE_UNITS = frozenset({"%", "‰", "个百分点"})
# Units that count things too often outside targets ("共25条", "5部门") to stand without a comparator.
_WEAK_UNITS = frozenset({"条", "次", "批", "部", "篇", "场"})

_ARABIC = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_CN_DIGITS = "零〇一二两三四五六七八九"
_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9.\-/_〔\[第前{_CN_DIGITS}十百千万])"
    rf"(?:(?P<low>{_ARABIC})\s*[—–\-~～至到]\s*)?"  # a range "20—30项": its lower end is the target
    rf"(?P<num>{_ARABIC}|[{_CN_DIGITS}十百千]+)"
    r"(?P<mult>万|亿)?"
    r"(?P<approx>余|多(?!于))?"
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
# A line that continues the list above it ("——…", "—…", "·…", "1.…", "(1)…").
_LIST_ITEM = re.compile(r"^\s*(?:—|-|·|•|\d{1,2}[.、]|\(\d{1,2}\))")

# Deadline and past markers, scanned in order with the candidates of a sentence.
_DOC_DEADLINE = re.compile(
    r"以下[^。()]{0,10}?(?:指标|目标)[^。()]{0,6}?均为[到至]?(?P<year>20\d\d)年|[到至](?P<year2>20\d\d)年[^。()]{0,4}下同"
)
_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)年(?!\d{1,2}月)(?P<tail>底前|前|底|末)?")
_PAST_WORDS = re.compile(r"截至|截止|已|以来|十三五|过去|去年|(?<!以)上年|(?<!实)现有|目前")
_BASELINE_BEFORE = re.compile(r"(?:较|比|相比|同比|与|自|从|于)$")
# Words that may open a segment before a bare "YYYY年，" deadline (the scrape or the writer dropped 到).
_YEAR_OPENER = re.compile(r"[\s—\-]*(?P<goal>力争|争取|确保|预计|计划|目标是?)?(?:其中)?[\s—\-]*")
# A document's own titles (《…》) name years and numbers that are not statements.
_TITLE = re.compile(r"《[^《》]*》")
# Words saying a sentence speaks of what is to be done (for text without clause headings, and for unsure).
_GOAL = r"力争|争取|(?<![立项作动目设展])计划|目标|确保|预计"
_FUTURE_WORDS = re.compile(rf"{_GOAL}|今年|明年|年内|每年|到20\d\d年|至20\d\d年")
# Words saying a figure is a goal (not only when it is): a comparator in an unheaded text needs one.
_GOAL_WORDS = re.compile(_GOAL)
# What follows a count that describes the document or its tasks, not a target
# ("全文共分5部分28条", "提出8个方面22项重点任务", "确定了4个领域、402个具体项目计划", "分解到29个区县").
_DOCUMENT_NOUN = re.compile(
    r"(?:具体|重点|主要|量化|专项|大)*(?:方面|领域|部分|章|节|条|任务|措施|举措|指标|项目计划|区县|县\(市、区\)|部门|成员单位)"
)
# A verb ending the words before a number whose object follows it ("目标是培育出超过130个…“领跑者”").
_VERB_END = re.compile(
    r"(?:新增|新建|培育出?|建设|建成|建立|设立|创建|打造|引进|培养|组织|遴选|认定|评选|发布|制定|制修订|承担|吸引)$"
)
# A per-capita unit before the number: "发明专利拥有量每万人60件" is 60 件/万人.
_PER_CAPITA = re.compile(r"每(?P<base>十万|万|千|百)?(?P<who>人|户)$")
_PER_YEAR = re.compile(r"每年|年均")
# A distributive 各 before the number: "国家、行业标准各1000项" is 1000 of each.
_EACH_SPLIT = re.compile(r"、|和|及|与|或")
# A segment that goes on listing the previous segment's objects under its verb.
_SEGMENT_CONTINUATION = re.compile(r"\s*(?:以及|并且|和|及)")


# --- extraction ----------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What the text so far says about deadlines."""

    plan_year: int | None
    doc_default: int | None = None  # "(以下定量指标均为到2025年)"
    deadline: int | None = None  # in force in the current clause
    past: bool = False  # inside a past statement (until a later deadline in the sentence)
    uncertain: bool = False  # after a bare year that may be past or a deadline (until a deadline in the sentence)
    structured: bool = False  # the text has clause headings


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
    return read_targets(text, default_deadline=default_deadline).targets


def read_targets(text: str, *, default_deadline: int | None = None) -> TargetReading:
    """The targets of a plan text and the numbers it will not commit to (`unsure`, with their sentences)."""
    view = _view(text)
    headed = any(_SECTION.match(line) or _CLAUSE.match(line) for line in view.split("\n"))
    state = _State(plan_year=_plan_year(text, view), structured=headed)
    found: list[_Found] = []
    unsure: list[Unsure] = []
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
        elif not state.structured and not _LIST_ITEM.match(line_view) and not _FUTURE_WORDS.search(line_view):
            # Without clause headings a paragraph is the only scope: a deadline does not reach a
            # later paragraph that neither continues a list nor speaks of what is to be done.
            state.deadline = state.doc_default
        for s in _SENTENCE.finditer(line_view):
            if s.group().strip():
                targets, doubts = _sentence_targets(text, view, offset + s.start(), offset + s.end(), clause or section, state)
                found += targets
                unsure += doubts
        offset += len(line) + 1
    for f in found:
        if f.deadline is None:
            f.deadline = default_deadline
    return TargetReading(_merge(found), unsure)


def _plan_year(text: str, view: str) -> int | None:
    """The plan's own year: years up to it are the past, later ones deadlines."""
    issued = find_issue_date(text)
    if issued:
        return issued.year
    number = find_doc_number(text)
    if number and (m := re.search(r"〔(\d{4})〕", number)):
        return int(m[1])
    deadlines = [int(m[1]) for m in re.finditer(r"(?<!截)[到至](20\d\d)年", _TITLE.sub(_blank, view))]
    return min(deadlines) - 1 if deadlines else None


def _blank(m: re.Match) -> str:
    return " " * len(m.group())


def _events(sv: str, plan_year: int | None) -> list[tuple[int, str, int | None]]:
    """(position, kind, year) of the deadline/past markers of a sentence view, in order."""
    sv = _TITLE.sub(_blank, sv)
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
        elif (opener := _YEAR_OPENER.fullmatch(sv[_segment_start(sv, m.start()) : m.start()])) and sv[m.end() : m.end() + 1] == ",":
            # "2025年，…" / "力争2020年，…": a deadline whose 到 was dropped; the plan's own year counts.
            # In a text with no date of its own, a bare year may as well report results: unsure.
            if plan_year is None and not opener["goal"]:
                kind = "uncertain"
            elif plan_year and year < plan_year:
                kind = "past"
            else:
                kind = "deadline"
        elif plan_year and year <= plan_year:
            kind = "past"
        else:
            continue
        events.append((m.start(), kind, year))
    # A deadline cancels a past marker at the same place ("截至2025年底" in a later plan).
    return sorted(events, key=lambda e: (e[0], e[1] != "past"))


def _segment_start(sv: str, position: int) -> int:
    """Where the segment of a sentence view holding `position` starts: after the last break before it."""
    breaks = [m.end() for m in _SEGMENT_BREAK.finditer(sv, 0, position)]
    return breaks[-1] if breaks else 0


def _sentence_targets(
    text: str, view: str, start: int, end: int, clause: str, state: _State
) -> tuple[list[_Found], list[Unsure]]:
    sv = view[start:end]
    sentence_text = text[start:end].strip()
    state.past = state.uncertain = False
    events = _events(sv, state.plan_year)
    found: list[_Found] = []
    doubts: list[tuple[str, str]] = []  # (number as written, why it is not committed)
    previous: _Found | None = None
    event_index = 0
    last_candidate = -1
    for m in _CANDIDATE.finditer(sv):
        while event_index < len(events) and events[event_index][0] < m.start():
            _apply(events[event_index], state)
            event_index += 1
        last_candidate = m.start()
        outcome = _read_candidate(text, sv, start, m, previous, clause, sentence_text, state)
        if isinstance(outcome, tuple):
            doubts.append(outcome)
        elif outcome:
            found += outcome
            previous = outcome[-1]
    for event in events[event_index:]:
        _apply(event, state)
    deadlines = [e for e in events if e[1] in ("deadline", "document")]
    if len({e[2] for e in deadlines}) > 1 and last_candidate < deadlines[-1][0]:
        # "到2025年，…；到2035年，…。" with no figure after the vision: the figures that follow
        # belong to the nearest horizon, not to the vision named last.
        state.deadline = min(e[2] for e in deadlines if e[2] is not None)
    reasons = "; ".join(dict.fromkeys(reason for _, reason in doubts))
    unsure = [Unsure(clause, sentence_text, "、".join(number for number, _ in doubts), reasons)] if doubts else []
    return found, unsure


def _apply(event: tuple[int, str, int | None], state: _State) -> None:
    _, kind, year = event
    if kind in ("past", "uncertain"):
        state.past, state.uncertain = kind == "past", kind == "uncertain"
        return
    state.past = state.uncertain = False
    state.deadline = year
    if kind == "document":
        state.doc_default = year


def _number(m: re.Match) -> float | None:
    """The candidate's value (Chinese numerals read), or None for a numeral that is a word ("一批", "三个走在前")."""
    digits = m["num"]
    if digits[0].isdigit():
        value = float(digits.replace(",", ""))
    else:
        value = _chinese_number(digits)
        if value is None or (value < 10 and not (m["post"] or m["approx"])):
            return None
    if m["mult"]:
        value *= 10_000 if m["mult"] == "万" else 100_000_000
    return value


_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_SCALE = {"十": 10, "百": 100, "千": 1000}


def _chinese_number(s: str) -> float | None:
    """十 → 10, 二十 → 20, 两百 → 200, 一千二百 → 1200; None when not a well-formed numeral."""
    total, digit = 0, None
    for c in s:
        if c in _CN_VALUE:
            if digit is not None:
                return None
            digit = _CN_VALUE[c]
        elif c in _CN_SCALE:
            total += (1 if digit is None else digit) * _CN_SCALE[c]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


_NOT_TIED = "a sentence about what is to be done, but no deadline (or goal word and comparator) to tie the number to"
_BARE_YEAR = "a bare year in a text with no date of its own: the figures may be results or goals"
_EACH_UNSPLIT = "各 over a list that is not of standards levels: one target per item cannot be told"


def _read_candidate(
    text: str, sv: str, start: int, m: re.Match, previous: _Found | None, clause: str, sentence: str, state: _State
) -> list[_Found] | tuple[str, str] | None:
    """The target(s) at candidate `m`; or (the number as written, why) when it is unsure; or None."""
    unit = m["unit"]
    value = _number(m)
    if value is None or _DOCUMENT_NOUN.match(sv, m.end()):
        return None
    if m["mult"] and unit not in _COUNT_UNITS:
        return None
    if m["low"]:
        value = float(m["low"].replace(",", ""))
    segment_start = _segment_start(sv, m.start())
    continuation = False
    phrase_start = segment_start
    if previous is not None and previous.end > segment_start:
        phrase_start = previous.end
        if c := _CONTINUATION.match(sv, phrase_start):
            phrase_start, continuation = c.end(), True
        elif phrase_start == m.start():
            continuation = True  # "打造10个以上A、5个以上B": the object consumed the 、
    elif previous is not None and (c := _SEGMENT_CONTINUATION.match(sv, segment_start)):
        phrase_start, continuation = c.end(), True  # "培育出超过130个A，以及60个B"
    noise = _LEADING_NOISE.match(sv, phrase_start)
    phrase_start = noise.end() if noise and noise.end() <= m.start() else phrase_start
    phrase_end = m.start()
    if per := _PER_CAPITA.search(sv, phrase_start, phrase_end):
        unit, phrase_end = f"{unit}/{per['base'] or ''}{per['who']}", per.start()
    comparator: Comparator | None = _POST_COMPARATOR.get(m["post"] or "")
    if pre := _PRE_COMPARATOR.search(sv, phrase_start, phrase_end):
        phrase_end = pre.start()
        comparator = _PRE_MEANING.get(pre["word"], comparator)
    if comparator is None and m["low"]:
        comparator = "≥"  # a range commits to its lower end
    if comparator is None and m["approx"]:
        comparator = ">"  # "600余项": more than 600
    explicit = comparator is not None
    if state.past:
        return None
    if state.uncertain:
        return sv[m.start() : m.end()], _BARE_YEAR
    if unit in _WEAK_UNITS and not explicit:
        return None
    if state.deadline is None and (not explicit or not state.structured):
        # No deadline to tie the number to. A comparator alone makes a target in a headed plan
        # (a task clause: "培养标准化专业人才3000名以上"); in an unheaded text (a news report) only
        # in a sentence stating a goal. Otherwise the number is unsure when the sentence speaks of
        # what is to be done, and a statement of fact when it does not.
        if not (explicit and _GOAL_WORDS.search(sv)):
            return (sv[m.start() : m.end()], _NOT_TIED) if _FUTURE_WORDS.search(sv) else None
    phrase = sv[phrase_start:phrase_end]
    lead_run = _LEAD_RUN.match(phrase)
    lead_len = lead_run.end() if lead_run else 0
    carried = ""
    if previous is not None and lead_len == 0 and (continuation or _parallel(previous, phrase, segment_start)):
        carried = previous.lead
    after = m.end()
    verbs = _view(carried) + phrase
    object_follows = after < len(sv) and _CJK_OR_QUOTE.match(sv, after) is not None
    verb_end = _VERB_END.search(phrase) if object_follows and lead_len < len(phrase) else None
    if verb_end is not None:
        # "目标是在重点领域内培育出超过130个…": the number stands before its noun; the phrase is
        # the verb and its object, the words before the verb are context.
        phrase_start, lead_len, phrase = phrase_start + verb_end.start(), len(verb_end.group()), verb_end.group()
    is_prefix = object_follows and lead_len == len(phrase) and (explicit or _CREATION.search(verbs) is not None)
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
    found = _Found(
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
    if simplified.endswith("各"):
        return _each(found) or (sv[m.start() : m.end()], _EACH_UNSPLIT)
    return [found]


def _each(found: _Found) -> list[_Found]:
    """A distributive target ("主导或参与制定国家、行业标准各1000项") as one target per listed level,
    or [] when the list cannot be told apart."""
    head = found.indicator[:-1]
    view = found.simplified[:-1]
    run = _LEAD_RUN.match(view)
    lead = run.end() if run else 0
    parts = _EACH_SPLIT.split(view[lead:])
    names = _EACH_SPLIT.split(head[lead:])
    if len(parts) < 2 or not all(re.match(_LEVEL, p) for p in parts):
        return []
    suffix_view = re.sub(rf"^(?:{_LEVEL})", "", parts[-1])
    suffix = names[-1][len(names[-1]) - len(suffix_view) :] if suffix_view else ""
    out = []
    for part, name in zip(parts, names):
        own = name if part.endswith(suffix_view) else name + suffix
        indicator = head[:lead] + own
        out.append(replace(found, indicator=indicator, simplified=_view(indicator)))
    return out


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
    if _PER_YEAR.search(lead_in):
        return "per_year"
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


def unsure_to_json(unsure: list[Unsure]) -> list[dict]:
    return [{"clause": u.clause, "number": u.number, "sentence": u.sentence, "reason": u.reason} for u in unsure]
