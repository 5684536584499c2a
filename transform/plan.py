"""The plan document: from a crawled page (HTML or text) to a clean text with its header facts.

Owns:
- `plan_text_from_html`: the article body of a government CMS page, paragraphs kept as lines;
- `read_plan`: spam removed (the page is flagged by `PlanDocument.spam`), spaces normalised,
  page chrome dropped, pinyin glosses a reprint left after characters ("發(fā)展" → "發展")
  removed, and the header read — title, issue date, document number;
- `find_issue_date` / `find_doc_number`: the header readers, also used by
  `transform.targets` to tell a past year from a deadline.

The header readers are built for scrapes that lost characters, as the Suzhou page did:
`〔2022〕30号` → `〔202230`, `(2022年8月21日)` → `2022821日)`. A damaged date is read only when
exactly one month/day split of its digits is a real date (or when one of several agrees with
the page's own "时间:" line); otherwise the next source of the date is used. Order of
preference for the issue date: the dated parenthesis of the document header
(`(2022年8月21日)`), then the page's metadata line (`时间:` / `发布日期:` / `成文日期:`),
then a date standing alone on the last lines (the signature date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bs4 import BeautifulSoup

from transform.text import clean_text, remove_spam, to_halfwidth


@dataclass(slots=True)
class PlanDocument:
    """A plan as read from its page: `text` is what targets are extracted from and cited in."""

    title: str
    issue_date: date | None
    doc_number: str | None  # e.g. "苏委发〔2022〕30号", rebuilt when the scrape dropped characters
    text: str  # spam removed, spaces normalised, page chrome dropped, one paragraph a line
    spam: list[str] = field(default_factory=list)  # injected strings that were removed


# --- HTML ----------------------------------------------------------------------------------

# Article containers of the CMS products Chinese government portals run on, most specific first.
_ARTICLE_SELECTORS = ("ucapcontent", "#zoom", ".article-content", ".main-txt", "#content", ".TRS_Editor")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "ucapcontent")


def plan_text_from_html(html: str) -> str:
    """The article body of a plan page as text, one paragraph (or `<br>` line) a line.

    Looks for the CMS article container (`<ucapcontent>`, `#zoom`, `.article-content`,
    `.main-txt`, ...); without one, the whole `<body>` is taken, chrome included.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    container = None
    for selector in _ARTICLE_SELECTORS:
        container = soup.select_one(selector)
        if container is not None and container.get_text(strip=True):
            break
        container = None
    if container is None:
        container = soup.body or soup
    for br in container.find_all("br"):
        br.replace_with("\n")
    for block in container.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    text = container.get_text()
    lines = (line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


# --- text ----------------------------------------------------------------------------------

_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|现在位置)\s*[:：]")
_CHROME_PHRASES = re.compile(
    r"扫一扫在手机打开当前页|扫一扫在手机上查看当前页面|【?打印本页】?|【?关闭窗口】?|【打印】|【关闭】"
    r"|【?字体\s*[:：]?\s*[大中小\s]+】?|分享到\s*[:：]?"
)


# A pinyin gloss with a tone mark in parentheses right after a character: "發(fā)展", "中(zhōng)".
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def _normalise_lines(text: str) -> list[str]:
    """One cleaned line per input line (spaces normalised, chrome and pinyin glosses dropped), blank runs folded."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _PINYIN_GLOSS.sub("", _CHROME_PHRASES.sub("", clean_text(raw))).strip()
        if _BREADCRUMB.match(line):
            continue
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def read_plan(text: str) -> PlanDocument:
    """Read a plan page's text (use `plan_text_from_html` first for HTML)."""
    without_spam, spam = remove_spam(text)
    lines = _normalise_lines(without_spam)
    cleaned = "\n".join(lines) + "\n"
    return PlanDocument(
        title=_find_title(lines),
        issue_date=find_issue_date(cleaned),
        doc_number=find_doc_number(cleaned),
        text=cleaned,
        spam=spam,
    )


_METADATA_LINE = re.compile(r"^(?:发布|成文|印发)?(?:时间|日期)\s*[:：]|^来源\s*[:：]|^(?:文号|索引号)\s*[:：]")


