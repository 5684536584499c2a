"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Layout of the 18 characters:
  1     registration-management department (登记管理部门码): 1 机构编制, 5 民政, 9 工商 (market
        regulation), Y other; later allocations 2–8, A and N;
  2     organisation type within that department (机构类别码), a digit 1–9;
  3–8   the registering authority's administrative division code (登记管理机关行政区划码);
  9–17  the organisation code (主体标识码, GB 11714);
  18    check character: weights 3^i mod 31 over the first 17, charset without I O Z S V.

Because 31 is prime and every weight is non-zero mod 31, any single wrong character is caught.
A code is only ever used after `is_valid_uscc`; `explain_uscc` says why one was refused.
"""

from __future__ import annotations

import re

from transform.text import clean_text, to_halfwidth

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_DEPARTMENTS = frozenset("123456789ANY")
_ORG_TYPES = frozenset("123456789")
_DIVISION = re.compile(r"\d{6}")
# Letters left out of the charset because they read like digits: say which digit was meant.
_LOOKALIKES = {"I": "1", "O": "0", "Z": "2", "S": "5"}


class UsccError(ValueError):
    """Input to `check_char`/`make_uscc` that is not 17 charset characters."""


def normalize_uscc(s: str) -> str:
    """Spaces and invisible characters removed, half-width, upper case."""
    return "".join(to_halfwidth(clean_text(s)).split()).upper()


def check_char(first17: str) -> str:
    """The check character (position 18) for 17 code characters."""
    if len(first17) != 17:
        raise UsccError(f"{first17!r}: need 17 characters to compute a check character, got {len(first17)}")
    total = 0
    for position, (char, weight) in enumerate(zip(first17, WEIGHTS), start=1):
        if char not in _VALUE:
            raise UsccError(f"{first17!r}: character {char!r} at position {position} is not in the code charset")
        total += _VALUE[char] * weight
    return CHARSET[(31 - total % 31) % 31]


def make_uscc(first17: str) -> str:
    """A valid code from its first 17 characters (for fixtures and tests)."""
    return first17 + check_char(first17)


def _problem(code: str) -> str | None:
    """Why the normalized `code` is invalid, or None when it is valid."""
    if len(code) != 18:
        return f"length {len(code)}, expected 18"
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            hint = f" (did you mean {_LOOKALIKES[char]!r}?)" if char in _LOOKALIKES else ""
            return f"character {char!r} at position {position} is not allowed{hint}"
    if code[0] not in _DEPARTMENTS:
        return f"registration department code {code[0]!r} (position 1) is not one GB 32100 assigns"
    if code[1] not in _ORG_TYPES:
        return f"organisation type {code[1]!r} (position 2) is not a digit 1-9"
    if not _DIVISION.fullmatch(code[2:8]):
        return f"division code {code[2:8]!r} (positions 3-8) is not 6 digits"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"check character expected {expected!r}, got {code[17]!r}"
    return None


def is_valid_uscc(s: str) -> bool:
    """True when `s` (after `normalize_uscc`) is a well-formed code with a correct check character."""
    return _problem(normalize_uscc(s)) is None


def division_code(s: str) -> str | None:
    """The registering authority's division code (characters 3–8) of a valid code, else None."""
    code = normalize_uscc(s)
    return code[2:8] if _problem(code) is None else None


def explain_uscc(s: str) -> str:
    """"valid", or a sentence naming the code and what is wrong with it."""
    code = normalize_uscc(s)
    problem = _problem(code)
    return "valid" if problem is None else f"credit code {s!r} is invalid: {problem}"
