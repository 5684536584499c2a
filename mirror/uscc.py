"""统一社会信用代码 (GB 32100-2015) for the mirror's organisations.

The mirror's own implementation, written from the standard and not shared with
the product (the mirror must stay an independent oracle). Layout of the 18
characters: 1 registering department (9 = 工商, 1 = 机构编制, 5 = 民政),
2 organisation type, 3–8 the registering authority's division code, 9–17 the
organisation code (GB 11714: eight characters and a check character), 18 the
check character over the first 17.
"""

from __future__ import annotations

import random

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The 18th character for the given first 17 (GB 32100-2015 §4.2)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in _VALUE for c in code)
        and check_char(code[:17]) == code[17]
    )


def _orgcode(rng: random.Random) -> str:
    """A GB 11714 organisation code: eight characters plus its check character."""
    if rng.random() < 0.5:
        # Codes issued since 2015 commonly start with "MA".
        body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    # GB 11714 values letters as A=10 … Z=35.
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORGCODE_WEIGHTS))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make(rng: random.Random, division_code: str, kind: str = "91") -> str:
    """A valid credit code registered by the authority `division_code` ("320583")."""
    first17 = kind + division_code + _orgcode(rng)
    return first17 + check_char(first17)


def make_invalid(rng: random.Random, division_code: str, kind: str = "91") -> str:
    """A well-formed code whose check character is wrong."""
    valid = make(rng, division_code, kind)
    wrong = rng.choice([c for c in CHARSET if c != valid[17]])
    return valid[:17] + wrong
