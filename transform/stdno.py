"""Standard numbers (标准号): one canonical form, the standard's type, year and part.

The canonical form is `PREFIX NUMBER[.PART]-YEAR` (`GB/T 1234.5-2020`, `DB3205/T 1001-2022`,
`T/ZZB 0497-2026`); it is the key on which standards are deduplicated across sources.
Portals print the same number with em dashes (ttbz, openstd), without the space
(`GB/T9832-2026`), without the slash (`GBT 9832-2026`), in full-width characters or in
lower case; all of these parse to the same `StdNo`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transform.text import clean_text, remembered, to_halfwidth

STD_TYPES = ("national", "industry", "local", "group", "enterprise")

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"))
_SLASH_SPACING = re.compile(r"\s*/\s*")
_TRAILING_PARENTHETICAL = re.compile(r"\s*\([^()]*\)$")
_LIST_SEPARATORS = re.compile(r"[,;、，；]")
_LIST_QUOTES = "\"'“”‘’"
# Each prefix carries its own separator from the number: a letter-final prefix may touch
# the number (`GB/T9832`), but a mandatory local prefix ends in digits (`DB32 123`), so
# without a space `DB324567` could not be split.
_STD_NO = re.compile(
    r"""
    (?:
        (?P<gbz>GBZ(?:/T)?)\s*                         # national occupational-health standards
      | GB(?:/(?P<gb_kind>[TZ])|\s*(?P<gb_t>T))?\s*     # GB, GB/T, GB/Z; `GBT` and `GB T` mean GB/T
      | DB(?P<db>\d{2}(?:\d{2}){0,2})(?:(?P<db_t>/?T)\s*|\s+)
      | T/(?P<group>[A-Z0-9]+?)\s*
      | Q/(?P<enterprise>[A-Z0-9]+?)\s*
      | (?!GB|DB\d)(?P<industry>[A-Z]{2,3})(?P<industry_kind>/[TZ])?\s*
    )
    (?P<number>\d+)(?:\.(?P<part>\d+(?:\.\d+)*))?(?P<suffix>[A-Z])?
    (?:\s*-\s*(?P<year>\d{4}|\d{2}))?
    """,
    re.VERBOSE,
)
_FIRST_YEAR, _LAST_YEAR = 1950, 2100


class StdNoError(ValueError):
    """A string that is not a standard number."""


@dataclass(frozen=True)
class StdNo:
    canonical: str  # "GB/T 1234.5-2020"
    prefix: str  # "GB/T", "DB3205/T", "T/CAS", "Q/ABC", "JT/T"
    number: str  # "1234", leading zeros kept ("0497")
    part: str | None  # "5" in GB/T 1234.5
    year: int | None  # None when the number was printed without one
    std_type: str  # national | industry | local | group | enterprise


def _normalize(raw: str) -> str:
    s = to_halfwidth(clean_text(raw)).translate(_DASHES).upper()
    s = _TRAILING_PARENTHETICAL.sub("", s)
    return _SLASH_SPACING.sub("/", s)


def _year(two_or_four: str, raw: str) -> int:
    year = int(two_or_four)
    if len(two_or_four) == 2:
        # Two-digit years belong to numbers issued before the mid-1990s; "-05" could be
        # 1905 or a typo for 2005, so it is refused rather than guessed.
        if year + 1900 < _FIRST_YEAR:
            raise StdNoError(f"standard number {raw!r}: two-digit year {two_or_four!r} is ambiguous")
        year += 1900
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise StdNoError(f"standard number {raw!r}: year {year} is outside {_FIRST_YEAR}..{_LAST_YEAR}")
    return year


@remembered(1 << 14)  # a number recurs on every page listing it (and as others' 代替标准); StdNo is frozen
def parse_std_no(raw: str) -> StdNo:
    """Parse a standard number as any portal prints it.

    A trailing parenthetical is dropped (`GB/T 1234-2020(英文版)` → `GB/T 1234-2020`):
    it annotates an edition or an amendment of the same standard. `GBZ` (without a
    slash) is the national occupational-health prefix, not a misspelt `GB/Z`.
    Raises `StdNoError` naming `raw` when it is not a standard number.
    """
    match = _STD_NO.fullmatch(_normalize(raw))
    if match is None:
        raise StdNoError(f"not a standard number: {raw!r}")
    groups = match.groupdict()
    if groups["gbz"]:
        prefix, std_type = groups["gbz"], "national"
    elif groups["db"]:
        prefix, std_type = f"DB{groups['db']}{'/T' if groups['db_t'] else ''}", "local"
    elif groups["group"]:
        prefix, std_type = f"T/{groups['group']}", "group"
    elif groups["enterprise"]:
        prefix, std_type = f"Q/{groups['enterprise']}", "enterprise"
    elif groups["industry"]:
        prefix, std_type = groups["industry"] + (groups["industry_kind"] or ""), "industry"
    else:
        kind = groups["gb_kind"] or groups["gb_t"]
        prefix, std_type = f"GB/{kind}" if kind else "GB", "national"
    if groups["suffix"] and std_type not in ("group", "enterprise"):
        # Only group and enterprise numbers carry a letter after the number (`Q/HLSP 0001S`).
        raise StdNoError(f"not a standard number: {raw!r} (letter after the number)")

    number = groups["number"] + (groups["suffix"] or "")
    part = groups["part"]
    year = _year(groups["year"], raw) if groups["year"] else None
    canonical = f"{prefix} {number}{f'.{part}' if part else ''}{f'-{year}' if year else ''}"
    return StdNo(canonical, prefix, number, part, year, std_type)


def canonical_std_no(raw: str) -> str:
    """The canonical form of `raw` (see `parse_std_no`)."""
    return parse_std_no(raw).canonical


def _split_spaced(piece: str, text: str) -> list[str]:
    """Numbers in a piece that lists several separated only by spaces.

    Numbers contain spaces themselves (`GB/T 1234 - 2020`), so at each word take the
    longest run of words (up to the longest a number can span) that parses.
    """
    words = piece.split()
    numbers: list[str] = []
    i = 0
    while i < len(words):
        longest: tuple[int, str] | None = None
        for j in range(i + 1, min(i + 5, len(words)) + 1):
            try:
                longest = (j, canonical_std_no(" ".join(words[i:j])))
            except StdNoError:
                continue
        if longest is None:
            raise StdNoError(f"{piece!r} in {text!r} is not a standard number")
        i, canonical = longest
        numbers.append(canonical)
    return numbers


def split_std_nos(text: str) -> list[str]:
    """Canonical numbers in a replaced-standards field (代替标准, samr TOTAL_REPE).

    Separators: `,` `，` `;` `；` `、`, newlines, or spaces. The empty pieces of a
    samr `","` are skipped. A piece that is not a standard number raises `StdNoError`.
    """
    numbers: list[str] = []
    for piece in _LIST_SEPARATORS.split(to_halfwidth(clean_text(text))):
        piece = piece.strip().strip(_LIST_QUOTES).strip()
        if piece:
            numbers.extend(_split_spaced(piece, text))
    return numbers
