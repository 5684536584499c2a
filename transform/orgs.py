"""Organisation names: the matching key, and drafting-unit lists (起草单位) split into units.

The key is typographic only. Legal forms stay as printed (有限公司 and 有限责任公司 are
different registered names), so two names match only if they are the same name written
with different brackets, widths or spacing.
"""

from __future__ import annotations

import re

from transform.text import clean_text, strip_markup, to_halfwidth

_TRAILING_PUNCTUATION = re.compile(r"[\s,.;:!?、。，；：！？]+$")
_UNIT_SEPARATORS = frozenset("、，,；;\n")
_SEPARATOR = re.compile("[、，,；;\n]")
# "…有限公司等" / "…等单位" / "…等3家单位" closing a list means "and others", not part of a name.
_TRAILING_ETC = re.compile(r"等(?:[0-9０-９一二三四五六七八九十百多余几]+[家个])?(?:单位|企业|机构|公司)?$")
_OPENING = "(（[【〔《"
_CLOSING = ")）]】〕》"


def normalize_org_name(name: str) -> str:
    """The key two spellings of one organisation name share: `苏州某某（集团） 有限公司。` →
    `苏州某某(集团)有限公司`.
    """
    key = "".join(to_halfwidth(clean_text(name)).split())
    return _TRAILING_PUNCTUATION.sub("", key)


def _split_outside_brackets(text: str) -> list[str]:
    units: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif char in _UNIT_SEPARATORS and depth == 0:
            units.append("".join(current))
            current = []
            continue
        current.append(char)
    units.append("".join(current))
    return units


def split_units(text: str) -> list[str]:
    """The units of a 起草单位 field, in order (the first is the lead unit).

    Separators are `、` `，` `,` `；` `;` and line breaks (including `<br>`), except inside
    brackets, so `苏州某某（集团、控股）有限公司` stays one unit. Each unit is `clean_text`-ed;
    empty units are dropped. A trailing 等 / 等单位 / 等N家单位 ("and others") is cut from the
    last unit: `海信冰箱有限公司等` is 海信冰箱有限公司 (evidence: ttbz and samr detail pages print it).
    """
    text = strip_markup(text)
    # Without an opening bracket every separator splits: one regex pass instead of a loop per character.
    units = _split_outside_brackets(text) if any(b in text for b in _OPENING) else _SEPARATOR.split(text)
    units = [unit for unit in map(clean_text, units) if unit]
    if units:
        units[-1] = _TRAILING_ETC.sub("", units[-1]).rstrip()
    return [unit for unit in units if unit]