def _find_title(lines: list[str]) -> str:
    for line in lines:
        if len(line) >= 6 and not _METADATA_LINE.match(line) and not _DOC_NUMBER.match(to_halfwidth(line)):
            return line
    return ""


def _header(text: str) -> list[str]:
    """The lines before the body: the body starts at the first long paragraph or numbered heading."""
    header: list[str] = []
    for line in text.split("\n"):
        if len(line) > 80 or re.match(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]", line):
            break
        header.append(line)
    return header


# --- document number -----------------------------------------------------------------------

# 发文字号: issuer abbreviation, year in 〔〕 (or [] 【】 ()), serial, 号. The scrape may drop the
# closing bracket and the 号 ("苏委发〔202230"), so both are optional; then the year is the
# first four digits.
_DOC_NUMBER = re.compile(
    r"^(?:文号\s*[:：]\s*)?(?P<issuer>[\u4e00-\u9fff]{1,12}?)\s*[〔［\[【(]\s*(?P<year>(?:19|20)\d\d)\s*"
    r"(?P<close>[〕］\]】)])?\s*(?P<serial>\d{1,4})\s*(?P<hao>[号號])?(?=\s|$)"
)


def find_doc_number(text: str) -> str | None:
    """The document's own number from its header, e.g. "苏委发〔2022〕30号" (rebuilt if damaged)."""
    for line in _header(text):
        m = _DOC_NUMBER.match(to_halfwidth(line.strip()))
        if m is None:
            continue
        serial = str(int(m["serial"]))
        return f"{line.strip()[: len(m['issuer'])]}〔{m['year']}〕{serial}{m['hao'] or '号'}"
    return None


# --- issue date ----------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_LINE = re.compile(r"^[(（]?\s*(?P<body>[\d年月\s]{5,})日\s*[)）]?$")
_CN_DATE_LINE = re.compile(r"^[(（]?\s*(?P<y>[〇零○Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日\s*[)）]?$")
_METADATA_DATE = re.compile(
    r"(?:发布|成文|印发)?(?:时间|日期)\s*[:：]\s*(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _cn_number(s: str) -> int:
    """一 … 三十一 (month and day numerals)."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _date_candidates(line: str) -> list[date]:
    """Every date a header date line can mean: one when intact, several when digits ran together."""
    line = to_halfwidth(line.strip())
    m = _CN_DATE_LINE.match(line)
    if m:
        year = int("".join(str(_CN_DIGITS[c]) for c in m["y"]))
        found = _valid(year, _cn_number(m["m"]), _cn_number(m["d"]))
        return [found] if found else []
    m = _DATE_LINE.match(line)
    if m is None:
        return []
    body = m["body"].replace(" ", "")
    full = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})", body)
    if full:
        found = _valid(*map(int, full.groups()))
        return [found] if found else []
    digits = re.sub(r"[年月]", "", body)
    if not re.fullmatch(r"(?:19|20)\d{4,6}", digits):
        return []
    year, rest = int(digits[:4]), digits[4:]
    splits = ((rest[:i], rest[i:]) for i in range(1, len(rest)))
    dates = {_valid(year, int(mm), int(dd)) for mm, dd in splits if len(mm) <= 2 and len(dd) <= 2}
    return sorted(d for d in dates if d)


def find_issue_date(text: str) -> date | None:
    """The plan's issue date (成文日期); see the module docstring for the order of sources."""
    metadata = _METADATA_DATE.search(to_halfwidth(text))
    metadata_date = _valid(int(metadata["y"]), int(metadata["m"]), int(metadata["d"])) if metadata else None
    for line in _header(text):
        candidates = _date_candidates(line)
        if len(candidates) == 1:
            return candidates[0]
        if metadata_date in candidates:
            return metadata_date
    if metadata_date:
        return metadata_date
    for line in reversed([line for line in text.split("\n") if line.strip()][-3:]):
        candidates = _date_candidates(line)
        if len(candidates) == 1:
            return candidates[0]
    return None
