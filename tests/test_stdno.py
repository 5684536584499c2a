"""Standard numbers: canonical form, classification, year and part, replaced-standards lists."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transform.stdno import StdNo, StdNoError, canonical_std_no, parse_std_no, split_std_nos


@pytest.mark.parametrize("raw, canonical", [
    ("GB/T 1234.5-2020", "GB/T 1234.5-2020"),
    ("GB 3100-1993", "GB 3100-1993"),
    ("GB/Z 43082-2023", "GB/Z 43082-2023"),
    ("JT/T 795-2023", "JT/T 795-2023"),
    ("QB/T 1234-2022", "QB/T 1234-2022"),
    ("DB32/T 4567-2023", "DB32/T 4567-2023"),
    ("DB3205/T 1001-2022", "DB3205/T 1001-2022"),
    ("T/CAS 123-2024", "T/CAS 123-2024"),
    ("T/ZZB 0497-2026", "T/ZZB 0497-2026"),
    ("Q/ABC 001-2024", "Q/ABC 001-2024"),
])
def test_canonical_numbers_are_their_own_canonical_form(raw, canonical):
    assert canonical_std_no(raw) == canonical


@pytest.mark.parametrize("raw", [
    "GB/T 9832—2026",  # em dash (openstd, ttbz)
    "GB/T 9832–2026",  # en dash
    "GB/T 9832－2026",  # full-width hyphen
    "GB/T 9832‐2026",  # U+2010 hyphen
    "ＧＢ／Ｔ　９８３２－２０２６",  # full width throughout
    "GB/T9832-2026",  # samr STD_CODE2: no space
    "GB/T   9832 - 2026",  # extra spaces
    "GBT 9832-2026",  # samr STD_CODE3: no slash
    "gb/t 9832-2026",  # lower case
    " GB / T 9832-2026 ",
])
def test_variants_canonicalize_to_one_form(raw):
    assert canonical_std_no(raw) == "GB/T 9832-2026"


def test_parse_gives_every_field():
    assert parse_std_no("GB/T 1234.5-2020") == StdNo(
        canonical="GB/T 1234.5-2020", prefix="GB/T", number="1234", part="5", year=2020, std_type="national")


def test_two_digit_year_of_an_old_number_becomes_four_digits():
    parsed = parse_std_no("GB 1234-88")
    assert (parsed.year, parsed.canonical) == (1988, "GB 1234-1988")


def test_two_digit_year_before_1950_is_refused():
    with pytest.raises(StdNoError, match="GB 1234-05"):
        parse_std_no("GB 1234-05")


def test_missing_year_is_allowed():
    parsed = parse_std_no("GB/T 1234")
    assert (parsed.year, parsed.canonical) == (None, "GB/T 1234")


def test_trailing_parenthetical_is_dropped():
    assert canonical_std_no("GB/T 1234-2020(英文版)") == "GB/T 1234-2020"


def test_fullwidth_trailing_parenthetical_is_dropped():
    assert canonical_std_no("GB/T 1234-2020（英文版）") == "GB/T 1234-2020"


def test_group_number_with_em_dash():
    parsed = parse_std_no("T/NAIA 0497—2026")
    assert (parsed.canonical, parsed.prefix, parsed.number) == ("T/NAIA 0497-2026", "T/NAIA", "0497")


def test_local_number_without_slash_t_is_mandatory_local():
    parsed = parse_std_no("DB32 123-2020")
    assert (parsed.prefix, parsed.std_type) == ("DB32", "local")


def test_local_number_written_db32t():
    assert canonical_std_no("DB32T 4567-2023") == "DB32/T 4567-2023"


def test_occupational_health_gbz_is_not_gb_z():
    parsed = parse_std_no("GBZ 2.1-2019")
    assert (parsed.prefix, parsed.std_type, parsed.part) == ("GBZ", "national", "1")


def test_enterprise_food_number_keeps_its_letter():
    assert canonical_std_no("Q/HLSP 0001S-2023") == "Q/HLSP 0001S-2023"


@pytest.mark.parametrize("raw, std_type", [
    ("GB 3100-1993", "national"),
    ("GB/T 7714-2015", "national"),
    ("GB/Z 43082-2023", "national"),
    ("DB32/T 4567-2023", "local"),
    ("DB3205/T 1001-2022", "local"),
    ("DB32 123-2020", "local"),
    ("T/CAS 123-2024", "group"),
    ("Q/ABC 001-2024", "enterprise"),
    ("JT/T 795-2023", "industry"),
    ("QB/T 1234-2022", "industry"),
    ("YY 0505-2012", "industry"),
    ("HG/T 2001-2019", "industry"),
    ("SJ/T 11363-2006", "industry"),
    ("CY/T 154-2017", "industry"),
    ("GA 1800.1-2021", "industry"),
])
def test_classification(raw, std_type):
    assert parse_std_no(raw).std_type == std_type


@pytest.mark.parametrize("raw", ["", "毛绒、布制玩具", "GB/T", "GB/T 1234-20201", "DB324567-2023",
                                 "GB/T 1234X-2020", "GB/T 1234-1900"])
def test_not_a_standard_number_raises_naming_the_input(raw):
    with pytest.raises(StdNoError) as error:
        parse_std_no(raw)
    assert repr(raw) in str(error.value)


def test_split_replaced_standards_on_every_separator():
    text = "GB/T 1-2000，GB/T 2-2001;GB 3-1990、GB/T 4-1999；GB/T 5-2005,GB/T 6-2006"
    assert split_std_nos(text) == ["GB/T 1-2000", "GB/T 2-2001", "GB 3-1990", "GB/T 4-1999",
                                   "GB/T 5-2005", "GB/T 6-2006"]


def test_split_replaced_standards_separated_by_spaces():
    assert split_std_nos("GB/T 1234-2020 GB/T 5678 - 2021") == ["GB/T 1234-2020", "GB/T 5678-2021"]


@pytest.mark.parametrize("empty", ['","', ",", "", "  ", "，"])
def test_split_empty_replaced_standards(empty):
    assert split_std_nos(empty) == []


def test_split_canonicalizes_each_number():
    assert split_std_nos("GB/T9832—2007") == ["GB/T 9832-2007"]


def test_split_raises_on_an_unparseable_piece():
    with pytest.raises(StdNoError, match="见附件"):
        split_std_nos("GB/T 1234-2020，见附件")


# --- properties -----------------------------------------------------------------------------

PREFIXES = ["GB", "GB/T", "GB/Z", "JT/T", "QB/T", "YY", "HG/T", "DB32/T", "DB3205/T", "DB32",
            "T/CAS", "T/ZZB", "Q/ABC"]
DASHES = ["-", "—", "–", "－", "‐"]


@st.composite
def std_numbers(draw):
    """(canonical, prefix, number, part, year) built from parts, independently of the parser."""
    prefix = draw(st.sampled_from(PREFIXES))
    number = draw(st.text("0123456789", min_size=1, max_size=5))
    part = draw(st.none() | st.text("0123456789", min_size=1, max_size=2))
    year = draw(st.none() | st.integers(1950, 2100))
    canonical = f"{prefix} {number}" + (f".{part}" if part else "") + (f"-{year}" if year else "")
    return canonical, prefix, number, part, year


def _fullwidth(s: str) -> str:
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


@given(std_numbers())
def test_canonical_form_is_a_fixed_point(parts):
    canonical = parts[0]
    assert canonical_std_no(canonical) == canonical
    assert canonical_std_no(canonical_std_no(canonical)) == canonical_std_no(canonical)


@given(std_numbers(), st.sampled_from(DASHES), st.sampled_from(["", " ", "  "]),
       st.sampled_from(["", " "]), st.booleans(), st.booleans())
def test_printed_variants_canonicalize_equal(parts, dash, gap, dash_space, lower, full_width):
    canonical, prefix, number, part, year = parts
    if prefix == "DB32" and not gap:
        gap = " "  # a mandatory local number needs the space: DB32123 is not readable
    printed = f"{prefix}{gap}{number}" + (f".{part}" if part else "")
    if year:
        printed += f"{dash_space}{dash}{dash_space}{year}"
    printed = printed.lower() if lower else printed
    printed = _fullwidth(printed) if full_width else printed
    assert canonical_std_no(printed) == canonical


@given(std_numbers())
def test_parsed_fields_match_the_parts(parts):
    canonical, prefix, number, part, year = parts
    parsed = parse_std_no(canonical)
    assert (parsed.prefix, parsed.number, parsed.part, parsed.year) == (prefix, number, part, year)
