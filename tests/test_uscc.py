"""统一社会信用代码 (GB 32100-2015): check character, structure, explanations."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from transform.uscc import (
    CHARSET, UsccError, check_char, division_code, explain_uscc, is_valid_uscc, make_uscc, normalize_uscc,
)

# The worked example printed in GB 32100-2015.
STANDARD_EXAMPLE = "91350100M000100Y43"
# 91320583MA1MCK8E7: weighted sum 2658, 2658 mod 31 = 23, 31 - 23 = 8 → check character "8".
KUNSHAN = "91320583MA1MCK8E78"


def test_standard_example_is_valid():
    assert is_valid_uscc(STANDARD_EXAMPLE)


def test_check_char_of_standard_example():
    assert check_char(STANDARD_EXAMPLE[:17]) == "3"


def test_check_char_worked_by_hand():
    assert check_char(KUNSHAN[:17]) == "8"


def test_make_uscc_appends_the_check_char():
    assert make_uscc("91320583MA1MCK8E7") == KUNSHAN


def test_normalize_strips_spaces_and_width_and_case():
    assert normalize_uscc(" ９１３２０５８３ma1mck8e7 8\u3000") == KUNSHAN


def test_lower_case_and_spaced_code_is_valid():
    assert is_valid_uscc("9132 0583 ma1m ck8e 78")


def test_division_code_is_characters_3_to_8():
    assert division_code(KUNSHAN) == "320583"


def test_division_code_of_invalid_code_is_none():
    assert division_code("91320583MA1MCK8E79") is None


def test_explain_valid_code():
    assert explain_uscc(KUNSHAN) == "valid"


def test_explain_wrong_length():
    assert explain_uscc("91320583MA1MCK8E7") == (
        "credit code '91320583MA1MCK8E7' is invalid: length 17, expected 18")


def test_explain_wrong_check_character():
    assert explain_uscc("91320583MA1MCK8E79") == (
        "credit code '91320583MA1MCK8E79' is invalid: check character expected '8', got '9'")


def test_explain_letter_o_for_zero():
    assert explain_uscc("91320583MA1MCK8EO8").endswith(
        "character 'O' at position 17 is not allowed (did you mean '0'?)")


@pytest.mark.parametrize("excluded", ["I", "O", "Z", "S", "V"])
def test_excluded_letters_are_invalid(excluded):
    assert not is_valid_uscc("91320583MA1MCK8E7" + excluded)


def test_unknown_registration_department_is_invalid():
    code = make_uscc("B1320583MA1MCK8E7")
    assert "registration department" in explain_uscc(code)


def test_letter_as_organisation_type_is_invalid():
    code = make_uscc("9A320583MA1MCK8E7")
    assert "organisation type" in explain_uscc(code)


def test_division_code_must_be_digits():
    code = make_uscc("9132A583MA1MCK8E7")
    assert "division code" in explain_uscc(code)


def test_old_15_digit_registration_number_is_invalid():
    assert "length 15" in explain_uscc("320583000123456")


def test_check_char_rejects_a_character_outside_the_charset_naming_the_input():
    with pytest.raises(UsccError, match="91320583MA1MCK8EI"):
        check_char("91320583MA1MCK8EI")


# --- properties -----------------------------------------------------------------------------

structured_first17 = st.builds(
    lambda department, org_type, division, org_code: department + org_type + division + org_code,
    st.sampled_from("123456789ANY"),
    st.sampled_from("123456789"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(CHARSET, min_size=9, max_size=9),
)


@given(structured_first17)
def test_any_structured_prefix_plus_check_char_is_valid(first17):
    assert is_valid_uscc(first17 + check_char(first17))


@given(st.text(CHARSET, min_size=17, max_size=17))
def test_check_char_is_in_the_charset(first17):
    assert check_char(first17) in CHARSET


@given(structured_first17, st.integers(0, 17), st.sampled_from(CHARSET))
def test_every_single_character_substitution_is_detected(first17, position, replacement):
    # 31 is prime and every weight is non-zero mod 31, so changing one character always
    # changes the weighted sum mod 31: GB 32100 detects every single-character error.
    code = make_uscc(first17)
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1:]
    assert not is_valid_uscc(changed)
