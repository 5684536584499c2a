"""Text cleaning shared by every parser: markup, invisible characters, width, and injected spam.

Owns:
- `clean_text`: HTML entities and tags (`<sacinfo>`, `<b>`, ...), zero-width and no-break
  spaces, whitespace runs;
- `to_halfwidth`: full-width ASCII → ASCII, for codes and numbers (Chinese prose is
  left alone: NFKC would also rewrite CJK compatibility characters and punctuation);
- `find_spam` / `remove_spam`: gambling/SEO strings injected into hijacked
  government pages (the Suzhou plan page itself carries `澳门皇冠赌场_澳门皇冠游戏-投注app官网`);
- `remembered` / `forget_remembered`: the caches of short texts that recur (labels, names, dates,
  standard numbers), which the package's parsers share, and a way to empty them all.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

# Tags are matched strictly (a letter after `<`) so that "<10%" or "a < b" in prose survive.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:_-]*(?:\s[^<>]*)?/?>")
# Block-level tags separate words; inline ones (<b>, <sacinfo>, <span>) sit inside a word.
_BLOCK_TAG = re.compile(r"</?(?:br|p|div|li|tr|td|th|h[1-6])(?:\s[^<>]*)?/?>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
# Unicode whitespace, which includes the no-break, en, em, thin and ideographic spaces
# (U+00A0, U+2002, U+2003, U+2009, U+202F, U+3000): one regex pass, not a translate per character.
_WHITESPACE_RUN = re.compile(r"\s+")
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def strip_markup(s: str) -> str:
    """HTML-unescape and remove tags, keeping their inner text; block tags become newlines.

    Line structure is kept (unlike `clean_text`) for callers that split on newlines.
    """
    s = html.unescape(s)
    if "<" not in s:  # most text nodes: no tag to look for
        return s
    s = _BLOCK_TAG.sub("\n", s)
    return _TAG.sub("", s)


# Labels, names, dates and units repeat across a source's pages (a reprocess meets each standard on every
# page that ever listed it: four texts in five are ones already cleaned), so short texts are remembered.
_CLEAN_CACHED_UP_TO = 200  # characters; a page's whole text is cleaned once, so it is not kept


def clean_text(s: str) -> str:
    """Markup removed, invisible characters dropped, every whitespace run one space, stripped."""
    return _clean_short(s) if len(s) <= _CLEAN_CACHED_UP_TO else _clean(s)


def _clean(s: str) -> str:
    return _WHITESPACE_RUN.sub(" ", _INVISIBLE.sub("", strip_markup(s))).strip()


_REMEMBERED: list = []


def remembered(maxsize: int):
    """`functools.lru_cache(maxsize)`, and the cache emptied by `forget_remembered`."""
    def cached(function):
        function = lru_cache(maxsize=maxsize)(function)
        _REMEMBERED.append(function)
        return function
    return cached


def forget_remembered() -> None:
    """Empty every `remembered` cache. For texts that will not recur — an analyst's file, whose cells
    are one per row: kept, 100,000 rows' cells fill the caches (some 20 MiB, issue 12) and pin the
    memory of the rows around them. Results are the same either way."""
    for function in _REMEMBERED:
        function.cache_clear()


_clean_short = remembered(1 << 16)(_clean)


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (U+FF01–U+FF5E) → ASCII and the ideographic space → space."""
    return s.translate(_HALFWIDTH)


# --- spam ---------------------------------------------------------------------------------
#
# A spam run is a chain of vocabulary terms, glued directly or by joiners, that contains
# at least one *strong* term. Strong terms are never legitimate in a standards or
# government text; *weak* terms are ordinary words (体育, 真人, 游戏, 金沙, 澳门) that are
# removed only when chained to a strong one. Because a run is made of vocabulary terms
# only, it stops exactly where the injected string meets the words it was pasted between
# ("中共" + spam + "委"), instead of swallowing neighbouring CJK text.
#
# The cost of this design: a weak term that legitimately follows an injected string with
# no separator ("…投注app官网体育场馆") is removed with it.

_STRONG_TERMS = (
    "赌场", "赌球", "网赌", "博彩", "投注", "娱乐城", "百家乐", "老虎机", "六合彩", "时时彩",
    "北京赛车", "葡京", "威尼斯人", "澳门皇冠", "皇冠体育", "皇冠娱乐", "真人视讯", "真人娱乐",
    "电子游艺", "永利皇宫", "金沙娱乐", "银河娱乐", "新葡京", "娱乐场", "太阳城集团", "太阳城娱乐",
    "真人开户", "足球比分", "皇冠足球",
)
_WEAK_TERMS = (
    "澳门", "皇冠", "游戏", "娱乐", "真人", "体育", "彩票", "棋牌", "赌博", "太阳城", "彩金",
    "官网", "官方网站", "官网下载", "下载", "网址", "手机版", "网页版", "客户端", "开户", "永利",
    "金沙", "威尼斯", "网投", "登录", "入口", "在线", "线上", "足球", "比分", "集团",
)
# Legitimate words that contain a strong term; matched as ordinary words so they break a run.
_LEGITIMATE_TERMS = ("投注站", "娱乐场所")
# Latin words are judged whole, so "app" never matches inside "application".
_STRONG_LATIN = re.compile(r"\d*bet\d*|\w*casino\w*|baccarat|sbobet|betway|dafabet|pk10", re.I)
# What every alternative of _STRONG_LATIN holds, in lower case: the spam pre-check (`_may_hold_spam`)
# looks for these, so a Latin term added above must hold one, or gets a stem here.
_STRONG_LATIN_STEMS = ("bet", "casino", "baccarat", "pk10")
_WEAK_LATIN = frozenset({"app", "apk", "ios", "android", "vip", "www", "com", "net", "cc"})
_JOINERS = "_-－—–|｜·•丨/ \u00a0\u3000"

_TERM_STRENGTH: dict[str, bool | None] = (
    {term: True for term in _STRONG_TERMS}
    | {term: False for term in _WEAK_TERMS}
    | {term: None for term in _LEGITIMATE_TERMS}
)
# A lookahead finds the longest term at *every* position, overlapping ones included:
# in "金沙娱乐城" both 金沙娱乐 and 娱乐城 must be seen for the run to reach its end.
_TOKEN = re.compile(
    "(?=("
    + "|".join(
        [r"(?<![A-Za-z0-9])[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])"]
        + [re.escape(t) for t in sorted(_TERM_STRENGTH, key=len, reverse=True)]
    )
    + "))"
)
_MAX_JOINER_GAP = 3


def _token_strength(token: str) -> bool | None:
    """True for a strong spam term, False for a weak one, None for an ordinary word."""
    if token in _TERM_STRENGTH:
        return _TERM_STRENGTH[token]
    if _STRONG_LATIN.fullmatch(token):
        return True
    if token.lower() in _WEAK_LATIN:
        return False
    return None


# Every run holds a strong term, so a text with none has no spam: this decides that for the vast
# majority of texts before the tokenizer runs. A strong term is a CJK term as written or an ASCII
# token `_STRONG_LATIN` matches, and each of those holds one of `_STRONG_LATIN_STEMS` in some case.
# One regex of the CJK terms, case-sensitive, and one of the stems on the lower-cased text: a
# case-insensitive regex of every term (as before) took about 3× as long, on a page and on a field
# (a twelfth of a big source's parse). Lower-casing never turns an ASCII letter into another, so no
# strong term is missed; a non-ASCII letter lowered into ASCII only sends a text to the tokenizer.
_ANY_STRONG_CJK = re.compile("|".join(map(re.escape, _STRONG_TERMS)))
_ANY_LATIN_STEM = re.compile("|".join(map(re.escape, _STRONG_LATIN_STEMS)))  # on lower-cased text


def _may_hold_spam(text: str) -> bool:
    if _ANY_STRONG_CJK.search(text):
        return True
    return _ANY_LATIN_STEM.search(text.lower()) is not None


def _spam_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each spam run: chained vocabulary terms holding at least one strong term."""
    if not _may_hold_spam(text):
        return []
    spans: list[tuple[int, int]] = []
    run_start = run_end = legitimate_end = 0
    run_strong = in_run = False
    for match in _TOKEN.finditer(text):
        start, token = match.start(), match.group(1)
        end = start + len(token)
        strength = _token_strength(token)
        if start < legitimate_end:
            continue  # inside a legitimate word such as 投注站
        if strength is None:
            if token in _LEGITIMATE_TERMS:
                legitimate_end = end
            continue
        gap = text[run_end:start]
        if not (in_run and len(gap) <= _MAX_JOINER_GAP and all(c in _JOINERS for c in gap)):
            if run_strong:
                spans.append((run_start, run_end))
            run_start, run_strong, in_run = start, False, True
        run_end = max(run_end, end)
        run_strong = run_strong or strength
    if run_strong:
        spans.append((run_start, run_end))
    return spans


def find_spam(text: str) -> list[str]:
    """The injected spam runs in `text`, in order (a run found twice is listed twice)."""
    return [text[a:b] for a, b in _spam_spans(text)]


def remove_spam(text: str) -> tuple[str, list[str]]:
    """`text` with every spam run cut out, and the runs that were removed.

    Only the run itself goes: words it replaced are not restored ("中共苏州市委" with
    "苏州市" replaced by spam becomes "中共委"), which is why callers must flag the page.
    """
    spans = _spam_spans(text)
    if not spans:
        return text, []
    kept: list[str] = []
    position = 0
    for a, b in spans:
        kept.append(text[position:a])
        position = b
    kept.append(text[position:])
    return "".join(kept), [text[a:b] for a, b in spans]
